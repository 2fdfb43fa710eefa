"""The Methodology page's pieces: the tree as a table, loading a methodology file, the known versions.

A loaded methodology is validated in full by planner (every problem listed at once) and kept in the session
only. It never shadows a bundled one: if its id is taken, it gets a suffixed id, so loading a file can never
change how the open scenarios are scored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from planner.core.errors import ImportFileError, PlannerError
from planner.core.i18n import Lang
from planner.methodology.catalog import SchemeVersion
from planner.methodology.files import methodology_from_json, methodology_from_yaml, methodology_to_yaml
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.tables.reading import MAX_UPLOAD_BYTES
from ui import cache
from ui.text import lang, points, t

OUTCOME_KEY = "_methodology_outcome"


@dataclass(frozen=True)
class UploadOutcome:
    file_name: str
    methodology_id: str | None = None
    error: PlannerError | None = None


def tree_frame(m: Methodology, *, only_assumptions: bool = False) -> pd.DataFrame:
    """Areas, criteria and sub-criteria in table order, each with its maximum, rule and where it comes from."""
    rows: list[dict[str, Any]] = []
    scored = {i.code: i for i in m.scored_items}
    for area in m.areas:
        rows.append(
            _row(area.code, area.name(lang()), 0, float(area.max_points), area.max_basis, None, area.source)
        )
        for criterion in area.criteria:
            rows.append(
                _row(
                    criterion.code,
                    criterion.name(lang()),
                    1,
                    float(criterion.max_points),
                    criterion.max_basis,
                    scored.get(criterion.code),
                    criterion.source,
                )
            )
            for sub in criterion.sub_criteria:
                rows.append(
                    _row(
                        sub.code,
                        sub.name(lang()),
                        2,
                        float(sub.max_points),
                        sub.max_basis,
                        scored[sub.code],
                        sub.source,
                    )
                )
    frame = pd.DataFrame(rows)
    if only_assumptions:
        frame = frame[
            (frame["rule_basis"] == t("app.methodology.basis.assumption"))
            | (frame["max_basis"] != t("app.methodology.basis.source"))
        ]
    return frame


def _row(
    code: str, name: str, depth: int, max_points: float, max_basis: str, item: Any, source: str
) -> dict[str, Any]:
    rule = item.rule if item is not None else None
    return {
        "code": code,
        "name": ("    " * depth) + name,
        "max": points(max_points),
        "max_basis": t(f"app.methodology.basis.{max_basis}"),
        "assessment": t(f"app.methodology.assessment.{item.assessment}") if item is not None else "",
        "rule": t(f"app.rule.type.{rule.type}") if rule is not None else "",
        "rule_basis": t(f"app.methodology.basis.{rule.basis}") if rule is not None else "",
        "detail": (rule.assumption if rule.is_assumption else rule.source) if rule is not None else source,
    }


def tree_columns() -> dict[str, Any]:
    return {
        "code": st.column_config.TextColumn(t("app.table.code"), width="small"),
        "name": st.column_config.TextColumn(t("app.table.name"), width="large"),
        "max": st.column_config.TextColumn(t("app.table.max")),
        "max_basis": st.column_config.TextColumn(t("app.methodology.max_basis")),
        "assessment": st.column_config.TextColumn(t("app.methodology.assessment")),
        "rule": st.column_config.TextColumn(t("app.methodology.rule")),
        "rule_basis": st.column_config.TextColumn(t("app.methodology.rule_basis")),
        "detail": st.column_config.TextColumn(t("app.methodology.detail"), width="large"),
    }


def read_methodology_file(name: str, payload: bytes) -> Methodology:
    """A methodology from an uploaded file (YAML, JSON or the Excel methodology workbook), validated."""
    lowered = name.lower()
    if len(payload) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            "excel.too_large",
            size_mb=round(len(payload) / 1_048_576, 1),
            limit_mb=MAX_UPLOAD_BYTES // 1_048_576,
        )
    if lowered.endswith((".yaml", ".yml")):
        return methodology_from_yaml(payload)
    if lowered.endswith(".json"):
        return methodology_from_json(payload)
    if lowered.endswith(".xlsx"):
        from planner.files.excel.methodology import read_methodology_workbook

        return read_methodology_workbook(payload)
    raise ImportFileError(
        "cli.unsupported_file_type", suffix=name.rsplit(".", 1)[-1], allowed=".yaml, .json, .xlsx"
    )


def _free_id(wanted: str) -> str:
    taken = set(cache.available_methodologies())
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-upload{n}" in taken:
        n += 1
    return f"{wanted}-upload{n}"


def on_upload(key: str) -> None:
    """Read the uploaded file once (in the uploader's callback) and remember the outcome for the page."""
    uploaded = st.session_state.get(key)
    if uploaded is None:
        st.session_state.pop(OUTCOME_KEY, None)
        return
    name = str(getattr(uploaded, "name", "file"))
    try:
        m = read_methodology_file(name, uploaded.getvalue())
    except PlannerError as exc:
        st.session_state[OUTCOME_KEY] = UploadOutcome(name, error=exc)
        return
    new_id = _free_id(m.id)
    if new_id != m.id:
        m = m.model_copy(update={"id": new_id})
    cache.add_session_methodology(m)
    st.session_state[OUTCOME_KEY] = UploadOutcome(name, methodology_id=m.id)


def last_outcome() -> UploadOutcome | None:
    value = st.session_state.get(OUTCOME_KEY)
    return value if isinstance(value, UploadOutcome) else None


def workbook_maker(m: Methodology, language: Lang) -> Callable[[], bytes]:
    """The methodology as the Excel template (filled), built when the user clicks Download."""

    def make() -> bytes:
        from planner.files.excel.methodology import write_methodology_workbook

        return write_methodology_workbook(m, language)

    return make


def yaml_maker(m: Methodology) -> Callable[[], str]:
    return lambda: methodology_to_yaml(m)


def blank_scenario(methodology_id: str, name: str) -> Scenario:
    return Scenario(methodology=methodology_id, name=name)


def versions_frame(versions: Sequence[SchemeVersion]) -> pd.DataFrame:
    rows = [
        {
            t("app.methodology.decision"): v.decision,
            t("app.methodology.date"): v.date,
            t("app.methodology.index_years"): v.index_years,
            t("app.methodology.structure"): " / ".join(
                "–" if n is None else str(n) for n in (v.areas, v.criteria, v.sub_criteria)
            ),
            t("app.methodology.split"): (
                f"{v.self_assessed_points:g} + {v.survey_points:g}"
                if v.self_assessed_points is not None and v.survey_points is not None
                else "–"
            ),
            t("app.methodology.bundled"): v.bundled_methodology or "–",
            t("app.methodology.status"): v.status_vi if lang() == "vi" else (v.status_en or v.status_vi),
            t("app.methodology.source"): v.source_url,
        }
        for v in versions
    ]
    return pd.DataFrame(rows)
