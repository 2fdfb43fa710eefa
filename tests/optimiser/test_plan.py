"""The plan model groups changes under each lead agency as a Sở Nội vụ director would read them."""

from __future__ import annotations

from planner.core.text import agency_key, agency_name
from planner.optimiser.plan import Plan, PlanChange


def change(code: str, leads: tuple[str, ...], gain: float, effort: float) -> PlanChange:
    return PlanChange(
        code=code,
        name_vi=f"Mục {code}",
        area_code=code.split(".")[0],
        criterion_code=".".join(code.split(".")[:2]),
        max_points=1.0,
        to_level="max",
        from_points=0.0,
        to_points=gain,
        effort=effort,
        lead_agencies=leads,
    )


def test_the_same_agency_written_two_ways_is_one_group() -> None:
    plan = Plan(
        methodology="qd2636-2018",
        baseline_total=78.47,
        planned_total=80.0,
        changes=(
            change("8.2", ("Sở Kế hoạch và Đầu tư.",), 0.5, 3),
            change("8.4", ("Sở Kế hoạch và Đầu tư",), 0.75, 2),
            change("3.2.3", ("Văn phòng UBND tỉnh theo dõi, đôn đốc",), 0.25, 1),
            change("1.5", ("Sở Nội vụ", "Sở Khoa học và Công nghệ"), 0.28, 4),
        ),
    )
    groups = dict(plan.by_lead_agency())
    assert [c.code for c in groups["Sở Kế hoạch và Đầu tư"]] == ["8.2", "8.4"]
    assert [c.code for c in groups["Văn phòng UBND tỉnh"]] == ["3.2.3"]
    assert "1.5" in [c.code for c in groups["Sở Nội vụ"]] and "1.5" in [
        c.code for c in groups["Sở Khoa học và Công nghệ"]
    ]
    assert plan.points_gain == 1.78
    assert plan.total_effort == 10


def test_agency_keys_keep_commas_inside_a_name() -> None:
    assert agency_name("- Sở Văn hóa, Thể thao và Du lịch;") == "Sở Văn hóa, Thể thao và Du lịch"
    assert agency_name("  Sở Thông tin\n và Truyền thông. ") == "Sở Thông tin và Truyền thông"
    assert agency_name("Văn phòng UBND tỉnh theo dõi, đôn đốc") == "Văn phòng UBND tỉnh"
    assert agency_key("Sở Thông tin và Truyền thông.") == agency_key("so thong tin va truyen thong")
