"""The exact optimiser: the least effort to a target score or rank, or the most points within a budget.

The ministry fixes the weights; what a province controls is its level in each sub-criterion. So the problem is a
multiple-choice knapsack: for every item that can move, choose exactly one level (the current one costs nothing),
subject to the points reaching a target (or the effort staying within a budget, in total and per lead agency).
It is solved exactly with scipy.optimize.milp (HiGHS) on integer hundredths of a point with `mip_rel_gap=0`, so
a target is met exactly when a plan ties it, and the answer is a true optimum rather than a near one. Among plans
of equal least effort the one with the most points is returned, and among plans of equal most points the one
with the least effort (a second solve), so a plan never leaves free points on the table nor wastes budget.

Infeasibility is an answer, not an error: the result says "infeasible", carries the best plan that the
constraints allow (most points within the budgets), its score and rank, and what blocks the rest: locked items,
survey items (not levers unless unlocked), feasible caps, the total budget, agency budgets, or a target beyond
any reachable score.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, vstack

from planner.core.errors import OptimiseError, OptimiseTimeLimit
from planner.core.i18n import Lang, format_number, t
from planner.core.model import FrozenModel
from planner.core.text import agency_key
from planner.methodology.rules import from_centi, to_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import score_scenario
from planner.optimiser.competition import Competition, TargetMode
from planner.optimiser.effort import EffortUnit
from planner.optimiser.levers import Choice, Lever, LeverSet
from planner.optimiser.plan import LevelChange

#: "time_limit": the solver stopped on its time limit holding a plan it had not proved best. The plan meets
#: every constraint (the target, the budgets) and is returned as found, said so, rather than nothing at all.
Status = Literal["optimal", "infeasible", "time_limit"]
Objective = Literal["min_effort", "max_points"]
BlockerKind = Literal["maximum", "locked", "survey", "cap", "budget", "agency_budget"]
#: Default solver time limit (seconds) per solve: a realistic instance solves in milliseconds.
DEFAULT_TIME_LIMIT = 30.0
#: Slack on a budget row (and on a held optimum): what the solver's floating arithmetic may add to a sum.
COST_TOL = 1e-7
#: Independent solves run side by side (HiGHS lets go of the interpreter while it solves), sized for the 2-core
#: machine the planner is built for: the path's blockers and its agency ceilings.
SIDE_BY_SIDE = min(2, os.cpu_count() or 1)
#: HiGHS's absolute optimality gap, left at its default by every solve here: a solve "proved" optimal may leave
#: a solution this much better.
MIP_ABS_GAP = 1e-6

# scipy warns on every solve given a cutoff (HiGHS's objective_bound, which scipy passes on without knowing it;
# see exact_milp). A filter for that one message, set once: warnings.catch_warnings around each solve would
# swap the process's filter list under the solves that blockers run in threads.
warnings.filterwarnings(
    "ignore", message=r"Unrecognized options detected: \{'objective_bound'\}", category=RuntimeWarning
)


class ChosenChange(LevelChange):
    """One item the plan moves: from its current level and points to a target level and points."""

    area_code: str
    criterion_code: str
    lead_agency: str
    is_survey: bool = False


class Blocker(FrozenModel):
    """One reason a target is out of reach, with the points it holds back (when they can be counted)."""

    kind: BlockerKind
    points: float
    codes: tuple[str, ...] = ()
    agency: str = ""
    budget: float | None = None
    used: float | None = None
    #: For "maximum": the highest score reachable with every item at full marks.
    ceiling: float | None = None

    def message_key(self) -> str:
        return f"optimise.blocker.{self.kind}"

    def message(self, lang: Lang = "vi", **extra: object) -> str:
        codes = ", ".join(self.codes[:12]) + (" …" if len(self.codes) > 12 else "")
        return t(
            self.message_key(),
            lang,
            **extra,
            points=self.points,
            codes=codes,
            n=len(self.codes),
            agency=self.agency,
            budget=self.budget if self.budget is not None else 0.0,
            used=self.used if self.used is not None else 0.0,
            ceiling=self.ceiling if self.ceiling is not None else 0.0,
        )


class OptimiseResult(FrozenModel):
    """What the optimiser found: the plan, where it lands, what it costs, and (if infeasible) what blocks it."""

    status: Status
    objective: Objective
    unit: EffortUnit
    baseline_score: float
    baseline_rank: int | None = None
    target_score: float | None = None
    target_rank: int | None = None
    target_mode: TargetMode | None = None
    confidence: float | None = None
    budget: float | None = None
    score: float
    rank: int | None = None
    n_provinces: int | None = None
    p_reach: float | None = None
    effort: float
    already_met: bool = False
    shortfall: float = 0.0
    changes: tuple[ChosenChange, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    solve_seconds: float = 0.0

    @property
    def points_gain(self) -> float:
        return round(self.score - self.baseline_score, 2)

    def chosen_levels(self) -> dict[str, str]:
        """Item code -> the level the plan sets it to."""
        return {c.code: c.to_level for c in self.changes}

    def planned_scenario(self, baseline: Scenario) -> Scenario:
        """The baseline with every chosen change applied (what the app offers as "apply this plan")."""
        return baseline.with_items({c.code: ItemSetting(level=c.to_level) for c in self.changes})

    def to_json(self) -> dict[str, Any]:
        """The CLI's stable JSON: the documented keys first, then extras a script may use."""
        return {
            "status": self.status,
            "target_score": self.target_score,
            "score": self.score,
            "rank": self.rank,
            "p_reach": None if self.p_reach is None else round(self.p_reach, 4),
            "effort": round(self.effort, 6),
            "changes": [
                {
                    "code": c.code,
                    "from_points": c.from_points,
                    "to_points": c.to_points,
                    "points_gain": c.points_gain,
                    "effort": round(c.effort, 6),
                    "lead_agency": c.lead_agency,
                    "from_level": c.from_level,
                    "to_level": c.to_level,
                    "effort_is_default": c.effort_is_default,
                }
                for c in self.changes
            ],
            "objective": self.objective,
            "unit": self.unit,
            "baseline_score": self.baseline_score,
            "baseline_rank": self.baseline_rank,
            "target_rank": self.target_rank,
            "target_mode": self.target_mode,
            "confidence": self.confidence,
            "budget": self.budget,
            "n_provinces": self.n_provinces,
            "already_met": self.already_met,
            "shortfall": self.shortfall,
            "blockers": [
                {
                    "kind": b.kind,
                    "points": b.points,
                    "codes": list(b.codes),
                    "agency": b.agency,
                    "budget": b.budget,
                    "used": b.used,
                    "ceiling": b.ceiling,
                }
                for b in self.blockers
            ],
        }


# ---------------------------------------------------------------------------------------------------------------
# The knapsack model: one binary per (item, level), compiled once per lever set and reused across solves.
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """A solved plan: the level chosen for each item that moves."""

    chosen: Mapping[str, Choice]
    gain_centi: int
    effort: float
    #: False when a solve stopped on its time limit: the plan is feasible, not proved optimal.
    proven: bool = True


def _undominated(upgrades: tuple[Choice, ...]) -> list[Choice]:
    """Drop levels that another level of the same item beats on both counts (no fewer points, no more effort).

    Such a level is never needed: swapping it for the one that dominates it keeps every constraint and never
    worsens either objective, so removing it changes no optimum and makes the solver's search smaller.
    """
    kept: list[Choice] = []
    for choice in upgrades:
        if choice.effort < 0:
            continue
        dominated = any(
            other is not choice
            and other.gain_centi >= choice.gain_centi
            and other.effort <= choice.effort
            and (
                other.gain_centi > choice.gain_centi
                or other.effort < choice.effort
                or upgrades.index(other) < upgrades.index(choice)
            )
            for other in upgrades
        )
        if not dominated:
            kept.append(choice)
    return kept


@dataclass(frozen=True)
class KnapsackModel:
    """The compiled multiple-choice knapsack of a lever set."""

    levers: LeverSet
    groups: tuple[Lever, ...]
    #: Per variable: the group (lever) index and the choice (None for "stay at the current level").
    group_of: npt.NDArray[np.int64]
    choices: tuple[Choice | None, ...]
    gain: npt.NDArray[np.float64]
    cost: npt.NDArray[np.float64]
    agency_rows: Mapping[str, npt.NDArray[np.float64]]
    one_per_item: csr_array

    @property
    def n_vars(self) -> int:
        return len(self.choices)

    @property
    def max_gain_centi(self) -> int:
        """The most points the movable items can add, ignoring every budget."""
        total = 0
        for lever in self.groups:
            total += max((c.gain_centi for c in lever.upgrades), default=0)
        return total


def compile_model(levers: LeverSet) -> KnapsackModel:
    """The knapsack of `levers`: variables for every movable item's current level and undominated upgrades."""
    groups: list[Lever] = []
    group_of: list[int] = []
    choices: list[Choice | None] = []
    for lever in levers.movable:
        kept = _undominated(lever.upgrades)
        if not kept:
            continue
        g = len(groups)
        groups.append(lever)
        group_of.append(g)
        choices.append(None)
        for choice in kept:
            group_of.append(g)
            choices.append(choice)
    n = len(choices)
    gain = np.array([0.0 if c is None else float(c.gain_centi) for c in choices], dtype=np.float64)
    cost = np.array([0.0 if c is None else c.effort for c in choices], dtype=np.float64)
    group_arr = np.array(group_of, dtype=np.int64)
    one = csr_array((np.ones(n), (group_arr, np.arange(n))), shape=(len(groups), n))
    agency_rows: dict[str, npt.NDArray[np.float64]] = {}
    keys = [groups[g].budget_key for g in group_of]
    for agency in levers.agency_budgets:
        mask = np.array([key == agency_key(agency) for key in keys], dtype=bool)
        if mask.any():
            agency_rows[agency] = np.where(mask, cost, 0.0)
    return KnapsackModel(levers, tuple(groups), group_arr, tuple(choices), gain, cost, agency_rows, one)


def solve(
    model: KnapsackModel,
    *,
    min_gain_centi: int | None = None,
    budget: float | None = None,
    agency_budgets: Mapping[str, float] | None = None,
    objective: Objective = "min_effort",
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Selection | None:
    """The optimal selection, or None when the constraints admit no plan.

    `min_effort`: least effort with at least `min_gain_centi` points gained, then the most points at that
    effort. `max_points`: most points, then the least effort for them. `agency_budgets` default to the lever
    set's. Raises OptimiseError when the solver stops on its time limit without proving optimality.
    """
    budgets = model.levers.agency_budgets if agency_budgets is None else agency_budgets
    if model.n_vars == 0:
        if min_gain_centi is not None and min_gain_centi > 0:
            return None
        return Selection({}, 0, 0.0)
    if objective == "min_effort" and min_gain_centi is not None and min_gain_centi > model.max_gain_centi:
        return None
    base_rows = [model.one_per_item]
    lower: list[float] = [1.0] * model.one_per_item.shape[0]
    upper: list[float] = [1.0] * model.one_per_item.shape[0]
    extra: list[npt.NDArray[np.float64]] = []
    if min_gain_centi is not None:
        extra.append(model.gain)
        lower.append(float(min_gain_centi))
        upper.append(np.inf)
    if budget is not None:
        extra.append(model.cost)
        lower.append(-np.inf)
        upper.append(budget + COST_TOL)
    for agency, row in model.agency_rows.items():
        if agency in budgets:
            extra.append(row)
            lower.append(-np.inf)
            upper.append(float(budgets[agency]) + COST_TOL)

    proven = [True]

    def run(
        c: npt.NDArray[np.float64], rows: list[npt.NDArray[np.float64]], lo: list[float], hi: list[float]
    ) -> npt.NDArray[np.float64] | None:
        matrix = vstack([*base_rows, *(csr_array(r.reshape(1, -1)) for r in rows)], format="csr")
        solution = exact_milp(
            c,
            np.ones(model.n_vars),
            Bounds(0, 1),
            LinearConstraint(matrix, np.array(lo), np.array(hi)),
            time_limit,
            keep_incumbent=True,
        )
        if solution is None:
            return None
        proven[0] = proven[0] and solution.proven
        return solution.x

    def selection(x: npt.NDArray[np.float64]) -> Selection:
        found = _selection(model, x)
        return found if proven[0] else replace(found, proven=False)

    lexicographic = lexicographic_objective(model, objective)
    if lexicographic is not None:
        # One solve: costs on a grid of 1/q make every plan's effort a whole number of steps, so weighting
        # effort by (most points + 1) and subtracting points orders plans by effort first, points second,
        # exactly, in integers.
        x = run(lexicographic, extra, lower, upper)
        return None if x is None else selection(x)
    if objective == "min_effort":
        first = run(model.cost, extra, lower, upper)
        if first is None:
            return None
        best_cost = float(model.cost @ np.round(first))
        best_gain = float(model.gain @ np.round(first))
        # Second solve: the most points among plans of that least effort (the effort held in a narrow band and
        # the first plan's points given as a floor, which helps the solver prune).
        tol = tolerance(best_cost)
        second = run(
            -model.gain,
            [*extra, model.cost, model.gain],
            [*lower, best_cost - tol, best_gain],
            [*upper, best_cost + tol, np.inf],
        )
        x = first if second is None else second
    else:
        first = run(-model.gain, extra, lower, upper)
        if first is None:
            return None
        best_gain = round(float(model.gain @ np.round(first)))
        second = run(model.cost, [*extra, model.gain], [*lower, float(best_gain)], [*upper, np.inf])
        x = first if second is None else second
    return selection(x)


@dataclass(frozen=True)
class MilpSolution:
    x: npt.NDArray[np.float64]
    #: False when the time limit stopped the solver on a feasible plan it had not proved optimal.
    proven: bool = True


@overload
def exact_milp(
    c: npt.NDArray[np.float64],
    integrality: npt.NDArray[np.float64],
    bounds: Bounds,
    constraints: LinearConstraint,
    time_limit: float,
    *,
    keep_incumbent: Literal[False] = False,
    cutoff: float | None = None,
    presolve: bool = True,
) -> npt.NDArray[np.float64] | None: ...


@overload
def exact_milp(
    c: npt.NDArray[np.float64],
    integrality: npt.NDArray[np.float64],
    bounds: Bounds,
    constraints: LinearConstraint,
    time_limit: float,
    *,
    keep_incumbent: Literal[True],
    cutoff: float | None = None,
    presolve: bool = True,
) -> MilpSolution | None: ...


def exact_milp(
    c: npt.NDArray[np.float64],
    integrality: npt.NDArray[np.float64],
    bounds: Bounds,
    constraints: LinearConstraint,
    time_limit: float,
    *,
    keep_incumbent: bool = False,
    cutoff: float | None = None,
    presolve: bool = True,
) -> npt.NDArray[np.float64] | MilpSolution | None:
    """One exact HiGHS solve (`mip_rel_gap=0`, the solver's stray printing kept off stdout): the solution, None
    when the constraints admit none. When the time limit stops it before optimality is proved: with
    `keep_incumbent`, the best feasible plan found so far marked unproven; otherwise (or with none found yet)
    an OptimiseError.

    `cutoff` is an objective value the caller knows some solution reaches (c @ x ≤ cutoff): HiGHS then drops
    every branch that cannot do at least as well from the start (its `objective_bound`), instead of waiting to
    find such a solution itself. A lexicographic second solve knows one (the first solve's answer), and so does
    a blocker (the best path fits any relaxed budget); it took the second solve of the path's best answer from
    4,7 s to 0,2 s on one benchmark instance. HiGHS may still hand back a solution above the cutoff (one its
    heuristics kept) or none at all, and the option is passed to HiGHS as is (scipy does not know it): such an
    answer is thrown away and the solve redone without the cutoff, so the answer never rests on the option."""

    def solve(extra: Mapping[str, float]) -> Any:
        return _highs(c, integrality, bounds, constraints, time_limit, {**extra, "presolve": presolve})

    result = solve({} if cutoff is None else {"objective_bound": cutoff})
    if cutoff is not None and (result.x is None or float(c @ result.x) > cutoff):
        if result.status == 1:  # stopped before anything under the cutoff was found: nothing of use kept
            result.x = None
        else:  # "nothing under the cutoff", though some solution reaches it: asked again without it
            result = solve({})
    if result.status == 0 and result.x is not None:
        x = np.asarray(result.x, dtype=np.float64)
        return MilpSolution(x) if keep_incumbent else x
    if result.status == 2:
        return None
    if result.status == 1:
        if keep_incumbent and result.x is not None:
            return MilpSolution(np.asarray(result.x, dtype=np.float64), proven=False)
        raise OptimiseTimeLimit("optimise.time_limit", seconds=float(time_limit))
    raise OptimiseError("optimise.solver_failed", detail=str(result.message))


def proven_bound(
    c: npt.NDArray[np.float64],
    integrality: npt.NDArray[np.float64],
    bounds: Bounds,
    constraints: LinearConstraint,
    time_limit: float,
) -> float | None:
    """The least value of c @ x that HiGHS proves within `time_limit`: its dual bound, the optimum itself when
    it finishes. None when the constraints admit no solution or the limit came before any bound.

    A bound, not a solution, is what a caller needs to add a valid inequality to a larger programme (the path's
    agency ceilings, planner.optimiser.path): a solve cut short by its limit still gives one, only weaker."""
    result = _highs(c, integrality, bounds, constraints, time_limit, {})
    if result.status not in (0, 1):
        if result.status == 2:
            return None
        raise OptimiseError("optimise.solver_failed", detail=str(result.message))
    bound = getattr(result, "mip_dual_bound", None)
    if bound is None or not np.isfinite(bound):
        return None
    return float(bound)


def _highs(
    c: npt.NDArray[np.float64],
    integrality: npt.NDArray[np.float64],
    bounds: Bounds,
    constraints: LinearConstraint,
    time_limit: float,
    extra: Mapping[str, float],
) -> Any:
    """scipy's milp as every exact solve here calls it: no gap, presolve on, stray printing kept off stdout."""
    constraints = LinearConstraint(_c_int_indices(constraints.A), constraints.lb, constraints.ub)
    options = {"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": True, **extra}
    with solver_stdout_silenced():
        return milp(c, integrality=integrality, bounds=bounds, constraints=constraints, options=options)


def _c_int_indices(matrix: Any) -> csr_array:
    """`matrix` as CSR with 32-bit index arrays. scipy 1.11's HiGHS wrapper (the lowest scipy the planner
    declares) takes only C ints there and refuses the 64-bit ones a CSR built from Python lists gets ("Buffer
    dtype mismatch"); later versions take either. Constraint matrices here are far below 2**31 entries."""
    csr = csr_array(matrix)
    return csr_array(
        (csr.data, csr.indices.astype(np.int32, copy=False), csr.indptr.astype(np.int32, copy=False)),
        shape=csr.shape,
    )


#: The grids tried for efforts: whole units, halves, quarters, tenths, fifths of a tenth, hundredths, thousandths.
_COST_GRIDS = (1, 2, 4, 10, 20, 100, 1000)
#: Largest objective coefficient sum allowed in the one-solve form (far inside double precision's 2**53).
_LEXICOGRAPHIC_LIMIT = 2.0**50


def cost_grid(cost: npt.NDArray[np.float64]) -> int | None:
    """The coarsest grid among _COST_GRIDS on which every effort is a whole number of steps (2: halves), or None
    when they share none."""
    for q in _COST_GRIDS:
        scaled = cost * q
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return q
    return None


def cost_steps(cost: npt.NDArray[np.float64]) -> npt.NDArray[np.float64] | None:
    """The efforts as whole steps of the coarsest common grid among _COST_GRIDS, or None when they share none
    (then a lexicographic answer needs two solves)."""
    q = cost_grid(cost)
    return None if q is None else np.round(cost * q)


def weighted_lexicographic(
    steps: npt.NDArray[np.float64],
    gain: npt.NDArray[np.float64],
    most_steps: float,
    most_gain: float,
    objective: Objective,
) -> npt.NDArray[np.float64] | None:
    """One integer objective ranking solutions by (effort, then -points) or (-points, then effort): the first
    term weighted by one more than the largest the second can be, so no change in the second outweighs one step
    of the first. None when the weights leave double precision's exact integers."""
    if (most_steps + 1) * (most_gain + 1) > _LEXICOGRAPHIC_LIMIT:
        return None
    if objective == "min_effort":
        return np.asarray(steps * (most_gain + 1) - gain, dtype=np.float64)
    return np.asarray(-gain * (most_steps + 1) + steps, dtype=np.float64)


def lexicographic_objective(model: KnapsackModel, objective: Objective) -> npt.NDArray[np.float64] | None:
    """An integer objective that ranks plans by (effort, then -points) or (-points, then effort), or None when
    the efforts are not all on a common grid (then two solves are used)."""
    steps = cost_steps(model.cost)
    if steps is None:
        return None
    most_gain = float(model.max_gain_centi)
    most_steps = float(sum(steps[model.group_of == g].max() for g in range(len(model.groups))))
    return weighted_lexicographic(steps, model.gain, most_steps, most_gain, objective)


_SILENCE_LOCK = threading.Lock()
_silence_depth = 0
_saved_stdout_fd: int | None = None


@contextmanager
def solver_stdout_silenced() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null while HiGHS runs.

    HiGHS 1.x prints a debug line ("HighsMipSolverData::transformNewIntegerFeasibleSolution ...") with a bare
    printf on some instances, whatever its log options say; on the CLI that line would corrupt `--json` output.
    The redirection is counted under a lock, so overlapping solves in several threads (the app) restore the real
    stdout only when the last one ends; C's stdio buffer is flushed before it is restored.
    """
    global _silence_depth, _saved_stdout_fd
    with _SILENCE_LOCK:
        if _silence_depth == 0:
            try:
                sys.stdout.flush()
                saved = os.dup(1)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.close(devnull)
                _saved_stdout_fd = saved
            except (OSError, ValueError):
                _saved_stdout_fd = None
        _silence_depth += 1
    try:
        yield
    finally:
        with _SILENCE_LOCK:
            _silence_depth -= 1
            if _silence_depth == 0 and _saved_stdout_fd is not None:
                _flush_c_stdio()
                os.dup2(_saved_stdout_fd, 1)
                os.close(_saved_stdout_fd)
                _saved_stdout_fd = None


def _flush_c_stdio() -> None:
    with suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).fflush(None)


def tolerance(cost: float) -> float:
    """How far above `cost` the solver's rounding may still mean `cost` itself."""
    return 1e-9 * max(1.0, abs(cost)) + COST_TOL


def _selection(model: KnapsackModel, x: npt.NDArray[np.float64]) -> Selection:
    chosen: dict[str, Choice] = {}
    gain = 0
    effort = 0.0
    for index in np.flatnonzero(np.round(x) == 1):
        choice = model.choices[int(index)]
        if choice is None:
            continue
        lever = model.groups[int(model.group_of[int(index)])]
        chosen[lever.code] = choice
        gain += choice.gain_centi
        effort += choice.effort
    return Selection(chosen, gain, effort)


# ---------------------------------------------------------------------------------------------------------------
# Public entry points.
# ---------------------------------------------------------------------------------------------------------------


def optimise_for_score(
    levers: LeverSet,
    target_score: float,
    *,
    budget: float | None = None,
    competition: Competition | None = None,
    target_rank: int | None = None,
    model: KnapsackModel | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> OptimiseResult:
    """(a) The least effort that reaches `target_score` (within `budget` and the agency budgets when given)."""
    started = time.perf_counter()
    model = model or compile_model(levers)
    need = to_centi(target_score) - levers.baseline_centi
    already_met = need <= 0
    # Already met: the least effort is staying put (with any free upgrades), whatever the budget.
    selection = solve(
        model,
        min_gain_centi=max(need, 0),
        budget=None if already_met else budget,
        objective="min_effort",
        time_limit=time_limit,
    )
    if selection is None:
        return _infeasible(levers, model, target_score, budget, competition, target_rank, started, time_limit)
    return result_of(
        levers,
        selection,
        "optimal",
        "min_effort",
        started,
        target_score=target_score,
        budget=budget,
        competition=competition,
        target_rank=target_rank,
        already_met=already_met,
    )


def optimise_within_budget(
    levers: LeverSet,
    budget: float | None,
    *,
    competition: Competition | None = None,
    target_rank: int | None = None,
    model: KnapsackModel | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> OptimiseResult:
    """(b) The most points within `budget` (and the agency budgets), then the least effort for them."""
    started = time.perf_counter()
    model = model or compile_model(levers)
    selection = solve(model, budget=budget, objective="max_points", time_limit=time_limit)
    if selection is None:  # cannot happen: staying put always fits
        raise OptimiseError("optimise.solver_failed", detail="no plan within budget")
    return result_of(
        levers,
        selection,
        "optimal",
        "max_points",
        started,
        budget=budget,
        competition=competition,
        target_rank=target_rank,
    )


def optimise_for_rank(
    levers: LeverSet,
    competition: Competition,
    target_rank: int,
    *,
    budget: float | None = None,
    model: KnapsackModel | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> OptimiseResult:
    """(c) The least effort to rank ≤ `target_rank`, the target score coming from the competition's mode."""
    if not 1 <= target_rank <= competition.n:
        raise OptimiseError("optimise.bad_rank", rank=target_rank, n=competition.n)
    started = time.perf_counter()
    max_score = from_centi(levers.methodology.max_centi)
    target = competition.target_score(target_rank, max_score=max_score)
    model = model or compile_model(levers)
    if target is None:
        return _infeasible(levers, model, None, budget, competition, target_rank, started, time_limit)
    return optimise_for_score(
        levers,
        target,
        budget=budget,
        competition=competition,
        target_rank=target_rank,
        model=model,
        time_limit=time_limit,
    )


def result_of(
    levers: LeverSet,
    selection: Selection,
    status: Status,
    objective: Objective,
    started: float,
    *,
    target_score: float | None = None,
    budget: float | None = None,
    competition: Competition | None = None,
    target_rank: int | None = None,
    already_met: bool = False,
    blockers: tuple[Blocker, ...] = (),
) -> OptimiseResult:
    """The result model of a solved selection: changes in table order, the score checked by the scorer, and
    rank and chance from the competition when there is one. `started` is the perf_counter of the solve's start."""
    if status == "optimal" and not selection.proven:
        status = "time_limit"
    changes = changes_of(levers, selection)
    score_centi = levers.baseline_centi + selection.gain_centi
    planned = score_scenario(
        levers.methodology,
        levers.baseline.with_items({c.code: ItemSetting(level=c.to_level) for c in changes}),
    )
    if planned.total_centi != score_centi:  # the knapsack and the scorer must agree to the hundredth
        raise OptimiseError(
            "optimise.internal_mismatch", planned=planned.total, solved=from_centi(score_centi)
        )
    score = from_centi(score_centi)
    shortfall = 0.0
    if status == "infeasible" and target_score is not None:
        shortfall = round(max(0.0, target_score - score), 2)
    return OptimiseResult(
        status=status,
        objective=objective,
        unit=levers.unit,
        baseline_score=levers.baseline_score,
        baseline_rank=competition.rank(levers.baseline_score) if competition else None,
        target_score=target_score,
        target_rank=target_rank,
        target_mode=competition.mode if competition else None,
        confidence=competition.confidence if competition and competition.mode == "probability" else None,
        budget=budget,
        score=score,
        rank=competition.rank(score) if competition else None,
        n_provinces=competition.n if competition else None,
        p_reach=competition.p_rank_le(score, target_rank) if competition and target_rank else None,
        effort=round(selection.effort, 9),
        already_met=already_met,
        shortfall=shortfall,
        changes=changes,
        blockers=blockers,
        solve_seconds=round(time.perf_counter() - started, 4),
    )


def changes_of(levers: LeverSet, selection: Selection) -> tuple[ChosenChange, ...]:
    """The selection as changes, in table order."""
    out: list[ChosenChange] = []
    for lever in levers.levers:
        choice = selection.chosen.get(lever.code)
        if choice is None:
            continue
        out.append(
            ChosenChange(
                **lever.change_fields(choice),
                area_code=lever.item.area.code,
                criterion_code=lever.item.criterion.code,
                lead_agency=lever.lead_agency,
                is_survey=lever.item.is_survey,
            )
        )
    return tuple(out)


def _infeasible(
    levers: LeverSet,
    model: KnapsackModel,
    target_score: float | None,
    budget: float | None,
    competition: Competition | None,
    target_rank: int | None,
    started: float,
    time_limit: float,
) -> OptimiseResult:
    """The best plan the constraints allow, and what keeps the target out of reach."""
    best = solve(model, budget=budget, objective="max_points", time_limit=time_limit)
    assert best is not None
    blockers = blockers_for(levers, model, best, target_score, budget, time_limit)
    return result_of(
        levers,
        best,
        "infeasible",
        "max_points",
        started,
        target_score=target_score,
        budget=budget,
        competition=competition,
        target_rank=target_rank,
        blockers=blockers,
    )


def blockers_for(
    levers: LeverSet,
    model: KnapsackModel,
    best: Selection,
    target_score: float | None,
    budget: float | None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> tuple[Blocker, ...]:
    """What holds a plan back: each reason with the points it withholds (counted one reason at a time)."""
    out: list[Blocker] = []
    headroom = sum(lever.item.max_centi - lever.current_centi for lever in levers.levers)
    ceiling = levers.baseline_centi + headroom
    if target_score is None or to_centi(target_score) > ceiling:
        out.append(
            Blocker(
                kind="maximum",
                points=from_centi(max(0, to_centi(target_score) - ceiling))
                if target_score is not None
                else 0.0,
                ceiling=from_centi(ceiling),
            )
        )
    for reason, (centi, codes) in levers.held_back().items():
        out.append(Blocker(kind=reason, points=from_centi(centi), codes=codes))
    if budget is not None:
        free = solve(model, objective="max_points", time_limit=time_limit)
        assert free is not None
        lost = free.gain_centi - best.gain_centi
        if lost > 0:
            out.append(
                Blocker(kind="budget", points=from_centi(lost), budget=budget, used=round(best.effort, 6))
            )
    for agency, limit in levers.agency_budgets.items():
        if agency not in model.agency_rows:
            continue
        others = {a: b for a, b in levers.agency_budgets.items() if a != agency}
        relaxed = solve(
            model, budget=budget, agency_budgets=others, objective="max_points", time_limit=time_limit
        )
        assert relaxed is not None
        lost = relaxed.gain_centi - best.gain_centi
        used = sum(
            c.effort
            for code, c in best.chosen.items()
            if levers.by_code[code].budget_key == agency_key(agency)
        )
        if lost > 0:
            out.append(
                Blocker(
                    kind="agency_budget",
                    points=from_centi(lost),
                    agency=agency,
                    budget=limit,
                    used=round(used, 6),
                )
            )
    return tuple(out)


def describe_target(result: OptimiseResult, lang: Lang = "vi") -> str:
    """A one-line description of what the result aimed for, e.g. "hạng ≤ 20 (đối thủ giữ nguyên điểm)"."""
    if result.target_rank is not None and result.target_mode is not None:
        return t(
            f"optimise.target.rank_{result.target_mode}",
            lang,
            k=result.target_rank,
            p=format_number(100 * (result.confidence or 0.0), lang, 0),
            score=result.target_score if result.target_score is not None else 0.0,
        )
    if result.target_score is not None:
        return t("optimise.target.score", lang, score=result.target_score)
    return t("optimise.target.budget", lang, budget=result.budget if result.budget is not None else 0.0)
