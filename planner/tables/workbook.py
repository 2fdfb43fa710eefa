"""Opening, reading and writing workbooks safely: the one gate every .xlsx passes through.

Users live in Excel, so uploads are the main door for bad input: a wrong file type, a renamed sheet, shuffled
columns, text in number cells, formulas where values are expected, a 50 MB file, a zip bomb, a truncated file.
Everything here turns those into one ImportFileError whose message names the sheet, row and column, before any
value reaches a model, so an import either succeeds whole or changes nothing.

Checks before openpyxl sees a byte: size, that it is a zip with the parts of a workbook, each part's
compression ratio and the total uncompressed size. openpyxl parses XML with defusedxml when it is installed (it
is a dependency), which stops entity-expansion attacks. On the way out, `write_text` makes sure user text that
starts with = + - @ is stored as text, never as a live formula.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.core.errors import ImportFileError, Problem
from planner.core.i18n import Lang, parse_number, t
from planner.core.text import fold
from planner.tables.reading import MAX_UPLOAD_BYTES, Column, check_upload_size, find_header, parse_yes_no

#: A zip member may expand at most this many times; office files compress text about 5-20 times.
MAX_COMPRESSION_RATIO = 200
#: The whole workbook may expand to at most this many bytes. openpyxl needs about 0.35 s and 15 MB of memory
#: per MB of sheet XML, so 30 MB bounds an upload to ~10 s; our largest template is under 1 MB of XML.
MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: An OLE2 compound file: an old .xls, or an .xlsx saved with a password (Excel encrypts it into one).
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def check_xlsx_bytes(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse anything that is not a modest, well-formed .xlsx, without decompressing it."""
    check_office_zip(
        data, required_parts=_REQUIRED_PARTS, prefix="excel", foreign="not_xlsx", max_bytes=max_bytes
    )


def check_office_zip(
    data: bytes,
    *,
    required_parts: Sequence[str],
    prefix: str,
    foreign: str,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> None:
    """Refuse anything that is not a modest, well-formed Office zip (.xlsx, .docx), without decompressing it:
    empty, an OLE2 file (old format or password-protected), damaged, a zip bomb, or missing `required_parts`.
    Error keys are `<prefix>.empty_file`, `.ole_file`, `.corrupt`, `.zip_bomb` and `<prefix>.<foreign>`."""
    check_upload_size(len(data), max_bytes)
    if not data:
        raise ImportFileError(f"{prefix}.empty_file")
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(f"{prefix}.ole_file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        # A zip that starts like one but lost its end (an interrupted download or copy) is damaged, not foreign.
        raise ImportFileError(
            f"{prefix}.corrupt" if data.startswith(b"PK\x03\x04") else f"{prefix}.{foreign}"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            total = 0
            for member in members:
                total += member.file_size
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
                    raise ImportFileError(f"{prefix}.zip_bomb", part=member.filename)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ImportFileError(f"{prefix}.zip_bomb", part="*")
    except zipfile.BadZipFile:
        raise ImportFileError(f"{prefix}.corrupt") from None
    if not all(part in names for part in required_parts):
        raise ImportFileError(f"{prefix}.{foreign}")


def open_workbook(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Workbook:
    """A workbook from uploaded bytes, after the safety checks; formulas are kept (not evaluated) so that
    readers can refuse them where a value is expected."""
    check_xlsx_bytes(data, max_bytes=max_bytes)
    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False in the environment would parse entities
        raise ImportFileError("excel.unsafe_xml")
    try:
        return load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except ImportFileError:
        raise
    except (
        Exception
    ) as exc:  # openpyxl raises many types on damaged parts (KeyError, XML errors, ValueError ...)
        if _caused_by_unsafe_xml(exc):
            raise ImportFileError("excel.unsafe_xml") from None
        raise ImportFileError("excel.corrupt") from None


def _caused_by_unsafe_xml(exc: BaseException) -> bool:
    """Whether defusedxml refused a part (entity declarations, external references) somewhere in the chain."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def find_sheet(wb: Workbook, names: Sequence[str]) -> Worksheet:
    """The first sheet whose folded title matches one of `names` (Vietnamese or English titles)."""
    wanted = {fold(n) for n in names}
    for ws in wb.worksheets:
        if fold(ws.title) in wanted:
            return ws
    raise ImportFileError(
        "excel.missing_sheet", sheet=names[0], present=", ".join(ws.title for ws in wb.worksheets) or "-"
    )


@dataclass(frozen=True, slots=True)
class CellProblem(Problem):
    """A problem the domain found (a level the rule does not know, children that do not add up) placed at the
    sheet, row and column where the user can fix it; `detail` is rendered in the same language."""

    detail: Problem | None = None

    def message(self, lang: Lang = "vi") -> str:
        inner = self.detail.message(lang) if self.detail is not None else ""
        return t(self.key, lang, **self.params, detail=inner)


@dataclass
class TableRow:
    """One data row: its Excel row number and the cells by column key."""

    sheet: str
    row_number: int
    cells: dict[str, Cell | None]
    letters: dict[str, str] = field(default_factory=dict)

    def raw(self, key: str) -> Any:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def is_formula(self, key: str) -> bool:
        cell = self.cells.get(key)
        return cell is not None and cell.data_type == "f"

    def where(self, key: str) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row_number, "column": self.letters.get(key, "?")}

    def located(self, key: str, detail: Problem) -> CellProblem:
        """`detail` placed at this row's cell in column `key` ("Trang …, dòng 7, cột E: …")."""
        return CellProblem("excel.at_cell", self.where(key), detail)

    def located_error(self, key: str, problem_key: str, /, **params: Any) -> ImportFileError:
        """An import error whose one problem is placed at this row's cell in column `key` (`located`)."""
        return ImportFileError(
            "excel.import_failed", problems=[self.located(key, Problem(problem_key, params))]
        )

    def error(self, key: str, problem_key: str, **extra: Any) -> ImportFileError:
        """An import error pointing at this row's cell in column `key`."""
        return ImportFileError(
            "excel.import_failed", problems=[Problem(problem_key, {**self.where(key), **extra})]
        )

    def text(self, key: str) -> str:
        if self.is_formula(key):
            raise self.error(key, "excel.formula_not_allowed")
        value = self.raw(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def number(self, key: str, *, required: bool = True) -> float | None:
        """The cell as a number; Vietnamese-style text like "83,87" is accepted."""
        if self.is_formula(key):
            raise self.error(key, "excel.formula_not_allowed")
        value = self.raw(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(key, "excel.missing_value")
            return None
        if isinstance(value, bool):
            raise self.error(key, "excel.not_a_number", value=value)
        if isinstance(value, int | float):
            number = float(value)
        else:
            try:
                number = parse_number(str(value))
            except ValueError:
                raise self.error(key, "excel.not_a_number", value=str(value)[:40]) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self.error(key, "excel.not_a_number", value=value)
        return number

    def boolean(self, key: str) -> bool:
        """Yes/no cells: numbers (0 is no) or the words of `planner.tables.parse_yes_no`; empty is no."""
        if self.is_formula(key):
            raise self.error(key, "excel.formula_not_allowed")
        value = self.raw(key)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        flag = parse_yes_no(str(value))
        if flag is None:
            raise self.error(key, "excel.not_a_boolean", value=str(value)[:40])
        return flag


def read_table(
    ws: Worksheet, columns: Sequence[Column], *, header_search_rows: int = 15, header_rows: int = 1
) -> list[TableRow]:
    """The data rows under the header row of `ws`, columns found by header name in any order.

    The header row is found among the top `header_search_rows` rows by `planner.tables.find_header` (with
    `header_rows=2` a header may sit in the row above). Entirely empty rows are skipped.
    """
    grid = _cells_by_row(ws)
    top = {
        row: {column: str(cell.value) for column, cell in cells.items() if cell.value is not None}
        for row, cells in grid.items()
        if row <= header_search_rows
    }
    header_row, positions = find_header(top, columns, sheet=ws.title, header_rows=header_rows)
    letters = {key: get_column_letter(col) for key, col in positions.items()}
    rows: list[TableRow] = []
    for row_number in sorted(r for r in grid if r > header_row):
        cells = grid[row_number]
        by_key: dict[str, Cell | None] = {key: cells.get(col) for key, col in positions.items()}
        if all(
            c is None or c.value is None or (isinstance(c.value, str) and not c.value.strip())
            for c in by_key.values()
        ):
            continue
        rows.append(TableRow(ws.title, row_number, by_key, letters))
    return rows


def _cells_by_row(ws: Worksheet) -> dict[int, dict[int, Cell]]:
    """The cells the file actually holds, by row then column.

    Walking `ws.iter_rows()` creates every cell of the used range: one stray value in Z1048576 made a 5 KB file
    take 110 s and 6 GB of memory (27 million empty cells), so only the stored cells are visited.
    """
    grid: dict[int, dict[int, Cell]] = defaultdict(dict)
    for (row, column), cell in list(ws._cells.items()):
        if isinstance(cell, Cell):
            grid[row][column] = cell
    return grid


def collect_problems(rows: Iterable[TableRow], read: Any) -> tuple[list[Any], list[Problem]]:
    """Apply `read(row)` to every row, gathering every row's problems instead of stopping at the first, so a
    user sees all that is wrong with a sheet at once."""
    results: list[Any] = []
    problems: list[Problem] = []
    for row in rows:
        try:
            results.append(read(row))
        except ImportFileError as exc:
            problems.extend(exc.problems or [Problem(exc.key, exc.params)])
    return results, problems


def write_text(cell: Cell, value: str) -> None:
    """Put user text in a cell so that it can never become a formula (= + - @ at the start stay text)."""
    cell.value = value
    if value.startswith(_FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
