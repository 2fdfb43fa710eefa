"""The frontier: one exact least-effort plan per rank, from the current rank to the best achievable."""

from __future__ import annotations

import numpy as np
import pytest
from optimiser_fixtures import NormalRivals, normal_rivals, qd2636, realistic_baseline

from planner.optimiser.competition import Competition, TargetMode
from planner.optimiser.effort import EffortTable
from planner.optimiser.frontier import frontier
from planner.optimiser.levers import LeverSet, build_levers
from planner.optimiser.solver import optimise_for_rank, optimise_within_budget


def _setup(mode: TargetMode = "mean", n: int = 40, confidence: float = 0.8) -> tuple[LeverSet, Competition]:
    m = qd2636()
    rng = np.random.default_rng(21)
    baseline = realistic_baseline(rng, m, survey_percent=75)
    levers = build_levers(m, baseline)
    rivals = normal_rivals(rng, n, mean=levers.baseline_score + 2, spread=4)
    expected = rivals.expected_scores()
    competition = Competition(
        mode=mode,
        names=tuple(expected),
        central=tuple(expected.values()),
        drift=rivals,
        confidence=confidence,
    )
    return levers, competition


def test_every_rank_from_the_current_one_to_the_best_gets_its_least_effort() -> None:
    levers, competition = _setup()
    result = frontier(levers, competition, target_rank=10)
    assert result.complete
    ranks = [p.rank for p in result.ranks]
    assert ranks == list(range(result.baseline_rank, result.best_rank - 1, -1))
    assert result.ranks[0].effort == 0  # the current rank is free
    efforts = [p.effort for p in result.ranks]
    assert efforts == sorted(efforts)  # a better rank never costs less
    best = optimise_within_budget(levers, None)
    assert result.best_score == best.score
    assert result.best_rank == competition.rank(best.score)
    for point in result.ranks:  # read from the one-pass curve: each equals its own MILP solve
        exact = optimise_for_rank(levers, competition, point.rank)
        assert point.effort == pytest.approx(exact.effort)
        assert point.achieved_rank <= point.rank


def test_the_probability_curve_rises_with_effort() -> None:
    levers, competition = _setup()
    result = frontier(levers, competition, target_rank=10)
    probabilities = [p.probability for p in result.probabilities]
    assert probabilities == sorted(probabilities)
    efforts = [p.effort for p in result.probabilities]
    assert efforts == sorted(efforts)
    for point in result.probabilities:
        assert point.p_reach is not None and point.p_reach >= point.probability - 1e-9
    assert result.best_p_reach is not None


def test_points_beyond_the_budget_are_flagged_not_dropped() -> None:
    levers, competition = _setup()
    result = frontier(levers, competition, budget=50.0)
    assert any(not p.within_budget for p in result.ranks)
    assert all(p.within_budget == (p.effort <= 50.0 + 1e-9) for p in result.ranks)


def test_a_stopped_frontier_keeps_what_it_has() -> None:
    levers, competition = _setup()
    calls = {"n": 0}

    def stop_after_three() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    seen: list[float] = []
    result = frontier(levers, competition, should_stop=stop_after_three, progress=seen.append)
    assert not result.complete
    assert len(result.ranks) == 3
    assert seen == sorted(seen) and 0 < seen[-1] < 1


def test_agency_budgets_cap_the_best_rank() -> None:
    levers, competition = _setup()
    capped = build_levers(
        levers.methodology,
        levers.baseline,
        EffortTable(agency_budgets={"Văn phòng UBND tỉnh": 0, "Sở Nội vụ": 0}),
    )
    free = frontier(levers, competition)
    # Read from the budgeted effort curve, and checked against the MILP below.
    tight = frontier(capped, competition)
    assert tight.best_score < free.best_score
    assert tight.best_rank >= free.best_rank
    for point in tight.ranks[::3]:
        assert point.effort == pytest.approx(optimise_for_rank(capped, competition, point.rank).effort)
        assert not any(c.lead_agency in ("Văn phòng UBND tỉnh", "Sở Nội vụ") for c in point.changes)


def test_others_fixed_uses_the_last_scores() -> None:
    rivals = NormalRivals(("A", "B", "C"), (90.0, 85.5, 80.0), (1.0, 1.0, 1.0))
    m = qd2636()
    levers = build_levers(m, realistic_baseline(np.random.default_rng(0), m, survey_percent=60))
    # The baseline scores 64.85 and at most 85.80: 4th now, 2nd at best against the last scores 91 / 84 / 79.
    competition = Competition(mode="fixed", names=("A", "B", "C"), central=(91.0, 84.0, 79.0), drift=rivals)
    result = frontier(levers, competition)
    assert (result.baseline_rank, result.best_rank) == (4, 2)
    assert [(p.rank, p.target_score) for p in result.ranks] == [(4, 0.0), (3, 79.0), (2, 84.0)]
    assert result.ranks[1].score >= 79.0 and result.ranks[2].score >= 84.0
