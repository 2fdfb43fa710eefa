"""Benchmarks of the optimiser (not a test: it prints what it measures).

    .venv/bin/python bench/bench_optimise.py [--quick]

1. One target-score solve on qd2636-2018 (82 self-assessed items, up to 5 levels each) and on a synthetic
   methodology of 82 items x exactly 6 levels: median, 90th percentile and maximum over many baselines and
   targets (each solve is the full two-stage exact solve: least effort, then most points at that effort).
2. The whole frontier for Lào Cai 2019 (63 provinces) in each rival mode, with the probability curve.
3. The chance-constrained mode with 500 sampled rival fields (plus 5,000 validation fields).
4. The greedy ladder's effort gap to the exact optimum on realistic instances (Lào Cai-like baselines, default
   efforts and noisy user efforts, targets from rank 25 to rank 5).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.core.data import data_dir
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_mapping
from planner.methodology.model import Methodology
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import item_options, score_scenario
from planner.optimiser.chance import maximise_probability
from planner.optimiser.competition import competition_for, default_own_sd
from planner.optimiser.effort import EffortEntry, EffortTable, default_effort
from planner.optimiser.frontier import frontier
from planner.optimiser.ladder import effort_of, greedy_ladder
from planner.optimiser.levers import build_levers
from planner.optimiser.solver import compile_model, optimise_for_rank, optimise_for_score


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {ms(statistics.median(ordered))}, p90 {ms(p90)}, max {ms(ordered[-1])} (n={len(ordered)})"


def six_level_methodology(rng: np.random.Generator) -> Methodology:
    """82 items, each a levels rule with exactly 6 distinct point values from 0 to its maximum."""
    criteria = []
    total = 0
    for area in range(8):
        subs = []
        for s in range(82 // 8 + (1 if area < 82 % 8 else 0)):
            top = int(rng.choice([50, 75, 100, 125, 150, 200]))
            inner = sorted(rng.choice(np.arange(1, top), size=4, replace=False).tolist())
            points = [0, *inner, top]
            subs.append(
                {
                    "code": f"{area + 1}.1.{s + 1}",
                    "name_vi": f"Mục {area + 1}.{s + 1}",
                    "max_points": str(Decimal(top) / 100),
                    "lead_agencies": [f"Sở {area + 1}"],
                    "rule": {
                        "type": "levels",
                        "levels": [
                            {"id": f"l{j}", "label_vi": f"Mức {j}", "points": str(Decimal(c) / 100)}
                            for j, c in enumerate(points)
                        ],
                    },
                }
            )
            total += top
        area_total = sum(int(Decimal(s["max_points"]) * 100) for s in subs)
        criteria.append(
            {
                "code": str(area + 1),
                "name_vi": f"Lĩnh vực {area + 1}",
                "max_points": str(Decimal(area_total) / 100),
                "criteria": [
                    {
                        "code": f"{area + 1}.1",
                        "name_vi": "Tiêu chí",
                        "max_points": str(Decimal(area_total) / 100),
                        "sub_criteria": subs,
                    }
                ],
            }
        )
    return methodology_from_mapping(
        {
            "id": "bench-six-levels",
            "name_vi": "82 x 6",
            "total_points": str(Decimal(total) / 100),
            "areas": criteria,
        }
    )


def random_baseline(rng: np.random.Generator, m: Methodology, survey: float = 75.0) -> Scenario:
    items = {}
    for item in m.scored_items:
        options = item_options(item)
        if item.is_survey:
            items[item.code] = ItemSetting(value=survey)
        else:
            items[item.code] = ItemSetting(level=options[int(rng.integers(0, len(options)))].id)
    return Scenario(methodology=m.id, items=items)


def lao_cai_like(rng: np.random.Generator, m: Methodology, base: Scenario) -> Scenario:
    """The Lào Cai example with about one item in five dropped one or two levels (a realistic province)."""
    card = score_scenario(m, base)
    updates: dict[str, ItemSetting | None] = {}
    for item, centi in zip(m.scored_items, card.item_centi, strict=True):
        if item.is_survey or rng.random() > 0.2:
            continue
        options = item_options(item)
        index = max(i for i, o in enumerate(options) if o.centi <= centi)
        drop = int(rng.integers(1, 3))
        updates[item.code] = ItemSetting(level=options[max(0, index - drop)].id)
    return base.with_items(updates)


def noisy_efforts(rng: np.random.Generator, m: Methodology, baseline: Scenario) -> EffortTable:
    """User efforts: the default times a log-normal factor (sd 0.5), to the half day."""
    levers = build_levers(m, baseline)
    entries = []
    for lever in levers.levers:
        for steps, choice in enumerate(lever.upgrades, start=1):
            value = default_effort(lever.item.rule.type, steps, "person_days") * float(rng.lognormal(0, 0.5))
            entries.append(
                EffortEntry(code=lever.code, level=choice.level, effort=max(0.5, round(value * 2) / 2))
            )
    return EffortTable(entries=tuple(entries))


def bench_single_solves(quick: bool) -> dict[str, Any]:
    rng = np.random.default_rng(1)
    out: dict[str, Any] = {}
    for label, m in (
        ("qd2636-2018", load_bundled_methodology("qd2636-2018")),
        ("82 x 6 levels", six_level_methodology(rng)),
    ):
        times: list[float] = []
        for b in range(6 if quick else 30):
            baseline = random_baseline(rng, m)
            table = noisy_efforts(rng, m, baseline) if b % 2 else None
            levers = build_levers(m, baseline, table)
            model = compile_model(levers)
            headroom = levers.max_gain_centi / 100
            for share in (0.05, 0.15, 0.3, 0.5, 0.7, 0.9):
                target = levers.baseline_score + round(headroom * share, 2)
                optimise_for_score(levers, target, model=model)  # warm
                start = time.perf_counter()
                result = optimise_for_score(levers, target, model=model)
                times.append(time.perf_counter() - start)
                assert result.status == "optimal"
        out[label] = summary(times)
        print(f"target-score solve, {label}: {out[label]}")
    return out


def bottom_of_the_table(m: Methodology, base: Scenario) -> Scenario:
    """Lào Cai with half its self-assessed items at their lowest level: last of 63, the longest frontier."""
    rng = np.random.default_rng(0)
    updates: dict[str, ItemSetting | None] = {}
    for item in m.scored_items:
        if not item.is_survey and rng.random() < 0.5:
            updates[item.code] = ItemSetting(level=item_options(item)[0].id)
    return base.with_items(updates)


def bench_frontier() -> dict[str, Any]:
    m = load_bundled_methodology("qd2636-2018")
    lao_cai = read_scenario_file(data_dir() / "examples" / "lao-cai-2019.json")
    out: dict[str, Any] = {}
    bottom = bottom_of_the_table(m, lao_cai)
    budgets = EffortTable(agency_budgets={"Sở Nội vụ": 150.0, "Văn phòng UBND tỉnh": 100.0})
    for label, baseline, table in (
        ("Lào Cai 2019", lao_cai, None),
        ("bottom of the table", bottom, None),
        ("bottom of the table, 2 binding agency budgets", bottom, budgets),
    ):
        out[label] = _bench_frontier_of(m, baseline, label, table)
    return out


def _bench_frontier_of(
    m: Methodology, baseline: Scenario, label: str, table: EffortTable | None
) -> dict[str, Any]:
    levers = build_levers(m, baseline, table)
    out: dict[str, Any] = {}
    for mode in ("fixed", "mean", "probability"):
        competition = competition_for(2019, "Lào Cai", mode=mode, confidence=0.8, own_sd=default_own_sd(m))
        competition.p_rank_le(80.0, 20)  # field and drift model loaded outside the timing
        fresh = competition_for(2019, "Lào Cai", mode=mode, confidence=0.8, own_sd=default_own_sd(m))
        start = time.perf_counter()
        curve = frontier(levers, fresh, target_rank=20)
        seconds = time.perf_counter() - start
        out[mode] = (seconds, len(curve.ranks), len(curve.probabilities))
        print(
            f"frontier, {label} (baseline {levers.baseline_score:.2f}), rivals {mode}: {seconds:.2f} s for {len(curve.ranks)} ranks "
            f"(#{curve.baseline_rank} to #{curve.best_rank}) and {len(curve.probabilities)} probabilities"
        )
    return out


def bench_chance() -> dict[str, Any]:
    m = load_bundled_methodology("qd2636-2018")
    baseline = read_scenario_file(data_dir() / "examples" / "lao-cai-2019.json")
    levers = build_levers(m, baseline)
    competition = competition_for(2019, "Lào Cai", mode="probability", own_sd=default_own_sd(m))
    competition.p_rank_le(80.0, 20)
    out: dict[str, Any] = {}
    for budget in (20.0, 40.0, 80.0):
        start = time.perf_counter()
        result = maximise_probability(levers, competition, 20, budget, n_samples=500, seed=0)
        seconds = time.perf_counter() - start
        out[budget] = seconds
        print(
            f"chance-constrained, rank <= 20, budget {budget:g} person-days, 500 fields: {seconds:.2f} s; "
            f"P in sample {result.p_in_sample:.3f}, on 5,000 fresh fields {result.p_validation:.3f} "
            f"(se {result.p_validation_se:.3f}), exact {result.p_exact:.3f}; effort {result.plan.effort:g}"
        )
    return out


def bench_greedy_gap(quick: bool) -> dict[str, Any]:
    m = load_bundled_methodology("qd2636-2018")
    base = read_scenario_file(data_dir() / "examples" / "lao-cai-2019.json")
    competition = competition_for(2019, "Lào Cai", mode="mean")
    rng = np.random.default_rng(7)
    out: dict[str, Any] = {}
    for label in ("default efforts", "noisy user efforts"):
        gaps: list[float] = []
        optimal = 0
        count = 0
        for _ in range(10 if quick else 60):
            baseline = lao_cai_like(rng, m, base)
            table = noisy_efforts(rng, m, baseline) if label != "default efforts" else None
            levers = build_levers(m, baseline, table)
            ladder = greedy_ladder(levers)
            model = compile_model(levers)
            start = competition.rank(levers.baseline_score)
            for k in sorted({r for r in (25, 20, 15, 10, 5) if r < start}):
                exact = optimise_for_rank(levers, competition, k, model=model)
                if exact.status != "optimal" or exact.already_met or exact.target_score is None:
                    continue
                prefix = ladder.greedy_for_score(exact.target_score)
                if prefix is None:
                    continue
                greedy = effort_of(prefix)
                gap = (greedy - exact.effort) / exact.effort if exact.effort > 0 else 0.0
                gaps.append(gap)
                optimal += gap < 1e-9
                count += 1
        ordered = sorted(gaps)
        out[label] = {
            "instances": count,
            "greedy_optimal_share": optimal / count,
            "mean_gap": statistics.mean(gaps),
            "median_gap": statistics.median(gaps),
            "p90_gap": ordered[int(0.9 * (count - 1))],
            "max_gap": ordered[-1],
        }
        r = out[label]
        print(
            f"greedy effort gap, {label}: {r['instances']} instances, greedy optimal in {100 * r['greedy_optimal_share']:.0f}%, "
            f"gap mean {100 * r['mean_gap']:.1f}%, median {100 * r['median_gap']:.1f}%, p90 {100 * r['p90_gap']:.1f}%, "
            f"max {100 * r['max_gap']:.1f}%"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    bench_single_solves(args.quick)
    bench_frontier()
    bench_chance()
    bench_greedy_gap(args.quick)


if __name__ == "__main__":
    main()
