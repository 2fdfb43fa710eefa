"""After the results: the plan compared row by row with what was reported and what the ministry appraised, and
next year's plan begun from the appraisal with the rows that fell short."""

from __future__ import annotations

from planner.methodology.scenario import ItemSetting
from planner.tracking.model import Progress
from planner.tracking.results import compare_with_result, next_year_plan
from planner.tracking.updates import apply_updates
from tests.tracking_fixtures import lao_cai_baseline, methodology, tracked_plan


def _year_end():  # type: ignore[no-untyped-def]
    tracked, _ = apply_updates(
        tracked_plan(),
        methodology(),
        [
            ("6.2.3", Progress(status="done")),
            ("8.2", Progress(status="done")),
            ("1.5", Progress(status="failed")),
            ("8.4", Progress(status="in_progress", percent=90)),
        ],
    )
    return tracked


def test_planned_reported_and_appraised_side_by_side() -> None:
    tracked = _year_end()
    # the ministry accepted 6.2.3 but not 8.2 (its evidence came late)
    appraised = lao_cai_baseline().with_items(
        {"6.2.3": ItemSetting(level="yes"), "8.2": ItemSetting(level="no")}
    )
    comparison = compare_with_result(tracked, methodology(), appraised=appraised, published_total=79.0)
    rows = {r.code: r for r in comparison.rows}
    assert (rows["6.2.3"].planned_points, rows["6.2.3"].reached_points, rows["6.2.3"].appraised_points) == (
        0.5,
        0.5,
        0.5,
    )
    assert (rows["8.2"].reached_points, rows["8.2"].appraised_points, rows["8.2"].shortfall) == (
        1.0,
        0.0,
        1.0,
    )
    # a row still in progress at the year's end counts at the level it reached: its baseline
    assert rows["8.4"].status == "in_progress" and rows["8.4"].reached_points == 0.75
    assert rows["1.5"].reached_points == 1.3
    # reported: 78,47 + 0,5 + 1 = 79,97; appraised: 78,47 + 0,5 = 78,97
    assert comparison.reported_total == 79.97
    assert comparison.appraised_total == 78.97
    assert comparison.published_total == 79.0
    assert comparison.open_codes == ("1.5", "2.3", "6.3.1", "6.3.2", "8.2", "8.4")


def test_without_an_appraisal_only_the_reports_compare() -> None:
    comparison = compare_with_result(_year_end(), methodology())
    assert comparison.appraised_total is None
    assert all(r.appraised_points is None and r.shortfall is None for r in comparison.rows)
    assert comparison.open_codes == ("1.5", "2.3", "6.3.1", "6.3.2", "8.4")  # 8.2 reported done


def test_next_years_plan_starts_from_the_appraisal_and_carries_what_fell_short() -> None:
    tracked = _year_end()
    appraised = lao_cai_baseline().with_items(
        {"6.2.3": ItemSetting(level="yes"), "8.2": ItemSetting(level="no")}
    )
    comparison = compare_with_result(tracked, methodology(), appraised=appraised)
    plan, baseline = next_year_plan(tracked, methodology(), appraised, comparison)
    assert baseline.year == plan.year == 2020
    assert plan.baseline_total == 78.97
    assert [c.code for c in plan.changes] == list(comparison.open_codes)
    assert {c.code: c.to_level for c in plan.changes} == {
        r.code: r.to_level for r in tracked.rows if r.code != "6.2.3"
    }
    # the effort the plan gave each row is carried as the user's figure, not a default
    assert [c.effort for c in plan.changes] == [15.0, 15.0, 10.0, 10.0, 10.0, 8.0]
    assert not any(c.effort_is_default for c in plan.changes)
    assert plan.planned_total == 83.67
