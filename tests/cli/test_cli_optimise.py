"""`python -m planner optimise` and `plan`, run as a user runs them (subprocess), on the Lào Cai 2019 example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner.core.data import data_dir
from planner.field.bundled import bundled_field
from planner.methodology.rules import to_centi

LAO_CAI = data_dir() / "examples" / "lao-cai-2019.json"
REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def run_json(*args: str) -> dict[str, Any]:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_top_20_against_the_projected_field_with_the_documented_keys() -> None:
    data = run_json("optimise", str(LAO_CAI), "--year", "2019", "--target-rank", "20")
    assert list(data)[:7] == ["status", "target_score", "score", "rank", "p_reach", "effort", "changes"]
    assert data["status"] == "optimal"
    assert data["baseline_score"] == 78.47
    assert data["rank"] <= 20 and data["score"] >= data["target_score"]
    assert 0 < data["p_reach"] < 1
    for change in data["changes"]:
        assert set(change) >= {"code", "from_points", "to_points", "points_gain", "effort", "lead_agency"}
        assert change["points_gain"] == pytest.approx(change["to_points"] - change["from_points"])
    gained = sum(to_centi(c["points_gain"]) for c in data["changes"])
    assert to_centi(78.47) + gained == to_centi(data["score"])
    assert data["effort"] == pytest.approx(sum(c["effort"] for c in data["changes"]))


def test_others_fixed_aims_at_the_20th_best_rival_of_2018() -> None:
    field = bundled_field(2018, 63)
    rivals = sorted((e.score for e in field.entries if e.province != "Lào Cai"), reverse=True)
    data = run_json("optimise", str(LAO_CAI), "--year", "2019", "--target-rank", "20", "--rivals", "fixed")
    assert data["target_score"] == rivals[19]
    assert data["target_mode"] == "fixed"
    assert data["baseline_rank"] == 1 + sum(1 for s in rivals if s > 78.47)


@pytest.mark.slow
def test_a_confidence_raises_the_target_and_is_met() -> None:
    mean = run_json("optimise", str(LAO_CAI), "--target-rank", "20")
    sure = run_json("optimise", str(LAO_CAI), "--target-rank", "20", "--confidence", "0.8")
    assert sure["target_score"] > mean["target_score"]
    assert sure["p_reach"] >= 0.8
    assert sure["effort"] >= mean["effort"]


def test_a_target_score_instead_of_a_rank() -> None:
    data = run_json("optimise", str(LAO_CAI), "--target-score", "80")
    assert data["status"] == "optimal" and data["score"] >= 80 and data["target_score"] == 80


def test_an_unreachable_target_is_infeasible_with_the_best_rank_and_its_blockers() -> None:
    data = run_json("optimise", str(LAO_CAI), "--target-rank", "1", "--budget", "10", "--confidence", "0.9")
    assert data["status"] == "infeasible"
    assert data["effort"] <= 10
    kinds = {b["kind"] for b in data["blockers"]}
    assert {"budget", "survey"} <= kinds
    assert data["rank"] >= 1 and data["shortfall"] > 0


def test_an_effort_file_with_locks_is_obeyed(tmp_path: Path) -> None:
    effort = tmp_path / "effort.csv"
    effort.write_text(
        "code,level_or_points,effort,locked\n8.4,,,yes\n6.3.1,,,yes\n8.2,yes,3\n", encoding="utf-8"
    )
    data = run_json("optimise", str(LAO_CAI), "--target-rank", "10", "--effort", str(effort))
    codes = {c["code"] for c in data["changes"]}
    assert not codes & {"8.4", "6.3.1"}
    assert "8.2" in codes
    assert next(c for c in data["changes"] if c["code"] == "8.2")["effort"] == 3


def test_the_greedy_ladder_and_its_comparison() -> None:
    data = run_json("optimise", str(LAO_CAI), "--target-rank", "20", "--greedy")
    assert data["rungs"] and data["upgrades"]
    assert data["comparison"]["effort_gap"] >= 0
    assert data["exact"]["status"] == "optimal"
    assert data["rungs"][0]["overtakes"]


def test_the_frontier_and_the_chance_constrained_mode() -> None:
    curve = run_json("optimise", str(LAO_CAI), "--target-rank", "20", "--frontier")
    ranks = [p["rank"] for p in curve["ranks"]]
    assert ranks == list(range(curve["baseline_rank"], curve["best_rank"] - 1, -1))
    chance = run_json(
        "optimise", str(LAO_CAI), "--target-rank", "20", "--chance", "--budget", "30", "--samples", "200"
    )
    assert chance["n_samples"] == 200 and chance["effort"] <= 30
    assert 0 < chance["p_reach"] <= 1


@pytest.mark.slow
def test_plan_writes_the_appendix_workbook(tmp_path: Path) -> None:
    from planner.files.excel.plan import read_plan_workbook

    out = tmp_path / "ke-hoach.xlsx"
    done = run("plan", str(LAO_CAI), "--year", "2019", "--target-rank", "15", "--xlsx", str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    plan = read_plan_workbook(out.read_bytes())
    data = run_json("optimise", str(LAO_CAI), "--year", "2019", "--target-rank", "15")
    assert [c.code for c in plan.changes] == [c["code"] for c in data["changes"]]
    assert plan.planned_total == data["score"]


@pytest.mark.slow
def test_user_errors_are_one_translated_line_and_exit_code_2(tmp_path: Path) -> None:
    done = run("optimise", str(LAO_CAI), "--target-rank", "20", "--confidence", "1.5")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "Xác suất 1,5 không hợp lệ" in done.stderr
    nameless = tmp_path / "s.json"
    nameless.write_text(json.dumps({"methodology": "qd2636-2018", "year": 2019}), encoding="utf-8")
    done = run("optimise", str(nameless), "--target-rank", "20", "--lang", "en")
    assert done.returncode == 2 and "names no province" in done.stderr
    done = run("optimise", str(LAO_CAI))
    assert done.returncode == 2 and "--target-rank" in done.stderr
    bad = tmp_path / "e.csv"
    bad.write_text("code,level,effort\n9.9,yes,1\n", encoding="utf-8")
    done = run("optimise", str(LAO_CAI), "--target-score", "80", "--effort", str(bad))
    assert done.returncode == 2 and "9.9" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_effort_workbook_from_the_excel_template_is_read(tmp_path: Path) -> None:
    from planner.files.excel.effort import write_effort_workbook
    from planner.methodology.catalog import load_bundled_methodology
    from planner.optimiser.effort import EffortEntry, EffortTable, ItemConstraint

    methodology = load_bundled_methodology("qd2636-2018")
    table = EffortTable(
        entries=(EffortEntry(code="8.2", level="yes", effort=2.0),),
        constraints=(ItemConstraint(code="8.4", locked=True),),
    )
    path = tmp_path / "cong-suc.xlsx"
    path.write_bytes(write_effort_workbook(methodology, table))
    data = run_json("optimise", str(LAO_CAI), "--target-score", "80", "--effort", str(path))
    codes = {c["code"]: c for c in data["changes"]}
    assert "8.4" not in codes
    assert codes["8.2"]["effort"] == 2.0 and not codes["8.2"]["effort_is_default"]
