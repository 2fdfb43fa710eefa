"""Charts are pure functions: their Vega-Lite specs carry the right numbers, colours and number locale."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from planner import charts
from planner.core.i18n import t
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_mapping
from planner.methodology.scenario import ItemSetting, Scenario, scenario_from_json
from planner.methodology.scoring import score_scenario

MINI = methodology_from_mapping(
    yaml.safe_load((Path(__file__).parent / "fixtures" / "mini_methodology.yaml").read_text("utf-8"))
)
EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"


def _values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline data rows of a (possibly layered) chart spec."""
    if "data" in spec and "values" in spec["data"]:
        return list(spec["data"]["values"])
    for layer in spec.get("layer", []):
        if "data" in layer and "values" in layer["data"]:
            return list(layer["data"]["values"])
    raise AssertionError("no inline data")


def _encodings(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if "encoding" in spec:
        return [spec["encoding"]]
    return [layer["encoding"] for layer in spec.get("layer", []) if "encoding" in layer]


def _lao_cai_card() -> Any:
    m = load_bundled_methodology("qd2636-2018")
    return score_scenario(m, scenario_from_json((EXAMPLES / "lao-cai-2019.json").read_bytes()))


def test_area_bars_show_each_area_of_lao_cai_against_its_maximum() -> None:
    card = _lao_cai_card()
    spec = charts.area_bars(card, "vi").to_dict()
    rows = _values(spec)
    assert [r["code"] for r in rows] == [a.code for a in card.areas()]
    assert sum(r["max"] for r in rows) == pytest.approx(100.0)
    assert round(sum(r["points"] for r in rows), 2) == 78.47
    assert all(0 <= r["points"] <= r["max"] for r in rows)


@pytest.mark.parametrize(("lang", "decimal", "thousands"), [("vi", ",", "."), ("en", ".", ",")])
def test_every_chart_carries_the_number_locale_of_the_language(
    lang: str, decimal: str, thousands: str
) -> None:
    card = score_scenario(MINI, Scenario(methodology="mini-test", items={"1.1": ItemSetting(level="yes")}))
    built = [
        charts.area_bars(card, lang),  # type: ignore[arg-type]
        charts.weakest_items_bars(card.items(), lang),  # type: ignore[arg-type]
        charts.rank_distribution(np.full(10, 0.1), lang, target_rank=3),  # type: ignore[arg-type]
        charts.waterfall("base", 50.0, [charts.WaterfallStep("a", 1.5)], lang, final_label="end"),  # type: ignore[arg-type]
    ]
    for chart in built:
        number = chart.to_dict()["config"]["locale"]["number"]
        assert number["decimal"] == decimal
        assert number["thousands"] == thousands


def test_a_scenario_keeps_its_colour_in_the_comparison_whatever_the_order() -> None:
    red, blue = charts.scenario_color(1), charts.scenario_color(0)
    points = [
        charts.SeriesPoint("B", red, "1", 3.0),
        charts.SeriesPoint("A", blue, "1", 2.0),
        charts.SeriesPoint("B", red, "2", 1.0),
        charts.SeriesPoint("A", blue, "2", 4.0),
    ]
    spec = charts.comparison_bars(points, "en").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {"B": red, "A": blue}
    assert len(_values(spec)) == 4


def test_scenario_colours_are_distinct_for_a_session_and_cycle_after() -> None:
    colours = [charts.scenario_color(i) for i in range(len(charts.SCENARIO_COLORS))]
    assert len(set(colours)) == len(colours)
    assert charts.BASELINE_COLOR not in colours
    assert charts.scenario_color(len(colours)) == colours[0]


def test_rank_distribution_marks_ranks_within_the_target_and_trims_negligible_tails() -> None:
    p = np.zeros(63)
    p[17:24] = [0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05]  # ranks 18..24
    spec = charts.rank_distribution(p, "vi", target_rank=20).to_dict()
    rows = _values(spec)
    ranks = [r["rank"] for r in rows]
    assert ranks[0] >= 15 and ranks[-1] <= 26
    assert 18 in ranks and 24 in ranks
    within = {r["rank"] for r in rows if r["zone"] == "Đạt mục tiêu"}
    assert within == {r for r in ranks if r <= 20}
    assert sum(r["p"] for r in rows) == pytest.approx(1.0)


def test_waterfall_starts_at_the_baseline_and_ends_at_the_planned_total() -> None:
    steps = [
        charts.WaterfallStep("6.2.3", 1.0),
        charts.WaterfallStep("8.2", 1.5),
        charts.WaterfallStep("x", -0.25),
    ]
    rows = _values(charts.waterfall("2018", 78.47, steps, "vi", final_label="2019").to_dict())
    assert rows[0]["end"] == 78.47
    assert [r["kind"] for r in rows] == ["base", "gain", "gain", "loss", "total"]
    for before, after in itertools.pairwise(rows[1:-1]):
        assert after["start"] == before["end"]
    assert rows[-1]["end"] == pytest.approx(78.47 + 1.0 + 1.5 - 0.25)


def test_ladder_accumulates_points_and_effort_in_the_order_given() -> None:
    steps = [charts.LadderStep("a", 1.0, 2.0), charts.LadderStep("b", 0.5, 4.0)]
    rows = _values(charts.points_per_effort_ladder(steps, "en", unit="days").to_dict())
    assert [(r["effort"], r["points"]) for r in rows] == [(0.0, 0.0), (2.0, 1.0), (6.0, 1.5)]
    assert rows[1]["ratio"] == pytest.approx(0.5)


def test_frontier_plots_rank_one_at_the_top() -> None:
    spec = charts.frontier(
        [charts.FrontierPoint(0, 21, 78.47), charts.FrontierPoint(10, 19, 80.1)], "vi", unit="ngày"
    ).to_dict()
    encodings = _encodings(spec)
    assert any(e["y"]["scale"].get("reverse") for e in encodings if "y" in e and "scale" in e["y"])
    assert [r["rank"] for r in _values(spec)] == [21, 19]


def test_rank_ladder_colours_only_our_province_and_draws_reconstructed_bands() -> None:
    rungs = [
        charts.LadderRung(19, "A", 79.0, False, "reconstructed", 78.5, 79.5),
        charts.LadderRung(20, "B", 78.6, False, "sourced"),
        charts.LadderRung(21, "Lào Cai", 78.47, True, "sourced"),
    ]
    spec = charts.rank_ladder(rungs, "vi", color="#123456").to_dict()
    rows = _values(spec)
    assert [r["who"] for r in rows] == ["Tỉnh khác", "Tỉnh khác", "Tỉnh mình"]
    assert rows[0]["low"] == 78.5 and rows[1]["low"] == rows[1]["high"] == 78.6
    color = next(e["color"] for e in _encodings(spec) if "color" in e)
    assert color["scale"]["range"][0] == "#123456"


def test_weakest_items_are_labelled_by_whether_their_rule_is_an_assumption() -> None:
    card = score_scenario(MINI, Scenario(methodology="mini-test"))
    rows = _values(charts.weakest_items_bars(card.items(), "en").to_dict())
    basis = {r["item"].split()[0]: r["basis"] for r in rows}
    assert basis["1.2.1"] == "Assumed rule"
    assert basis["1.1"] == "Sourced rule"


def test_large_charts_use_larger_type_for_the_projector() -> None:
    card = _lao_cai_card()
    normal = charts.area_bars(card, "vi").to_dict()["config"]["axis"]["labelFontSize"]
    large = charts.area_bars(card, "vi", large=True).to_dict()["config"]["axis"]["labelFontSize"]
    assert large > normal >= 14


def test_the_scheme_diff_chart_sums_the_old_schemes_points_by_what_became_of_them() -> None:
    from planner.methodology.catalog import load_bundled_methodology
    from planner.methodology.matching import match_schemes

    m = load_bundled_methodology("qd2636-2018")
    match = match_schemes(m, m, overrides={"8.2": None})
    spec = charts.scheme_diff_bars(match, "vi").to_dict()
    rows = {r["status"]: r["points"] for r in spec["data"]["values"]}
    assert rows[t("app.methodology.diff.status.removed", "vi")] == 1.0
    assert rows[t("app.methodology.diff.status.added", "vi")] == 1.0
    assert rows[t("app.methodology.diff.status.same", "vi")] == 99.0
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_the_path_timeline_starts_today_and_draws_the_needed_band_and_the_asked_score() -> None:
    years = [
        charts.TimelineYear(2022, 86.45, (88.1, 89.07, 90.2), ""),
        charts.TimelineYear(2025, 87.2, (90.93, 95.75, 100.52), "hạng 25–30", 86.83),
    ]
    spec = charts.path_timeline(years, 86.45, "vi", color="#123456").to_dict()
    rows = [r for layer in spec["layer"] for r in layer["data"]["values"]]
    planned = {(r["year"], r["score"]) for r in rows if "score" in r}
    assert planned == {(2021, 86.45), (2022, 86.45), (2025, 87.2)}
    assert {(r["low"], r["mid"], r["high"]) for r in rows if "mid" in r} == {
        (88.1, 89.07, 90.2),
        (90.93, 95.75, 100.52),
    }
    assert {r["target"] for r in rows if "target" in r} == {86.83}
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def _values(spec: object) -> list[dict[str, object]]:
    """Every data row anywhere in a Vega-Lite spec (layers carry their own data or share the top level's)."""
    if isinstance(spec, dict):
        found = [r for r in spec.get("values", []) if isinstance(r, dict)] if "values" in spec else []
        return found + [r for key, v in spec.items() if key != "values" for r in _values(v)]
    if isinstance(spec, list):
        return [r for v in spec for r in _values(v)]
    return []


def test_the_path_timeline_marks_where_a_new_methodology_starts() -> None:
    years = [
        charts.TimelineYear(2019, 81.42),
        charts.TimelineYear(2020, 81.17, start_score=81.17, scheme="QĐ mới"),
        charts.TimelineYear(2021, 86.07),
    ]
    spec = charts.path_timeline(years, 78.47, "vi").to_dict()
    carried = [r for r in _values(spec) if "start" in r]
    assert carried == [{"year": 2020, "start": 81.17, "scheme": "QĐ mới"}]
    plain = charts.path_timeline(years[:1], 78.47, "vi").to_dict()
    assert not [r for r in _values(plain) if "start" in r]
