"""Tracked plans in the store, on SQLite and PostgreSQL: kept whole, reports appended with their history, agency
links that open one agency's rows and nothing else, reviews one per date, all shared by every connection."""

from __future__ import annotations

import pytest

from planner.core.errors import StoreError, TrackingError
from planner.store import ScenarioStore
from planner.store.tracked import TrackedPlans, token_hash
from planner.tracking.model import Progress, ReviewPoint
from tests.tracking_fixtures import methodology, tracked_plan


def test_a_tracked_plan_is_kept_and_read_back_by_another_connection(
    store: ScenarioStore, store_url: str
) -> None:
    plans = TrackedPlans(store)
    plan_id = plans.create(tracked_plan(), "Sở Nội vụ", name="Kế hoạch CCHC 2019")
    plans.report(plan_id, methodology(), [("6.2.3", Progress(status="done"))], by="Sở Nội vụ")
    with ScenarioStore.open(store_url) as other:
        again = TrackedPlans(other).get(plan_id)
        assert again.plan == tracked_plan().plan
        assert again.progress("6.2.3").status == "done"
        assert [i.name for i in TrackedPlans(other).summaries()] == ["Kế hoạch CCHC 2019"]
        assert TrackedPlans(other).summaries()[0].updates == 1


def test_reports_append_history_and_a_refused_batch_keeps_nothing(store: ScenarioStore) -> None:
    plans = TrackedPlans(store)
    plan_id = plans.create(tracked_plan(), "Sở Nội vụ")
    plans.report(
        plan_id,
        methodology(),
        [("8.2", Progress(status="in_progress", percent=30))],
        agency="Sở Kế hoạch và Đầu tư",
    )
    plans.report(
        plan_id, methodology(), [("8.2", Progress(status="done"))], agency="Sở Kế hoạch và Đầu tư", by="B"
    )
    with pytest.raises(TrackingError):
        plans.report(
            plan_id,
            methodology(),
            [("8.4", Progress(status="done")), ("6.3.1", Progress(status="done"))],
            agency="Sở Kế hoạch và Đầu tư",
        )
    stored = plans.get(plan_id)
    assert [(u.code, u.progress.status, u.progress.updated_by) for u in stored.updates] == [
        ("8.2", "in_progress", ""),
        ("8.2", "done", "B"),
    ]
    assert stored.progress("8.4").status == "not_started"


def test_agency_links_open_one_agencys_rows_and_are_revoked_when_reissued(store: ScenarioStore) -> None:
    plans = TrackedPlans(store)
    plan_id = plans.create(tracked_plan(), "Sở Nội vụ")
    links = plans.issue_links(plan_id)
    assert set(links) == set(tracked_plan().agencies())
    assert len(set(links.values())) == len(links) and all(len(token) >= 40 for token in links.values())
    assert plans.agency_of(links["Sở Tài chính"]) == (plan_id, "Sở Tài chính")
    # only the hash is stored
    with store.engine.connect() as connection:
        stored = {row[0] for row in connection.exec_driver_sql("SELECT token_hash FROM agency_link")}
    assert token_hash(links["Sở Tài chính"]) in stored and links["Sở Tài chính"] not in stored
    fresh = plans.issue_links(plan_id)
    with pytest.raises(StoreError) as revoked:
        plans.agency_of(links["Sở Tài chính"])
    assert revoked.value.key == "tracking.bad_token"
    assert plans.agency_of(fresh["Sở Tài chính"])[1] == "Sở Tài chính"
    with pytest.raises(StoreError):
        plans.agency_of("not-a-token")


def test_reviews_are_one_per_date(store: ScenarioStore) -> None:
    plans = TrackedPlans(store)
    plan_id = plans.create(tracked_plan(), "Sở Nội vụ")
    plans.keep_review(plan_id, ReviewPoint(as_of="2019-06-30", expected_score=80.0))
    plans.keep_review(plan_id, ReviewPoint(as_of="2019-03-31", expected_score=79.0))
    plans.keep_review(plan_id, ReviewPoint(as_of="2019-06-30", expected_score=80.5))
    assert [(p.as_of, p.expected_score) for p in plans.get(plan_id).reviews] == [
        ("2019-03-31", 79.0),
        ("2019-06-30", 80.5),
    ]


def test_an_unknown_plan_is_a_clear_error(store: ScenarioStore) -> None:
    with pytest.raises(StoreError) as caught:
        TrackedPlans(store).get("00000000-0000-0000-0000-000000000000")
    assert caught.value.key == "tracking.not_found"
