"""Tổng quan / Overview: the province's position, its areas against their maxima, and its weakest items."""

from __future__ import annotations

import streamlit as st

from planner import charts
from planner.methodology.index import get_index
from planner.methodology.model import content_digest
from ui import chartview, indices_view, state, views
from ui.guard import require_entrypoint
from ui.position import current_position
from ui.text import lang, pct, points, t

require_entrypoint()

st.title(t("app.overview.title"))
position = current_position()
card = position.card
ws = state.workspace()
views.example_context()

left, right = st.columns([3, 2])
with left:
    st.subheader(t("app.overview.position"))
    st.markdown(
        t(
            "app.overview.summary",
            total=points(card.total),
            max=points(card.max_total),
            percent=pct(card.percent),
            self_assessed=points(card.self_assessed),
            max_self=points(card.max_self_assessed),
            survey=points(card.survey),
            max_survey=points(card.max_survey),
        )
    )
with right:
    views.rank_gaps(position)

indices_view.render()

st.subheader(t("app.overview.areas"))
color = views.slot_color(state.active_slot())
chartview.show(
    ("area_bars", content_digest(card.methodology), card.item_centi, lang(), color),
    lambda: charts.area_bars(card, lang(), color=color),
)

st.subheader(t("app.overview.weakest"))
st.caption(t("app.overview.weakest_help"))
weakest = views.weakest_items(card, limit=12)
if weakest:
    chartview.show(
        ("weakest", content_digest(card.methodology), card.item_centi, lang()),
        lambda: charts.weakest_items_bars(weakest, lang()),
    )
    st.caption(t("app.overview.assumptions", n=len(card.assumptions), total=len(card.items())))
else:
    st.success(t("app.overview.full_marks"))
survey_lost = card.max_survey - card.survey
if survey_lost > 0 and not get_index(card.methodology.index).survey_is_lever:
    st.caption(t("app.overview.survey_lost", lost=points(survey_lost), max=points(card.max_survey)))
