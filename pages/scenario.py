"""Kịch bản / Scenario: edit every sub-criterion, manage named scenarios, compare two to four of them."""

from __future__ import annotations

import streamlit as st

from planner.methodology.scoring import score_scenario
from ui import compare, editor, scenarios, state
from ui.guard import require_entrypoint
from ui.position import current_position
from ui.text import labels, lang, t

require_entrypoint()

VIEW_KEY = "_scenario_view"
VIEWS = ("edit", "table", "compare")


def _on_view() -> None:
    value = st.session_state.get("scenario_view_pick")
    if value in VIEWS:
        st.session_state[VIEW_KEY] = value


st.title(t("app.scenario.title"))
scenarios.manager()

view = st.session_state.get(VIEW_KEY, "edit")
st.segmented_control(
    t("app.scenario.view"),
    options=list(VIEWS),
    default=view,
    format_func=labels(VIEWS, lambda v: t(f"app.scenario.view.{v}")),
    key="scenario_view_pick",
    required=True,
    on_change=_on_view,
    label_visibility="collapsed",
)

position = current_position()
m = position.methodology
scenario = state.current()
card = position.card
baseline_card = score_scenario(m, state.baseline())

if view == "edit":
    area = editor.area_picker(m, card)
    area_node = next(a for a in m.areas if a.code == area)
    st.subheader(f"{area_node.code}. {area_node.name(lang())}")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        mode = editor.mode_picker()
        st.button(
            t("app.scenario.area_to_target"),
            on_click=editor.area_to_target,
            args=(m, area),
            help=t("app.scenario.area_to_target_help"),
            icon=":material/flag:",
        )
        st.button(
            t("app.scenario.area_to_baseline"),
            on_click=editor.area_to_baseline,
            args=(m, area),
            icon=":material/undo:",
        )
        st.button(
            t("app.scenario.all_to_baseline"), on_click=editor.all_to_baseline, icon=":material/restart_alt:"
        )
    for item in m.scored_items:
        if item.area.code == area:
            editor.item_row(item, scenario, card, baseline_card, mode)
elif view == "table":
    st.caption(t("app.scenario.table_help_apply"))
    frame = editor.table_frame(m, scenario, card, baseline_card)
    key = editor.table_key()
    with st.container(horizontal=True):
        st.button(
            t("app.scenario.table_apply"),
            on_click=editor.apply_table_edits,
            args=(m, key),
            type="primary",
            icon=":material/done_all:",
            key="table_apply",
        )
        st.button(
            t("app.scenario.table_discard"),
            on_click=state.bump_revision,
            icon=":material/undo:",
            key="table_discard",
        )
    st.data_editor(
        frame,
        key=key,
        hide_index=True,
        disabled=["code", "name", "level", "max", "baseline"],
        column_config={
            "code": st.column_config.TextColumn(t("app.table.code"), width="small"),
            "name": st.column_config.TextColumn(t("app.table.name"), width="large"),
            "level": st.column_config.TextColumn(t("app.table.level")),
            "value": st.column_config.TextColumn(t("app.table.value"), help=t("app.table.value_help")),
            "points": st.column_config.TextColumn(t("app.table.points"), help=t("app.table.points_help")),
            "max": st.column_config.TextColumn(t("app.table.max")),
            "baseline": st.column_config.TextColumn(t("app.table.baseline")),
        },
        # Edits wait in the browser until Apply (no rerun per cell): a bulk edit keeps its place in the table.
        on_change="ignore",
        height=640,
    )
else:
    compare.render()
