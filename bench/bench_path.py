"""Benchmark of the path over several years (not a test: it prints what it measures).

    .venv/bin/python bench/bench_path.py [--quick]

1. 82 items x exactly 6 levels x 4 years (issue 15's size): random baselines, noisy user efforts, a target in
   every year rising to a share of the headroom, a budget per year and two agency budgets per year. Each solve
   is the whole exact answer (least effort, then most points; when infeasible, least shortfall, then effort,
   then points), timed from settings to result. Target: under 2 s on the 2-core machine.
2. The Quảng Ngãi example, 2022-2025 into the 25-30 band with a budget per year: against the 2021 table (rivals
   fixed, feasible) and against the projected field (infeasible: the best path and every blocker).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_optimise import noisy_efforts, random_baseline, six_level_methodology

from planner.core.data import data_dir
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.rules import from_centi
from planner.optimiser.horizon import PathSettings, YearTarget, optimise_path, path_competitions
from planner.optimiser.levers import build_levers

YEARS = (2031, 2032, 2033, 2034)


def bench_82_by_6_by_4(quick: bool) -> None:
    rng = np.random.default_rng(15)
    m = six_level_methodology(rng)
    times: dict[str, list[float]] = {"optimal": [], "infeasible": [], "infeasible, best path only": []}
    for _ in range(4 if quick else 20):
        baseline = random_baseline(rng, m)
        levers = build_levers(m, baseline, noisy_efforts(rng, m, baseline))
        headroom = levers.max_gain_centi
        share = float(rng.uniform(0.3, 0.8))
        targets = tuple(
            YearTarget(
                year=y,
                kind="score",
                score=from_centi(levers.baseline_centi + int(headroom * share * (i + 1) / len(YEARS))),
            )
            for i, y in enumerate(YEARS)
        )
        yearly = float(rng.uniform(60, 200))
        settings = PathSettings(
            years=YEARS,
            targets=targets,
            budgets=dict.fromkeys(YEARS, yearly),
            agency_budgets={y: {"Sở 1": yearly / 5, "Sở 2": yearly / 5} for y in YEARS},
        )
        start = time.perf_counter()
        result = optimise_path(levers, settings, bands=False)
        times[result.status].append(time.perf_counter() - start)
        if result.status == "infeasible":
            start = time.perf_counter()
            optimise_path(levers, settings, bands=False, blockers=False)
            times["infeasible, best path only"].append(time.perf_counter() - start)
    for label, values in times.items():
        if values:
            ordered = sorted(values)
            print(
                f"path 82 items x 6 levels x 4 years, {label}: median {statistics.median(ordered):.2f} s, "
                f"max {ordered[-1]:.2f} s (n={len(ordered)})"
            )


def bench_quang_ngai() -> None:
    scenario = read_scenario_file(data_dir() / "examples" / "quang-ngai-2025.json")
    levers = build_levers(load_bundled_methodology(scenario.methodology), scenario)
    years = (2022, 2023, 2024, 2025)
    settings = PathSettings(
        years=years,
        targets=(YearTarget(year=2025, kind="band", rank=30, best_rank=25),),
        budgets=dict.fromkeys(years, 12.0),
        rivals="fixed",
    )
    for rivals in ("fixed", "mean"):
        asked = settings.model_copy(update={"rivals": rivals})
        start = time.perf_counter()
        competitions = path_competitions(years, scenario.province, rivals=rivals)
        built = time.perf_counter()
        result = optimise_path(levers, asked, competitions)
        done = time.perf_counter()
        print(
            f"Quảng Ngãi 2022-2025, band 25-30, rivals {rivals}: {result.status}, effort {result.effort_total:g}, "
            f"{len(result.blockers)} blockers; competitions {built - start:.2f} s, path with bands and blockers "
            f"{done - built:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    bench_82_by_6_by_4(args.quick)
    bench_quang_ngai()


if __name__ == "__main__":
    main()
