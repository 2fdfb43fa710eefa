"""Reconstruction on small made-up histories: every rule of the method, one at a time."""

from __future__ import annotations

import numpy as np
import pytest

from planner.field.provinces import province_names
from planner.field.reconstruction import (
    TruncatedNormal,
    blom_z,
    percentile_lag_sd,
    prior_percentiles,
    reconstruct_field,
)
from planner.field.results import NationalSummary, RegionalMean, Resolution, ResultRow, ResultsData

NAMES = list(province_names(63))


def _row(
    province: str, score: float | None, rank: int | None, basis: str = "stated", n: int = 1
) -> ResultRow:
    return ResultRow(
        year=2030,
        province=province,
        score=score,
        rank=rank,
        basis=basis,
        source_url=f"https://x/{n}",
        row_number=n,
    )


def _data(rows: list[ResultRow], **summary: object) -> ResultsData:
    values = {"year": 2030, "mean": 85.0, "max_score": 93.0, "max_province": NAMES[0], "min_score": 75.0,
              "min_province": NAMES[-1]}  # fmt: skip
    values.update(summary)
    return ResultsData(rows=tuple(rows), summaries=(NationalSummary(**values),))  # type: ignore[arg-type]


def _position(field, province: str) -> int:  # type: ignore[no-untyped-def]
    score = field.entry(province).score
    return 1 + sum(1 for e in field.entries if e.score > score)


def test_known_pairs_top_bottom_and_mean_are_kept() -> None:
    rows = [_row(NAMES[5], 90.5, 4, n=2), _row(NAMES[9], 86.0, 20, n=3), _row(NAMES[20], 80.25, 55, n=4)]
    field = reconstruct_field(_data(rows), 2030)
    scores = field.scores()
    assert scores[0] == 93.0 and scores[-1] == 75.0
    assert field.entries[0].province == NAMES[0] and field.entries[-1].province == NAMES[-1]
    assert abs(scores.mean() - 85.0) <= 0.005
    for name, score, rank in ((NAMES[5], 90.5, 4), (NAMES[9], 86.0, 20), (NAMES[20], 80.25, 55)):
        assert field.entry(name).score == score and _position(field, name) == rank
    assert np.all(np.diff(scores) <= 0)


def test_unknown_ranks_lie_between_their_known_neighbours() -> None:
    rows = [_row(NAMES[5], 90.0, 10, n=2), _row(NAMES[9], 86.0, 30, n=3)]
    field = reconstruct_field(_data(rows), 2030)
    scores = field.scores()
    assert np.all((scores[10:29] <= 90.0) & (scores[10:29] >= 86.0))
    assert np.all(scores[1:9] >= 90.0)


def test_group_counts_become_bounds() -> None:
    field = reconstruct_field(
        _data([], mean=86.0, max_score=94.0, min_score=78.0, group_a=12, group_c=3), 2030
    )
    scores = field.scores()
    assert int(np.sum(scores >= 90)) == 12
    assert int(np.sum(scores < 80)) == 3
    assert abs(scores.mean() - 86.0) <= 0.005


def test_a_rank_without_a_score_fixes_the_province_not_the_score() -> None:
    rows = [_row(NAMES[5], 90.0, 10, n=2), _row(NAMES[7], None, 12, n=3), _row(NAMES[9], 88.0, 14, n=4)]
    field = reconstruct_field(_data(rows), 2030)
    entry = field.entry(NAMES[7])
    assert entry.provenance == "reconstructed" and entry.published_rank == 12
    assert _position(field, NAMES[7]) == 12
    assert 88.0 <= entry.score_low <= entry.score <= entry.score_high <= 90.0


def test_a_score_without_a_rank_is_placed_by_its_score() -> None:
    rows = [_row(NAMES[5], 90.0, 10, n=2), _row(NAMES[9], 86.0, 30, n=3), _row(NAMES[12], 88.0, None, n=4)]
    field = reconstruct_field(_data(rows), 2030)
    entry = field.entry(NAMES[12])
    assert entry.score == 88.0 and entry.provenance == "sourced" and entry.published_rank is None
    assert 10 < _position(field, NAMES[12]) < 30


def test_two_provinces_at_one_rank_keep_the_more_trusted_and_move_the_other() -> None:
    rows = [
        _row(NAMES[5], None, 7, basis="rank_from_ordered_list", n=2),
        _row(NAMES[6], None, 7, basis="stated", n=3),
    ]
    field = reconstruct_field(_data(rows), 2030)
    (c,) = [c for c in field.contradictions if c.kind == "same_rank"]
    assert (
        c.kept is not None
        and c.kept.province == NAMES[6]
        and c.affected == (NAMES[5],)
        and c.action == "move_rank"
    )
    assert _position(field, NAMES[6]) == 7
    assert _position(field, NAMES[5]) == 8


def test_an_editors_decision_wins_over_the_rules() -> None:
    rows = [
        _row(NAMES[5], None, 7, basis="rank_from_ordered_list", n=2),
        _row(NAMES[6], None, 7, basis="stated", n=3),
    ]
    decision = Resolution(year=2030, kind="same_rank", keep=NAMES[5], drop=NAMES[6], action="move_rank",
                          new_rank=9, reason_vi="lý do", reason_en="because")  # fmt: skip
    data = _data(rows).model_copy(update={"resolutions": (decision,)})
    field = reconstruct_field(data, 2030)
    (c,) = [c for c in field.contradictions if c.kind == "same_rank"]
    assert c.message("en").endswith("because") and c.message("vi").endswith("lý do")
    assert _position(field, NAMES[5]) == 7 and _position(field, NAMES[6]) == 9


def test_a_higher_score_ranked_lower_loses_the_less_trusted_rank() -> None:
    rows = [
        _row(NAMES[5], 86.89, 32, basis="derived_from_stated_change", n=2),
        _row(NAMES[6], 86.97, 33, basis="stated", n=3),
    ]
    field = reconstruct_field(_data(rows), 2030)
    (c,) = [c for c in field.contradictions if c.kind == "order"]
    assert c.affected == (NAMES[5],) and c.kept is not None and c.kept.province == NAMES[6]
    assert field.entry(NAMES[5]).score == 86.89 and field.entry(NAMES[5]).published_rank is None
    assert _position(field, NAMES[6]) == 33 and _position(field, NAMES[5]) == 34


def test_a_rank_against_the_group_counts_is_dropped() -> None:
    rows = [_row(NAMES[5], 89.5, 5, n=2)]
    field = reconstruct_field(_data(rows, group_a=10, max_score=95.0), 2030)
    assert any(c.kind == "threshold" and c.affected == (NAMES[5],) for c in field.contradictions)
    assert field.entry(NAMES[5]).score == 89.5
    assert int(np.sum(field.scores() >= 90)) == 10


def test_impossible_figures_are_reported_not_fatal() -> None:
    rows = [_row(NAMES[5], 150.0, None, n=2), _row(NAMES[6], 88.0, 70, n=3)]
    field = reconstruct_field(_data(rows), 2030)
    kinds = [c.kind for c in field.contradictions]
    assert kinds.count("range") == 2
    assert field.entry(NAMES[6]).score == 88.0 and len(field.entries) == 63


def test_a_year_with_nothing_but_a_mean_still_gives_a_field() -> None:
    data = ResultsData(summaries=(NationalSummary(year=2030, mean=84.0),))
    field = reconstruct_field(data, 2030)
    assert len(field.entries) == 63 and abs(field.scores().mean() - 84.0) <= 0.005
    assert "field.note.thin" in [n.key for n in field.notes]


def test_regional_means_move_a_regions_unpublished_provinces_together() -> None:
    base = _data([], mean=85.0)
    north = "Trung du và miền núi phía Bắc"
    high = base.model_copy(update={"regional_means": (RegionalMean(year=2030, region=north, mean=87.0),)})
    low = base.model_copy(update={"regional_means": (RegionalMean(year=2030, region=north, mean=83.0),)})

    def region_mean(data: ResultsData) -> float:
        field = reconstruct_field(data, 2030)
        return float(np.mean([e.score for e in field.entries if e.region == north]))

    assert region_mean(high) > region_mean(base) > region_mean(low)
    assert region_mean(high) == pytest.approx(87.0, abs=0.6)


def test_other_years_order_the_unpublished_provinces() -> None:
    history = [
        ResultRow(year=2029, province=NAMES[30], rank=2, score=None, row_number=10),
        ResultRow(year=2029, province=NAMES[31], rank=60, score=None, row_number=11),
    ]
    data = _data([]).model_copy(update={"rows": tuple(history)})
    field = reconstruct_field(data, 2030)
    assert field.entry(NAMES[30]).score > field.entry(NAMES[31]).score
    centre, sd = prior_percentiles(data, 2030, [NAMES[30], NAMES[31], NAMES[32]])
    assert centre[0] < 0.5 < centre[1] and centre[2] == 0.5
    assert sd[0] < sd[2]


def test_percentile_moves_grow_with_the_years_between() -> None:
    from planner.field.results import bundled_results

    one, two, three = percentile_lag_sd(bundled_results())
    assert 0.08 <= one <= two <= three < 0.3


def test_truncated_normal_mean_and_quantiles() -> None:
    from scipy import stats

    for lo, hi in ((80.0, 90.0), (95.0, 100.0), (0.0, 70.0)):
        tn = TruncatedNormal(85.0, 3.0, lo, hi)
        ref = stats.truncnorm((lo - 85) / 3, (hi - 85) / 3, loc=85, scale=3)
        assert tn.mean() == pytest.approx(ref.mean(), abs=1e-6)
        u = np.array([0.1, 0.5, 0.9])
        assert np.allclose(tn.ppf(u), ref.ppf(u), atol=1e-6)


def test_blom_scores_are_symmetric_and_decreasing() -> None:
    z = blom_z(63)
    assert np.all(np.diff(z) < 0) and z[31] == pytest.approx(0.0, abs=1e-12)
    assert z[0] == pytest.approx(-z[-1])


def test_reconstruction_is_deterministic() -> None:
    rows = [_row(NAMES[5], 90.5, 4, n=2)]
    a = reconstruct_field(_data(rows), 2030, samples=200)
    b = reconstruct_field(_data(rows), 2030, samples=201).model_copy()
    c = reconstruct_field(_data(rows), 2030, samples=200)
    assert a == c
    assert [e.province for e in a.entries] == [e.province for e in b.entries]


def test_an_unpublished_province_knows_its_place_in_the_profile_better_than_its_own_score() -> None:
    # Its own band holds the doubt about which place it holds; the profile band only the doubt about the score
    # at that place (what a count of rivals above a score depends on). A published entry has neither.
    rows = [_row(NAMES[5], 90.5, 4, n=2), _row(NAMES[9], 86.0, 20, n=3)]
    field = reconstruct_field(_data(rows), 2030)
    free = [e for e in field.entries if e.provenance == "reconstructed" and e.published_rank is None]
    assert free
    for e in free:
        low, high = e.profile_band
        assert e.score_low <= low <= e.score <= high <= e.score_high
    assert (
        sum(e.profile_band[1] - e.profile_band[0] for e in free)
        < sum(e.score_high - e.score_low for e in free) / 3
    )
    known = field.entry(NAMES[5])
    assert known.profile_low is None and known.profile_band == (90.5, 90.5)
