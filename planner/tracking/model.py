"""A plan lived through the year: each planned change carries its progress, and every change of progress is kept.

A `TrackedPlan` is the plan the province adopted (planner.optimiser.plan.Plan, with the baseline scenario it was
optimised from) plus an append-only list of `RowUpdate`s. The current state of a row is its last update; its
history is every update, in order, so "who said this row was done, and when" always has an answer. Nothing is
edited in place: applying updates returns a new TrackedPlan (planner.tracking.updates checks them first).

The rows tracked are the plan's changes: the items the plan moves. Items the plan keeps at their level are not
tasks and are not tracked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from planner.core.model import FrozenModel
from planner.core.text import agency_key, agency_name
from planner.methodology.scenario import Scenario
from planner.optimiser.plan import Plan, PlanChange

Status = Literal["not_started", "in_progress", "done", "failed"]
#: In the order a status column lists them (the drop-down of the agency workbook, the app's select box).
STATUSES: tuple[Status, ...] = ("not_started", "in_progress", "done", "failed")
UpdateSource = Literal["app", "workbook", "cli"]
TRACKING_SCHEMA_VERSION = 1


def status_key(status: str) -> str:
    """The translation key of a status: chưa thực hiện / đang thực hiện / hoàn thành / không đạt."""
    return f"tracking.status.{status}"


class Progress(FrozenModel):
    """Where one row stands: its status, how far along it is, the level it has reached, the evidence so far."""

    status: Status = "not_started"
    #: Percent of the task done, as the lead agency reports it; a done row counts as 100, a row not started as 0.
    percent: int = Field(default=0, ge=0, le=100)
    #: The level of the item's rule reached so far (a level id); None: nothing beyond the baseline yet, or, for a
    #: done row, the planned level.
    reached_level: str | None = Field(default=None, max_length=60)
    evidence: str = Field(default="", max_length=2000)
    updated_by: str = Field(default="", max_length=100)
    updated_at: datetime | None = None

    @property
    def effective_percent(self) -> int:
        if self.status == "done":
            return 100
        if self.status == "not_started":
            return 0
        return self.percent

    def same_report(self, other: Progress) -> bool:
        """Whether two progress reports say the same thing (who and when aside): re-reading an unchanged
        workbook adds nothing to the history."""
        return (self.status, self.effective_percent, self.reached_level, self.evidence.strip()) == (
            other.status,
            other.effective_percent,
            other.reached_level,
            other.evidence.strip(),
        )


class RowUpdate(FrozenModel):
    """One change of one row's progress, with where it came from (the app, an agency workbook, the CLI)."""

    code: str
    progress: Progress
    source: UpdateSource = "app"
    #: The agency that sent it; empty when the Sở Nội vụ itself updated the row.
    agency: str = Field(default="", max_length=200)


class ReviewPoint(FrozenModel):
    """One quarterly review kept with the plan: a point of the forecast chart through the year."""

    as_of: str  # ISO date: a review is "as of" a day, not an instant
    expected_score: float
    p_target: float | None = None
    done: int = 0
    late: int = 0


class TrackedPlan(FrozenModel):
    """The adopted plan with its progress; `updates` and `reviews` only grow."""

    schema_version: int = TRACKING_SCHEMA_VERSION
    plan: Plan
    #: The scenario the plan was made from: what the review's "what to do next" re-optimises from.
    baseline: Scenario | None = None
    #: When true, an agency sees and changes only its own rows' notes and evidence; others' stay hidden from it.
    private_notes: bool = True
    updates: tuple[RowUpdate, ...] = ()
    reviews: tuple[ReviewPoint, ...] = ()

    @model_validator(mode="after")
    def _known_rows(self) -> TrackedPlan:
        codes = {c.code for c in self.plan.changes}
        unknown = sorted({u.code for u in self.updates} - codes)
        if unknown:
            raise ValueError(f"updates for rows the plan does not have: {', '.join(unknown)}")
        return self

    @property
    def rows(self) -> tuple[PlanChange, ...]:
        return self.plan.changes

    def row(self, code: str) -> PlanChange | None:
        return next((r for r in self.plan.changes if r.code == code), None)

    def progress(self, code: str) -> Progress:
        """The row's current progress: its last update, else not started."""
        for update in reversed(self.updates):
            if update.code == code:
                return update.progress
        return Progress()

    def history(self, code: str) -> tuple[RowUpdate, ...]:
        return tuple(u for u in self.updates if u.code == code)

    def agencies(self) -> tuple[str, ...]:
        """Every lead agency of the plan's rows, as `agency_name` shows it, in table order."""
        seen: dict[str, str] = {}
        for row in self.plan.changes:
            for agency in row.lead_agencies:
                seen.setdefault(agency_key(agency), agency_name(agency))
        return tuple(seen.values())

    def rows_of(self, agency: str) -> tuple[PlanChange, ...]:
        """The rows `agency` leads (two spellings of one agency are one agency)."""
        key = agency_key(agency)
        return tuple(r for r in self.plan.changes if key in {agency_key(a) for a in r.lead_agencies})

    def leads(self, code: str, agency: str) -> bool:
        row = self.row(code)
        return row is not None and agency_key(agency) in {agency_key(a) for a in row.lead_agencies}

    def with_review(self, point: ReviewPoint) -> TrackedPlan:
        """A copy keeping `point`; a second review on the same day replaces the first."""
        kept = tuple(r for r in self.reviews if r.as_of != point.as_of)
        return self.model_copy(update={"reviews": tuple(sorted((*kept, point), key=lambda r: r.as_of))})
