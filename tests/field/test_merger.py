"""The 34-province field from the 63: plain mean by default, weights and overrides on request."""

from __future__ import annotations

import pytest

from planner.core.errors import FieldError
from planner.field.merger import merged_field
from planner.field.model import Field, FieldEntry
from planner.field.provinces import province_names, provinces_34


def _official() -> Field:
    entries = tuple(
        FieldEntry(province=n, score=round(95.0 - 0.2 * i, 2), provenance="official")
        for i, n in enumerate(province_names(63))
    )
    return Field(year=2024, n_provinces=63, kind="official", entries=entries)


def test_every_merged_province_scores_the_mean_of_its_parts() -> None:
    field = _official()
    merged = merged_field(field)
    assert merged.n_provinces == 34 and len(merged.entries) == 34
    assert merged.merged_from_kind == "official" and merged.kind == "projected"
    for m in provinces_34():
        expected = sum(field.entry(p).score for p in m.merged_from) / len(m.merged_from)
        assert merged.entry(m.name).score == pytest.approx(round(expected, 2), abs=1e-9)


def test_a_province_that_did_not_merge_keeps_its_score_and_provenance() -> None:
    merged = merged_field(_official())
    assert merged.entry("Hà Nội").provenance == "official"
    assert merged.entry("Hà Nội").score == _official().entry("Hà Nội").score
    lao_cai = merged.entry("Lào Cai")
    assert lao_cai.provenance == "projected" and "Yên Bái" in lao_cai.note


def test_weights_and_overrides() -> None:
    field = _official()
    merged = merged_field(field, weights={"Yên Bái": 3.0}, overrides={"Huế": 99.0})
    lao_cai, yen_bai = field.entry("Lào Cai").score, field.entry("Yên Bái").score
    assert merged.entry("Lào Cai").score == pytest.approx(round((lao_cai + 3 * yen_bai) / 4, 2))
    assert merged.entry("Huế").score == 99.0 and merged.entry("Huế").provenance == "custom"
    with pytest.raises(FieldError):
        merged_field(field, weights={"Yên Bái": -1.0})


def test_bands_combine_like_the_scores() -> None:
    entries = list(_official().entries)
    entries = [
        e.model_copy(
            update={"provenance": "reconstructed", "score_low": e.score - 1, "score_high": e.score + 2}
        )
        if e.province == "Yên Bái"
        else e
        for e in entries
    ]
    field = Field(year=2024, n_provinces=63, kind="reconstructed", entries=tuple(entries))
    merged = merged_field(field)
    lao_cai = merged.entry("Lào Cai")
    assert lao_cai.score_high - lao_cai.score == pytest.approx(1.0, abs=0.011)
    assert lao_cai.score - lao_cai.score_low == pytest.approx(0.5, abs=0.011)
    assert merged.kind == "reconstructed" or merged.kind == "projected"


def test_only_a_63_province_field_merges() -> None:
    with pytest.raises(FieldError):
        merged_field(merged_field(_official()))


def test_a_merged_profile_band_keeps_the_parts_relabelling_as_independent_errors() -> None:
    # Yên Bái's own band 85.75 ± 2 (its place unknown), its profile band ± 0.5: merged with Lào Cai (official),
    # the profile half-width is (0.5 + 0)/2 from the profile bands moving together, plus the relabelling part
    # √(2² - 0.5²)/2 as an independent error: √(0.25² + 0.968²) = 1.00; the own band combines as before (1.00).
    entries = [
        e.model_copy(
            update={
                "provenance": "reconstructed",
                "score_low": e.score - 2,
                "score_high": e.score + 2,
                "profile_low": e.score - 0.5,
                "profile_high": e.score + 0.5,
            }
        )
        if e.province == "Yên Bái"
        else e
        for e in _official().entries
    ]
    merged = merged_field(Field(year=2024, n_provinces=63, kind="reconstructed", entries=tuple(entries)))
    lao_cai = merged.entry("Lào Cai")
    assert lao_cai.profile_high is not None and lao_cai.profile_low is not None
    assert lao_cai.profile_high - lao_cai.score == pytest.approx(1.0, abs=0.011)
    assert lao_cai.score - lao_cai.profile_low == pytest.approx(1.0, abs=0.011)
    assert lao_cai.score_high - lao_cai.score == pytest.approx(1.0, abs=0.011)
