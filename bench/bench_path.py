"""Benchmark of the path over several years (not a test: it prints what it measures).

    .venv/bin/python bench/bench_path.py [--quick] [--seed N]

1. 82 items x exactly 6 levels x 4 years (issue 15's size): random baselines, noisy user efforts, a target in
   every year rising to a share of the headroom, a budget per year and two agency budgets per year. Each solve
   is the whole exact answer (least effort, then most points; when infeasible, least shortfall, then effort,
   then points), timed from settings to result, on 60 instances (the time has a long tail). Target: under 2 s
   on the 2-core machine. The slowest answers of each kind are broken down by phase (the infeasibility proof,
   the agency ceilings, the most points, the tie-break), so what is slow can be seen rather than guessed.
2. The Quảng Ngãi example, 2022-2025 into the 25-30 band with a budget per year: against the 2021 table (rivals
   fixed, feasible) and against the projected field (infeasible: the best path and every blocker).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_optimise import noisy_efforts, random_baseline, six_level_methodology
from timing import machine_reference

from planner.core.data import data_dir
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.rules import from_centi
from planner.optimiser.horizon import PathSettings, YearTarget, optimise_path, path_competitions
from planner.optimiser.levers import build_levers
from planner.optimiser.path import PathProgramme

YEARS = (2031, 2032, 2033, 2034)


@contextmanager
def phases() -> Iterator[list[tuple[str, float]]]:
    """The solver phases of every path solve inside the block, in order, as (phase, seconds): "solve" for a
    solve from scratch (the least effort, or the most points), "cutoff" for one given a known value (a
    tie-break, or a blocker given the best path), "ceilings" for the agency ceilings proved before a most-points
    solve, "final rungs" for the bound from each item's final rung and its checks (planner.optimiser.
    final_rungs), "final rungs proved" when that answered without the solve. The bench wraps the programme's
    own methods; nothing in planner/ is changed for it."""
    log: list[tuple[str, float]] = []
    run, ceilings = PathProgramme._run, PathProgramme._agency_ceilings
    shortcut = PathProgramme._from_final_rungs

    def timed_shortcut(self: PathProgramme, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        found = shortcut(self, *args, **kwargs)
        log.append(("final rungs" if found is None else "final rungs proved", time.perf_counter() - start))
        return found

    def timed_run(self: PathProgramme, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return run(self, *args, **kwargs)
        finally:
            label = "solve" if kwargs.get("cutoff") is None else "cutoff"
            log.append((label, time.perf_counter() - start))

    def timed_ceilings(self: PathProgramme, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return ceilings(self, *args, **kwargs)
        finally:
            log.append(("ceilings", time.perf_counter() - start))

    PathProgramme._run = timed_run  # type: ignore[method-assign]
    PathProgramme._agency_ceilings = timed_ceilings  # type: ignore[method-assign]
    PathProgramme._from_final_rungs = timed_shortcut  # type: ignore[method-assign]
    try:
        yield log
    finally:
        PathProgramme._run = run  # type: ignore[method-assign]
        PathProgramme._agency_ceilings = ceilings  # type: ignore[method-assign]
        PathProgramme._from_final_rungs = shortcut  # type: ignore[method-assign]


def breakdown(log: list[tuple[str, float]]) -> str:
    return ", ".join(f"{label} {seconds:.2f}" for label, seconds in log)


def bench_82_by_6_by_4(quick: bool, seed: int) -> None:
    """60 instances (the solve time has a long tail: a small sample hides it). Every best path is timed; every
    blocker only on the first nine infeasible instances, as each costs twelve more solves."""
    rng = np.random.default_rng(seed)
    m = six_level_methodology(rng)
    times: dict[str, list[float]] = {"optimal": [], "time_limit": [], "infeasible, best path only": []}
    with_blockers: list[float] = []
    #: status -> (seconds, instance, phases) of its slowest answer
    slowest: dict[str, tuple[float, int, list[tuple[str, float]]]] = {}
    unproven = 0
    by_final_rungs = 0
    for index in range(6 if quick else 60):
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
        with phases() as log:
            start = time.perf_counter()
            result = optimise_path(levers, settings, bands=False, blockers=False)
            elapsed = time.perf_counter() - start
        if elapsed > slowest.get(result.status, (0.0, 0, []))[0]:
            slowest[result.status] = (elapsed, index, log)
        if result.status != "infeasible":
            times[result.status].append(elapsed)
            continue
        times["infeasible, best path only"].append(elapsed)
        unproven += not result.best_proven
        by_final_rungs += any(label == "final rungs proved" for label, _ in log)
        if len(with_blockers) < 9:
            start = time.perf_counter()
            optimise_path(levers, settings, bands=False)
            with_blockers.append(time.perf_counter() - start)
    times["infeasible, with every blocker"] = with_blockers
    every = [
        t for label, values in times.items() if label != "infeasible, with every blocker" for t in values
    ]
    for label, values in times.items():
        if values:
            ordered = sorted(values)
            print(
                f"path 82 items x 6 levels x 4 years, {label}: median {statistics.median(ordered):.2f} s, "
                f"p90 {ordered[int(0.9 * (len(ordered) - 1))]:.2f} s, max {ordered[-1]:.2f} s (n={len(ordered)})"
            )
    print(
        f"path 82 x 6 x 4, every answer: {sum(t < 2 for t in every)} of {len(every)} under 2 s; "
        f"best paths stopped by the time limit: {unproven}; best paths proved from the final rungs alone: "
        f"{by_final_rungs} of {len(times['infeasible, best path only'])}"
    )
    for status, (elapsed, index, log) in sorted(slowest.items()):
        print(f"  slowest {status} (instance {index}, {elapsed:.2f} s), phases in seconds: {breakdown(log)}")


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
    parser.add_argument(
        "--seed", type=int, default=15, help="the instances' seed (the README quotes 15, 16, 17)"
    )
    args = parser.parse_args()
    print(f"machine reference (one fixed HiGHS solve, timing.machine_reference): {machine_reference():.2f} s")
    bench_82_by_6_by_4(args.quick, args.seed)
    bench_quang_ngai()


if __name__ == "__main__":
    main()
