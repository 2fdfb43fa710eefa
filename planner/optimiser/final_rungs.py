"""The most points a path can bring in one year, bounded from each item's rung in that year alone.

The path's most-points solve (planner.optimiser.path) is slow on the 82 x 6 x 4 benchmark not because its bound
is weak but because HiGHS finds the optimum late: on seed 17's slowest instance the optimum turned up after 8 s
of search, a second before the proof closed. That optimum is often the answer to a much smaller problem. Forget
when each item moves; keep only the rung it stands on in the year that is scored, at the least that rung can
cost over the years up to it, and let each budget hold only its total over those years. What is left is one
choice per item under a few knapsack rows, which HiGHS proves in 0,02-0,3 s on the benchmark, and its optimum
is an upper bound on the path's (every path's items stand on rungs this problem offers, at a cost it does not
undercount). When the rungs it picks can be reached year by year within every budget (one feasibility solve of
the path with those rungs fixed), that path is optimal and nothing else needs solving.

Three things keep the bound close, each still valid:
- a move that alone costs more than its year's budget (total, or its agency's) is dropped, so a rung reachable
  only through such a move is never offered;
- the agencies' ceilings the path already proves (planner.optimiser.agency_ceiling) are rows here too;
- a pick found unreachable is cut off (no path ends on exactly those rungs) and the problem solved again, a few
  times at most.

When the picks run out or the time given does, the caller solves the path as before: the answer never rests on
this finding anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import csr_array

from planner.core.errors import OptimiseTimeLimit
from planner.optimiser.solver import exact_milp

#: (from rung, to rung, variable) for each arc of one item's network in one year, as planner.optimiser.path
#: keeps them: [track][year] -> arcs.
Arcs = Sequence[Sequence[Sequence[tuple[int, int, int]]]]


@dataclass(frozen=True)
class FinalRungs:
    """The bounding problem: one column per (item, rung it can stand on in the scored year)."""

    track: npt.NDArray[np.int64]
    rung: npt.NDArray[np.int64]
    #: Points of each column in the scored year (hundredths).
    gain: npt.NDArray[np.float64]
    #: [row, column]: the least each budget family can be charged for reaching that rung, then each extra row's
    #: value (an agency's points); what each row allows is in `limits`.
    rows: npt.NDArray[np.float64]
    limits: npt.NDArray[np.float64]
    n_tracks: int
    #: The least effort of reaching each column's rung (over every year up to the scored one).
    effort: npt.NDArray[np.float64]


def final_rungs(
    arcs: Arcs,
    year: int,
    gain: npt.NDArray[np.float64],
    families: Sequence[tuple[npt.NDArray[np.float64], float]],
    admissible: npt.NDArray[np.bool_],
    effort: npt.NDArray[np.float64],
    extra_rows: Sequence[tuple[npt.NDArray[np.float64], float]] = (),
) -> FinalRungs | None:
    """The bounding problem of the path whose arcs are `arcs`, scored on year index `year`.

    `gain` is the points row of that year over the arcs; `families` each give an arc row (what a budget family
    charges each arc up to that year: a total budget, or one agency's, over the years it is set) with its limit
    summed over those years; `admissible` marks the arcs that fit their own year's budgets; `effort` is each
    arc's effort (what the least-effort tie-break counts); `extra_rows` are
    arc rows on the scored year's arcs (an agency's points) with their most. None when some item cannot stand
    on any rung in that year through admissible arcs (the path solve then says what is wrong)."""
    # the families' charges, then the effort: each is least over the paths to a rung on its own (a lower bound)
    cost = np.vstack(
        [np.array([row for row, _ in families]).reshape(len(families), len(gain)), effort[None, :]]
    )
    tracks: list[int] = []
    rungs: list[int] = []
    columns: list[npt.NDArray[np.float64]] = []
    gains: list[float] = []
    extras: list[list[float]] = []
    for index, per_year in enumerate(arcs):
        # least charge of each family to stand on each rung at the end of each year, through admissible arcs
        least: dict[int, npt.NDArray[np.float64]] = {0: np.zeros(len(cost))}
        for t in range(year + 1):
            grown: dict[int, npt.NDArray[np.float64]] = {}
            for a, b, v in per_year[t]:
                if a not in least or not admissible[v]:
                    continue
                reach = least[a] + cost[:, v]
                grown[b] = np.minimum(grown[b], reach) if b in grown else reach
            least = grown
        if not least:
            return None
        scored = {b: v for _, b, v in per_year[year]}
        for b in sorted(least):
            v = scored[b]
            tracks.append(index)
            rungs.append(b)
            columns.append(least[b])  # the families' charges, then the effort
            gains.append(float(gain[v]))
            extras.append([float(row[v]) for row, _ in extra_rows])
    charged = np.array(columns).T.reshape(len(cost), len(tracks))
    rows = np.vstack([charged[:-1], np.array(extras).T.reshape(len(extra_rows), len(tracks))])
    limits = np.array([limit for _, limit in families] + [limit for _, limit in extra_rows], dtype=np.float64)
    return FinalRungs(
        np.array(tracks, dtype=np.int64),
        np.array(rungs, dtype=np.int64),
        np.array(gains, dtype=np.float64),
        rows,
        limits,
        len(arcs),
        charged[-1],
    )


def best_rungs(
    problem: FinalRungs,
    excluded: Sequence[npt.NDArray[np.int64]],
    time_limit: float,
    *,
    least_effort_at: int | None = None,
    effort_within: float | None = None,
) -> tuple[float, tuple[int, ...]] | Literal[False] | None:
    """The bounding problem's optimum and the rung it picks for each item, with each pick of `excluded` (column
    indices) cut off: the most points (whole hundredths), within `effort_within` when it is given, or with
    `least_effort_at` the least effort among the picks bringing at least that many points. False when nothing
    is left (no pick meets the rows and the cuts); None when the optimum was not proved in time (the bound
    would not hold)."""
    n = len(problem.gain)
    one_each = np.zeros((problem.n_tracks, n))
    one_each[problem.track, np.arange(n)] = 1.0
    cuts = np.zeros((len(excluded), n))
    for k, pick in enumerate(excluded):
        cuts[k, pick] = 1.0
    matrix = np.vstack([one_each, problem.rows, cuts])
    lower = np.concatenate([np.ones(problem.n_tracks), np.full(len(problem.rows) + len(excluded), -np.inf)])
    upper = np.concatenate([np.ones(problem.n_tracks), problem.limits, [len(p) - 1.0 for p in excluded]])
    objective = -problem.gain
    if least_effort_at is not None:
        objective = problem.effort
        matrix = np.vstack([matrix, problem.gain[None, :]])
        lower = np.append(lower, least_effort_at - 0.5)  # points are whole hundredths
        upper = np.append(upper, np.inf)
    elif effort_within is not None:
        matrix = np.vstack([matrix, problem.effort[None, :]])
        lower = np.append(lower, -np.inf)
        upper = np.append(upper, effort_within)
    try:
        solution = exact_milp(
            objective,
            np.ones(n),
            Bounds(np.zeros(n), np.ones(n)),
            # sparse, as every solve here: scipy turns a dense matrix into floats under warnings.catch_warnings and
            # an "error" filter, which swaps the process's filters under the solves the blockers run in threads
            # (one of them, given a cutoff, then raised scipy's warning about it as an error)
            LinearConstraint(csr_array(matrix), lower, upper),
            time_limit,
            keep_incumbent=True,
        )
    except OptimiseTimeLimit:
        return None
    if solution is None:
        return False
    if not solution.proven:
        return None
    chosen = np.flatnonzero(solution.x > 0.5)
    picks = [0] * problem.n_tracks
    for column in chosen:
        picks[int(problem.track[column])] = int(problem.rung[column])
    if least_effort_at is None:
        return float(round(problem.gain[chosen].sum())), tuple(picks)
    return float(problem.effort[chosen].sum()), tuple(picks)


def columns_of(problem: FinalRungs, picks: Sequence[int]) -> npt.NDArray[np.int64]:
    """The columns of the bounding problem that make up `picks` (a rung per item): what a cut names."""
    return np.flatnonzero(problem.rung == np.asarray(picks, dtype=np.int64)[problem.track])


__all__ = ["FinalRungs", "best_rungs", "columns_of", "final_rungs"]
