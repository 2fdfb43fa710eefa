"""Two schemes side by side: items paired by name and code, what was added, removed or changed, and a scenario
carried across without ever gaining points."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_planner
from scheme_fixtures import redone

from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_to_mapping
from planner.methodology.matching import carry_scenario, match_schemes
from planner.methodology.model import Methodology
from planner.methodology.scoring import score_scenario

ROOT = Path(__file__).resolve().parents[2]
QD2636 = load_bundled_methodology("qd2636-2018")
LAO_CAI = read_scenario_file(ROOT / "data" / "examples" / "lao-cai-2019.json")


def next_scheme() -> Methodology:
    """The 2018 scheme as a new decision might redo it (tests/scheme_fixtures.py): the survey area renumbered
    (KS → 9), one sub-criterion replaced by a new one, one item's brackets changed."""
    return redone(QD2636, "qd-moi")


def test_a_scheme_matches_itself_whole() -> None:
    match = match_schemes(QD2636, QD2636)
    assert len(match.pairs) == 84 and match.added == match.removed == match.changed == ()
    assert all(p.a == p.b and p.by == "code" for p in match.pairs)


def test_a_redone_scheme_shows_what_moved_was_replaced_and_changed() -> None:
    match = match_schemes(QD2636, next_scheme())
    assert match.partner("KS.1") == "9.1"  # renumbered: found by its name
    assert match.removed == ("1.2.3",) and match.added == ("1.2.3",)  # same code, another item
    assert [(p.a, p.rule_changed) for p in match.changed] == [("1.1", True)]
    assert len(match.pairs) == 83


def test_the_user_overrides_a_pair() -> None:
    match = match_schemes(QD2636, next_scheme(), overrides={"1.2.3": "1.2.3", "8.2": None})
    assert match.partner("1.2.3") == "1.2.3" and match.partner("8.2") is None
    assert "8.2" in match.removed and next(p for p in match.pairs if p.a == "1.2.3").by == "user"


def test_a_carried_scenario_keeps_its_points_where_the_rules_agree_and_never_gains() -> None:
    target = next_scheme()
    result = carry_scenario(LAO_CAI, match_schemes(QD2636, target))
    assert all(c.points_b <= c.points_a + 1e-9 for c in result.carried)
    same = [c for c in result.carried if c.a not in ("1.1",)]
    assert all(abs(c.points_a - c.points_b) < 1e-9 for c in same)  # identical rules: nothing lost
    before = score_scenario(QD2636, LAO_CAI).total
    after = score_scenario(target, result.scenario).total
    lost_11 = next(c for c in result.carried if c.a == "1.1")
    dropped = score_scenario(QD2636, LAO_CAI).points_of("1.2.3")
    assert round(before - after, 2) == round((lost_11.points_a - lost_11.points_b) + dropped, 2)
    assert result.not_carried == (("1.2.3",) if dropped > 0 else ())


def test_the_diff_command_prints_the_documented_json(tmp_path: Path) -> None:
    path = tmp_path / "qd-moi.json"
    path.write_text(json.dumps(methodology_to_mapping(next_scheme()), default=str), encoding="utf-8")
    done = run_planner("methodology", "diff", "qd2636-2018", str(path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"added", "removed", "changed", "matched"} <= set(data)
    assert (data["added"], data["removed"], data["matched"]) == (["1.2.3"], ["1.2.3"], 83)
    assert data["changed"] == [{"a": "1.1", "b": "1.1", "max_a": 1.25, "max_b": 1.25, "rule_changed": True}]
