"""The bundled fields: every year's 63 scores, each marked official, sourced or reconstructed."""

from __future__ import annotations

import numpy as np
import pytest

from planner.core.errors import FieldError
from planner.field.bundled import bundled_field, field_for_year, field_years, latest_field_year
from planner.field.model import Field, FieldEntry
from planner.field.results import bundled_results

YEARS = [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024]


def _position(field: Field, province: str) -> int:
    """1 + number of entries strictly higher (the ministry's rank)."""
    score = field.entry(province).score
    return 1 + sum(1 for e in field.entries if round(e.score * 100) > round(score * 100))


def _kept_pairs(field: Field) -> list[str]:
    """Provinces whose rank a contradiction took away or moved (reported, so not expected to hold)."""
    return [name for c in field.contradictions for name in c.affected]


def test_field_years_span_the_bundled_history() -> None:
    assert field_years() == tuple(YEARS)
    assert latest_field_year() == 2024
    assert latest_field_year(before=2019) == 2018
    assert latest_field_year(before=2017) == 2016


@pytest.mark.parametrize("year", YEARS)
def test_every_year_has_63_provinces_sorted_and_marked(year: int) -> None:
    field = bundled_field(year)
    assert len(field.entries) == 63 and field.n_provinces == 63
    scores = field.scores()
    assert np.all(np.diff(scores) <= 0)
    assert {e.provenance for e in field.entries} <= {"sourced", "reconstructed"}
    assert field.kind == "reconstructed"
    for e in field.entries:
        assert e.score_low <= e.score <= e.score_high
        if e.provenance == "sourced":
            assert e.score_low == e.score == e.score_high
            assert e.source_url


@pytest.mark.parametrize("year", [y for y in YEARS if y != 2017])
def test_reconstruction_keeps_the_published_mean_to_a_hundredth(year: int) -> None:
    field = bundled_field(year)
    published = bundled_results().summary(year)
    assert published is not None and published.mean is not None
    assert abs(float(np.mean(field.scores())) - published.mean) <= 0.01


@pytest.mark.parametrize("year", YEARS)
def test_reconstruction_keeps_every_sourced_score_and_rank(year: int) -> None:
    field = bundled_field(year)
    touched = _kept_pairs(field)
    for row in bundled_results().rows_for(year):
        entry = field.entry(row.province)
        if row.score is not None:
            assert entry.score == pytest.approx(row.score, abs=1e-9), row
            assert entry.provenance == "sourced"
        if row.rank is not None and row.province not in touched:
            assert _position(field, row.province) == row.rank, row
            assert entry.published_rank == row.rank


@pytest.mark.parametrize("year", YEARS)
def test_top_bottom_and_group_counts_are_respected(year: int) -> None:
    field = bundled_field(year)
    summary = bundled_results().summary(year)
    if summary is None:
        return
    scores = field.scores()
    if summary.max_score is not None:
        assert scores[0] == pytest.approx(summary.max_score)
        assert field.entries[0].province == summary.max_province
    if summary.min_score is not None:
        assert scores[-1] == pytest.approx(summary.min_score)
    if summary.min_province:
        assert field.entries[-1].province == summary.min_province
    if summary.group_a is not None:
        assert int(np.sum(scores >= 90)) == summary.group_a
    if summary.group_c is not None:
        assert int(np.sum(scores < 80)) == summary.group_c


def test_2018_has_nine_provinces_at_80_or_more() -> None:
    assert int(np.sum(bundled_field(2018).scores() >= 80)) == 9


def test_2023_contradictions_are_reported_with_the_row_kept() -> None:
    field = bundled_field(2023)
    same_rank = [c for c in field.contradictions if c.kind == "same_rank"]
    assert len(same_rank) == 1
    assert same_rank[0].kept is not None and same_rank[0].kept.province == "Lào Cai"
    assert same_rank[0].affected == ("Long An",)
    assert any(row.province == "Long An" for row in same_rank[0].rows)
    assert "Lào Cai" in same_rank[0].message("vi") and "Long An" in same_rank[0].message("en")
    assert _position(field, "Lào Cai") == 7
    assert _position(field, "Long An") == 8
    order = [c for c in field.contradictions if c.kind == "order"]
    assert len(order) == 1
    assert order[0].kept is not None and order[0].kept.province == "TP. Hồ Chí Minh"
    assert order[0].action == "drop_rank"
    assert order[0].affected == ("Cà Mau",)
    assert _position(field, "TP. Hồ Chí Minh") == 33
    assert field.entry("Cà Mau").score == 86.89
    assert field.entry("Cà Mau").published_rank is None
    assert _position(field, "Cà Mau") == 34


def test_conflicts_noted_in_the_sources_are_reported() -> None:
    noted = [c for c in bundled_field(2018).contradictions if c.kind == "noted"]
    assert any(c.rows[0].province == "Quảng Ninh" for c in noted)


def test_regional_means_that_do_not_average_to_the_national_mean_are_reported() -> None:
    kinds = [c.kind for c in bundled_field(2024).contradictions]
    assert "regional_means" in kinds


def test_reconstructed_regional_means_are_close_to_the_published() -> None:
    field = bundled_field(2023)
    targets = bundled_results().regional_means_for(2023)
    for region, target in targets.items():
        scores = [e.score for e in field.entries if e.region == region]
        assert abs(float(np.mean(scores)) - target) < 0.3, region


def test_a_thin_year_still_gives_a_field_clearly_marked() -> None:
    field = bundled_field(2017)
    assert len(field.entries) == 63
    keys = [n.key for n in field.notes]
    assert "field.note.thin" in keys and "field.note.mean_estimated" in keys
    assert field.entries[0].province == "Quảng Ninh"
    assert _position(field, "Đà Nẵng") == 4
    assert all(e.provenance == "reconstructed" for e in field.entries)
    assert "2017" in field.note_messages("vi")[1]


def test_a_province_nobody_published_has_a_wide_band() -> None:
    field = bundled_field(2021)
    unknown = field.entry("Lạng Sơn")
    assert unknown.provenance == "reconstructed" and unknown.published_rank is None
    assert unknown.score_high - unknown.score_low > 1.0
    rank_only = field.entry("Thái Nguyên")
    assert rank_only.published_rank == 6 and rank_only.provenance == "reconstructed"
    assert field.entry("Vĩnh Phúc").score >= rank_only.score >= field.entry("Bắc Giang").score


def test_with_score_replaces_one_entry_and_keeps_the_order() -> None:
    field = bundled_field(2021)
    changed = field.with_score("Lào Cai", 95.0)
    assert changed.entries[0].province == "Lào Cai"
    assert changed.entries[0].provenance == "custom"
    assert len(changed.entries) == 63
    assert changed.kind == field.kind


def test_without_removes_one_province() -> None:
    field = bundled_field(2021).without("lao cai")
    assert len(field.entries) == 62
    with pytest.raises(FieldError):
        field.entry("Lào Cai")


def test_a_field_refuses_duplicates() -> None:
    entry = FieldEntry(province="Hà Nội", score=90, provenance="custom")
    with pytest.raises(FieldError):
        Field(year=2024, n_provinces=63, kind="custom", entries=(entry, entry))


def test_an_unknown_year_is_a_clear_error() -> None:
    with pytest.raises(FieldError) as info:
        bundled_field(2010)
    assert info.value.key == "field.unknown_year"
    assert "2010" in info.value.message("vi") and "2.010" not in info.value.message("vi")


def test_the_34_province_field_of_2024() -> None:
    field = bundled_field(2024, 34)
    assert field.n_provinces == 34 and len(field.entries) == 34
    assert field.merged_from_kind == "reconstructed"


def test_a_loaded_table_wins_over_the_bundled_field() -> None:
    entries = tuple(
        FieldEntry(province=e.province, score=e.score, provenance="official")
        for e in bundled_field(2024).entries
    )
    loaded = Field(year=2024, n_provinces=63, kind="official", entries=entries)
    assert field_for_year(2024, 63, [loaded]) is loaded
    merged = field_for_year(2024, 34, [loaded])
    assert merged.n_provinces == 34 and merged.merged_from_kind == "official"
    assert field_for_year(2023, 63, [loaded]).year == 2023


def _table_of_2025() -> Field:
    """A complete 2025 table as a user would load it (the 2024 scores, each one point higher)."""
    entries = tuple(
        FieldEntry(province=e.province, score=round(e.score + 1, 2), provenance="custom", basis="user_table")
        for e in bundled_field(2024).entries
    )
    return Field(year=2025, n_provinces=63, kind="custom", entries=entries)


def test_a_loaded_table_of_a_newer_year_is_the_latest_field_year() -> None:
    newer = _table_of_2025()
    assert latest_field_year(before=2026) == 2024
    assert latest_field_year(before=2026, loaded=[newer]) == 2025
    assert latest_field_year(before=2025, loaded=[newer]) == 2024
    assert (
        latest_field_year(before=2026, provinces=34, loaded=[newer]) == 2025
    )  # merged, as field_for_year does


def test_contradictions_read_in_the_users_language() -> None:
    """Issue 14: "Quảng Ninh 89.06 #1 (viet-jo.com, stated)" and the source's English note reached the
    Vietnamese ranking page."""
    noted = [c for c in bundled_field(2018).contradictions if c.kind == "noted"]
    assert noted
    vi, en = noted[0].message("vi"), noted[0].message("en")
    assert "89,06" in vi and "công bố" in vi and "stated" not in vi and "consistent" not in vi
    assert "89.06" in en and "stated" in en
