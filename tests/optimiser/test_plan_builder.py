"""The plan builder: the optimiser's choice as the Lào Cai appendix columns, grouped by lead agency."""

from __future__ import annotations

import pytest
from optimiser_fixtures import qd2636

from planner.core.data import data_dir
from planner.core.errors import OptimiseError
from planner.files.scenario_file import read_scenario_file
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import score_scenario
from planner.optimiser.effort import EffortEntry, EffortTable, ItemConstraint
from planner.optimiser.levers import build_levers
from planner.optimiser.plan_builder import build_plan, plan_from_levels, plan_from_result
from planner.optimiser.solver import optimise_for_score


def lao_cai() -> Scenario:
    return read_scenario_file(data_dir() / "examples" / "lao-cai-2019.json")


def test_lao_cai_reaching_the_table_targets_plans_every_self_assessed_shortfall() -> None:
    m = qd2636()
    baseline = lao_cai()
    levers = build_levers(m, baseline)
    assert levers.baseline_score == 78.47
    target = read_scenario_file(data_dir() / "examples" / "lao-cai-2019-target.json")
    target_total = score_scenario(m, target).total  # 90.07: every self-assessed item at its target
    result = optimise_for_score(levers, target_total)
    plan = plan_from_result(levers, result)
    assert plan.planned_total == target_total
    assert plan.baseline_total == 78.47
    assert plan.points_gain == pytest.approx(64.5 - 52.90)
    assert plan.province == "Lào Cai" and plan.year == 2019
    assert plan.target_vi and plan.target_en
    assert {c.code for c in plan.changes} >= {"6.2.3", "6.3.1", "6.3.2", "8.2"}
    assert plan.total_effort == pytest.approx(result.effort)


def test_columns_fall_back_from_item_to_criterion_to_area() -> None:
    m = qd2636()
    baseline = lao_cai()
    levers = build_levers(m, baseline.with_items({"1.4.1": None}))  # 1.4.1 unset: 0 points
    plan = build_plan(levers, {"1.4.1": levers.by_code["1.4.1"].upgrades[-1].level})
    change = plan.changes[0]
    assert m.item("1.4.1").node.lead_agencies == ()
    assert change.lead_agencies == m.item("1.4.1").area.lead_agencies  # the area's lead
    assert change.evidence_document == m.item("1.4.1").criterion.evidence_document
    assert change.completion_target == "Hoàn thành 100% kế hoạch"  # its own cell wins
    assert change.uses_assumption == m.item("1.4.1").rule.is_assumption


def test_changes_are_grouped_by_lead_agency_with_trailing_stops_removed() -> None:
    m = qd2636()
    levers = build_levers(m, lao_cai())
    result = optimise_for_score(levers, 95.0)
    plan = plan_from_result(levers, result)
    groups = dict(plan.by_lead_agency())
    assert "Sở Kế hoạch và Đầu tư" in groups and "Sở Kế hoạch và Đầu tư." not in groups
    assert sum(len(changes) for changes in groups.values()) >= len(plan.changes)


def test_efforts_and_defaults_are_carried_into_the_plan() -> None:
    m = qd2636()
    table = EffortTable(unit="million_vnd", entries=(EffortEntry(code="8.2", level="yes", effort=250),))
    plan = plan_from_levels(m, lao_cai(), {"8.2": "yes", "6.2.3": "yes"}, table)
    by_code = {c.code: c for c in plan.changes}
    assert plan.effort_unit == "million_vnd"
    assert by_code["8.2"].effort == 250 and not by_code["8.2"].effort_is_default
    assert by_code["6.2.3"].effort_is_default
    assert plan.planned_total == pytest.approx(78.47 + 1.0 + 0.5)


def test_a_plan_cannot_lower_an_item_or_move_a_locked_one() -> None:
    m = qd2636()
    with pytest.raises(OptimiseError) as info:
        plan_from_levels(m, lao_cai(), {"1.1": "cham"})  # 1.1 is already at "dung_han"
    assert info.value.key == "plan.level_not_allowed"
    locked = EffortTable(constraints=(ItemConstraint(code="8.2", locked=True),))
    with pytest.raises(OptimiseError):
        plan_from_levels(m, lao_cai(), {"8.2": "yes"}, locked)
    with pytest.raises(OptimiseError):
        plan_from_levels(m, lao_cai(), {"99.9": "yes"})


def test_the_plan_goes_through_the_excel_export_and_back() -> None:
    from planner.files.excel.plan import read_plan_workbook, write_plan_workbook

    m = qd2636()
    levers = build_levers(m, lao_cai())
    plan = plan_from_result(levers, optimise_for_score(levers, 82.0))
    data = write_plan_workbook(plan, m, "vi")
    back = read_plan_workbook(data)
    assert [c.code for c in back.changes] == [c.code for c in plan.changes]
    assert back.planned_total == plan.planned_total
    assert back.total_effort == pytest.approx(plan.total_effort)
