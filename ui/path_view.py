"""The path page's state and calls: the horizon and yearly targets as the user writes them, the exact path
(planner.optimiser.horizon), cached across sessions by content, and the frames the page shows.

The yearly targets are typed in a small table, one row per year, as provinces write them: a rank ("30"), a band
("25-30"), a score ("88,5"), or nothing. The table is read as text and parsed here, so nothing is silently turned
into a number: a value that does not read is reported next to the table, in the user's language, and the last
valid settings stay in force.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner.core.errors import OptimiseError, PlannerError, Problem
from planner.core.i18n import Lang, parse_number
from planner.field.bundled import field_years
from planner.methodology.model import Methodology, content_digest
from planner.methodology.scenario import Scenario
from planner.methodology.target import parse_target
from planner.optimiser.competition import Competition, TargetMode, default_own_sd
from planner.optimiser.effort import EffortTable
from planner.optimiser.horizon import (
    PathFrontierPoint,
    PathResult,
    PathSettings,
    YearTarget,
    agency_years,
    deadline_years,
    optimise_path,
    path_competitions,
    path_frontier,
    path_with_blockers,
)
from planner.optimiser.levers import LeverSet, build_levers
from planner.optimiser.path import MAX_YEARS
from planner.optimiser.scheme_change import HorizonBreak, SchemeChange, horizon_break, scheme_change
from planner.optimiser.solver import DEFAULT_TIME_LIMIT
from ui import cache, optimise_view, position, state
from ui.text import lang, num, points, prob, t

RowKind = Literal["none", "rank", "band", "score"]
ROW_KINDS: tuple[RowKind, ...] = ("none", "rank", "band", "score")
INPUTS_KEY = "_path_inputs"
RESULT_KEY = "_path_result"
#: The key of the path whose blockers have been analysed (see analyse_blockers).
BLOCKERS_KEY = "_path_blockers_of"
FRONTIER_KEY = "_path_frontier"
ERRORS_KEY = "_path_errors"
#: The effort table loaded for the next methodology's items: (methodology id, table).
NEXT_EFFORT_KEY = "_path_next_effort"
NEXT_EFFORT_ERROR_KEY = "_path_next_effort_error"


@dataclass(frozen=True)
class YearRow:
    year: int
    kind: RowKind = "none"
    value: str = ""
    budget: float | None = None


@dataclass(frozen=True)
class PathInputs:
    """What the user asked the path for (kept under a non-widget key)."""

    first: int
    last: int
    rows: tuple[YearRow, ...]
    rivals: Literal["mean", "fixed"] = "mean"
    upkeep_codes: tuple[str, ...] = ()
    upkeep: float = 0.0
    use_deadlines: bool = False
    #: The methodology chosen for the years of the next decision inside the horizon ("": stop before them).
    next_scheme: str = ""


def default_inputs(scenario: Scenario) -> PathInputs:
    """The horizon the case itself states: an example's period (Quảng Ngãi's 2022-2025 plan to rank 25-30),
    else the years after the latest results known before the plan year, up to the plan year; the workspace's
    target rank (or the example's band) in the last year."""
    from planner.field.bundled import latest_field_year
    from ui import examples

    index = position.current_index()
    last = scenario.year or max(field_years(index)) + 1
    workspace = state.workspace()
    example = examples.example(workspace.example_id) if workspace.example_id else None
    if example is not None and example.path_from is not None and example.path_from <= last:
        first = max(example.path_from, last - MAX_YEARS + 1)
    else:
        try:
            first = min(last, latest_field_year(before=last, index=index) + 1)
        except PlannerError:
            first = last
    final = YearRow(last)
    target = state.case_target()
    if target is not None and target.kind == "band":
        final = YearRow(last, "band", f"{target.best_rank}-{target.rank}")
    elif target is not None and target.kind == "score" and target.score is not None:
        final = YearRow(last, "score", num(target.score, 2, trim=True))
    elif target is not None and target.rank is not None:
        final = YearRow(last, "rank", str(target.rank))
    rows = tuple(final if y == last else YearRow(y) for y in range(first, last + 1))
    return PathInputs(first, last, rows)


def inputs(scenario: Scenario) -> PathInputs:
    value = st.session_state.get(INPUTS_KEY)
    return value if isinstance(value, PathInputs) else default_inputs(scenario)


def set_inputs(scenario: Scenario, **changes: Any) -> None:
    st.session_state[INPUTS_KEY] = replace(inputs(scenario), **changes)


def set_years(scenario: Scenario, first_key: str, last_key: str) -> None:
    """New first or last year: rows kept for the years that stay, empty rows for new ones; a horizon longer than
    the planner accepts, or reversed, is refused with a message and the old one kept."""
    current = inputs(scenario)
    first = int(st.session_state.get(first_key) or current.first)
    last = int(st.session_state.get(last_key) or current.last)
    if last < first or last - first + 1 > MAX_YEARS:
        st.session_state[ERRORS_KEY] = [t("app.path.bad_horizon", n=MAX_YEARS)]
        return
    old = {r.year: r for r in current.rows}
    rows = tuple(old.get(y, YearRow(y)) for y in range(first, last + 1))
    st.session_state[INPUTS_KEY] = replace(current, first=first, last=last, rows=rows)
    st.session_state.pop(ERRORS_KEY, None)


def rows_frame(i: PathInputs) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [str(r.year) for r in i.rows],
            "kind": [t(f"app.path.kind.{r.kind}") for r in i.rows],
            "value": [r.value for r in i.rows],
            "budget": [num(r.budget, 2, trim=True) if r.budget is not None else "" for r in i.rows],
        }
    )


def apply_row_edits(scenario: Scenario, key: str) -> None:
    """Fold the table's edits into the inputs (see `with_edits`); problems are shown next to the table."""
    current = inputs(scenario)
    labels = {t(f"app.path.kind.{k}"): k for k in ROW_KINDS}
    updated, errors = with_edits(current, st.session_state.get(key) or {}, labels)
    st.session_state[INPUTS_KEY] = updated
    st.session_state[ERRORS_KEY] = errors + settings_errors(updated)


def with_edits(
    current: PathInputs, edits: Mapping[str, Any], labels: Mapping[str, RowKind]
) -> tuple[PathInputs, list[str]]:
    """The inputs with the data editor's `edits` applied: kinds by their label, values kept as typed text,
    budgets read as numbers in either style (12,5 or 12.5). A budget that does not read keeps the old value and
    is reported; nothing is changed silently."""
    rows = list(current.rows)
    errors: list[str] = []
    for index_text, change in (edits.get("edited_rows") or {}).items():
        index = int(index_text)
        if not 0 <= index < len(rows):
            continue
        row = rows[index]
        kind = row.kind
        if "kind" in change:
            kind = labels.get(str(change["kind"] or ""), "none")
        value = str(change.get("value", row.value) or "").strip()
        budget = row.budget
        if "budget" in change:
            text = str(change["budget"] or "").strip()
            if not text:
                budget = None
            else:
                try:
                    budget = parse_number(text)
                    if budget < 0:
                        raise ValueError
                except (ValueError, ArithmeticError):
                    budget = row.budget
                    errors.append(t("app.path.bad_budget", year=str(row.year), text=text))
        rows[index] = YearRow(row.year, kind, value, budget)
    return replace(current, rows=tuple(rows)), errors


def _target_of(row: YearRow) -> YearTarget | Problem | None:
    """The year's target, or the message saying why its value does not read."""
    if row.kind == "none":
        return None
    try:
        target = parse_target(row.kind, row.value)
    except (ValueError, ArithmeticError):
        return Problem(f"app.path.bad_value.{row.kind}", {"year": str(row.year), "text": row.value or "–"})
    return YearTarget(year=row.year, **target.model_dump())


def _problems(i: PathInputs) -> list[Problem]:
    return [x for x in (_target_of(r) for r in i.rows) if isinstance(x, Problem)]


def settings_errors(i: PathInputs) -> list[str]:
    return [p.message(lang()) for p in _problems(i)]


def settings_of(i: PathInputs, m: Methodology) -> PathSettings:
    """The path settings of the inputs; OptimiseError listing every value that does not read."""
    problems = _problems(i)
    if problems:
        raise OptimiseError("app.path.bad_settings", problems=problems)
    targets = tuple(x for x in (_target_of(r) for r in i.rows) if isinstance(x, YearTarget))
    deadlines = deadline_years(m) if i.use_deadlines else {}
    years = tuple(range(i.first, i.last + 1))
    return PathSettings(
        years=years,
        targets=targets,
        budgets={r.year: r.budget for r in i.rows if r.budget is not None},
        upkeep=dict.fromkeys(i.upkeep_codes, i.upkeep) if i.upkeep > 0 else {},
        deadlines={c: y for c, y in deadlines.items() if y < years[-1]},
        rivals=i.rivals,
    )


def competitions(m: Methodology, scenario: Scenario, settings: PathSettings) -> dict[int, Competition] | None:
    """Each year's competition, projected from the field before the first year, on the session's field size,
    rival changes and loaded tables (None without a province: score targets still work)."""
    if scenario.province is None:
        return None
    mode: TargetMode = "fixed" if settings.rivals == "fixed" else "mean"
    return path_competitions(
        settings.years,
        scenario.province,
        rivals=mode,
        provinces=position.field_size(),
        own_sd=default_own_sd(m),
        loaded=tuple(position.loaded_fields().values()),
        overrides=position.rival_overrides() or None,
        index=m.index,
    )


def _key(
    m: Methodology,
    scenario: Scenario,
    table: EffortTable,
    locked: tuple[str, ...],
    settings: PathSettings,
    change: SchemeChange | None = None,
) -> str:
    """The cache key: a hash of the content of everything the path reads, never a name a user chooses."""
    payload = {
        "m": content_digest(m),
        "next": None
        if change is None
        else [
            change.year,
            content_digest(change.methodology),
            change.levers.effort_table().model_dump(mode="json"),
        ],
        "scenario": scenario.model_dump(mode="json"),
        "effort": table.model_dump(mode="json"),
        "locked": list(locked),
        "settings": settings.model_dump(mode="json"),
        "size": position.field_size(),
        "overrides": sorted(position.rival_overrides().items()),
        "loaded": sorted(str(position.field_key(f)) for f in position.loaded_fields().values()),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:24]


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _solve_cached(
    key: str, _levers: LeverSet, _settings: PathSettings, _comps: Any, _change: SchemeChange | None
) -> PathResult:
    """The path alone: its blockers are found afterwards (_blockers_cached), so the page shows it first."""
    return optimise_path(
        _levers, _settings, _comps, time_limit=DEFAULT_TIME_LIMIT, blockers=False, change=_change
    )


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _blockers_cached(
    key: str,
    _levers: LeverSet,
    _settings: PathSettings,
    _comps: Any,
    _change: SchemeChange | None,
    _result: PathResult,
) -> PathResult:
    """`_result` with what blocks it; `key` is a hash of the question's content and of that result."""
    return path_with_blockers(
        _levers, _settings, _result, _comps, time_limit=DEFAULT_TIME_LIMIT, change=_change
    )


def horizon_break_of(m: Methodology, i: PathInputs) -> HorizonBreak | None:
    """Where the horizon runs into another decision's years (planner.optimiser.scheme_change)."""
    return horizon_break(m, tuple(range(i.first, i.last + 1)))


def next_scheme_choices(m: Methodology) -> tuple[str, ...]:
    """The methodologies of the same index the user can choose for the next decision's years: bundled, loaded
    in this session, saved in the store."""
    out = []
    for scheme_id in cache.available_methodologies():
        if scheme_id == m.id:
            continue
        try:
            if cache.methodology(scheme_id).index == m.index:
                out.append(scheme_id)
        except PlannerError:
            continue
    return tuple(out)


def change_of(m: Methodology, scenario: Scenario) -> SchemeChange | None:
    """The change the user chose: the next scheme from the break year, today's scenario carried into it, its
    items costed by default efforts (labelled); None without a break or a choice."""
    i = inputs(scenario)
    found = horizon_break_of(m, i)
    if found is None or not i.next_scheme or i.next_scheme not in next_scheme_choices(m):
        return None
    return scheme_change(
        levers(m, scenario), found.year, cache.methodology(i.next_scheme), next_effort(i.next_scheme)
    )


def next_effort(scheme_id: str) -> EffortTable | None:
    """The effort table loaded for `scheme_id`'s items (None: default efforts)."""
    value = st.session_state.get(NEXT_EFFORT_KEY)
    if isinstance(value, tuple) and value[0] == scheme_id:
        table: EffortTable = value[1]
        return table
    return None


def read_next_effort_upload(key: str, scheme_id: str) -> None:
    """An uploaded effort table for the next methodology, kept if it reads in full against it; otherwise the
    message is kept for the page and the table before stays."""
    uploaded = st.session_state.get(key)
    if uploaded is None or not scheme_id:
        return
    try:
        table = optimise_view.effort_from_upload(
            uploaded, cache.methodology(scheme_id), optimise_view.effort_table().unit
        )
    except PlannerError as exc:
        st.session_state[NEXT_EFFORT_ERROR_KEY] = exc
        return
    st.session_state.pop(NEXT_EFFORT_ERROR_KEY, None)
    st.session_state[NEXT_EFFORT_KEY] = (scheme_id, table)


def levers(m: Methodology, scenario: Scenario) -> LeverSet:
    """The same levers as the Optimiser page: its effort table, locks and agency budgets."""
    i = optimise_view.inputs()
    return build_levers(m, scenario, optimise_view.table_with_locks(optimise_view.effort_table(), i.locked))


def current_key(m: Methodology, scenario: Scenario) -> str | None:
    try:
        settings = settings_of(inputs(scenario), m)
        change = change_of(m, scenario)
    except (PlannerError, ValueError):
        return None
    return _key(m, scenario, optimise_view.effort_table(), optimise_view.inputs().locked, settings, change)


@dataclass(frozen=True)
class _Question:
    """What the path reads for the current inputs, and its cache key."""

    key: str
    levers: LeverSet
    settings: PathSettings
    competitions: dict[int, Competition] | None
    change: SchemeChange | None


def _question(m: Methodology, scenario: Scenario) -> _Question:
    try:
        settings = settings_of(inputs(scenario), m)
    except ValueError as exc:  # a PathSettings rule (e.g. a budget outside the years)
        raise OptimiseError("path.bad_setting", detail=str(exc)) from None
    lv = levers(m, scenario)
    comps = competitions(m, scenario, settings)
    if comps is None and settings.ranked:
        raise OptimiseError("app.optimiser.needs_field")
    change = change_of(m, scenario)
    key = _key(m, scenario, optimise_view.effort_table(), optimise_view.inputs().locked, settings, change)
    return _Question(key, lv, settings, comps, change)


def solve(m: Methodology, scenario: Scenario) -> PathResult:
    """Run (or fetch) the path for the current inputs and keep it as the page's result; when no path meets the
    targets, what blocks it is left to analyse_blockers, which the page runs once the path is on screen."""
    q = _question(m, scenario)
    result = _solve_cached(q.key, q.levers, q.settings, q.competitions, q.change)
    if result.cut_short:
        # cut short by the time limit, which depends on how busy the server was: this session keeps the
        # answer, and the next to ask gets a fresh solve rather than this one for an hour
        _solve_cached.clear(q.key, q.levers, q.settings, q.competitions, q.change)
    st.session_state[RESULT_KEY] = (q.key, result)
    st.session_state.pop(BLOCKERS_KEY, None)
    return result


def blockers_pending(fresh: bool) -> bool:
    """True when the page's result is the current inputs' path (`fresh`, as last_result or a run just told the
    page), no path meets the targets and what blocks it has not been analysed yet."""
    value = st.session_state.get(RESULT_KEY)
    if not fresh or not isinstance(value, tuple):
        return False
    key, result = value
    return bool(result.status == "infeasible" and st.session_state.get(BLOCKERS_KEY) != key)


def analyse_blockers(m: Methodology, scenario: Scenario) -> PathResult:
    """The page's result with what blocks it (cached across sessions by the path's key), kept as the result."""
    q = _question(m, scenario)
    key, result = st.session_state[RESULT_KEY]
    if key != q.key:  # the inputs moved on since the path was solved: that path is not the current question's
        raise OptimiseError("path.result_mismatch")
    # keyed on the path itself too: the blockers explain that path, whichever of equal paths a solve returned
    path_key = hashlib.sha256(f"{q.key}:{result.model_dump_json()}".encode()).hexdigest()[:24]
    try:
        found = _blockers_cached(path_key, q.levers, q.settings, q.competitions, q.change, result)
    except PlannerError:
        st.session_state[BLOCKERS_KEY] = q.key  # said once; running the path again tries again
        raise
    if found.cut_short:
        _blockers_cached.clear(path_key, q.levers, q.settings, q.competitions, q.change, result)
    st.session_state[RESULT_KEY] = (q.key, found)
    st.session_state[BLOCKERS_KEY] = q.key
    return found


def last_result(m: Methodology, scenario: Scenario) -> tuple[PathResult | None, bool]:
    value = st.session_state.get(RESULT_KEY)
    if not isinstance(value, tuple):
        return None, False
    key, result = value
    return result, key == current_key(m, scenario)


def run_frontier(m: Methodology, scenario: Scenario, result: PathResult) -> tuple[PathFrontierPoint, ...]:
    """Total effort against the final-year rank, for the ranks from where the path's baseline stands to ten
    places above the path's final rank (bounded: one exact solve per rank)."""
    settings = settings_of(inputs(scenario), m)
    comps = competitions(m, scenario, settings)
    if comps is None:
        raise OptimiseError("app.optimiser.needs_field")
    worst = result.final.rank or comps[settings.years[-1]].n
    start = min(worst, result.baseline_rank or worst)
    ranks = range(max(1, min(worst, start) - 12), start + 1)
    found = path_frontier(levers(m, scenario), settings, comps, ranks, change=change_of(m, scenario))
    st.session_state[FRONTIER_KEY] = (current_key(m, scenario), found)
    return found


def stored_frontier(m: Methodology, scenario: Scenario) -> tuple[PathFrontierPoint, ...] | None:
    value = st.session_state.get(FRONTIER_KEY)
    if isinstance(value, tuple) and value[0] == current_key(m, scenario):
        found: tuple[PathFrontierPoint, ...] = value[1]
        return found
    return None


# --- frames ---------------------------------------------------------------------------------------------------


def years_frame(result: PathResult) -> pd.DataFrame:
    """One row per year: target, score needed, planned score, rank, chance, effort, budget, items, met."""
    rows = [
        {
            t("app.path.col.year"): t("app.path.today"),
            t("app.path.col.target"): "",
            t("app.path.col.needed"): "",
            t("app.path.col.score"): points(result.baseline_score),
            t("app.path.col.rank"): t(
                "app.path.today_rank",
                rank=_rank(result.baseline_rank, result.n_provinces),
                year=str(result.years[0].year),
            )
            if result.baseline_rank is not None
            else "",
            t("app.path.col.p"): "",
            t("app.path.col.effort"): "",
            t("app.path.col.budget"): "",
            t("app.path.col.items"): "",
            t("app.path.col.met"): "",
        }
    ]
    for y in result.years:
        rows.append(
            {
                t("app.path.col.year"): str(y.year),
                t("app.path.col.target"): y.target.describe(lang()) if y.target else "",
                t("app.path.col.needed"): points(y.target_score) if y.target_score is not None else "",
                t("app.path.col.score"): points(y.score),
                t("app.path.col.rank"): _rank(y.rank, y.n_provinces),
                t("app.path.col.p"): prob(y.p_reach) if y.p_reach is not None else "",
                t("app.path.col.effort"): num(y.effort, 1, trim=True),
                t("app.path.col.budget"): num(y.budget, 1, trim=True) if y.budget is not None else "",
                t("app.path.col.items"): str(len(y.changes)),
                t("app.path.col.met"): (t("app.path.met") if y.met else t("app.path.not_met"))
                if y.target
                else "",
            }
        )
    frame = pd.DataFrame(rows)
    if result.scheme_change is not None:  # name the scheme of every row when it changes inside the path
        schemes = [result.scheme_change.from_methodology, *(y.methodology for y in result.years)]
        frame.insert(1, t("app.path.col.scheme"), [cache.methodology(x).name(lang()) for x in schemes])
    return frame


def _rank(rank: int | None, n: int | None) -> str:
    return f"{rank}/{n}" if rank is not None and n is not None else ""


def agency_frame(result: PathResult) -> pd.DataFrame:
    years = [y.year for y in result.years]
    rows = []
    for agency, by_year in agency_years(result):
        row: dict[str, str] = {t("app.optimiser.col.agency"): agency or t("app.path.no_lead")}
        for year in years:
            n, gained, effort = by_year.get(year, (0, 0.0, 0.0))
            row[str(year)] = "" if n == 0 else t("app.path.agency_cell", n=n, points=gained, effort=effort)
        row[t("app.path.col.effort")] = num(sum(e for _, _, e in by_year.values()), 1, trim=True)
        rows.append(row)
    return pd.DataFrame(rows)


def changes_frame(result: PathResult, year: int) -> pd.DataFrame:
    language = lang()
    chosen = next(y for y in result.years if y.year == year)
    return pd.DataFrame(
        [
            {
                t("app.table.code"): c.code,
                t("app.table.name"): c.name(language),
                t("app.optimiser.col.agency"): c.lead_agency,
                t("app.path.col.from"): c.from_label_vi
                if language == "vi"
                else (c.from_label_en or c.from_label_vi),
                t("app.path.col.to"): c.to_label_vi if language == "vi" else (c.to_label_en or c.to_label_vi),
                t("app.optimiser.col.gain"): points(c.points_gain),
                t("app.path.col.effort"): num(c.effort, 1, trim=True),
            }
            for c in chosen.changes
        ]
    )


def path_document(
    levers: LeverSet, result: PathResult, m: Methodology, language: Lang, change: SchemeChange | None = None
) -> bytes:
    """The path as one Word Kế hoạch for the period, an appendix per year (built on Download)."""
    from planner.files.word import write_path_document
    from planner.optimiser.horizon import year_plans

    schemes = (change.methodology,) if change is not None else ()
    return write_path_document(year_plans(levers, result, change=change), m, language, schemes=schemes)
