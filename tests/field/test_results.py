"""The bundled results: every row sourced, the history cut at a year for the back-test."""

from __future__ import annotations

from planner.field.results import bundled_results


def test_every_row_has_a_source_and_a_basis() -> None:
    data = bundled_results()
    assert len(data.rows) == 111
    for row in data.rows:
        assert row.source_url.startswith("http"), row
        assert row.basis in {
            "stated",
            "rank_from_ordered_list",
            "rank_inferred_from_text",
            "derived_from_stated_change",
        }


def test_national_summaries_and_regional_means() -> None:
    data = bundled_results()
    summary = data.summary(2024)
    assert summary is not None and summary.mean == 88.37 and summary.max_province == "Hải Phòng"
    assert summary.group_a == 13 and summary.min_province == "Cao Bằng" and summary.min_score is None
    assert len(data.regional_means_for(2023)) == 6
    assert data.thresholds_for(2018)[0].count == 9
    assert {r.year for r in data.resolutions} == {2023}


def test_until_cuts_every_part_of_the_history() -> None:
    cut = bundled_results().until(2020)
    assert max(r.year for r in cut.rows) == 2020
    assert max(s.year for s in cut.summaries) == 2020
    assert cut.regional_means == () and cut.resolutions == ()
    assert cut.years() == (2016, 2017, 2018, 2019, 2020)
