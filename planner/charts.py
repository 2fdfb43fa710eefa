"""Every chart of the app, as pure functions from planner data to an Altair chart.

The app only hands these charts to `st.altair_chart`; tests call `chart.to_dict()` and check the data and the
encodings, so nothing here touches streamlit. Three rules hold everywhere:

- a scenario keeps one colour on every page (`scenario_color(index)`, the index being fixed when the scenario is
  created), and the baseline is always grey;
- numbers follow the user's language: the Vega-Lite spec carries a number locale (`config.locale`), so with
  Vietnamese the axis shows 83,87 and 1.234 (`d3-format` specifiers like ",.2~f" are then read in that locale);
- type is large enough for a projector (`large=True` makes it larger still for the workshop view).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import numpy.typing as npt

from planner.core.i18n import Lang, t
from planner.methodology.matching import SchemeMatch
from planner.methodology.scoring import NodeScore, ScoreCard
from planner.tracking.model import ReviewPoint

#: Okabe-Ito colours (distinguishable with colour-blindness and on a washed-out projector), in the order
#: scenarios receive them. Yellow is left out: it disappears on a projector.
SCENARIO_COLORS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#E69F00",
    "#000000",
    "#7F3C8D",
    "#11A579",
    "#3969AC",
    "#F2B701",
    "#80BA5A",
)
BASELINE_COLOR = "#9E9E9E"
MAX_COLOR = "#E3E3E3"
LOST_COLOR = "#B22222"
OTHER_COLOR = "#BDBDBD"

#: d3-format number locales; Vietnamese groups thousands with "." and writes decimals with ",".
NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    "vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}
POINTS_FORMAT = ",.2~f"
PERCENT_FORMAT = ".0%"


def _data(rows: Sequence[Mapping[str, Any]]) -> Any:
    """Inline data rows (kept in the spec, so a test reads exactly what is drawn)."""
    return alt.Data(values=list(rows))  # type: ignore[no-untyped-call]


def short(text: str, limit: int = 48) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


def scenario_color(index: int) -> str:
    """The colour of the scenario created `index`-th in a session (cycles after the palette's length)."""
    return SCENARIO_COLORS[index % len(SCENARIO_COLORS)]


def _style(chart: Any, lang: Lang, *, large: bool = False, height: int | None = None) -> Any:
    """Locale, font sizes and sizing shared by every chart (one `configure` call: each Altair call copies the
    whole chart, which costs milliseconds per call)."""
    base = 18 if large else 14
    if height is not None:
        chart = chart.properties(height=height)
    return chart.configure(
        locale=alt.Locale(number=alt.NumberLocale(**NUMBER_LOCALES[lang])),
        axis=alt.AxisConfig(labelFontSize=base, titleFontSize=base + 1, labelLimit=360),
        legend=alt.LegendConfig(labelFontSize=base, titleFontSize=base, symbolSize=200, labelLimit=360),
        title=alt.TitleConfig(fontSize=base + 3, anchor="start"),
        text=alt.MarkConfig(fontSize=base),
        view=alt.ViewConfig(strokeWidth=0),
    )


def area_bars(card: ScoreCard, lang: Lang, *, color: str = SCENARIO_COLORS[0], large: bool = False) -> Any:
    """Points of each area (lĩnh vực) against its maximum: a light bar for the maximum, a coloured bar on it."""
    rows = [
        {
            "code": a.code,
            "area": f"{a.code}. {short(a.name(lang))}",
            "points": a.points,
            "max": a.max_points,
            "lost": a.lost,
            "percent": a.percent / 100,
        }
        for a in card.areas()
    ]
    return _style(_bars_against_max(rows, lang, color), lang, large=large, height=36 * len(rows) + 40)


def _bars_against_max(rows: list[dict[str, Any]], lang: Lang, color: str) -> Any:
    data = _data(rows)
    y = alt.Y("area:N", sort=None, title=None, axis=alt.Axis(labelLimit=400))
    tooltip = [
        alt.Tooltip("area:N", title=t("app.chart.area", lang)),
        alt.Tooltip("points:Q", title=t("app.chart.points", lang), format=POINTS_FORMAT),
        alt.Tooltip("max:Q", title=t("app.chart.max", lang), format=POINTS_FORMAT),
        alt.Tooltip("percent:Q", title="%", format=PERCENT_FORMAT),
    ]
    maximum = (
        alt.Chart(data)
        .mark_bar(color=MAX_COLOR, size=24)
        .encode(y=y, x=alt.X("max:Q", title=t("app.chart.points", lang), axis=alt.Axis(format=POINTS_FORMAT)))
    )
    achieved = alt.Chart(data).mark_bar(color=color, size=16).encode(y=y, x="points:Q", tooltip=tooltip)
    label = (
        alt.Chart(data)
        .mark_text(align="left", dx=6, color="#333333")
        .encode(y=y, x="max:Q", text=alt.Text("points:Q", format=POINTS_FORMAT))
    )
    return alt.layer(maximum, achieved, label)


def weakest_items_bars(items: Sequence[NodeScore], lang: Lang, *, large: bool = False) -> Any:
    """The sub-criteria that lose the most points, largest loss at the top, assumption-based ones marked."""
    rows = [
        {
            "item": f"{s.code} {short(s.name(lang), 60)}",
            "lost": s.lost,
            "points": s.points,
            "max": s.max_points,
            "basis": t("app.chart.assumption" if s.uses_assumption else "app.chart.sourced_rule", lang),
        }
        for s in items
    ]
    chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            y=alt.Y("item:N", sort=None, title=None),
            x=alt.X("lost:Q", title=t("app.chart.points_lost", lang), axis=alt.Axis(format=POINTS_FORMAT)),
            color=alt.Color(
                "basis:N",
                title=t("app.chart.rule_basis", lang),
                scale=alt.Scale(
                    domain=[t("app.chart.sourced_rule", lang), t("app.chart.assumption", lang)],
                    range=[LOST_COLOR, "#F4A582"],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("item:N", title=t("app.chart.item", lang)),
                alt.Tooltip("lost:Q", title=t("app.chart.points_lost", lang), format=POINTS_FORMAT),
                alt.Tooltip("points:Q", title=t("app.chart.points", lang), format=POINTS_FORMAT),
                alt.Tooltip("max:Q", title=t("app.chart.max", lang), format=POINTS_FORMAT),
            ],
        )
    )
    return _style(chart, lang, large=large, height=30 * len(rows) + 60)


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One scenario's value in a category (an area, or the total), with the scenario's colour."""

    scenario: str
    color: str
    category: str
    value: float


def comparison_bars(
    points: Sequence[SeriesPoint], lang: Lang, *, title: str = "", large: bool = False
) -> Any:
    """Grouped bars: each category (area) with one bar per scenario, each scenario in its own colour."""
    names: list[str] = []
    colors: list[str] = []
    for p in points:
        if p.scenario not in names:
            names.append(p.scenario)
            colors.append(p.color)
    rows = [{"scenario": p.scenario, "category": p.category, "value": p.value} for p in points]
    chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=alt.X("category:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("scenario:N", sort=names),
            y=alt.Y(
                "value:Q", title=title or t("app.chart.points", lang), axis=alt.Axis(format=POINTS_FORMAT)
            ),
            color=alt.Color(
                "scenario:N",
                title=None,
                scale=alt.Scale(domain=names, range=colors),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("scenario:N", title=t("app.chart.scenario", lang)),
                alt.Tooltip("category:N", title=t("app.chart.area", lang)),
                alt.Tooltip("value:Q", title=t("app.chart.points", lang), format=POINTS_FORMAT),
            ],
        )
    )
    return _style(chart, lang, large=large, height=380 if large else 300)


@dataclass(frozen=True, slots=True)
class LadderRung:
    """One province on the rank ladder."""

    rank: int
    province: str
    score: float
    ours: bool
    provenance: str = ""
    low: float | None = None
    high: float | None = None


def rank_ladder(rungs: Sequence[LadderRung], lang: Lang, *, color: str = SCENARIO_COLORS[0]) -> Any:
    """Our province among its neighbours: one dot per province in rank order, ours coloured, with the
    plausible band of a reconstructed score drawn as a whisker (dots, not bars: the axis does not start at 0)."""
    rows: list[dict[str, Any]] = [
        {
            "label": f"{r.rank}. {r.province}",
            "province": r.province,
            "rank": r.rank,
            "score": r.score,
            "low": r.score if r.low is None else r.low,
            "high": r.score if r.high is None else r.high,
            "who": t("app.chart.us", lang) if r.ours else t("app.chart.rival", lang),
            "provenance": r.provenance,
        }
        for r in rungs
    ]
    if rows:
        lo = min(min(r["low"], r["score"]) for r in rows)
        hi = max(max(r["high"], r["score"]) for r in rows)
    else:
        lo, hi = 0.0, 100.0
    pad = max(0.5, (hi - lo) * 0.15)
    domain = [max(0.0, float(np.floor(lo - pad))), min(100.0, float(np.ceil(hi + pad)))]
    data = _data(rows)
    y = alt.Y("label:N", sort=None, title=None)
    x_scale = alt.Scale(domain=domain, zero=False)
    dots = (
        alt.Chart(data)
        .mark_circle(size=260, opacity=1)
        .encode(
            y=y,
            x=alt.X(
                "score:Q",
                scale=x_scale,
                title=t("app.chart.score", lang),
                axis=alt.Axis(format=POINTS_FORMAT),
            ),
            color=alt.Color(
                "who:N",
                title=None,
                scale=alt.Scale(
                    domain=[t("app.chart.us", lang), t("app.chart.rival", lang)], range=[color, OTHER_COLOR]
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("province:N", title=t("app.chart.province", lang)),
                alt.Tooltip("rank:Q", title=t("app.chart.rank", lang)),
                alt.Tooltip("score:Q", title=t("app.chart.score", lang), format=POINTS_FORMAT),
                alt.Tooltip("low:Q", title=t("app.chart.low", lang), format=POINTS_FORMAT),
                alt.Tooltip("high:Q", title=t("app.chart.high", lang), format=POINTS_FORMAT),
                alt.Tooltip("provenance:N", title=t("app.chart.provenance", lang)),
            ],
        )
    )
    band = alt.Chart(data).mark_rule(color="#555555", strokeWidth=2).encode(y=y, x="low:Q", x2="high:Q")
    label = (
        alt.Chart(data)
        .mark_text(align="left", dx=8, color="#333333")
        .encode(y=y, x="high:Q", text=alt.Text("score:Q", format=POINTS_FORMAT))
    )
    return _style(alt.layer(band, dots, label), lang, height=28 * len(rows) + 50)


def rank_distribution(
    probabilities: npt.ArrayLike,
    lang: Lang,
    *,
    target_rank: int | None = None,
    color: str = SCENARIO_COLORS[0],
    large: bool = False,
) -> Any:
    """P(rank = r) for r = 1..n as bars, ranks within the target coloured; ranks of negligible probability
    (< 0.1%) at either end are trimmed so the shape is readable."""
    p = np.asarray(probabilities, dtype=float)
    ranks = np.arange(1, len(p) + 1)
    keep = np.nonzero(p >= 0.001)[0]
    if len(keep):
        lo, hi = int(keep[0]), int(keep[-1])
        lo = max(0, lo - 1)
        hi = min(len(p) - 1, hi + 1)
        if target_rank is not None:
            lo = min(lo, max(0, target_rank - 2))
            hi = max(hi, min(len(p) - 1, target_rank))
    else:
        lo, hi = 0, len(p) - 1
    inside = t("app.chart.within_target", lang)
    outside = t("app.chart.outside_target", lang)
    rows = [
        {
            "rank": int(ranks[i]),
            "p": float(p[i]),
            "zone": inside if target_rank is not None and ranks[i] <= target_rank else outside,
        }
        for i in range(lo, hi + 1)
    ]
    domain = [inside, outside] if target_rank is not None else [outside]
    palette = [color, OTHER_COLOR] if target_rank is not None else [color]
    chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=alt.X("rank:O", title=t("app.chart.rank", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("p:Q", title=t("app.chart.probability", lang), axis=alt.Axis(format=PERCENT_FORMAT)),
            color=alt.Color(
                "zone:N",
                title=None,
                scale=alt.Scale(domain=domain, range=palette),
                legend=alt.Legend(orient="top") if target_rank is not None else None,
            ),
            tooltip=[
                alt.Tooltip("rank:O", title=t("app.chart.rank", lang)),
                alt.Tooltip("p:Q", title=t("app.chart.probability", lang), format=".1%"),
            ],
        )
    )
    return _style(chart, lang, large=large, height=320 if large else 260)


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """One budget on the effort-versus-rank frontier: the least effort that reaches `rank` (or a probability)."""

    effort: float
    rank: int
    total: float
    p_target: float | None = None


def frontier(
    points: Sequence[FrontierPoint], lang: Lang, *, unit: str, color: str = SCENARIO_COLORS[0]
) -> Any:
    """Effort against the best reachable rank, as steps (rank 1 at the top); the projected total in tooltips."""
    rows = [
        {
            "effort": p.effort,
            "rank": p.rank,
            "total": p.total,
            "p": p.p_target if p.p_target is not None else -1,
        }
        for p in points
    ]
    tooltip = [
        alt.Tooltip("effort:Q", title=t("app.chart.effort", lang, unit=unit), format=",.1~f"),
        alt.Tooltip("rank:Q", title=t("app.chart.rank", lang)),
        alt.Tooltip("total:Q", title=t("app.chart.score", lang), format=POINTS_FORMAT),
    ]
    base = alt.Chart(_data(rows)).encode(
        x=alt.X("effort:Q", title=t("app.chart.effort", lang, unit=unit), axis=alt.Axis(format=",.0f")),
        y=alt.Y(
            "rank:Q",
            title=t("app.chart.rank", lang),
            scale=alt.Scale(reverse=True, zero=False, nice=False),
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        tooltip=tooltip,
    )
    line = base.mark_line(interpolate="step-after", color=color, strokeWidth=3)
    dots = base.mark_circle(size=120, color=color)
    return _style(alt.layer(line, dots), lang, height=320)


@dataclass(frozen=True, slots=True)
class TimelineYear:
    """One year of a path: the planned score and, with a rank target, the score that rank needs (10th, 50th and
    90th percentile over the projected fields; None without a projection)."""

    year: int
    score: float
    needed: tuple[float, float, float] | None = None
    target_label: str = ""
    #: The score the year's target asks for under the chosen rival assumption (None: no target).
    target_score: float | None = None
    #: In the year a new methodology starts: the score the year starts from on it (the levels reached so far,
    #: carried across); drawn as its own mark so a drop at the change shows.
    start_score: float | None = None
    #: The new methodology's name, for that mark's tooltip.
    scheme: str = ""


def path_timeline(
    years: Sequence[TimelineYear], baseline: float, lang: Lang, *, color: str = SCENARIO_COLORS[0]
) -> Any:
    """The planned score year by year against the band of the score the target rank needs: the band widens with
    the horizon because the projection of the other provinces does. The first point is today's score."""
    first = years[0].year - 1 if years else 0
    line_rows = [{"year": first, "score": baseline, "label": t("app.path.today", lang)}]
    line_rows += [{"year": y.year, "score": y.score, "label": y.target_label} for y in years]
    band_rows = [
        {"year": y.year, "low": y.needed[0], "mid": y.needed[1], "high": y.needed[2], "label": y.target_label}
        for y in years
        if y.needed is not None
    ]
    x = alt.X("year:O", title=t("app.chart.year", lang), axis=alt.Axis(labelAngle=0))
    score_title = t("app.chart.score", lang)
    planned = (
        alt.Chart(_data(line_rows))
        .encode(
            x=x,
            y=alt.Y("score:Q", title=score_title, scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("year:O", title=t("app.chart.year", lang)),
                alt.Tooltip("score:Q", title=t("app.path.chart.planned", lang), format=POINTS_FORMAT),
                alt.Tooltip("label:N", title=t("app.path.chart.target", lang)),
            ],
        )
        .properties(title=t("app.path.chart.title", lang))
    )
    layers: list[Any] = []
    if band_rows:
        band = alt.Chart(_data(band_rows)).encode(x=x)
        layers.append(band.mark_area(opacity=0.18, color=OTHER_COLOR).encode(y="low:Q", y2="high:Q"))
        # a rule per year shows the band even where it is one year wide
        layers.append(
            band.mark_rule(color=OTHER_COLOR, strokeWidth=6, opacity=0.6).encode(y="low:Q", y2="high:Q")
        )
        layers.append(
            band.mark_point(shape="diamond", filled=True, size=90, color=LOST_COLOR).encode(y="mid:Q")
        )
        layers.append(
            band.mark_line(strokeDash=[6, 4], color=LOST_COLOR).encode(
                y=alt.Y("mid:Q", title=score_title),
                tooltip=[
                    alt.Tooltip("year:O", title=t("app.chart.year", lang)),
                    alt.Tooltip("mid:Q", title=t("app.path.chart.needed", lang), format=POINTS_FORMAT),
                    alt.Tooltip("low:Q", title=t("app.path.chart.needed_low", lang), format=POINTS_FORMAT),
                    alt.Tooltip("high:Q", title=t("app.path.chart.needed_high", lang), format=POINTS_FORMAT),
                ],
            )
        )
    target_rows = [
        {"year": y.year, "target": y.target_score, "label": y.target_label}
        for y in years
        if y.target_score is not None
    ]
    if target_rows:
        layers.append(
            alt.Chart(_data(target_rows))
            .mark_tick(thickness=3, size=28, color="#000000")
            .encode(
                x=x,
                y=alt.Y("target:Q", title=score_title),
                tooltip=[
                    alt.Tooltip("label:N", title=t("app.path.chart.target", lang)),
                    alt.Tooltip("target:Q", title=t("app.path.chart.asked", lang), format=POINTS_FORMAT),
                ],
            )
        )
    carried_rows = [
        {"year": y.year, "start": y.start_score, "scheme": y.scheme}
        for y in years
        if y.start_score is not None
    ]
    if carried_rows:
        layers.append(
            alt.Chart(_data(carried_rows))
            .mark_point(shape="triangle-down", size=140, filled=False, strokeWidth=2, color=color)
            .encode(
                x=x,
                y=alt.Y("start:Q", title=score_title),
                tooltip=[
                    alt.Tooltip("year:O", title=t("app.chart.year", lang)),
                    alt.Tooltip("scheme:N", title=t("app.path.chart.new_scheme", lang)),
                    alt.Tooltip("start:Q", title=t("app.path.chart.carried", lang), format=POINTS_FORMAT),
                ],
            )
        )
    layers.append(planned.mark_line(color=color, strokeWidth=3))
    layers.append(planned.mark_circle(size=110, color=color))
    return _style(alt.layer(*layers), lang, height=320)


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One move of the greedy points-per-effort ladder: an item raised by one level."""

    label: str
    points: float
    effort: float


def points_per_effort_ladder(
    steps: Sequence[LadderStep], lang: Lang, *, unit: str, color: str = SCENARIO_COLORS[0]
) -> Any:
    """Cumulative points against cumulative effort when moves are taken best value first (the ladder)."""
    rows = []
    cum_points = 0.0
    cum_effort = 0.0
    rows.append({"effort": 0.0, "points": 0.0, "label": "", "ratio": 0.0})
    for s in steps:
        cum_points += s.points
        cum_effort += s.effort
        rows.append(
            {
                "effort": round(cum_effort, 6),
                "points": round(cum_points, 2),
                "label": s.label,
                "ratio": s.points / s.effort if s.effort > 0 else 0.0,
            }
        )
    base = alt.Chart(_data(rows)).encode(
        x=alt.X("effort:Q", title=t("app.chart.cum_effort", lang, unit=unit), axis=alt.Axis(format=",.0f")),
        y=alt.Y("points:Q", title=t("app.chart.cum_points", lang), axis=alt.Axis(format=POINTS_FORMAT)),
        tooltip=[
            alt.Tooltip("label:N", title=t("app.chart.item", lang)),
            alt.Tooltip("points:Q", title=t("app.chart.cum_points", lang), format=POINTS_FORMAT),
            alt.Tooltip("effort:Q", title=t("app.chart.cum_effort", lang, unit=unit), format=",.1~f"),
            alt.Tooltip("ratio:Q", title=t("app.chart.points_per_effort", lang), format=",.3~f"),
        ],
    )
    chart = alt.layer(
        base.mark_line(interpolate="linear", color=color, strokeWidth=3),
        base.mark_circle(size=70, color=color),
    )
    return _style(chart, lang, height=320)


@dataclass(frozen=True, slots=True)
class WaterfallStep:
    """A contribution to the total: a label and the points it adds (the first step is the baseline)."""

    label: str
    points: float


def waterfall(
    baseline_label: str,
    baseline_total: float,
    steps: Sequence[WaterfallStep],
    lang: Lang,
    *,
    final_label: str,
    color: str = SCENARIO_COLORS[0],
) -> Any:
    """Where the points come from: the baseline total, each change stacked on it, and the final total."""
    rows: list[dict[str, Any]] = [
        {
            "label": baseline_label,
            "start": 0.0,
            "end": baseline_total,
            "value": baseline_total,
            "kind": "base",
        }
    ]
    running = baseline_total
    for s in steps:
        rows.append(
            {
                "label": s.label,
                "start": round(running, 2),
                "end": round(running + s.points, 2),
                "value": s.points,
                "kind": "gain" if s.points >= 0 else "loss",
            }
        )
        running += s.points
    rows.append(
        {
            "label": final_label,
            "start": 0.0,
            "end": round(running, 2),
            "value": round(running, 2),
            "kind": "total",
        }
    )
    order = [r["label"] for r in rows]
    lows = [min(r["start"], r["end"]) for r in rows[1:-1]] or [baseline_total]
    floor = max(0.0, float(np.floor(min(baseline_total, *lows) - 2)))
    ceiling = min(100.0, float(np.ceil(running + 1)))
    chart = (
        alt.Chart(_data(rows))
        .mark_bar(size=28, clip=True)
        .encode(
            x=alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35, labelLimit=220)),
            y=alt.Y(
                "start:Q",
                title=t("app.chart.score", lang),
                scale=alt.Scale(domain=[floor, ceiling], clamp=True),
                axis=alt.Axis(format=POINTS_FORMAT),
            ),
            y2="end:Q",
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(
                    domain=["base", "gain", "loss", "total"], range=[BASELINE_COLOR, color, LOST_COLOR, color]
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("app.chart.item", lang)),
                alt.Tooltip("value:Q", title=t("app.chart.points", lang), format="+,.2~f"),
                alt.Tooltip("end:Q", title=t("app.chart.score", lang), format=POINTS_FORMAT),
            ],
        )
    )
    return _style(chart, lang, height=360)


DIFF_STATUSES = ("same", "moved", "changed", "removed", "added")
DIFF_COLORS = {
    "same": "#9e9e9e",
    "moved": "#1976d2",
    "changed": "#f57c00",
    "removed": "#c62828",
    "added": "#2e7d32",
}


def scheme_diff_bars(match: SchemeMatch, lang: Lang) -> Any:
    """How much of the old scheme's points carry over: the maximum points of its items by what became of them
    (unchanged, renumbered, changed, removed), and the new scheme's added items beside them."""
    totals = dict.fromkeys(DIFF_STATUSES, 0.0)
    for pair in match.pairs:
        status = "changed" if pair.changed else ("moved" if pair.a != pair.b else "same")
        totals[status] += float(pair.max_a)
    for code in match.removed:
        totals["removed"] += float(match.a.item(code).node.max_points)
    for code in match.added:
        totals["added"] += float(match.b.item(code).node.max_points)
    rows = [
        {
            "status": t(f"app.methodology.diff.status.{s}", lang),
            "points": round(v, 2),
            "color": DIFF_COLORS[s],
        }
        for s, v in totals.items()
    ]
    chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            y=alt.Y("status:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False)),
            x=alt.X("points:Q", title=t("app.chart.points", lang)),
            color=alt.Color("color:N", scale=None, legend=None),
            tooltip=[alt.Tooltip("status:N"), alt.Tooltip("points:Q", format=",.2~f")],
        )
    )
    return _style(chart, lang, height=44 * len(rows))


def review_forecast(
    points: Sequence[ReviewPoint],
    lang: Lang,
    *,
    baseline: float,
    planned: float,
    needed: float | None = None,
    large: bool = False,
    color: str = SCENARIO_COLORS[0],
) -> Any:
    """The expected score at each quarterly review, against the baseline, the plan's score and, when a target
    rank is set, the score it needs: whether the year is on course, one point per review."""
    rows = [
        {
            "date": p.as_of,
            "score": p.expected_score,
            "p": p.p_target if p.p_target is not None else -1,
            "done": p.done,
            "late": p.late,
        }
        for p in points
    ]
    x = alt.X(
        "date:T",
        title=t("app.review.chart.date", lang),
        axis=alt.Axis(format="%d/%m/%Y", labelAngle=0, tickCount=max(2, len(rows))),
    )
    score_title = t("app.chart.score", lang)
    levels = [
        {"score": baseline, "label": t("app.review.chart.baseline", lang)},
        {"score": planned, "label": t("app.review.chart.planned", lang)},
    ]
    if needed is not None:
        levels.append({"score": needed, "label": t("app.review.chart.needed", lang)})
    lines = alt.Chart(_data(levels)).encode(y=alt.Y("score:Q", title=score_title))
    layers: list[Any] = [
        lines.mark_rule(strokeDash=[6, 4], color=OTHER_COLOR, strokeWidth=2),
        lines.mark_text(align="left", dx=4, dy=-8, color="#404040").encode(text="label:N", x=alt.value(0)),
    ]
    if rows:
        series = alt.Chart(_data(rows)).encode(
            x=x,
            y=alt.Y("score:Q", title=score_title, scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("date:T", title=t("app.review.chart.date", lang), format="%d/%m/%Y"),
                alt.Tooltip("score:Q", title=t("app.review.chart.expected", lang), format=POINTS_FORMAT),
                alt.Tooltip("done:Q", title=t("app.review.chart.done", lang)),
                alt.Tooltip("late:Q", title=t("app.review.chart.late", lang)),
            ],
        )
        layers.append(series.mark_line(color=color, strokeWidth=3))
        layers.append(series.mark_circle(size=120, color=color))
    chart = alt.layer(*layers).properties(title=t("app.review.chart.title", lang), width=560)
    return _style(chart, lang, large=large, height=300)
