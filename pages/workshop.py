"""Trình chiếu / Workshop: a projector view of one or several scenarios, their ranks, and a share link."""

from __future__ import annotations

import streamlit as st

from planner import charts
from planner.methodology.index import get_index
from planner.methodology.model import content_digest
from ui import chartview, compare, share, sidebar, state, tracking_view, views
from ui.guard import require_entrypoint
from ui.text import lang, pct, points, prob, t

require_entrypoint()

# Static CSS written here (no user text): hide the sidebar and enlarge type for a room of thirty people.
st.html(
    """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"] { display: none; }
div.block-container { padding-top: 1.5rem; max-width: 100%; }
div.st-key-workshop h2 { font-size: 2.2rem; }
div.st-key-workshop [data-testid="stMarkdownContainer"] p, div.st-key-workshop li { font-size: 1.35rem; }
div.st-key-workshop [data-testid="stMetricLabel"] p { font-size: 1.4rem; }
div.st-key-workshop [data-testid="stMetricValue"], div.st-key-workshop [data-testid="stMetricValue"] p {
  font-size: 3.6rem; line-height: 1.1;
}
</style>
"""
)

with st.container(key="workshop"):
    st.title(t("app.workshop.title"))
    chosen = compare.picker()
    if not chosen:
        chosen = [state.active_slot()]
    placed = compare.positions(chosen)
    k = compare.target_k()
    columns = st.columns(len(placed))
    for column, (slot, pos) in zip(columns, placed, strict=True):
        with column, st.container(border=True):
            color = views.slot_color(slot)
            index = get_index(pos.methodology.index)
            st.markdown(f"## {views.md(slot.name or slot.id)}")
            st.html(f'<div style="height:8px;background:{color};border-radius:4px"></div>')
            st.metric(
                f"{t('app.workshop.total')} · {index.short}",
                f"{points(pos.card.total)} / {points(index.max_points)}",
                help=pct(pos.card.percent),
            )
            if pos.rank is not None:
                st.metric(
                    t("app.header.rank_in_field", year=str(pos.field.year if pos.field else "")),
                    f"{pos.rank.rank}/{pos.rank.n}",
                )
            if pos.outlook is not None:
                st.metric(
                    t("app.compare.p_rank_le", k=k, year=str(pos.plan_year)), prob(pos.outlook.p_rank_le(k))
                )
    # Areas are compared only between scenarios on one methodology: PAR areas beside PAPI dimensions mean nothing.
    same = [(slot, pos) for slot, pos in placed if pos.methodology.id == placed[0][1].methodology.id]
    if len(same) >= 2:
        series = [
            charts.SeriesPoint(slot.name or slot.id, views.slot_color(slot), area.code, area.points)
            for slot, pos in same
            for area in pos.card.areas()
        ]
        chartview.show(
            ("compare_large", tuple(series), lang()),
            lambda: charts.comparison_bars(series, lang(), large=True),
        )
    elif placed:
        slot, pos = placed[0]
        color = views.slot_color(slot)
        card = pos.card
        chartview.show(
            ("area_bars_large", content_digest(card.methodology), card.item_centi, lang(), color),
            lambda: charts.area_bars(card, lang(), color=color, large=True),
        )
    # the quarter's review, when this session has a tracked plan open (Theo dõi thực hiện): the meeting's screen
    reviewed = tracking_view.session_review()
    if reviewed is not None:
        plan_id, review = reviewed
        st.subheader(t("app.workshop.review", date=review.as_of.strftime("%d/%m/%Y")))
        tracking_view.show_review(review, plan_id, large=True)
    st.subheader(t("app.workshop.share"))
    url = sidebar.share_url()
    code_column, link_column = st.columns([1, 3], vertical_alignment="center")
    with code_column:
        st.image(share.qr_png(url), width=260, caption=t("app.workshop.qr_caption"))
    with link_column:
        st.caption(t("app.sidebar.share_help"))
        st.code(url, language=None, wrap_lines=True)
        # the projector view has no sidebar: a way back to the app
        st.page_link("pages/overview.py", label=t("app.workshop.back"), icon=":material/arrow_back:")
