"""Benchmark of PAPI beside the PAR INDEX (not a test: it prints what it measures).

    .venv/bin/python bench/bench_papi.py

Timed: the five PAPI fields reconstructed cold (a fresh process's first call; cached after), a rank in the 2024
field, the 2025 projection from it, the exact optimiser on the Quảng Ngãi PAPI case to rank 30, its plan
workbook and Word plan, and the combined plan of both indices with its workbook.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from papi_fixtures import quang_ngai_cases
from timing import timed

from planner.field.bundled import bundled_field
from planner.field.projection import planning_projection
from planner.field.ranking import rank_in_field
from planner.field.results import bundled_results
from planner.files.excel.combined import write_combined_workbook
from planner.files.excel.plan import write_plan_workbook
from planner.files.word import write_plan_document
from planner.optimiser.combined import combine_plans
from planner.optimiser.plan_builder import plan_from_result
from planner.optimiser.solver import optimise_for_rank

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"


def main() -> None:
    start = time.perf_counter()
    for year in bundled_results("papi").years():
        bundled_field(year, 63, "papi")
    print(f"five PAPI fields reconstructed, cold: {1000 * (time.perf_counter() - start):.0f} ms")
    field = bundled_field(2024, 63, "papi")
    median, worst = timed(lambda: rank_in_field(field, 45.2, "Quảng Ngãi"), runs=50)
    print(f"rank in the 2024 PAPI field: median {1000 * median:.2f} ms, max {1000 * worst:.2f} ms")

    def project() -> object:
        return planning_projection(2025, 63, index="papi")

    median, worst = timed(project)
    print(f"2025 projection from 2024: median {1000 * median:.1f} ms, max {1000 * worst:.1f} ms")
    plans = []
    for m, levers, competition in quang_ngai_cases():
        result = optimise_for_rank(levers, competition, 30)
        plans.append((m, plan_from_result(levers, result, competition=competition)))
        if m.index == "papi":
            median, worst = timed(lambda: optimise_for_rank(levers, competition, 30))  # noqa: B023
            print(
                f"optimise the PAPI case to rank 30: median {1000 * median:.1f} ms, max {1000 * worst:.1f} ms"
            )
            plan = plans[-1][1]
            median, _ = timed(lambda: write_plan_workbook(plan, m))  # noqa: B023
            print(f"PAPI plan workbook: median {1000 * median:.0f} ms")
            median, _ = timed(lambda: write_plan_document(plan, m))  # noqa: B023
            print(f"PAPI Word plan: median {1000 * median:.0f} ms")
    median, _ = timed(lambda: combine_plans(plans))
    print(f"combined plan of both indices: median {1000 * median:.2f} ms")
    combined = combine_plans(plans)
    median, _ = timed(lambda: write_combined_workbook(combined))
    print(f"combined plan workbook: median {1000 * median:.0f} ms")


if __name__ == "__main__":
    main()
