"""The one-pass effort curve gives the MILP's optimum for every target (same effort, same points)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from optimiser_fixtures import qd2636, random_baseline, random_effort, random_methodology

from planner.core.text import agency_key
from planner.methodology.scoring import score_scenario
from planner.optimiser.effort_curve import BudgetedCurve, EffortCurve, budgeted_effort_curve, effort_curve
from planner.optimiser.levers import build_levers
from planner.optimiser.plan_builder import planned_scenario
from planner.optimiser.solver import KnapsackModel, Selection, compile_model, solve


def _match_the_milp(
    rng: np.random.Generator, model: KnapsackModel, curve: EffortCurve | BudgetedCurve
) -> Iterator[Selection]:
    """For 8 random targets: the curve's plan has the MILP's least effort and points (or both find none);
    yields each plan read from the curve for further checks."""
    for need in sorted({int(x) for x in rng.integers(0, model.max_gain_centi + 2, size=8)}):
        exact = solve(model, min_gain_centi=need)
        read = curve.selection_for(need)
        if exact is None:
            assert read is None
            continue
        assert read is not None
        assert read.effort == pytest.approx(exact.effort, abs=1e-6)
        assert read.gain_centi == exact.gain_centi
        yield read


def test_every_target_matches_the_milp_on_random_instances() -> None:
    for seed in range(40):
        rng = np.random.default_rng(seed)
        m = random_methodology(rng, int(rng.integers(3, 12)))
        baseline = random_baseline(rng, m)
        decimals = 7 if seed % 3 == 0 else 2
        model = compile_model(
            build_levers(m, baseline, random_effort(rng, m, baseline, zero_share=0.05, decimals=decimals))
        )
        curve = effort_curve(model)
        assert curve.max_gain_centi == model.max_gain_centi
        for read in _match_the_milp(rng, model, curve):
            assert sum(c.gain_centi for c in read.chosen.values()) == read.gain_centi


def test_a_plan_read_from_the_curve_scores_what_it_says() -> None:
    m = qd2636()
    baseline = random_baseline(np.random.default_rng(3), m)
    levers = build_levers(m, baseline)
    curve = effort_curve(compile_model(levers))
    for need in (1, 250, 900, curve.max_gain_centi):
        selection = curve.selection_for(need)
        assert selection is not None and selection.gain_centi >= need
        chosen = {code: c.level for code, c in selection.chosen.items()}
        planned = score_scenario(m, planned_scenario(baseline, chosen))
        assert planned.total_centi == levers.baseline_centi + selection.gain_centi
    assert curve.selection_for(curve.max_gain_centi + 1) is None


def test_with_agency_budgets_every_target_matches_the_milp_on_random_instances() -> None:
    """Budgets are separable by agency (an item counts against its first lead only), so the per-agency curves
    cut at their budgets and combined give the MILP's optimum with the budget rows, target by target."""
    checked = 0
    for seed in range(40):
        rng = np.random.default_rng(1000 + seed)
        m = random_methodology(rng, int(rng.integers(3, 12)))
        baseline = random_baseline(rng, m)
        effort = random_effort(rng, m, baseline, zero_share=0.05, decimals=7 if seed % 4 == 0 else 2)
        levers = build_levers(m, baseline, effort)
        leads = sorted({lever.lead_agency for lever in levers.movable})
        if not leads:
            continue
        spend = {
            a: sum(
                max((c.effort for c in lv.upgrades), default=0.0)
                for lv in levers.movable
                if lv.lead_agency == a
            )
            for a in leads
        }
        budgets = {
            a: round(float(rng.uniform(0.0, 0.8)) * spend[a], 2)
            for a in leads[: int(rng.integers(1, len(leads) + 1))]
        }
        levers = build_levers(m, baseline, effort.model_copy(update={"agency_budgets": budgets}))
        model = compile_model(levers)
        curve = budgeted_effort_curve(model, {agency_key(a): b for a, b in budgets.items()})
        most = solve(model, objective="max_points")
        assert most is not None and curve.max_gain_centi == most.gain_centi
        for read in _match_the_milp(rng, model, curve):
            spent: dict[str, float] = {}
            for code, choice in read.chosen.items():
                key = agency_key(levers.by_code[code].lead_agency)
                spent[key] = spent.get(key, 0.0) + choice.effort
            assert all(spent.get(agency_key(a), 0.0) <= b + 1e-6 for a, b in budgets.items())
            checked += 1
    assert checked > 100
