"""Poisson-binomial counts, band exceedance and the t distribution: the maths under every rank distribution."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import stdtr

from planner.field.rank_maths import (
    exceed_probability,
    interval_from_distribution,
    poisson_binomial,
    rank_distribution_from_counts,
    student_t_cdf,
)


def _brute_force(p: list[float]) -> np.ndarray:
    out = np.zeros(len(p) + 1)
    for outcome in itertools.product((0, 1), repeat=len(p)):
        prob = 1.0
        for hit, pj in zip(outcome, p, strict=True):
            prob *= pj if hit else 1 - pj
        out[sum(outcome)] += prob
    return out


@pytest.mark.parametrize("seed", range(5))
def test_poisson_binomial_equals_enumeration(seed: int) -> None:
    p = list(np.random.default_rng(seed).uniform(size=8))
    assert np.allclose(poisson_binomial(np.array(p)), _brute_force(p), atol=1e-14)


def test_poisson_binomial_is_vectorised_over_leading_axes() -> None:
    p = np.array([[0.5, 0.5], [1.0, 0.0], [0.1, 0.9]])
    out = poisson_binomial(p)
    assert out.shape == (3, 3)
    assert np.allclose(out[0], [0.25, 0.5, 0.25])
    assert np.allclose(out[1], [0.0, 1.0, 0.0])
    assert np.allclose(out[2], [0.09, 0.82, 0.09])


def test_equal_probabilities_give_the_binomial() -> None:
    from math import comb

    out = poisson_binomial(np.full(10, 0.3))
    expected = [comb(10, k) * 0.3**k * 0.7 ** (10 - k) for k in range(11)]
    assert np.allclose(out, expected)


def test_ranks_beyond_the_field_fold_into_the_last() -> None:
    dist = rank_distribution_from_counts(np.array([0.1, 0.2, 0.3, 0.4]), 3)
    assert np.allclose(dist, [0.1, 0.2, 0.7])


def test_interval_of_a_point_mass_is_that_rank() -> None:
    dist = np.zeros(10)
    dist[4] = 1.0
    assert interval_from_distribution(dist, 0.8) == (5, 5)


def test_interval_covers_the_central_mass() -> None:
    dist = np.full(10, 0.1)
    assert interval_from_distribution(dist, 0.8) == (1, 9)


def test_exceed_probability_of_an_exact_score_is_zero_or_one() -> None:
    assert exceed_probability(88.0, 88.0, 88.0, 88.0, 88.0, 87.99) == 1.0
    assert exceed_probability(88.0, 88.0, 88.0, 88.0, 88.0, 88.0) == 0.0


def test_exceed_probability_follows_the_band() -> None:
    assert exceed_probability(88.0, 87.0, 89.0, 85.0, 90.0, 88.0) == pytest.approx(0.5)
    assert exceed_probability(88.0, 87.0, 89.0, 85.0, 90.0, 87.0) == pytest.approx(0.9)
    assert exceed_probability(88.0, 87.0, 89.0, 85.0, 90.0, 90.5) == 0.0
    assert exceed_probability(88.0, 87.0, 89.0, 85.0, 90.0, 84.0) == 1.0


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 6, 7, 10, 30])
def test_the_closed_form_t_distribution_matches_scipy(df: int) -> None:
    x = np.concatenate([np.linspace(-40.0, 40.0, 4001), [-1e6, -1e3, 0.0, 1e3, 1e6]])
    assert np.max(np.abs(student_t_cdf(x, df) - stdtr(df, x))) < 1e-13


def test_the_t_distribution_needs_whole_degrees_of_freedom() -> None:
    with pytest.raises(ValueError):
        student_t_cdf(1.0, 2.5)  # type: ignore[arg-type]
