"""Where complete official results tables are bundled: data/results/official/par_index_<year>[_34].csv|.xlsx.

Kept apart from planner.field.results_table (which reads them) so that listing the years with a table, done on every app
start, does not import openpyxl.
"""

from __future__ import annotations

from pathlib import Path

from planner.core.data import data_dir
from planner.field.provinces import Era


def official_dir() -> Path:
    return data_dir() / "results" / "official"


def official_table_path(year: int, provinces: Era) -> Path | None:
    """The bundled official table of `year` for 63 or 34 provinces, or None."""
    stem = f"par_index_{year}" if provinces == 63 else f"par_index_{year}_34"
    for suffix in (".csv", ".xlsx"):
        path = official_dir() / f"{stem}{suffix}"
        if path.exists():
            return path
    return None


def official_table_years(provinces: Era = 63) -> tuple[int, ...]:
    """Years with a complete official table in data/results/official/ (par_index_<year>[_34].csv|.xlsx)."""
    folder = official_dir()
    if not folder.exists():
        return ()
    years = set()
    for path in folder.iterdir():
        parts = path.stem.split("_")
        if path.suffix in (".csv", ".xlsx") and len(parts) >= 3 and parts[0] == "par" and parts[2].isdigit():
            is_34 = len(parts) == 4 and parts[3] == "34"
            if (provinces == 34) == is_34:
                years.add(int(parts[2]))
    return tuple(sorted(years))
