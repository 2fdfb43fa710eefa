"""Both indices in one view: the province's position on the PAR INDEX and on PAPI, side by side.

A session can hold scenarios on several indices (the Quảng Ngãi example opens its PAR INDEX and its PAPI
scenario together). For each index this shows one scenario, the active one where it is on that index, else the
first: its total on the index's own scale, its rank among the provinces with the interval, the index's group and
the chance of the case's target. Each number comes from that index's own field (planner.field follows the
methodology's index); nothing is added across indices, since 45 PAPI points and 85 PAR INDEX points are not the
same thing.
"""

from __future__ import annotations

import streamlit as st

from planner.core.errors import PlannerError
from planner.field.ranking import group_of
from planner.methodology.index import Index, get_index, index_ids
from ui import compare, position, state, views
from ui.position import Position, position_of
from ui.text import lang, points, prob, t


def one_per_index() -> list[tuple[Index, state.Slot]]:
    """For each index the session has a scenario on: the active scenario if it is on it, else the first one."""
    active = state.active_slot()
    chosen: dict[str, state.Slot] = {}
    for slot in [active, *state.slots().values()]:
        index = position.index_of(slot.scenario)
        if index is not None and index not in chosen:
            chosen[index] = slot
    order = index_ids()  # the registry's order: the PAR INDEX first, then PAPI
    return [(get_index(index), chosen[index]) for index in sorted(chosen, key=order.index)]


def _card(index: Index, slot: state.Slot, pos: Position, k: int) -> None:
    with st.container(border=True, key=f"index_card_{index.id}"):
        st.markdown(f"**{index.short}** · {slot.name or slot.id}")
        st.metric(
            t("app.indices.total", index=index.short),
            f"{points(pos.card.total)} / {points(index.max_points)}",
        )
        rank = pos.rank
        if rank is not None:
            year = str(pos.field.year) if pos.field is not None else ""
            st.metric(t("app.header.rank_in_field", year=year), views.rank_text(rank))
            group = group_of(pos.card.total, index.id, rank.rank, rank.n)
            st.caption(t("app.indices.group", group=index.group_label(group)))
        if pos.outlook is not None:
            st.metric(
                t("app.compare.p_rank_le", k=k, year=str(pos.plan_year)), prob(pos.outlook.p_rank_le(k))
            )
        if pos.field is not None and pos.field.kind == "reconstructed":
            st.caption(
                t("app.indices.reconstructed", n=pos.field.count("reconstructed"), year=str(pos.field.year))
            )


def render() -> None:
    """The side-by-side view, when the session holds scenarios on two indices or more."""
    pairs = one_per_index()
    if len(pairs) < 2:
        return
    st.subheader(t("app.indices.title"))
    st.caption(t("app.indices.help"))
    k = compare.target_k()
    columns = st.columns(len(pairs))
    for column, (index, slot) in zip(columns, pairs, strict=True):
        with column:
            try:
                pos = position_of(slot.scenario)
            except PlannerError as exc:
                st.error("\n\n".join(exc.messages(lang())))
                continue
            _card(index, slot, pos, k)
