"""The exact optimiser: equal to an independent dynamic-programming oracle, and right at the edges."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from optimiser_fixtures import (
    NormalRivals,
    OracleGroup,
    brute_force,
    normal_rivals,
    oracle_groups,
    oracle_max_points,
    oracle_min_effort,
    qd2636,
    random_baseline,
    random_effort,
    random_methodology,
    realistic_baseline,
)

from planner.core.errors import OptimiseError
from planner.methodology.model import Methodology
from planner.methodology.rules import from_centi, to_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import item_options, score_scenario
from planner.optimiser.competition import Competition, TargetMode
from planner.optimiser.effort import EffortTable, ItemConstraint
from planner.optimiser.levers import build_levers
from planner.optimiser.solver import (
    compile_model,
    lexicographic_objective,
    optimise_for_rank,
    optimise_for_score,
    optimise_within_budget,
    solve,
)


def _instance(
    seed: int, *, n_items: tuple[int, int] = (3, 12), **effort_kw: Any
) -> tuple[np.random.Generator, Methodology, Scenario, EffortTable]:
    rng = np.random.default_rng(seed)
    m = random_methodology(
        rng, int(rng.integers(*n_items)), max_levels=6, with_survey=bool(rng.random() < 0.3)
    )
    baseline = random_baseline(rng, m)
    table = random_effort(rng, m, baseline, **effort_kw)
    return rng, m, baseline, table


def test_the_oracle_agrees_with_brute_force_on_tiny_instances() -> None:
    for seed in range(40):
        rng, m, baseline, table = _instance(
            seed, n_items=(2, 5), lock_share=0.2, cap_share=0.2, zero_share=0.1
        )
        groups = oracle_groups(m, baseline, table)
        plans = brute_force(groups, lambda chosen: True)
        total = max(g for g, _, _ in plans)
        need = int(rng.integers(0, total + 1))
        reach = [(c, g) for g, c, _ in plans if g >= need]
        least = min(c for c, _ in reach)
        assert oracle_min_effort(groups, need) == pytest.approx(
            (least, max(g for c, g in reach if c <= least + 1e-6))
        )
        budget = float(rng.uniform(0, 60))
        within = [(g, c) for g, c, _ in plans if c <= budget + 1e-9]
        most = max(g for g, _ in within)
        assert oracle_max_points(groups, budget) == pytest.approx(
            (most, min(c for g, c in within if g == most))
        )


@pytest.mark.slow
def test_least_effort_and_most_points_equal_the_dp_oracle_on_600_random_instances() -> None:
    """Efforts to 2 decimals take the one-solve integer objective; every fourth instance has efforts to 7
    decimals, off every grid, which takes the two-solve path."""
    mismatches: list[str] = []
    paths = {True: 0, False: 0}
    for seed in range(600):
        decimals = 7 if seed % 4 == 3 else 2
        rng, m, baseline, table = _instance(
            seed, lock_share=0.15, cap_share=0.15, zero_share=0.05, decimals=decimals
        )
        levers = build_levers(m, baseline, table)
        model = compile_model(levers)
        paths[lexicographic_objective(model, "min_effort") is not None] += 1
        groups = oracle_groups(m, baseline, table)
        base = score_scenario(m, baseline).total_centi
        top = sum(max(g for g, _ in grp.options) for grp in groups)
        if seed % 2 == 0:
            need = int(rng.integers(1, top + 2)) if top else 1
            expected = oracle_min_effort(groups, need)
            result = optimise_for_score(levers, from_centi(base + need))
            if expected is None:
                if result.status != "infeasible" or to_centi(result.score) - base != top:
                    mismatches.append(f"{seed}: expected infeasible, got {result.status} {result.score}")
                continue
            effort, gain = expected
            got_gain = to_centi(result.score) - base
            if (
                result.status != "optimal"
                or not math.isclose(result.effort, effort, abs_tol=1e-6)
                or got_gain != gain
            ):
                mismatches.append(
                    f"{seed}: need {need}: oracle {effort} (+{gain}), milp {result.effort} (+{got_gain})"
                )
        else:
            budget = round(float(rng.uniform(0, 150)), 2)
            gain, effort = oracle_max_points(groups, budget)
            result = optimise_within_budget(levers, budget)
            got_gain = to_centi(result.score) - base
            if got_gain != gain or not math.isclose(result.effort, effort, abs_tol=1e-6):
                mismatches.append(
                    f"{seed}: budget {budget}: oracle +{gain} at {effort}, milp +{got_gain} at {result.effort}"
                )
    assert mismatches == []


def test_a_target_already_met_needs_no_change_and_no_effort() -> None:
    _rng, m, baseline, table = _instance(7)
    levers = build_levers(m, baseline, table)
    result = optimise_for_score(levers, levers.baseline_score - 0.5)
    assert result.status == "optimal"
    assert result.already_met
    assert result.changes == ()
    assert result.effort == 0
    assert result.score == levers.baseline_score


def test_zero_effort_upgrades_are_taken_even_when_the_target_is_already_met() -> None:
    _rng, m, baseline, table = _instance(11, zero_share=1.0)
    levers = build_levers(m, baseline, table)
    result = optimise_for_score(levers, levers.baseline_score)
    assert result.effort == 0
    assert to_centi(result.score) == levers.baseline_centi + levers.max_gain_centi


def test_an_unreachable_target_is_infeasible_with_the_best_plan_and_what_blocks_it() -> None:
    m = qd2636()
    rng = np.random.default_rng(5)
    baseline = realistic_baseline(rng, m)
    locked = [i.code for i in m.scored_items if not i.is_survey][:3]
    table = EffortTable(constraints=tuple(ItemConstraint(code=c, locked=True) for c in locked))
    baseline = baseline.with_items({c: ItemSetting(level=item_options(m.item(c))[0].id) for c in locked})
    levers = build_levers(m, baseline, table)
    result = optimise_for_score(levers, 99.0, budget=50.0)
    assert result.status == "infeasible"
    kinds = {b.kind: b for b in result.blockers}
    assert set(kinds) == {"locked", "survey", "budget"}
    assert kinds["locked"].codes == tuple(locked)
    assert kinds["locked"].points == from_centi(sum(m.item(c).max_centi for c in locked))
    assert kinds["survey"].codes == ("8.1", "KS.1")
    assert result.effort <= 50.0
    # The best plan is the most points within the budget.
    best = optimise_within_budget(levers, 50.0)
    assert result.score == best.score and result.effort == pytest.approx(best.effort)
    assert result.shortfall == pytest.approx(99.0 - result.score)
    assert all(b.message("vi") and b.message("en") for b in result.blockers)


def test_a_target_above_every_reachable_score_names_the_maximum() -> None:
    _rng, m, baseline, table = _instance(3)
    levers = build_levers(m, baseline, table)
    ceiling = from_centi(m.max_centi)
    result = optimise_for_score(levers, ceiling + 1)
    assert result.status == "infeasible"
    assert result.blockers[0].kind == "maximum"
    assert result.blockers[0].points == pytest.approx(1.0)


def test_locked_items_never_change_and_caps_hold() -> None:
    for seed in range(60):
        _rng, m, baseline, table = _instance(seed, lock_share=0.3, cap_share=0.3)
        levers = build_levers(m, baseline, table)
        constraints = {c.code: c for c in table.constraints}
        result = optimise_for_score(levers, from_centi(m.max_centi))  # as far as it goes
        for change in result.changes:
            c = constraints.get(change.code)
            assert c is None or not c.locked
            if c is not None and c.feasible_max_level is not None:
                cap = next(o for o in item_options(m.item(change.code)) if o.id == c.feasible_max_level)
                assert to_centi(change.to_points) <= cap.centi


def test_survey_items_are_not_levers_unless_unlocked() -> None:
    m = qd2636()
    baseline = realistic_baseline(np.random.default_rng(1), m, survey_percent=60)
    result = optimise_for_score(build_levers(m, baseline), 99.0)
    assert not any(c.is_survey for c in result.changes)
    unlocked = EffortTable(constraints=(ItemConstraint(code="KS.1", survey_unlocked=True),))
    result = optimise_for_score(build_levers(m, baseline, unlocked), 99.0)
    assert "KS.1" in {c.code for c in result.changes}
    assert "8.1" not in {c.code for c in result.changes}


def test_agency_budgets_hold_and_equal_brute_force() -> None:
    for seed in range(30):
        rng, m, baseline, table = _instance(seed, n_items=(3, 7))
        agencies = {lever.lead_agency for lever in build_levers(m, baseline, table).levers}
        budgets = {a: round(float(rng.uniform(5, 60)), 2) for a in sorted(agencies)[:2]}
        table = table.model_copy(update={"agency_budgets": budgets})
        levers = build_levers(m, baseline, table)
        groups = oracle_groups(m, baseline, table)
        lead = [levers.by_code[g.code].lead_agency for g in groups]

        def within(
            chosen: tuple[int, ...],
            lead: list[str] = lead,
            groups: list[OracleGroup] = groups,
            budgets: dict[str, float] = budgets,
        ) -> bool:
            spent: dict[str, float] = {}
            for i, j in enumerate(chosen):
                spent[lead[i]] = spent.get(lead[i], 0.0) + groups[i].options[j][1]
            return all(spent.get(a, 0.0) <= b + 1e-9 for a, b in budgets.items())

        plans = brute_force(groups, within)
        most = max(g for g, _, _ in plans)
        least = min(c for g, c, _ in plans if g == most)
        result = optimise_within_budget(levers, None)
        assert to_centi(result.score) - levers.baseline_centi == most
        assert result.effort == pytest.approx(least)
        for agency, budget in budgets.items():
            assert sum(c.effort for c in result.changes if c.lead_agency == agency) <= budget + 1e-6


def test_agency_budget_matching_ignores_case_diacritics_and_trailing_stops() -> None:
    m = qd2636()
    baseline = realistic_baseline(np.random.default_rng(2), m)
    table = EffortTable(agency_budgets={"so thong tin va truyen thong": 0.0})
    result = optimise_for_score(build_levers(m, baseline, table), 99.0)
    assert not any(c.lead_agency.startswith("Sở Thông tin") for c in result.changes)
    blocked = [b for b in result.blockers if b.kind == "agency_budget"]
    assert [b.agency for b in blocked] == ["so thong tin va truyen thong"]


def test_the_plan_scores_through_the_scorer_exactly() -> None:
    m = qd2636()
    rng = np.random.default_rng(9)
    baseline = random_baseline(rng, m)
    levers = build_levers(m, baseline)
    result = optimise_for_score(levers, levers.baseline_score + 7.3)
    planned = score_scenario(m, result.planned_scenario(baseline))
    assert planned.total == result.score
    assert result.score >= levers.baseline_score + 7.3
    assert sum(c.points_gain for c in result.changes) == pytest.approx(result.score - levers.baseline_score)


def _competition(
    rivals: NormalRivals, mode: TargetMode, *, confidence: float = 0.8, own_sd: float = 0.0
) -> Competition:
    expected = rivals.expected_scores()
    return Competition(
        mode=mode,
        names=tuple(expected),
        central=tuple(expected.values()),
        drift=rivals,
        confidence=confidence,
        own_sd=own_sd,
    )


def test_rank_targets_come_from_the_field_mode() -> None:
    rng = np.random.default_rng(4)
    rivals = normal_rivals(rng, 20, mean=70, spread=6)
    m = qd2636()
    baseline = realistic_baseline(rng, m, survey_percent=70)
    levers = build_levers(m, baseline)
    ranked = sorted(rivals.means, reverse=True)
    fixed = optimise_for_rank(levers, _competition(rivals, "fixed"), 5)
    assert fixed.target_score == ranked[4]
    assert fixed.status == "optimal" and fixed.rank is not None and fixed.rank <= 5
    assert fixed.score >= ranked[4]
    median = optimise_for_rank(levers, _competition(rivals, "mean"), 5)
    assert median.target_score is not None and median.rank is not None and median.rank <= 5
    assert rivals.p_rank_le(median.target_score, 5) >= 0.5 > rivals.p_rank_le(median.target_score - 0.01, 5)
    probable = optimise_for_rank(levers, _competition(rivals, "probability", confidence=0.9), 5)
    assert probable.target_score is not None
    assert rivals.p_rank_le(probable.target_score, 5) >= 0.9
    assert rivals.p_rank_le(probable.target_score - 0.01, 5) < 0.9
    assert probable.p_reach is not None and probable.p_reach >= 0.9
    assert probable.effort >= fixed.effort


def test_our_survey_uncertainty_raises_the_score_a_high_confidence_needs() -> None:
    rivals = normal_rivals(np.random.default_rng(8), 30, mean=80, spread=4)
    certain = _competition(rivals, "probability", confidence=0.9)
    uncertain = _competition(rivals, "probability", confidence=0.9, own_sd=1.5)
    a, b = certain.target_score(10), uncertain.target_score(10)
    assert a is not None and b is not None and b > a
    assert (uncertain.p_rank_le(b, 10) or 0) >= 0.9 > (uncertain.p_rank_le(b - 0.01, 10) or 0)


def test_a_rank_no_score_can_reach_is_infeasible_with_the_maximum_as_blocker() -> None:
    rivals = NormalRivals(("A", "B"), (101.0, 50.0), (0.01, 1.0))
    m = qd2636()
    levers = build_levers(m, realistic_baseline(np.random.default_rng(0), m))
    result = optimise_for_rank(levers, _competition(rivals, "probability", confidence=0.99), 1)
    assert result.status == "infeasible"
    assert result.blockers[0].kind == "maximum"
    assert result.rank == 2


def test_an_unknown_cap_level_is_an_optimise_error() -> None:
    m = qd2636()
    table = EffortTable(constraints=(ItemConstraint(code="1.1", feasible_max_level="nope"),))
    with pytest.raises(OptimiseError) as info:
        build_levers(m, realistic_baseline(np.random.default_rng(0), m), table)
    assert "1.1" in info.value.message("en")


def test_solve_reports_no_plan_when_the_gain_is_out_of_reach() -> None:
    _rng, m, baseline, table = _instance(2)
    model = compile_model(build_levers(m, baseline, table))
    assert solve(model, min_gain_centi=model.max_gain_centi + 1) is None
    assert solve(model, min_gain_centi=model.max_gain_centi) is not None


def test_json_carries_the_documented_keys() -> None:
    m = qd2636()
    levers = build_levers(m, realistic_baseline(np.random.default_rng(0), m))
    data = optimise_for_score(levers, levers.baseline_score + 3).to_json()
    assert list(data)[:7] == ["status", "target_score", "score", "rank", "p_reach", "effort", "changes"]
    assert set(data["changes"][0]) >= {
        "code",
        "from_points",
        "to_points",
        "points_gain",
        "effort",
        "lead_agency",
    }


def _knapsack(seed: int) -> tuple[np.ndarray, np.ndarray, Any, Any, int]:
    """A 0-1 knapsack of 40 items as a MILP (minimise minus the value) and its optimum by dynamic programming."""
    from scipy.optimize import Bounds, LinearConstraint

    rng = np.random.default_rng(seed)
    value = rng.integers(1, 100, 40)
    weight = rng.integers(1, 60, 40)
    capacity = int(weight.sum() // 3)
    best = [0] * (capacity + 1)
    for v, w in zip(value, weight, strict=True):
        for room in range(capacity, int(w) - 1, -1):
            best[room] = max(best[room], best[room - int(w)] + int(v))
    constraint = LinearConstraint(weight.reshape(1, -1).astype(float), -np.inf, capacity)
    return -value.astype(float), np.ones(40), Bounds(0, 1), constraint, best[capacity]


@pytest.mark.parametrize("seed", range(5))
def test_a_cutoff_changes_no_answer(seed: int) -> None:
    """exact_milp's cutoff (HiGHS's objective_bound, passed on by scipy unchecked) only prunes: at the value of
    a solution the caller knows it gives the optimum, and even a cutoff no solution reaches, which HiGHS answers
    with a stray solution above it or with "infeasible", is redone without it and gives the optimum."""
    from planner.optimiser.solver import exact_milp

    c, integrality, bounds, constraint, optimum = _knapsack(seed)
    plain = exact_milp(c, integrality, bounds, constraint, 30.0)
    assert plain is not None and -round(float(c @ plain)) == optimum
    for cutoff in (-optimum + 0.5, -optimum + 50.5, -optimum - 0.5, -optimum - 500.5):
        found = exact_milp(c, integrality, bounds, constraint, 30.0, cutoff=cutoff)
        assert found is not None, cutoff
        assert -round(float(c @ found)) == optimum, cutoff


@pytest.mark.parametrize("seed", range(5))
def test_a_proven_bound_is_the_optimum_when_the_solve_finishes_and_none_when_nothing_fits(seed: int) -> None:
    """proven_bound hands back HiGHS's dual bound, which the path's agency ceilings turn into rows: at the end
    of a solve it is the optimum the dynamic programme finds (a bound below it would cut the optimum off); for
    constraints no solution meets it is None, not a number."""
    from scipy.optimize import LinearConstraint

    from planner.optimiser.solver import proven_bound

    c, integrality, bounds, constraint, optimum = _knapsack(seed)
    bound = proven_bound(c, integrality, bounds, constraint, 30.0)
    assert bound is not None and bound == pytest.approx(-optimum, abs=1e-6)
    impossible = LinearConstraint(constraint.A, 1e9, np.inf)
    assert proven_bound(c, integrality, bounds, impossible, 30.0) is None


def test_a_solve_out_of_time_says_so_by_its_own_error_type() -> None:
    """The path's shortcuts and blocker analysis give up quietly on a solve out of time and on nothing else:
    they catch OptimiseTimeLimit, so the solver must raise that type (still an OptimiseError, same key)."""
    from scipy.optimize import Bounds, LinearConstraint

    from planner.core.errors import OptimiseTimeLimit
    from planner.optimiser.solver import exact_milp

    rng = np.random.default_rng(3)
    n = 400
    weights = rng.integers(10**5, 10**6, size=(3, n)).astype(np.float64)
    with pytest.raises(OptimiseTimeLimit) as caught:
        exact_milp(
            -rng.integers(10**5, 10**6, size=n).astype(np.float64),
            np.ones(n),
            Bounds(0, 1),
            LinearConstraint(weights, -np.inf, weights.sum(axis=1) / 3 + 0.5),
            1e-4,
        )
    assert isinstance(caught.value, OptimiseError) and caught.value.key == "optimise.time_limit"
