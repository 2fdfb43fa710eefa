"""The Lào Cai 2019 plan the tracking tests live through: the example scenario optimised for rank 5 (seven tasks
across five lead agencies), with the deadlines a Sở Nội vụ would write into the plan workbook. Not a test module.

The seven rows (from → to points, effort in person-days, the labelled defaults):
    1.5    Sở Nội vụ; Sở KH&CN   1,3  → 2,0  (+0,7)   15   "Quý II"              → 30/06/2019
    2.3    Sở Tư pháp            0,75 → 1,5  (+0,75)  15   "Trước ngày 30/9"     → 30/09/2019
    6.2.3  Sở Tài chính          0    → 0,5  (+0,5)   10   "Quý I"               → 31/03/2019
    6.3.1  Sở Tài chính          0    → 1,0  (+1)     10   "Trước ngày 31/01 năm sau" → 31/01/2020
    6.3.2  Sở Tài chính          0    → 0,5  (+0,5)   10   "Trong năm 2019"      → 31/12/2019
    8.2    Sở KH&ĐT              0    → 1,0  (+1)     10   "Tháng 5/2019"        → 31/05/2019
    8.4    Sở KH&ĐT              0,75 → 1,5  (+0,75)   8   "Quý III"             → 30/09/2019
Baseline 78,47, planned 83,67; rank 5 needs 83,35 (the drift projection's central field).
"""

from __future__ import annotations

from functools import cache

from planner.core.data import data_dir
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.optimiser.competition import Competition, competition_for, default_own_sd
from planner.optimiser.levers import build_levers
from planner.optimiser.plan import Plan
from planner.optimiser.plan_builder import plan_from_result
from planner.optimiser.solver import optimise_for_rank
from planner.tracking.model import TrackedPlan

DEADLINES = {
    "1.5": "Quý II",
    "2.3": "Trước ngày 30/9",
    "6.2.3": "Quý I",
    "6.3.1": "Trước ngày 31/01 năm sau",
    "6.3.2": "Trong năm 2019",
    "8.2": "Tháng 5/2019",
    "8.4": "Quý III",
}


@cache
def lao_cai_baseline() -> Scenario:
    return read_scenario_file(data_dir() / "examples" / "lao-cai-2019.json")


@cache
def methodology() -> Methodology:
    return load_bundled_methodology(lao_cai_baseline().methodology)


@cache
def competition() -> Competition:
    return competition_for(2019, "Lào Cai", own_sd=default_own_sd(methodology()))


@cache
def lao_cai_plan(rank: int = 5) -> Plan:
    """The optimised plan for `rank`, deadlines as the Sở Nội vụ wrote them."""
    levers = build_levers(methodology(), lao_cai_baseline())
    plan = plan_from_result(levers, optimise_for_rank(levers, competition(), rank), competition=competition())
    rows = tuple(c.model_copy(update={"deadline": DEADLINES.get(c.code, c.deadline)}) for c in plan.changes)
    return plan.model_copy(update={"changes": rows})


def tracked_plan(rank: int = 5) -> TrackedPlan:
    return TrackedPlan(plan=lao_cai_plan(rank), baseline=lao_cai_baseline())
