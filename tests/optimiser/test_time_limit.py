"""A solve stopped by its time limit returns the best plan found so far, labelled, not an error (issue 11).

The instance is a strongly correlated knapsack built through the real models (a methodology of 150 yes/no
items, an effort per item close to its points times a thousand, a budget of half the total): the kind HiGHS
cannot prove optimal in a third of a second, though it finds good plans at once."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from planner.methodology.files import methodology_from_mapping
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import score_scenario
from planner.optimiser.effort import EffortEntry, EffortTable
from planner.optimiser.levers import LeverSet, build_levers
from planner.optimiser.solver import optimise_for_score, optimise_within_budget


def hard_instance() -> tuple[LeverSet, float]:
    rng = np.random.default_rng(3)
    n = 150
    gains = rng.integers(20, 66, n)
    total = float(Decimal(int(gains.sum())) / 100)
    subs = [
        {"code": f"1.1.{k + 1}", "name_vi": f"Mục {k + 1}", "max_points": float(Decimal(int(g)) / 100),
         "rule": {"type": "yes_no"}}
        for k, g in enumerate(gains)
    ]  # fmt: skip
    m = methodology_from_mapping(
        {"id": "kho", "name_vi": "Bài toán khó", "total_points": total,
         "areas": [{"code": "1", "name_vi": "A", "max_points": total,
                    "criteria": [{"code": "1.1", "name_vi": "C", "max_points": total, "sub_criteria": subs}]}]}
    )  # fmt: skip
    costs = gains * 1000 + rng.integers(0, 1000, n)
    table = EffortTable(
        entries=tuple(
            EffortEntry(code=f"1.1.{k + 1}", level="yes", effort=float(c)) for k, c in enumerate(costs)
        )
    )
    return build_levers(m, Scenario(methodology="kho"), table), float(costs.sum()) / 2


@pytest.fixture(scope="module")
def hard() -> tuple[LeverSet, float]:
    return hard_instance()


def test_the_best_plan_within_a_budget_comes_back_labelled_when_time_runs_out(
    hard: tuple[LeverSet, float],
) -> None:
    levers, budget = hard
    result = optimise_within_budget(levers, budget, time_limit=0.3)
    assert result.status == "time_limit"
    assert result.changes and 0 < result.effort <= budget
    scored = score_scenario(levers.methodology, result.planned_scenario(levers.baseline)).total
    assert scored == result.score > levers.baseline_score
    # the plan is a good one: most of the half-budget's worth of points (an LP bound is about half the total)
    assert result.score >= 0.45 * float(levers.methodology.total_points)
    assert result.to_json()["status"] == "time_limit"


def test_a_target_score_met_when_time_runs_out_is_met(hard: tuple[LeverSet, float]) -> None:
    levers, _ = hard
    target = round(0.4 * float(levers.methodology.total_points), 2)
    result = optimise_for_score(levers, target, time_limit=0.3)
    assert result.status in ("time_limit", "optimal")
    assert result.score >= target and result.changes
