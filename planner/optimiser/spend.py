"""The most a budget can really be spent: the largest sum of one cost per item that fits under it.

A year's budget row sums one arc per item, and the arcs' costs come from an effort table whose figures share a
grain (whole days, halves, tenths). The benchmark's budgets fall between two sums (161,28 when the costs come in
halves), and HiGHS, whose relaxation happily spends the last 0,78, spent its time on the most-points path
proving that no path does. Lowering the limit to the largest sum the items can make changes no path, and it is
the difference on the 82 x 6 x 4 benchmark's slowest best paths (4,9-6,1 s became 0,4-0,9 s on three pickled
instances): the final-rungs bound (planner.optimiser.final_rungs), which sums the budgets over years, lands on
reachable rungs instead of picks that would need the spare fractions of every year at once.

The largest sum is found by a subset-sum over the items in whole grains (a bitset: one integer, shifted), so
it is exact for the row as the items make it; when the costs share no grain the figures give, or the limit
holds too many grains to count, the limit is returned as it is (valid, only weaker).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from planner.optimiser.solver import cost_grid

#: The most grains a limit may hold for the sums to be counted (a bitset of this many bits per item).
_MOST_GRAINS = 1_000_000


def grain(costs: npt.NDArray[np.float64]) -> float | None:
    """The largest amount every one of `costs` is a whole multiple of, on the grids the solver knows efforts by
    (planner.optimiser.solver.cost_grid: whole units, halves, ... thousandths); None when they share none, or
    when none is more than float noise away from nothing."""
    positive = np.abs(costs[costs != 0])
    q = cost_grid(positive) if len(positive) else None
    if q is None:
        return None
    # a cost within float noise of nothing is a whole number (0) of steps, and says nothing of the grain
    steps = math.gcd(*(int(k) for k in np.round(positive * q)))
    return steps / q if steps else None


def largest_spend(costs_by_item: Iterable[npt.NDArray[np.float64]], limit: float) -> float:
    """The largest total at most `limit` of one cost per item (each item may also cost nothing): what a budget
    row of these items can really hold. `limit` itself when the costs share no usable grain."""
    choices = [np.unique(np.asarray(costs, dtype=np.float64)) for costs in costs_by_item]
    if not choices or limit < 0:
        return limit
    step = grain(np.concatenate(choices))
    if step is None:
        return limit
    grains = math.floor(limit / step + 1e-9)
    if grains > _MOST_GRAINS:
        return limit
    mask = (1 << (grains + 1)) - 1
    sums = 1  # bit k set: k grains can be spent
    for costs in choices:
        reached = sums  # the item may cost nothing in this row
        for k in {round(float(c) / step) for c in costs if c > 0}:
            if k <= grains:
                reached |= sums << k
        sums = reached & mask
    return (sums.bit_length() - 1) * step


__all__ = ["grain", "largest_spend"]
