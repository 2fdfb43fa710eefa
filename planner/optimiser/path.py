"""The path over several years: the level of every item in each year of a horizon, exactly, as one programme.

Provinces plan in several steps (Quảng Ngãi: from 39th in 2021 to 25-30 of 63 by 2025) because work cannot all
happen in one year. The model, in the optimiser's own terms:

- An item's levels form a ladder: its current level, then each upgrade the lever set offers (planner.optimiser.
  levers), ordered by points (ties by the rule's order). In each year it stands on one rung; a rung reached stays
  reached (no regression).
- Effort is spent in the year a rung is first reached: moving from rung a (reached earlier) to rung b costs
  effort(b) − effort(a), the efforts being those of the effort table (the effort to reach a level from today's).
  Where a table makes a higher rung cheaper than a lower one, the move costs nothing rather than a refund.
- An item the user marks for upkeep costs its yearly upkeep in every year after the one it first rose (default
  0: a level reached is kept without further work; an assumption, labelled as such).
- Each year may carry a total budget and budgets per lead agency; an item may be locked in some years, capped at
  a level in some years, and barred from moving after its deadline year.
- Each year may carry a target score (a rank, a rank band or a probability are turned into a score by that
  year's competition, planner.optimiser.competition, projected from one base field so the spread grows with the
  horizon).

It is one mixed-integer programme (scipy.optimize.milp, HiGHS, `mip_rel_gap=0`) on integer hundredths of a point:
binaries x[item, year, rung] with one rung per item and year, the cumulative rung constraints for no regression,
a points row per targeted year and an effort row per budget. The answer is the least total effort (then the most
points summed over the years); when no path meets every target, the path with the least total shortfall (then
the least effort, then the most points) and what blocks it. tests/optimiser/test_path.py checks it against a
dynamic programme over years on hundreds of random instances.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array, vstack

from planner.core.errors import OptimiseError
from planner.core.text import agency_key
from planner.methodology.scoring import item_options
from planner.optimiser.levers import Choice, Lever, LeverSet
from planner.optimiser.solver import DEFAULT_TIME_LIMIT, solver_stdout_silenced

#: The longest horizon the planner accepts (a five-year programme, and a little more).
MAX_YEARS = 10
_TOL = 1e-7


@dataclass(frozen=True)
class Rung:
    """One level on an item's ladder: its points gained over today's (hundredths) and the effort from today's."""

    level: str
    gain_centi: int
    effort: float
    #: Position of the level among the rule's options (for caps, which name a level).
    option_index: int
    choice: Choice | None


@dataclass(frozen=True)
class Ladder:
    """The rungs of one movable item, its current level first."""

    lever: Lever
    rungs: tuple[Rung, ...]

    @property
    def monotone(self) -> bool:
        """True when effort never falls up the ladder (then a move costs exactly effort(b) − effort(a))."""
        efforts = [r.effort for r in self.rungs]
        return all(b >= a - 1e-12 for a, b in itertools.pairwise(efforts))


def ladders_of(levers: LeverSet) -> tuple[Ladder, ...]:
    """The ladder of every item that can move, in table order."""
    out: list[Ladder] = []
    for lever in levers.movable:
        options = [o.id for o in item_options(lever.item)]
        upgrades = sorted(lever.upgrades, key=lambda c: (c.gain_centi, options.index(c.level)))
        rungs = [Rung(lever.current_level, 0, 0.0, options.index(lever.current_level), None)]
        rungs += [Rung(c.level, c.gain_centi, c.effort, options.index(c.level), c) for c in upgrades]
        out.append(Ladder(lever, tuple(rungs)))
    return tuple(out)


@dataclass(frozen=True)
class PathProblem:
    """The multi-year programme in hundredths, before any competition: what tests and the oracle share.

    `need_centi[t]` is the gain over today's score year t must reach (None: no target that year). `frozen`
    holds (code, year index) pairs in which an item cannot move; `caps` (code, year index) -> the highest option
    index allowed that year.
    """

    levers: LeverSet
    years: tuple[int, ...]
    need_centi: tuple[int | None, ...]
    budgets: tuple[float | None, ...]
    agency_budgets: tuple[Mapping[str, float], ...]
    upkeep: Mapping[str, float]
    frozen: frozenset[tuple[str, int]]
    caps: Mapping[tuple[str, int], int]

    @property
    def n_years(self) -> int:
        return len(self.years)


@dataclass(frozen=True)
class PathSelection:
    """A solved path: the rung index of every ladder in every year, with its totals."""

    rungs: tuple[tuple[int, ...], ...]  # [ladder][year]
    effort_by_year: tuple[float, ...]
    gain_by_year: tuple[int, ...]
    shortfall_centi: int

    @property
    def effort_total(self) -> float:
        return float(sum(self.effort_by_year))


Objective = Literal["min_effort", "min_shortfall"]


def move_cost(ladder: Ladder, before: int, after: int) -> float:
    """The effort of moving `ladder` from rung `before` to rung `after` in one year (0 when it stays)."""
    if after <= before:
        return 0.0
    return max(0.0, ladder.rungs[after].effort - ladder.rungs[before].effort)


def year_cost(ladder: Ladder, before: int, after: int, t: int, upkeep: float) -> float:
    """What `ladder` costs in year index `t` moving from rung `before` (end of last year) to `after`: the move,
    plus the upkeep of a level raised in an earlier year of the path."""
    return move_cost(ladder, before, after) + (upkeep if t > 0 and before > 0 else 0.0)


class _Programme:
    """The compiled MILP of a PathProblem: variables, rows and the objective vectors."""

    def __init__(self, problem: PathProblem, ladders: Sequence[Ladder]) -> None:
        self.problem = problem
        self.ladders = tuple(ladders)
        self._constants: dict[tuple[int, str | None], float] = {}
        self._agency_cache: dict[tuple[int, str], npt.NDArray[np.float64]] = {}
        T = problem.n_years
        self.T = T
        index: list[list[list[int]]] = []
        n = 0
        for ladder in self.ladders:
            per_year = []
            for _ in range(T):
                per_year.append(list(range(n, n + len(ladder.rungs))))
                n += len(ladder.rungs)
            index.append(per_year)
        self.x = index
        # Continuous move-cost variables for ladders whose effort falls somewhere (see move_cost).
        self.c: dict[tuple[int, int], int] = {}
        for g, ladder in enumerate(self.ladders):
            if not ladder.monotone:
                for t in range(T):
                    self.c[(g, t)] = n
                    n += 1
        # Shortfall variables, one per targeted year (used by the min-shortfall objective only).
        self.s: dict[int, int] = {}
        for t, need in enumerate(problem.need_centi):
            if need is not None:
                self.s[t] = n
                n += 1
        self.n = n
        self.integrality = np.zeros(n)
        self.lower = np.zeros(n)
        self.upper = np.ones(n)
        for g in range(len(self.ladders)):
            for t in range(T):
                for v in self.x[g][t]:
                    self.integrality[v] = 1
        for v in (*self.c.values(), *self.s.values()):
            self.upper[v] = np.inf
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self._structure()
        self.cost_rows = [self._cost_row(t) for t in range(T)]
        self.gain_rows = [self._gain_row(t) for t in range(T)]

    # -- structure -------------------------------------------------------------------------------------------

    def _structure(self) -> None:
        p = self.problem
        for g, ladder in enumerate(self.ladders):
            code = ladder.lever.code
            for t in range(self.T):
                self.rows.append(({v: 1.0 for v in self.x[g][t]}, 1.0, 1.0))
                cap = p.caps.get((code, t))
                if cap is not None:
                    for j, rung in enumerate(ladder.rungs):
                        if j > 0 and rung.option_index > cap:
                            self.upper[self.x[g][t][j]] = 0
                frozen = (code, t) in p.frozen
                for j in range(1, len(ladder.rungs)):
                    above_now = {v: 1.0 for v in self.x[g][t][j:]}
                    if t == 0:
                        if frozen:
                            self.upper[self.x[g][0][j]] = 0
                        continue
                    row = dict(above_now)
                    for v in self.x[g][t - 1][j:]:
                        row[v] = row.get(v, 0.0) - 1.0
                    # No regression: at least as high as last year; frozen: exactly as high.
                    self.rows.append((row, 0.0, 0.0 if frozen else np.inf))
                if (g, t) in self.c:
                    # c[g,t] ≥ E·x_t − E·x_{t−1}, c ≥ 0
                    row = {self.c[(g, t)]: 1.0}
                    for j, rung in enumerate(ladder.rungs):
                        row[self.x[g][t][j]] = row.get(self.x[g][t][j], 0.0) - rung.effort
                        if t > 0:
                            row[self.x[g][t - 1][j]] = row.get(self.x[g][t - 1][j], 0.0) + rung.effort
                    self.rows.append((row, 0.0, np.inf))

    def _cost_row(self, t: int, agency: str | None = None) -> npt.NDArray[np.float64]:
        """The effort spent in year index `t` (by one agency's items when given) as a vector over variables."""
        row = np.zeros(self.n)
        constant = 0.0
        for g, ladder in enumerate(self.ladders):
            if agency is not None and ladder.lever.budget_key != agency:
                continue
            if (g, t) in self.c:
                row[self.c[(g, t)]] += 1.0
            else:
                for j, rung in enumerate(ladder.rungs):
                    row[self.x[g][t][j]] += rung.effort
                    if t > 0:
                        row[self.x[g][t - 1][j]] -= rung.effort
            upkeep = self.problem.upkeep.get(ladder.lever.code, 0.0)
            if upkeep and t > 0:
                # upkeep · (1 − x[g, t−1, current]) = upkeep − upkeep · x[...]
                row[self.x[g][t - 1][0]] -= upkeep
                constant += upkeep
        self._constants[(t, agency)] = constant
        return row

    def _gain_row(self, t: int) -> npt.NDArray[np.float64]:
        row = np.zeros(self.n)
        for g, ladder in enumerate(self.ladders):
            for j, rung in enumerate(ladder.rungs):
                row[self.x[g][t][j]] = float(rung.gain_centi)
        return row

    def constant(self, t: int, agency: str | None = None) -> float:
        return self._constants[(t, agency)]

    # -- solving ---------------------------------------------------------------------------------------------

    def solve(
        self,
        objective: Objective,
        *,
        budgets: Sequence[float | None],
        agency_budgets: Sequence[Mapping[str, float]],
        time_limit: float,
    ) -> PathSelection | None:
        """The lexicographic optimum under `objective`, or None when no path meets the rows (min_effort only)."""
        rows: list[npt.NDArray[np.float64]] = []
        lo: list[float] = []
        hi: list[float] = []
        for t, need in enumerate(self.problem.need_centi):
            if need is None:
                continue
            row = self.gain_rows[t].copy()
            if objective == "min_shortfall":
                row[self.s[t]] = 1.0
            rows.append(row)
            lo.append(float(need))
            hi.append(np.inf)
        for t in range(self.T):
            budget = budgets[t]
            if budget is not None:
                rows.append(self.cost_rows[t])
                lo.append(-np.inf)
                hi.append(budget - self.constant(t) + _TOL)
            for agency, limit in agency_budgets[t].items():
                key = agency_key(agency)
                if not any(ladder.lever.budget_key == key for ladder in self.ladders):
                    continue
                row = self._agency_row(t, key)
                rows.append(row)
                lo.append(-np.inf)
                hi.append(float(limit) - self.constant(t, key) + _TOL)
        effort = np.sum(self.cost_rows, axis=0)
        gain = np.sum(self.gain_rows, axis=0)
        shortfall = np.zeros(self.n)
        for v in self.s.values():
            shortfall[v] = 1.0
        sequence = [effort, -gain] if objective == "min_effort" else [shortfall, effort, -gain]
        x: npt.NDArray[np.float64] | None = None
        for step, c in enumerate(sequence):
            found = self._run(c, rows, lo, hi, time_limit)
            if found is None:
                if step == 0:
                    return None
                break
            x = found
            best = float(c @ self._clean(x))
            rows = [*rows, c]
            lo = [*lo, -np.inf]
            hi = [*hi, best + 1e-9 * max(1.0, abs(best)) + _TOL]
        assert x is not None
        return self._selection(self._clean(x))

    def _agency_row(self, t: int, key: str) -> npt.NDArray[np.float64]:
        cached = self._agency_cache.get((t, key))
        if cached is None:
            cached = self._cost_row(t, key)
            self._agency_cache[(t, key)] = cached
        return cached

    def _clean(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        out = x.copy()
        mask = self.integrality == 1
        out[mask] = np.round(out[mask])
        return out

    def _run(
        self,
        c: npt.NDArray[np.float64],
        rows: list[npt.NDArray[np.float64]],
        lo: list[float],
        hi: list[float],
        time_limit: float,
    ) -> npt.NDArray[np.float64] | None:
        data: list[float] = []
        ri: list[int] = []
        ci: list[int] = []
        bounds_lo: list[float] = []
        bounds_hi: list[float] = []
        r = 0
        for row, low, high in self.rows:
            for v, a in row.items():
                if a:
                    data.append(a)
                    ri.append(r)
                    ci.append(v)
            bounds_lo.append(low)
            bounds_hi.append(high)
            r += 1
        matrix = coo_array((data, (ri, ci)), shape=(r, self.n)).tocsr()
        if rows:
            dense = csr_array(np.vstack(rows))
            matrix = vstack([matrix, dense], format="csr")
            bounds_lo += lo
            bounds_hi += hi
        with solver_stdout_silenced():
            result = milp(
                c,
                integrality=self.integrality,
                bounds=Bounds(self.lower, self.upper),
                constraints=LinearConstraint(matrix, np.array(bounds_lo), np.array(bounds_hi)),
                options={"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": True},
            )
        if result.status == 0 and result.x is not None:
            return np.asarray(result.x, dtype=np.float64)
        if result.status == 2:
            return None
        if result.status == 1:
            raise OptimiseError("optimise.time_limit", seconds=float(time_limit))
        raise OptimiseError("optimise.solver_failed", detail=str(result.message))

    def _selection(self, x: npt.NDArray[np.float64]) -> PathSelection:
        rungs: list[tuple[int, ...]] = []
        for g in range(len(self.ladders)):
            per_year = []
            for t in range(self.T):
                chosen = [j for j, v in enumerate(self.x[g][t]) if x[v] == 1]
                per_year.append(chosen[0] if chosen else 0)
            rungs.append(tuple(per_year))
        return selection_of(self.problem, self.ladders, rungs)


def selection_of(
    problem: PathProblem, ladders: Sequence[Ladder], rungs: Sequence[Sequence[int]]
) -> PathSelection:
    """The totals of a path given as rung indices per ladder and year, counted by the model's own rules (the
    solver's answer is re-counted here, so what is reported never depends on the solver's arithmetic)."""
    efforts = [0.0] * problem.n_years
    gains = [0] * problem.n_years
    for ladder, path in zip(ladders, rungs, strict=True):
        upkeep = problem.upkeep.get(ladder.lever.code, 0.0)
        before = 0
        for t, after in enumerate(path):
            efforts[t] += year_cost(ladder, before, after, t, upkeep)
            gains[t] += ladder.rungs[after].gain_centi
            before = after
    shortfall = sum(max(0, need - gains[t]) for t, need in enumerate(problem.need_centi) if need is not None)
    return PathSelection(
        tuple(tuple(p) for p in rungs), tuple(round(e, 9) for e in efforts), tuple(gains), shortfall
    )


def compile_path(problem: PathProblem) -> _Programme:
    """The programme of `problem` (compiled once; budgets can be varied per solve)."""
    return _Programme(problem, ladders_of(problem.levers))


def solve_path(
    problem: PathProblem,
    *,
    objective: Objective = "min_effort",
    budgets: Sequence[float | None] | None = None,
    agency_budgets: Sequence[Mapping[str, float]] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    programme: _Programme | None = None,
) -> PathSelection | None:
    """The optimal path of `problem`: least total effort (then most points) meeting every target, or with
    objective "min_shortfall" the path closest to the targets (then least effort, then most points), which
    always exists. `budgets` and `agency_budgets` replace the problem's (a blocker analysis relaxes one)."""
    programme = programme or compile_path(problem)
    return programme.solve(
        objective,
        budgets=problem.budgets if budgets is None else budgets,
        agency_budgets=problem.agency_budgets if agency_budgets is None else agency_budgets,
        time_limit=time_limit,
    )


__all__ = [
    "MAX_YEARS",
    "Ladder",
    "PathProblem",
    "PathSelection",
    "Rung",
    "compile_path",
    "ladders_of",
    "move_cost",
    "selection_of",
    "solve_path",
    "year_cost",
]
