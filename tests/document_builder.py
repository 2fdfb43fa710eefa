"""Real .docx and .pdf files for the document readers' tests, written from a methodology in the layouts
provinces hold: the Lào Cai plan appendix (codes 1 / 1.1 / 1.1.1, a two-row header with "Cơ quan thực hiện" over
Chủ trì and Phối hợp, no scoring brackets) and the ministry's decision (areas as Roman numerals with criteria
numbered inside them, the scoring brackets written in words under each item's name or in a Ghi chú column,
a totals row). Word files come from python-docx, PDFs from fpdf2 with DejaVu Sans (Vietnamese needs a Unicode
font; .ci/run installs fonts-dejavu-core). Not a test module itself.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal

from planner.core.i18n import format_number
from planner.methodology.brackets import words_of
from planner.methodology.model import Area, Criterion, Methodology, ScoredItem, SubCriterion

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
Layout = Literal["lao_cai", "ministry", "ministry_note"]
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

LAO_CAI_HEADER = (
    ("STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm năm 2018", "Tài liệu kiểm chứng",
     "Mục tiêu đạt được", "Thời gian hoàn thành", "Cơ quan thực hiện", ""),
    ("", "", "", "", "", "", "", "Chủ trì", "Phối hợp"),
)  # fmt: skip
MINISTRY_HEADER = (("STT", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Điểm tối đa"),)
MINISTRY_NOTE_HEADER = (("TT", "Nội dung tiêu chí", "Ghi chú (cách chấm)", "Điểm tối đa"),)


def pts(value: Decimal | float) -> str:
    return format_number(float(value), "vi", 2, trim=True)


def bracket_text(item: ScoredItem) -> str:
    """The item's rule written in words as a decision writes it, or "" when it has no brackets to write."""
    return words_of(item.rule, item.node.max_points)


def written_brackets(m: Methodology) -> dict[str, str]:
    """The items whose rule a document can write in words, with that text."""
    return {item.code: text for item in m.scored_items if (text := bracket_text(item))}


def table_rows(m: Methodology, layout: Layout) -> tuple[tuple[tuple[str, ...], ...], list[tuple[str, ...]]]:
    """The header rows and the body rows of the criteria table of `m` in `layout`."""
    rows: list[tuple[str, ...]] = []
    items = {i.code: i for i in m.scored_items}

    def name_cell(node: Area | Criterion | SubCriterion) -> str:
        item = items.get(node.code)
        text = bracket_text(item) if item is not None and layout == "ministry" else ""
        return node.name_vi + ("\n" + "\n".join(f"- {p.strip()}" for p in text.split(";")) if text else "")

    def row(code: str, node: Area | Criterion | SubCriterion) -> tuple[str, ...]:
        if layout == "lao_cai":
            return (code, node.name_vi, pts(node.max_points), "", node.evidence_document, node.completion_target,
                    node.deadline, "\n".join(node.lead_agencies), "\n".join(node.partner_agencies))  # fmt: skip
        if layout == "ministry":
            return (code, name_cell(node), pts(node.max_points))
        item = items.get(node.code)
        return (code, node.name_vi, bracket_text(item) if item is not None else "", pts(node.max_points))

    for a_index, area in enumerate(m.areas, start=1):
        rows.append(row(ROMAN[a_index - 1] if layout != "lao_cai" else str(a_index), area))
        for c_index, criterion in enumerate(area.criteria, start=1):
            c_code = str(c_index) if layout != "lao_cai" else f"{a_index}.{c_index}"
            rows.append(row(c_code, criterion))
            for s_index, sub in enumerate(criterion.sub_criteria, start=1):
                rows.append(row(f"{c_code}.{s_index}", sub))
    if layout == "lao_cai":
        header = LAO_CAI_HEADER
    else:
        header = MINISTRY_HEADER if layout == "ministry" else MINISTRY_NOTE_HEADER
        total = (
            ("", "Tổng cộng", pts(m.total_points))
            if layout == "ministry"
            else ("", "Tổng cộng", "", pts(m.total_points))
        )
        rows.append(total)
    return header, rows


def docx_bytes(
    header: Sequence[Sequence[str]], rows: Sequence[Sequence[str]], *, title: str = "PHỤ LỤC"
) -> bytes:
    """A Word document with a title and one table; a two-row header merges its group cell and the cells above."""
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    table = document.add_table(rows=len(header) + len(rows), cols=len(header[0]))
    table.style = "Table Grid"
    for r, values in enumerate([*header, *rows]):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    if len(header) == 2:
        width = len(header[0])
        group = next(c for c in range(width - 1) if header[0][c] and not header[0][c + 1])
        table.cell(0, group).merge(table.cell(0, group + 1))
        for c in range(width):
            if header[0][c] and not header[1][c] and c != group:
                table.cell(0, c).merge(table.cell(1, c))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(
    header: Sequence[Sequence[str]],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float] | None = None,
    font_size: float = 7,
) -> bytes:
    """A landscape A4 PDF with one ruled table, its (last) header row repeated on every page."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_font("DejaVu", style="B", fname=str(BOLD))
    pdf.set_font("DejaVu", size=font_size)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.cell(0, 8, "PHỤ LỤC", new_x="LMARGIN", new_y="NEXT")
    head = (
        [h or g for h, g in zip(header[-1], header[0], strict=True)] if len(header) == 2 else list(header[0])
    )
    with pdf.table(col_widths=tuple(widths) if widths else None, repeat_headings=1, line_height=3.6) as table:
        for values in [head, *rows]:
            line = table.row()
            for value in values:
                line.cell(value)
    return bytes(pdf.output())


def appendix_document(m: Methodology, layout: Layout, kind: Literal["docx", "pdf"]) -> bytes:
    header, rows = table_rows(m, layout)
    if kind == "docx":
        return docx_bytes(header, rows)
    widths = {
        "lao_cai": (8, 70, 12, 12, 40, 40, 22, 32, 32),
        "ministry": (10, 150, 18),
        "ministry_note": (10, 90, 110, 18),
    }
    return pdf_bytes(header, rows, widths=widths[layout])


def synthetic_scheme() -> Methodology:
    """A 9-area scheme shaped like the current one (68 self-assessed + 32 survey points, 87 scored items), with
    every kind of bracket a decision writes: thresholds on a percentage, levels, yes/no."""
    from planner.methodology.files import methodology_from_mapping

    def rule(kind: int, top: Decimal) -> dict[str, object]:
        half = top / 2
        if kind == 0:
            return {"type": "thresholds", "basis": "source", "source": "tổng hợp",
                    "steps": [{"bound": 80, "points": half}, {"bound": 100, "points": top}]}  # fmt: skip
        if kind == 1:
            return {"type": "levels", "basis": "source", "source": "tổng hợp", "levels": [
                {"id": "khong", "label_vi": "Không thực hiện", "points": 0},
                {"id": "cham", "label_vi": "Thực hiện chậm", "points": half},
                {"id": "dung_han", "label_vi": "Đúng hạn", "points": top}]}  # fmt: skip
        return {"type": "yes_no", "basis": "source", "source": "tổng hợp", "yes_label_vi": "Có",
                "no_label_vi": "Không"}  # fmt: skip

    areas = []
    kind = 0
    for a in range(1, 9):
        criteria = []
        for c, (total, parts) in enumerate(
            [("2", ("1", "0.5", "0.5")), ("2", ("1", "0.5", "0.5")), ("2.5", ("1", "1", "0.5"))], start=1
        ):
            subs = []
            for s, top in enumerate(parts, start=1):
                subs.append({"code": f"{a}.{c}.{s}", "name_vi": f"Tiêu chí thành phần {a}.{c}.{s} về cải cách",
                             "max_points": top, "rule": rule(kind % 3, Decimal(top))})  # fmt: skip
                kind += 1
            criteria.append({"code": f"{a}.{c}", "name_vi": f"Tiêu chí {a}.{c}", "max_points": total,
                             "sub_criteria": subs})  # fmt: skip
        criteria.append({"code": f"{a}.4", "name_vi": f"Tiêu chí {a}.4 chấm trực tiếp", "max_points": "2",
                         "rule": rule(kind % 3, Decimal(2))})  # fmt: skip
        kind += 1
        areas.append({"code": str(a), "name_vi": f"Lĩnh vực {a}", "max_points": "8.5", "criteria": criteria})
    leaders = [{"code": f"9.2.{s}", "name_vi": f"Khảo sát lãnh đạo, quản lý: nội dung {s}", "max_points": top,
                "assessment": "survey", "rule": {"type": "survey"}} for s, top in enumerate((4, 4, 4, 4, 3, 3), start=1)]  # fmt: skip
    areas.append({
        "code": "9", "name_vi": "Điều tra xã hội học", "max_points": 32, "criteria": [
            {"code": "9.1", "name_vi": "Chỉ số hài lòng của người dân, tổ chức (SIPAS)", "max_points": 10,
             "assessment": "survey", "rule": {"type": "survey"}},
            {"code": "9.2", "name_vi": "Khảo sát lãnh đạo, quản lý", "max_points": 22, "sub_criteria": leaders}]})  # fmt: skip
    return methodology_from_mapping({
        "id": "tong-hop-9-linh-vuc", "name_vi": "Bộ chỉ số tổng hợp 9 lĩnh vực", "total_points": 100,
        "self_assessed_points": 68, "survey_points": 32, "areas": areas})  # fmt: skip


def results_document(field: object, kind: Literal["docx", "pdf"], *, year: int) -> bytes:
    """A results decision's table: STT, Tỉnh/thành phố, Chỉ số PAR INDEX <year>, Xếp hạng (Vietnamese decimals)."""
    from planner.field.model import Field
    from planner.field.ranking import ranks_of

    assert isinstance(field, Field)
    scores = [e.score for e in field.entries]
    ranks = ranks_of(scores)
    header = [("STT", "Tỉnh, thành phố", f"Chỉ số PAR INDEX {year} (%)", "Xếp hạng")]
    rows = [
        (str(n), e.province, format_number(e.score, "vi", 2, trim=False), str(rank))
        for n, (e, rank) in enumerate(zip(field.entries, ranks, strict=True), start=1)
    ]
    rows.append(("", "Trung bình cả nước", format_number(sum(scores) / len(scores), "vi", 2), ""))
    if kind == "docx":
        return docx_bytes(header, rows, title=f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}")
    return pdf_bytes(header, rows, widths=(15, 90, 50, 30), font_size=9)
