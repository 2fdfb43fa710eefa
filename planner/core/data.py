"""Where the bundled data lives: data/ beside the package in a checkout, or PAR_PLANNER_DATA_DIR.

Every domain reads its own files from here (methodologies, provinces, results), so the folder is named in one
place and a test or a deployment can point the whole product at another copy of the data.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    override = os.environ.get("PAR_PLANNER_DATA_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "data"
