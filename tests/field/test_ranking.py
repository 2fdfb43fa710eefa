"""Ranks in a field: 1 + the number strictly higher, ties named, gaps, groups, regions, rank intervals."""

from __future__ import annotations

import pytest

from planner.core.errors import FieldError
from planner.field.bundled import bundled_field
from planner.field.model import Field, FieldEntry
from planner.field.provinces import province_names
from planner.field.ranking import group_of, rank_in_field


def _official(scores: dict[str, float]) -> Field:
    entries = tuple(FieldEntry(province=p, score=s, provenance="official") for p, s in scores.items())
    return Field(year=2024, n_provinces=63, kind="official", entries=entries)


def _full_field() -> Field:
    """63 official scores, 95.00 down by 0.25, with Lào Cai and Yên Bái tied."""
    names = list(province_names(63))
    scores = {name: round(95.0 - 0.25 * i, 2) for i, name in enumerate(names)}
    scores["Yên Bái"] = scores["Lào Cai"]
    return _official(scores)


def test_rank_is_one_plus_the_number_strictly_higher() -> None:
    field = _full_field()
    result = rank_in_field(field, 94.0)
    assert result.rank == 1 + sum(1 for e in field.entries if e.score > 94.0)
    assert result.n == 63


def test_equal_scores_share_a_rank_and_are_named() -> None:
    field = _full_field()
    lao_cai = field.entry("Lào Cai").score
    result = rank_in_field(field, lao_cai, "Hà Nội")
    assert set(result.ties) == {"Lào Cai", "Yên Bái"}
    assert result.rank == 1 + sum(1 for e in field.entries if e.score > lao_cai and e.province != "Hà Nội")
    assert rank_in_field(field, lao_cai, "Lào Cai").ties == ("Yên Bái",)


def test_hundredths_decide_ties_whatever_the_floats_say() -> None:
    field = _official({"Hà Nội": 88.1, "Hải Phòng": 0.1 + 87.99999999999})
    result = rank_in_field(field, 88.10)
    assert result.rank == 1
    assert set(result.ties) == {"Hà Nội", "Hải Phòng"}


def test_our_own_entry_is_replaced_by_the_planned_score() -> None:
    field = _full_field()
    top = field.entries[0].province
    assert rank_in_field(field, 99.0, top).rank == 1
    assert rank_in_field(field, 10.0, top).rank == 63
    assert rank_in_field(field, 10.0, top).n == 63


def test_without_a_province_a_score_below_everyone_is_last() -> None:
    field = _full_field()
    assert rank_in_field(field, 1.0).rank == 63


def test_gaps_to_each_rank_above_and_below() -> None:
    field = _official(
        {"Hà Nội": 91.0, "Hải Phòng": 90.5, "Lào Cai": 88.0, "Yên Bái": 87.25, "Cao Bằng": 80.0}
    )
    result = rank_in_field(field, 89.0, "Lào Cai")
    assert result.rank == 3
    assert [(n.province, n.gap, n.rank) for n in result.above] == [("Hải Phòng", 1.5, 2), ("Hà Nội", 2.0, 1)]
    assert [(n.province, n.gap, n.rank) for n in result.below] == [("Yên Bái", 1.75, 4), ("Cao Bằng", 9.0, 5)]
    assert result.gap_to_rank(3) == 0.0
    assert result.gap_to_rank(2) == 1.5
    assert result.gap_to_rank(1) == 2.0
    with pytest.raises(FieldError):
        result.gap_to_rank(0)


def test_groups_follow_the_ministry_bands() -> None:
    assert group_of(90.0) == "A"
    assert group_of(89.99) == "B"
    assert group_of(80.0) == "B"
    assert group_of(79.99) == "C"


def test_region_rank_counts_only_the_region() -> None:
    field = _full_field()
    result = rank_in_field(field, 90.0, "Lào Cai")
    region = [
        e for e in field.entries if e.region == "Trung du và miền núi phía Bắc" and e.province != "Lào Cai"
    ]
    assert result.region == "Trung du và miền núi phía Bắc"
    assert result.region_n == 14
    assert result.region_rank == 1 + sum(1 for e in region if e.score > 90.0)
    assert rank_in_field(field, 90.0).region is None


def test_an_official_field_has_no_rank_uncertainty() -> None:
    result = rank_in_field(_full_field(), 88.0, "Lào Cai")
    assert result.rank_interval == (result.rank, result.rank)
    assert result.reconstructed_rivals == 0


def test_a_reconstructed_field_gives_an_interval_around_the_rank() -> None:
    field = bundled_field(2021)
    result = rank_in_field(field, 88.0, "Lào Cai")
    lo, hi = result.rank_interval
    assert lo <= result.rank <= hi
    assert hi > lo
    assert result.reconstructed_rivals == sum(
        1 for e in field.entries if e.provenance == "reconstructed" and e.province != "Lào Cai"
    )


def test_the_interval_is_exact_where_the_sources_pin_the_field() -> None:
    # 2021: Hải Phòng 91.80 and Quảng Ninh 91.14 are the only two above 91 (3 provinces ≥ 90, Đà Nẵng 90.25).
    result = rank_in_field(bundled_field(2021), 91.5, "Lào Cai")
    assert result.rank == 2
    assert result.rank_interval == (2, 2)


def test_the_interval_respects_the_published_group_counts() -> None:
    # 2024: exactly 13 provinces scored 90 or more (the 13th between 90.00 and 90.02). Drawing every unpublished
    # province from its own wide band gave Lào Cai at 90.00 the interval 14-26; its place in the field is what
    # is unsure, and the profile band at each place keeps the field's shape: 13-15.
    result = rank_in_field(bundled_field(2024), 90.0, "Lào Cai")
    assert result.rank == 14
    assert result.rank_interval == (13, 15)


def test_scores_outside_0_100_are_refused() -> None:
    with pytest.raises(FieldError):
        rank_in_field(_full_field(), 101.0)


def test_an_unknown_province_is_refused() -> None:
    with pytest.raises(FieldError):
        rank_in_field(_full_field(), 88.0, "Atlantis")
