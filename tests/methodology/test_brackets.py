"""Scoring brackets written in words become rules with the document as their source, and text that does not
read as one rule is reported, never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.methodology.brackets import clauses_of, read_brackets
from planner.methodology.rules import LevelsRule, ThresholdRule, YesNoRule, to_centi


def points_for(rule: object, value: float, max_points: str) -> int:
    assert isinstance(rule, ThresholdRule)
    return rule.centi_for_value(value, to_centi(Decimal(max_points)))


def test_a_plan_completion_bracket_is_a_threshold_rule_on_the_percentage() -> None:
    text = "Hoàn thành 100% kế hoạch: 1 điểm; từ 80% đến dưới 100%: 0,5 điểm; dưới 80%: 0 điểm"
    found = read_brackets(text, max_points=Decimal(1))
    assert found is not None and isinstance(found.rule, ThresholdRule)
    assert found.rule.basis == "source" and "Hoàn thành 100%" in found.rule.source
    assert [(s.bound, s.points) for s in found.rule.steps] == [(80.0, Decimal("0.5")), (100.0, Decimal(1))]
    assert [points_for(found.rule, v, "1") for v in (79.9, 80, 99.9, 100)] == [0, 50, 50, 100]


def test_on_time_or_late_is_a_levels_rule_and_yes_or_no_a_yes_no_rule() -> None:
    on_time = read_brackets("Đúng hạn: 0,5; chậm: 0", max_points=Decimal("0.5"))
    assert on_time is not None and isinstance(on_time.rule, LevelsRule)
    assert [(level.label_vi, level.points) for level in on_time.rule.levels] == [
        ("Chậm", Decimal(0)),
        ("Đúng hạn", Decimal("0.5")),
    ]
    yes_no = read_brackets("Có: 1; không: 0", max_points=Decimal(1))
    assert yes_no is not None and isinstance(yes_no.rule, YesNoRule)
    assert (yes_no.rule.yes_points, yes_no.rule.no_points) == (Decimal(1), Decimal(0))
    assert yes_no.rule.yes_label_vi == "Có" and yes_no.rule.no_label_vi == "Không"


def test_brackets_on_the_lines_under_a_name_wrapped_by_a_pdf_still_read() -> None:
    text = "- Hoàn thành 100% kế hoạch: 1 điểm\n- Từ 80% đến dưới\n100% kế hoạch: 0,5 điểm\n- Dưới 80% kế hoạch: 0 điểm"
    assert [c.points for c in clauses_of(text)] == [Decimal(1), Decimal("0.5"), Decimal(0)]
    found = read_brackets(text, max_points=Decimal(1))
    assert found is not None and isinstance(found.rule, ThresholdRule)


def test_counted_brackets_with_a_none_level_are_levels() -> None:
    found = read_brackets("Từ 03 sáng kiến trở lên: 2; 02 sáng kiến: 1; 01 sáng kiến: 0,5; không có: 0")
    assert found is not None and isinstance(found.rule, LevelsRule)
    assert [level.points for level in found.rule.levels] == [
        Decimal(0),
        Decimal("0.5"),
        Decimal(1),
        Decimal(2),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hoàn thành 100%: 1 điểm; dưới 100%: 0,5 điểm", "top_not_max"),  # tops out at 1 for an item of 2
        ("Từ 90%: 0,5 điểm; từ 80%: 2 điểm", "not_monotone"),
        ("Dưới 50%: 0 điểm; dưới 80%: 1 điểm; từ 80%: 2 điểm", "two_below"),
        ("Đạt 100%: 2 điểm; có báo cáo: 1 điểm", "mixed_clauses"),
    ],
)
def test_brackets_that_do_not_make_one_rule_are_reported(text: str, problem: str) -> None:
    found = read_brackets(text, max_points=Decimal(2))
    assert found is not None and found.rule is None and found.problem == problem


def test_a_name_without_brackets_is_not_a_rule() -> None:
    assert read_brackets("Mức độ hoàn thành kế hoạch CCHC năm") is None
    assert read_brackets("Ban hành kế hoạch: 1 điểm") is None  # one clause says the maximum, not a scale
