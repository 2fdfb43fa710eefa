"""What every table a user uploads shares, whatever its format: the size limit, columns found by their
headers, and the yes/no words.

Kept apart from planner.excel.workbook (which opens .xlsx files with openpyxl) so that the CSV readers of the
core use the same rules without importing openpyxl.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.errors import ImportFileError
from planner.text import fold

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


#: The words a yes/no cell may hold, folded (`planner.text.fold`): Vietnamese or English, with or without
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
