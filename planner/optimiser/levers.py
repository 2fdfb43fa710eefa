"""Levers: for each scored item, where it is now and every level it may move to this year, at what effort.

This is the one place the optimiser's inputs are assembled, so the exact solver, the greedy ladder, the
frontier, the chance-constrained mode and the plan builder all see the same choices: the current level (kept at
no cost, at the points the baseline scenario gives, even when those fall between two levels), and each higher
level of the item's rule up to the feasible maximum, with its points gained (integer hundredths, from the rule
via planner.methodology.scoring) and its effort (the user's figure, else the labelled default).

An item offers no upgrade when it is locked, when it is a survey item the user has not unlocked (survey results
are not levers: they stay at their expected value), or when it is already at its maximum or its cap. What such
items hold back is kept, so an infeasible target can say what blocks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from planner.core.errors import OptimiseError
from planner.core.text import agency_key
from planner.methodology.index import get_index
from planner.methodology.model import Methodology, ScoredItem
from planner.methodology.rules import from_centi
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import ScoreCard, current_option, item_options, score_scenario
from planner.optimiser.effort import EffortEntry, EffortTable, EffortUnit, ItemConstraint, default_effort

HoldReason = Literal["locked", "survey", "cap"]


@dataclass(frozen=True, slots=True)
class Choice:
    """One level an item can be brought to, with what it adds and what it costs (from the current level)."""

    level: str
    label_vi: str
    label_en: str
    centi: int
    gain_centi: int
    effort: float
    effort_is_default: bool

    @property
    def gain(self) -> float:
        return from_centi(self.gain_centi)


@dataclass(frozen=True, slots=True)
class Lever:
    """One scored item as the optimiser sees it. `upgrades` is empty when the item cannot move."""

    item: ScoredItem
    current_centi: int
    current_level: str
    current_label_vi: str
    current_label_en: str
    upgrades: tuple[Choice, ...]
    lead_agency: str
    lead_agencies: tuple[str, ...]
    locked: bool
    survey_fixed: bool
    #: Points above the current ones that the item's rule allows but that the lock, survey status or cap forbid.
    held_back_centi: int
    held_back_reason: HoldReason | None

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def max_gain_centi(self) -> int:
        return max((c.gain_centi for c in self.upgrades), default=0)

    @property
    def budget_key(self) -> str:
        """The agency whose budget this item's effort counts against (its first lead), as a
        `planner.core.text.agency_key`."""
        return agency_key(self.lead_agency)

    def kept_fields(self) -> dict[str, Any]:
        """The `LevelChange` fields of an item that stays where it is (from = to, no effort): a row of the full
        assignment table."""
        node = self.item.node
        points = from_centi(self.current_centi)
        return {
            "code": self.code,
            "name_vi": node.name_vi,
            "name_en": node.name_en,
            "from_level": self.current_level,
            "to_level": self.current_level,
            "from_label_vi": self.current_label_vi,
            "to_label_vi": self.current_label_vi,
            "from_label_en": self.current_label_en,
            "to_label_en": self.current_label_en,
            "from_points": points,
            "to_points": points,
            "effort": 0.0,
            "effort_is_default": False,
        }

    def change_fields(self, choice: Choice) -> dict[str, Any]:
        """The `planner.optimiser.plan.LevelChange` fields of moving this item from its current level to `choice`."""
        node = self.item.node
        return {
            "code": self.code,
            "name_vi": node.name_vi,
            "name_en": node.name_en,
            "from_level": self.current_level,
            "to_level": choice.level,
            "from_label_vi": self.current_label_vi,
            "to_label_vi": choice.label_vi,
            "from_label_en": self.current_label_en,
            "to_label_en": choice.label_en,
            "from_points": from_centi(self.current_centi),
            "to_points": from_centi(choice.centi),
            "effort": choice.effort,
            "effort_is_default": choice.effort_is_default,
        }


@dataclass(frozen=True)
class LeverSet:
    """Every item of a methodology as a lever, for one baseline scenario and one effort table."""

    methodology: Methodology
    baseline: Scenario
    card: ScoreCard
    levers: tuple[Lever, ...]
    unit: EffortUnit
    agency_budgets: Mapping[str, float]
    constraints: tuple[ItemConstraint, ...] = ()

    @property
    def baseline_centi(self) -> int:
        return self.card.total_centi

    @property
    def baseline_score(self) -> float:
        return self.card.total

    @cached_property
    def movable(self) -> tuple[Lever, ...]:
        """The levers that offer at least one upgrade."""
        return tuple(lever for lever in self.levers if lever.upgrades)

    @cached_property
    def by_code(self) -> dict[str, Lever]:
        return {lever.code: lever for lever in self.levers}

    @cached_property
    def budgets_by_key(self) -> dict[str, float]:
        """The agency budgets by `planner.core.text.agency_key`, as `Lever.budget_key` meets them; two spellings of
        one agency keep the tighter budget (the exact solver enforces both)."""
        out: dict[str, float] = {}
        for agency, budget in self.agency_budgets.items():
            key = agency_key(agency)
            out[key] = min(budget, out.get(key, budget))
        return out

    @property
    def max_gain_centi(self) -> int:
        """The most points the levers can add with no budget at all."""
        return sum(lever.max_gain_centi for lever in self.levers)

    def held_back(self) -> dict[HoldReason, tuple[int, tuple[str, ...]]]:
        """Points out of reach by reason (locked, survey, cap), with the codes concerned, in table order."""
        out: dict[HoldReason, tuple[int, tuple[str, ...]]] = {}
        for lever in self.levers:
            if lever.held_back_reason is None or lever.held_back_centi <= 0:
                continue
            centi, codes = out.get(lever.held_back_reason, (0, ()))
            out[lever.held_back_reason] = (centi + lever.held_back_centi, (*codes, lever.code))
        return out

    def effort_table(self) -> EffortTable:
        """Every upgrade's effort as one table, the defaults included and labelled (basis "default"), with the
        constraints and budgets: what the app's effort editor shows and what a saved effort file holds."""
        entries = tuple(
            EffortEntry(
                code=lever.code,
                level=choice.level,
                effort=choice.effort,
                basis="default" if choice.effort_is_default else "user",
            )
            for lever in self.levers
            for choice in lever.upgrades
        )
        return EffortTable(
            unit=self.unit,
            entries=entries,
            constraints=self.constraints,
            agency_budgets=dict(self.agency_budgets),
        )

    def choice(self, code: str, level: str) -> Choice | None:
        for c in self.by_code[code].upgrades:
            if c.level == level:
                return c
        return None


def build_levers(methodology: Methodology, baseline: Scenario, effort: EffortTable | None = None) -> LeverSet:
    """The levers of `baseline` under `methodology`, costed by `effort` (defaults where it is silent).

    Raises OptimiseError when the effort table names an item or a cap level the methodology does not know.
    """
    table = effort or EffortTable()
    card = score_scenario(methodology, baseline)
    known = methodology.item_index
    unknown = sorted(({e.code for e in table.entries} | {c.code for c in table.constraints}) - set(known))
    if unknown:
        raise OptimiseError("optimise.unknown_codes", codes=", ".join(unknown))
    costs = {(e.code, e.level): e for e in table.entries}
    constraints = {c.code: c for c in table.constraints}
    #: PAPI's dimensions are survey results and the plan's levers; the PAR INDEX's SIPAS is not a lever.
    survey_levers = get_index(methodology.index).survey_is_lever
    levers: list[Lever] = []
    for item, centi in zip(methodology.scored_items, card.item_centi, strict=True):
        options = item_options(item)
        current = current_option(item, centi)
        current_index = next(i for i, o in enumerate(options) if o.id == current.id)
        constraint = constraints.get(item.code)
        locked = constraint is not None and constraint.locked
        survey_fixed = (
            item.is_survey
            and not survey_levers
            and not (constraint is not None and constraint.survey_unlocked)
        )
        cap_index = len(options) - 1
        if constraint is not None and constraint.feasible_max_level is not None:
            ids = [o.id for o in options]
            if constraint.feasible_max_level not in ids:
                raise OptimiseError(
                    "optimise.unknown_cap",
                    code=item.code,
                    level=constraint.feasible_max_level,
                    known=", ".join(ids),
                )
            cap_index = ids.index(constraint.feasible_max_level)
        top = max(o.centi for o in options)
        reachable = max((o.centi for o in options[: cap_index + 1]), default=centi)
        capped = max(0, top - max(reachable, centi))
        upgrades: list[Choice] = []
        if not locked and not survey_fixed:
            for index, option in enumerate(options):
                if option.centi <= centi or index > cap_index:
                    continue
                entry = costs.get((item.code, option.id))
                if entry is not None:
                    cost, is_default = entry.effort, entry.basis == "default"
                else:
                    cost, is_default = default_effort(item.rule.type, index - current_index, table.unit), True
                upgrades.append(
                    Choice(
                        option.id,
                        option.label_vi,
                        option.label_en,
                        option.centi,
                        option.centi - centi,
                        cost,
                        is_default,
                    )
                )
        reason: HoldReason | None = "locked" if locked else ("survey" if survey_fixed else "cap")
        held_back = max(0, top - centi) if reason != "cap" else capped
        if held_back == 0:
            reason = None
        leads = item.lead_agencies
        levers.append(
            Lever(
                item=item,
                current_centi=centi,
                current_level=current.id,
                current_label_vi=current.label_vi,
                current_label_en=current.label_en,
                upgrades=tuple(upgrades),
                lead_agency=leads[0] if leads else "",
                lead_agencies=leads,
                locked=locked,
                survey_fixed=survey_fixed,
                held_back_centi=held_back,
                held_back_reason=reason,
            )
        )
    return LeverSet(
        methodology, baseline, card, tuple(levers), table.unit, dict(table.agency_budgets), table.constraints
    )
