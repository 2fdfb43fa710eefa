"""Tracked plans in the store: shared by every session of the server, so the Sở Nội vụ and each agency see one plan.

The plan itself is written once. Progress reports are appended (one row each, numbered per plan, never updated or
deleted), so a row's history is the store's own record; the plan as of now is the plan with every report in
order. Reviews are kept one per date (a second review the same day replaces the first).

How an agency is identified on a shared server: by a link carrying an unguessable token (`secrets.token_urlsafe`,
256 bits), one per agency and plan, issued by the Sở Nội vụ and sent to that agency. The store keeps only the
token's SHA-256, so the database cannot be read for links; issuing new links revokes the old ones. A token opens
exactly one agency's rows of one plan: the app's agency view shows those rows (and, when the plan keeps notes
private, no other agency's notes) and applies updates with that agency fixed, so an agency can never change a row
it does not lead. A province with an identity provider can put Streamlit's OIDC login in front instead; the
token then still scopes the agency.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from planner.core.errors import StoreError
from planner.methodology.model import Methodology
from planner.store.labels import clean_name, clean_owner
from planner.store.models import AgencyLinkRow, TrackedPlanRow, TrackedReviewRow, TrackedUpdateRow, utc_now
from planner.store.repository import ScenarioStore
from planner.tracking.model import Progress, ReviewPoint, RowUpdate, TrackedPlan, UpdateSource
from planner.tracking.updates import apply_updates

TOKEN_BYTES = 32


@dataclass(frozen=True)
class TrackedPlanInfo:
    """What the list of tracked plans shows."""

    id: str
    name: str
    province: str | None
    year: int | None
    created_at: datetime
    created_by: str
    updates: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TrackedPlans:
    """The tracked plans of one store (a ScenarioStore's database)."""

    def __init__(self, store: ScenarioStore) -> None:
        self._store = store

    def create(self, tracked: TrackedPlan, owner: str, *, name: str = "") -> str:
        """Keep `tracked` (its updates and reviews too) and return its id."""
        plan_id = str(uuid.uuid4())
        plan = tracked.plan
        label = clean_name(name or plan.scenario_name or f"{plan.province or ''} {plan.year or ''}".strip())
        now = utc_now()

        def work(session: Session) -> str:
            session.add(
                TrackedPlanRow(
                    id=plan_id,
                    name=label or plan_id[:8],
                    province=plan.province,
                    year=plan.year,
                    content=_plan_content(tracked),
                    created_at=now,
                    created_by=clean_owner(owner),
                )
            )
            session.flush()
            for seq, row_update in enumerate(tracked.updates, start=1):
                session.add(_update_row(plan_id, seq, row_update, now))
            for point in tracked.reviews:
                session.add(_review_row(plan_id, point, now))
            return plan_id

        return self._store.write(work)

    def summaries(self) -> list[TrackedPlanInfo]:
        counts = (
            select(TrackedUpdateRow.plan_id, func.count().label("n"))
            .group_by(TrackedUpdateRow.plan_id)
            .subquery()
        )
        query = (
            select(TrackedPlanRow, counts.c.n)
            .outerjoin(counts, counts.c.plan_id == TrackedPlanRow.id)
            .order_by(TrackedPlanRow.created_at.desc())
        )
        with self._store.reading() as session:
            return [
                TrackedPlanInfo(r.id, r.name, r.province, r.year, r.created_at, r.created_by, int(n or 0))
                for r, n in session.execute(query)
            ]

    def get(self, plan_id: str) -> TrackedPlan:
        """The plan with every report and review kept for it, in order."""
        with self._store.reading() as session, session.begin():
            return _load(session, plan_id)

    def report(
        self,
        plan_id: str,
        methodology: Methodology,
        reports: list[tuple[str, Progress]],
        *,
        agency: str | None = None,
        source: UpdateSource = "app",
        by: str = "",
    ) -> tuple[TrackedPlan, tuple[RowUpdate, ...]]:
        """Check `reports` against the plan as stored now (planner.tracking.updates) and append the new ones in one
        transaction: all are kept or none."""
        now = utc_now()

        def work(session: Session) -> tuple[TrackedPlan, tuple[RowUpdate, ...]]:
            current = _load(session, plan_id)
            updated, fresh = apply_updates(
                current, methodology, reports, agency=agency, source=source, by=by, at=now
            )
            last = session.scalar(
                select(func.max(TrackedUpdateRow.seq)).where(TrackedUpdateRow.plan_id == plan_id)
            )
            for seq, row_update in enumerate(fresh, start=(last or 0) + 1):
                session.add(_update_row(plan_id, seq, row_update, now))
            session.flush()  # two reports racing for a number: the loser is retried against the new state
            return updated, fresh

        return self._store.write(work)

    def keep_review(self, plan_id: str, point: ReviewPoint) -> None:
        now = utc_now()

        def work(session: Session) -> None:
            existing = session.get(TrackedReviewRow, (plan_id, point.as_of))
            if existing is not None:
                existing.content = point.model_dump_json()
                existing.saved_at = now
            else:
                session.add(_review_row(plan_id, point, now))

        self._store.write(work)

    # Agency links -----------------------------------------------------------------------------------------

    def issue_links(self, plan_id: str) -> dict[str, str]:
        """A new token for every lead agency of the plan (the old ones revoked): agency -> token. The tokens are
        returned once and never stored."""
        tracked = self.get(plan_id)
        tokens = {agency: secrets.token_urlsafe(TOKEN_BYTES) for agency in tracked.agencies()}
        now = utc_now()

        def work(session: Session) -> dict[str, str]:
            session.execute(
                update(AgencyLinkRow).where(AgencyLinkRow.plan_id == plan_id).values(revoked=True)
            )
            for agency, token in tokens.items():
                session.add(
                    AgencyLinkRow(
                        token_hash=token_hash(token),
                        plan_id=plan_id,
                        agency=agency,
                        created_at=now,
                        revoked=False,
                    )
                )
            return tokens

        return self._store.write(work)

    def agency_of(self, token: str) -> tuple[str, str]:
        """(plan id, agency) a link's token opens; a token unknown or revoked is refused."""
        with self._store.reading() as session:
            row = session.get(AgencyLinkRow, token_hash(token.strip()))
            if row is None or row.revoked:
                raise StoreError("tracking.bad_token")
            return row.plan_id, row.agency


def _load(session: Session, plan_id: str) -> TrackedPlan:
    row = session.get(TrackedPlanRow, plan_id)
    if row is None:
        raise StoreError("tracking.not_found", id=plan_id[:40])
    updates = session.scalars(
        select(TrackedUpdateRow).where(TrackedUpdateRow.plan_id == plan_id).order_by(TrackedUpdateRow.seq)
    ).all()
    reviews = session.scalars(
        select(TrackedReviewRow).where(TrackedReviewRow.plan_id == plan_id).order_by(TrackedReviewRow.as_of)
    ).all()
    base = TrackedPlan.model_validate_json(row.content)
    return base.model_copy(
        update={
            "updates": tuple(RowUpdate.model_validate_json(u.content) for u in updates),
            "reviews": tuple(ReviewPoint.model_validate_json(r.content) for r in reviews),
        }
    )


def _plan_content(tracked: TrackedPlan) -> str:
    return tracked.model_copy(update={"updates": (), "reviews": ()}).model_dump_json()


def _update_row(plan_id: str, seq: int, row_update: RowUpdate, now: datetime) -> TrackedUpdateRow:
    return TrackedUpdateRow(
        plan_id=plan_id,
        seq=seq,
        code=row_update.code,
        agency=row_update.agency,
        content=row_update.model_dump_json(),
        saved_at=now,
    )


def _review_row(plan_id: str, point: ReviewPoint, now: datetime) -> TrackedReviewRow:
    return TrackedReviewRow(plan_id=plan_id, as_of=point.as_of, content=point.model_dump_json(), saved_at=now)
