"""The Methodology page's pieces: the tree as a table, loading a methodology file, the known versions.

A loaded methodology is validated in full by planner (every problem listed at once) and kept in the session
only. It never shadows a bundled one: if its id is taken, it gets a suffixed id, so loading a file can never
change how the open scenarios are scored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from planner.core.errors import PlannerError
from planner.core.i18n import Lang
from planner.files.appendix import ReviewRow
from planner.files.methodology_file import import_methodology
from planner.methodology.catalog import SchemeVersion
from planner.methodology.editing import NodeRow, methodology_from_node_rows, node_rows
from planner.methodology.files import methodology_to_yaml, with_id
from planner.methodology.matching import ItemPair, SchemeMatch, carry_scenario, match_schemes
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import score_scenario
from planner.store import SavedMethodology
from ui import cache, persist, state
from ui.text import lang, points, t

OUTCOME_KEY = "_methodology_outcome"


@dataclass(frozen=True)
class UploadOutcome:
    file_name: str
    methodology_id: str | None = None
    error: PlannerError | None = None
    review: tuple[ReviewRow, ...] = ()


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
        imported = import_methodology(name, uploaded.getvalue(), lang=lang())
    except PlannerError as exc:
        st.session_state[OUTCOME_KEY] = UploadOutcome(name, error=exc)
        return
    m = imported.methodology
    m = with_id(m, _free_id(m.id))
    cache.add_session_methodology(m)
    st.session_state[OUTCOME_KEY] = UploadOutcome(name, methodology_id=m.id, review=imported.review)
    st.session_state["methodology_pick"] = m.id  # the page shows the imported tree, ready for review


def review_frame(rows: Sequence[ReviewRow]) -> pd.DataFrame:
    """What the reader of a document could not take as it stands: where, the row's text, what was done."""
    return pd.DataFrame(
        [
            {
                t("app.methodology.review.where"): row.where,
                t("app.methodology.review.problem"): t(row.problem.key, **row.problem.params),
                t("app.methodology.review.text"): row.text,
            }
            for row in rows
        ]
    )


def diff_frame(match: SchemeMatch) -> pd.DataFrame:
    """Two schemes item by item: paired (how, and what changed), added, removed."""
    rows: list[dict[str, Any]] = []
    for pair in match.pairs:
        status = "changed" if pair.changed else ("moved" if pair.a != pair.b else "same")
        rows.append(
            _diff_row(pair.a, pair.b, points(float(pair.max_a)), points(float(pair.max_b)), status, pair)
        )
    for code in match.removed:
        rows.append(
            _diff_row(code, "", points(float(match.a.item(code).node.max_points)), "", "removed", None)
        )
    for code in match.added:
        rows.append(_diff_row("", code, "", points(float(match.b.item(code).node.max_points)), "added", None))
    return pd.DataFrame(rows)


def _diff_row(a: str, b: str, max_a: str, max_b: str, status: str, pair: ItemPair | None) -> dict[str, Any]:
    how = t(f"app.methodology.diff.by.{pair.by}") if pair is not None else ""
    rule = t("app.methodology.diff.rule_changed") if pair is not None and pair.rule_changed else ""
    return {
        t("app.methodology.diff.a"): a,
        t("app.methodology.diff.b"): b,
        t("app.methodology.diff.max_a"): max_a,
        t("app.methodology.diff.max_b"): max_b,
        t("app.methodology.diff.status"): t(f"app.methodology.diff.status.{status}"),
        t("app.methodology.diff.how"): how,
        t("app.methodology.diff.rule"): rule,
    }


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


PAIRS_KEY = "_methodology_pairs"


def pair_overrides(a: str, b: str) -> dict[str, str | None]:
    """The pairs the user set between schemes `a` and `b` in this session (code in A → code in B or None)."""
    value: dict[tuple[str, str], dict[str, str | None]] = st.session_state.get(PAIRS_KEY, {})
    return dict(value.get((a, b), {}))


def scheme_match(a: Methodology, b: Methodology) -> SchemeMatch:
    """The matching of `a` to `b` with the user's overrides: one answer for the table, the chart and the carry."""
    return match_schemes(a, b, pair_overrides(a.id, b.id))


def apply_pair_edits(a: str, b: str, key: str, codes_a: list[str]) -> None:
    """New partners typed in the comparison's "code (new)" column become overrides (empty: no partner)."""
    delta = st.session_state.get(key) or {}
    overrides = pair_overrides(a, b)
    target = cache.methodology(b)
    for index, changes in (delta.get("edited_rows") or {}).items():
        column = t("app.methodology.diff.b")
        if not 0 <= int(index) < len(codes_a) or column not in changes or not codes_a[int(index)]:
            continue
        code_b = str(changes[column] or "").strip()
        if code_b and code_b not in target.item_index:
            state.notify("app.methodology.diff.unknown_code", code=code_b)
            continue
        overrides[codes_a[int(index)]] = code_b or None
    pairs: dict[tuple[str, str], dict[str, str | None]] = dict(st.session_state.get(PAIRS_KEY, {}))
    pairs[(a, b)] = overrides
    st.session_state[PAIRS_KEY] = pairs
    state.bump_revision()


def carry_current(methodology_id: str) -> None:
    """The active scenario carried onto another scheme (planner.methodology.matching), as a new scenario beside
    it; the user is told how many items came across and what the total became."""
    scenario = state.current()
    source = cache.methodology(scenario.methodology)
    target = cache.methodology(methodology_id)
    result = carry_scenario(scenario, scheme_match(source, target))
    name = state.unique_name(t("app.methodology.carried_name", name=scenario.name or source.id)[:190])
    if state.add(result.scenario.model_copy(update={"name": name})) is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)
        return
    state.notify(
        "app.methodology.carried",
        carried=len(result.carried),
        before=points(score_scenario(source, scenario).total),
        after=points(score_scenario(target, result.scenario).total),
        missing=len(result.not_carried),
    )


def save_to_store(methodology_id: str) -> None:
    """Keep a loaded scheme in the store, for every session of the server (a new version if it changed)."""
    store = persist.store()
    if store is None:
        state.notify("app.methodology.store_off")
        return
    try:
        saved = store.save_methodology(cache.methodology(methodology_id), persist.OWNER)
    except PlannerError as exc:
        state.notify("app.methodology.save_failed", detail=exc.one_line(lang()))
        return
    state.notify("app.methodology.saved", id=saved.scheme_id, version=saved.version)


def saved_frame(saved: Sequence[SavedMethodology]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("app.methodology.saved.id"): s.scheme_id,
                t("app.methodology.saved.name"): s.name,
                t("app.methodology.saved.version"): s.version,
                t("app.methodology.saved.items"): s.items,
                t("app.methodology.saved.at"): s.saved_at.strftime("%d/%m/%Y %H:%M"),
            }
            for s in saved
        ]
    )


EDIT_ERROR_KEY = "_methodology_edit_error"
EDIT_COLUMNS = ("review", "code", "parent", "name", "max", "survey", "scoring", "origin")


def editable(methodology_id: str) -> bool:
    """Bundled schemes are read-only (copy one to edit it); a loaded or saved one is edited in the session."""
    return methodology_id not in cache.bundled_ids()


def review_notes(methodology_id: str) -> dict[str, str]:
    """For the scheme the last document import produced: each flagged item's code and what was done about it,
    so the editor marks the rows that need a look."""
    outcome = last_outcome()
    if outcome is None or outcome.methodology_id != methodology_id:
        return {}
    notes: dict[str, str] = {}
    for row in outcome.review:
        code = row.problem.params.get("code")
        if isinstance(code, str) and code not in notes:
            notes[code] = "⚠ " + t(row.problem.key, **row.problem.params)
    return notes


def edit_frame(m: Methodology) -> pd.DataFrame:
    """The scheme as the editor's rows (maxima as numbers: the user types into them), flagged rows marked."""
    notes = review_notes(m.id)
    return pd.DataFrame(
        [
            {
                "review": notes.get(r.code, ""),
                "code": r.code,
                "parent": r.parent,
                "name": r.name,
                "max": float(r.max_points) if r.max_points is not None else None,
                "survey": r.survey,
                "scoring": r.scoring,
                "origin": r.origin,
            }
            for r in node_rows(m)
        ],
        columns=list(EDIT_COLUMNS),
    )


def edit_key(methodology_id: str) -> str:
    return f"tree_edit.{methodology_id}.{state.revision()}"


def apply_tree_edit(methodology_id: str, key: str) -> None:
    """The editor's changes (edited, added, deleted rows) applied to the scheme: a valid result replaces the
    session's copy (same id), anything wrong is kept for the page to list and changes nothing."""
    m = cache.methodology(methodology_id)
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in row.items()} for row in edit_frame(m).to_dict("records")
    ]
    delta = st.session_state.get(key) or {}
    for index, changes in (delta.get("edited_rows") or {}).items():
        if 0 <= int(index) < len(rows):
            rows[int(index)].update(changes)
    deleted = {int(i) for i in delta.get("deleted_rows") or []}
    rows = [row for i, row in enumerate(rows) if i not in deleted]
    rows.extend(delta.get("added_rows") or [])
    try:
        edited = methodology_from_node_rows(m, [_node_row(row) for row in rows])
    except PlannerError as exc:
        st.session_state[EDIT_ERROR_KEY] = exc
        return
    st.session_state.pop(EDIT_ERROR_KEY, None)
    cache.add_session_methodology(edited)
    state.bump_revision()
    state.notify(
        "app.methodology.edited", items=len(edited.scored_items), total=points(float(edited.total_points))
    )


def _node_row(row: dict[str, Any]) -> NodeRow:
    def text(key: str) -> str:
        value = row.get(key)
        return "" if value is None or (isinstance(value, float) and value != value) else str(value)

    maximum = row.get("max")
    try:
        max_points = None if maximum in (None, "") else Decimal(str(round(float(maximum), 2)))
    except (TypeError, ValueError):
        max_points = None
    return NodeRow(
        text("code").strip(),
        text("parent").strip(),
        text("name"),
        max_points,
        bool(row.get("survey")),
        text("scoring"),
        origin=text("origin"),
    )


def last_edit_error() -> PlannerError | None:
    value = st.session_state.get(EDIT_ERROR_KEY)
    return value if isinstance(value, PlannerError) else None


def copy_to_edit(methodology_id: str) -> None:
    """A bundled scheme copied under a new id into the session, and picked on the page, ready to edit."""
    m = cache.methodology(methodology_id)
    copy = with_id(m, _free_id(f"{m.id}-ban-sao"))
    cache.add_session_methodology(copy)
    st.session_state["methodology_pick"] = copy.id


def blank_scenario(methodology_id: str, name: str) -> Scenario:
    return Scenario(methodology=methodology_id, name=name)


def versions_frame(versions: Sequence[SchemeVersion]) -> pd.DataFrame:
    rows = [
        {
            t("app.methodology.decision"): v.decision,
            t("app.methodology.date"): v.date,
            t("app.methodology.index_years"): v.years_text(lang()),
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
