"""What the benchmarks share: timing a piece of work over a few runs (median and worst, in seconds)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def timed(work: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)


def machine_reference(repeats: int = 3) -> float:
    """Seconds HiGHS takes on this machine for one fixed problem (a seeded 50-item knapsack with 4 capacity rows,
    203 nodes, proved optimal), the best of `repeats`.

    The 2-core development machine's speed for the solver moved by about a factor of two between sessions (the
    same 4,900-node solve of the path benchmark took 2,8 s one day and 6,0 s another): a benchmark of solves
    prints this beside its numbers, so figures taken on different days can be compared. HiGHS is deterministic,
    so the work is the same on every run."""
    rng = np.random.default_rng(6)
    weights = rng.integers(10, 100, size=(4, 50)).astype(float)
    values = rng.integers(10, 100, size=50).astype(float)
    rows = LinearConstraint(weights, -np.inf, weights.sum(axis=1) / 3)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        milp(
            -values,
            integrality=np.ones(50),
            bounds=Bounds(0, 1),
            constraints=rows,
            options={"mip_rel_gap": 0},
        )
        best = min(best, time.perf_counter() - start)
    return best
