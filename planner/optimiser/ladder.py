"""The greedy "points per effort" ladder: every single upgrade ranked, the greedy climb, and why the exact plan
differs from it.

A director reads a plan best as a list of steps, cheapest points first: "raise 3.4.1 to ≥ 95% on time: +0.75
points for 15 person-days, which passes Hà Giang". The ladder gives that list, with for each step the rival it
overtakes and what it does to P(rank ≤ k). Greedy is not optimal for a knapsack (its last step can overshoot
the target at a high price, or a cheaper combination of lower-ratio steps can fit the gap), so the exact plan
from planner.optimiser.solver is compared with it step by step, and each difference is explained in plain terms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import computed_field

from planner.core.i18n import Lang, t
from planner.core.model import FrozenModel
from planner.methodology.rules import from_centi, to_centi
from planner.optimiser.competition import Competition
from planner.optimiser.effort import EffortUnit
from planner.optimiser.levers import Choice, Lever, LeverSet
from planner.optimiser.plan import LevelChange
from planner.optimiser.solver import OptimiseResult

DifferenceKind = Literal["exact_only", "greedy_only", "exact_higher", "exact_lower"]


class Upgrade(LevelChange):
    """One single upgrade from the baseline (an item from its current level to one higher level)."""

    position: int
    #: Points per unit of effort; None when the upgrade costs nothing (it ranks first).
    points_per_effort: float | None
    lead_agency: str
    score_after: float
    rank_after: int | None = None
    overtakes: tuple[str, ...] = ()
    p_before: float | None = None
    p_after: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def p_change(self) -> float | None:
        if self.p_before is None or self.p_after is None:
            return None
        return self.p_after - self.p_before


class Rung(LevelChange):
    """One step of the greedy climb: an item raised from its level so far to a higher one."""

    step: int
    #: The effort this step adds (the level's effort from the baseline minus what the item's earlier steps cost).
    effort: float
    points_per_effort: float | None
    lead_agency: str
    cumulative_effort: float
    score: float
    rank: int | None = None
    overtakes: tuple[str, ...] = ()
    p_reach: float | None = None
    p_change: float | None = None


class Ladder(FrozenModel):
    """The ranked single upgrades and the greedy climb from the baseline."""

    unit: EffortUnit
    baseline_score: float
    baseline_rank: int | None = None
    target_rank: int | None = None
    p_baseline: float | None = None
    budget: float | None = None
    upgrades: tuple[Upgrade, ...] = ()
    rungs: tuple[Rung, ...] = ()

    def greedy_for_score(self, target_score: float) -> tuple[Rung, ...] | None:
        """The shortest prefix of the climb that reaches `target_score` (empty when already met), or None."""
        if to_centi(self.baseline_score) >= to_centi(target_score):
            return ()
        for index, rung in enumerate(self.rungs):
            if to_centi(rung.score) >= to_centi(target_score):
                return self.rungs[: index + 1]
        return None

    def to_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "baseline_score": self.baseline_score,
            "baseline_rank": self.baseline_rank,
            "target_rank": self.target_rank,
            "p_baseline": self.p_baseline,
            "budget": self.budget,
            "rungs": [r.model_dump() for r in self.rungs],
            "upgrades": [u.model_dump() for u in self.upgrades],
        }


def levels_after(rungs: tuple[Rung, ...]) -> dict[str, str]:
    """Item code -> the level it ends at after climbing `rungs`."""
    return {rung.code: rung.to_level for rung in rungs}


def effort_of(rungs: tuple[Rung, ...]) -> float:
    return rungs[-1].cumulative_effort if rungs else 0.0


def _ratio(gain_centi: int, effort: float) -> float:
    """Points per effort, with a free step ranking above everything."""
    return math.inf if effort <= 0 else from_centi(gain_centi) / effort


class _Probabilities:
    """P(rank ≤ k) by score, computed once per distinct score (many steps land on the same score)."""

    def __init__(self, competition: Competition | None, k: int | None) -> None:
        self.competition = competition
        self.k = k
        self.cache: dict[int, float | None] = {}

    def __call__(self, centi: int) -> float | None:
        if self.competition is None or self.k is None:
            return None
        if centi not in self.cache:
            self.cache[centi] = self.competition.p_rank_le(from_centi(centi), self.k)
        return self.cache[centi]


def single_upgrades(
    levers: LeverSet, competition: Competition | None = None, k: int | None = None
) -> tuple[Upgrade, ...]:
    """Every possible single upgrade from the baseline, best points per effort first (ties: more points first,
    then table order)."""
    p_of = _Probabilities(competition, k)
    base = levers.baseline_centi
    rows: list[tuple[float, int, int, Lever, Choice]] = []
    for order, lever in enumerate(levers.levers):
        for choice in lever.upgrades:
            rows.append((_ratio(choice.gain_centi, choice.effort), choice.gain_centi, order, lever, choice))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2]))
    out: list[Upgrade] = []
    for position, (ratio, _, _, lever, choice) in enumerate(rows, start=1):
        after = base + choice.gain_centi
        out.append(
            Upgrade(
                **lever.change_fields(choice),
                position=position,
                points_per_effort=None if math.isinf(ratio) else round(ratio, 6),
                lead_agency=lever.lead_agency,
                score_after=from_centi(after),
                rank_after=competition.rank(from_centi(after)) if competition else None,
                overtakes=competition.overtaken(from_centi(base), from_centi(after)) if competition else (),
                p_before=p_of(base),
                p_after=p_of(after),
            )
        )
    return tuple(out)


def greedy_ladder(
    levers: LeverSet,
    competition: Competition | None = None,
    k: int | None = None,
    *,
    budget: float | None = None,
) -> Ladder:
    """The greedy climb: repeatedly take the step (any item, to any higher allowed level) with the most points
    per unit of added effort, skipping steps that would break the total `budget` or an agency budget, until no
    step is left. Also lists every single upgrade from the baseline."""
    p_of = _Probabilities(competition, k)
    budgets = levers.budgets_by_key
    spent_by_agency: dict[str, float] = {}
    at: dict[str, Choice | None] = {lever.code: None for lever in levers.movable}
    order = {lever.code: i for i, lever in enumerate(levers.levers)}
    score = levers.baseline_centi
    spent = 0.0
    rungs: list[Rung] = []
    while True:
        best: tuple[float, int, int, Lever, Choice, float] | None = None
        for lever in levers.movable:
            current = at[lever.code]
            paid = current.effort if current is not None else 0.0
            floor = current.centi if current is not None else lever.current_centi
            key = lever.budget_key
            for choice in lever.upgrades:
                if choice.centi <= floor:
                    continue
                added = choice.effort - paid
                if budget is not None and spent + added > budget + 1e-9:
                    continue
                if key in budgets and spent_by_agency.get(key, 0.0) + added > budgets[key] + 1e-9:
                    continue
                gain = choice.centi - floor
                candidate = (_ratio(gain, added), gain, -order[lever.code], lever, choice, added)
                if best is None or candidate[:3] > best[:3]:
                    best = candidate
        if best is None:
            break
        ratio, gain, _, lever, choice, added = best
        before = score
        previous = at[lever.code]
        score += gain
        spent += added
        key = lever.budget_key
        spent_by_agency[key] = spent_by_agency.get(key, 0.0) + added
        at[lever.code] = choice
        p_before, p_after = p_of(before), p_of(score)
        rungs.append(
            Rung(
                step=len(rungs) + 1,
                code=lever.code,
                name_vi=lever.item.node.name_vi,
                name_en=lever.item.node.name_en,
                from_level=previous.level if previous is not None else lever.current_level,
                to_level=choice.level,
                from_label_vi=previous.label_vi if previous is not None else lever.current_label_vi,
                to_label_vi=choice.label_vi,
                from_label_en=previous.label_en if previous is not None else lever.current_label_en,
                to_label_en=choice.label_en,
                from_points=from_centi(previous.centi if previous is not None else lever.current_centi),
                to_points=from_centi(choice.centi),
                effort=round(added, 9),
                points_per_effort=None if math.isinf(ratio) else round(ratio, 6),
                lead_agency=lever.lead_agency,
                cumulative_effort=round(spent, 9),
                score=from_centi(score),
                rank=competition.rank(from_centi(score)) if competition else None,
                overtakes=competition.overtaken(from_centi(before), from_centi(score)) if competition else (),
                p_reach=p_after,
                p_change=None if p_before is None or p_after is None else p_after - p_before,
            )
        )
    return Ladder(
        unit=levers.unit,
        baseline_score=levers.baseline_score,
        baseline_rank=competition.rank(levers.baseline_score) if competition else None,
        target_rank=k,
        p_baseline=p_of(levers.baseline_centi),
        budget=budget,
        upgrades=single_upgrades(levers, competition, k),
        rungs=tuple(rungs),
    )


# ---------------------------------------------------------------------------------------------------------------
# The exact plan against the greedy one.
# ---------------------------------------------------------------------------------------------------------------


class Difference(FrozenModel):
    """One item on which the exact plan and the greedy plan disagree, and why."""

    kind: DifferenceKind
    code: str
    exact_level: str | None
    greedy_level: str | None
    exact_gain: float
    greedy_gain: float
    exact_effort: float
    greedy_effort: float
    #: The position of the exact plan's step for this item in the single-upgrade ranking (1 = best ratio).
    position: int | None = None

    def message(self, lang: Lang = "vi") -> str:
        return t(
            f"ladder.difference.{self.kind}",
            lang,
            code=self.code,
            exact_gain=self.exact_gain,
            greedy_gain=self.greedy_gain,
            exact_effort=self.exact_effort,
            greedy_effort=self.greedy_effort,
            position=self.position or 0,
        )


class Comparison(FrozenModel):
    """The exact plan against the greedy climb to the same target."""

    target_score: float
    exact_effort: float
    exact_score: float
    greedy_reaches: bool
    greedy_effort: float | None = None
    greedy_score: float | None = None
    greedy_steps: int = 0
    differences: tuple[Difference, ...] = ()

    @property
    def effort_gap(self) -> float | None:
        """How much more effort the greedy plan needs than the exact one (never negative)."""
        return None if self.greedy_effort is None else round(self.greedy_effort - self.exact_effort, 9)

    def summary(self, lang: Lang = "vi") -> str:
        if not self.greedy_reaches:
            return t("ladder.summary.greedy_fails", lang, exact_effort=self.exact_effort)
        if not self.differences:
            return t("ladder.summary.same", lang, effort=self.exact_effort)
        return t(
            "ladder.summary.differs",
            lang,
            exact_effort=self.exact_effort,
            greedy_effort=self.greedy_effort or 0.0,
            gap=self.effort_gap or 0.0,
            exact_over=round(self.exact_score - self.target_score, 2),
            greedy_over=round((self.greedy_score or 0.0) - self.target_score, 2),
        )


def compare_with_exact(levers: LeverSet, ladder: Ladder, exact: OptimiseResult) -> Comparison:
    """Where the exact plan for `exact.target_score` departs from the greedy climb to the same score, and why.

    The greedy plan is the shortest prefix of the climb that reaches the target. Each item moved differently is
    one Difference: the exact plan moves an item the greedy leaves (usually a step with a lower ratio that fits
    the remaining gap instead of an expensive overshoot), leaves one the greedy moves, or takes it to a higher or
    lower level.
    """
    if exact.target_score is None:
        raise ValueError("the exact result has no target score")
    prefix = ladder.greedy_for_score(exact.target_score)
    exact_levels = exact.chosen_levels()
    positions = {(u.code, u.to_level): u.position for u in ladder.upgrades}
    if prefix is None:
        return Comparison(
            target_score=exact.target_score,
            exact_effort=exact.effort,
            exact_score=exact.score,
            greedy_reaches=False,
        )
    greedy_levels = levels_after(prefix)
    differences: list[Difference] = []
    for lever in levers.levers:
        e_level = exact_levels.get(lever.code)
        g_level = greedy_levels.get(lever.code)
        if e_level == g_level:
            continue
        e_choice = levers.choice(lever.code, e_level) if e_level else None
        g_choice = levers.choice(lever.code, g_level) if g_level else None
        e_gain = e_choice.gain_centi if e_choice else 0
        g_gain = g_choice.gain_centi if g_choice else 0
        if g_choice is None:
            kind: DifferenceKind = "exact_only"
        elif e_choice is None:
            kind = "greedy_only"
        else:
            kind = "exact_higher" if e_gain > g_gain else "exact_lower"
        differences.append(
            Difference(
                kind=kind,
                code=lever.code,
                exact_level=e_level,
                greedy_level=g_level,
                exact_gain=from_centi(e_gain),
                greedy_gain=from_centi(g_gain),
                exact_effort=e_choice.effort if e_choice else 0.0,
                greedy_effort=g_choice.effort if g_choice else 0.0,
                position=positions.get((lever.code, e_level)) if e_level else None,
            )
        )
    return Comparison(
        target_score=exact.target_score,
        exact_effort=exact.effort,
        exact_score=exact.score,
        greedy_reaches=True,
        greedy_effort=effort_of(prefix),
        greedy_score=prefix[-1].score if prefix else ladder.baseline_score,
        greedy_steps=len(prefix),
        differences=tuple(differences),
    )


def greedy_plan_levels(ladder: Ladder, target_score: float) -> Mapping[str, str] | None:
    """The levels the greedy plan sets to reach `target_score`, or None when the climb never gets there."""
    prefix = ladder.greedy_for_score(target_score)
    return None if prefix is None else levels_after(prefix)
