"""The back-test of the drift model, its calibration checks, and the leave-one-out checks of the reconstruction."""

from __future__ import annotations

import math

import pytest

from planner.field.backtest import (
    METHODS,
    format_table,
    inflation_check,
    ranking_holdout,
    reconstruction_holdout,
    run_backtest,
    selection_check,
)


@pytest.mark.slow
def test_the_backtest_runs_on_every_fold_and_beats_holding_others_fixed() -> None:
    result = run_backtest()
    assert result.folds == ((2016, 2018), (2018, 2019), (2019, 2020), (2020, 2021), (2021, 2022), (2022, 2023),
                            (2023, 2024))  # fmt: skip
    for method in METHODS:
        summary = result.summary(method)
        assert summary.n_scores >= 60 and summary.n_ranks >= 100
        assert math.isfinite(summary.score_mae) and math.isfinite(summary.rank_mae)
    drift, fixed = result.summary("drift_constant"), result.summary("fixed")
    assert drift.score_rmse < fixed.score_rmse
    assert drift.mean_abs_error_national < fixed.mean_abs_error_national
    # The rank shown is the median rank of the province's expected score: 13.1 against 13.2 held fixed (the
    # first version showed the expected rank, a mean, and was worse than holding the others fixed: 14.2).
    assert drift.rank_mae <= fixed.rank_mae and drift.rank_rmse < fixed.rank_rmse
    table = format_table(result)
    assert table.count("\n") == len(METHODS) + 1
    assert all(p.base_year < p.year for p in result.predictions)


@pytest.mark.slow
def test_the_projection_is_calibrated_where_it_can_be_checked() -> None:
    result = run_backtest()
    drift = result.summary("drift_constant")
    # Nothing below was tuned on these outcomes: every parameter is fitted on the years before each fold.
    # Published bases (30 outcomes in 7 years, clustered by year through the shared drift): 83%. With 30
    # outcomes the 80% coverage is uncertain by about ±7 points, more with the clustering: 65-95% is the range
    # a calibrated model lands in.
    assert drift.coverage_80_published is not None and 0.65 <= drift.coverage_80_published <= 0.95
    # Reconstructed bases fall short (62%): sources publish the extremes of the target year, which a province
    # with no published base could not be expected to be; selection_check measures how much of that is selection.
    assert drift.coverage_80 is not None and 0.6 <= drift.coverage_80 <= 0.9
    # What the app states, P(rank ≤ k) given a score: the actual rank with the actual score lies inside the 80%
    # rank interval 81% of the time (67 outcomes); 70-90% is the range for a calibrated model at this size.
    assert drift.rank_coverage_80 is not None and 0.7 <= drift.rank_coverage_80 <= 0.9
    # Brier score of the statements P(rank ≤ k): 0.075, against 0.081 for the first version (own bands in the
    # counts, normal drift and renewal, extrapolated spread) and 0.144 for holding the others fixed.
    fixed = result.summary("fixed")
    assert drift.rank_brier is not None and fixed.rank_brier is not None
    assert drift.rank_brier < 0.08 < fixed.rank_brier


@pytest.mark.slow
def test_an_inflation_chosen_out_of_fold_would_buy_score_coverage_with_worse_rank_statements() -> None:
    check = inflation_check()
    assert len(check.folds) == 7
    # Chosen on the other six folds, λ ≈ 1.15-1.4 brings the held-out score coverage to about 80%
    # (in-sample λ 1.35)...
    assert 1.1 <= check.in_sample_inflation <= 1.6
    assert all(1.0 <= f.inflation <= 1.6 for f in check.folds)
    assert 0.7 <= check.out_of_fold_coverage_80 <= 0.9
    assert check.out_of_fold_coverage_80 > check.coverage_80_at_1
    # ... but over-covers published bases (90%) and makes the rank statements worse by both proper scores,
    # which is why the projection is not inflated (docs/field-model.md).
    assert check.out_of_fold_coverage_published >= 0.85
    assert check.rank_brier_at_1 < check.out_of_fold_rank_brier
    assert check.rank_log_score_at_1 > check.out_of_fold_rank_log_score


@pytest.mark.slow
def test_selected_outcomes_are_covered_less_often_even_by_a_calibrated_model() -> None:
    check = selection_check()
    # Drawing whole fields from the model: the provinces that land on the published ranks (mostly leaders
    # and laggards) are inside their own 80% interval less often than provinces at large.
    assert check.expected_at_published_ranks < check.all_provinces
    # Year by year the observed coverage is within sampling error of that expectation except in 2022, when the
    # new methodology (QĐ 876/QĐ-BNV) lowered the national mean by 1.58 where the model expected a rise of 2.35.
    by_year = {year: (n, observed, expected) for year, n, observed, expected in check.by_year}
    assert by_year[2022][1] < by_year[2022][2] - 0.2
    assert all(abs(observed - expected) <= 0.3 for y, (_, observed, expected) in by_year.items() if y != 2022)


@pytest.mark.slow
def test_the_rank_interval_in_a_reconstructed_field_holds_hidden_ranks() -> None:
    # Hiding each published (score, rank) of 2018-2024 in turn and ranking its score in the field rebuilt
    # without it: 55 cases, a handful per year, so 65-95% is consistent with 80%.
    check = ranking_holdout()
    assert check.n >= 50
    assert 0.65 <= check.coverage_80 <= 0.95
    # Drawing each unpublished rival from its own band (the first version) held the rank 36% of the time.
    assert check.own_band_coverage_80 < 0.5 < check.coverage_80
    assert check.mean_width < check.own_band_mean_width


@pytest.mark.slow
def test_the_reconstruction_holdout_covers_about_four_in_five() -> None:
    result = reconstruction_holdout()
    assert result.n >= 50
    assert 0.65 <= result.coverage_80 <= 0.95
    assert result.mae < 2.0
