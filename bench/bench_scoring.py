"""Benchmark the scoring core on the bundled qd2636-2018 methodology (not a pass/fail test).

Targets (issue 2): one scenario scored, median <= 0.1 ms; 100,000 random scenarios batch-scored <= 1 s.
Run: .venv/bin/python bench/bench_scoring.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import BatchScorer, item_options, score_scenario


def main() -> None:
    m = load_bundled_methodology("qd2636-2018")
    rng = np.random.default_rng(0)
    options = [item_options(i) for i in m.scored_items]

    def random_scenario() -> Scenario:
        items = {
            i.code: ItemSetting(level=opts[int(rng.integers(len(opts)))].id)
            for i, opts in zip(m.scored_items, options, strict=True)
        }
        return Scenario(methodology=m.id, items=items)

    scenarios = [random_scenario() for _ in range(200)]
    for s in scenarios[:20]:
        score_scenario(m, s)  # warm the per-methodology index
    timings = []
    for _ in range(25):
        for s in scenarios:
            start = time.perf_counter()
            score_scenario(m, s)
            timings.append(time.perf_counter() - start)
    timings.sort()
    median_ms = statistics.median(timings) * 1e3
    p95_ms = timings[int(0.95 * len(timings))] * 1e3
    print(f"items scored per scenario: {len(m.scored_items)}")
    print(
        f"score_scenario: median {median_ms:.4f} ms, p95 {p95_ms:.4f} ms over {len(timings)} runs (target median <= 0.1 ms)"
    )

    by_value = {}
    for item, opts in zip(m.scored_items, options, strict=True):
        if item.rule.type == "yes_no":
            by_value[item.code] = ItemSetting(value=1)
        elif item.rule.takes_value:
            by_value[item.code] = ItemSetting(value=88.0)
        else:
            by_value[item.code] = ItemSetting(level=opts[-1].id)
    value_scenario = Scenario(methodology=m.id, items=by_value)
    value_timings = []
    for _ in range(2000):
        start = time.perf_counter()
        score_scenario(m, value_scenario)
        value_timings.append(time.perf_counter() - start)
    print(
        f"score_scenario with raw values for every value item: median {statistics.median(value_timings) * 1e3:.4f} ms"
    )

    scorer = BatchScorer(m)
    n = 100_000
    levels = rng.integers(0, scorer.n_options, size=(n, len(scorer.codes)))
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        result = scorer.score_levels(levels)
        runs.append(time.perf_counter() - start)
    print(
        f"BatchScorer.score_levels: {n:,} scenarios in {min(runs):.3f} s best / {statistics.median(runs):.3f} s median (target <= 1 s)"
    )
    print(f"  mean total of random scenarios: {result.total_centi.mean() / 100:.2f}")


if __name__ == "__main__":
    main()
