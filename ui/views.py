"""Small render helpers shared by several pages (example context, rank gaps, weakest items, colours)."""

from __future__ import annotations

import streamlit as st

from planner import charts
from planner.core.errors import PlannerError
from planner.field.ranking import RankResult
from planner.methodology.index import get_index
from planner.methodology.scoring import NodeScore, ScoreCard
from ui import cache, examples, state
from ui.position import Position
from ui.text import lang, points, t


def slot_color(slot: state.Slot) -> str:
    """The slot's colour on every chart and badge (fixed when the slot was created)."""
    return charts.scenario_color(slot.color)


def md(text: str, *, colons: bool = False) -> str:
    """Text from data or from the user, with markdown's active characters escaped. With `colons`, colons too, so
    a name cannot open Streamlit's `:color[...]` or `:emoji:` syntax (left off by default: an escaped colon also
    stops a URL in a source or note from becoming a link)."""
    out = text
    for ch in "\\`*_[]<>#|$~" + (":" if colons else ""):
        out = out.replace(ch, "\\" + ch)
    return out


def example_context() -> None:
    """What the workspace is: the example's description, and a warning when its per-item points are illustrative."""
    ws = state.workspace()
    ex = examples.example(ws.example_id) if ws.example_id else None
    scenario = state.current()
    if ex is None or ex.key != (scenario.province, scenario.year, scenario.methodology):
        return  # another province's or year's scenario: the example's plan text does not describe it
    text = md(ex.description(lang()))
    if ws.illustrative:
        st.info(f"{text}\n\n{t('app.context.illustrative')}", icon=":material/info:")
    elif text:
        st.caption(text)


def rank_text(rank: RankResult) -> str:
    """ "21/63", or "47/63 (46–49)" when reconstructed rivals leave the rank uncertain: one way everywhere."""
    lo, hi = rank.rank_interval
    interval = f" ({lo}–{hi})" if (lo, hi) != (rank.rank, rank.rank) else ""
    return f"{rank.rank}/{rank.n}{interval}"


def weakest_items(card: ScoreCard, limit: int = 12) -> list[NodeScore]:
    """The items losing the most points (ties broken by table order), only those losing any.

    Survey items are left out where the index does not count them as levers (the PAR INDEX's SIPAS: the page says
    what they lose); a PAPI dimension is a survey result and the very thing the plan moves, so it stays."""
    levers = get_index(card.methodology.index).survey_is_lever
    items = [s for s in card.items() if s.lost > 0 and (levers or s.assessment != "survey")]
    items.sort(key=lambda s: -(s.max_centi - s.centi))
    return items[:limit]


def rank_gaps(position: Position) -> None:
    """How many points separate the scenario from the next ranks up (and the one behind it)."""
    rank = position.rank
    if rank is None:
        st.caption(t("app.header.no_field"))
        return
    lines = []
    for neighbour in rank.above[:3]:
        lines.append(
            t(
                "app.overview.gap_up",
                rank=neighbour.rank,
                province=md(neighbour.province),
                gap=points(neighbour.gap),
            )
        )
    for neighbour in rank.below[:1]:
        lines.append(
            t(
                "app.overview.gap_down",
                rank=neighbour.rank,
                province=md(neighbour.province),
                gap=points(neighbour.gap),
            )
        )
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))


def show_error(exc: PlannerError) -> None:
    """One error with its list of problems, in the user's language."""
    messages = exc.messages(lang())
    body = md(messages[0])
    if len(messages) > 1:
        body += "\n\n" + "\n".join(f"- {md(m)}" for m in messages[1:30])
        if len(messages) > 31:
            body += "\n- " + t("errors.and_more", n=len(messages) - 31)
    st.error(body, icon=":material/error:")


def methodology_year_warning() -> None:
    """A visible warning when the scheme does not cover the case's year (Hà Giang 2021 scored on QĐ 2636, which
    applies to 2018-2019), with what to do."""
    scenario = state.current()
    m = cache.methodology(scenario.methodology)
    if scenario.year is None or not m.index_years or scenario.year in m.index_years:
        return
    st.warning(
        t(
            "app.header.scheme_year",
            scheme=m.decision_label(lang()),
            years=", ".join(map(str, m.index_years)),
            year=str(scenario.year),
        ),
        icon=":material/event_busy:",
    )
