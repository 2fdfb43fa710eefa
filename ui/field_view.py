"""The field as tables and ladders (Ranking and Data pages), and the controls that change it.

Provenance is shown on every score: official (a complete table), sourced (a page states it, with its URL),
reconstructed (estimated between published figures, with a band), custom (typed by the user) or projected.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner import charts
from planner.field.model import SOURCE_BASES, Field, FieldEntry
from planner.field.projection import Projection
from planner.field.ranking import Neighbour, RankResult
from ui import position, state
from ui.text import labels, lang, num, t

FIELD_SIZE_WIDGET = "field_size_pick"
MODE_WIDGET = "projection_mode_pick"


def _on_size() -> None:
    value = st.session_state.get(FIELD_SIZE_WIDGET)
    if value in (63, 34):
        position.set_field_size(int(value))
        state.bump_revision()


def _on_mode() -> None:
    value = st.session_state.get(MODE_WIDGET)
    if value in ("drift", "fixed"):
        st.session_state[position.MODE_KEY] = value
        state.bump_revision()


def controls() -> None:
    """The field's size (63 provinces, or the 34 after the July 2025 merger) and how rivals are projected."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.segmented_control(
            t("app.ranking.field_size"),
            options=[63, 34],
            default=position.field_size(),
            format_func=labels([63, 34], lambda n: t("app.ranking.provinces", n=n)),
            key=FIELD_SIZE_WIDGET,
            required=True,
            on_change=_on_size,
            help=t("app.ranking.field_size_help"),
        )
        st.segmented_control(
            t("app.ranking.mode"),
            options=["drift", "fixed"],
            default=position.projection_mode(),
            format_func=labels(["drift", "fixed"], lambda mode: t(f"app.ranking.mode.{mode}")),
            key=MODE_WIDGET,
            required=True,
            on_change=_on_mode,
            help=t("app.ranking.mode_help"),
        )


def field_frame(f: Field, ours: str | None) -> pd.DataFrame:
    """Every entry of a field with its provenance, band, published rank and source."""
    rows: list[dict[str, Any]] = []
    rank = 0
    previous: int | None = None
    for position_in_table, e in enumerate(f.entries, start=1):
        cents = round(e.score * 100)
        if cents != previous:
            rank = position_in_table
            previous = cents
        rows.append(
            {
                "rank": rank,
                "province": ("★ " if e.province == ours else "") + e.province,
                "score": num(e.score, 2),
                "provenance": t(f"app.provenance.{e.provenance}"),
                "band": "" if e.is_exact else f"{num(e.score_low, 2)}–{num(e.score_high, 2)}",
                # Text, not numbers with None: the grid shows a missing value as a grey "None".
                "published_rank": "" if e.published_rank is None else str(e.published_rank),
                "source": e.source_url,
                "note": _note(e),
            }
        )
    return pd.DataFrame(rows)


def _note(e: FieldEntry) -> str:
    """The source's own note in English, the way it gives the figure in Vietnamese: the notes in data/results
    quote English and Vietnamese pages verbatim, and the Vietnamese page shows only words of its language."""
    if lang() == "en":
        return e.note or e.basis
    return t(f"field.basis.{e.basis}") if e.basis in SOURCE_BASES else ""


def field_columns() -> dict[str, Any]:
    return {
        "rank": st.column_config.NumberColumn(t("app.ranking.col.rank"), width="small"),
        "province": st.column_config.TextColumn(t("app.ranking.col.province")),
        "score": st.column_config.TextColumn(t("app.ranking.col.score")),
        "provenance": st.column_config.TextColumn(t("app.ranking.col.provenance")),
        "band": st.column_config.TextColumn(t("app.ranking.col.band"), help=t("app.ranking.col.band_help")),
        "published_rank": st.column_config.TextColumn(t("app.ranking.col.published_rank"), width="small"),
        "source": st.column_config.LinkColumn(
            t("app.ranking.col.source"), display_text=t("app.ranking.col.open")
        ),
        "note": st.column_config.TextColumn(
            t("app.ranking.col.note"), width="large", help=t("app.ranking.col.note_help")
        ),
    }


def provenance_counts(f: Field) -> str:
    parts = []
    for kind in ("official", "sourced", "reconstructed", "custom", "projected"):
        n = f.count(kind)
        if n:
            parts.append(f"{t(f'app.provenance.{kind}')}: {n}")
    return " · ".join(parts)


def ladder_rungs(f: Field, rank: RankResult, above: int = 6, below: int = 4) -> list[charts.LadderRung]:
    """Our scenario among the field, `above` provinces over it and `below` under it, at the ranks
    planner.field.ranking gave them (the header's rank for ours); a reconstructed rival carries its band."""
    entries = {e.province: e for e in f.entries}

    def rung(n: Neighbour) -> charts.LadderRung:
        entry = entries[n.province]
        band = (None, None) if entry.is_exact else (entry.score_low, entry.score_high)
        return charts.LadderRung(
            n.rank, n.province, n.score, False, t(f"app.provenance.{n.provenance}"), *band
        )

    over = sorted(rank.above, key=lambda n: (n.rank, n.province))  # highest first, ties by name
    ours = t("app.ranking.our_scenario")
    return [
        *(rung(n) for n in over[max(0, len(over) - above) :]),
        charts.LadderRung(rank.rank, rank.province or ours, rank.score, True, ours),
        *(rung(n) for n in rank.below[:below]),
    ]


def overrides_frame(projection: Projection, exclude: str | None) -> pd.DataFrame:
    overrides = position.rival_overrides()
    expected = projection.expected_scores(exclude)
    rows = []
    for rival in projection.rivals:
        if rival.province not in expected:
            continue
        rows.append(
            {
                "province": rival.province,
                "base": num(rival.base_score),  # read-only columns: pre-formatted (83,87 in Vietnamese)
                "expected": num(expected[rival.province]),
                # typed as text and read here, so "+1,5" works and nothing is changed silently
                "change": _signed(overrides.get(rival.province)),
            }
        )
    return pd.DataFrame(rows)


def _signed(value: float | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + num(value, 2, trim=True)


def apply_overrides(key: str, provinces: list[str]) -> None:
    """Rival changes typed in the table become the projection's overrides (an empty cell removes one). A value
    that is not a number, or outside ±100 points, is reported and the old one kept."""
    delta = st.session_state.get(key) or {}
    edited = {int(k): v for k, v in (delta.get("edited_rows") or {}).items()}
    overrides = dict(position.rival_overrides())
    for row, changes in edited.items():
        if not 0 <= row < len(provinces) or "change" not in changes:
            continue
        text = str(changes["change"] or "").strip()
        name = provinces[row]
        if not text:
            overrides.pop(name, None)
            continue
        value = state.typed_number(text)
        if value is None:
            continue
        if not -100.0 <= value <= 100.0:
            state.notify("app.ranking.bad_change", text=text[:40], province=name)
            continue
        if value == 0:
            overrides.pop(name, None)
        else:
            overrides[name] = value
    position.set_rival_overrides(overrides)
    state.bump_revision()


def clear_overrides() -> None:
    position.set_rival_overrides({})
    state.bump_revision()
