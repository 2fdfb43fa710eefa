"""The Optimiser page's state and calls: inputs, effort table, cached exact solves, frontier and chance runs.

The optimiser starts from the active scenario (where the province is now) and asks planner.optimiser.solver for the
least effort to a target (a rank, a rank with a probability, a score) or the most points within a budget. Solves
take milliseconds, so they run in the page and are cached (bounded) by everything they depend on. The frontier
and the chance-constrained plan take longer on large inputs: they report progress into a progress bar and stop
when the user presses Stop (Streamlit interrupts the run at the next progress update; `should_stop` also reads
a session flag set by the Stop button's callback).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner.core.errors import ImportFileError, OptimiseError, PlannerError
from planner.methodology.model import Methodology, content_digest
from planner.methodology.scenario import Scenario
from planner.optimiser.chance import ChanceResult, maximise_probability
from planner.optimiser.competition import Competition, TargetMode
from planner.optimiser.effort import (
    EFFORT_UNITS,
    EffortEntry,
    EffortTable,
    EffortUnit,
    ItemConstraint,
    effort_table_from_csv,
)
from planner.optimiser.frontier import Frontier, frontier
from planner.optimiser.ladder import Comparison, Ladder, compare_with_exact, greedy_ladder
from planner.optimiser.levers import LeverSet, build_levers
from planner.optimiser.plan import Plan
from planner.optimiser.plan_builder import plan_from_result
from planner.optimiser.solver import (
    OptimiseResult,
    optimise_for_rank,
    optimise_for_score,
    optimise_within_budget,
)
from ui import position, state
from ui.text import lang, num, points, t

TargetKind = Literal["rank", "band", "probability", "score", "budget"]
TARGET_KINDS: tuple[TargetKind, ...] = ("rank", "band", "probability", "score", "budget")
INPUTS_KEY = "_opt_inputs"
EFFORT_KEY = "_effort"
OUTCOME_KEY = "_opt_outcome"
FRONTIER_KEY = "_opt_frontier"
CHANCE_KEY = "_opt_chance"
RUNNING_KEY = "_opt_running"
STOP_KEY = "_opt_stop"
PLAN_KEY = "_plan"
PLANS_BY_METHODOLOGY_KEY = "_plans_by_methodology"


@dataclass(frozen=True)
class Inputs:
    """What the user asked the optimiser for (kept under a non-widget key)."""

    kind: TargetKind = "rank"
    rank: int = 20
    #: The better end of a band ("25" in 25-30); `rank` is its worse end.
    best_rank: int = 15
    probability: float = 0.8
    score: float = 80.0
    budget: float | None = None
    rivals: Literal["mean", "fixed"] = "mean"
    locked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One exact solve and what the page shows with it."""

    key: str
    result: OptimiseResult
    plan: Plan
    ladder: Ladder
    comparison: Comparison | None


def inputs() -> Inputs:
    """What the user asked for; until they change it, the case's own target (a band opens as a band)."""
    value = st.session_state.get(INPUTS_KEY)
    if isinstance(value, Inputs):
        return value
    target = state.case_target()
    if target is not None and target.kind == "band" and target.rank and target.best_rank:
        return Inputs(kind="band", rank=target.rank, best_rank=target.best_rank)
    if target is not None and target.kind == "score" and target.score is not None:
        return Inputs(kind="score", score=target.score, rank=state.target_rank() or 20)
    return Inputs(rank=state.target_rank() or 20)


def set_inputs(**changes: Any) -> None:
    st.session_state[INPUTS_KEY] = replace(inputs(), **changes)


def effort_table() -> EffortTable:
    value = st.session_state.get(EFFORT_KEY)
    return value if isinstance(value, EffortTable) else EffortTable()


def set_effort_table(table: EffortTable) -> None:
    st.session_state[EFFORT_KEY] = table


def table_with_locks(table: EffortTable, locked: tuple[str, ...]) -> EffortTable:
    """The effort table with exactly the `locked` items locked (other constraints kept)."""
    kept = {c.code: c for c in table.constraints}
    for code in list(kept):
        kept[code] = kept[code].model_copy(update={"locked": code in locked})
    for code in locked:
        kept.setdefault(code, ItemConstraint(code=code, locked=True))
    constraints = tuple(c for c in kept.values() if c.locked or c.feasible_max_level or c.survey_unlocked)
    return table.model_copy(update={"constraints": constraints})


def levers_for(m: Methodology, scenario: Scenario) -> LeverSet:
    return build_levers(m, scenario, table_with_locks(effort_table(), inputs().locked))


def target_mode(i: Inputs) -> TargetMode:
    if i.kind == "probability":
        return "probability"
    return "fixed" if i.rivals == "fixed" else "mean"


def band_ends(outcome: Outcome, m: Methodology, scenario: Scenario) -> tuple[float, float, float] | None:
    """For a band target ("25-30/63"): the plan's chance of rank ≤ its better end, of rank ≤ its worse end, and
    of landing inside it (rank ≤ worse end but not above the better end)."""
    i = inputs()
    comp = competition(m, scenario, i)
    if i.kind != "band" or comp is None:
        return None
    score = outcome.result.score
    best, worst = comp.p_rank_le(score, i.best_rank), comp.p_rank_le(score, i.rank)
    above = comp.p_rank_le(score, i.best_rank - 1) if i.best_rank > 1 else 0.0
    if best is None or worst is None or above is None:
        return None
    return best, worst, max(0.0, worst - above)


def competition(m: Methodology, scenario: Scenario, i: Inputs) -> Competition | None:
    """The rivals the plan competes with (None without a province or plan year: score targets still work)."""
    if scenario.year is None or scenario.province is None:
        return None
    try:
        return position.competition_for_plan(
            m,
            scenario.year,
            scenario.province,
            mode=target_mode(i),
            confidence=i.probability if 0 < i.probability < 1 else 0.8,
        )
    except PlannerError:
        return None


def fingerprint(m: Methodology, scenario: Scenario, i: Inputs) -> str:
    """Everything a solve of this session depends on, hashed (solve_key on the session's effort table and field
    choices)."""
    return solve_key(
        m,
        scenario,
        effort_table(),
        i,
        size=position.field_size(),
        overrides=position.rival_overrides(),
        loaded=[position.field_key(f) for f in position.loaded_fields().values()],
    )


def solve_key(
    m: Methodology,
    scenario: Scenario,
    table: EffortTable,
    i: Inputs,
    *,
    size: int,
    overrides: Mapping[str, float],
    loaded: Sequence[object],
) -> str:
    """The key of the solver cache, which every session of the server shares: a hash of the content of
    everything the solve reads (the methodology's content, not its id, which two sessions may share for two
    different uploaded schemes)."""
    payload = {
        "m": content_digest(m),
        "scenario": scenario.model_dump(mode="json"),
        "effort": table.model_dump(mode="json"),
        "inputs": [i.kind, i.rank, i.best_rank, i.probability, i.score, i.budget, i.rivals, list(i.locked)],
        "size": size,
        "overrides": sorted(overrides.items()),
        "loaded": sorted(map(str, loaded)),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:24]


@st.cache_data(max_entries=32, show_spinner=False)
def _solve_cached(key: str, _m: Methodology, _scenario: Scenario, _i: Inputs, _table: EffortTable) -> Outcome:
    """An exact solve with its plan, greedy ladder and exact-versus-greedy comparison; cached by `key` (the
    underscore arguments are what the key stands for and are not hashed)."""
    i = _i
    levers = build_levers(_m, _scenario, table_with_locks(_table, i.locked))
    comp = competition(_m, _scenario, i)
    if i.kind in ("rank", "band", "probability"):
        if comp is None:
            raise OptimiseError("app.optimiser.needs_field")
        result = optimise_for_rank(levers, comp, i.rank, budget=i.budget)
    elif i.kind == "score":
        result = optimise_for_score(levers, i.score, budget=i.budget, competition=comp, target_rank=i.rank)
    else:
        result = optimise_within_budget(levers, i.budget or 0.0, competition=comp, target_rank=i.rank)
    plan = plan_from_result(levers, result, competition=comp)
    ladder = greedy_ladder(levers, comp, i.rank if comp is not None else None, budget=i.budget)
    comparison = None
    if result.status != "infeasible" and result.target_score is not None:
        comparison = compare_with_exact(levers, ladder, result)
    return Outcome(key, result, plan, ladder, comparison)


def solve(m: Methodology, scenario: Scenario) -> Outcome:
    """Run (or fetch) the exact solve for the current inputs and keep it as the page's outcome."""
    i = inputs()
    key = fingerprint(m, scenario, i)
    outcome = _solve_cached(key, m, scenario, i, effort_table())
    st.session_state[OUTCOME_KEY] = outcome
    st.session_state[PLAN_KEY] = outcome.plan
    if outcome.plan.changes:  # the combined plan of both indices takes each index's latest solve
        st.session_state[PLANS_BY_METHODOLOGY_KEY] = {**plans_by_methodology(), m.id: outcome.plan}
    return outcome


def plans_by_methodology() -> dict[str, Plan]:
    value: dict[str, Plan] = st.session_state.get(PLANS_BY_METHODOLOGY_KEY, {})
    return value


def last_outcome(m: Methodology, scenario: Scenario) -> tuple[Outcome | None, bool]:
    """The last solve and whether it is still up to date with the inputs and scenario."""
    outcome = st.session_state.get(OUTCOME_KEY)
    if not isinstance(outcome, Outcome):
        return None, False
    return outcome, outcome.key == fingerprint(m, scenario, inputs())


def changes_frame(result: OptimiseResult) -> pd.DataFrame:
    """The exact plan's changes as a table (efforts that are defaults say so)."""
    vi = lang() == "vi"
    return pd.DataFrame(
        [
            {
                t("app.table.code"): c.code,
                t("app.table.name"): c.name(lang()),
                t("app.optimiser.col.agency"): c.lead_agency,
                t("app.optimiser.col.from"): c.from_label_vi if vi else (c.from_label_en or c.from_label_vi),
                t("app.optimiser.col.to"): c.to_label_vi if vi else (c.to_label_en or c.to_label_vi),
                t("app.optimiser.col.gain"): "+" + points(c.points_gain),
                t("app.optimiser.col.effort"): num(c.effort, 1, trim=True),
                t("app.optimiser.col.basis"): t(
                    "app.optimiser.basis.default" if c.effort_is_default else "app.optimiser.basis.user"
                ),
            }
            for c in result.changes
        ]
    )


def apply_plan_as_scenario(outcome: Outcome) -> None:
    """The active scenario with the plan applied, as a new named scenario (so it can be compared)."""
    base = state.current()
    planned = outcome.result.planned_scenario(base)
    name = state.unique_name(t("app.optimiser.planned_name", name=base.name or "–"))
    if state.add(planned.model_copy(update={"name": name})) is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)


# --- long runs: frontier and chance-constrained --------------------------------------------------------------


def request_stop() -> None:
    st.session_state[STOP_KEY] = True


def _should_stop() -> bool:
    return bool(st.session_state.get(STOP_KEY))


def _long_run(
    m: Methodology, scenario: Scenario, i: Inputs, bar: Any
) -> tuple[Competition, LeverSet, Callable[[float], None]]:
    """What the frontier and the chance-constrained run start from: the competition (OptimiseError without a
    field), the levers, the Stop flag cleared, and a progress callback that fills `bar`."""
    comp = competition(m, scenario, i)
    if comp is None:
        raise OptimiseError("app.optimiser.needs_field")
    levers = levers_for(m, scenario)
    st.session_state[STOP_KEY] = False

    def progress(x: float) -> None:
        bar.progress(min(1.0, max(0.0, x)), text=t("app.optimiser.progress", percent=round(100 * x)))

    return comp, levers, progress


def run_frontier(m: Methodology, scenario: Scenario, bar: Any) -> Frontier | None:
    """The effort-versus-rank frontier, with progress in `bar`; None (and a notice) when stopped."""
    i = inputs()
    comp, levers, progress = _long_run(m, scenario, i, bar)
    result = frontier(
        levers, comp, target_rank=i.rank, budget=i.budget, should_stop=_should_stop, progress=progress
    )
    st.session_state[FRONTIER_KEY] = (fingerprint(m, scenario, i), result)
    if not result.complete:
        state.notify("app.optimiser.stopped")
    return result


def run_chance(m: Methodology, scenario: Scenario, bar: Any, n_samples: int) -> ChanceResult | None:
    i = inputs()
    if i.budget is None:
        raise OptimiseError("app.optimiser.chance_needs_budget")
    comp, levers, progress = _long_run(m, scenario, replace(i, kind="probability"), bar)
    result = maximise_probability(
        levers, comp, i.rank, i.budget, n_samples=n_samples, should_stop=_should_stop, progress=progress
    )
    st.session_state[CHANCE_KEY] = (fingerprint(m, scenario, i), result)
    return result


def stored(key: str, m: Methodology, scenario: Scenario) -> Any:
    """A stored frontier or chance result if it was computed for the current inputs, else None."""
    value = st.session_state.get(key)
    if isinstance(value, tuple) and value[0] == fingerprint(m, scenario, inputs()):
        return value[1]
    return None


# --- the effort table as an editable frame -------------------------------------------------------------------


def effort_frame(levers: LeverSet) -> pd.DataFrame:
    """One row per (item, higher level) the item may reach: its gain and its effort, default or the user's."""
    rows = []
    for lever in levers.movable:
        for choice in lever.upgrades:
            rows.append(
                {
                    "code": lever.code,
                    "name": lever.item.node.name(lang()),
                    "agency": lever.lead_agency,
                    "to": choice.label_vi if lang() == "vi" else (choice.label_en or choice.label_vi),
                    "level": choice.level,
                    "gain": "+" + points(choice.gain),  # read-only: pre-formatted (83,87 in Vietnamese)
                    # text, read back by apply_effort_edits: a number column shows and takes only a dot
                    "effort": num(choice.effort, 2, trim=True),
                    "basis": t(
                        "app.optimiser.basis.default"
                        if choice.effort_is_default
                        else "app.optimiser.basis.user"
                    ),
                }
            )
    return pd.DataFrame(rows)


def apply_effort_edits(key: str, codes: list[tuple[str, str]]) -> None:
    """Efforts typed in the table become the user's entries (a cleared cell goes back to the default)."""
    delta = st.session_state.get(key) or {}
    edited = {int(k): v for k, v in (delta.get("edited_rows") or {}).items()}
    table = effort_table()
    entries = {(e.code, e.level): e for e in table.entries}
    for row, changes in edited.items():
        if not 0 <= row < len(codes) or "effort" not in changes:
            continue
        code, level = codes[row]
        text = str(changes["effort"] or "").strip()
        if not text:
            entries.pop((code, level), None)
            continue
        effort = state.typed_in_range(text, None)
        if effort is None:
            continue
        entries[(code, level)] = EffortEntry(code=code, level=level, effort=effort, basis="user")
    set_effort_table(table.model_copy(update={"entries": tuple(entries.values())}))
    state.bump_revision()


def reset_efforts() -> None:
    table = effort_table()
    set_effort_table(EffortTable(unit=table.unit, agency_budgets=table.agency_budgets))
    state.bump_revision()


def set_unit(key: str) -> None:
    value = st.session_state.get(key)
    if value in EFFORT_UNITS:
        unit: EffortUnit = value
        # Efforts are in one unit per table: changing the unit starts the user's figures afresh.
        set_effort_table(EffortTable(unit=unit))
        state.bump_revision()


def effort_from_upload(uploaded: Any, m: Methodology, unit: EffortUnit) -> EffortTable:
    """The effort table in an uploaded CSV or Excel workbook, read against `m`; PlannerError if it does not read
    in full."""
    name = str(getattr(uploaded, "name", "")).lower()
    data = uploaded.getvalue()
    if name.endswith(".csv"):
        return effort_table_from_csv(data, m, unit=unit)
    if name.endswith(".xlsx"):
        from planner.files.excel.effort import read_effort_workbook

        return read_effort_workbook(data, m)
    raise ImportFileError("cli.unsupported_file_type", suffix=name.rsplit(".", 1)[-1], allowed=".csv, .xlsx")


def read_effort_upload(key: str, m: Methodology) -> None:
    """An uploaded effort CSV or Excel workbook replaces the effort table if it reads in full."""
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        table = effort_from_upload(uploaded, m, effort_table().unit)
    except PlannerError as exc:
        st.session_state["_effort_upload_error"] = exc
        return
    st.session_state.pop("_effort_upload_error", None)
    set_effort_table(table)
    locked = tuple(c.code for c in table.constraints if c.locked)
    set_inputs(locked=locked)
    state.bump_revision()
    state.notify("app.optimiser.effort_loaded", n=len(table.entries))


def agency_frame(levers: LeverSet) -> pd.DataFrame:
    """One row per lead agency with its budget as text (typed in either style, read by apply_budget_edits)."""
    budgets = effort_table().agency_budgets
    agencies = sorted({lever.lead_agency for lever in levers.levers if lever.lead_agency})
    return pd.DataFrame(
        [{"agency": a, "budget": num(budgets[a], 2, trim=True) if a in budgets else ""} for a in agencies]
    )


def apply_budget_edits(key: str, agencies: list[str]) -> None:
    """Budgets typed per agency (an empty cell removes one); a value that is not a number of at least 0 is
    reported and the old one kept."""
    delta = st.session_state.get(key) or {}
    edited = {int(k): v for k, v in (delta.get("edited_rows") or {}).items()}
    budgets = dict(effort_table().agency_budgets)
    for row, changes in edited.items():
        if not 0 <= row < len(agencies) or "budget" not in changes:
            continue
        text = str(changes["budget"] or "").strip()
        if not text:
            budgets.pop(agencies[row], None)
            continue
        value = state.typed_number(text)
        if value is None:
            continue
        if value < 0:
            state.notify("app.optimiser.bad_budget_cell", text=text[:40], agency=agencies[row])
            continue
        budgets[agencies[row]] = value
    set_effort_table(effort_table().model_copy(update={"agency_budgets": budgets}))
    state.bump_revision()


def unit_label(unit: str) -> str:
    return t(f"effort.unit.{unit}")
