"""The projected field: drift model, exact and Monte Carlo rank distributions, targets, 34 provinces."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.errors import FieldError
from planner.field import Field, FieldEntry, bundled_field
from planner.projection import DriftModel, fit_drift_model, planning_projection, project_field
from planner.provinces import province_names


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

    from planner.rank_maths import poisson_binomial

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
