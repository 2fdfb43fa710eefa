"""`plan --docx` writes the Word Kế hoạch beside (or instead of) the workbook; `plan` with no file says which."""

from __future__ import annotations

import json
from pathlib import Path

import docx
from cli_support import run_planner

LAO_CAI = "data/examples/lao-cai-2019.json"


def test_plan_writes_the_word_plan_and_the_workbook(tmp_path: Path) -> None:
    out_docx, out_xlsx = tmp_path / "ke-hoach.docx", tmp_path / "ke-hoach.xlsx"
    done = run_planner(
        "plan", LAO_CAI, "--target-rank", "20", "--docx", str(out_docx), "--xlsx", str(out_xlsx), "--json"
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["docx"] == str(out_docx) and data["xlsx"] == str(out_xlsx)
    document = docx.Document(str(out_docx))
    codes = {row.cells[0].text for row in document.tables[-1].rows[1:]}
    assert {c["code"] for c in data["changes"]} <= codes and "1.1" in codes  # every item by default


def test_plan_without_a_file_says_which_to_write(tmp_path: Path) -> None:
    done = run_planner("plan", LAO_CAI, "--target-rank", "20")
    assert done.returncode == 2 and "--docx" in done.stderr and "Traceback" not in done.stderr
