"""Test material for the optimiser's tests: random methodologies built with the real models, random baselines
and effort tables, a small rival field from numbers, and an exact dynamic-programming oracle.

Nothing here imports the optimiser: the oracle and the rival field are written from the problem statement, so
the tests compare two independent computations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_mapping
from planner.methodology.model import Methodology
from planner.methodology.rules import to_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import item_options, score_scenario
from planner.optimiser.effort import EffortEntry, EffortTable, ItemConstraint

AGENCIES = ("Sở Nội vụ", "Sở Tư pháp", "Văn phòng UBND tỉnh", "Sở Tài chính")


def _points(centi: int) -> str:
    return str(Decimal(centi) / 100)


def _random_rule(rng: np.random.Generator, max_centi: int, n_levels: int) -> dict[str, Any]:
    """A levels rule with `n_levels` distinct point values from 0 to the maximum (or a yes/no rule)."""
    if n_levels == 2 and rng.random() < 0.5:
        return {"type": "yes_no", "basis": "source", "source": "test"}
    inner = sorted(set(int(x) for x in rng.integers(1, max_centi, size=n_levels * 2)))
    rng.shuffle(inner)
    middle = sorted(inner[: max(0, n_levels - 2)])
    points = [0, *middle, max_centi]
    return {
        "type": "levels",
        "levels": [
            {"id": f"l{j}", "label_vi": f"Mức {j}", "points": _points(c)} for j, c in enumerate(points)
        ],
    }


def random_methodology(
    rng: np.random.Generator, n_items: int, *, max_levels: int = 6, with_survey: bool = False
) -> Methodology:
    """A well-formed methodology of `n_items` scored items in two or three areas, built and validated by the
    real models (maxima sum up, rules monotone)."""
    n_areas = min(3, max(1, n_items // 3))
    areas: list[dict[str, Any]] = []
    total = 0
    code = 0
    for a in range(n_areas):
        count = n_items // n_areas + (1 if a < n_items % n_areas else 0)
        subs = []
        area_total = 0
        for s in range(count):
            max_centi = int(rng.choice([25, 50, 75, 100, 125, 150, 200, 250]))
            n_levels = int(rng.integers(2, max_levels + 1))
            n_levels = min(n_levels, max_centi)
            code += 1
            sub: dict[str, Any] = {
                "code": f"{a + 1}.1.{s + 1}",
                "name_vi": f"Tiêu chí thành phần {code}",
                "max_points": _points(max_centi),
                "rule": _random_rule(rng, max_centi, n_levels),
                "lead_agencies": [AGENCIES[int(rng.integers(0, len(AGENCIES)))]],
            }
            subs.append(sub)
            area_total += max_centi
        areas.append(
            {
                "code": str(a + 1),
                "name_vi": f"Lĩnh vực {a + 1}",
                "max_points": _points(area_total),
                "criteria": [
                    {
                        "code": f"{a + 1}.1",
                        "name_vi": "Tiêu chí",
                        "max_points": _points(area_total),
                        "sub_criteria": subs,
                    }
                ],
            }
        )
        total += area_total
    if with_survey:
        areas.append(
            {
                "code": "KS",
                "name_vi": "Khảo sát",
                "max_points": "3",
                "criteria": [
                    {
                        "code": "KS.1",
                        "name_vi": "Hài lòng",
                        "max_points": "3",
                        "assessment": "survey",
                        "rule": {"type": "survey"},
                    }
                ],
            }
        )
        total += 300
    return methodology_from_mapping(
        {"id": "random-test", "name_vi": "Ngẫu nhiên", "total_points": _points(total), "areas": areas}
    )


def random_baseline(rng: np.random.Generator, m: Methodology) -> Scenario:
    """Every item at a random level (survey items at a random satisfaction)."""
    items: dict[str, ItemSetting] = {}
    for item in m.scored_items:
        options = item_options(item)
        if item.is_survey:
            items[item.code] = ItemSetting(value=float(rng.integers(50, 95)))
        else:
            items[item.code] = ItemSetting(level=options[int(rng.integers(0, len(options)))].id)
    return Scenario(methodology=m.id, items=items)


def random_effort(
    rng: np.random.Generator,
    m: Methodology,
    baseline: Scenario,
    *,
    lock_share: float = 0.0,
    cap_share: float = 0.0,
    zero_share: float = 0.0,
    decimals: int = 2,
) -> EffortTable:
    """User efforts (`decimals` decimals, sometimes not rising with the level, sometimes zero) for every level
    above the current one, and random locks and caps."""
    card = score_scenario(m, baseline)
    entries: list[EffortEntry] = []
    constraints: list[ItemConstraint] = []
    for item, centi in zip(m.scored_items, card.item_centi, strict=True):
        options = item_options(item)
        for option in options:
            if option.centi <= centi:
                continue
            if rng.random() < zero_share:
                effort = 0.0
            else:
                effort = round(float(rng.uniform(0.5, 40.0)) * (1 + option.centi / 100), decimals)
            entries.append(EffortEntry(code=item.code, level=option.id, effort=effort))
        if rng.random() < lock_share:
            constraints.append(ItemConstraint(code=item.code, locked=True))
        elif rng.random() < cap_share:
            cap = options[int(rng.integers(0, len(options)))]
            constraints.append(ItemConstraint(code=item.code, feasible_max_level=cap.id))
    return EffortTable(entries=tuple(entries), constraints=tuple(constraints))


# -------------------------------------------------------------------------------------------------------------
# The oracle: dynamic programming over integer hundredths of a point, written from the problem statement.
# -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OracleGroup:
    """One item's options as (points gained in hundredths, effort); (0, 0) is staying at the current level."""

    code: str
    options: tuple[tuple[int, float], ...]


def oracle_groups(m: Methodology, baseline: Scenario, table: EffortTable) -> list[OracleGroup]:
    """Each item's allowed (gain, effort) pairs, derived directly from the rules, the baseline and the table:
    locked and survey items stay; caps cut the levels above them; every cost must be given in the table."""
    card = score_scenario(m, baseline)
    costs = {(e.code, e.level): e.effort for e in table.entries}
    constraints = {c.code: c for c in table.constraints}
    groups: list[OracleGroup] = []
    for item, centi in zip(m.scored_items, card.item_centi, strict=True):
        c = constraints.get(item.code)
        pairs: list[tuple[int, float]] = [(0, 0.0)]
        if not (c is not None and c.locked) and not item.is_survey:
            options = item_options(item)
            cap = len(options) - 1
            if c is not None and c.feasible_max_level is not None:
                cap = [o.id for o in options].index(c.feasible_max_level)
            for j, option in enumerate(options):
                if j <= cap and option.centi > centi:
                    pairs.append((option.centi - centi, costs[(item.code, option.id)]))
        groups.append(OracleGroup(item.code, tuple(pairs)))
    return groups


def min_cost_by_gain(groups: Sequence[OracleGroup]) -> npt.NDArray[np.float64]:
    """best[g] = the least effort whose chosen levels gain exactly g hundredths (inf when impossible)."""
    total = sum(max(g for g, _ in group.options) for group in groups)
    best = np.full(total + 1, math.inf)
    best[0] = 0.0
    for group in groups:
        new = np.full_like(best, math.inf)
        for gain, cost in group.options:
            if gain == 0:
                new = np.minimum(new, best + cost)
            else:
                new[gain:] = np.minimum(new[gain:], best[:-gain] + cost)
        best = new
    return best


def oracle_min_effort(groups: Sequence[OracleGroup], need: int) -> tuple[float, int] | None:
    """(least effort to gain at least `need`, the most gain among plans of that effort), or None."""
    best = min_cost_by_gain(groups)
    need = max(0, need)
    if need >= len(best):
        return None
    tail = best[need:]
    least = float(tail.min())
    if math.isinf(least):
        return None
    gains = np.flatnonzero(tail <= least + 1e-6) + need
    return least, int(gains.max())


def oracle_max_points(groups: Sequence[OracleGroup], budget: float) -> tuple[int, float]:
    """(most gain within `budget`, the least effort for that gain)."""
    best = min_cost_by_gain(groups)
    feasible = np.flatnonzero(best <= budget + 1e-9)
    gain = int(feasible.max())
    return gain, float(best[gain:].min())


def brute_force(groups: Sequence[OracleGroup], keep: Any) -> list[tuple[int, float, tuple[int, ...]]]:
    """Every combination of options (tiny instances only) that `keep(choice_indices)` accepts, as
    (gain, effort, indices)."""
    out: list[tuple[int, float, tuple[int, ...]]] = []

    def walk(i: int, chosen: tuple[int, ...], gain: int, cost: float) -> None:
        if i == len(groups):
            if keep(chosen):
                out.append((gain, cost, chosen))
            return
        for j, (g, c) in enumerate(groups[i].options):
            walk(i + 1, (*chosen, j), gain + g, cost + c)

    walk(0, (), 0, 0.0)
    return out


# -------------------------------------------------------------------------------------------------------------
# A rival field from numbers: independent normal rivals, exact rank probabilities (Poisson-binomial).
# -------------------------------------------------------------------------------------------------------------


def _phi(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    from scipy.special import ndtr

    return np.asarray(ndtr(x), dtype=np.float64)


@dataclass(frozen=True)
class NormalRivals:
    """Rivals with independent normal scores (means, sds). Implements what the optimiser asks of a projection
    with the textbook formulas, independently of planner.field.projection."""

    names: tuple[str, ...]
    means: tuple[float, ...]
    sds: tuple[float, ...]
    #: The index's scale (the PAR INDEX's 100 points).
    max_points: float = 100.0

    def _keep(self, exclude: str | None) -> npt.NDArray[np.bool_]:
        return np.array([n != exclude for n in self.names], dtype=bool)

    def rival_names(self, exclude: str | None = None) -> tuple[str, ...]:
        return tuple(n for n in self.names if n != exclude)

    def expected_scores(self, exclude: str | None = None) -> dict[str, float]:
        return {n: m for n, m in zip(self.names, self.means, strict=True) if n != exclude}

    def rank_distribution(self, score: float, exclude: str | None = None) -> npt.NDArray[np.float64]:
        keep = self._keep(exclude)
        mu = np.array(self.means)[keep]
        sd = np.array(self.sds)[keep]
        higher = 1.0 - _phi((score - mu) / sd)  # P(rival strictly above us)
        dist = np.zeros(len(mu) + 1)
        dist[0] = 1.0
        for q in higher:
            dist[1:] = dist[1:] * (1 - q) + dist[:-1] * q
            dist[0] *= 1 - q
        return dist  # dist[j] = P(j rivals above) = P(rank = j + 1)

    def p_rank_le(self, score: float, k: int, exclude: str | None = None) -> float:
        return float(self.rank_distribution(score, exclude)[:k].sum())

    def score_for_rank(self, k: int, p: float, exclude: str | None = None) -> float:
        lo, hi = -1, 20000
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.p_rank_le(mid / 100, k, exclude) >= p:
                hi = mid
            else:
                lo = mid
        return hi / 100

    def sample_rival_scores(
        self, n_samples: int, exclude: str | None = None, seed: int = 0
    ) -> npt.NDArray[np.float64]:
        keep = self._keep(exclude)
        rng = np.random.default_rng(seed)
        mu = np.array(self.means)[keep]
        sd = np.array(self.sds)[keep]
        return np.asarray(np.round(rng.normal(mu, sd, size=(n_samples, len(mu))), 2), dtype=np.float64)


def normal_rivals(rng: np.random.Generator, n: int, mean: float = 80.0, spread: float = 5.0) -> NormalRivals:
    names = tuple(f"Tỉnh {i:02d}" for i in range(1, n + 1))
    means = tuple(float(x) for x in np.round(rng.normal(mean, spread, size=n), 2))
    sds = tuple(float(x) for x in np.round(rng.uniform(0.8, 2.0, size=n), 2))
    return NormalRivals(names, means, sds)


def qd2636() -> Methodology:
    return load_bundled_methodology("qd2636-2018")


def realistic_baseline(rng: np.random.Generator, m: Methodology, *, survey_percent: float = 80.0) -> Scenario:
    """A province that has most of the self-assessed points: each item at its top level with probability 0.6,
    else one or two levels below; survey items at `survey_percent`."""
    items: dict[str, ItemSetting] = {}
    for item in m.scored_items:
        options = item_options(item)
        if item.is_survey:
            items[item.code] = ItemSetting(value=survey_percent)
            continue
        top = len(options) - 1
        drop = 0 if rng.random() < 0.6 else int(rng.integers(1, min(2, top) + 1))
        items[item.code] = ItemSetting(level=options[top - drop].id)
    return Scenario(methodology=m.id, items=items)


def centi(points: float) -> int:
    return to_centi(points)


def record_ceilings(monkeypatch: Any) -> list[tuple[tuple[int, str, Any], int | None]]:
    """Every agency ceiling the path solver proves from now on, in order: (what was asked, as (year index,
    budget key, that agency's limits by year), and the ceiling). The solves themselves are the real ones."""
    from planner.optimiser import path as path_module

    proved: list[tuple[tuple[int, str, Any], int | None]] = []
    real = path_module.PathProgramme._ceiling

    def recorded(self: Any, asked: tuple[int, str, Any], tracks: Any, time_limit: float) -> int | None:
        ceiling = real(self, asked, tracks, time_limit)
        proved.append((asked, ceiling))
        return ceiling

    monkeypatch.setattr(path_module.PathProgramme, "_ceiling", recorded)
    return proved


def solve_whole(monkeypatch: Any) -> None:
    """From now on every path is solved whole, with the agency ceilings as its rows: the final-rungs shortcuts
    (which bring the ceilings in only when a pick is out of reach) never answer."""
    from planner.optimiser import path as path_module

    monkeypatch.setattr(path_module.PathProgramme, "_from_final_rungs", lambda *_, **__: None)
    monkeypatch.setattr(path_module.PathProgramme, "_least_effort_from_final_rungs", lambda *_, **__: None)
