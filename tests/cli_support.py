"""Running `python -m planner ...` as a user would, for the tests that check the CLI's contracts: in a
subprocess from the repository, UTF-8 output, the bundled data (PAR_PLANNER_DATA_DIR unset). Not a test module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_planner(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAR_PLANNER_DATA_DIR"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
