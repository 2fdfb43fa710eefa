"""After the results: the plan compared row by row with what the ministry appraised, and next year's plan begun
from it.

The ministry publishes the total (and the rank); the province also receives its per-item appraisal, which
planner.files.appraisal reads into a scenario. With it each planned row has three figures side by side: planned
(the plan's target points), reached (the level the lead agency reported) and appraised (what the ministry gave).
Without it only the totals compare. A row whose appraised points fall short of its target is open: next year's
plan starts from the appraised scenario and carries those rows at their planned level, with the effort the plan
gave them (the user edits it from there).
"""

from __future__ import annotations

from pydantic import Field

from planner.core.i18n import Lang
from planner.core.model import FrozenModel
from planner.methodology.model import Methodology
from planner.methodology.rules import from_centi, to_centi
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import score_scenario
from planner.optimiser.effort import EffortEntry, EffortTable
from planner.optimiser.plan import Plan
from planner.optimiser.plan_builder import plan_from_levels
from planner.tracking.model import Status, TrackedPlan
from planner.tracking.review import expected_centi


class RowOutcome(FrozenModel):
    code: str
    name_vi: str
    name_en: str = ""
    lead_agencies: tuple[str, ...] = ()
    status: Status
    baseline_points: float
    planned_points: float
    reached_points: float
    #: What the ministry appraised; None when the province has no per-item appraisal.
    appraised_points: float | None = None

    @property
    def shortfall(self) -> float | None:
        """Planned minus appraised (positive: the row fell short)."""
        if self.appraised_points is None:
            return None
        return from_centi(to_centi(self.planned_points) - to_centi(self.appraised_points))

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)


class ResultComparison(FrozenModel):
    """Planned against reported against appraised, row by row and in total."""

    planned_total: float
    reported_total: float
    appraised_total: float | None = None
    published_total: float | None = None
    rows: tuple[RowOutcome, ...]
    open_codes: tuple[str, ...] = Field(
        default=(), description="rows whose appraised points miss their target"
    )


def compare_with_result(
    tracked: TrackedPlan,
    methodology: Methodology,
    *,
    appraised: Scenario | None = None,
    published_total: float | None = None,
) -> ResultComparison:
    """The plan against the result: per row when `appraised` (the province's appraisal as a scenario) is given."""
    card = score_scenario(methodology, appraised) if appraised is not None else None
    rows: list[RowOutcome] = []
    reported = to_centi(tracked.plan.baseline_total)
    for row in tracked.rows:
        progress = tracked.progress(row.code)
        status = progress.status
        if progress.status == "in_progress":  # at the year's end a row in progress counts at what it reached
            progress = progress.model_copy(update={"status": "failed"})
        reached = expected_centi(methodology, row, progress)
        reported += reached - to_centi(row.from_points)
        appraised_points = (
            card.points_of(row.code) if card is not None and row.code in methodology.item_index else None
        )
        rows.append(
            RowOutcome(
                code=row.code,
                name_vi=row.name_vi,
                name_en=row.name_en,
                lead_agencies=row.lead_agencies,
                status=status,
                baseline_points=row.from_points,
                planned_points=row.to_points,
                reached_points=from_centi(reached),
                appraised_points=appraised_points,
            )
        )
    open_codes = tuple(
        r.code
        for r in rows
        if (r.appraised_points if r.appraised_points is not None else r.reached_points) < r.planned_points
    )
    return ResultComparison(
        planned_total=tracked.plan.planned_total,
        reported_total=from_centi(reported),
        appraised_total=card.total if card is not None else None,
        published_total=published_total,
        rows=tuple(rows),
        open_codes=open_codes,
    )


def next_year_plan(
    tracked: TrackedPlan, methodology: Methodology, appraised: Scenario, comparison: ResultComparison
) -> tuple[Plan, Scenario]:
    """Next year's plan: from the appraised scenario (for the next year), the open rows carried at their planned
    level and effort. Rows the appraisal already meets are not carried."""
    year = (tracked.plan.year or appraised.year or 0) + 1
    baseline = appraised.model_copy(
        update={
            "year": year,
            "name": f"{tracked.plan.scenario_name or tracked.plan.province or ''} {year}".strip(),
        }
    )
    card = score_scenario(methodology, baseline)
    chosen: dict[str, str] = {}
    entries: list[EffortEntry] = []
    for code in comparison.open_codes:
        row = tracked.row(code)
        if row is None or code not in methodology.item_index:
            continue
        if card.centi_of(code) >= to_centi(row.to_points):
            continue
        chosen[code] = row.to_level
        entries.append(EffortEntry(code=code, level=row.to_level, effort=row.effort))
    effort = EffortTable(unit=tracked.plan.effort_unit, entries=tuple(entries))
    plan = plan_from_levels(methodology, baseline, chosen, effort, target_rank=tracked.plan.target_rank)
    return plan, baseline
