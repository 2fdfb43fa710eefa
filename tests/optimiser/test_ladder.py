"""The greedy ladder: ranked single upgrades, a climb that respects budgets, and never better than the exact."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optimiser_fixtures import (
    normal_rivals,
    qd2636,
    random_baseline,
    random_effort,
    random_methodology,
    realistic_baseline,
)

from planner.methodology.rules import to_centi
from planner.methodology.scoring import score_scenario
from planner.optimiser.competition import Competition
from planner.optimiser.effort import EffortEntry, EffortTable
from planner.optimiser.ladder import (
    compare_with_exact,
    effort_of,
    greedy_ladder,
    levels_after,
    single_upgrades,
)
from planner.optimiser.levers import LeverSet, build_levers
from planner.optimiser.plan_builder import planned_scenario
from planner.optimiser.solver import optimise_for_score, optimise_within_budget


def _competition(seed: int, n: int = 30, mean: float = 80.0) -> Competition:
    rivals = normal_rivals(np.random.default_rng(seed), n, mean=mean, spread=5)
    expected = rivals.expected_scores()
    return Competition(mode="mean", names=tuple(expected), central=tuple(expected.values()), drift=rivals)


def test_single_upgrades_are_ranked_by_points_per_effort_then_points() -> None:
    m = qd2636()
    levers = build_levers(m, realistic_baseline(np.random.default_rng(1), m))
    upgrades = single_upgrades(levers)
    assert len(upgrades) == sum(len(lever.upgrades) for lever in levers.levers)
    keys = [(-(u.points_per_effort or math.inf), -u.points_gain) for u in upgrades]
    assert keys == sorted(keys)
    assert [u.position for u in upgrades] == list(range(1, len(upgrades) + 1))


def test_each_upgrade_names_the_rivals_it_passes_and_its_change_in_probability() -> None:
    m = qd2636()
    levers = build_levers(m, realistic_baseline(np.random.default_rng(1), m))
    competition = _competition(3, mean=levers.baseline_score + 1)
    base = levers.baseline_score
    for u in single_upgrades(levers, competition, 10):
        passed = [
            n
            for n, s in zip(competition.names, competition.central, strict=True)
            if base < s <= u.score_after
        ]
        assert set(u.overtakes) == set(passed)
        assert u.rank_after == competition.rank(u.score_after)
        assert u.p_change is not None and u.p_change >= -1e-12  # more points never lower the chance
        assert u.p_after == pytest.approx(competition.p_rank_le(u.score_after, 10))


def _effort(levers: LeverSet, code: str, level: str) -> float:
    choice = levers.choice(code, level)
    assert choice is not None
    return choice.effort


def test_the_climb_adds_up_and_ends_at_every_allowed_maximum() -> None:
    m = qd2636()
    baseline = random_baseline(np.random.default_rng(4), m)
    levers = build_levers(m, baseline)
    ladder = greedy_ladder(levers)
    final = levels_after(ladder.rungs)
    assert to_centi(ladder.rungs[-1].score) == levers.baseline_centi + levers.max_gain_centi
    planned = score_scenario(m, planned_scenario(baseline, final))
    assert planned.total == ladder.rungs[-1].score
    assert effort_of(ladder.rungs) == pytest.approx(sum(_effort(levers, c, lv) for c, lv in final.items()))
    scores = [r.score for r in ladder.rungs]
    assert scores == sorted(scores)


def test_the_climb_never_breaks_the_total_or_an_agency_budget() -> None:
    m = qd2636()
    baseline = random_baseline(np.random.default_rng(6), m)
    table = EffortTable(agency_budgets={"Sở Nội vụ": 40.0})
    levers = build_levers(m, baseline, table)
    ladder = greedy_ladder(levers, budget=120.0)
    assert effort_of(ladder.rungs) <= 120.0 + 1e-9
    final = levels_after(ladder.rungs)
    spent = sum(
        _effort(levers, c, lv) for c, lv in final.items() if levers.by_code[c].lead_agency == "Sở Nội vụ"
    )
    assert spent <= 40.0 + 1e-9


def test_two_spellings_of_one_agency_keep_the_tighter_budget_as_the_exact_solver_does() -> None:
    m = qd2636()
    baseline = random_baseline(np.random.default_rng(6), m)
    levers = build_levers(m, baseline, EffortTable(agency_budgets={"Sở Nội vụ": 10.0, "sở nội vụ.": 500.0}))
    assert list(levers.budgets_by_key.values()) == [10.0]
    final = levels_after(greedy_ladder(levers).rungs)
    spent = sum(
        _effort(levers, c, lv) for c, lv in final.items() if levers.by_code[c].lead_agency == "Sở Nội vụ"
    )
    exact = optimise_within_budget(levers, None)
    exact_spent = sum(c.effort for c in exact.changes if c.lead_agency == "Sở Nội vụ")
    assert spent <= 10.0 + 1e-9 and exact_spent <= 10.0 + 1e-9


@pytest.mark.slow
def test_the_greedy_is_never_better_than_the_exact_answer() -> None:
    for seed in range(150):
        rng = np.random.default_rng(seed)
        m = random_methodology(rng, int(rng.integers(3, 12)))
        baseline = random_baseline(rng, m)
        levers = build_levers(m, baseline, random_effort(rng, m, baseline, zero_share=0.05))
        budget = round(float(rng.uniform(0, 120)), 2)
        greedy = greedy_ladder(levers, budget=budget)
        exact = optimise_within_budget(levers, budget)
        greedy_score = greedy.rungs[-1].score if greedy.rungs else levers.baseline_score
        assert greedy_score <= exact.score
        target = levers.baseline_score + round(float(rng.uniform(0, levers.max_gain_centi / 100)), 2)
        prefix = greedy_ladder(levers).greedy_for_score(target)
        exact = optimise_for_score(levers, target)
        assert prefix is not None and exact.status == "optimal"
        assert effort_of(prefix) >= exact.effort - 1e-6


def test_the_comparison_explains_where_the_exact_plan_departs_from_the_greedy() -> None:
    m = qd2636()
    rng = np.random.default_rng(12)
    baseline = random_baseline(rng, m)
    levers = build_levers(m, baseline, random_effort(rng, m, baseline))
    ladder = greedy_ladder(levers)
    found_difference = False
    for extra in (1.0, 2.5, 4.0, 6.0, 9.0):
        exact = optimise_for_score(levers, levers.baseline_score + extra)
        comparison = compare_with_exact(levers, ladder, exact)
        assert comparison.greedy_reaches
        assert comparison.effort_gap is not None and comparison.effort_gap >= -1e-6
        if comparison.effort_gap > 1e-6:
            found_difference = True
            assert comparison.differences
            assert all(d.message("vi") and d.message("en") for d in comparison.differences)
            assert "ladder.summary" not in comparison.summary("vi")
        exact_levels = exact.chosen_levels()
        for d in comparison.differences:
            assert d.exact_level == exact_levels.get(d.code)
    assert found_difference


def test_the_first_free_step_ranks_first() -> None:
    m = qd2636()
    baseline = realistic_baseline(np.random.default_rng(2), m)
    levers = build_levers(m, baseline)
    lever = levers.movable[0]
    free = EffortTable(entries=(EffortEntry(code=lever.code, level=lever.upgrades[0].level, effort=0),))
    ladder = greedy_ladder(build_levers(m, baseline, free))
    assert ladder.upgrades[0].code == lever.code and ladder.upgrades[0].points_per_effort is None
    assert ladder.rungs[0].code == lever.code and ladder.rungs[0].effort == 0
