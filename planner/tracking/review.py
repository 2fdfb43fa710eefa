"""The quarterly review (sơ kết) of a tracked plan as of a date: where the score stands, what is late, who is
behind, and what to do next.

Expected score. Points are added item by item (the scheme's total is the sum of its items), so the review works
in integer hundredths on the plan's rows:
- a done row counts at the level it reached (the planned level when none is given);
- a failed row (không đạt) counts at the level it reached, else at its baseline;
- a row not started counts at its baseline;
- a row in progress counts at the level it has reached so far plus its reported percent of the points still
  between that level and the planned one. This is **an assumption** (`IN_PROGRESS_RULE`), stated wherever the
  figure is shown: a task half done is taken as an even chance of its points, nothing more is known.
So a plan with every row done reaches the planned score, and one with none started equals the baseline.

Chance. P(rank ≤ target) is the field model's (planner.optimiser.competition) at the expected score.

What to do next. The optimiser is re-run on what is still open: the scenario moves every row to the level it has
reached (done rows locked there), every item outside the open rows is locked, each open row is capped at its
planned level and costs what remains of its effort (its effort × (100 − percent) %, intermediate levels in
proportion to their points). The exact solver then says which open rows the target still needs, at least effort.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Literal

from planner.core.i18n import Lang
from planner.core.model import FrozenModel
from planner.core.text import agency_key, agency_name
from planner.methodology.model import Methodology
from planner.methodology.rules import from_centi, to_centi
from planner.methodology.scenario import ItemSetting
from planner.methodology.scoring import level_of
from planner.optimiser.competition import Competition
from planner.optimiser.effort import EffortEntry, EffortTable, ItemConstraint
from planner.optimiser.levers import build_levers
from planner.optimiser.plan import PlanChange
from planner.optimiser.solver import optimise_for_rank, optimise_for_score
from planner.tracking.deadlines import DeadlineBasis, read_deadline
from planner.tracking.model import Progress, ReviewPoint, Status, TrackedPlan

#: The labelled rule for rows in progress (translations: tracking.rule.in_progress).
IN_PROGRESS_RULE = "reached_plus_percent_of_rest"
#: A row not done whose due date is this close (days) is at risk.
AT_RISK_DAYS = 30

NextStatus = Literal["optimal", "infeasible", "met", "no_target", "no_baseline", "nothing_open"]


class RowReview(FrozenModel):
    """One row as the review sees it."""

    code: str
    name_vi: str
    name_en: str = ""
    lead_agencies: tuple[str, ...] = ()
    partner_agencies: tuple[str, ...] = ()
    status: Status
    percent: int
    reached_level: str | None = None
    evidence: str = ""
    deadline: str = ""
    due: date
    due_basis: DeadlineBasis
    days_left: int
    late: bool
    at_risk: bool
    planned_gain: float
    expected_gain: float
    remaining_effort: float

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)


class AgencyReview(FrozenModel):
    """One lead agency's rows: counts, lateness, and the planned points not yet secured."""

    agency: str
    rows: int
    done: int
    in_progress: int
    not_started: int
    failed: int
    late: int
    at_risk: int
    points_at_stake: float


class NextStep(FrozenModel):
    """An open row the target still needs, at the level to reach and the effort left."""

    code: str
    name_vi: str
    name_en: str = ""
    lead_agencies: tuple[str, ...] = ()
    to_level: str
    to_label_vi: str = ""
    to_label_en: str = ""
    points_gain: float
    effort: float

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)


class Review(FrozenModel):
    """The sơ kết as of one day."""

    as_of: date
    province: str | None = None
    year: int | None = None
    methodology: str
    baseline_score: float
    planned_score: float
    #: Done and failed rows at their reached level, the rest at baseline: what is already in hand.
    secured_score: float
    expected_score: float
    in_progress_rule: str = IN_PROGRESS_RULE
    target_rank: int | None = None
    p_target: float | None = None
    score_needed: float | None = None
    gap: float | None = None
    rank_expected: int | None = None
    done: int
    in_progress: int
    not_started: int
    failed: int
    late: tuple[str, ...]
    at_risk: tuple[str, ...]
    assumed_due: tuple[str, ...]
    rows: tuple[RowReview, ...]
    by_agency: tuple[AgencyReview, ...]
    next: tuple[NextStep, ...]
    next_status: NextStatus
    next_effort: float = 0.0
    effort_unit: str = "person_days"
    #: Every review of the plan up to this one (the forecast through the year), oldest first.
    forecast: tuple[ReviewPoint, ...] = ()

    def counts(self) -> dict[str, int]:
        """The rows by status, with the late and at-risk counts: what the page's caption and the report's first
        paragraph both say."""
        return {
            "done": self.done,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "failed": self.failed,
            "late": len(self.late),
            "at_risk": len(self.at_risk),
        }

    def point(self) -> ReviewPoint:
        return ReviewPoint(
            as_of=self.as_of.isoformat(),
            expected_score=self.expected_score,
            p_target=self.p_target,
            done=self.done,
            late=len(self.late),
        )

    def to_json(self) -> dict[str, Any]:
        """The CLI's stable shape: the keys the issue names first, the detail after."""
        return {
            "as_of": self.as_of.isoformat(),
            "expected_score": self.expected_score,
            "p_target": self.p_target,
            "target_rank": self.target_rank,
            "score_needed": self.score_needed,
            "gap": self.gap,
            "baseline_score": self.baseline_score,
            "planned_score": self.planned_score,
            "secured_score": self.secured_score,
            "in_progress_rule": self.in_progress_rule,
            "done": self.done,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "failed": self.failed,
            "late": list(self.late),
            "at_risk": list(self.at_risk),
            "by_agency": [
                {
                    "agency": a.agency,
                    "rows": a.rows,
                    "done": a.done,
                    "late": a.late,
                    "points_at_stake": a.points_at_stake,
                    "in_progress": a.in_progress,
                    "not_started": a.not_started,
                    "failed": a.failed,
                    "at_risk": a.at_risk,
                }
                for a in self.by_agency
            ],
            "next": [{"code": s.code, "to_level": s.to_level, "effort": s.effort} for s in self.next],
            "next_status": self.next_status,
            "forecast": [p.model_dump(mode="json") for p in self.forecast],
        }


def _reached_centi(methodology: Methodology, row: PlanChange, progress: Progress) -> int:
    """The points of the level a row has reached: its reported level, else (done) the planned one, else baseline."""
    from_centi_ = to_centi(row.from_points)
    if progress.reached_level is not None:
        found = level_of(methodology, row.code, progress.reached_level)
        if found is not None:
            return found.centi
    return to_centi(row.to_points) if progress.status == "done" else from_centi_


def expected_centi(methodology: Methodology, row: PlanChange, progress: Progress) -> int:
    """The row's expected points (hundredths) under the stated rule (module docstring)."""
    reached = _reached_centi(methodology, row, progress)
    if progress.status != "in_progress":
        return reached
    planned = to_centi(row.to_points)
    rest = max(0, planned - reached)
    return reached + (rest * progress.effective_percent + 50) // 100


def remaining_effort(row: PlanChange, progress: Progress) -> float:
    return round(row.effort * (100 - progress.effective_percent) / 100, 6)


def review_plan(
    tracked: TrackedPlan,
    methodology: Methodology,
    as_of: date,
    *,
    competition: Competition | None = None,
    target_rank: int | None = None,
) -> Review:
    """The review of `tracked` as of `as_of`: expected score, chance, late rows, agencies, next steps."""
    plan = tracked.plan
    year = plan.year or as_of.year
    baseline_centi = to_centi(plan.baseline_total)
    secured = expected = baseline_centi
    rows: list[RowReview] = []
    for row in plan.changes:
        progress = tracked.progress(row.code)
        deadline = read_deadline(row.deadline, year)
        from_c = to_centi(row.from_points)
        reached = _reached_centi(methodology, row, progress)
        row_expected = expected_centi(methodology, row, progress)
        closed = progress.status in ("done", "failed")
        secured += (reached - from_c) if closed else 0
        expected += row_expected - from_c
        days_left = (deadline.due - as_of).days
        rows.append(
            RowReview(
                code=row.code,
                name_vi=row.name_vi,
                name_en=row.name_en,
                lead_agencies=row.lead_agencies,
                partner_agencies=row.partner_agencies,
                status=progress.status,
                percent=progress.effective_percent,
                reached_level=progress.reached_level,
                evidence=progress.evidence,
                deadline=row.deadline,
                due=deadline.due,
                due_basis=deadline.basis,
                days_left=days_left,
                late=not closed and days_left < 0,
                at_risk=not closed and 0 <= days_left <= AT_RISK_DAYS,
                planned_gain=row.points_gain,
                expected_gain=from_centi(row_expected - from_c),
                remaining_effort=0.0 if closed else remaining_effort(row, progress),
            )
        )
    rank = target_rank if target_rank is not None else plan.target_rank
    expected_score = from_centi(expected)
    p_target = score_needed = gap = None
    rank_expected = None
    if competition is not None:
        rank_expected = competition.rank(expected_score)
        if rank is not None:
            p_target = competition.p_rank_le(expected_score, rank)
            score_needed = competition.target_score(rank, max_score=from_centi(methodology.max_centi))
            if score_needed is not None:
                gap = round(max(0.0, score_needed - expected_score), 2)
    counts = {
        s: sum(1 for r in rows if r.status == s) for s in ("done", "in_progress", "not_started", "failed")
    }
    steps, next_status, next_effort = _next_steps(tracked, methodology, rows, competition, rank)
    review = Review(
        as_of=as_of,
        province=plan.province,
        year=plan.year,
        methodology=plan.methodology,
        baseline_score=plan.baseline_total,
        planned_score=plan.planned_total,
        secured_score=from_centi(secured),
        expected_score=expected_score,
        target_rank=rank,
        p_target=p_target,
        score_needed=score_needed,
        gap=gap,
        rank_expected=rank_expected,
        done=counts["done"],
        in_progress=counts["in_progress"],
        not_started=counts["not_started"],
        failed=counts["failed"],
        late=tuple(r.code for r in rows if r.late),
        at_risk=tuple(r.code for r in rows if r.at_risk),
        assumed_due=tuple(r.code for r in rows if r.due_basis == "assumed"),
        rows=tuple(rows),
        by_agency=_by_agency(rows),
        next=steps,
        next_status=next_status,
        next_effort=next_effort,
        effort_unit=plan.effort_unit,
    )
    earlier = tuple(p for p in tracked.reviews if p.as_of < as_of.isoformat())
    return review.model_copy(update={"forecast": (*earlier, review.point())})


def _by_agency(rows: list[RowReview]) -> tuple[AgencyReview, ...]:
    groups: dict[str, list[RowReview]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in rows:
        keys = dict.fromkeys(agency_key(a) for a in row.lead_agencies) or {"": None}
        for key in keys:
            groups[key].append(row)
            names.setdefault(
                key, next((agency_name(a) for a in row.lead_agencies if agency_key(a) == key), "")
            )
    out = []
    for key, members in groups.items():
        out.append(
            AgencyReview(
                agency=names[key],
                rows=len(members),
                done=sum(1 for r in members if r.status == "done"),
                in_progress=sum(1 for r in members if r.status == "in_progress"),
                not_started=sum(1 for r in members if r.status == "not_started"),
                failed=sum(1 for r in members if r.status == "failed"),
                late=sum(1 for r in members if r.late),
                at_risk=sum(1 for r in members if r.at_risk),
                points_at_stake=from_centi(
                    sum(
                        to_centi(r.planned_gain) - to_centi(r.expected_gain)
                        for r in members
                        if r.status in ("in_progress", "not_started")
                    )
                ),
            )
        )
    return tuple(out)


def _next_steps(
    tracked: TrackedPlan,
    methodology: Methodology,
    rows: list[RowReview],
    competition: Competition | None,
    rank: int | None,
) -> tuple[tuple[NextStep, ...], NextStatus, float]:
    """The open rows the target still needs (module docstring), by the exact solver."""
    open_rows = [r for r in rows if r.status in ("not_started", "in_progress")]
    if not open_rows:
        return (), "nothing_open", 0.0
    baseline = tracked.baseline
    if baseline is None or baseline.methodology != methodology.id:
        return (), "no_baseline", 0.0
    plan = tracked.plan
    reached = {
        r.code: r.reached_level or (plan_row.to_level if r.status == "done" else None)
        for r in rows
        if (plan_row := tracked.row(r.code)) is not None
    }
    current = baseline.with_items(
        {c: ItemSetting(level=lvl) for c, lvl in reached.items() if lvl is not None}
    )
    open_codes = {r.code for r in open_rows}
    entries: list[EffortEntry] = []
    constraints: list[ItemConstraint] = []
    for item in methodology.scored_items:
        if item.code not in open_codes:
            constraints.append(ItemConstraint(code=item.code, locked=True))
    probe = build_levers(
        methodology, current, EffortTable(unit=plan.effort_unit, constraints=tuple(constraints))
    )
    for review_row in open_rows:
        plan_row = tracked.row(review_row.code)
        assert plan_row is not None
        lever = probe.by_code.get(plan_row.code)
        planned_centi = to_centi(plan_row.to_points)
        constraints.append(
            ItemConstraint(code=plan_row.code, feasible_max_level=plan_row.to_level, survey_unlocked=True)
        )
        if lever is None:
            continue
        span = planned_centi - lever.current_centi
        for choice in lever.upgrades:
            if choice.centi > planned_centi or span <= 0:
                continue
            share = (choice.centi - lever.current_centi) / span
            entries.append(
                EffortEntry(
                    code=plan_row.code,
                    level=choice.level,
                    effort=round(review_row.remaining_effort * share, 6),
                )
            )
    table = EffortTable(unit=plan.effort_unit, entries=tuple(entries), constraints=tuple(constraints))
    levers = build_levers(methodology, current, table)
    if competition is not None and rank is not None:
        result = optimise_for_rank(levers, competition, rank)
    elif plan.target_score is not None or plan.planned_total:
        goal = plan.target_score if plan.target_score is not None else plan.planned_total
        result = optimise_for_score(levers, goal)
    else:  # pragma: no cover - a plan always has a planned total
        return (), "no_target", 0.0
    if result.status != "optimal":
        steps = tuple(
            _step(tracked, r.code, tracked.row(r.code).to_level, r.remaining_effort, levers)  # type: ignore[union-attr]
            for r in open_rows
        )
        return steps, "infeasible", round(sum(s.effort for s in steps), 6)
    steps = tuple(_step(tracked, c.code, c.to_level, c.effort, levers) for c in result.changes)
    return steps, ("met" if not steps else "optimal"), round(sum(s.effort for s in steps), 6)


def _step(tracked: TrackedPlan, code: str, level: str, effort: float, levers: Any) -> NextStep:
    row = tracked.row(code)
    assert row is not None
    lever = levers.by_code.get(code)
    choice = levers.choice(code, level) if lever is not None else None
    gain = choice.gain if choice is not None else row.points_gain
    return NextStep(
        code=code,
        name_vi=row.name_vi,
        name_en=row.name_en,
        lead_agencies=row.lead_agencies,
        to_level=level,
        to_label_vi=choice.label_vi if choice is not None else row.to_label_vi,
        to_label_en=choice.label_en if choice is not None else row.to_label_en,
        points_gain=gain,
        effort=effort,
    )
