"""The methodology workbook: a province types its official table in Excel and loads it, exactly and safely."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from excel_helpers import LIBREOFFICE, edited, mini_methodology
from openpyxl import load_workbook
from optimiser_fixtures import random_methodology

from planner.cli.files import template_bytes
from planner.core.data import data_dir
from planner.core.errors import ImportFileError
from planner.files.excel.methodology import read_methodology_workbook, write_methodology_workbook
from planner.methodology.catalog import bundled_methodology_ids, load_bundled_methodology
from planner.methodology.files import methodology_to_json
from planner.methodology.model import Criterion, Methodology, SubCriterion
from planner.methodology.scoring import full_marks, score_scenario

TEMPLATES = data_dir() / "templates"
#: The committed templates and how to regenerate them (data/templates/build_templates.py runs the same).
COMMITTED = {
    "phuong-phap-mau-trong.xlsx": {"methodology_id": None},
    "phuong-phap-qd2636-2018.xlsx": {"methodology_id": "qd2636-2018"},
}


def _round_trip(m: Methodology, lang: str = "vi") -> Methodology:
    return read_methodology_workbook(write_methodology_workbook(m, lang))  # type: ignore[arg-type]


@pytest.mark.parametrize("methodology_id", bundled_methodology_ids())
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_bundled_methodology_exported_to_excel_loads_back_identical(
    methodology_id: str, lang: str
) -> None:
    m = load_bundled_methodology(methodology_id)
    back = _round_trip(m, lang)
    assert back == m
    assert methodology_to_json(back) == methodology_to_json(m)


def test_the_mini_methodology_with_every_rule_type_round_trips() -> None:
    m = mini_methodology()
    assert _round_trip(m) == m


@pytest.mark.parametrize("seed", range(12))
def test_generated_methodologies_round_trip(seed: int) -> None:
    m = random_methodology(np.random.default_rng(seed), n_items=4 + seed, with_survey=seed % 2 == 0)
    assert _round_trip(m) == m


def test_rule_details_that_differ_from_the_defaults_survive() -> None:
    data = mini_methodology().model_dump(mode="json", exclude_defaults=True)
    criterion = data["areas"][0]["criteria"][0]
    criterion["rule"] = {
        "type": "yes_no",
        "yes_points": "1",
        "no_points": "0.25",
        "yes_label_vi": "Có kế hoạch",
        "no_label_en": "None",
    }
    sub = data["areas"][0]["criteria"][1]["sub_criteria"][2]
    sub["rule"] = {"type": "proportional", "floor": 50, "full_at": 90, "grid": [50, 70, 90], "unit_vi": "VB"}
    count = data["areas"][1]["criteria"][0]
    count["rule"].update(
        {"direction": "lower", "steps": [{"bound": 50, "points": 1.5}, {"bound": 25, "points": 3}]}
    )
    count["rule"]["below_points"] = "0.5"
    data["areas"][1]["criteria"][1]["rule"] = {"type": "survey", "grid_step": 12.5}
    m = Methodology.model_validate(data)
    assert _round_trip(m) == m
    assert _round_trip(m, "en") == m


def test_the_blank_template_filled_in_by_hand_loads() -> None:
    def fill(wb):  # type: ignore[no-untyped-def]
        info = wb["Thông tin"]
        info["C2"] = "tinh-thu-2026"
        info["C3"] = "Bộ chỉ số thử"
        info["C6"] = "2026; 2027"
        info["C7"] = 2
        nodes = wb["Phương pháp"]
        rows = [
            ("1", None, "Chỉ đạo điều hành", "2"),
            ("1.1", "1", "Kế hoạch CCHC", "1,5"),
            ("1.2", "1", "Báo cáo", 0.5),
        ]
        for r, (code, parent, name, points) in enumerate(rows, start=2):
            nodes.cell(row=r, column=1).value = code
            nodes.cell(row=r, column=2).value = parent
            nodes.cell(row=r, column=4).value = name
            nodes.cell(row=r, column=6).value = points
        nodes["J3"] = "Đạt/Không đạt"
        nodes["J4"] = "theo muc"  # folded, without diacritics
        nodes["K4"] = "Giả định"
        levels = wb["Mức điểm"]
        for r, (level, label, points) in enumerate([("khong", "Không", 0), ("co", "Có", "0,5")], start=2):
            levels.cell(row=r, column=1).value = "1.2"
            levels.cell(row=r, column=2).value = level
            levels.cell(row=r, column=3).value = label
            levels.cell(row=r, column=6).value = points

    m = read_methodology_workbook(edited(write_methodology_workbook(), fill))
    assert m.id == "tinh-thu-2026" and m.index_years == (2026, 2027)
    assert [i.code for i in m.scored_items] == ["1.1", "1.2"]
    assert m.item("1.1").node.max_points == Decimal("1.5")
    assert score_scenario(m, full_marks(m)).total == 2.0


def test_the_template_has_instructions_first_validations_locks_and_formula_helpers() -> None:
    wb = load_workbook(io.BytesIO(write_methodology_workbook(load_bundled_methodology("qd2636-2018"))))
    assert wb.sheetnames == ["Hướng dẫn", "Phương pháp", "Mức điểm", "Thông tin", "DanhMuc"]
    assert "Phương pháp" in str(wb["Hướng dẫn"]["B3"].value)
    assert "Methodology" in " ".join(str(c.value) for c in wb["Hướng dẫn"]["B"] if c.value)  # English below
    ws = wb["Phương pháp"]
    assert ws.protection.sheet and ws["A1"].protection.locked and not ws["A2"].protection.locked
    assert ws.freeze_panes == "E2"
    types = {next(iter(dv.sqref.ranges)).coord[0]: dv.type for dv in ws.data_validations.dataValidation}
    assert types["J"] == "list" and types["F"] == "decimal"
    assert ws["C2"].data_type == "f" and ws["C2"].protection.locked
    assert ws["G2"].value.startswith("=IF(") and ws["G2"].protection.locked
    assert ws.conditional_formatting  # the red "sum of children" warning


def _evaluate_children_sum(formula: str, ws) -> float | str:  # type: ignore[no-untyped-def]
    """Evaluate our `=IF(OR(A5="",COUNTIF($B:$B,A5)=0),"",SUMIF($B:$B,A5,$F:$F))` the way Excel would."""
    match = re.fullmatch(
        r'=IF\(OR\((\w+)(\d+)="",COUNTIF\(\$(\w+):\$\w+,\w+\d+\)=0\),"",SUMIF\(\$\w+:\$\w+,\w+\d+,\$(\w+):\$\w+\)\)',
        formula,
    )
    assert match is not None, formula
    code_col, row, parent_col, max_col = match.group(1), int(match.group(2)), match.group(3), match.group(4)
    code = ws[f"{code_col}{row}"].value
    kids = [r for r in range(2, ws.max_row + 1) if ws[f"{parent_col}{r}"].value == code and code]
    if not code or not kids:
        return ""
    return sum(float(ws[f"{max_col}{r}"].value) for r in kids)


def test_the_children_sum_helper_column_adds_what_the_importer_checks() -> None:
    m = load_bundled_methodology("qd2636-2018")
    ws = load_workbook(io.BytesIO(write_methodology_workbook(m)))["Phương pháp"]
    checked = 0
    for row in range(2, 2 + len(m.nodes_by_code)):
        code = ws.cell(row=row, column=1).value
        node = m.nodes_by_code[code]
        value = _evaluate_children_sum(ws.cell(row=row, column=7).value, ws)
        if value != "":
            assert round(value, 2) == float(node.max_points), code  # type: ignore[arg-type]
            checked += 1
    assert checked == len(m.areas) + sum(1 for a in m.areas for c in a.criteria if c.sub_criteria)


def test_formula_helper_cells_are_recomputed_not_read() -> None:
    m = mini_methodology()
    data = edited(write_methodology_workbook(m), lambda wb: wb["Phương pháp"].__setitem__("G2", "=1/0"))
    assert read_methodology_workbook(data) == m


def _spoiled(edit) -> ImportFileError:  # type: ignore[no-untyped-def]
    data = edited(write_methodology_workbook(mini_methodology()), edit)
    with pytest.raises(ImportFileError) as info:
        read_methodology_workbook(data)
    return info.value


def test_points_that_do_not_add_up_are_placed_at_the_parents_maximum() -> None:
    error = _spoiled(lambda wb: wb["Phương pháp"].__setitem__("F5", 0.75))  # 1.2.1: 0.5 -> 0.75
    assert error.messages("vi")[1:] == [
        "Trang “Phương pháp”, dòng 4, cột F: Tổng điểm tối đa của các mục con của “1.2” là 3, khác điểm tối đa 2,75",
        "Trang “Thông tin”, dòng 8, cột C: Tổng điểm tự đánh giá là 7,25, khác số khai báo 7",
    ]
    assert error.messages("en")[1] == (
        "Sheet “Phương pháp”, row 4, column F: The maxima of the children of “1.2” sum to 3, not to its maximum 2.75"
    )


def test_structural_mistakes_are_each_named() -> None:
    def spoil(wb):  # type: ignore[no-untyped-def]
        nodes = wb["Phương pháp"]
        nodes["A6"] = "1.2.1"  # row 6 (was 1.2.2) now repeats row 5
        nodes["B8"] = "9"  # area 2 (row 8) given a parent that does not exist
        wb["Mức điểm"]["A20"] = "7.7"  # levels for a code that does not exist

    assert _spoiled(spoil).messages("vi")[1:] == [
        "Trang “Phương pháp”, dòng 6, cột A: mã “1.2.1” lặp lại (đã có ở dòng 5)",
        "Trang “Phương pháp”, dòng 8, cột B: không có mục nào mang mã cha “9”",
        # 1.2.2 is gone, so its threshold steps have no owner any more:
        "Trang “Mức điểm”, dòng 5, cột A: mức điểm cho mã “1.2.2” không có trong trang phương pháp",
        "Trang “Mức điểm”, dòng 20, cột A: mức điểm cho mã “7.7” không có trong trang phương pháp",
    ]


def test_parents_that_loop_are_named_once() -> None:
    def spoil(wb):  # type: ignore[no-untyped-def]
        nodes = wb["Phương pháp"]
        nodes["B9"] = "2.2"  # 2.1 under 2.2 ...
        nodes["B10"] = "2.1"  # ... and 2.2 under 2.1

    messages = _spoiled(spoil).messages("en")[1:]
    assert messages == [
        "Sheet “Phương pháp”, row 8, column A: area “2” has no criteria",
        "Sheet “Phương pháp”, row 9, column B: “2.1” does not lead up to any area (its parents form a loop)",
        "Sheet “Phương pháp”, row 10, column B: “2.2” does not lead up to any area (its parents form a loop)",
    ]


def test_a_parameter_that_does_not_belong_to_the_rule_is_refused_at_its_cell() -> None:
    error = _spoiled(lambda wb: wb["Phương pháp"].__setitem__("S5", 10))  # floor on 1.2.1, a levels rule
    assert error.messages("vi")[1] == (
        "Trang “Phương pháp”, dòng 5, cột S: “1.2.1”: ô này không dùng cho quy tắc loại “levels”; hãy xoá hoặc "
        "đổi loại quy tắc"
    )


def test_a_level_above_the_maximum_is_placed_at_its_level_row() -> None:
    def spoil(wb):  # type: ignore[no-untyped-def]
        levels = wb["Mức điểm"]
        row = next(r for r in range(2, 20) if levels.cell(row=r, column=2).value == "on_time")
        levels.cell(row=row, column=6).value = 0.75

    error = _spoiled(spoil)
    assert re.fullmatch(
        r"Trang “Mức điểm”, dòng \d+, cột F: Quy tắc của “1.2.1” cho 0,75 điểm, vượt điểm tối đa 0,5",
        error.messages("vi")[1],
    )


def _parts(data: bytes) -> dict[str, bytes]:
    """The uncompressed parts of an .xlsx (compressed bytes may differ between zlib builds; content may not)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize(("name", "options"), sorted(COMMITTED.items()))
def test_committed_templates_equal_a_fresh_generation(name: str, options: dict[str, str | None]) -> None:
    committed = _parts((TEMPLATES / name).read_bytes())
    fresh = _parts(template_bytes("methodology", **options))  # type: ignore[arg-type]
    assert committed.keys() == fresh.keys()
    changed = [part for part in committed if committed[part] != fresh[part]]
    assert changed == [], f"regenerate with data/templates/build_templates.py ({name}: {changed})"


def test_the_committed_example_loads_as_the_bundled_scheme() -> None:
    data = (TEMPLATES / "phuong-phap-qd2636-2018.xlsx").read_bytes()
    assert read_methodology_workbook(data) == load_bundled_methodology("qd2636-2018")


def test_the_template_generator_script_lists_the_same_files() -> None:
    script = (TEMPLATES / "build_templates.py").read_text(encoding="utf-8")
    for name in COMMITTED:
        assert name in script
    assert Path(TEMPLATES / "README.md").exists()


def test_a_copy_saved_by_libreoffice_reads_back_identical_and_calc_computed_the_helper_sums() -> None:
    """tests/corpus/libreoffice/methodology_qd2636.xlsx: our template opened and saved by LibreOffice Calc,
    which rewrites the XML its own way and stores the values it computed for the two formula columns."""
    m = load_bundled_methodology("qd2636-2018")
    data = (LIBREOFFICE / "methodology_qd2636.xlsx").read_bytes()
    assert read_methodology_workbook(data) == m
    ws = load_workbook(io.BytesIO(data), data_only=True)["Phương pháp"]
    tiers: dict[str, int] = {}
    for row in range(2, 2 + len(m.nodes_by_code)):
        node = m.nodes_by_code[ws.cell(row=row, column=1).value]
        tier = ws.cell(row=row, column=3).value
        tiers[tier] = tiers.get(tier, 0) + 1
        computed = ws.cell(row=row, column=7).value
        if isinstance(node, SubCriterion) or (isinstance(node, Criterion) and not node.sub_criteria):
            assert computed in (None, ""), node.code
        else:
            assert round(float(computed), 2) == float(node.max_points), node.code
    assert tiers == {
        "Lĩnh vực": len(m.areas),
        "Tiêu chí": m.criteria_count,
        "Tiêu chí thành phần": sum(len(c.sub_criteria) for a in m.areas for c in a.criteria),
    }


def test_an_upload_lists_every_kind_of_problem_at_once_and_one_message_per_wrong_cell() -> None:
    """Issue 14: the methodology upload stopped at a text value in a number cell (a duplicate code went unsaid),
    and one negative maximum gave five messages, one of them "ngoài khoảng 0–-1"."""
    import io as _io

    from openpyxl import load_workbook as _load

    from planner.core.errors import ImportFileError
    from planner.files.excel.methodology import read_methodology_workbook, write_methodology_workbook
    from planner.methodology.catalog import load_bundled_methodology

    m = load_bundled_methodology("qd2636-2018")

    def spoiled(edits: dict[tuple[int, int], object]) -> list[str]:
        wb = _load(_io.BytesIO(write_methodology_workbook(m, "vi")))
        ws = wb["Phương pháp"]
        for (row, column), value in edits.items():
            ws.cell(row=row, column=column).value = value
        out = _io.BytesIO()
        wb.save(out)
        with pytest.raises(ImportFileError) as caught:
            read_methodology_workbook(out.getvalue())
        return caught.value.messages("vi")[1:]

    everything = spoiled({(3, 6): "abc", (5, 1): "1.2.2", (6, 6): -1})
    assert len(everything) == 3
    assert any("“abc” không phải là số" in x for x in everything)
    assert any("lặp lại" in x for x in everything)
    assert any("điểm tối đa âm" in x for x in everything)
    one = spoiled({(6, 6): -1})
    assert one == ["Trang “Phương pháp”, dòng 6, cột F: “1.2.2” có điểm tối đa âm (-1)"]
    assert not any("0–-" in x for x in one)
