"""Typed cells shared by the readers: whole numbers, exact decimals, choices in either language, lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from planner.core.errors import ImportFileError
from planner.files.excel.fields import choice, decimal_of, split_list, whole_number
from planner.tables.reading import Column
from planner.tables.workbook import read_table


def _rows(*values: object) -> list:  # type: ignore[type-arg]
    wb = Workbook()
    ws = wb.active
    ws.title = "T"
    ws.append(["Giá trị"])
    for value in values:
        ws.append([value])
    return read_table(ws, [Column("value", ("Giá trị", "Value"))])


def test_decimals_keep_what_the_user_typed() -> None:
    assert decimal_of(0.25) == Decimal("0.25") and str(decimal_of(0.1)) == "0.1"
    assert str(decimal_of(9.0)) == "9" and str(decimal_of(64.5)) == "64.5"


def test_whole_numbers_refuse_fractions_at_their_cell() -> None:
    two, fraction = _rows(2019, "2019,5")
    assert whole_number(two) == 2019
    with pytest.raises(ImportFileError) as info:
        whole_number(fraction)
    assert info.value.messages("vi")[1] == "Trang “T”, dòng 3, cột A: 2.019,5 phải là số nguyên"
    assert info.value.messages("en")[1] == "Sheet “T”, row 3, column A: 2,019.5 must be a whole number"


def test_choices_are_read_by_id_or_by_label_in_either_language_without_diacritics() -> None:
    def label(option: str) -> str:
        return f"excel.methodology.direction.{option}"

    rows = _rows("lower", "Càng cao càng tốt", "higher is better", "cang thap cang tot", "tùy")
    assert [choice(r, "value", ("higher", "lower"), label) for r in rows[:4]] == [
        "lower",
        "higher",
        "higher",
        "lower",
    ]
    with pytest.raises(ImportFileError) as info:
        choice(rows[4], "value", ("higher", "lower"), label)
    assert "Càng cao càng tốt, Càng thấp càng tốt" in info.value.messages("vi")[1]


def test_lists_split_on_semicolons_and_lines_only() -> None:
    assert split_list("Các Sở, ban, ngành; UBND các huyện, thành phố\nSở Tư pháp;; ") == (
        "Các Sở, ban, ngành",
        "UBND các huyện, thành phố",
        "Sở Tư pháp",
    )
