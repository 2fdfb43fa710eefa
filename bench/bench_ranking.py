"""Benchmarks of the field: reconstruction, ranking, exact and Monte Carlo rank distributions.

Run: .venv/bin/python bench/bench_ranking.py   (numbers go to docs/field-model.md)
Targets from issue 3: exact rank distribution for 63 rivals ≤ 2 ms; 100,000 Monte Carlo draws ≤ 0.5 s.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from planner.field.bundled import bundled_field
from planner.field.projection import fit_drift_model, project_field
from planner.field.ranking import rank_in_field
from planner.field.reconstruction import _reconstruct
from planner.field.results import bundled_results


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and best of `repeat` runs, in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs)


def main() -> None:
    data = bundled_results()
    uncached = _reconstruct.__wrapped__
    med, best = _time(lambda: uncached(data, 2023, 63, (), 600), 5)
    print(f"reconstruct one year (2023, 600 draws, uncached): median {med:.0f} ms, best {best:.0f} ms")
    start = time.perf_counter()
    model = fit_drift_model(until=2023)
    print(
        f"fit the drift model up to 2023 (first call, reconstructs 7 years): {(time.perf_counter() - start):.2f} s"
    )
    model = fit_drift_model()

    field = bundled_field(2024)
    med, best = _time(lambda: rank_in_field(field, 89.0, "Lào Cai"), 200)
    print(f"rank_in_field with the 80% rank interval (62 rivals): median {med:.2f} ms, best {best:.2f} ms")

    one_year = project_field(field, 2025, model=model)
    two_years = project_field(bundled_field(2024, 34), 2026, model=model)
    for label, projection, exclude in (
        ("63 rivals, 2025 (exclude none)", one_year, None),
        ("62 rivals, 2025 (exclude Lào Cai)", one_year, "Lào Cai"),
        ("33 rivals, 2026 (34 provinces)", two_years, "Lào Cai"),
    ):
        projection.rank_distribution(90.0, exclude)
        med, best = _time(lambda p=projection, e=exclude: p.rank_distribution(90.0, e), 500)
        print(f"exact rank distribution, {label}: median {med:.3f} ms, best {best:.3f} ms")
    med, best = _time(lambda: one_year.rank_distribution(90.0, None, method="mc", n_samples=100_000), 7)
    print(f"Monte Carlo, 100,000 draws x 63 rivals: median {med:.0f} ms, best {best:.0f} ms")
    med, best = _time(lambda: one_year.score_for_rank(20, 0.8, "Lào Cai"), 20)
    print(f"score_for_rank (bisection on 0.01, exact each step): median {med:.1f} ms, best {best:.1f} ms")
    med, best = _time(lambda: project_field(field, 2025, model=model).as_field(), 5)
    print(f"as_field (63 own intervals, fresh projection): median {med:.0f} ms, best {best:.0f} ms")


if __name__ == "__main__":
    main()
