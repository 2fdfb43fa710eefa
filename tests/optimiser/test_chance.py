"""The chance-constrained option equals the literal sample-average programme, and reports its sample sizes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from optimiser_fixtures import (
    NormalRivals,
    OracleGroup,
    normal_rivals,
    oracle_groups,
    qd2636,
    random_baseline,
    random_effort,
    random_methodology,
    realistic_baseline,
)
from scipy.optimize import Bounds, LinearConstraint, milp

from planner.core.errors import OptimiseError
from planner.methodology.rules import to_centi
from planner.optimiser.chance import maximise_probability, sample_needs
from planner.optimiser.competition import Competition
from planner.optimiser.levers import build_levers
from planner.optimiser.solver import optimise_within_budget


def _competition(rivals: NormalRivals, own_sd: float = 0.0) -> Competition:
    expected = rivals.expected_scores()
    return Competition(
        mode="probability",
        names=tuple(expected),
        central=tuple(expected.values()),
        drift=rivals,
        own_sd=own_sd,
    )


def literal_saa(groups: list[OracleGroup], needs: npt.NDArray[np.int64], budget: float) -> tuple[int, float]:
    """The SAA programme as written: binaries x (one level per item) and y_j (field j won), with
    y_j * need_j <= gain (big-M for needs above zero), effort <= budget; maximise sum y_j, then (second solve)
    the least effort for that many fields."""
    gains = [g for grp in groups for g, _ in grp.options]
    costs = [c for grp in groups for _, c in grp.options]
    n_x, n_y = len(gains), len(needs)
    rows: list[npt.NDArray[np.float64]] = []
    lo: list[float] = []
    hi: list[float] = []
    start = 0
    for grp in groups:
        row = np.zeros(n_x + n_y)
        row[start : start + len(grp.options)] = 1
        rows.append(row)
        lo.append(1)
        hi.append(1)
        start += len(grp.options)
    for j, need in enumerate(needs):
        if need <= 0:
            continue
        row = np.zeros(n_x + n_y)
        row[:n_x] = gains
        row[n_x + j] = -float(need)  # gain - need_j * y_j >= 0
        rows.append(row)
        lo.append(0)
        hi.append(np.inf)
    cost_row = np.concatenate([costs, np.zeros(n_y)])
    rows.append(cost_row)
    lo.append(-np.inf)
    hi.append(budget + 1e-9)
    objective = np.concatenate([np.zeros(n_x), -np.ones(n_y)])
    kw = {"integrality": np.ones(n_x + n_y), "bounds": Bounds(0, 1), "options": {"mip_rel_gap": 0}}
    first = milp(objective, constraints=LinearConstraint(np.array(rows), lo, hi), **kw)
    won = round(-first.fun)
    rows.append(np.concatenate([np.zeros(n_x), np.ones(n_y)]))
    lo.append(won)
    hi.append(np.inf)
    second = milp(cost_row, constraints=LinearConstraint(np.array(rows), lo, hi), **kw)
    return won, float(second.fun)


def test_the_reduction_equals_the_literal_saa_programme() -> None:
    for seed in range(25):
        rng = np.random.default_rng(seed)
        m = random_methodology(rng, int(rng.integers(3, 8)))
        baseline = random_baseline(rng, m)
        table = random_effort(rng, m, baseline)
        levers = build_levers(m, baseline, table)
        top = levers.baseline_score + levers.max_gain_centi / 100
        rivals = normal_rivals(rng, 8, mean=(levers.baseline_score + top) / 2, spread=1.5)
        competition = _competition(rivals, own_sd=0.3)
        budget = round(float(rng.uniform(5, 80)), 2)
        result = maximise_probability(
            levers, competition, 4, budget, n_samples=60, seed=seed, n_validation=200
        )
        needs = sample_needs(levers, competition, 4, 60, seed)
        won, effort = literal_saa(oracle_groups(m, baseline, table), needs, budget)
        assert round(result.p_in_sample * 60) == won
        assert result.plan.effort == pytest.approx(effort, abs=1e-6)


def test_the_result_reports_its_sample_sizes_and_an_independent_estimate() -> None:
    m = qd2636()
    rng = np.random.default_rng(3)
    levers = build_levers(m, realistic_baseline(rng, m, survey_percent=75))
    rivals = normal_rivals(rng, 62, mean=levers.baseline_score + 1.5, spread=4)
    result = maximise_probability(levers, _competition(rivals, own_sd=0.7), 20, 150.0, n_samples=500, seed=1)
    assert (result.n_samples, result.n_validation, result.seed) == (500, 5000, 1)
    assert result.plan.effort <= 150.0 + 1e-9
    assert 0 <= result.p_validation <= 1 and result.p_validation_se < 0.01
    assert abs(result.p_in_sample - result.p_validation) < 0.1
    data = result.to_json()
    assert data["n_samples"] == 500 and data["status"] == "optimal"


def test_the_chosen_plan_scores_no_more_than_the_most_points_within_budget() -> None:
    m = qd2636()
    rng = np.random.default_rng(4)
    levers = build_levers(m, realistic_baseline(rng, m, survey_percent=75))
    rivals = normal_rivals(rng, 62, mean=levers.baseline_score + 0.5, spread=3)
    result = maximise_probability(levers, _competition(rivals), 30, 400.0, n_samples=300)
    most = optimise_within_budget(levers, 400.0)
    assert to_centi(result.plan.score) <= to_centi(most.score)
    assert result.plan.effort <= most.effort + 1e-9
    # The plan wins exactly the fields the most-points plan wins.
    needs = sample_needs(levers, _competition(rivals), 30, 300, 0)
    gained_most = to_centi(most.score) - levers.baseline_centi
    assert result.p_in_sample == pytest.approx(float(np.mean(needs <= gained_most)))


def test_bad_inputs_and_a_stop_request_are_optimise_errors() -> None:
    m = qd2636()
    levers = build_levers(m, realistic_baseline(np.random.default_rng(0), m))
    competition = _competition(normal_rivals(np.random.default_rng(1), 10))
    with pytest.raises(OptimiseError):
        maximise_probability(levers, competition, 5, 10.0, n_samples=2)
    with pytest.raises(OptimiseError):
        maximise_probability(levers, competition, 5, -1.0)
    with pytest.raises(OptimiseError) as info:
        maximise_probability(levers, competition, 5, 10.0, should_stop=lambda: True)
    assert info.value.key == "optimise.cancelled"
