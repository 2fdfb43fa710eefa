"""What every table a user uploads shares, whatever its format: the size limit and the yes/no words.

Kept apart from planner.excel.workbook (which opens .xlsx files with openpyxl) so that the CSV readers of the
core use the same rules without importing openpyxl.
"""

from __future__ import annotations

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
