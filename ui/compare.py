"""Side-by-side comparison of two to four named scenarios: totals, ranks, P(rank ≤ k), areas and items.

Cells that differ from the first scenario are highlighted, and every scenario keeps its colour in the chart.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner import charts
from planner.core.errors import PlannerError
from planner.methodology.rules import from_centi
from ui import chartview, state, views
from ui.position import Position, position_of
from ui.text import labels, lang, pct, points, prob, t

PICK_KEY = "compare_pick"
K_KEY = "_compare_k"
HIGHLIGHT = "background-color: #FFF3C4; font-weight: 600"


def _on_pick(key: str) -> None:
    """The compared set; more than MAX_COMPARE keeps the first ones and says so (in the user's language: the
    widget's own limit message is English)."""
    value = st.session_state.get(key)
    if isinstance(value, list):
        chosen = [v for v in value if isinstance(v, str)]
        if len(chosen) > state.MAX_COMPARE:
            state.notify("app.compare.too_many", n=state.MAX_COMPARE)
        state.set_compared(chosen)
        state.bump_revision()


def _on_k(key: str) -> None:
    value = st.session_state.get(key)
    if isinstance(value, int) and value > 0:
        st.session_state[K_KEY] = value


def target_k() -> int:
    value = st.session_state.get(K_KEY)
    if isinstance(value, int):
        return value
    return state.target_rank() or 20


def picker() -> list[state.Slot]:
    all_slots = state.slots()
    key = f"{PICK_KEY}.{state.revision()}"
    st.multiselect(
        t("app.compare.pick"),
        list(all_slots),
        default=state.compared(),
        format_func=labels(all_slots, lambda i: all_slots[i].name or i),
        select_all=False,
        key=key,
        on_change=_on_pick,
        args=(key,),
        help=t("app.compare.pick_help"),
        placeholder=t("app.compare.pick_placeholder"),
    )
    return [all_slots[i] for i in state.compared()]


def positions(chosen: list[state.Slot]) -> list[tuple[state.Slot, Position]]:
    out = []
    for slot in chosen:
        try:
            out.append((slot, position_of(slot.scenario)))
        except PlannerError as exc:
            views.show_error(exc)
    return out


def summary_frame(placed: list[tuple[state.Slot, Position]], k: int) -> pd.DataFrame:
    """One column per scenario: total, percent, rank (interval), P(rank ≤ k) and each area's points."""
    rows: dict[str, dict[str, str]] = {}

    def put(label: str, slot: state.Slot, value: str) -> None:
        rows.setdefault(label, {})[slot.name or slot.id] = value

    for slot, pos in placed:
        card = pos.card
        put(t("app.compare.total"), slot, points(card.total))
        put(t("app.compare.percent"), slot, pct(card.percent))
        if pos.rank is not None:
            put(t("app.compare.rank"), slot, views.rank_text(pos.rank))
        if pos.outlook is not None:
            put(
                t("app.compare.p_rank_le", k=k, year=str(pos.plan_year)), slot, prob(pos.outlook.p_rank_le(k))
            )
        for area in card.areas():
            put(f"{area.code}. {area.name(lang())[:40]}", slot, points(area.points))
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame


def items_frame(placed: list[tuple[state.Slot, Position]]) -> pd.DataFrame:
    """The items whose points differ between the scenarios (points per scenario)."""
    if not placed:
        return pd.DataFrame()
    m = placed[0][1].methodology
    records: list[dict[str, Any]] = []
    for pos_index, item in enumerate(m.scored_items):
        values = [p.card.item_centi[pos_index] for _, p in placed]
        if len(set(values)) <= 1:
            continue
        row: dict[str, Any] = {
            t("app.table.code"): item.code,
            t("app.table.name"): item.node.name(lang())[:60],
        }
        for (slot, _), centi in zip(placed, values, strict=True):
            row[slot.name or slot.id] = points(from_centi(centi))
        records.append(row)
    return pd.DataFrame.from_records(records)


def _highlight(frame: pd.DataFrame, first_column: int) -> Any:
    """A Styler that marks every cell differing from the same row's cell in the first scenario column."""
    columns = list(frame.columns)
    if len(columns) <= first_column + 1:
        return frame

    def style_row(row: pd.Series) -> list[str]:
        first = row.iloc[first_column]
        return [
            HIGHLIGHT if i > first_column and value != first else "" for i, value in enumerate(row.tolist())
        ]

    return frame.style.apply(style_row, axis=1)


def render() -> None:
    chosen = picker()
    if len(chosen) < 2:
        st.info(t("app.compare.need_two"))
        return
    key = f"compare_k.{state.revision()}"
    st.number_input(
        t("app.compare.k"),
        min_value=1,
        max_value=63,
        value=target_k(),
        step=1,
        key=key,
        on_change=_on_k,
        args=(key,),
        width=220,
    )
    placed = positions(chosen)
    summary = summary_frame(placed, target_k())
    st.caption(t("app.compare.highlight_help"))
    st.dataframe(_highlight(summary, 0), width="stretch")
    series = [
        charts.SeriesPoint(slot.name or slot.id, views.slot_color(slot), area.code, area.points)
        for slot, pos in placed
        for area in pos.card.areas()
    ]
    chartview.show(("compare", tuple(series), lang()), lambda: charts.comparison_bars(series, lang()))
    items = items_frame(placed)
    st.subheader(t("app.compare.items"))
    if items.empty:
        st.caption(t("app.compare.no_item_differs"))
    else:
        st.dataframe(_highlight(items, 2), width="stretch", hide_index=True)
