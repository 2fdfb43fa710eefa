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
from planner.field.dimension_table import DimensionTable, read_dimension_table
from planner.field.index_baseline import index_baseline
from planner.field.results_table import read_results_file
from planner.files.appendix import ReviewRow
from planner.files.appraisal import baseline_from_file
from planner.methodology.rules import ScaleRule
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import score_scenario
from ui import cache, position, state
from ui.text import lang, num, points, t

OUTCOME_KEY = "_results_outcome"
DIMENSIONS_KEY = "_dimension_tables"


def dimension_tables() -> dict[tuple[str, int], DimensionTable]:
    """The dimension scores in the survey-index tables loaded in this session, by (index, year)."""
    value: dict[tuple[str, int], DimensionTable] = st.session_state.get(DIMENSIONS_KEY, {})
    return value


def _dimensions_in(data: bytes, name: str) -> DimensionTable:
    """A survey index's table (PAPI) also gives each province's dimensions; a PAR table has none to give."""
    m = cache.methodology(state.current().methodology)
    if not any(isinstance(i.rule, ScaleRule) for i in m.scored_items) or not name.lower().endswith(
        (".xlsx", ".xlsm", ".csv", ".docx", ".pdf")
    ):
        return {}
    return read_dimension_table(data, name, m)


def start_from_table(year: int) -> None:
    """A new scenario for the session's province on the current survey index, from the loaded table of `year`
    (its dimensions where the table gives them, the rest spread as index_baseline labels it)."""
    scenario = state.current()
    m = cache.methodology(scenario.methodology)
    province = scenario.province
    if province is None:
        state.notify("app.data.start_needs_province")
        return
    dimensions = dimension_tables().get((m.index, year), {})
    try:
        start = index_baseline(
            m,
            province,
            year,
            scenario.year or year + 1,
            loaded=tuple(position.loaded_fields().values()),
            dimensions=dimensions.get(province),
            lang=lang(),
        )
    except PlannerError as exc:
        st.session_state[OUTCOME_KEY] = ResultsOutcome("", year, error=exc)
        return
    state.add(start.scenario.model_copy(update={"target": scenario.target}))
    state.bump_revision()


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
        return num(float(value), 2, trim=True)
    return f"{num(float(points), 2, trim=True)} đ" if points is not None else ""


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
    index = position.current_index()
    try:
        f = read_results_file(
            uploaded.getvalue(), name, year=year, provinces=size, allow_partial=partial, index=index
        )
        dimensions = _dimensions_in(uploaded.getvalue(), name)
    except PlannerError as exc:
        st.session_state[OUTCOME_KEY] = ResultsOutcome(name, year, error=exc)
        return
    position.add_loaded_field(f)
    if dimensions:
        st.session_state[DIMENSIONS_KEY] = {**dimension_tables(), (index, f.year): dimensions}
    state.bump_revision()
    st.session_state[OUTCOME_KEY] = ResultsOutcome(name, f.year, n=len(f.entries))


def last_results_outcome() -> ResultsOutcome | None:
    value = st.session_state.get(OUTCOME_KEY)
    return value if isinstance(value, ResultsOutcome) else None


def remove_results(index: str, year: int, size: int) -> None:
    position.remove_loaded_field(index, year, size)
    st.session_state.pop(OUTCOME_KEY, None)
    state.bump_revision()


APPRAISAL_KEY = "_appraisal_outcome"


@dataclass(frozen=True)
class AppraisalOutcome:
    file_name: str
    message: str = ""
    unmatched: tuple[ReviewRow, ...] = ()
    error: PlannerError | None = None


def on_appraisal_upload(key: str) -> None:
    """The uploaded appraisal table becomes a new scenario (the baseline) on the open scenario's methodology,
    for the same province and year; rows that match no item are kept for the page to list."""
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    name = str(getattr(uploaded, "name", "file"))
    current = state.current()
    m = cache.methodology(current.methodology)
    try:
        result = baseline_from_file(name, uploaded.getvalue(), m, lang=lang())
    except PlannerError as exc:
        st.session_state[APPRAISAL_KEY] = AppraisalOutcome(name, error=exc)
        return
    title = state.unique_name(t("app.data.appraisal_name", file=name)[:190])
    scenario = result.scenario.model_copy(
        update={"name": title, "province": current.province, "year": current.year}
    )
    if state.add(scenario) is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)
        return
    total = score_scenario(m, scenario).total
    message = t(
        "app.data.appraisal_loaded",
        items=len(result.matched),
        missing=len(result.missing),
        unmatched=len(result.unmatched),
        total=points(total),
    )
    st.session_state[APPRAISAL_KEY] = AppraisalOutcome(name, message, result.unmatched)


def last_appraisal_outcome() -> AppraisalOutcome | None:
    value = st.session_state.get(APPRAISAL_KEY)
    return value if isinstance(value, AppraisalOutcome) else None
