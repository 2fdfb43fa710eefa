"""Benchmark of the quarterly review (not a test: it prints what it measures).

    .venv/bin/python bench/bench_review.py

The Lào Cai 2019 plan at two sizes: the rank-5 plan (7 tasks, 5 agencies) and a plan raising every item that can
move (the largest plan the scheme allows). Each is half done at random; timed: the review (expected score, chance,
late list, agencies and the exact next-step re-optimisation), one agency's workbook written and read back, the
plan workbook with its progress sheet, and the Word report with its chart.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import timed

from planner.files.excel.plan import write_plan_workbook
from planner.files.excel.progress import read_progress_workbook, write_agency_workbook
from planner.files.word_review import write_review_document
from planner.optimiser.levers import build_levers
from planner.optimiser.plan_builder import build_plan
from planner.tracking.model import STATUSES, Progress, TrackedPlan
from planner.tracking.review import review_plan
from planner.tracking.updates import apply_updates
from tests.tracking_fixtures import competition, lao_cai_baseline, lao_cai_plan, methodology


def half_done(tracked: TrackedPlan, seed: int) -> TrackedPlan:
    rng = np.random.default_rng(seed)
    reports = []
    for row in tracked.rows:
        status = STATUSES[int(rng.integers(0, 4))]
        reports.append((row.code, Progress(status=status, percent=int(rng.integers(0, 101)))))
    updated, _ = apply_updates(tracked, methodology(), reports)
    return updated


def every_item_plan() -> TrackedPlan:
    levers = build_levers(methodology(), lao_cai_baseline())
    chosen = {lever.code: lever.upgrades[-1].level for lever in levers.movable}
    plan = build_plan(levers, chosen, target_rank=5, competition=competition())
    return TrackedPlan(plan=plan, baseline=lao_cai_baseline())


def main() -> None:
    cases = {
        "rank-5 plan": TrackedPlan(plan=lao_cai_plan(), baseline=lao_cai_baseline()),
        "every movable item": every_item_plan(),
    }
    print(
        f"{'plan':22} {'tasks':>5} {'review':>14} {'agency xlsx':>14} {'plan xlsx':>12} {'Word report':>14}"
    )
    for name, tracked in cases.items():
        measure(name, half_done(tracked, 12))


def measure(name: str, tracked: TrackedPlan) -> None:
    m = methodology()
    comp = competition()
    review = review_plan(tracked, m, date(2019, 6, 30), competition=comp)
    agency = max(tracked.agencies(), key=lambda a: len(tracked.rows_of(a)))
    r_med, r_max = timed(lambda: review_plan(tracked, m, date(2019, 6, 30), competition=comp))
    a_med, _ = timed(lambda: read_progress_workbook(write_agency_workbook(tracked, m, agency), m))
    p_med, _ = timed(lambda: write_plan_workbook(tracked.plan, m, baseline=tracked.baseline), runs=3)
    w_med, _ = timed(lambda: write_review_document(review, tracked), runs=3)
    print(
        f"{name:22} {len(tracked.rows):>5} {r_med:>8.3f}/{r_max:.3f}s {a_med:>13.3f}s {p_med:>11.3f}s "
        f"{w_med:>13.3f}s   next: {review.next_status}, {len(review.next)} rows"
    )


if __name__ == "__main__":
    main()
