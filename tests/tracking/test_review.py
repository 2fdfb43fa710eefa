"""The quarterly review on a worked year: the Lào Cai 2019 plan (tests/tracking_fixtures.py) reviewed four times,
each review's statuses set by the test and its numbers worked out by hand below."""

from __future__ import annotations

from datetime import date

import pytest

from planner.tracking.model import Progress
from planner.tracking.review import review_plan
from planner.tracking.updates import apply_updates
from tests.tracking_fixtures import competition, lao_cai_plan, methodology, tracked_plan


def _at(tracked, reports):  # type: ignore[no-untyped-def]
    updated, _ = apply_updates(tracked, methodology(), list(reports.items()), by="Sở Nội vụ")
    return updated


def _review(tracked, day):  # type: ignore[no-untyped-def]
    return review_plan(tracked, methodology(), day, competition=competition())


def test_the_worked_plan_is_the_one_the_fixture_describes() -> None:
    plan = lao_cai_plan()
    assert [(c.code, c.from_points, c.to_points, c.effort) for c in plan.changes] == [
        ("1.5", 1.3, 2.0, 15.0),
        ("2.3", 0.75, 1.5, 15.0),
        ("6.2.3", 0.0, 0.5, 10.0),
        ("6.3.1", 0.0, 1.0, 10.0),
        ("6.3.2", 0.0, 0.5, 10.0),
        ("8.2", 0.0, 1.0, 10.0),
        ("8.4", 0.75, 1.5, 8.0),
    ]
    assert (plan.baseline_total, plan.planned_total) == (78.47, 83.67)


def test_none_done_is_the_baseline_and_all_done_is_the_planned_score() -> None:
    tracked = tracked_plan()
    start = _review(tracked, date(2019, 1, 15))
    assert start.expected_score == start.secured_score == 78.47
    assert (start.done, start.not_started, start.late) == (0, 7, ())
    finished = _review(
        _at(tracked, {c.code: Progress(status="done") for c in tracked.rows}), date(2019, 12, 31)
    )
    assert finished.expected_score == finished.secured_score == 83.67
    assert finished.next_status == "nothing_open" and finished.next == ()
    assert finished.p_target == pytest.approx(competition().p_rank_le(83.67, 5))


def test_four_quarterly_reviews_of_the_lao_cai_year() -> None:
    tracked = tracked_plan()
    # Q1, 31/03: 6.2.3 done (+0,5); 1.5 in progress at 50 % of its 0,7 (+0,35). 78,47 + 0,85 = 79,32.
    q1 = _at(tracked, {"6.2.3": Progress(status="done"), "1.5": Progress(status="in_progress", percent=50)})
    r1 = _review(q1, date(2019, 3, 31))
    assert r1.expected_score == 79.32
    assert r1.secured_score == 78.97
    assert (r1.done, r1.in_progress, r1.not_started) == (1, 1, 5)
    assert r1.late == () and r1.at_risk == ()  # 6.2.3 was due 31/03 and is done
    # every open row is needed: 83,35 − 78,97 = 4,38 and the open rows offer 4,7, the smallest 0,5 > 0,32
    assert r1.next_status == "optimal"
    assert [s.code for s in r1.next] == ["1.5", "2.3", "6.3.1", "6.3.2", "8.2", "8.4"]
    assert [s.effort for s in r1.next] == [7.5, 15.0, 10.0, 10.0, 10.0, 8.0]  # 1.5 has half its effort left
    q1 = q1.with_review(r1.point())

    # Q2, 30/06: 1.5 at 80 % (+0,56), 2.3 at 40 % (+0,30), 8.2 at 20 % (+0,20) and late (due 31/05).
    q2 = _at(
        q1,
        {
            "1.5": Progress(status="in_progress", percent=80),
            "2.3": Progress(status="in_progress", percent=40),
            "8.2": Progress(status="in_progress", percent=20, evidence="Dự thảo báo cáo"),
        },
    )
    r2 = _review(q2, date(2019, 6, 30))
    assert r2.expected_score == 80.03  # 78,47 + 0,5 + 0,56 + 0,30 + 0,20
    assert r2.late == ("8.2",)
    assert r2.at_risk == ("1.5",)  # due today
    tai_chinh = next(a for a in r2.by_agency if a.agency == "Sở Tài chính")
    assert (tai_chinh.rows, tai_chinh.done, tai_chinh.late, tai_chinh.points_at_stake) == (3, 1, 0, 1.5)
    khdt = next(a for a in r2.by_agency if a.agency == "Sở Kế hoạch và Đầu tư")
    assert (khdt.rows, khdt.late, khdt.points_at_stake) == (2, 1, 1.55)  # 0,8 + 0,75 not yet expected
    q2 = q2.with_review(r2.point())

    # Q3, 30/09: 1.5 done at its planned level (+0,7); 2.3 not achieved (back to its 0,75: +0); 8.2 at 60 %
    # (+0,6, still late); 8.4 at 50 % of 0,75 = 0,375, rounded half up to 0,38, due today.
    q3 = _at(
        q2,
        {
            "1.5": Progress(status="done", reached_level="ge_3"),
            "2.3": Progress(status="failed"),
            "8.2": Progress(status="in_progress", percent=60),
            "8.4": Progress(status="in_progress", percent=50),
        },
    )
    r3 = _review(q3, date(2019, 9, 30))
    assert r3.expected_score == 80.65  # 78,47 + 0,5 + 0,7 + 0,6 + 0,38
    assert r3.secured_score == 79.67
    assert r3.late == ("8.2",) and r3.at_risk == ("8.4",)
    assert (r3.done, r3.failed, r3.in_progress, r3.not_started) == (2, 1, 2, 2)
    q3 = q3.with_review(r3.point())

    # Q4, 15/12: 8.2 done, 8.4 done beyond plan? no: at "vuot", its planned level; 6.3.2 half done (+0,25,
    # due 31/12: at risk); 6.3.1 not started (due 31/01/2020).
    q4 = _at(
        q3,
        {
            "8.2": Progress(status="done"),
            "8.4": Progress(status="done", reached_level="vuot"),
            "6.3.2": Progress(status="in_progress", percent=50),
        },
    )
    r4 = _review(q4, date(2019, 12, 15))
    assert r4.expected_score == 81.67  # 78,47 + 0,5 + 0,7 + 1 + 0,75 + 0,25
    assert r4.secured_score == 81.42
    assert r4.late == () and r4.at_risk == ("6.3.2",)
    # 2.3 fell through: even both open rows (81,42 + 0,5 + 1 = 82,92) miss the 83,35 rank 5 needs
    assert r4.score_needed == 83.35 and r4.gap == 1.68
    assert r4.next_status == "infeasible"
    assert [(s.code, s.effort) for s in r4.next] == [("6.3.1", 10.0), ("6.3.2", 5.0)]
    # the forecast through the year: one point per review, in date order
    assert [(p.as_of, p.expected_score) for p in r4.forecast] == [
        ("2019-03-31", 79.32),
        ("2019-06-30", 80.03),
        ("2019-09-30", 80.65),
        ("2019-12-15", 81.67),
    ]
    assert [p.late for p in r4.forecast] == [0, 1, 1, 0]
    # the chance follows the expected score
    chances = [p.p_target for p in r4.forecast]
    assert all(c is not None for c in chances)
    assert chances == sorted(chances)  # type: ignore[type-var]
    assert r4.p_target == pytest.approx(competition().p_rank_le(81.67, 5))


def test_the_history_of_a_row_keeps_every_report_and_who_made_it() -> None:
    tracked = tracked_plan()
    one, fresh = apply_updates(
        tracked,
        methodology(),
        [("8.2", Progress(status="in_progress", percent=20))],
        agency="Sở Kế hoạch và Đầu tư",
        source="workbook",
        by="Nguyễn Văn A",
    )
    two, _ = apply_updates(one, methodology(), [("8.2", Progress(status="done"))], by="Trần Thị B")
    history = two.history("8.2")
    assert [(u.progress.status, u.progress.updated_by, u.source, u.agency) for u in history] == [
        ("in_progress", "Nguyễn Văn A", "workbook", "Sở Kế hoạch và Đầu tư"),
        ("done", "Trần Thị B", "app", ""),
    ]
    assert all(u.progress.updated_at is not None for u in history)
    # the same report again adds nothing
    three, none = apply_updates(two, methodology(), [("8.2", Progress(status="done"))])
    assert none == () and three == two
    assert len(fresh) == 1


def test_a_review_on_a_plan_with_no_rank_target_aims_at_the_planned_score() -> None:
    tracked = tracked_plan()
    q = _at(tracked, {"6.2.3": Progress(status="done")})
    review = review_plan(q, methodology(), date(2019, 4, 1))
    assert review.p_target is None and review.score_needed is None
    # without a field, the next steps reach the plan's own score: every open row
    assert review.next_status == "optimal"
    assert len(review.next) == 6
