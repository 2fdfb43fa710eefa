"""The PAPI field (issue 13): the sourced figures with provenance, the reconstruction on the 8-80 scale with an
estimated mean, the sourced ranks reproduced, the projection, a loaded table, and the leave-one-out figure."""

from __future__ import annotations

import pytest

from planner.core.errors import FieldError
from planner.field.backtest import reconstruction_holdout
from planner.field.bundled import bundled_field, field_years, latest_field_year
from planner.field.index_baseline import index_baseline
from planner.field.projection import planning_projection
from planner.field.provinces import province_names
from planner.field.ranking import rank_in_field
from planner.field.results import bundled_dimension_scores, bundled_results
from planner.field.results_table import field_from_rows
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scoring import score_scenario

DATA = bundled_results("papi")


def test_the_bundled_papi_totals_keep_their_sources_and_never_mix_with_the_par_index() -> None:
    assert DATA.index == "papi" and DATA.max_points == 80 and DATA.summaries == ()
    assert DATA.years() == (2020, 2021, 2022, 2023, 2024)  # 2017 is the 6-60 scheme: metadata only
    assert all(r.source_url.startswith("http") and r.note for r in DATA.rows)
    assert field_years("papi") == DATA.years() and 2018 in field_years("par")
    quang_ninh = next(r for r in DATA.rows if r.year == 2020 and r.province == "Quảng Ninh")
    assert (quang_ninh.score, quang_ninh.rank, quang_ninh.basis) == (48.811, 1, "stated")
    assert next(r for r in DATA.rows if r.year == 2022 and r.rank == 2).basis == "rank_from_ordered_list"
    dims = [d for d in bundled_dimension_scores("papi") if d.year == 2020 and d.province == "Bắc Ninh"]
    assert len(dims) == 8 and round(sum(d.score for d in dims), 3) == 45.316


def test_every_sourced_rank_with_its_score_is_reproduced_by_the_field() -> None:
    pairs = [r for r in DATA.rows if r.score is not None and r.rank is not None]
    assert len(pairs) >= 10
    for row in pairs:
        field = bundled_field(row.year, 63, "papi")
        assert field.index == "papi" and field.max_points == 80
        assert rank_in_field(field, row.score, row.province).rank == row.rank, (row.year, row.province)  # type: ignore[arg-type]
    # ranks published without a score hold their place too (Thừa Thiên Huế 2021, Cao Bằng last in 2022)
    assert bundled_field(2021, 63, "papi").entries[0].province == "Thừa Thiên Huế"
    assert bundled_field(2022, 63, "papi").entries[-1].province == "Cao Bằng"


def test_a_papi_field_says_its_mean_is_estimated_and_stays_on_its_scale() -> None:
    field = bundled_field(2020, 63, "papi")
    assert len(field.entries) == 63 and all(8 <= e.score <= 80 for e in field.entries)
    keys = [n.key for n in field.notes]
    assert "field.note.mean_from_anchors" in keys
    assert 40 < field.mean() < 46  # the top is 48.811, the last 38.62
    with pytest.raises(FieldError):
        rank_in_field(field, 81.0)


def test_the_papi_projection_is_fitted_on_papi_history_and_reaches_2025_and_the_34() -> None:
    assert latest_field_year(before=2025, index="papi") == 2024
    projection = planning_projection(2025, 63, index="papi")
    assert projection.index == "papi" and projection.max_points == 80 and projection.base_year == 2024
    assert (
        projection.model is not None and projection.model.means_estimated and projection.model.ceiling == 80
    )
    assert 40 < projection.expected_mean < 47
    merged = planning_projection(2026, 34, index="papi")
    assert merged.n_provinces == 34
    dist = projection.rank_distribution(47.5, "Quảng Ngãi")
    assert abs(float(dist.sum()) - 1) < 1e-9 and float(dist[:5].sum()) > 0.5


def test_a_province_table_of_totals_loads_as_the_papi_field_of_its_year() -> None:
    names = province_names(63)
    rows = [(name, 50.0 - 0.15 * k, k + 1, k + 2) for k, name in enumerate(names)]
    field = field_from_rows(rows, year=2024, provinces=63, index="papi")
    assert field.index == "papi" and field.kind == "official" and field.entries[0].score == 50.0
    with pytest.raises(FieldError) as caught:
        field_from_rows(
            [("Hà Nội", 85.0, None, 2)], year=2024, provinces=63, index="papi", allow_partial=True
        )
    assert "8–80" in caught.value.one_line("vi").replace(".0", "")
    partial = field_from_rows([("Quảng Ngãi", 47.9, 1, 2)], year=2024, index="papi", allow_partial=True)
    assert partial.entry("Quảng Ngãi").score == 47.9 and partial.index == "papi"


def test_a_papi_baseline_uses_published_dimensions_and_spreads_the_rest_as_a_labelled_assumption() -> None:
    papi = load_bundled_methodology("papi-2018")
    bac_ninh = index_baseline(papi, "Bắc Ninh", 2020, 2021)
    assert [d.origin for d in bac_ninh.dimensions] == ["published"] * 8
    quang_ngai = index_baseline(papi, "Quảng Ngãi", 2021, 2025)
    assert [d.origin for d in quang_ngai.dimensions] == ["spread"] * 8
    assert score_scenario(papi, quang_ngai.scenario).total == round(quang_ngai.total, 2)
    assert (
        "GIẢ ĐỊNH" in quang_ngai.scenario.items["P1"].note and quang_ngai.total_provenance == "reconstructed"
    )


def test_leave_one_out_accuracy_of_the_papi_reconstruction_is_measured_and_honest() -> None:
    """The README's figure: every published PAPI total hidden in turn and rebuilt from the rest. The data is
    thin (17 hidden scores over 5 years), so the error is large: about 2.7 points on a field whose spread is
    about 2, and the 80% bands hold the hidden score about two times in three."""
    result = reconstruction_holdout(DATA)
    assert result.n == 17
    assert 1.5 < result.mae < 4.0 and 0.4 < result.coverage_80 < 0.9
