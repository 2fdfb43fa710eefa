"""The header every page shares: who and when, the total and the rank, and the language switch.

It is drawn by the entrypoint after the callbacks of the run have updated the scenario and before the page
runs, so it always shows the scenario the page is about to show.
"""

from __future__ import annotations

import streamlit as st

from planner.core.errors import PlannerError
from planner.core.i18n import LANGS
from planner.field.ranking import group_of
from planner.methodology.index import get_index
from planner.methodology.rules import from_centi
from ui import state, views
from ui.position import Position, current_position
from ui.text import lang, points, prob, set_lang, t
from ui.views import md

LANG_WIDGET = "lang_pick"


def _on_lang() -> None:
    value = st.session_state.get(LANG_WIDGET)
    if value in LANGS and value != lang():
        set_lang(value)
        state.bump_revision()


def language_switch() -> None:
    st.segmented_control(
        t("app.header.language"),
        options=list(LANGS),
        default=lang(),
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
        key=LANG_WIDGET,
        required=True,
        on_change=_on_lang,
        label_visibility="collapsed",
    )


def who_line(position: Position) -> str:
    scenario = position.scenario
    parts = [scenario.province or t("app.header.no_province"), get_index(position.methodology.index).short]
    if scenario.year is not None:
        parts.append(t("app.header.plan_year", year=str(scenario.year)))
    parts.append(position.methodology.decision_label(lang()))
    target = state.case_target()
    if target is not None:
        parts.append(t("app.header.target", target=target.describe(lang())))
    return " · ".join(parts)


def render(*, large: bool = False) -> Position | None:
    """Draw the header; returns the active scenario's position (None when it cannot be scored)."""
    with st.container(border=True, key="app_header"):
        try:
            position = current_position()
        except PlannerError as exc:
            st.error("\n\n".join(exc.messages(lang())))
            language_switch()
            return None
        top_left, top_right = st.columns([5, 2], vertical_alignment="center")
        with top_left:
            slot = state.active_slot()
            ws = state.workspace()
            badge = f" :orange-badge[{t('app.header.illustrative')}]" if ws.illustrative else ""
            st.markdown(f"**{md(who_line(position))}** — {md(slot.name or '–')}{badge}")
        with top_right:
            language_switch()
        _metrics(position, large=large)
    if not large:
        views.methodology_year_warning()
    return position


def _metrics(position: Position, *, large: bool) -> None:
    card = position.card
    base_total = _baseline_total(position)
    cols = st.columns(4 if position.outlook is not None else 3)
    with cols[0]:
        delta = None
        if base_total is not None and abs(card.total - base_total) >= 0.005:
            diff = card.total - base_total
            delta = ("+" if diff > 0 else "−") + points(abs(diff))
        st.metric(
            t("app.header.total"),
            f"{points(card.total)} / {points(card.max_total)}",
            delta=delta,
            help=t(
                "app.header.total_help",
                percent=card.percent,
                self_assessed=card.self_assessed,
                survey=card.survey,
            ),
        )
    with cols[1]:
        rank = position.rank
        if rank is None:
            st.metric(t("app.header.rank"), "–", help=t("app.header.no_field"))
        else:
            year = position.field.year if position.field is not None else ""
            st.metric(
                t("app.header.rank_in_field", year=str(year)),
                views.rank_text(rank),
                help=t("app.header.rank_help"),
            )
    with cols[2]:
        index = get_index(position.methodology.index)
        rank = position.rank
        group = group_of(card.total, index.id, rank.rank if rank else None, rank.n if rank else None)
        st.metric(
            t("app.header.group"),
            group or "–",
            help=" · ".join(band.label(lang()) for band in index.groups.bands),
        )
    outlook = position.outlook
    if outlook is not None:
        with cols[3]:
            lo, hi = outlook.interval(0.8)
            if position.target_rank is not None:
                label = t("app.header.p_target", k=position.target_rank, year=str(position.plan_year))
                value = prob(outlook.p_rank_le(position.target_rank))
            else:
                label = t("app.header.projected_rank", year=str(position.plan_year))
                value = f"{lo}–{hi}"
            st.metric(label, value, help=t("app.header.projected_help", lo=lo, hi=hi))


def _baseline_total(position: Position) -> float | None:
    from planner.methodology.scoring import score_scenario

    try:
        card = score_scenario(position.methodology, state.baseline())
    except PlannerError:
        return None
    return from_centi(card.total_centi)
