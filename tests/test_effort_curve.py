"""The one-pass effort curve gives the MILP's optimum for every target (same effort, same points)."""

from __future__ import annotations

import numpy as np
import pytest
from optimiser_fixtures import qd2636, random_baseline, random_effort, random_methodology

from planner.effort_curve import effort_curve
from planner.levers import build_levers
from planner.optimise import compile_model, solve
from planner.planning import planned_scenario
from planner.scoring import score_scenario


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
        for need in sorted({int(x) for x in rng.integers(0, model.max_gain_centi + 2, size=8)}):
            exact = solve(model, min_gain_centi=need)
            read = curve.selection_for(need)
            if exact is None:
                assert read is None
                continue
            assert read is not None
            assert read.effort == pytest.approx(exact.effort, abs=1e-6)
            assert read.gain_centi == exact.gain_centi
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
