"""Applying progress reports to a tracked plan, all or nothing.

Reports come from the app's agency view, from an agency's returned workbook and from the CLI. Each batch is
checked whole before anything is kept: a row the plan does not have, a row led by another agency (when the batch
is an agency's), a level the item's rule does not have, or a "done" row whose reached level is below its
baseline, are all listed at once, and the plan stays as it was. A report that repeats a row's current state adds
nothing to the history, so reading the same workbook twice is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from planner.core.errors import Problem, TrackingError
from planner.methodology.model import Methodology
from planner.methodology.scoring import levels_of
from planner.tracking.model import Progress, RowUpdate, TrackedPlan, UpdateSource


def checked_updates(
    tracked: TrackedPlan,
    methodology: Methodology,
    reports: Iterable[tuple[str, Progress]],
    *,
    agency: str | None = None,
) -> list[Problem]:
    """Every problem with `reports` (code, progress) for `tracked`; `agency` restricts them to its own rows."""
    problems: list[Problem] = []
    for code, progress in reports:
        row = tracked.row(code)
        if row is None:
            problems.append(Problem("tracking.unknown_row", {"code": code}))
            continue
        if agency is not None and not tracked.leads(code, agency):
            problems.append(Problem("tracking.not_your_row", {"code": code, "agency": agency}))
            continue
        if progress.reached_level is not None:
            levels = tuple(o.id for o in levels_of(methodology, code))
            if progress.reached_level not in levels:
                problems.append(
                    Problem(
                        "tracking.unknown_level",
                        {"code": code, "level": progress.reached_level, "known": ", ".join(levels) or "-"},
                    )
                )
    return problems


def apply_updates(
    tracked: TrackedPlan,
    methodology: Methodology,
    reports: Iterable[tuple[str, Progress]],
    *,
    agency: str | None = None,
    source: UpdateSource = "app",
    by: str = "",
    at: datetime | None = None,
) -> tuple[TrackedPlan, tuple[RowUpdate, ...]]:
    """`tracked` with `reports` kept, and the updates that were new; raises TrackingError listing every problem,
    keeping nothing, when any report is refused."""
    reports = list(reports)
    problems = checked_updates(tracked, methodology, reports, agency=agency)
    if problems:
        raise TrackingError("tracking.updates_refused", problems=problems, n=len(problems))
    when = at or datetime.now(UTC)
    fresh: list[RowUpdate] = []
    for code, progress in reports:
        if progress.same_report(tracked.progress(code)):
            continue
        stamped = progress.model_copy(update={"updated_by": by or progress.updated_by, "updated_at": when})
        fresh.append(RowUpdate(code=code, progress=stamped, source=source, agency=agency or ""))
    if not fresh:
        return tracked, ()
    return tracked.model_copy(update={"updates": (*tracked.updates, *fresh)}), tuple(fresh)
