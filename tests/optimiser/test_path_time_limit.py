"""A path solve stopped by its time limit returns the best path found, labelled (issue 15 with issue 11).

The hard instance of tests/optimiser/test_time_limit.py over two years: every item may move in either year, half
the budget each year, and a final-year score near what the budget allows; HiGHS cannot prove the least-effort
path in 0,3 s, though it finds one meeting everything."""

from __future__ import annotations

from test_time_limit import hard_instance

from planner.optimiser.horizon import PathSettings, YearTarget, optimise_path


def test_the_best_path_comes_back_labelled_when_time_runs_out() -> None:
    levers, budget = hard_instance()
    target = round(0.48 * float(levers.methodology.total_points), 2)
    settings = PathSettings(
        years=(2024, 2025),
        targets=(YearTarget(year=2025, kind="score", score=target),),
        budgets={2024: budget / 2, 2025: budget / 2},
    )
    result = optimise_path(levers, settings, time_limit=0.3, blockers=False)
    assert result.status == "time_limit"
    assert result.final.score >= target
    assert all(year.effort <= budget / 2 + 1e-6 for year in result.years)
