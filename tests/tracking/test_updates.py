"""Updates are checked whole: one bad report refuses the batch and the plan stays as it was; an agency reaches
only the rows it leads."""

from __future__ import annotations

import pytest

from planner.core.errors import TrackingError
from planner.tracking.model import Progress, TrackedPlan
from planner.tracking.updates import apply_updates
from tests.tracking_fixtures import methodology, tracked_plan


def test_an_agency_cannot_update_another_agencys_row_and_nothing_is_kept() -> None:
    tracked = tracked_plan()
    with pytest.raises(TrackingError) as caught:
        apply_updates(
            tracked,
            methodology(),
            [("6.3.1", Progress(status="done")), ("8.2", Progress(status="done"))],
            agency="Sở Tài chính",
        )
    assert caught.value.key == "tracking.updates_refused"
    assert [p.key for p in caught.value.problems] == ["tracking.not_your_row"]
    assert "8.2" in caught.value.messages("vi")[1] and "Sở Tài chính" in caught.value.messages("vi")[1]
    assert tracked.updates == ()


def test_two_spellings_of_one_agency_are_one_agency() -> None:
    tracked = tracked_plan()
    updated, fresh = apply_updates(
        tracked, methodology(), [("6.3.1", Progress(status="done"))], agency="sở tài chính."
    )
    assert len(fresh) == 1 and updated.progress("6.3.1").status == "done"


def test_every_problem_is_listed_at_once() -> None:
    tracked = tracked_plan()
    with pytest.raises(TrackingError) as caught:
        apply_updates(
            tracked,
            methodology(),
            [
                ("9.9.9", Progress(status="done")),
                ("1.5", Progress(status="done", reached_level="ge_99")),
                ("2.3", Progress(status="in_progress", percent=10)),
            ],
        )
    assert [p.key for p in caught.value.problems] == ["tracking.unknown_row", "tracking.unknown_level"]
    assert "ge_2" in caught.value.problems[1].message("vi")


def test_percent_is_a_share_and_a_tracked_plan_refuses_rows_it_does_not_have() -> None:
    with pytest.raises(ValueError):
        Progress(status="in_progress", percent=101)
    tracked = tracked_plan()
    with pytest.raises(ValueError):
        TrackedPlan.model_validate(
            {**tracked.model_dump(), "updates": [{"code": "9.9", "progress": {"status": "done"}}]}
        )


def test_a_tracked_plan_round_trips_as_json() -> None:
    tracked, _ = apply_updates(
        tracked_plan(), methodology(), [("8.2", Progress(status="in_progress", percent=30))]
    )
    again = TrackedPlan.model_validate_json(tracked.model_dump_json())
    assert again == tracked
    assert again.progress("8.2").percent == 30
