"""The Theo dõi page's pieces: which tracked plan is open and for whom, its rows as an editable table, the
reports read from that table, and the review's tables.

Two ways in. The Sở Nội vụ opens the page as it is and sees every row of every agency. An agency opens the link
the Sở Nội vụ sent (…/tracking?t=TOKEN): the token names one agency of one plan (planner.store.tracked), the page
then shows that agency's rows only and every save goes through the store with the agency fixed, so a row it does
not lead can never be changed from that link, and no other agency's notes are on its screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from planner import charts
from planner.core.errors import PlannerError, StoreError, TrackingError
from planner.core.text import fold
from planner.methodology.model import Methodology
from planner.methodology.scoring import levels_of
from planner.store.tracked import TrackedPlans
from planner.tracking.model import STATUSES, Progress, Status, TrackedPlan, status_key
from planner.tracking.review import Review, review_plan
from ui import cache, chartview, persist, position
from ui.text import lang, num, points, prob, t

PLAN_KEY = "_tracking_plan_id"
TOKEN_PARAM = "t"
ERRORS_KEY = "_tracking_errors"
NOTICE_KEY = "_tracking_notice"
LINKS_KEY = "_tracking_links"


@dataclass(frozen=True)
class Access:
    """Who is looking: the Sở Nội vụ (agency None) or one agency through its link."""

    plan_id: str | None
    agency: str | None


def plans() -> TrackedPlans | None:
    store = persist.store()
    return TrackedPlans(store) if store is not None else None


def access(repository: TrackedPlans) -> Access:
    """The agency a link's token opens, else the Sở Nội vụ with the plan it picked (StoreError for a bad link)."""
    token = st.query_params.get(TOKEN_PARAM)
    if token:
        plan_id, agency = repository.agency_of(str(token))
        return Access(plan_id, agency)
    chosen = st.session_state.get(PLAN_KEY)
    return Access(chosen if isinstance(chosen, str) else None, None)


def link(token: str) -> str:
    """The agency's link: this page's address with its token (the page is /tracking wherever it is served)."""
    page = (st.context.url or "").split("?", 1)[0]
    base = page.rsplit("/", 1)[0] if page.rstrip("/").endswith("tracking") else page.rstrip("/")
    return f"{base}/tracking?{TOKEN_PARAM}={token}"


def open_plan(plan_id: str) -> None:
    st.session_state[PLAN_KEY] = plan_id
    st.session_state.pop(LINKS_KEY, None)


def status_label(status: Status) -> str:
    return t(status_key(status))


def _status_of(label: object) -> Status:
    for status in STATUSES:
        if label in (status, status_label(status)):
            return status
    return "not_started"


def _level_labels(m: Methodology, code: str) -> list[tuple[str, str]]:
    return [(o.id, o.label(lang())) for o in levels_of(m, code)]


def rows_frame(tracked: TrackedPlan, m: Methodology, agency: str | None) -> pd.DataFrame:
    """The rows `agency` leads (every row for the Sở Nội vụ) with their current progress."""
    rows = tracked.rows_of(agency) if agency else tracked.rows
    records = []
    for row in rows:
        progress = tracked.progress(row.code)
        labels = dict(_level_labels(m, row.code))
        records.append(
            {
                "code": row.code,
                "name": row.name(lang()),
                "target": f"{labels.get(row.to_level, row.to_level)} ({points(row.to_points)})",
                "deadline": row.deadline,
                "lead": "; ".join(row.lead_agencies),
                "status": status_label(progress.status),
                "percent": progress.effective_percent,
                "reached": labels.get(progress.reached_level or "", ""),
                "evidence": progress.evidence,
                "updated_by": progress.updated_by,
                "updated_at": progress.updated_at.strftime("%d/%m/%Y %H:%M") if progress.updated_at else "",
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=[
            "code",
            "name",
            "target",
            "deadline",
            "lead",
            "status",
            "percent",
            "reached",
            "evidence",
            "updated_by",
            "updated_at",
        ],
    )


def level_options(tracked: TrackedPlan, m: Methodology, agency: str | None) -> list[str]:
    rows = tracked.rows_of(agency) if agency else tracked.rows
    seen: dict[str, None] = {"": None}
    for row in rows:
        for _, label in _level_labels(m, row.code):
            seen.setdefault(label, None)
    return list(seen)


def edited_reports(frame: pd.DataFrame, m: Methodology, edits: dict[str, Any]) -> list[tuple[str, Progress]]:
    """The rows the table's edits changed, as reports; a level label that is not the row's own is refused here
    with the row named (TrackingError), before anything is kept."""
    reports: list[tuple[str, Progress]] = []
    problems: list[str] = []
    for index, changes in sorted((edits.get("edited_rows") or {}).items()):
        row = {**frame.iloc[int(index)].to_dict(), **changes}
        code = str(row["code"])
        reached_text = str(row.get("reached") or "").strip()
        reached: str | None = None
        if reached_text:
            match = [level for level, label in _level_labels(m, code) if fold(label) == fold(reached_text)]
            if not match:
                problems.append(code)
                continue
            reached = match[0]
        try:
            percent = int(float(row.get("percent") or 0))
        except (TypeError, ValueError):
            percent = -1
        if not 0 <= percent <= 100:
            raise TrackingError("app.tracking.bad_percent", code=code)
        reports.append(
            (
                code,
                Progress(
                    status=_status_of(row.get("status")),
                    percent=percent,
                    reached_level=reached,
                    evidence=str(row.get("evidence") or "")[:2000],
                    updated_by=str(row.get("updated_by") or "")[:100],
                ),
            )
        )
    if problems:
        raise TrackingError("app.tracking.level_not_of_row", codes=", ".join(problems))
    return reports


def save_reports(
    repository: TrackedPlans,
    plan_id: str,
    m: Methodology,
    frame: pd.DataFrame,
    editor_key: str,
    agency: str | None,
) -> None:
    """The save button's callback: the table's edits kept through the store, all or nothing."""
    st.session_state.pop(ERRORS_KEY, None)
    edits = st.session_state.get(editor_key) or {}
    try:
        reports = edited_reports(frame, m, edits)
        _, fresh = repository.report(plan_id, m, reports, agency=agency, source="app")
    except PlannerError as exc:
        st.session_state[ERRORS_KEY] = exc.messages(lang())
        return
    st.session_state[NOTICE_KEY] = t("app.tracking.saved", n=len(fresh))
    st.session_state.pop(editor_key, None)


def agency_frame(review: Review) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("word.review.col.agency"): a.agency or "–",
                t("word.review.col.rows"): a.rows,
                t("word.review.col.done"): a.done,
                t("word.review.col.in_progress"): a.in_progress,
                t("word.review.col.not_started"): a.not_started,
                t("word.review.col.late"): a.late,
                t("word.review.col.at_stake"): points(a.points_at_stake),
            }
            for a in review.by_agency
        ]
    )


def late_frame(review: Review) -> pd.DataFrame:
    rows = [r for r in review.rows if r.late or r.at_risk]
    return pd.DataFrame(
        [
            {
                t("word.col.stt"): r.code,
                t("app.tracking.col.name"): r.name(lang()),
                t("app.tracking.col.lead"): "; ".join(r.lead_agencies),
                t("app.tracking.col.due"): r.due.strftime("%d/%m/%Y"),
                t("app.tracking.col.state"): t("app.tracking.late_days", n=-r.days_left)
                if r.late
                else t("app.tracking.risk_days", n=r.days_left),
                t("app.tracking.col.status"): status_label(r.status),
            }
            for r in rows
        ]
    )


def next_frame(review: Review) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("word.col.stt"): s.code,
                t("app.tracking.col.name"): s.name(lang()),
                t("word.review.col.to_level"): (s.to_label_vi if lang() == "vi" else s.to_label_en)
                or s.to_level,
                t("word.review.col.points"): points(s.points_gain),
                t("word.review.col.effort"): num(s.effort, 1, trim=True),
                t("app.tracking.col.lead"): "; ".join(s.lead_agencies),
            }
            for s in review.next
        ]
    )


def review_of(tracked: TrackedPlan, m: Methodology, day: date, target_rank: int | None) -> Review:
    """The review as of `day` against the session's field (its size, rival changes and loaded tables)."""
    competition = None
    plan = tracked.plan
    if plan.year is not None and plan.province is not None:
        try:
            competition = position.competition_for_plan(m, plan.year, plan.province)
        except PlannerError:
            competition = None
    return review_plan(tracked, m, day, competition=competition, target_rank=target_rank)


def session_review() -> tuple[str, Review] | None:
    """The review of the plan this session has open on the Theo dõi page, as of the date and rank chosen there
    (the workshop page shows it large); None when no plan is open or the store is away."""
    plan_id = st.session_state.get(PLAN_KEY)
    repository = plans() if isinstance(plan_id, str) else None
    if repository is None or not isinstance(plan_id, str):
        return None
    try:
        tracked = repository.get(plan_id)
        m = cache.methodology(tracked.plan.methodology)
        chosen = st.session_state.get("tracking.as_of")
        day = chosen if isinstance(chosen, date) else as_of_default(tracked)
        rank = st.session_state.get("tracking.rank")
        return plan_id, review_of(tracked, m, day, int(rank) if rank else tracked.plan.target_rank)
    except PlannerError:
        return None


def show_review(review: Review, plan_id: str, *, large: bool) -> None:
    """The review's figures, forecast chart, late list, agencies and next steps: on the Theo dõi page and, large,
    on the workshop page."""
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        t("app.tracking.expected"),
        points(review.expected_score),
        f"+{points(review.expected_score - review.baseline_score)}",
    )
    c2.metric(t("app.tracking.secured"), points(review.secured_score))
    if review.p_target is not None and review.target_rank is not None:
        c3.metric(t("app.tracking.p_target", k=review.target_rank), prob(review.p_target))
    if review.gap is not None:
        c4.metric(t("app.tracking.gap"), points(review.gap))
    st.caption(t("app.tracking.counts", **review.counts()))
    st.caption(t("tracking.rule.in_progress"))
    chartview.show(
        ("review", plan_id, tuple(review.forecast), review.score_needed, lang(), large),
        partial(
            charts.review_forecast,
            review.forecast,
            lang(),
            baseline=review.baseline_score,
            planned=review.planned_score,
            needed=review.score_needed,
            large=large,
        ),
    )
    st.markdown(t("app.tracking.late_title"))
    late = late_frame(review)
    if late.empty:
        st.caption(t("word.review.none_late"))
    else:
        st.dataframe(late, hide_index=True, width="stretch")
    st.markdown(t("app.tracking.by_agency"))
    st.dataframe(agency_frame(review), hide_index=True, width="stretch")
    st.markdown(t("app.tracking.next_title"))
    st.caption(t(f"word.review.next.{review.next_status}", effort=num(review.next_effort, 1, trim=True)))
    if review.next:
        st.dataframe(next_frame(review), hide_index=True, width="stretch")


def as_of_default(tracked: TrackedPlan) -> date:
    """Today, unless the plan's year is over or to come: then the end of that year's nearest quarter."""
    today = date.today()
    year = tracked.plan.year
    if year is None or year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 3, 31)


def store_missing_message(exc: StoreError | None) -> str:
    return t("app.tracking.needs_store") + (f" ({exc.message(lang())})" if exc is not None else "")
