"""A methodology from the decision's appendix as Word or PDF: real files in the layouts provinces hold, written
by tests/document_builder.py, read back, and compared with the scheme they were written from.

Recovery is counted as the README reports it: nodes (areas, criteria, scored items), maxima, and scoring brackets
recovered as the same rule (same points at every level) out of those the document writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from document_builder import (
    appendix_document,
    docx_bytes,
    pdf_bytes,
    synthetic_scheme,
    table_rows,
    written_brackets,
)

from planner.core.errors import ImportFileError
from planner.files.appendix import methodology_from_document
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.model import Methodology, ScoredItem

QD2636 = load_bundled_methodology("qd2636-2018")


def options(item: ScoredItem) -> list[int]:
    return sorted(o.centi for o in item.rule.options(item.max_centi))


def recovery(source: Methodology, got: Methodology) -> dict[str, int]:
    """How much of `source` came back in `got`, matched by position (a document renumbers the survey area)."""
    pairs = list(zip(source.scored_items, got.scored_items, strict=False))
    written = written_brackets(source)
    return {
        "areas": len(got.areas),
        "criteria": sum(len(a.criteria) for a in got.areas),
        "items": len(got.scored_items),
        "maxima": sum(a.node.max_points == b.node.max_points for a, b in pairs),
        "names": sum(a.node.name_vi == b.node.name_vi for a, b in pairs),
        "brackets": sum(
            a.code in written and b.rule.basis == "source" and options(a) == options(b) for a, b in pairs
        ),
    }


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("layout", ["ministry", "ministry_note"])
def test_the_2018_table_in_the_ministrys_layout_comes_back_whole_with_its_brackets(
    layout: str, kind: str
) -> None:
    result = methodology_from_document(f"phu-luc.{kind}", appendix_document(QD2636, layout, kind))  # type: ignore[arg-type]
    got = result.methodology
    assert recovery(QD2636, got) == {
        "areas": 9, "criteria": 36, "items": 84, "maxima": 84, "names": 84, "brackets": 81,
    }  # fmt: skip
    assert (got.total_points, got.self_assessed_points, got.survey_points) == (
        100,
        Decimal("64.5"),
        Decimal("35.5"),
    )
    # The one item the document writes no brackets for (a proportional rule) is listed, with where it is.
    assert [r.problem.key for r in result.review] == ["appendix.problem.no_brackets"]
    assert result.review[0].where.startswith("trang " if kind == "pdf" else "bảng 1, dòng ")
    assert {i.code for i in got.scored_items if i.is_survey} == {"8.1", "9.1"}
    assert all(i.rule.basis == "assumption" for i in got.scored_items if i.is_survey)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_lao_cai_appendix_gives_the_tree_the_agencies_and_an_assumption_for_every_unwritten_rule(
    kind: str,
) -> None:
    result = methodology_from_document(f"kh-221.{kind}", appendix_document(QD2636, "lao_cai", kind))  # type: ignore[arg-type]
    got = result.methodology
    counts = recovery(QD2636, got)
    assert counts | {"brackets": 0} == {
        "areas": 9,
        "criteria": 36,
        "items": 84,
        "maxima": 84,
        "names": 84,
        "brackets": 0,
    }
    pairs = list(zip(QD2636.scored_items, got.scored_items, strict=True))

    def agencies(item: ScoredItem) -> list[str]:
        return [a.rstrip(".") for a in item.node.lead_agencies]

    assert all(agencies(a) == agencies(b) for a, b in pairs if a.node.lead_agencies)
    assert all(a.node.completion_target == b.node.completion_target for a, b in pairs)
    # The Lào Cai table writes no brackets: every self-assessed item is an assumption, and listed for review.
    assert all(i.rule.basis == "assumption" for i in got.scored_items)
    assert sum(r.problem.key == "appendix.problem.no_brackets" for r in result.review) == 82


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_nine_area_68_plus_32_scheme_is_read_with_every_bracket(kind: str) -> None:
    scheme = synthetic_scheme()
    result = methodology_from_document(f"qd-moi.{kind}", appendix_document(scheme, "ministry_note", kind))  # type: ignore[arg-type]
    got = result.methodology
    assert recovery(scheme, got) == {
        "areas": 9, "criteria": 34, "items": 87, "maxima": 87, "names": 87, "brackets": 80,
    }  # fmt: skip
    assert (got.self_assessed_points, got.survey_points) == (68, 32)
    assert result.review == ()


def test_columns_in_any_order_are_found_by_their_headers() -> None:
    header, rows = table_rows(QD2636, "ministry_note")
    order = (3, 2, 0, 1)  # Điểm tối đa, Ghi chú, TT, Nội dung
    shuffled = docx_bytes(
        [tuple(h[i] for i in order) for h in header], [tuple(r[i] for i in order) for r in rows]
    )
    got = methodology_from_document("dao-cot.docx", shuffled).methodology
    assert recovery(QD2636, got)["maxima"] == 84 and recovery(QD2636, got)["brackets"] == 81


def test_an_area_written_in_one_merged_cell_with_its_points_in_the_name() -> None:
    header = [("STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Ghi chú")]
    rows = [
        ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC (2 điểm)", "", "", ""),
        (
            "1",
            "Kế hoạch CCHC năm",
            "1",
            "Ban hành đúng hạn: 1 điểm; ban hành chậm: 0,5 điểm; không ban hành: 0",
        ),
        ("2", "Báo cáo CCHC", "1", "Đầy đủ, đúng hạn: 1; chậm: 0"),
        ("II. ĐIỀU TRA XÃ HỘI HỌC (3 điểm)", "", "", ""),
        ("1", "Chỉ số hài lòng SIPAS", "3", ""),
    ]
    import docx as python_docx

    document = python_docx.Document(__import__("io").BytesIO(docx_bytes(header, rows)))
    table = document.tables[0]
    for r in (1, 4):  # the area rows: one cell across the whole width, as ministries write them
        table.cell(r, 0).merge(table.cell(r, 3))
    buffer = __import__("io").BytesIO()
    document.save(buffer)
    result = methodology_from_document("gop-o.docx", buffer.getvalue())
    got = result.methodology
    assert [(a.code, a.name_vi, a.max_points) for a in got.areas] == [
        ("1", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 2),
        ("2", "ĐIỀU TRA XÃ HỘI HỌC", 3),
    ]
    assert [i.code for i in got.scored_items] == ["1.1", "1.2", "2.1"]
    assert got.item("2.1").is_survey and got.item("1.1").rule.basis == "source"


def test_a_row_cut_by_a_page_break_is_joined_to_the_row_it_continues() -> None:
    header = [("STT", "Tiêu chí", "Điểm tối đa", "Ghi chú")]
    rows = [
        ("1", "Công tác chỉ đạo", "1", ""),
        ("1.1", "Mức độ hoàn thành kế hoạch", "1", "Hoàn thành 100% kế hoạch: 1 điểm; từ 80% đến dưới"),
        ("", "", "", "100%: 0,5 điểm; dưới 80%: 0 điểm"),  # the rest of the cell, on the next page
    ]
    got = methodology_from_document("ngat-trang.pdf", pdf_bytes(header, rows, widths=(15, 80, 25, 120)))
    item = got.methodology.item("1.1")
    assert options(item) == [0, 50, 100] and item.rule.basis == "source"


def test_a_table_without_a_maximum_column_says_what_it_looked_for() -> None:
    rows = [("1", "Công tác chỉ đạo", "Sở Nội vụ")]
    with pytest.raises(ImportFileError) as raised:
        methodology_from_document("thieu-cot.docx", docx_bytes([("STT", "Tiêu chí", "Chủ trì")], rows))
    assert raised.value.key == "appendix.no_criteria_table"
    assert "Điểm tối đa" in raised.value.one_line("vi")


def test_a_scanned_appendix_is_refused_with_a_clear_message() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 180, 200)
    with pytest.raises(ImportFileError) as raised:
        methodology_from_document("quet.pdf", bytes(pdf.output()))
    assert raised.value.key == "document.no_text_layer"
    assert "OCR" in raised.value.one_line("vi")


def test_a_maximum_that_disagrees_with_its_parts_is_the_sum_and_is_flagged() -> None:
    header = [("STT", "Tiêu chí", "Điểm tối đa", "Ghi chú")]
    rows = [
        ("1", "Công tác chỉ đạo", "3", ""),  # written 3, its parts sum to 2
        ("1.1", "Kế hoạch", "1", "Có: 1; không: 0"),
        ("1.2", "Báo cáo", "1", "Đúng hạn: 1; chậm: 0,5; không: 0"),
        ("2", "Khảo sát", "", ""),  # no maximum written: the sum, labelled an inference
        ("2.1", "Chỉ số hài lòng SIPAS", "5", ""),
        ("", "Tổng cộng", "9", ""),
    ]
    result = methodology_from_document("lech.docx", docx_bytes(header, rows))
    m = result.methodology
    assert [(a.code, a.max_points, a.max_basis) for a in m.areas] == [
        ("1", 2, "source"),
        ("2", 5, "inference"),
    ]
    keys = [r.problem.key.rsplit(".", 1)[-1] for r in result.review]
    assert keys == ["sum", "total"]
    assert result.review[0].where == "bảng 1, dòng 2"
    assert m.item("1.2").rule.basis == "source" and m.item("2.1").is_survey
