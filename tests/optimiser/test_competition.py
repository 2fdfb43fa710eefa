"""Rank targets from the bundled field: others fixed, projected means, or a chance of reaching the rank."""

from __future__ import annotations

import numpy as np
import pytest
from optimiser_fixtures import qd2636

from planner.field.bundled import bundled_field
from planner.field.model import Field, FieldEntry
from planner.field.projection import planning_projection
from planner.optimiser.competition import Competition, competition_for, default_own_sd


def test_the_default_survey_uncertainty_is_2_percent_of_the_survey_maximum() -> None:
    assert default_own_sd(qd2636()) == pytest.approx(0.02 * 35.5)


def test_others_fixed_ranks_against_the_2018_field_without_ourselves() -> None:
    competition = competition_for(2019, "Lao Cai", mode="fixed")
    assert competition.province == "Lào Cai" and competition.field_year == 2018
    field = bundled_field(2018, 63)
    rivals = sorted((e.score for e in field.entries if e.province != "Lào Cai"), reverse=True)
    assert sorted(competition.central, reverse=True) == rivals
    assert competition.n == 63
    assert competition.rank(field.entry("Lào Cai").score) == 1 + sum(
        1 for s in rivals if s > field.entry("Lào Cai").score
    )
    # A tie with the 20th best rival is rank 20 (1 + the rivals strictly higher).
    assert competition.rank(rivals[19]) == 1 + sum(1 for s in rivals if s > rivals[19])
    assert competition.target_score(20) == rivals[19]


def test_projected_means_come_from_the_drift_projection() -> None:
    competition = competition_for(2019, "Lào Cai", mode="mean")
    expected = planning_projection(2019, 63).expected_scores(exclude="Lào Cai")
    assert dict(zip(competition.names, competition.central, strict=True)) == expected
    # The projected target is the least score whose median rank is 20 (P(rank ≤ 20) ≥ 1/2), the projection's
    # own score_for_rank at p = 0.5; the rank reported is that median rank, as the `rank` command reports it.
    target = competition.target_score(20)
    assert target == competition.probability_score_for_rank(20, 0.5)
    assert target is not None
    assert competition.rank(target) <= 20 < competition.rank(target - 0.01)
    assert (competition.p_rank_le(target, 20) or 0) >= 0.5 > (competition.p_rank_le(target - 0.01, 20) or 0)


def test_without_own_uncertainty_the_probability_target_is_the_projections() -> None:
    projection = planning_projection(2019, 63)
    competition = competition_for(2019, "Lào Cai", mode="probability", own_sd=0.0)
    assert competition.confidence == 0.8
    assert competition.target_score(20) == projection.score_for_rank(20, 0.8, exclude="Lào Cai")
    for k, p in ((10, 0.5), (30, 0.95), (5, 0.3)):
        assert competition.probability_score_for_rank(k, p) == projection.score_for_rank(
            k, p, exclude="Lào Cai"
        )


def test_folding_our_survey_error_into_the_drift_equals_integrating_it() -> None:
    folded = competition_for(2019, "Lào Cai", mode="probability", own_sd=0.71)
    assert folded.own_sd_in_drift
    plain = planning_projection(2019, 63)
    integrated = Competition(
        mode="probability",
        names=folded.names,
        central=folded.central,
        drift=plain,
        own_sd=0.71,
        province="Lào Cai",
    )
    for score in (77.5, 79.0, 80.3, 82.0):
        for k in (5, 20, 40):
            assert folded.p_rank_le(score, k) == pytest.approx(integrated.p_rank_le(score, k), abs=2e-3)


def test_more_confidence_or_a_better_rank_needs_more_points() -> None:
    competition = competition_for(2019, "Lào Cai", mode="probability", own_sd=0.71)
    by_p = [competition.probability_score_for_rank(20, p) or 0.0 for p in (0.5, 0.8, 0.95)]
    assert by_p == sorted(by_p) and len(set(by_p)) == 3 and by_p[0] > 0
    by_k = [competition.probability_score_for_rank(k, 0.8) or 0.0 for k in (30, 20, 10, 5)]
    assert by_k == sorted(by_k) and by_k[0] > 0
    target = by_p[1]
    assert target is not None
    assert (competition.p_rank_le(target, 20) or 0) >= 0.8 > (competition.p_rank_le(target - 0.01, 20) or 0)


def test_sampled_fields_agree_with_the_exact_probability() -> None:
    competition = competition_for(2019, "Lào Cai", mode="probability", own_sd=0.71)
    thresholds = competition.sample_thresholds(20, 20_000, seed=3)
    for score in (78.5, 80.0, 81.5):
        sampled = float(np.mean(thresholds <= score))
        assert sampled == pytest.approx(competition.p_rank_le(score, 20), abs=0.015)


def test_the_34_provinces_after_the_merger() -> None:
    competition = competition_for(2026, "Lào Cai", mode="mean", provinces=34)
    assert competition.n == 34
    assert competition.rank(100.0) == 1


def test_a_loaded_newer_table_is_the_field_the_competition_starts_from() -> None:
    """A table loaded for 2025 moves the plan for 2026 onto it: the projection and the optimiser's competition
    start from 2025, as the rank shown does (one field year for every number on the screen)."""
    newer = Field(
        year=2025,
        n_provinces=63,
        kind="custom",
        entries=tuple(
            FieldEntry(province=e.province, score=round(e.score + 1, 2), provenance="custom")
            for e in bundled_field(2024).entries
        ),
    )
    assert planning_projection(2026, 63).base_year == 2024
    assert planning_projection(2026, 63, loaded=[newer]).base_year == 2025
    competition = competition_for(2026, "Lào Cai", mode="fixed", loaded=[newer])
    assert competition.field_year == 2025
    rivals = sorted((e.score for e in newer.entries if e.province != "Lào Cai"), reverse=True)
    assert sorted(competition.central, reverse=True) == rivals
