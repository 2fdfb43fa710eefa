"""Regenerate the committed Excel templates with the CLI, exactly as a user would:

    .venv/bin/python data/templates/build_templates.py

tests/files/test_excel_methodology.py checks that the committed files equal a fresh generation byte for byte (the
workbooks carry fixed timestamps), so run this after changing planner/excel/ or the bundled methodology.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
#: file name -> extra arguments of `python -m planner template methodology FILE`
TEMPLATES: dict[str, list[str]] = {
    "phuong-phap-mau-trong.xlsx": [],
    "phuong-phap-qd2636-2018.xlsx": ["--methodology", "qd2636-2018"],
}


def main() -> None:
    for name, extra in TEMPLATES.items():
        command = [sys.executable, "-m", "planner", "template", "methodology", str(HERE / name), *extra]
        subprocess.run(command, cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
