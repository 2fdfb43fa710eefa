"""The effort workbook: costs per level, constraints and budgets typed in Excel come back exactly."""

from __future__ import annotations

import io

import pytest
from excel_helpers import LIBREOFFICE, edited, libreoffice_effort_table, mini_methodology
from openpyxl import load_workbook

from planner.core.errors import ImportFileError
from planner.files.excel.effort import lead_agencies, read_effort_workbook, write_effort_workbook
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scoring import item_options
from planner.optimiser.effort import (
    EffortEntry,
    EffortTable,
    ItemConstraint,
    effort_table_from_csv,
    effort_table_to_csv,
)

MINI = mini_methodology()
QD = load_bundled_methodology("qd2636-2018")


def _table() -> EffortTable:
    entries = []
    for item in QD.scored_items[::3]:
        for step, option in enumerate(item_options(item)[1:], start=1):
            if step > 3:
                break
            entries.append(
                EffortEntry(
                    code=item.code,
                    level=option.id,
                    effort=round(4.5 * step, 2),
                    basis="default" if step == 2 else "user",
                    note="=chi phí ước tính" if step == 1 else "",
                )
            )
    survey = next(i for i in QD.scored_items if i.is_survey)
    return EffortTable(
        unit="million_vnd",
        entries=tuple(entries),
        constraints=(
            ItemConstraint(code="1.1", locked=True),
            ItemConstraint(code="1.2.1", feasible_max_level=item_options(QD.item("1.2.1"))[1].id),
            ItemConstraint(code=survey.code, survey_unlocked=True),
        ),
        agency_budgets={"Sở Nội vụ": 120.0, "Sở Tư pháp": 0.0, "Ban Dân tộc (mới)": 7.5},
        notes="-số liệu tháng 3",
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_effort_table_round_trips_exactly(lang: str) -> None:
    table = _table()
    assert read_effort_workbook(write_effort_workbook(QD, table, lang), QD) == table  # type: ignore[arg-type]


def test_the_blank_template_reads_as_an_empty_table_and_lists_every_upgrade() -> None:
    data = write_effort_workbook(MINI)
    assert read_effort_workbook(data, MINI) == EffortTable()
    ws = load_workbook(io.BytesIO(data))["Công sức"]
    rows = [
        (ws.cell(row=r, column=1).value, ws.cell(row=r, column=3).value) for r in range(2, ws.max_row + 1)
    ]
    assert len(rows) == sum(len(item_options(i)) - 1 for i in MINI.scored_items)
    assert (
        ("1.2.1", "Chậm") in rows
        and ("1.2.1", "Đúng hạn") in rows
        and ("1.2.1", "Không thực hiện") not in rows
    )


def test_the_excel_and_csv_forms_of_a_table_agree() -> None:
    table = _table()
    from_csv = effort_table_from_csv(effort_table_to_csv(table), QD, unit=table.unit)
    from_xlsx = read_effort_workbook(write_effort_workbook(QD, table), QD)
    assert [(e.code, e.level, e.effort) for e in from_xlsx.entries] == [
        (e.code, e.level, e.effort) for e in from_csv.entries
    ]
    assert from_xlsx.constraints == from_csv.constraints


def test_budgets_list_every_lead_agency_of_the_methodology() -> None:
    ws = load_workbook(io.BytesIO(write_effort_workbook(QD)))["Ngân sách"]
    listed = [
        ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value
    ]
    assert listed == list(lead_agencies(QD))
    assert "Sở Nội vụ" in listed and len(listed) == len(set(listed))


def test_a_user_filling_efforts_labels_and_flags_is_understood() -> None:
    def fill(wb):  # type: ignore[no-untyped-def]
        ws = wb["Công sức"]
        rows = {
            (ws.cell(row=r, column=1).value, ws.cell(row=r, column=3).value): r
            for r in range(2, ws.max_row + 1)
        }
        ws.cell(row=rows[("1.2.1", "Chậm")], column=4).value = "2,5"
        ws.cell(row=rows[("1.2.1", "Chậm")], column=7).value = "x"
        ws.cell(row=rows[("1.2.1", "Chậm")], column=8).value = "chậm"
        ws.cell(row=rows[("1.2.1", "Đúng hạn")], column=4).value = 6
        wb["Ngân sách"]["A2"] = "Sở Nội vụ"
        wb["Ngân sách"]["B2"] = "40"
        wb["Thông tin"]["C2"] = "ngày công"

    table = read_effort_workbook(edited(write_effort_workbook(MINI), fill), MINI)
    assert table.entries == (
        EffortEntry(code="1.2.1", level="late", effort=2.5),
        EffortEntry(code="1.2.1", level="on_time", effort=6.0),
    )
    assert table.constraints == (ItemConstraint(code="1.2.1", locked=True, feasible_max_level="late"),)
    assert table.agency_budgets == {"Sở Nội vụ": 40.0}


def test_bad_cells_are_all_reported_with_row_and_column() -> None:
    def spoil(wb):  # type: ignore[no-untyped-def]
        ws = wb["Công sức"]
        ws["D2"] = -3
        ws["D3"] = "nhiều"
        ws["F4"] = "ghi chú lẻ"
        ws["G5"] = "có lẽ"
        wb["Ngân sách"]["B3"] = 5  # a budget without an agency

    with pytest.raises(ImportFileError) as info:
        read_effort_workbook(edited(write_effort_workbook(MINI), spoil), MINI)
    assert info.value.messages("vi")[1:] == [
        "Trang “Công sức”, dòng 2, cột D: “1.1”: -3 phải là số không âm",
        "Trang “Công sức”, dòng 3, cột D: “nhiều” không phải là số",
        "Trang “Công sức”, dòng 4, cột D: “1.2.1”: có ghi chú hoặc nguồn số liệu nhưng chưa nhập công sức",
        "Trang “Công sức”, dòng 5, cột G: “có lẽ” phải là Có hoặc Không",
        "Trang “Ngân sách”, dòng 3, cột A: thiếu giá trị",
    ]
    assert info.value.messages("en")[1] == "Sheet “Công sức”, row 2, column D: “1.1”: -3 must be at least 0"


def test_two_different_caps_for_one_item_are_refused() -> None:
    def spoil(wb):  # type: ignore[no-untyped-def]
        ws = wb["Công sức"]
        ws["H3"] = "Chậm"
        ws["H4"] = "Đúng hạn"  # the first row of 1.2.1 is row 3

    with pytest.raises(ImportFileError) as info:
        read_effort_workbook(edited(write_effort_workbook(MINI), spoil), MINI)
    assert info.value.messages("vi")[1] == (
        "Trang “Công sức”, dòng 4, cột H: “1.2.1” có hai mức tối đa khả thi khác nhau"
    )


def test_a_copy_saved_by_libreoffice_reads_back_as_the_same_table() -> None:
    data = (LIBREOFFICE / "effort_qd2636.xlsx").read_bytes()
    assert read_effort_workbook(data, QD) == libreoffice_effort_table(QD)
