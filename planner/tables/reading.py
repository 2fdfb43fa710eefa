"""What every table a user uploads shares, whatever its format: the size limit, columns found by their
headers, the yes/no words, and the one reader of small CSV tables.

Kept apart from planner.tables.workbook (which opens .xlsx files with openpyxl) so that the CSV readers of the
core use the same rules without importing openpyxl.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.core.errors import ImportFileError, PlannerError
from planner.core.text import fold

#: Uploads larger than this are refused (the app's uploaders and Streamlit's server limit say the same).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The same limit in megabytes, for Streamlit's uploaders (`max_upload_size`) and .streamlit/config.toml.
UPLOAD_LIMIT_MB = MAX_UPLOAD_BYTES // (1024 * 1024)


def check_upload_size(size: int, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse a file of `size` bytes above `max_bytes`, saying both in megabytes."""
    if size > max_bytes:
        raise ImportFileError(
            "excel.too_large", size_mb=round(size / 1_048_576, 1), limit_mb=max_bytes // 1_048_576
        )


#: The words a yes/no cell may hold, folded (`planner.core.text.fold`): Vietnamese or English, with or without
#: diacritics, including what our templates write ("Có"/"Không", "Yes"/"No"). An empty cell is no.
YES_WORDS = frozenset({"co", "x", "yes", "y", "true", "1", "dung", "khoa", "locked"})
NO_WORDS = frozenset({"khong", "no", "n", "false", "0", "sai", ""})


def parse_yes_no(text: str) -> bool | None:
    """Whether a typed cell says yes ("Có", "x", "true") or no ("Không", "0", empty); None for anything else."""
    folded = fold(text)
    if folded in YES_WORDS:
        return True
    if folded in NO_WORDS:
        return False
    return None


@dataclass(frozen=True)
class Column:
    """A column a reader expects, found by any of its header names (folded), in any position."""

    key: str
    headers: tuple[str, ...]
    required: bool = True


def find_header(
    grid: Mapping[int, Mapping[int, str]], columns: Sequence[Column], *, sheet: str, header_rows: int = 1
) -> tuple[int, dict[str, int]]:
    """The header row of a table given as text by row then column number, and the column of each key found.

    The header row is the first row of `grid` that holds every required column (the caller passes the top
    rows; instructions or a title may sit above the header). With `header_rows=2` a column's header may also
    be in the row above (a merged header over two rows next to a group header with sub-headers, as in the Lào
    Cai appendix). When no row holds them all, one error names the required columns missing from the row
    that holds the most.
    """
    wanted = {c.key: {fold(h) for h in c.headers} for c in columns}
    required = [c.key for c in columns if c.required]
    best: dict[str, int] = {}
    for row_number in sorted(grid):
        found: dict[str, int] = {}
        for above in range(header_rows - 1, -1, -1):
            for column, text in sorted(grid.get(row_number - above, {}).items()):
                folded = fold(text)
                for key, headers in wanted.items():
                    if key not in found and folded in headers:
                        found[key] = column
        if all(key in found for key in required):
            return row_number, found
        if sum(key in found for key in required) > sum(key in best for key in required):
            best = found
    missing = [c.headers[0] for c in columns if c.required and c.key not in best]
    raise ImportFileError("excel.missing_columns", sheet=sheet, columns=", ".join(missing))


#: Separators a CSV may use: Vietnamese Excel writes semicolons (the comma is its decimal mark), others commas
#: or tabs.
CSV_DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class CsvRow:
    """One data row of a CSV table: its row number (as a spreadsheet shows it) and its cells by column key."""

    row_number: int
    cells: Mapping[str, str]

    def text(self, key: str) -> str:
        """The cell's text, stripped; empty when the cell or its optional column is absent."""
        return self.cells.get(key, "")


def read_csv_table(
    data: str | bytes,
    columns: Sequence[Column],
    *,
    not_utf8: PlannerError,
    max_bytes: int = MAX_UPLOAD_BYTES,
    header_search_rows: int = 15,
) -> list[CsvRow]:
    """The data rows of a small CSV table under its header row, columns found by header name in any order.

    The file is UTF-8 with or without BOM (anything else raises `not_utf8`, worded by each reader) and at most
    `max_bytes`. The separator is the first of ; , tab (the most frequent in the top lines first) under which
    the header row is found among the top `header_search_rows` rows: a semicolon file whose numbers carry
    decimal commas may hold more commas than semicolons. Rows empty in every column read are skipped.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    check_upload_size(len(raw), max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8 from None
    if not text.strip():
        raise ImportFileError("excel.empty_file")
    head = "\n".join(text.splitlines()[:header_search_rows])
    first_error: ImportFileError | None = None
    for delimiter in sorted(CSV_DELIMITERS, key=head.count, reverse=True):
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        top = {n: dict(enumerate(record)) for n, record in enumerate(records[:header_search_rows], start=1)}
        try:
            header_row, positions = find_header(top, columns, sheet="CSV")
        except ImportFileError as exc:
            first_error = first_error or exc
            continue
        rows = []
        for n, record in enumerate(records[header_row:], start=header_row + 1):
            cells = {key: record[i].strip() if i < len(record) else "" for key, i in positions.items()}
            if any(cells.values()):
                rows.append(CsvRow(n, cells))
        return rows
    assert first_error is not None
    raise first_error
