"""The projected field: drift model, exact and Monte Carlo rank distributions, targets, 34 provinces."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import t as student_t

from planner.core.errors import FieldError
from planner.field.bundled import bundled_field
from planner.field.model import Field, FieldEntry
from planner.field.projection import (
    DEFAULT_DRIFT_SD,
    DRIFT_DF_FLOOR,
    T_RENEWAL_LR,
    Z80,
    DriftModel,
    fit_drift_model,
    planning_projection,
    project_field,
)
from planner.field.provinces import province_names
from planner.field.rank_maths import poisson_binomial, student_t_cdf


def _model(**changes: float) -> DriftModel:
    base = dict(
        mean_model="constant",
        mean_change=1.5,
        gap_rate=0.1,
        drift_sd=1.5,
        persistence=0.8,
        noise_sd=0.6,
        spread_ratio=1.0,
        history_weight=0.0,
        fitted_until=2024,
    )
    base.update(changes)
    return DriftModel(**base)  # type: ignore[arg-type]


def _official(year: int = 2024) -> Field:
    names = list(province_names(63))
    entries = tuple(
        FieldEntry(province=n, score=round(96.0 - 0.25 * i, 2), provenance="official")
        for i, n in enumerate(names)
    )
    return Field(year=year, n_provinces=63, kind="official", entries=entries)


def _assert_close_to_mc(exact: np.ndarray, mc: np.ndarray, n: int) -> None:
    sd = np.sqrt(np.maximum(exact * (1 - exact), 1e-12) / n)
    assert np.all(np.abs(exact - mc) <= 5 * sd + 2e-4), np.max(np.abs(exact - mc) / (sd + 1e-9))
    assert abs(exact.sum() - 1) < 1e-9 and abs(mc.sum() - 1) < 1e-9


@pytest.mark.parametrize("score", [86.0, 89.5, 92.0])
def test_exact_rank_distribution_equals_monte_carlo(score: float) -> None:
    projection = project_field(bundled_field(2024), 2025)
    exact = projection.rank_distribution(score, "Lào Cai")
    mc = projection.rank_distribution(score, "Lào Cai", method="mc", n_samples=200_000, seed=3)
    assert exact.size == 63
    _assert_close_to_mc(exact, mc, 200_000)


def test_exact_equals_monte_carlo_two_years_ahead_with_overrides() -> None:
    projection = project_field(
        _official(), 2026, model=_model(), overrides={"Quảng Ninh": 2.0, "Hà Nội": -1.0}
    )
    exact = projection.rank_distribution(93.0, "Lào Cai")
    mc = projection.rank_distribution(93.0, "Lào Cai", method="mc", n_samples=200_000, seed=11)
    _assert_close_to_mc(exact, mc, 200_000)


def test_exact_quadrature_is_converged() -> None:
    projection = project_field(_official(), 2025, model=_model(drift_sd=3.0, noise_sd=0.2))
    exact = projection.rank_distribution(92.0, "Lào Cai")
    # A much finer drift grid gives the same answer.
    mean, sd, _ = projection._arrays("Lào Cai")
    from scipy.special import ndtr

    from planner.field.rank_maths import poisson_binomial

    nodes = np.linspace(-8 * projection.drift_sd, 8 * projection.drift_sd, 4001)
    w = np.exp(-0.5 * (nodes / projection.drift_sd) ** 2)
    w /= w.sum()
    fine = w @ poisson_binomial(ndtr((mean[None, :] + nodes[:, None] - 92.0) / sd[None, :]))
    assert np.max(np.abs(exact - fine)) < 1e-6


def test_fixed_mode_is_the_doing_business_assumption() -> None:
    field = _official()
    projection = project_field(field, 2025, mode="fixed")
    assert projection.drift_sd == 0
    assert projection.expected_scores() == {e.province: e.score for e in field.entries}
    dist = projection.rank_distribution(93.1, "Lào Cai")
    assert dist[11] == 1.0  # 96.00 down to 93.25 is 12 scores, one of them Lào Cai (95.00): 11 above, rank 12
    assert projection.score_for_rank(3, 0.99, "Lào Cai") == 95.5
    assert projection.score_for_rank(3, 0.01, "Lào Cai") == 95.5
    assert projection.score_for_rank(70, 0.5, "Lào Cai") == 0.0


def test_overrides_move_one_rival_by_the_stated_points() -> None:
    field = _official()
    fixed = project_field(field, 2025, mode="fixed", overrides={"quang ninh": 2.0})
    assert fixed.expected_scores()["Quảng Ninh"] == field.entry("Quảng Ninh").score + 2.0
    drift = project_field(field, 2025, model=_model(), overrides={"Quảng Ninh": 2.0})
    rival = next(r for r in drift.rivals if r.province == "Quảng Ninh")
    assert rival.mean == field.entry("Quảng Ninh").score + 2.0
    assert rival.sd == 0 and not rival.follows_drift and rival.override == 2.0
    with pytest.raises(FieldError):
        project_field(field, 2025, overrides={"Atlantis": 1.0})


def test_drift_raises_the_field_and_regresses_the_extremes() -> None:
    field = _official()
    projection = project_field(field, 2025, model=_model(mean_change=1.5, persistence=0.8))
    base_mean = float(np.mean(field.scores()))
    assert projection.expected_mean == pytest.approx(base_mean + 1.5)
    expected = projection.expected_scores()
    top, bottom = field.entries[0], field.entries[-1]
    spread = float(np.std(field.scores()))
    assert expected[top.province] == pytest.approx(base_mean + 1.5 + 0.8 * (top.score - base_mean), abs=0.01)
    assert expected[top.province] - expected[bottom.province] < top.score - bottom.score
    assert spread > 0


def test_the_probability_of_a_rank_rises_with_the_score_and_the_rank() -> None:
    projection = project_field(bundled_field(2024), 2025)
    probs = [projection.p_rank_le(s, 10, "Lào Cai") for s in (86, 88, 90, 92, 94)]
    assert probs == sorted(probs)
    by_k = [projection.p_rank_le(90, k, "Lào Cai") for k in (1, 5, 10, 20, 63)]
    assert by_k == sorted(by_k)
    assert by_k[-1] == pytest.approx(1.0)


def test_score_for_rank_is_the_least_score_reaching_the_probability() -> None:
    projection = project_field(bundled_field(2024), 2025)
    score = projection.score_for_rank(20, 0.8, "Lào Cai")
    assert projection.p_rank_le(score, 20, "Lào Cai") >= 0.8
    assert projection.p_rank_le(round(score - 0.01, 2), 20, "Lào Cai") < 0.8
    with pytest.raises(FieldError):
        projection.score_for_rank(1, 1.0, "Lào Cai")


def test_the_rank_interval_holds_the_central_mass() -> None:
    projection = project_field(bundled_field(2024), 2025)
    lo, hi = projection.rank_interval(89.0, "Lào Cai")
    dist = projection.rank_distribution(89.0, "Lào Cai")
    assert dist[lo - 1 : hi].sum() >= 0.8 - 1e-9
    assert lo < hi


def test_samples_are_correlated_through_the_drift() -> None:
    projection = project_field(_official(), 2025, model=_model(drift_sd=2.0, noise_sd=0.3))
    samples = projection.sample_rival_scores(20_000, "Lào Cai", seed=1)
    names = projection.rival_names("Lào Cai")
    assert samples.shape == (20_000, 62) and len(names) == 62 and "Lào Cai" not in names
    corr = np.corrcoef(samples[:, 0], samples[:, 30])[0, 1]
    assert corr > 0.5
    assert samples.mean(axis=0) == pytest.approx(
        [projection.expected_scores("Lào Cai")[n] for n in names], abs=0.1
    )


def test_the_fitted_model_is_sane_and_honest_about_its_data() -> None:
    model = fit_drift_model()
    assert model.fitted_until == 2024
    assert 0.5 < model.mean_change < 3.0
    assert 0.5 < model.drift_sd < 3.0
    assert 0.0 < model.persistence <= 1.0
    assert model.n_pairs >= 20 and model.n_mean_changes == 7
    early = fit_drift_model(until=2019)
    assert early.fitted_until == 2019 and early.n_mean_changes == 2
    # 2018-2019 holds only 7 pairs of published or rank-anchored scores, too few published-to-published ones.
    assert early.pair_basis == "ranked" and early.n_pairs == 7
    assert early.drift_sd == DEFAULT_DRIFT_SD and early.drift_df == DRIFT_DF_FLOOR


def test_persistence_and_renewal_come_from_published_pairs_and_have_heavy_tails() -> None:
    model = fit_drift_model()
    # 29 provinces have a published score in two consecutive years (2018-2024); rank-anchored scores are
    # interpolated, so their year-on-year changes are smoother than the truth and stay out of the fit.
    assert model.pair_basis == "published" and model.n_pairs == 29
    # The renewals have heavy tails (Quảng Ngãi: last in 2020 at 73.25, mid-field in 2021 at 86.45): the
    # likelihood ratio of the t against the normal is about 14.8, far beyond the 5% level (2.71).
    assert model.noise_df == 3 and model.noise_lr > T_RENEWAL_LR
    # Least squares let that one province pull ρ down to 0.80; the t fit, which gives it its due weight, 0.88.
    assert model.persistence == pytest.approx(0.884, abs=0.005)
    assert model.noise_sd * math.sqrt(model.noise_variance_factor) == pytest.approx(0.69, abs=0.01)


def test_the_drift_is_the_predictive_t_of_seven_changes_of_the_national_mean() -> None:
    # National means 2016, 2018-2024 (data/results/national_summary.csv); 2016→2018 counts once, per year.
    means = {
        2016: 74.64,
        2018: 76.92,
        2019: 81.15,
        2020: 83.72,
        2021: 86.37,
        2022: 84.79,
        2023: 86.98,
        2024: 88.37,
    }
    years = sorted(means)
    changes = [(means[b] - means[a]) / (b - a) for a, b in itertools.pairwise(years)]
    gaps = [b - a for a, b in itertools.pairwise(years)]
    mean_change = float(np.average(changes, weights=gaps))
    s = float(np.std([c - mean_change for c in changes], ddof=1))
    model = fit_drift_model()
    assert model.mean_change == pytest.approx(mean_change, abs=1e-3)  # 1.72 a year
    # A new change, when mean and spread are both estimated from n = 7: t with 6 df, scale s·√(1 + 1/7).
    assert model.drift_df == 6
    assert model.drift_sd == pytest.approx(s * math.sqrt(1 + 1 / 7), abs=1e-3)  # 1.80 → 1.92


def test_no_trend_in_the_spread_without_evidence_for_one() -> None:
    # The spread's yearly log changes alternate in sign; their mean (-0.06) is within one standard error.
    assert fit_drift_model().spread_ratio == 1.0


def test_a_reconstructed_rival_counts_with_its_profile_band_and_shows_its_own_band() -> None:
    field = bundled_field(2024)
    projection = project_field(field, 2025)
    by_name = {r.province: r for r in projection.rivals}
    published = by_name["Hải Phòng"]  # 96.17, published
    assert published.base_sd == 0 and published.count_scale == pytest.approx(published.renewal_scale)
    assert published.sd == pytest.approx(
        published.renewal_scale * math.sqrt(3.0)
    )  # t with 3 df: var = 3·scale²
    free = by_name["Lạng Sơn"]  # no source ranks it in any year: band 83.88-92.06, profile band ~0.5 wide
    entry = field.entry("Lạng Sơn")
    assert entry.profile_low is not None and entry.profile_high is not None
    assert entry.profile_high - entry.profile_low < (entry.score_high - entry.score_low) / 4
    assert free.count_scale is not None and free.count_scale < 1.1 * free.renewal_scale < free.sd
    low, high = projection.score_interval("Lạng Sơn")
    assert high - low > 2 * Z80 * free.base_sd  # its own interval carries its whole base band


def test_a_rivals_own_interval_matches_monte_carlo() -> None:
    projection = project_field(bundled_field(2024), 2025)
    rival = next(r for r in projection.rivals if r.province == "Lạng Sơn")
    rng = np.random.default_rng(5)
    n = 400_000
    draws = (
        rival.mean
        + rng.standard_t(projection.drift_df, n) * projection.drift_t_scale
        + rng.standard_t(projection.noise_df, n) * rival.renewal_scale
        + rng.standard_normal(n) * rival.base_sd
    )
    low, high = projection.score_interval("Lạng Sơn")
    assert low == pytest.approx(float(np.quantile(draws, 0.1)), abs=0.03)
    assert high == pytest.approx(float(np.quantile(draws, 0.9)), abs=0.03)
    assert projection.score_cdf("Lạng Sơn", rival.mean) == pytest.approx(0.5, abs=1e-3)


def test_a_t_drift_is_integrated_exactly() -> None:
    # Reference: the midpoint rule on 20,000 equal-probability slices of the drift, which needs no tail cut.
    projection = project_field(bundled_field(2024), 2025)
    assert projection.drift_df == 6 and projection.noise_df == 3
    mean, scale, _ = projection._arrays("Lào Cai")
    slices = (np.arange(20_000) + 0.5) / 20_000
    drift = student_t.ppf(slices, projection.drift_df) * projection.drift_t_scale
    for score in (86.0, 90.0, 94.0):
        reference = np.zeros(mean.size + 1)
        for part in np.array_split(drift, 20):
            z = (mean[None, :] + part[:, None] - score) / scale[None, :]
            reference += poisson_binomial(student_t_cdf(z, projection.noise_df)).sum(axis=0)
        reference /= drift.size
        assert np.max(np.abs(projection.rank_distribution(score, "Lào Cai") - reference)) < 1e-6


def test_our_survey_error_widens_a_t_drift_by_a_normal_exactly() -> None:
    # planner.optimiser.competition folds our own survey error (sd 0.71) in by widening drift_sd; with a t drift the excess
    # over the t's scale is a normal error added to the drift, in the exact method and in Monte Carlo alike.
    projection = project_field(bundled_field(2024), 2025)
    widened = projection.model_copy(update={"drift_sd": math.hypot(projection.drift_sd, 0.71)})
    assert widened.drift_extra_sd == pytest.approx(0.71)
    exact = widened.rank_distribution(90.0, "Lào Cai")
    mc = widened.rank_distribution(90.0, "Lào Cai", method="mc", n_samples=200_000, seed=4)
    _assert_close_to_mc(exact, mc, 200_000)
    nodes, weights = np.polynomial.hermite_e.hermegauss(30)
    integrated = sum(
        w / math.sqrt(2 * math.pi) * projection.rank_distribution(90.0 + 0.71 * x, "Lào Cai")
        for x, w in zip(nodes, weights, strict=True)
    )
    assert np.max(np.abs(exact - integrated)) < 1e-4


def test_the_target_year_must_follow_the_base() -> None:
    with pytest.raises(FieldError):
        project_field(bundled_field(2024), 2024)


def test_a_34_province_projection() -> None:
    projection = project_field(bundled_field(2024, 34), 2026)
    assert projection.n_provinces == 34
    dist = projection.rank_distribution(90.0, "Lào Cai")
    assert dist.size == 34 and math.isclose(dist.sum(), 1.0)
    assert "Yên Bái" not in projection.rival_names()
    field = projection.as_field()
    assert field.kind == "projected" and len(field.entries) == 34 and field.year == 2026


def test_planning_uses_the_latest_field_before_the_year() -> None:
    projection = planning_projection(2019)
    assert projection.base_year == 2018 and projection.target_year == 2019
    assert planning_projection(2026, 34).base_year == 2024


def test_exact_is_fast_enough_for_the_optimiser() -> None:
    import time

    projection = project_field(bundled_field(2024), 2025)
    projection.rank_distribution(90.0, "Lào Cai")
    start = time.perf_counter()
    for _ in range(50):
        projection.rank_distribution(90.0, "Lào Cai")
    assert (time.perf_counter() - start) / 50 < 0.02  # generous: the benchmark measures ~1-2 ms
