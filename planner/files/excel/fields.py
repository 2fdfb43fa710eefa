"""Typed reading of single cells and of key/value info sheets, shared by the workbook readers.

`planner.tables.workbook` reads raw text, numbers and yes/no; the readers also need whole numbers, decimals that
keep what the user typed (0.25, not 0.25000000000000001), one-of-several choices written in either language,
and the small "Info" sheets (field | label | value) that carry a file's metadata. Each failure is an
ImportFileError located at its sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from planner.core.errors import ImportFileError, Problem
from planner.core.i18n import LANGS, t
from planner.core.text import fold
from planner.tables.reading import Column
from planner.tables.workbook import TableRow, read_table


def headers(key: str) -> tuple[str, ...]:
    """A header in every language, for tolerant reading."""
    return tuple(t(key, lang) for lang in LANGS)


INFO_COLUMNS: tuple[Column, ...] = (
    Column("field", headers("excel.col.field")),
    Column("value", headers("excel.col.value")),
)


def decimal_of(number: float) -> Decimal:
    """A cell's float as the decimal the user typed: 9 for 9.0, 0.25 for 0.25 (repr is the shortest exact)."""
    return Decimal(int(number)) if float(number).is_integer() else Decimal(repr(number))


def whole_number(row: TableRow, key: str = "value") -> int | None:
    """The cell as a whole number, None when empty; 2019.5 is refused."""
    number = row.number(key, required=False)
    if number is None:
        return None
    if not float(number).is_integer():
        raise row.error(key, "excel.not_an_integer", value=number)
    return int(number)


def decimal_cell(row: TableRow, key: str) -> Decimal | None:
    number = row.number(key, required=False)
    return None if number is None else decimal_of(number)


def float_cell(row: TableRow, key: str) -> float | None:
    return row.number(key, required=False)


def choice(row: TableRow, key: str, options: Sequence[str], label_key: Callable[[str], str]) -> str | None:
    """The option a cell names by its id or its label in either language (folded), None when empty."""
    text = row.text(key)
    if not text:
        return None
    folded = fold(text)
    for option in options:
        if folded == fold(option) or any(folded == fold(t(label_key(option), lang)) for lang in LANGS):
            return option
    raise row.error(
        key,
        "excel.unknown_choice",
        value=text[:40],
        allowed=", ".join(t(label_key(o), "vi") for o in options),
    )


def split_list(text: str) -> tuple[str, ...]:
    """Items written "A; B" or one per line; commas stay inside items ("Các Sở, ban, ngành")."""
    parts = [p.strip() for chunk in text.splitlines() for p in chunk.split(";")]
    return tuple(p for p in parts if p)


LIST_SEPARATOR = "; "


def read_info_rows(
    ws: Worksheet, readers: dict[str, Callable[[TableRow], Any]]
) -> tuple[dict[str, Any], dict[str, TableRow], list[Problem]]:
    """The field | label | value rows of an info sheet: each known field read by its reader, with the row it
    came from (to locate later problems) and every problem found. Empty values are left out."""
    values: dict[str, Any] = {}
    where: dict[str, TableRow] = {}
    problems: list[Problem] = []
    for row in read_table(ws, INFO_COLUMNS):
        field = row.text("field")
        reader = readers.get(field)
        if reader is None:
            continue
        where[field] = row
        try:
            value = reader(row)
        except ImportFileError as exc:
            problems.extend(exc.problems or [Problem(exc.key, exc.params)])
            continue
        if value is not None:
            values[field] = value
    return values, where, problems
