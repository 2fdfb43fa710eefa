"""The scenario workbook: a template users fill in Excel, read back to exactly the scenario written."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from excel_helpers import LIBREOFFICE, edited, mini_methodology
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from planner.core.data import data_dir
from planner.core.errors import ImportFileError
from planner.files.excel.scenario import read_scenario_workbook, write_scenario_workbook
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.model import Methodology
from planner.methodology.scenario import ItemSetting, Scenario, scenario_from_json
from planner.methodology.scoring import item_options, score_scenario

ROOT = Path(__file__).resolve().parents[2]
MINI = mini_methodology()


def _row_of(ws, code: str) -> int:  # type: ignore[no-untyped-def]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == code)


def test_a_blank_template_reads_back_as_an_empty_scenario() -> None:
    data = write_scenario_workbook(MINI)
    assert read_scenario_workbook(data, methodology=MINI) == Scenario(methodology="mini-test")


def test_every_way_of_setting_an_item_round_trips_in_both_languages() -> None:
    scenario = Scenario(
        name="=cmd|' /C calc'!A0",
        methodology="mini-test",
        province="Lào Cai",
        year=2019,
        default="max",
        notes="+ghi chú chung",
        items={
            "1.1": ItemSetting(level="yes", note="-đã ban hành"),
            "1.2.1": ItemSetting(level="late"),
            "1.2.2": ItemSetting(value=92.5, note="@SUM(1)"),
            "1.2.3": ItemSetting(points=Decimal("0.37")),
            "2.1": ItemSetting(value=31),
            "2.2": ItemSetting(level="v_85"),
        },
    )
    for lang in ("vi", "en"):
        assert (
            read_scenario_workbook(write_scenario_workbook(MINI, scenario, lang), methodology=MINI)
            == scenario
        )


@pytest.mark.parametrize("name", ["lao-cai-2019.json", "an-giang-2023.json", "quang-ngai-2025.json"])
def test_the_worked_examples_round_trip_through_excel_with_the_same_score(name: str) -> None:
    scenario = scenario_from_json((data_dir() / "examples" / name).read_bytes())
    m = load_bundled_methodology(scenario.methodology)
    back = read_scenario_workbook(write_scenario_workbook(m, scenario))
    assert back == scenario
    assert score_scenario(m, back).total_centi == score_scenario(m, scenario).total_centi


def _settings(m: Methodology) -> st.SearchStrategy[dict[str, ItemSetting]]:
    per_item = {}
    for item in m.scored_items:
        options = item_options(item)
        choices = [st.sampled_from([ItemSetting(level=o.id) for o in options])]
        choices.append(
            st.integers(0, item.max_centi).map(lambda c: ItemSetting(points=Decimal(c) / 100, note="n"))
        )
        if item.rule.takes_value:
            values = [o.value for o in options if o.value is not None]
            choices.append(st.sampled_from([ItemSetting(value=v) for v in values]))
        per_item[item.code] = st.one_of(*choices)
    return st.fixed_dictionaries({}, optional=per_item)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=_settings(MINI), default=st.sampled_from(["zero", "max"]))
def test_any_valid_scenario_round_trips(items: dict[str, ItemSetting], default: str) -> None:
    scenario = Scenario(methodology="mini-test", items=items, default=default)  # type: ignore[arg-type]
    back = read_scenario_workbook(write_scenario_workbook(MINI, scenario), methodology=MINI)
    assert back == scenario
    assert score_scenario(MINI, back).total_centi == score_scenario(MINI, scenario).total_centi


def test_the_template_offers_level_lists_ranges_and_locks_what_is_not_input() -> None:
    wb = load_workbook(io.BytesIO(write_scenario_workbook(MINI)))
    assert wb.sheetnames == ["Hướng dẫn", "Kịch bản", "Thông tin", "DanhMuc"]
    assert wb["DanhMuc"].sheet_state == "hidden"
    ws = wb["Kịch bản"]
    assert ws.freeze_panes == "C2" and ws.protection.sheet and ws.protection.password is None
    row = _row_of(ws, "1.2.1")
    lists = wb["DanhMuc"]
    by_cell = {str(c): dv for dv in ws.data_validations.dataValidation for c in dv.sqref.ranges}
    level = by_cell[f"E{row}"]
    assert level.type == "list"
    ref = level.formula1.split("!")[1].replace("$", "")
    labels = [c.value for c in lists[ref][0]] if ":" not in ref else [r[0].value for r in lists[ref]]
    assert labels == ["Không thực hiện", "Chậm", "Đúng hạn"]
    points = by_cell[f"G{row}"]
    assert (points.type, points.operator, points.formula1, points.formula2) == (
        "decimal",
        "between",
        "0",
        "0.5",
    )
    assert f"F{row}" not in by_cell and ws[f"F{row}"].protection.locked  # a levels rule takes no value
    assert not ws[f"E{row}"].protection.locked and ws[f"A{row}"].protection.locked
    value_row = _row_of(ws, "1.2.2")
    assert (by_cell[f"F{value_row}"].formula1, by_cell[f"F{value_row}"].formula2) == ("0", "100")
    assert ws.cell(row=_row_of(ws, "1"), column=5).protection.locked  # area rows take no input


def test_the_score_command_reads_a_filled_template(tmp_path: Path) -> None:
    m = load_bundled_methodology("qd2636-2018")
    scenario = scenario_from_json((data_dir() / "examples" / "lao-cai-2019.json").read_bytes())
    path = tmp_path / "kich-ban.xlsx"
    path.write_bytes(write_scenario_workbook(m, scenario))
    result = subprocess.run(
        [sys.executable, "-m", "planner", "score", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == score_scenario(m, scenario).total == 78.47


def test_a_user_filling_levels_by_label_values_and_vietnamese_decimals_is_understood() -> None:
    def fill(wb):  # type: ignore[no-untyped-def]
        ws = wb["Kịch bản"]
        ws.cell(row=_row_of(ws, "1.1"), column=5).value = "đạt"  # folded label of "Đạt"
        ws.cell(row=_row_of(ws, "1.2.2"), column=6).value = "92,5"
        ws.cell(row=_row_of(ws, "1.2.3"), column=7).value = "0,25"
        ws.cell(row=_row_of(ws, "2.2"), column=5).value = "v_50"  # a level id works too
        wb["Thông tin"]["C5"].value = 2024  # year

    data = edited(write_scenario_workbook(MINI), fill)
    back = read_scenario_workbook(data, methodology=MINI)
    assert back.items == {
        "1.1": ItemSetting(level="yes"),
        "1.2.2": ItemSetting(value=92.5),
        "1.2.3": ItemSetting(points=Decimal("0.25")),
        "2.2": ItemSetting(level="v_50"),
    }
    assert back.year == 2024


def test_every_problem_of_a_sheet_is_listed_with_its_row_and_column() -> None:
    def spoil(wb):  # type: ignore[no-untyped-def]
        ws = wb["Kịch bản"]
        ws.cell(row=_row_of(ws, "1.1"), column=5).value = "Xuất sắc"
        ws.cell(row=_row_of(ws, "1.2.2"), column=6).value = 120
        ws.cell(row=_row_of(ws, "1.2.3"), column=6).value = 80
        ws.cell(row=_row_of(ws, "1.2.3"), column=7).value = 0.5
        ws.cell(row=_row_of(ws, "2"), column=7).value = 1

    data = edited(write_scenario_workbook(MINI), spoil)
    with pytest.raises(ImportFileError) as info:
        read_scenario_workbook(data, methodology=MINI)
    ws = load_workbook(io.BytesIO(data))["Kịch bản"]
    messages = info.value.messages("vi")
    assert messages[0] == "Không nhập được tệp; dữ liệu hiện tại được giữ nguyên"
    assert messages[1:] == [
        f"Trang “Kịch bản”, dòng {_row_of(ws, '1.1')}, cột E: “1.1”: không có mức “Xuất sắc” "
        "(các mức: Không đạt, Đạt)",
        f"Trang “Kịch bản”, dòng {_row_of(ws, '1.2.2')}, cột F: “1.2.2”: giá trị 120 nằm ngoài khoảng 0–100",
        f"Trang “Kịch bản”, dòng {_row_of(ws, '1.2.3')}, cột G: “1.2.3” được nhập ở nhiều cột (F, G); "
        "chỉ nhập một trong mức, giá trị hoặc điểm",
        f"Trang “Kịch bản”, dòng {_row_of(ws, '2')}, cột A: “2” là lĩnh vực hoặc tiêu chí có tiêu chí thành "
        "phần; hãy nhập ở các dòng tiêu chí thành phần",
    ]
    english = info.value.messages("en")
    assert english[2] == (
        f"Sheet “Kịch bản”, row {_row_of(ws, '1.2.2')}, column F: “1.2.2”: value 120 is outside 0–100"
    )


def test_a_copy_saved_by_libreoffice_reads_back_as_the_same_scenario() -> None:
    data = (LIBREOFFICE / "scenario_lao_cai_2019.xlsx").read_bytes()
    example = scenario_from_json((data_dir() / "examples" / "lao-cai-2019.json").read_bytes())
    read = read_scenario_workbook(data)
    # saved before the case carried a target (and before the notes lost their English tail)
    assert read.target is None and read.items == example.items
    assert (read.name, read.province, read.year, read.methodology) == (
        example.name,
        example.province,
        example.year,
        example.methodology,
    )


@pytest.mark.parametrize(
    "target",
    [
        {"kind": "band", "best_rank": 25, "rank": 30},
        {"kind": "rank", "rank": 20},
        {"kind": "score", "score": 88.5},
        {"kind": "group", "group": "A"},
        {"kind": "probability", "rank": 20, "probability": 0.8},
    ],
)
def test_the_case_target_round_trips_in_both_languages(target: dict[str, object]) -> None:
    from planner.methodology.target import Target

    scenario = Scenario(methodology="mini-test", province="Quảng Ngãi", year=2025, target=Target(**target))  # type: ignore[arg-type]
    for lang in ("vi", "en"):
        assert (
            read_scenario_workbook(write_scenario_workbook(MINI, scenario, lang), methodology=MINI)
            == scenario
        )


def test_a_target_that_does_not_read_is_a_located_error() -> None:
    data = write_scenario_workbook(MINI, Scenario(methodology="mini-test"))
    wb = load_workbook(io.BytesIO(data))
    info = wb.worksheets[-1] if "Thông tin" not in wb.sheetnames else wb["Thông tin"]
    row = next(r for r in range(1, info.max_row + 1) if info.cell(row=r, column=1).value == "target")
    info.cell(row=row, column=3).value = "top hai mươi"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportFileError) as caught:
        read_scenario_workbook(out.getvalue(), methodology=MINI)
    text = " ".join(caught.value.messages("vi"))
    assert "top hai mươi" in text and "hạng 25–30" in text
