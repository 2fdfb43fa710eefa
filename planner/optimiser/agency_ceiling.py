"""The most points a few items reach within yearly budgets, exactly, by enumeration pruned with Lagrangian bounds.

The path's most-points solve carries a ceiling per agency with a budget (planner.optimiser.path): what that
agency's ten or so items reach on their own within its yearly budgets. As a MILP that small problem is hard for
HiGHS: its LP bound sits 15-20 hundredths above the optimum and the search proves the gap node by node (4,877
nodes and 6,0 s for one agency of the 82 x 6 x 4 benchmark). Here it is solved as what it is: each item has a
few dozen paths through the years (its rung at the end of each year, no regression), and the answer picks one
path per item. The items are taken one at a time and every partial choice (its points and its spend in each
year) is kept only while a bound says it can still beat the best known answer:

- the bound is Lagrangian: with prices λ ≥ 0 on the yearly budgets, the items still to choose can add at most
  Σ max over their paths of (points − λ·spend), plus λ·(budget left); every λ gives a valid bound, so the least
  over a few (the LP's budget duals, scaled) is taken;
- a first pass keeps only the best thousand partial choices (a beam) and yields a real answer to beat;
- then "is there an answer one hundredth better?" is asked until the answer is no, each time exhaustively.

Partial choices that spend the same in every year keep only the one with the most points. What is returned is
exact (points are whole hundredths); when the partial choices would exceed a fixed count, or the time given runs
out, nothing is returned and the caller proves the ceiling with the solver instead (in the time left), so the
answer never depends on this giving up.
tests/optimiser/test_agency_ceiling.py checks it against exhaustive enumeration.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

#: Slack on a yearly budget: looser than the MILP's own (1e-7 and HiGHS's feasibility tolerance), so a path the
#: MILP accepts is never refused here (a looser budget can only raise a ceiling, which stays valid).
BUDGET_SLACK = 1e-6
#: The most (partial choice, path) pairs one step may weigh before giving up to the solver. The largest step on
#: the 82 x 6 x 4 benchmark weighed 2,2 million; at four years a step's arrays come to about 250 bytes per pair
#: at its peak (counted from their shapes, not measured), so this caps one ceiling near 0,6 GB (two are proved
#: side by side).
MAX_PAIRS = 2_500_000
#: Partial choices kept by the first pass, which only looks for a good answer to beat.
BEAM = 1000
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
    # the items with the widest spread of points first: the bound bites earliest there
    order = sorted(range(len(fitting)), key=lambda i: -float(np.ptp(fitting[i][:, 0])))
    items = [fitting[i] for i in order]
    lambdas = np.array([prices * scale for scale in _PRICE_SCALES])
    try:
        best = _search(items, limit, lambdas, beat=-np.inf, beam=BEAM, deadline=deadline)
        # no choice the beam kept fits (upkeep can make even staying cost): the solver decides
        if best is None:
            return None
        while True:
            better = _search(items, limit, lambdas, beat=best, beam=None, deadline=deadline)
            if better is None:
                return round(best)
            best = better
    except _GiveUp:
        return None


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


def _search(
    items: Sequence[npt.NDArray[np.float64]],
    limit: npt.NDArray[np.float64],
    lambdas: npt.NDArray[np.float64],
    *,
    beat: float,
    beam: int | None,
    deadline: float | None,
) -> float | None:
    """The most points of a choice found that beats `beat` by a whole hundredth, or None when none does. With
    `beam`, only that many partial choices (the best bounded) are kept at each step: a heuristic answer. Without,
    the search is exhaustive, so None proves that nothing beats `beat`."""
    years = len(limit)
    finite_limit = np.where(np.isfinite(limit), limit, 0.0)
    # the points the items from k on can still add under each price: Σ max(points − λ·spend)
    best_reduced = np.array([[float(np.max(p[:, 0] - p[:, 1:] @ lam)) for p in items] for lam in lambdas])
    rest = np.concatenate(
        [np.cumsum(best_reduced[:, ::-1], axis=1)[:, ::-1], np.zeros((len(lambdas), 1))], axis=1
    )
    wanted = beat + 1.0 - 1e-6
    choices = np.zeros((1, 1 + years))  # points, spend per year
    lp = _PRICE_SCALES.index(1.0)
    for k, paths in enumerate(items):
        if deadline is not None and time.perf_counter() > deadline:
            raise _GiveUp
        # pairs first screened by the LP price's bound, which splits into a part per choice and per path
        lam = lambdas[lp]
        per_choice = choices[:, 0] - choices[:, 1:] @ lam
        per_path = paths[:, 0] - paths[:, 1:] @ lam
        floor = wanted - rest[lp, k + 1] - float(finite_limit @ lam)
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
        bound = (
            pairs[:, :1] + rest[:, k + 1][None, :] + (finite_limit[None, :] - pairs[:, 1:]) @ lambdas.T
        ).min(axis=1)
        keep = bound >= wanted
        pairs, bound = pairs[keep], bound[keep]
        if len(pairs) == 0:
            return None
        pairs, bound = _most_points_per_spend(pairs, bound)
        if beam is not None and len(pairs) > beam:
            pairs = pairs[np.argpartition(-bound, beam)[:beam]]
        choices = pairs
    return float(choices[:, 0].max())


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
