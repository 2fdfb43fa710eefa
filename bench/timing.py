"""What the benchmarks share: timing a piece of work over a few runs (median and worst, in seconds)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(work: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)
