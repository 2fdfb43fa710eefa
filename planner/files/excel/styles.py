"""The shared look and the shared template mechanics of every workbook PAR Planner writes.

Users open our files next to the ministry's own tables, so every workbook looks the same: Times New Roman, a
tinted bold header row frozen at the top, input cells in pale yellow and unlocked, everything else (headers,
codes, names, derived and formula cells) locked by a sheet protection without a password (it stops accidents, not
people), numbers in "0.00" (Excel shows the decimal mark of the user's locale, so Vietnamese users see 0,25).

Templates also share: an instructions sheet first (the user's language first, the other one below), drop-down
lists that point at a hidden "DanhMuc" sheet (level labels such as "≥ 92,5%" hold commas, which an inline list
cannot), numeric ranges with an error message, and bytes that do not depend on the clock, so a committed template
can be compared with a fresh generation byte for byte.
"""

from __future__ import annotations

import io
import re
import weakref
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from datetime import datetime
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from planner.core.i18n import LANGS, Lang, t
from planner.tables.workbook import write_text

FONT_NAME = "Times New Roman"
NUMBER_FORMAT = "0.00"
INTEGER_FORMAT = "0"
TEXT_FORMAT = "@"
#: Every workbook we write claims this creation time, so the bytes do not depend on the clock.
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)
LISTS_SHEET = "DanhMuc"

_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
AREA_FILL = PatternFill("solid", fgColor="FCE4D6")
CRITERION_FILL = PatternFill("solid", fgColor="FBF1EC")
#: The rows a plan changes, in the full assignment table (green, readable printed in grey too).
CHANGED_FILL = PatternFill("solid", fgColor="E2EFDA")
HEADER_FONT = Font(name=FONT_NAME, bold=True, size=11)
BODY_FONT = Font(name=FONT_NAME, size=11)
BOLD_FONT = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
SUBTITLE_FONT = Font(name=FONT_NAME, size=12, bold=True)
NOTE_FONT = Font(name=FONT_NAME, size=10, italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)

RowKind = Literal["area", "criterion", "item"]


def new_workbook() -> Workbook:
    """An empty workbook with fixed metadata (author, times) and recalculation on open, without sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "PAR Planner"
    wb.properties.lastModifiedBy = "PAR Planner"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = True
    return wb


def header_row(ws: Worksheet, row: int, headers: Sequence[str], *, first_column: int = 1) -> None:
    """Write `headers` as a bold, tinted, wrapped, locked header row."""
    for offset, text in enumerate(headers):
        cell = ws.cell(row=row, column=first_column + offset)
        cell.value = text
        style_header(cell)


def style_header(cell: Cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = CENTER
    cell.border = BORDER
    cell.protection = LOCKED


def body_cell(
    cell: Cell,
    value: object = None,
    *,
    user_text: bool = False,
    number_format: str | None = None,
    editable: bool = False,
    bold: bool = False,
    fill: PatternFill | None = None,
) -> Cell:
    """Fill one body cell with the shared look. `user_text` routes text through `write_text`, so that text a
    user typed (a name, a note) can never come back as a live formula."""
    if user_text and isinstance(value, str):
        write_text(cell, value)
    elif value is not None:
        cell.value = value
    _apply_style(cell, bold=bold, fill=fill, number_format=number_format, editable=editable)
    return cell


#: Per workbook, the style of each combination of (bold, fill, number format, editable), built once. Assigning
#: font, fill, border, alignment and protection one by one hashes each object against the workbook's tables
#: and cost 2 s for the 11 000 cells of the methodology template; copying the built style array is ~50x faster.
_STYLE_CACHE: weakref.WeakKeyDictionary[Workbook, dict[tuple[bool, int, str | None, bool], StyleArray]] = (
    weakref.WeakKeyDictionary()
)


def _apply_style(
    cell: Cell, *, bold: bool, fill: PatternFill | None, number_format: str | None, editable: bool
) -> None:
    chosen = INPUT_FILL if editable else (fill if fill is not None else LOCKED_FILL)
    key = (bold, id(chosen), number_format, editable)
    cache = _STYLE_CACHE.setdefault(cell.parent.parent, {})
    style = cache.get(key)
    if style is not None:
        cell._style = copy(style)
        return
    cell.font = BOLD_FONT if bold else BODY_FONT
    cell.border = BORDER
    cell.alignment = WRAP
    if number_format is not None:
        cell.number_format = number_format
    cell.protection = UNLOCKED if editable else LOCKED
    cell.fill = chosen
    cache[key] = copy(cell._style)


def set_widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    """Column widths by 1-based column index, in Excel's character units."""
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


#: Points per line of wrapped 11-point Times New Roman, and characters per unit of column width (Vietnamese
#: diacritics stack above the letters, not beside them, so a column of width w holds about w characters).
LINE_HEIGHT = 15.0
_CHARS_PER_WIDTH = 1.0


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int) -> None:
    """Set each row's height to the lines its longest wrapped cell needs in its column.

    Neither openpyxl nor a file's reader measures text: Excel grows rows it has edited, LibreOffice prints a row
    at the height the file states, so a long evidence cell would print clipped. Stating the height from the text
    and the column's width (hidden columns do not count) keeps every line on paper.
    """
    widths: dict[int, float] = {}
    for column in range(1, ws.max_column + 1):
        dimension = ws.column_dimensions[get_column_letter(column)]
        if not dimension.hidden:
            widths[column] = float(dimension.width or 8.43)
    for row in range(first_row, last_row + 1):
        lines = 1
        for column, width in widths.items():
            value = ws.cell(row=row, column=column).value
            if value is None:
                continue
            text = str(value)
            per_line = max(1, int(width * _CHARS_PER_WIDTH) - 1)
            needed = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
            lines = max(lines, needed)
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 3


def protect(ws: Worksheet, *, rows_editable: bool = False) -> None:
    """Lock the sheet without a password: locked cells cannot be typed over by accident, but columns can still
    be resized, rows formatted and the table filtered, and anyone can lift the protection from the Review tab.
    With `rows_editable` the user may also insert and delete rows (a methodology being typed in grows)."""
    ws.protection = SheetProtection(
        sheet=True,
        formatColumns=False,
        formatRows=False,
        formatCells=True,
        autoFilter=False,
        sort=True,
        insertRows=not rows_editable,
        deleteRows=not rows_editable,
        selectLockedCells=False,
        selectUnlockedCells=False,
    )


def freeze_below(ws: Worksheet, header_last_row: int, first_free_column: int = 1) -> None:
    ws.freeze_panes = ws.cell(row=header_last_row + 1, column=first_free_column)


def instructions_sheet(wb: Workbook, lang: Lang, title_key: str, paragraph_keys: Sequence[str]) -> Worksheet:
    """The first sheet: a title and numbered instructions, in the user's language first and then in the other
    language (Vietnamese is always present), locked, one paragraph per row."""
    ws = wb.create_sheet(t("excel.sheet.instructions", lang), 0)
    ws.sheet_properties.tabColor = "B22222"
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 110
    row = 1
    order: tuple[Lang, ...] = (lang, *(other for other in LANGS if other != lang))
    for index, language in enumerate(order):
        if index:
            row += 1
        title = ws.cell(row=row, column=1, value=t(title_key, language))
        title.font = TITLE_FONT if index == 0 else SUBTITLE_FONT
        row += 1
        for number, key in enumerate(paragraph_keys, start=1):
            ws.cell(row=row, column=1, value=number).font = BODY_FONT
            text = ws.cell(row=row, column=2, value=t(key, language))
            text.font = BODY_FONT
            text.alignment = WRAP
            row += 1
    ws.cell(row=row + 1, column=2, value=t("excel.instructions.protection", lang)).font = NOTE_FONT
    protect(ws)
    return ws


class ListsSheet:
    """The hidden sheet holding the drop-down lists: each `add` writes one list in its own column block and
    returns the absolute reference a data validation can point at."""

    def __init__(self, wb: Workbook) -> None:
        self.ws = wb.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self._column = 1
        self._row: dict[int, int] = {}

    def add(self, values: Sequence[str], *, column: int | None = None) -> str:
        """Append `values` to the given list column (a new one by default); return "DanhMuc!$A$3:$A$7"."""
        if column is None:
            column = self._column
            self._column += 1
        else:
            self._column = max(self._column, column + 1)
        start = self._row.get(column, 1)
        for offset, value in enumerate(values):
            write_text(self.ws.cell(row=start + offset, column=column), value)
        self._row[column] = start + max(len(values), 1)
        letter = get_column_letter(column)
        end = start + max(len(values), 1) - 1
        return f"{quote_sheetname(LISTS_SHEET)}!${letter}${start}:${letter}${end}"

    def finish(self) -> None:
        protect(self.ws)


def list_validation(ws: Worksheet, reference: str, cells: Iterable[str], lang: Lang) -> DataValidation:
    """A drop-down list on `cells` (e.g. "E7") taken from `reference`; other entries are refused with a
    message in the user's language."""
    validation = DataValidation(type="list", formula1=reference, allow_blank=True)
    validation.showErrorMessage = True
    validation.errorStyle = "stop"
    validation.errorTitle = t("excel.validation.list_title", lang)
    validation.error = t("excel.validation.list_error", lang)
    for cell in cells:
        validation.add(cell)
    ws.add_data_validation(validation)
    return validation


def decimal_validation(
    ws: Worksheet,
    cells: Iterable[str],
    lang: Lang,
    *,
    low: float | None,
    high: float | None,
    whole: bool = False,
) -> DataValidation:
    """A number range on `cells`, with an error message stating the range in the user's number style."""
    kind = "whole" if whole else "decimal"
    if low is not None and high is not None:
        validation = DataValidation(type=kind, operator="between", formula1=_num(low), formula2=_num(high))
        message = t("excel.validation.range_error", lang, low=low, high=high)
    elif low is not None:
        validation = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_num(low))
        message = t("excel.validation.min_error", lang, low=low)
    elif high is not None:
        validation = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_num(high))
        message = t("excel.validation.max_error", lang, high=high)
    else:
        validation = DataValidation(type=kind, operator="between", formula1="-1E+300", formula2="1E+300")
        message = t("excel.validation.number_error", lang)
    validation.allow_blank = True
    validation.showErrorMessage = True
    validation.errorStyle = "stop"
    validation.errorTitle = t("excel.validation.number_title", lang)
    validation.error = message
    for cell in cells:
        validation.add(cell)
    ws.add_data_validation(validation)
    return validation


def _num(value: float) -> str:
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


def yes_no_labels(lang: Lang) -> tuple[str, str]:
    """The words a yes/no cell offers ("Có"/"Không" or "Yes"/"No"); `TableRow.boolean` reads both languages."""
    return t("excel.yes", lang), t("excel.no", lang)


def finished_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes of `wb`, independent of the clock: fixed zip entry times and fixed document times.

    openpyxl stamps every zip entry and the document's modified time with "now"; templates are committed and a
    test compares them with a fresh generation, so both are pinned here.
    """
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + stamp.encode() + m.group(2),
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()


def column_letter(column: int) -> str:
    return str(get_column_letter(column))
