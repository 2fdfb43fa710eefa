"""The back-test of the drift model and the leave-one-out check of the reconstruction."""

from __future__ import annotations

import math

import pytest

from planner.backtest import METHODS, format_table, reconstruction_holdout, run_backtest


@pytest.mark.slow
def test_the_backtest_runs_on_every_fold_and_beats_holding_others_fixed() -> None:
    result = run_backtest()
    assert result.folds == ((2016, 2018), (2018, 2019), (2019, 2020), (2020, 2021), (2021, 2022), (2022, 2023),
                            (2023, 2024))  # fmt: skip
    for method in METHODS:
        summary = result.summary(method)
        assert summary.n_scores >= 60 and summary.n_ranks >= 100
        assert math.isfinite(summary.score_mae) and math.isfinite(summary.rank_mae)
    assert result.summary("drift_constant").score_rmse < result.summary("fixed").score_rmse
    assert (
        result.summary("drift_constant").mean_abs_error_national
        < result.summary("fixed").mean_abs_error_national
    )
    assert result.summary("drift_constant").coverage_80 is not None
    table = format_table(result)
    assert table.count("\n") == len(METHODS) + 1
    assert all(p.base_year < p.year for p in result.predictions)


@pytest.mark.slow
def test_the_reconstruction_holdout_covers_about_four_in_five() -> None:
    result = reconstruction_holdout()
    assert result.n >= 50
    assert 0.65 <= result.coverage_80 <= 0.95
    assert result.mae < 2.0
