"""The plan builder: a baseline scenario, the levels chosen for some items and their efforts become a Plan.

A Plan (planner.optimiser.plan) is what a Sở Nội vụ circulates: each change with its target, the evidence the ministry
will ask for, the deadline, and who leads and who helps, grouped by lead agency as in the Lào Cai appendix. The
methodology carries those columns per item; where an item's own cell is empty, the criterion's applies (and for
the agencies, then the area's), which is how the appendix is read. Points come from the scorer, efforts from the
lever set (the user's figures or the labelled defaults), so the plan agrees with the optimiser to the hundredth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.core.errors import OptimiseError
from planner.methodology.model import Methodology, ScoredItem
from planner.methodology.rules import from_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import score_scenario
from planner.optimiser.competition import Competition
from planner.optimiser.effort import EffortTable
from planner.optimiser.levers import Lever, LeverSet, build_levers
from planner.optimiser.plan import Plan, PlanChange
from planner.optimiser.solver import OptimiseResult, describe_target


def _text(item: ScoredItem, name: str) -> str:
    """A plan column for `item`, falling back to its criterion's cell when its own is empty."""
    own: str = getattr(item.node, name)
    if own.strip():
        return own
    inherited: str = getattr(item.criterion, name)
    return inherited


def plan_row(lever: Lever, fields: dict[str, Any]) -> PlanChange:
    """A plan row: the level fields of a move (or of staying put) with the appendix columns of its item."""
    item = lever.item
    return PlanChange(
        **fields,
        area_code=item.area.code,
        criterion_code=item.criterion.code,
        max_points=from_centi(item.max_centi),
        lead_agencies=item.lead_agencies,
        partner_agencies=item.partner_agencies,
        completion_target=_text(item, "completion_target"),
        evidence_document=_text(item, "evidence_document"),
        evidence_content=_text(item, "evidence_content"),
        deadline=_text(item, "deadline"),
        uses_assumption=item.rule.is_assumption,
    )


def build_plan(
    levers: LeverSet,
    chosen: Mapping[str, str],
    *,
    target_rank: int | None = None,
    target_score: float | None = None,
    target_vi: str = "",
    target_en: str = "",
    competition: Competition | None = None,
    notes: str = "",
) -> Plan:
    """The plan that moves each item in `chosen` (code -> level id) from its baseline level to that level.

    Levels at or below the current one are refused (a plan only raises items), as are locked items and levels
    above a feasible cap, with an OptimiseError naming the item.
    """
    methodology = levers.methodology
    baseline = levers.baseline
    changes: list[PlanChange] = []
    unchanged: list[PlanChange] = []
    for lever in levers.levers:
        item = lever.item
        level = chosen.get(lever.code)
        if level is None:
            if not item.is_survey:
                unchanged.append(plan_row(lever, lever.kept_fields()))
            continue
        choice = levers.choice(lever.code, level)
        if choice is None:
            known = ", ".join(c.level for c in lever.upgrades) or "-"
            raise OptimiseError("plan.level_not_allowed", code=lever.code, level=level, known=known)
        changes.append(plan_row(lever, lever.change_fields(choice)))
    unknown = sorted(set(chosen) - set(levers.by_code))
    if unknown:
        raise OptimiseError("optimise.unknown_codes", codes=", ".join(unknown))
    planned = score_scenario(methodology, planned_scenario(baseline, chosen))
    return Plan(
        methodology=methodology.id,
        province=baseline.province,
        year=baseline.year,
        scenario_name=baseline.name,
        target_vi=target_vi,
        target_en=target_en,
        target_rank=target_rank,
        target_score=target_score,
        baseline_total=levers.baseline_score,
        planned_total=planned.total,
        rank_before=competition.rank(levers.baseline_score) if competition else None,
        rank_after=competition.rank(planned.total) if competition else None,
        p_reach=competition.p_rank_le(planned.total, target_rank) if competition and target_rank else None,
        effort_unit=levers.unit,
        changes=tuple(changes),
        unchanged=tuple(unchanged),
        notes=notes,
    )


def plan_from_result(
    levers: LeverSet, result: OptimiseResult, *, competition: Competition | None = None, notes: str = ""
) -> Plan:
    """The plan of an optimiser result, with its target described in both languages."""
    return build_plan(
        levers,
        result.chosen_levels(),
        target_rank=result.target_rank,
        target_score=result.target_score,
        target_vi=describe_target(result, "vi"),
        target_en=describe_target(result, "en"),
        competition=competition,
        notes=notes,
    )


def plan_from_levels(
    methodology: Methodology,
    baseline: Scenario,
    chosen: Mapping[str, str],
    effort: EffortTable | None = None,
    *,
    target_rank: int | None = None,
    competition: Competition | None = None,
) -> Plan:
    """A plan from hand-picked levels (the app's "build my own plan"), costed like the optimiser's."""
    levers = build_levers(methodology, baseline, effort)
    return build_plan(levers, chosen, target_rank=target_rank, competition=competition)


def planned_scenario(baseline: Scenario, chosen: Mapping[str, str]) -> Scenario:
    """The baseline with each chosen item set to its new level."""
    return baseline.with_items({code: ItemSetting(level=level) for code, level in chosen.items()})
