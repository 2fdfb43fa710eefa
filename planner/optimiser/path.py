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

It is one mixed-integer programme (scipy.optimize.milp, HiGHS, `mip_rel_gap=0`) on integer hundredths of a point,
one small network per item (see PathProgramme), a points row per targeted year and an effort row per budget. The
answer is the least total effort, then the most points in the final year (where the plan is judged); when no path
meets every target, the path with the most points in the final year within the budgets and limits (then the least
effort), as the one-year optimiser answers, and what blocks it. Breaking ties on the points summed over the years
was tried and cost 2-10 times more solver time on the 82 x 6 x 4 benchmark, for a distinction no plan reader asks
for. Each answer is two solves, the second holding the first's optimum and given the first's answer as a
cutoff. One solve on a weighted integer objective (planner.optimiser.solver.weighted_lexicographic, as the
one-year optimiser does) was used before the cutoff: on the 82 x 6 x 4 benchmark it spent its time proving the
tie-break, and its slowest answers took 2,0, 3,4 and 2,5 s on three seeds against 1,8, 2,0 and 1,5 s for the pair.
Before any of that, a bound from each item's rung in the scored year alone is tried (planner.optimiser.
final_rungs), for both answers: when the rungs it picks can be reached year by year within every budget, that
path is the least effort (or the most points), often with its tie-break, and no solve of the whole path. The
bound carries a ceiling per agency with a budget: the most that agency's items reach on their own within its
yearly budgets (PathProgramme._agency_ceilings), which is what the bound's summed budgets miss (for the least
effort, only once its first pick is found out of reach). The most-points solves carry the ceilings as rows
too: valid rows that spare the solver its slowest proofs.
tests/optimiser/test_path.py checks the answer against a dynamic programme over years on 300 random instances.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import coo_array, csr_array, vstack

from planner.core.errors import OptimiseTimeLimit
from planner.core.text import agency_key
from planner.methodology.scoring import item_options
from planner.optimiser.agency_ceiling import most_points
from planner.optimiser.final_rungs import FinalRungs, best_rungs, columns_of, final_rungs
from planner.optimiser.levers import Choice, Lever, LeverSet
from planner.optimiser.solver import (
    COST_TOL,
    DEFAULT_TIME_LIMIT,
    MIP_ABS_GAP,
    SIDE_BY_SIDE,
    MilpSolution,
    exact_milp,
    proven_bound,
    tolerance,
)
from planner.optimiser.spend import largest_spend

#: The longest horizon the planner accepts (a five-year programme, and a little more).
MAX_YEARS = 10
#: The share of a most-points solve's time limit the agency ceilings may take together (a ceiling cut short is
#: still valid, only weaker; one not started for lack of time is left out).
_CEILING_SHARE = 0.25
#: The share of a solve's time limit the bound from the final rungs and its checks may take, and how many of
#: its picks are checked after the first (which is checked before the agency ceilings are added to the bound)
#: before the path is solved as a whole.
_FINAL_RUNGS_SHARE = 0.25
_FINAL_RUNGS_PICKS = 3
#: The most paths one item's network may have for its agency's ceiling to be enumerated rather than solved (six
#: rungs over four years have at most 126).
_MAX_TRACK_PATHS = 5_000


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
class Track:
    """One item over the horizon: the ladder it stands on in each year.

    Without a scheme change it is one ladder for every year. Across a change (planner.optimiser.scheme_change)
    it is the old scheme's ladder before the change year and the new scheme's from it; `entry[a]` is the new
    scheme's rung that old rung a carries to at the change, from which that year's move starts. An item that
    exists on one side only has a one-rung ladder (no points, no moves) on the other.
    """

    ladders: tuple[Ladder, ...]
    #: Year index of the change (None: one scheme throughout).
    change: int | None = None
    entry: tuple[int, ...] = ()

    def start(self, t: int, a: int) -> int:
        """The rung year index `t` starts from, given the rung `a` the item ended the year before on."""
        return self.entry[a] if t == self.change else a


def uniform_tracks(ladders: Sequence[Ladder], n_years: int) -> tuple[Track, ...]:
    """The tracks of a horizon under one scheme: each ladder for every year."""
    return tuple(Track((ladder,) * n_years) for ladder in ladders)


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
    #: The items across a scheme change (None: the ladders of `levers` in every year).
    tracks: tuple[Track, ...] | None = None

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
    #: False when a solve stopped on its time limit: the path meets every constraint, not proved least effort.
    proven: bool = True

    @property
    def effort_total(self) -> float:
        return float(sum(self.effort_by_year))


Objective = Literal["min_effort", "max_points"]


def move_cost(ladder: Ladder, before: int, after: int) -> float:
    """The effort of moving `ladder` from rung `before` to rung `after` in one year (0 when it stays)."""
    if after <= before:
        return 0.0
    return max(0.0, ladder.rungs[after].effort - ladder.rungs[before].effort)


def year_cost(ladder: Ladder, before: int, after: int, t: int, upkeep: float) -> float:
    """What `ladder` costs in year index `t` moving from rung `before` (end of last year) to `after`: the move,
    plus the upkeep of a level raised in an earlier year of the path."""
    return move_cost(ladder, before, after) + (upkeep if t > 0 and before > 0 else 0.0)


class PathProgramme:
    """The compiled MILP of a PathProblem as one small network per item.

    An item's path through the years is a path in a layered graph: layer t holds its rungs at the end of year t,
    and an arc (a → b) in year t, b ≥ a, means "stood on a, ends the year on b" and carries that year's exact
    cost (the move and any upkeep). One unit of flow per item, conserved at every node, is exactly one path
    without regression; caps, locks and deadlines simply remove arcs. Per item the constraint matrix is a
    network's, so the relaxation of each item alone is integral and only the rows that link items (targets and
    budgets) leave the solver branching: far fewer nodes than a level-per-year formulation.
    """

    def __init__(self, problem: PathProblem, tracks: Sequence[Track]) -> None:
        self.problem = problem
        self.tracks = tuple(tracks)
        self.T = problem.n_years
        #: [track][year] -> the arcs of that year as (from rung, to rung, variable).
        self.arcs: list[list[list[tuple[int, int, int]]]] = []
        n = 0
        arc_cost: list[float] = []
        arc_gain: list[float] = []
        arc_year: list[int] = []
        arc_key: list[str] = []
        arc_track: list[int] = []
        for index, track in enumerate(self.tracks):
            per_year: list[list[tuple[int, int, int]]] = []
            for t in range(self.T):
                ladder = track.ladders[t]
                code = ladder.lever.code
                upkeep = problem.upkeep.get(code, 0.0)
                frozen = (code, t) in problem.frozen
                cap = problem.caps.get((code, t))
                sources = (0,) if t == 0 else range(len(track.ladders[t - 1].rungs))
                arcs: list[tuple[int, int, int]] = []
                for a in sources:
                    start = track.start(t, a)
                    ends = [
                        b
                        for b in range(start, len(ladder.rungs))
                        if not (frozen and b != start)
                        and not (cap is not None and b > 0 and ladder.rungs[b].option_index > cap)
                    ]
                    if t == self.T - 1:
                        ends = _undominated_ends(ladder, start, ends, t, upkeep)
                    for b in ends:
                        arcs.append((a, b, n))
                        arc_cost.append(year_cost(ladder, start, b, t, upkeep))
                        arc_gain.append(float(ladder.rungs[b].gain_centi))
                        arc_year.append(t)
                        arc_key.append(ladder.lever.budget_key)
                        arc_track.append(index)
                        n += 1
                per_year.append(arcs)
            self.arcs.append(per_year)
        self.n_arcs = n
        self.n = n
        self.integrality = np.zeros(n)
        self.integrality[: self.n_arcs] = 1
        self.lower = np.zeros(n)
        self.upper = np.ones(n)
        self._cost = np.array(arc_cost, dtype=np.float64)
        self._year = np.array(arc_year, dtype=np.int64)
        self._key = np.array(arc_key, dtype=object)
        self._track = np.array(arc_track, dtype=np.int64)
        #: where each track's arcs start but the first's (a track's arcs are numbered together)
        self._track_starts = np.flatnonzero(np.diff(self._track)) + 1
        #: Agency ceilings already proved: (year index, budget key, that agency's budget by year) -> ceiling.
        self._ceilings: dict[tuple[int, str, tuple[tuple[float, ...], ...]], int | None] = {}
        gain = np.array(arc_gain, dtype=np.float64)
        self.flow = self._flow_matrix()
        self.cost_rows = [np.where(self._year == t, self._cost, 0.0) for t in range(self.T)]
        self.gain_rows = [np.where(self._year == t, gain, 0.0) for t in range(self.T)]

    def _flow_matrix(self) -> csr_array:
        """One unit leaves each item's start; at the end of every year but the last, what enters a rung leaves it."""
        data: list[float] = []
        rows: list[int] = []
        cols: list[int] = []
        r = 0
        #: [track] -> the flow rows of its network
        self.flow_rows: list[range] = []
        for per_year in self.arcs:
            first = r
            for _, _, v in per_year[0]:
                data.append(1.0)
                rows.append(r)
                cols.append(v)
            r += 1
            for t in range(1, self.T):
                nodes: dict[int, int] = {}
                for _, b, v in per_year[t - 1]:
                    nodes.setdefault(b, len(nodes))
                    data.append(1.0)
                    rows.append(r + nodes[b])
                    cols.append(v)
                for a, _, v in per_year[t]:
                    if a not in nodes:
                        nodes[a] = len(nodes)
                    data.append(-1.0)
                    rows.append(r + nodes[a])
                    cols.append(v)
                r += len(nodes)
            self.flow_rows.append(range(first, r))
        self.n_flow_rows = r
        #: what each flow row equals: one unit out of each item's start (its block's first row), else balance
        self.flow_rhs = np.zeros(r)
        self.flow_rhs[[block.start for block in self.flow_rows]] = 1.0
        return coo_array((data, (rows, cols)), shape=(r, self.n)).tocsr()

    def _agency_row(self, t: int, key: str) -> npt.NDArray[np.float64]:
        return np.where((self._key == key) & (self._year == t), self._cost, 0.0)

    def _agency_gain_row(self, t: int, key: str) -> npt.NDArray[np.float64]:
        """The points an agency's items stand on in year index `t` (its ceiling's row)."""
        return np.where(self._key == key, self.gain_rows[t], 0.0)

    # -- solving ---------------------------------------------------------------------------------------------

    def solve(
        self,
        objective: Objective,
        *,
        budgets: Sequence[float | None],
        agency_budgets: Sequence[Mapping[str, float]],
        time_limit: float,
        year: int = -1,
        tie_break: bool = True,
        reached_centi: int | None = None,
    ) -> PathSelection | None:
        """The lexicographic optimum, or None when no path meets the targets (min_effort only).

        "min_effort": every target met, least total effort, then the most points in the final year. "max_points":
        targets not enforced, the most points in year index `year` (the last by default), then the least effort;
        `tie_break=False` stops after the first objective (the blocker analysis needs only the points), and
        `reached_centi` gives the points some path within these budgets is known to reach in that year (the
        best path, under a relaxed budget): the solver then looks only at paths at least as good.
        """
        if self.n == 0:  # nothing can move: staying put is the only path
            stay = selection_of(self.problem, self.tracks, [])
            met = all(need is None or need <= 0 for need in self.problem.need_centi)
            return stay if met or objective == "max_points" else None
        rows: list[npt.NDArray[np.float64]] = []
        lo: list[float] = []
        hi: list[float] = []
        if objective == "min_effort":
            for t, need in enumerate(self.problem.need_centi):
                if need is not None:
                    rows.append(self.gain_rows[t])
                    lo.append(float(need))
                    hi.append(np.inf)
        budget_rows, budget_limits, budget_labels = self._budget_rows(budgets, agency_budgets)
        rows += budget_rows
        lo += [-np.inf] * len(budget_rows)
        hi += budget_limits
        started = time.perf_counter()
        first: MilpSolution | None = None
        if objective == "min_effort":
            sequence = [self._cost, -self.gain_rows[-1]]
            need = self.problem.need_centi[-1]
            if need is not None:
                least = self._least_effort_from_final_rungs(
                    need,
                    list(zip(budget_rows, budget_limits, budget_labels, strict=True)),
                    lambda: self._ceiling_rows(self.T - 1, agency_budgets, time_limit * _CEILING_SHARE),
                    (rows, lo, hi),
                    time_limit * _FINAL_RUNGS_SHARE,
                    most_points=tie_break,
                )
                if least is not None:
                    first, most_points = least
                    if most_points:
                        return self._selection(first.x)
        else:
            sequence = [-self.gain_rows[year], self._cost]
            ceilings = self._ceiling_rows(year % self.T, agency_budgets, time_limit * _CEILING_SHARE)
            for row, limit in ceilings:
                rows.append(row)
                lo.append(-np.inf)
                hi.append(limit)
            shortcut = self._from_final_rungs(
                year % self.T,
                list(zip(budget_rows, budget_limits, budget_labels, strict=True)),
                ceilings,
                (rows, lo, hi),
                time_limit * _FINAL_RUNGS_SHARE,
                least_effort=tie_break,
            )
            if shortcut is not None:
                first, least_effort = shortcut
                if least_effort:  # both objectives proved: the tie-break has nothing left to do
                    return self._selection(first.x)
        if not tie_break:
            sequence = sequence[:1]
        x: npt.NDArray[np.float64] | None = None
        proven = True
        for c in sequence:
            if x is None and first is not None:
                solution = first
            elif x is None:
                known = None if reached_centi is None or objective != "max_points" else _above(-reached_centi)
                left = time_limit - (time.perf_counter() - started)
                solved = self._run(c, rows, lo, hi, max(left, 1e-3), cutoff=known)
                if solved is None:
                    return None
                solution = solved
            else:
                solution = self._run_from(x, c, rows, lo, hi, time_limit - (time.perf_counter() - started))
            proven = proven and solution.proven
            x = self._clean(solution.x)
            best = float(c @ x)
            rows = [*rows, c]
            # held at its optimum from both sides once proved: nothing lies below it, and saying so (a redundant
            # row to HiGHS) halved the tie-break's slowest solves on the benchmark (2,1 -> 0,9 s)
            lo = [*lo, _below(best) if solution.proven else -np.inf]
            hi = [*hi, _above(best)]
        assert x is not None
        found = self._selection(x)
        return found if proven else replace(found, proven=False)

    def _budget_rows(
        self, budgets: Sequence[float | None], agency_budgets: Sequence[Mapping[str, float]]
    ) -> tuple[list[npt.NDArray[np.float64]], list[float], list[tuple[int, str | None]]]:
        """A row per budget (each year's total, each agency's in each year), the most it allows, and what it is:
        (year index, None for the total or the agency's key)."""
        rows: list[npt.NDArray[np.float64]] = []
        limits: list[float] = []
        labels: list[tuple[int, str | None]] = []
        for t in range(self.T):
            budget = budgets[t]
            if budget is not None:
                rows.append(self.cost_rows[t])
                limits.append(self._spendable(self.cost_rows[t], budget) + COST_TOL)
                labels.append((t, None))
            for agency, limit in agency_budgets[t].items():
                key = agency_key(agency)
                if not bool(np.any(self._key == key)):
                    continue
                row = self._agency_row(t, key)
                rows.append(row)
                limits.append(self._spendable(row, float(limit)) + COST_TOL)
                labels.append((t, key))
        return rows, limits, labels

    def _spendable(self, row: npt.NDArray[np.float64], budget: float) -> float:
        """The most budget row `row` can hold within `budget`: the largest sum of one of its costs per item
        (planner.optimiser.spend). The same paths fit; the relaxations stop spending what no path can."""
        return largest_spend(np.split(row, self._track_starts), budget)

    def _from_final_rungs(
        self,
        year: int,
        budgets: Sequence[tuple[npt.NDArray[np.float64], float, tuple[int, str | None]]],
        ceilings: Sequence[tuple[npt.NDArray[np.float64], float]],
        programme_rows: tuple[list[npt.NDArray[np.float64]], list[float], list[float]],
        time_limit: float,
        *,
        least_effort: bool,
    ) -> tuple[MilpSolution, bool] | None:
        """A path with the most points in year index `year`, proved so without solving the path: the optimum of
        the bound from each item's rung in that year alone (planner.optimiser.final_rungs), when those rungs
        can be reached year by year within every budget. With it, whether it is also proved to be of least
        effort among them by the same bound on effort (when `least_effort` asks it; of the final year only).
        None when no pick of the first _FINAL_RUNGS_PICKS can be reached, or the time runs out: the caller then
        solves the path itself.

        On the 82 x 6 x 4 benchmark the bound's pick was reachable in about a third of the slow instances,
        seed 17's slowest among them (9,0 s became 0,8-2,3 s). The agency ceilings are in the bound from the
        start here (`ceilings`): proving them only once a first pick without them was found unreachable, as
        the least effort does, made the best paths slower on the benchmark (a check that cannot be reached can
        take HiGHS seconds to prove so: seed 17's instance 20 went from at most 2,0 s to 13,8 s)."""
        deadline = time.perf_counter() + time_limit
        problem = self._final_rungs_problem(year, budgets, ceilings)
        if problem is None:
            return None
        excluded: list[npt.NDArray[np.int64]] = []
        cut: list[tuple[float, tuple[int, ...], npt.NDArray[np.int64]]] = []
        for _ in range(_FINAL_RUNGS_PICKS):
            left = deadline - time.perf_counter()
            found = best_rungs(problem, excluded, left) if left > 0 else None
            if not found:
                return None
            bound, picks = found
            columns = columns_of(problem, picks)
            reached = self._on_rungs(year, picks, programme_rows, deadline)
            if reached is None:  # no path stands on exactly these rungs: cut them off and ask again
                excluded.append(columns)
                cut.append((bound, picks, columns))
                continue
            if reached is False or round(float(self.gain_rows[year] @ reached)) != bound:
                return None  # out of time (the second cannot happen; never trusted unchecked)
            # The bound holds as long as every pick cut off above it is truly unreachable. The solver is asked
            # again, without presolve, only for those: scipy 1.11's HiGHS (the declared floor) called a
            # reachable pick unreachable with presolve on (tests/optimiser/test_path.py, tied instance 33), and
            # asking every cut again cost up to 8 s on the benchmark.
            confirmed: list[npt.NDArray[np.int64]] = []
            for value, other_picks, columns in cut:
                if value > bound:
                    if (
                        self._on_rungs(year, other_picks, programme_rows, deadline, presolve=False)
                        is not None
                    ):
                        return None
                    confirmed.append(columns)
            if not least_effort or year != self.T - 1:
                return MilpSolution(reached), False
            # the tie-break: the least effort the bound allows at these points (cut off: only the picks known to
            # be unreachable), and a path that spends it
            left = deadline - time.perf_counter()
            least = best_rungs(problem, confirmed, left, least_effort_at=int(bound)) if left > 0 else None
            if not least:
                return MilpSolution(reached), False
            floor, cheapest = least
            best = reached
            if cheapest != picks:
                other = self._on_rungs(year, cheapest, programme_rows, deadline)
                if (
                    other is not None
                    and other is not False
                    and float(self._cost @ other) < float(self._cost @ best)
                ):
                    best = other
            return MilpSolution(best), float(self._cost @ best) <= floor + tolerance(floor)
        return None

    def _least_effort_from_final_rungs(
        self,
        need: int,
        budgets: Sequence[tuple[npt.NDArray[np.float64], float, tuple[int, str | None]]],
        ceilings: Callable[[], Sequence[tuple[npt.NDArray[np.float64], float]]],
        programme_rows: tuple[list[npt.NDArray[np.float64]], list[float], list[float]],
        time_limit: float,
        *,
        most_points: bool,
    ) -> tuple[MilpSolution, bool] | None:
        """A path of least effort meeting every target, proved so without solving the path, as
        _from_final_rungs proves the most points: the least effort of rungs bringing the final year's `need`
        (hundredths) bounds every such path's effort from below, and a path standing on the rungs it picks is
        checked against every row. A pick checked is cut off (unreachable, or reachable only at more than the
        bound) and the bound asked again until a checked path meets it, 1 + _FINAL_RUNGS_PICKS at most. With it,
        whether it is also proved to bring the most final-year points among the paths of that effort (when
        `most_points` asks it). None when nothing was proved: the caller then solves the path itself.

        The earlier years' targets are left to the check: the rung an item ends on sets its effort (moves cost
        the difference of the efforts), so the final year's rungs decide the effort and the years between
        only need a budget that lets them be reached in time. What the bound does miss is how an agency's moves
        pack into its yearly budgets: seed 15's instance 30 needs 285,5 even with only the final target, and
        the bound with the budgets summed says 280 (its picks were unreachable, and the path was solved whole
        in 2,9 s). When the first pick is not reached at the bound, the agency ceilings (`ceilings`, proved on
        demand: 0,05-1,2 s) are added to it; there it then says 285,5, and the answer takes 0,6-0,7 s."""
        year = self.T - 1
        deadline = time.perf_counter() + time_limit
        problem = self._final_rungs_problem(year, budgets, ())
        if problem is None:
            return None
        with_ceilings = False
        excluded: list[npt.NDArray[np.int64]] = []
        unreachable: list[tuple[float, tuple[int, ...], npt.NDArray[np.int64]]] = []
        costlier: list[tuple[float, npt.NDArray[np.int64]]] = []
        best: npt.NDArray[np.float64] | None = None
        for attempt in range(_FINAL_RUNGS_PICKS + 2):
            left = deadline - time.perf_counter()
            found = best_rungs(problem, excluded, left, least_effort_at=need) if left > 0 else None
            if found is False and best is not None:
                break  # every pick that meets the need was checked: the cheapest reached is the least effort
            if not found:
                return None
            floor, picks = found
            if best is not None and float(self._cost @ best) <= floor + tolerance(floor):
                break  # no pick left can be reached for less than the best path found
            if attempt == _FINAL_RUNGS_PICKS + 1:
                return None
            reached = self._on_rungs(year, picks, programme_rows, deadline)
            if reached is False:
                return None
            columns = columns_of(problem, picks)
            excluded.append(columns)
            if reached is None:
                unreachable.append((floor, picks, columns))
                if not with_ceilings:
                    problem, with_ceilings = self._with_ceilings(problem, year, budgets, ceilings), True
                continue
            costlier.append((float(self._cost @ reached), columns))
            if best is None or float(self._cost @ reached) < float(self._cost @ best):
                best = reached
            if float(self._cost @ reached) <= floor + tolerance(floor):
                break  # at the bound: no pick left (nor cut off) is reached for less
            if not with_ceilings:
                problem, with_ceilings = self._with_ceilings(problem, year, budgets, ceilings), True
        assert best is not None
        effort = float(self._cost @ best)
        # a pick cut off as unreachable that could have been cheaper is asked again without presolve (scipy 1.11's
        # HiGHS, see _from_final_rungs)
        confirmed: list[npt.NDArray[np.int64]] = []
        for value, picks, columns in unreachable:
            if value <= effort + tolerance(effort):
                if self._on_rungs(year, picks, programme_rows, deadline, presolve=False) is not None:
                    return None
                confirmed.append(columns)
        if not most_points:
            return MilpSolution(best), False
        # the tie-break: the most final-year points of rungs within that effort, every pick known not to be
        # reached within it cut off, and a path that brings them
        confirmed += [columns for value, columns in costlier if value > effort + tolerance(effort)]
        left = deadline - time.perf_counter()
        most = (
            best_rungs(problem, confirmed, left, effort_within=effort + tolerance(effort))
            if left > 0
            else None
        )
        if not most:
            return MilpSolution(best), False
        ceiling, richest = most
        points = self.gain_rows[year]
        if round(float(points @ best)) >= ceiling:
            return MilpSolution(best), True
        other = self._on_rungs(year, richest, programme_rows, deadline)
        if (
            other is not None
            and other is not False
            and float(self._cost @ other) <= effort + tolerance(effort)
            and round(float(points @ other)) >= ceiling
        ):
            return MilpSolution(other), True
        return MilpSolution(best), False

    def _with_ceilings(
        self,
        problem: FinalRungs,
        year: int,
        budgets: Sequence[tuple[npt.NDArray[np.float64], float, tuple[int, str | None]]],
        ceilings: Callable[[], Sequence[tuple[npt.NDArray[np.float64], float]]],
    ) -> FinalRungs:
        """`problem` with the agency ceilings as rows: the same columns (the cuts made so far still name them)."""
        tighter = self._final_rungs_problem(year, budgets, ceilings())
        return problem if tighter is None else tighter

    def _final_rungs_problem(
        self,
        year: int,
        budgets: Sequence[tuple[npt.NDArray[np.float64], float, tuple[int, str | None]]],
        ceilings: Sequence[tuple[npt.NDArray[np.float64], float]],
    ) -> FinalRungs | None:
        """The bound from each item's rung in year index `year` alone (planner.optimiser.final_rungs): each budget
        family summed over the years up to it, a move over its own year's budget left out, `ceilings` as rows."""
        admissible = np.ones(self.n, dtype=bool)
        totals: dict[str | None, tuple[npt.NDArray[np.float64], float]] = {}
        for row, limit, (t, family) in budgets:
            admissible &= row <= limit
            if t > year:
                continue
            summed, allowed = totals.get(family, (np.zeros(self.n), 0.0))
            totals[family] = (summed + row, allowed + limit)
        return final_rungs(
            self.arcs,
            year,
            self.gain_rows[year],
            list(totals.values()),
            admissible,
            np.where(self._year <= year, self._cost, 0.0),
            ceilings,
        )

    def _on_rungs(
        self,
        year: int,
        picks: Sequence[int],
        programme_rows: tuple[list[npt.NDArray[np.float64]], list[float], list[float]],
        deadline: float,
        *,
        presolve: bool = True,
    ) -> npt.NDArray[np.float64] | Literal[False] | None:
        """The least-effort path standing on rung `picks[i]` of each item in year index `year`, within every
        row of the programme; None when there is none, False when time ran out before anything was known (or
        the solver's answer does not hold).

        First asked among each item's cheapest ways to its pick alone (_cheapest_arcs), for any path at all:
        every path made of those arcs costs each item its least, so the first one found is the answer. Only when
        there is none (a cheapest way would break a budget or a target) is the least effort solved over every
        arc. On the 82 x 6 x 4 benchmark the checks are tight packings of the moves into the yearly budgets and
        the smaller question is found sooner: seed 17's slowest best path's check went from 2,0-2,4 s to 0,7-0,8
        s.

        Asking instead for any path at the least those rungs can cost over every arc (a row, no objective) was
        tried: on the benchmark it took one check from 2,1 to 1,0 s and another from 0,6 to 2,4 s, and over
        three seeds the best paths were no faster."""
        on_picks = np.ones(self.n, dtype=bool)
        for per_year, pick in zip(self.arcs, picks, strict=True):
            on_picks[[v for _, b, v in per_year[year] if b != pick]] = False
        cheapest = self._cheapest_arcs(year, picks)
        if cheapest is not None:
            found = self._on_arcs(on_picks & cheapest, programme_rows, deadline, presolve, any_path=True)
            if found is not None:
                return found
        return self._on_arcs(on_picks, programme_rows, deadline, presolve, any_path=False)

    def _on_arcs(
        self,
        keep: npt.NDArray[np.bool_],
        programme_rows: tuple[list[npt.NDArray[np.float64]], list[float], list[float]],
        deadline: float,
        presolve: bool,
        *,
        any_path: bool,
    ) -> npt.NDArray[np.float64] | Literal[False] | None:
        """The least-effort path on the arcs `keep` marks (any path when `any_path`), as _on_rungs answers."""
        left = deadline - time.perf_counter()
        if left <= 0:
            return False
        # the arcs not kept are left out of the programme, not fixed at 0 by their bounds: scipy 1.11's HiGHS
        # answered such a programme with values outside the bounds (-5 and 6 for 0/1 arcs)
        matrix, lower, upper = self._constraints(*programme_rows)
        columns = np.flatnonzero(keep)
        try:
            reached = exact_milp(
                np.zeros(len(columns)) if any_path else self._cost[columns],
                self.integrality[columns],
                Bounds(self.lower[columns], self.upper[columns]),
                LinearConstraint(matrix[:, columns], lower, upper),
                left,
                keep_incumbent=True,
                presolve=presolve,
            )
        except OptimiseTimeLimit:
            return False
        if reached is None:
            return None
        x = np.zeros(self.n)
        x[columns] = np.round(reached.x)
        lhs = matrix @ x  # what is not a path within every row is not taken as one, whatever the solver says
        fits = bool(np.all((x >= 0) & (x <= 1))) and bool(
            np.all((lhs >= lower - tolerance(1.0)) & (lhs <= upper + tolerance(1.0)))
        )
        return x if fits else False

    def _cheapest_arcs(self, year: int, picks: Sequence[int]) -> npt.NDArray[np.bool_] | None:
        """The arcs on some cheapest path of each item standing on rung `picks[i]` in year index `year`, every
        budget and target aside (None when some item cannot stand there at all).

        An arc (a → b) is on one when the cheapest way to a, the arc and the cheapest way on from b add up to
        the item's least; then every path made of such arcs costs exactly that least (the way to each node
        along it is a cheapest one), which is what lets _on_rungs take the first path it finds on them."""
        keep = np.zeros(self.n, dtype=bool)
        for per_year, pick in zip(self.arcs, picks, strict=True):
            # the cheapest way to each rung at the end of each year (layer t + 1), standing on the pick in `year`
            ahead: list[dict[int, float]] = [{0: 0.0}]
            for t, arcs in enumerate(per_year):
                reach: dict[int, float] = {}
                for a, b, v in arcs:
                    if a in ahead[t] and (t != year or b == pick):
                        cost = ahead[t][a] + float(self._cost[v])
                        reach[b] = min(reach.get(b, math.inf), cost)
                ahead.append(reach)
            if not ahead[-1]:
                return None
            least = min(ahead[-1].values())
            # the cheapest way on from each rung to the horizon's end, back from the last year
            behind: dict[int, float] = dict.fromkeys(ahead[-1], 0.0)
            for t in range(self.T - 1, -1, -1):
                before: dict[int, float] = {}
                for a, b, v in per_year[t]:
                    # (`behind` past `year` holds only rungs reached through the pick)
                    if a in ahead[t] and b in behind:
                        through = ahead[t][a] + float(self._cost[v]) + behind[b]
                        if through <= least + tolerance(least):
                            keep[v] = True
                        before[a] = min(before.get(a, math.inf), float(self._cost[v]) + behind[b])
                behind = before
        return keep

    def admits(self, rungs: Sequence[Sequence[int]]) -> bool:
        """True when `rungs` (per track, the rung at the end of each year) is a path of this programme within the
        problem's own budgets: every move allowed (no regression, locks, caps, deadlines) and every budget kept.
        What a path read back from a result is checked against before it is analysed further."""
        if len(rungs) != len(self.tracks):
            return False
        x = np.zeros(self.n)
        for per_year, path in zip(self.arcs, rungs, strict=True):
            before = 0
            for arcs, after in zip(per_year, path, strict=True):
                variable = next((v for a, b, v in arcs if a == before and b == after), None)
                if variable is None:
                    return False
                x[variable] = 1.0
                before = after
        rows, limits, _ = self._budget_rows(self.problem.budgets, self.problem.agency_budgets)
        return all(float(row @ x) <= limit for row, limit in zip(rows, limits, strict=True))

    def _ceiling_rows(
        self, year: int, agency_budgets: Sequence[Mapping[str, float]], time_limit: float
    ) -> list[tuple[npt.NDArray[np.float64], float]]:
        """The agency ceilings of year index `year` (_agency_ceilings) as rows with the most each allows: points
        are whole hundredths, so halfway to the next is robust."""
        return [
            (row, ceiling + 0.5) for row, ceiling in self._agency_ceilings(year, agency_budgets, time_limit)
        ]

    def _agency_ceilings(
        self, year: int, agency_budgets: Sequence[Mapping[str, float]], time_limit: float
    ) -> list[tuple[npt.NDArray[np.float64], int]]:
        """For each agency with a budget, a ceiling on the points its items can bring in year index `year`: the
        most they reach on their own within that agency's budgets, found exactly over their items' paths (or,
        where those are too many, proved by a solve of their items alone: see _ceiling).

        Why: the most points under a budget per year is a packing of whole moves into each year's budget, and
        an agency's few items packed into its small yearly budgets are where the relaxation is loosest. With the
        agencies' ceilings as rows the solver no longer has to discover them node by node: on the 82 x 6 x 4
        benchmark's hardest instance (seed 17) the best path took 24,9 s without them and 5,9 s with them.

        Each ceiling is valid whatever the rest of the path does (a path's items of one agency are a path of
        those items within that agency's budgets), so the optimum is unchanged. A ceiling solve stopped by its
        time limit gives a weaker ceiling, still valid; one not found in time is left out. An agency
        whose items are every item the path can move is left out too: its solve would be the whole programme
        again. Ceilings are kept per programme, so the blocker analysis, which relaxes one budget at a time,
        proves each agency's ceiling once per budget it tries."""
        keys = sorted({agency_key(name) for per_year in agency_budgets for name in per_year})
        asked: list[tuple[tuple[int, str, tuple[tuple[float, ...], ...]], npt.NDArray[np.int64]]] = []
        for key in keys:
            tracks = np.unique(self._track[self._key == key])
            if len(tracks) == 0 or len(tracks) == len(self.tracks):
                continue
            limits = tuple(
                tuple(sorted(float(v) for name, v in per_year.items() if agency_key(name) == key))
                for per_year in agency_budgets
            )
            asked.append(((year, key, limits), tracks))
        missing = [(k, tracks) for k, tracks in asked if k not in self._ceilings]
        deadline = time.perf_counter() + time_limit

        def prove(
            job: tuple[tuple[int, str, tuple[tuple[float, ...], ...]], npt.NDArray[np.int64]],
        ) -> int | None:
            left = deadline - time.perf_counter()
            return self._ceiling(job[0], job[1], left) if left > 0 else None

        if len(missing) > 1:
            with ThreadPoolExecutor(max_workers=SIDE_BY_SIDE) as pool:
                found = list(pool.map(prove, missing))
        else:
            found = [prove(job) for job in missing]
        for (k, _), ceiling in zip(missing, found, strict=True):
            self._ceilings[k] = ceiling
        out: list[tuple[npt.NDArray[np.float64], int]] = []
        for k, _ in asked:
            ceiling = self._ceilings[k]
            if ceiling is not None:
                out.append((self._agency_gain_row(year, k[1]), ceiling))
        return out

    def _ceiling(
        self,
        asked: tuple[int, str, tuple[tuple[float, ...], ...]],
        tracks: npt.NDArray[np.int64],
        time_limit: float,
    ) -> int | None:
        """The proved most points (hundredths) of `tracks`' arcs of agency `key` in year index `year`, within
        that agency's yearly `limits` and the tracks' own networks; None when nothing was proved in time.

        It is enumerated over the tracks' paths (planner.optimiser.agency_ceiling), which on the benchmark's
        hardest agencies takes at most 0,2 s where HiGHS took 6 s; the solver proves it when the paths are too
        many for that."""
        year, key, limits = asked
        deadline = time.perf_counter() + time_limit
        paths = self._agency_paths(tracks, key, year)
        if paths is not None:
            budgets = np.array(
                [
                    self._spendable(self._agency_row(t, key), min(per_year)) if per_year else np.inf
                    for t, per_year in enumerate(limits)
                ]
            )
            found = most_points(paths, budgets, deadline=deadline)
            if found is not None:
                return found
        time_limit = deadline - time.perf_counter()
        if time_limit <= 0:
            return None
        columns = np.flatnonzero(np.isin(self._track, tracks))
        flow_rows = np.concatenate([np.arange(r.start, r.stop) for r in (self.flow_rows[i] for i in tracks)])
        blocks = [self.flow[flow_rows][:, columns]]
        los, his = [self.flow_rhs[flow_rows]], [self.flow_rhs[flow_rows]]
        for t, per_year in enumerate(limits):
            for limit in per_year:
                row = self._agency_row(t, key)
                blocks.append(csr_array(row[columns][None, :]))
                los.append(np.array([-np.inf]))
                his.append(np.array([self._spendable(row, limit) + COST_TOL]))
        bound = proven_bound(
            -self._agency_gain_row(year, key)[columns],
            np.ones(len(columns)),
            Bounds(np.zeros(len(columns)), np.ones(len(columns))),
            LinearConstraint(vstack(blocks, format="csr"), np.concatenate(los), np.concatenate(his)),
            time_limit,
        )
        return None if bound is None else math.floor(-bound + tolerance(bound))

    def _agency_paths(
        self, tracks: npt.NDArray[np.int64], key: str, year: int
    ) -> list[npt.NDArray[np.float64]] | None:
        """Every path of each of `tracks` through its network, as rows (points of agency `key`'s arcs in year
        index `year`, then that agency's spend in each year); None when some track has more than
        _MAX_TRACK_PATHS (a long horizon: the solver then proves the ceiling)."""
        out: list[npt.NDArray[np.float64]] = []
        for index in tracks:
            # the paths ending on each rung so far: rung -> rows of (points, spend per year so far)
            ends: dict[int, npt.NDArray[np.float64]] = {0: np.zeros((1, 1))}
            for t, arcs in enumerate(self.arcs[index]):
                grown: dict[int, list[npt.NDArray[np.float64]]] = {}
                for a, b, v in arcs:
                    if a not in ends:
                        continue
                    mine = self._key[v] == key
                    rows = ends[a].copy()
                    if mine and t == year:
                        rows[:, 0] += self.gain_rows[t][v]
                    spend = np.full((len(rows), 1), self._cost[v] if mine else 0.0)
                    grown.setdefault(b, []).append(np.hstack([rows, spend]))
                ends = {b: np.vstack(parts) for b, parts in grown.items()}
                if sum(len(rows) for rows in ends.values()) > _MAX_TRACK_PATHS:
                    return None
            out.append(np.vstack(list(ends.values())))
        return out

    def _run_from(
        self,
        known: npt.NDArray[np.float64],
        c: npt.NDArray[np.float64],
        rows: list[npt.NDArray[np.float64]],
        lo: list[float],
        hi: list[float],
        time_limit: float,
    ) -> MilpSolution:
        """The next solve of a lexicographic sequence, which `known` (the last solve's answer, held at its
        optimum by the rows) already satisfies: its value is the cutoff, and it is the answer, unproven, when
        the time left runs out before the solver finds one as good."""
        try:
            solution = self._run(c, rows, lo, hi, max(time_limit, 1.0), cutoff=_above(float(c @ known)))
        except OptimiseTimeLimit:
            solution = None
        return MilpSolution(known, proven=False) if solution is None else solution

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
        *,
        cutoff: float | None = None,
    ) -> MilpSolution | None:
        matrix, lower, upper = self._constraints(rows, lo, hi)
        return exact_milp(
            c,
            self.integrality,
            Bounds(self.lower, self.upper),
            LinearConstraint(matrix, lower, upper),
            time_limit,
            keep_incumbent=True,
            cutoff=cutoff,
        )

    def _constraints(
        self, rows: list[npt.NDArray[np.float64]], lo: list[float], hi: list[float]
    ) -> tuple[csr_array, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The programme's rows as one matrix with their bounds: the item networks' flow, then `rows`."""
        matrix = vstack([self.flow, csr_array(np.vstack(rows))], format="csr") if rows else self.flow
        return matrix, np.concatenate([self.flow_rhs, lo]), np.concatenate([self.flow_rhs, hi])

    def _selection(self, x: npt.NDArray[np.float64]) -> PathSelection:
        rungs: list[tuple[int, ...]] = []
        for per_year in self.arcs:
            path = []
            for arcs in per_year:
                chosen = [b for _, b, v in arcs if x[v] == 1]
                path.append(chosen[0] if chosen else 0)
            rungs.append(tuple(path))
        return selection_of(self.problem, self.tracks, rungs)


def _above(value: float) -> float:
    """A bound just above `value`: what the solver's rounding lets through as equal to it."""
    return value + tolerance(value)


def _below(value: float) -> float:
    """A bound just below a proved optimum `value`: every solution the solver could call equal to it passes
    (its gap and its rounding)."""
    return value - MIP_ABS_GAP - tolerance(value)


def _undominated_ends(ladder: Ladder, a: int, ends: list[int], t: int, upkeep: float) -> list[int]:
    """The final year's moves from rung `a` that no other move beats on both counts (no fewer points, no more
    effort). Nothing comes after the final year, so swapping a dominated move for the one that dominates it keeps
    every target and budget and never worsens either objective: dropping it changes no optimum, and it shrinks
    the search (ties keep the lower rung)."""
    kept: list[int] = []
    for b in ends:
        gain, cost = ladder.rungs[b].gain_centi, year_cost(ladder, a, b, t, upkeep)
        beaten = False
        for other in ends:
            if other == b:
                continue
            g2, c2 = ladder.rungs[other].gain_centi, year_cost(ladder, a, other, t, upkeep)
            if g2 >= gain and c2 <= cost + 1e-12 and (g2 > gain or c2 < cost - 1e-12 or other < b):
                beaten = True
                break
        if not beaten:
            kept.append(b)
    return kept


def selection_of(
    problem: PathProblem, tracks: Sequence[Track], rungs: Sequence[Sequence[int]]
) -> PathSelection:
    """The totals of a path given as rung indices per track and year, counted by the model's own rules (the
    solver's answer is re-counted here, so what is reported never depends on the solver's arithmetic)."""
    efforts = [0.0] * problem.n_years
    gains = [0] * problem.n_years
    for track, path in zip(tracks, rungs, strict=True):
        before = 0
        for t, after in enumerate(path):
            ladder = track.ladders[t]
            upkeep = problem.upkeep.get(ladder.lever.code, 0.0)
            efforts[t] += year_cost(ladder, track.start(t, before), after, t, upkeep)
            gains[t] += ladder.rungs[after].gain_centi
            before = after
    shortfall = sum(max(0, need - gains[t]) for t, need in enumerate(problem.need_centi) if need is not None)
    return PathSelection(
        tuple(tuple(p) for p in rungs), tuple(round(e, 9) for e in efforts), tuple(gains), shortfall
    )


def compile_path(problem: PathProblem) -> PathProgramme:
    """The programme of `problem` (compiled once; budgets can be varied per solve)."""
    tracks = problem.tracks
    if tracks is None:
        tracks = uniform_tracks(ladders_of(problem.levers), problem.n_years)
    return PathProgramme(problem, tracks)


def solve_path(
    problem: PathProblem,
    *,
    objective: Objective = "min_effort",
    budgets: Sequence[float | None] | None = None,
    agency_budgets: Sequence[Mapping[str, float]] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    programme: PathProgramme | None = None,
) -> PathSelection | None:
    """The optimal path of `problem`: least total effort (then most final-year points) meeting every target, or
    with objective "max_points" the most final-year points within the budgets (then least effort), which always
    exists. `budgets` and `agency_budgets` replace the problem's (a blocker analysis relaxes one)."""
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
    "PathProgramme",
    "PathSelection",
    "Rung",
    "Track",
    "compile_path",
    "ladders_of",
    "move_cost",
    "selection_of",
    "solve_path",
    "uniform_tracks",
    "year_cost",
]
