"""The plan export: the Lào Cai appendix layout, subtotals that add up, and an exact round trip."""

from __future__ import annotations

import io
import zipfile

import pytest
from excel_helpers import FIXTURES
from openpyxl import load_workbook

from planner.core.errors import ImportFileError
from planner.files.excel.fields import split_list
from planner.files.excel.plan import read_plan_workbook, write_plan_workbook
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_yaml
from planner.methodology.model import Methodology
from planner.methodology.scoring import item_options
from planner.optimiser.plan import Plan, PlanChange


def _mini() -> Methodology:
    return methodology_from_yaml((FIXTURES / "mini_methodology.yaml").read_text(encoding="utf-8"))


def _plan(m: Methodology, codes: list[str], **extra: object) -> Plan:
    """Every listed item raised from its lowest to its highest level, effort 2.5 per point."""
    changes = []
    for code in codes:
        item = m.item(code)
        options = item_options(item)
        low, high = options[0], options[-1]
        node = item.node
        changes.append(
            PlanChange(
                code=code,
                name_vi=node.name_vi,
                name_en=node.name_en,
                area_code=item.area.code,
                criterion_code=item.criterion.code,
                max_points=float(node.max_points),
                from_level=low.id,
                to_level=high.id,
                from_label_vi=low.label_vi,
                to_label_vi=high.label_vi,
                from_label_en=low.label_en,
                to_label_en=high.label_en,
                from_points=low.points,
                to_points=high.points,
                effort=round(2.5 * (high.points - low.points), 4),
                effort_is_default=code.endswith("1"),
                lead_agencies=node.lead_agencies or item.criterion.lead_agencies or item.area.lead_agencies,
                partner_agencies=node.partner_agencies,
                completion_target=node.completion_target,
                evidence_document=node.evidence_document,
                evidence_content=node.evidence_content,
                deadline=node.deadline,
                uses_assumption=item.rule.is_assumption,
            )
        )
    return Plan(
        methodology=m.id,
        province="Lào Cai",
        year=2019,
        scenario_name="Thử =1+1",
        target_vi="hạng ≤ 20",
        target_en="rank ≤ 20",
        target_rank=20,
        baseline_total=70.25,
        planned_total=round(70.25 + sum(c.points_gain for c in changes), 2),
        rank_before=31,
        rank_after=18,
        p_reach=0.8,
        changes=tuple(changes),
        **extra,  # type: ignore[arg-type]
    )


def test_a_plan_on_the_mini_methodology_round_trips_exactly() -> None:
    m = _mini()
    plan = _plan(m, ["2.2", "1.2.2", "1.1", "1.2.3"], notes="@cmd ghi chú")
    for lang in ("vi", "en"):
        assert read_plan_workbook(write_plan_workbook(plan, m, lang)) == plan


def test_the_full_bundled_plan_round_trips_and_its_area_rows_sum_to_the_lao_cai_table() -> None:
    m = load_bundled_methodology("qd2636-2018")
    codes = [i.code for i in m.scored_items if not i.is_survey]
    plan = _plan(m, codes)
    data = write_plan_workbook(plan, m)
    assert read_plan_workbook(data) == plan

    ws = load_workbook(io.BytesIO(data))["Kế hoạch"]
    area_rows = {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=3).value
        for r in range(6, ws.max_row + 1)
        if ws.cell(row=r, column=2).value and str(ws.cell(row=r, column=2).value).isupper()
    }
    # The appendix of KH 221/KH-UBND: 9 / 5 / 13 / 7.5 / 7.5 / 8.5 / 9.5 / 4.5 for areas 1-8 (64.5 in all).
    assert {k: area_rows[k] for k in "12345678"} == {
        "1": 9,
        "2": 5,
        "3": 13,
        "4": 7.5,
        "5": 7.5,
        "6": 8.5,
        "7": 9.5,
        "8": 4.5,
    }
    assert ws.cell(row=6, column=2).value == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"
    total_row = max(r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=2).value == "TỔNG CỘNG")
    assert ws.cell(row=total_row, column=3).value == 64.5  # the self-assessed part of the appendix


def test_the_header_has_the_appendix_groups_over_two_rows() -> None:
    m = _mini()
    ws = load_workbook(io.BytesIO(write_plan_workbook(_plan(m, ["1.1"]), m)))["Kế hoạch"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:H4", "I4:J4"} <= merged
    assert [ws.cell(row=4, column=c).value for c in (1, 2, 3, 4, 5, 9)] == [
        "STT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
        "Mục tiêu đạt được",
        "Yêu cầu của sản phẩm đầu ra (Tài liệu kiểm chứng)",
        "Phân công trách nhiệm",
    ]
    assert [ws.cell(row=5, column=c).value for c in range(5, 11)] == [
        "Thẩm quyền ban hành",
        "Chất lượng/Nội dung",
        "Mức độ hoàn thành",
        "Thời gian ban hành",
        "Chủ trì",
        "Phối hợp",
    ]
    assert ws.freeze_panes == "C6"
    assert ws.protection.sheet is True
    assert load_workbook(io.BytesIO(write_plan_workbook(_plan(m, ["1.1"]), m))).sheetnames[0] == "Hướng dẫn"


def test_subtotals_and_summary_are_values_that_add_up() -> None:
    m = _mini()
    plan = _plan(m, ["1.2.1", "1.2.2", "2.1"])
    wb = load_workbook(io.BytesIO(write_plan_workbook(plan, m)))
    ws = wb["Kế hoạch"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(6, ws.max_row + 1)}
    gain = 14  # column N
    # Area 1 holds 1.2.1 (0.5) and 1.2.2 (1.5); its criterion 1.2 the same two rows.
    assert ws.cell(row=rows["1"], column=gain).value == 2.0
    assert ws.cell(row=rows["1.2"], column=gain).value == 2.0
    assert ws.cell(row=rows["2"], column=gain).value == 3.0
    summary = wb["Tổng hợp"]
    values = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=3).value for r in range(4, 30)}
    assert values["points_gain"] == plan.points_gain == 5.0
    assert values["total_effort"] == plan.total_effort == 12.5
    assert values["rank_before"] == 31 and values["rank_after"] == 18


def test_user_text_never_becomes_a_formula() -> None:
    m = _mini()
    plan = _plan(m, ["1.1"], notes='=HYPERLINK("http://x")')
    change = plan.changes[0].model_copy(
        update={"evidence_document": "=1+1", "deadline": "+84 912", "lead_agencies": ("@SUM(A1)",)}
    )
    plan = plan.model_copy(update={"changes": (change,)})
    data = write_plan_workbook(plan, m)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml
    assert read_plan_workbook(data) == plan


def test_edited_text_columns_are_read_back() -> None:
    m = _mini()
    plan = _plan(m, ["1.1"])
    wb = load_workbook(io.BytesIO(write_plan_workbook(plan, m)))
    ws = wb["Kế hoạch"]
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=1).value == "1.1")
    ws.cell(row=row, column=9).value = "Sở Nội vụ;\nSở Tư pháp"
    ws.cell(row=row, column=8).value = "Quý IV"
    buffer = io.BytesIO()
    wb.save(buffer)
    back = read_plan_workbook(buffer.getvalue())
    assert back.changes[0].lead_agencies == ("Sở Nội vụ", "Sở Tư pháp")
    assert back.changes[0].deadline == "Quý IV"


def test_a_damaged_change_row_is_named_by_row_and_column() -> None:
    m = _mini()
    wb = load_workbook(io.BytesIO(write_plan_workbook(_plan(m, ["1.1", "2.1"]), m)))
    ws = wb["Kế hoạch"]
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=1).value == "2.1")
    ws.cell(row=row, column=15).value = "nhiều"
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ImportFileError) as info:
        read_plan_workbook(buffer.getvalue())
    assert info.value.messages("vi")[1] == f"Trang “Kế hoạch”, dòng {row}, cột O: “nhiều” không phải là số"
    assert info.value.messages("en")[1] == f"Sheet “Kế hoạch”, row {row}, column O: “nhiều” is not a number"


def test_agencies_split_on_semicolons_and_lines_but_not_commas() -> None:
    assert split_list("Các Sở, ban, ngành; UBND các huyện, thành phố") == (
        "Các Sở, ban, ngành",
        "UBND các huyện, thành phố",
    )
    assert split_list("A\nB;;  ") == ("A", "B")


def test_the_plan_lists_every_item_with_true_maxima_and_marks_the_changes() -> None:
    """Issue 14: the export listed only the items that change, and area 2's "Điểm tối đa" was the sum of the
    listed rows (1,5) instead of its maximum (5)."""
    from planner.core.data import data_dir
    from planner.methodology.scenario import scenario_from_json
    from planner.optimiser.levers import build_levers
    from planner.optimiser.plan_builder import build_plan

    m = load_bundled_methodology("qd2636-2018")
    baseline = scenario_from_json((data_dir() / "examples" / "lao-cai-2019.json").read_bytes())
    levers = build_levers(m, baseline)
    chosen = {lv.code: lv.upgrades[-1].level for lv in levers.movable if lv.item.area.code == "2"}
    plan = build_plan(levers, chosen)
    assert len(plan.changes) + len(plan.unchanged) == len([i for i in m.scored_items if not i.is_survey])
    data = write_plan_workbook(plan, m)
    assert read_plan_workbook(data) == plan  # the kept rows come back as kept
    ws = load_workbook(io.BytesIO(data))["Kế hoạch"]
    header = [ws.cell(row=5, column=c).value for c in range(1, ws.max_column + 1)]
    changed_column = header.index("Có thay đổi") + 1
    rows = {ws.cell(row=r, column=1).value: r for r in range(6, ws.max_row + 1)}
    assert ws.cell(row=rows["2"], column=3).value == 5  # area 2's maximum, whatever is listed
    marked = {
        ws.cell(row=r, column=1).value
        for r in range(6, ws.max_row + 1)
        if ws.cell(row=r, column=changed_column).value == 1
    }
    assert marked == set(chosen)
    fills = {ws.cell(row=rows[code], column=1).fill.fgColor.rgb for code in chosen}
    assert fills == {"00E2EFDA"}
    only_changes = load_workbook(io.BytesIO(write_plan_workbook(plan, m, every_item=False)))["Kế hoạch"]
    listed = [only_changes.cell(row=r, column=1).value for r in range(6, only_changes.max_row + 1)]
    assert "1.1" not in listed and only_changes.cell(row=listed.index("2") + 6, column=3).value == 5


def test_rows_are_as_tall_as_their_wrapped_text_so_nothing_prints_clipped() -> None:
    """Issue 14: in LibreOffice the sheets printed with wrapped text overlapping. Each row now states the height
    its longest cell needs in its column's width; the sheet prints landscape, one page wide, headers repeated."""
    m = _mini()
    long_text = "Văn bản chỉ đạo của Ủy ban nhân dân tỉnh về triển khai kế hoạch cải cách hành chính " * 4
    plan = _plan(m, ["1.1"])
    plan = plan.model_copy(
        update={"changes": (plan.changes[0].model_copy(update={"evidence_content": long_text}),)}
    )
    ws = load_workbook(io.BytesIO(write_plan_workbook(plan, m)))["Kế hoạch"]
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=1).value == "1.1")
    width = ws.column_dimensions["F"].width
    lines = -(-len(long_text) // (int(width) - 1))
    assert ws.row_dimensions[row].height >= 15 * lines
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$4:$5"
