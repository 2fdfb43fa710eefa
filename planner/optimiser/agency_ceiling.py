"""The most points a few items reach within yearly budgets, exactly, by enumeration pruned with two bounds.

The path's most-points solve carries a ceiling per agency with a budget (planner.optimiser.path): what that
agency's ten or so items reach on their own within its yearly budgets. As a MILP that small problem is hard for
HiGHS: its LP bound sits 15-20 hundredths above the optimum and the search proves the gap node by node (4,877
nodes and 6,0 s for one agency of the 82 x 6 x 4 benchmark). Here it is solved as what it is: each item has a
few dozen paths through the years (its rung at the end of each year, no regression), and the answer picks one
path per item. The items are taken one at a time and every partial choice (its points and its spend in each
year) is kept only while its bound can still reach the points asked for. The bound is the lesser of two:

- Lagrangian: with prices λ ≥ 0 on the yearly budgets, the items still to choose can add at most
  Σ max over their paths of (points − λ·spend), plus λ·(budget left); every λ gives a valid bound, so the least
  over a few (the LP's budget duals, scaled) is taken. Its parts split per partial choice and per path, so it
  also screens the pairs before they are made. It is the LP's bound, and the LP is what is loose here;
- summed spend (_SummedSpend): the most points the items still to choose reach with their spend summed over
  each half of the years, within what each half has left, counted exactly in whole steps of the efforts'
  grain by a table per item. Whole moves are what the LP misses: on the benchmark's slowest agencies this
  bound at the start is the optimum or a few hundredths above it, where the Lagrangian's is 6-25 above.

The points asked for start at the lesser bound of the empty choice, floored. A first pass keeping only the
best thousand partial choices (a beam) looks for a choice reaching them; when it finds none, exhaustive passes
ask again, one hundredth less each time. A pass that finds a choice has kept every partial choice that could
reach the points asked, so the most points it finds is the answer; since every higher ask was refused (or
bounded away), the first answer found is exact. Partial choices that spend the same in every year keep only the one with the most points. What is
returned is exact (points are whole hundredths); when the partial choices would exceed a fixed count, or the
time given runs out, nothing is returned and the caller proves the ceiling with the solver instead (in the time
left), so the answer never depends on this giving up.
tests/optimiser/test_agency_ceiling.py checks it against exhaustive enumeration.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from planner.optimiser.spend import grain

#: Slack on a yearly budget: looser than the MILP's own (1e-7 and HiGHS's feasibility tolerance), so a path the
#: MILP accepts is never refused here (a looser budget can only raise a ceiling, which stays valid).
BUDGET_SLACK = 1e-6
#: The most (partial choice, path) pairs one step may weigh before giving up to the solver. The largest step on
#: the 82 x 6 x 4 benchmark weighed 2,2 million; at four years a step's arrays come to about 250 bytes per pair
#: at its peak (counted from their shapes, not measured), so this caps one ceiling near 0,6 GB (two are proved
#: side by side).
MAX_PAIRS = 2_500_000
#: Partial choices kept by the first pass, which only looks for a choice reaching the bound.
BEAM = 1000
#: The most whole steps each half of the years' summed budget is counted in by the summed-spend tables; beyond
#: it the steps are coarser (the bound stays valid, only weaker). A table holds at most 301 x 301 figures
#: (0,7 MB), one per item and one for none.
MOST_STEPS = 300
#: Multiples of the LP's budget prices tried as Lagrangian prices (0: the points left, budgets ignored).
_PRICE_SCALES = (0.0, 0.5, 0.8, 1.0, 1.25, 1.6, 2.5)


class _GiveUp(Exception):
    """The partial choices outgrew MAX_PAIRS, or the time ran out: the caller falls back to the solver."""


def most_points(
    paths: Sequence[npt.NDArray[np.float64]],
    budgets: npt.NDArray[np.float64],
    *,
    deadline: float | None = None,
) -> int | None:
    """The most points (whole hundredths) of one path per item within `budgets` (spend per year, inf: none).

    `paths[i]` holds item i's paths as rows (points, spend in year 0, ..., spend in year T-1). None when no
    choice fits the budgets, when the enumeration would grow past MAX_PAIRS, or when time.perf_counter()
    passes `deadline` (the caller then asks the solver)."""
    limit = np.where(np.isfinite(budgets), budgets + BUDGET_SLACK, np.inf)
    fitting = [p[np.all(p[:, 1:] <= limit, axis=1)] for p in paths]
    if any(len(p) == 0 for p in fitting):
        return None
    prices = _lp_prices(fitting, limit)
    if prices is None:
        return None
    # the items with the widest spread of points first: the bounds bite earliest there
    order = sorted(range(len(fitting)), key=lambda i: -float(np.ptp(fitting[i][:, 0])))
    items = [fitting[i] for i in order]
    lambdas = np.array([prices * scale for scale in _PRICE_SCALES])
    bounds = _Bounds.of(items, limit, lambdas)
    most = float(bounds.most(0, np.zeros((1, 1 + len(limit))))[0])
    if not math.isfinite(most):  # not even the summed budgets hold whole moves: no choice fits
        return None
    asked = math.floor(most + 1e-6)
    lowest = math.floor(sum(float(p[:, 0].min()) for p in items))
    try:
        found = _search(items, bounds, asked=asked, beam=BEAM, deadline=deadline)
        # the beam may have missed a choice reaching `asked`: the first exhaustive pass, one hundredth lower,
        # still finds it, as it finds the most points whenever they reach what it asks
        while found is None and asked > lowest:
            asked -= 1
            found = _search(items, bounds, asked=asked, beam=None, deadline=deadline)
    except _GiveUp:
        return None
    return None if found is None else round(found)


def _lp_prices(
    paths: Sequence[npt.NDArray[np.float64]], limit: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64] | None:
    """The yearly budgets' prices at the LP optimum of choosing a mix of paths per item (0 for a year with no
    budget); None when even the LP has no choice within the budgets."""
    columns = np.concatenate(paths)
    owner = np.concatenate([np.full(len(p), i) for i, p in enumerate(paths)])
    one_each = np.zeros((len(paths), len(columns)))
    one_each[owner, np.arange(len(columns))] = 1.0
    finite = np.isfinite(limit)
    result = linprog(
        -columns[:, 0],
        A_ub=columns[:, 1:][:, finite].T if finite.any() else None,
        b_ub=limit[finite] if finite.any() else None,
        A_eq=one_each,
        b_eq=np.ones(len(paths)),
        bounds=(0, 1),
        method="highs",
    )
    if result.status != 0:
        return None
    prices = np.zeros(len(limit))
    if finite.any():
        prices[finite] = np.maximum(-np.asarray(result.ineqlin.marginals), 0.0)
    return prices


@dataclass(frozen=True)
class _SummedSpend:
    """For every k, the most points items k, k+1, ... reach with their spend summed over each half of the
    budgeted years and counted in whole steps: `tables[k][a, b]` within a steps in the first half and b in the
    second (-inf: none of their choices fits). Summing years loosens the budgets, and a spend counted in steps
    is floored, so no choice that fits the yearly budgets is lost: the figures bound the most points from above.
    With the steps the efforts' own grain, they are exact for the summed budgets, which the LP is not."""

    halves: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
    totals: tuple[float, float]
    step: float
    tables: tuple[npt.NDArray[np.float64], ...]

    @classmethod
    def of(cls, items: Sequence[npt.NDArray[np.float64]], limit: npt.NDArray[np.float64]) -> _SummedSpend:
        budgeted = np.flatnonzero(np.isfinite(limit))
        cut = (len(budgeted) + 1) // 2
        halves = (budgeted[:cut], budgeted[cut:])
        totals = (float(limit[halves[0]].sum()), float(limit[halves[1]].sum()))
        spends = np.concatenate([p[:, 1:][:, budgeted].ravel() for p in items])
        unit = grain(spends)
        widest = max(totals)
        step = widest / MOST_STEPS if unit is None else unit * max(1, math.ceil(widest / (unit * MOST_STEPS)))
        step = step if step > 0 else 1.0
        shape = tuple(math.floor(total / step + 1e-6) + 1 for total in totals)
        none_left = np.zeros(shape)
        tables = [none_left]
        for paths in reversed(items):
            table = np.full(shape, -np.inf)
            steps = np.floor(_per_half(paths, halves) / step + 1e-9)
            # of paths taking the same steps, the one with the most points
            by_steps: dict[tuple[int, int], float] = {}
            for points, (a, b) in zip(paths[:, 0].tolist(), steps.astype(np.int64).tolist(), strict=True):
                if a < shape[0] and b < shape[1] and points > by_steps.get((a, b), -np.inf):
                    by_steps[(a, b)] = points
            later = tables[-1]
            for (a, b), points in by_steps.items():
                np.maximum(table[a:, b:], later[: shape[0] - a, : shape[1] - b] + points, out=table[a:, b:])
            tables.append(table)
        tables.reverse()
        return cls(halves, totals, step, tuple(tables))

    def most(self, k: int, choices: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The most points each of `choices` (rows: points, spend per year) can end with, items k on still to
        choose (-inf: it already spends past a half's budget)."""
        table = self.tables[k]
        room = np.floor((np.array(self.totals) - _per_half(choices, self.halves)) / self.step + 1e-6).astype(
            np.int64
        )
        fits = np.all(room >= 0, axis=1)
        later = table[np.clip(room[:, 0], 0, table.shape[0] - 1), np.clip(room[:, 1], 0, table.shape[1] - 1)]
        return np.where(fits, choices[:, 0] + later, -np.inf)


def _per_half(
    rows: npt.NDArray[np.float64], halves: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
) -> npt.NDArray[np.float64]:
    """Each row's (points, spend per year) spend summed over each half of the budgeted years: n x 2."""
    return np.column_stack([rows[:, 1:][:, half].sum(axis=1) for half in halves])


@dataclass(frozen=True)
class _Bounds:
    """The two bounds on what a partial choice can end with, made once and shared by every pass."""

    #: the budgets (inf: none), and the same with 0 for none (a year without a budget has no price)
    limit: npt.NDArray[np.float64]
    finite_limit: npt.NDArray[np.float64]
    lambdas: npt.NDArray[np.float64]
    #: rest[j, k]: what items k on can add under price lambdas[j], Σ max(points − λ·spend); rest[j, n] = 0
    rest: npt.NDArray[np.float64]
    summed: _SummedSpend

    @classmethod
    def of(
        cls,
        items: Sequence[npt.NDArray[np.float64]],
        limit: npt.NDArray[np.float64],
        lambdas: npt.NDArray[np.float64],
    ) -> _Bounds:
        best = np.array([[float(np.max(p[:, 0] - p[:, 1:] @ lam)) for p in items] for lam in lambdas])
        rest = np.concatenate(
            [np.cumsum(best[:, ::-1], axis=1)[:, ::-1], np.zeros((len(lambdas), 1))], axis=1
        )
        finite_limit = np.where(np.isfinite(limit), limit, 0.0)
        return cls(limit, finite_limit, lambdas, rest, _SummedSpend.of(items, limit))

    def most(self, k: int, choices: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The most points each of `choices` can end with, items k on still to choose: the lesser bound."""
        lagrangian: npt.NDArray[np.float64] = (
            choices[:, :1]
            + self.rest[:, k][None, :]
            + (self.finite_limit[None, :] - choices[:, 1:]) @ self.lambdas.T
        ).min(axis=1)
        return np.minimum(lagrangian, self.summed.most(k, choices))


def _search(
    items: Sequence[npt.NDArray[np.float64]],
    bounds: _Bounds,
    *,
    asked: int,
    beam: int | None,
    deadline: float | None,
) -> float | None:
    """The most points of a choice found with at least `asked`, or None when none is found. With `beam`, only
    that many partial choices (the best bounded) are kept at each step: a heuristic. Without, every partial
    choice whose bound reaches `asked` is kept, so None proves that no choice reaches it, and a choice found is
    the most points of all when no choice reaches `asked` + 1."""
    wanted = asked - 1e-6
    limit, lambdas, rest = bounds.limit, bounds.lambdas, bounds.rest
    choices = np.zeros((1, 1 + len(limit)))  # points, spend per year
    lp = _PRICE_SCALES.index(1.0)
    for k, paths in enumerate(items):
        if deadline is not None and time.perf_counter() > deadline:
            raise _GiveUp
        # pairs first screened by the LP price's bound, which splits into a part per choice and per path
        lam = lambdas[lp]
        per_choice = choices[:, 0] - choices[:, 1:] @ lam
        per_path = paths[:, 0] - paths[:, 1:] @ lam
        floor = wanted - rest[lp, k + 1] - float(bounds.finite_limit @ lam)
        by_path = np.argsort(-per_path)
        sorted_path = per_path[by_path]
        counts = np.searchsorted(-sorted_path, -(floor - per_choice), side="right")
        total = int(counts.sum())
        if total > MAX_PAIRS:
            raise _GiveUp
        if total == 0:
            return None
        left = np.repeat(np.arange(len(choices)), counts)
        # each choice's paths are a prefix of the sorted paths: positions 0..count-1 of its own run
        right = by_path[np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)]
        pairs = choices[left] + paths[right]
        pairs = pairs[np.all(pairs[:, 1:] <= limit, axis=1)]
        bound = bounds.most(k + 1, pairs)
        keep = bound >= wanted
        pairs, bound = pairs[keep], bound[keep]
        if len(pairs) == 0:
            return None
        pairs, bound = _most_points_per_spend(pairs, bound)
        if beam is not None and len(pairs) > beam:
            pairs = pairs[np.argpartition(-bound, beam)[:beam]]
        choices = pairs
    reached = choices[choices[:, 0] >= wanted, 0]
    return float(reached.max()) if len(reached) else None


def _most_points_per_spend(
    pairs: npt.NDArray[np.float64], bound: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Of partial choices with the same spend in every year, the one with the most points (it is as good for
    every completion)."""
    spend = np.round(pairs[:, 1:], 9)
    order = np.lexsort((-pairs[:, 0], *(spend[:, t] for t in range(spend.shape[1] - 1, -1, -1))))
    spend = spend[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(spend[1:] != spend[:-1], axis=1)
    kept = order[first]
    return pairs[kept], bound[kept]


__all__ = ["BEAM", "BUDGET_SLACK", "MAX_PAIRS", "most_points"]
