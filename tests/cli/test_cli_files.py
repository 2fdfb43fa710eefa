"""`python -m planner template ...`: each template written by the real CLI, in a subprocess, and read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner.core.data import data_dir
from planner.files.excel.effort import read_effort_workbook
from planner.files.excel.methodology import read_methodology_workbook
from planner.files.excel.scenario import read_scenario_workbook
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scenario import Scenario, scenario_from_json
from planner.optimiser.effort import EffortTable

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_every_template_is_written_and_reads_back(tmp_path: Path) -> None:
    qd = load_bundled_methodology("qd2636-2018")
    for kind in ("scenario", "effort", "methodology", "results"):
        out = tmp_path / f"{kind}.xlsx"
        result = _cli("template", kind, str(out))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Đã ghi mẫu") and str(out) in result.stdout
    assert read_scenario_workbook((tmp_path / "scenario.xlsx").read_bytes()) == Scenario()
    assert read_effort_workbook((tmp_path / "effort.xlsx").read_bytes(), qd) == EffortTable()
    methodology_result = _cli(
        "template", "methodology", str(tmp_path / "m.xlsx"), "--methodology", "qd2636-2018"
    )
    assert methodology_result.returncode == 0
    assert read_methodology_workbook((tmp_path / "m.xlsx").read_bytes()) == qd


def test_a_scenario_json_becomes_a_filled_workbook(tmp_path: Path) -> None:
    source = data_dir() / "examples" / "lao-cai-2019.json"
    out = tmp_path / "lao-cai.xlsx"
    result = _cli("template", "scenario", str(out), "--from", str(source), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote the scenario template to {out}"
    assert read_scenario_workbook(out.read_bytes()) == scenario_from_json(source.read_bytes())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["template", "methodology", "out.txt"], "Không hỗ trợ loại tệp “.txt” (dùng .xlsx)"),
        (["template", "bảng", "out.xlsx"], "Lệnh không hợp lệ: argument kind: invalid choice"),
        (["template", "effort", "out.xlsx", "--methodology", "nope"], "Không có phương pháp “nope”"),
        (["template", "results", "out.xlsx", "--provinces", "64"], "Lệnh không hợp lệ: argument --provinces"),
        (["template", "scenario", "no/such/dir/out.xlsx"], "Không tìm thấy tệp: no/such/dir/out.xlsx"),
    ],
)
def test_errors_exit_2_with_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message), result.stderr
    assert result.stdout == ""
