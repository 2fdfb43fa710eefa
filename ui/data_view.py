"""The Data page's pieces: the notes of an example's items, and loading a results table into the session.

An uploaded table is read once, in the uploader's callback, by planner.field.results_table (which refuses anything
malformed and lists every problem); only a table that reads in full becomes the session's field for its year,
so a bad file never changes the ranking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import streamlit as st

from planner.core.errors import PlannerError
from planner.core.i18n import Lang
from planner.field.results_table import read_results_file
from planner.methodology.scenario import Scenario
from ui import position, state
from ui.text import t

OUTCOME_KEY = "_results_outcome"


@dataclass(frozen=True)
class ResultsOutcome:
    file_name: str
    year: int
    n: int = 0
    error: PlannerError | None = None


def item_notes(scenario: Scenario) -> pd.DataFrame:
    """The items of an example that carry a note (how their illustrative value was chosen)."""
    rows = [
        {t("app.table.code"): code, t("app.data.setting"): _setting_text(s), t("app.data.note"): s.note}
        for code, s in scenario.items.items()
        if s.note
    ]
    return pd.DataFrame(rows)


def _setting_text(setting: object) -> str:
    level = getattr(setting, "level", None)
    value = getattr(setting, "value", None)
    points = getattr(setting, "points", None)
    if level is not None:
        return str(level)
    if value is not None:
        return f"{value:g}"
    return f"{points} đ" if points is not None else ""


def results_template(size: int, language: Lang) -> Callable[[], bytes]:
    """The blank results workbook for the 63 or 34 provinces (planner.files.excel.results), built on Download."""

    def make() -> bytes:
        from planner.files.excel.results import write_results_workbook

        return write_results_workbook(34 if size == 34 else 63, None, language)

    return make


def on_results_upload(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    year = int(st.session_state.get("results_year") or 0)
    size: Literal[63, 34] = 34 if st.session_state.get("results_size") == 34 else 63
    partial = bool(st.session_state.get("results_partial"))
    name = str(getattr(uploaded, "name", "file"))
    try:
        f = read_results_file(uploaded.getvalue(), name, year=year, provinces=size, allow_partial=partial)
    except PlannerError as exc:
        st.session_state[OUTCOME_KEY] = ResultsOutcome(name, year, error=exc)
        return
    position.add_loaded_field(f)
    state.bump_revision()
    st.session_state[OUTCOME_KEY] = ResultsOutcome(name, f.year, n=len(f.entries))


def last_results_outcome() -> ResultsOutcome | None:
    value = st.session_state.get(OUTCOME_KEY)
    return value if isinstance(value, ResultsOutcome) else None


def remove_results(year: int, size: int) -> None:
    position.remove_loaded_field(year, size)
    st.session_state.pop(OUTCOME_KEY, None)
    state.bump_revision()
