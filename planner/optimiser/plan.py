"""An improvement plan: the chosen changes, grouped by lead agency, in the columns of the Lào Cai appendix.

The optimiser produces a Plan; the app shows it and planner.files.excel writes it in the layout provinces already use
(STT, area / criterion / sub-criterion, max points, target, evidence, lead, partners, deadline) plus the points
gained and the effort. The plan is data, so the same object feeds the screen, the Excel export and the CLI.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import Field, computed_field, model_validator

from planner.core.i18n import Lang
from planner.core.model import FrozenModel
from planner.core.text import agency_name
from planner.optimiser.effort import EffortUnit


def _drop_derived(data: Any, names: tuple[str, ...]) -> Any:
    """A dumped model carries its computed fields; reading it back recomputes them, so they are dropped (a
    stored plan, read again, must not be refused for the totals it printed)."""
    if isinstance(data, dict) and any(name in data for name in names):
        return {key: value for key, value in data.items() if key not in names}
    return data


class LevelChange(FrozenModel):
    """A scored item raised from one level of its rule to a higher one: what an optimiser answer, a ladder step
    and a plan row have in common (`planner.optimiser.levers.Lever.change_fields` fills these fields)."""

    code: str
    name_vi: str
    name_en: str = ""
    from_level: str | None = None
    to_level: str
    from_label_vi: str = ""
    to_label_vi: str = ""
    from_label_en: str = ""
    to_label_en: str = ""
    from_points: float
    to_points: float
    effort: float = 0.0
    effort_is_default: bool = False

    @model_validator(mode="before")
    @classmethod
    def _without_derived(cls, data: Any) -> Any:
        return _drop_derived(data, ("points_gain",))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points_gain(self) -> float:
        return round(self.to_points - self.from_points, 2)

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)


class PlanChange(LevelChange):
    """One row of the plan: the change with the columns of the Lào Cai appendix."""

    area_code: str
    criterion_code: str
    max_points: float
    lead_agencies: tuple[str, ...] = ()
    partner_agencies: tuple[str, ...] = ()
    completion_target: str = ""
    evidence_document: str = ""
    evidence_content: str = ""
    deadline: str = ""
    uses_assumption: bool = False


class Plan(FrozenModel):
    """A plan for one province and year, with what it aims for and what it reaches."""

    schema_version: int = 1
    methodology: str
    province: str | None = None
    year: int | None = None
    scenario_name: str = ""
    #: Human-readable target, e.g. "rank ≤ 20 (others projected, p = 0.8)".
    target_vi: str = ""
    target_en: str = ""
    target_rank: int | None = None
    target_score: float | None = None
    baseline_total: float
    planned_total: float
    rank_before: int | None = None
    rank_after: int | None = None
    p_reach: float | None = None
    effort_unit: EffortUnit = "person_days"
    changes: tuple[PlanChange, ...] = ()
    #: Every other self-assessed item at its current level (from = to), so the plan can be printed as the whole
    #: assignment table the seed appendices are, with the changed rows marked.
    unchanged: tuple[PlanChange, ...] = ()
    notes: str = Field(default="", max_length=5000)

    @model_validator(mode="before")
    @classmethod
    def _without_derived(cls, data: Any) -> Any:
        return _drop_derived(data, ("points_gain", "total_effort"))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_effort(self) -> float:
        return round(sum(c.effort for c in self.changes), 6)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points_gain(self) -> float:
        return round(sum(c.points_gain for c in self.changes), 2)

    def by_lead_agency(self) -> list[tuple[str, tuple[PlanChange, ...]]]:
        """Changes grouped under each lead agency (an item with two leads appears under both), in table order.

        Agencies are grouped by `planner.core.text.agency_name`, so "Sở Kế hoạch và Đầu tư." and "Sở Kế hoạch và Đầu tư" (the
        table writes both) form one group; the change rows keep the table's exact text.
        """
        groups: dict[str, list[PlanChange]] = defaultdict(list)
        for change in self.changes:
            keys = dict.fromkeys(agency_name(a) for a in change.lead_agencies) or {"": None}
            for key in keys:
                groups[key].append(change)
        return [(agency, tuple(changes)) for agency, changes in groups.items()]
