"""Each scoring rule is one function from an input to points, exact to the hundredth."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.methodology.rules import (
    Level,
    LevelsRule,
    ProportionalRule,
    Step,
    SurveyRule,
    ThresholdRule,
    YesNoRule,
    from_centi,
    rule_problems,
    to_centi,
)


def test_to_centi_rounds_half_up_like_a_two_decimal_table() -> None:
    assert to_centi(Decimal("1.25")) == 125
    assert to_centi(0.125) == 13
    assert to_centi("64.5") == 6450
    assert from_centi(8285) == 82.85


def test_yes_no_gives_the_maximum_when_done_and_nothing_otherwise() -> None:
    rule = YesNoRule(basis="source", source="KH 221")
    assert rule.centi_for_level("yes", 125) == 125
    assert rule.centi_for_level("no", 125) == 0
    assert rule.centi_for_value(1, 125) == 125
    assert rule.centi_for_value(0, 125) == 0
    assert rule.value_problem(0.5) is not None
    assert [o.id for o in rule.options(125)] == ["no", "yes"]


def test_levels_rule_on_time_late_missing() -> None:
    rule = LevelsRule(
        levels=(
            Level(id="khong", label_vi="Không thực hiện", points=Decimal(0)),
            Level(id="cham", label_vi="Chậm", points=Decimal("0.25")),
            Level(id="dung_han", label_vi="Đúng hạn", points=Decimal("0.5")),
        )
    )
    assert rule.centi_for_level("cham", 50) == 25
    assert rule.centi_for_level("dung_han", 50) == 50
    assert rule.centi_for_level("unknown", 50) is None


def test_thresholds_full_at_95_half_at_90_nothing_below() -> None:
    rule = ThresholdRule(
        steps=(Step(bound=90, points=Decimal("0.75")), Step(bound=95, points=Decimal("1.5")))
    )
    assert rule.centi_for_value(96.0, 150) == 150
    assert rule.centi_for_value(95.0, 150) == 150
    assert rule.centi_for_value(94.99, 150) == 75
    assert rule.centi_for_value(90.0, 150) == 75
    assert rule.centi_for_value(89.9, 150) == 0
    ids = [o.id for o in rule.options(150)]
    assert ids == ["below_90", "ge_90", "ge_95"]
    assert [o.label_vi for o in rule.options(150)] == ["< 90%", "≥ 90%", "≥ 95%"]


def test_thresholds_on_a_count_with_a_unit() -> None:
    rule = ThresholdRule(
        measure="count",
        unit_vi="TTHC",
        steps=(Step(bound=25, points=Decimal("0.5")), Step(bound=50, points=Decimal(1))),
    )
    assert rule.centi_for_value(60, 100) == 100
    assert rule.centi_for_value(30, 100) == 50
    assert rule.options(100)[-1].label_vi == "≥ 50 TTHC"
    assert rule.value_problem(-1) is not None
    assert rule.value_problem(1000) is None


def test_thresholds_where_lower_is_better() -> None:
    rule = ThresholdRule(
        direction="lower", steps=(Step(bound=10, points=Decimal("0.5")), Step(bound=5, points=Decimal(1)))
    )
    assert rule.centi_for_value(3, 100) == 100
    assert rule.centi_for_value(7, 100) == 50
    assert rule.centi_for_value(12, 100) == 0
    assert rule_problems(rule, 100, "x") == []


def test_vietnamese_labels_use_decimal_commas() -> None:
    rule = ThresholdRule(steps=(Step(bound=92.5, points=Decimal(1)),))
    assert rule.options(100)[1].label_vi == "≥ 92,5%"
    assert rule.options(100)[1].label_en == "≥ 92.5%"


def test_proportional_with_a_floor_of_70() -> None:
    rule = ProportionalRule(floor=70)
    assert rule.centi_for_value(69.9, 150) == 0
    assert rule.centi_for_value(70, 150) == 105
    assert rule.centi_for_value(85.5, 75) == 64  # 0.75 x 0.855 = 0.64125
    assert rule.centi_for_value(100, 150) == 150
    assert rule.centi_for_value(120, 150) == 150  # capped at full_at
    assert [o.value for o in rule.options(150)] == [0.0, 70.0, 80.0, 90.0, 100.0]


def test_survey_points_are_the_maximum_times_satisfaction() -> None:
    rule = SurveyRule()
    # Hà Tĩnh 2021 under the 2020 scheme: SIPAS 91.17% of 10 points = 9.12 points.
    assert rule.centi_for_value(91.17, 1000) == 912
    assert rule.value_problem(101) is not None
    options = rule.options(1000)
    assert options[0].centi == 0 and options[-1].centi == 1000
    assert len(options) == 21


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        (
            LevelsRule(
                levels=(
                    Level(id="a", label_vi="A", points=Decimal(1)),
                    Level(id="b", label_vi="B", points=Decimal("0.5")),
                )
            ),
            "methodology.rule_not_monotone",
        ),
        (
            LevelsRule(
                levels=(
                    Level(id="a", label_vi="A", points=Decimal(0)),
                    Level(id="b", label_vi="B", points=Decimal(2)),
                )
            ),
            "methodology.rule_exceeds_max",
        ),
        (
            LevelsRule(
                levels=(
                    Level(id="a", label_vi="A", points=Decimal(-1)),
                    Level(id="b", label_vi="B", points=Decimal(1)),
                )
            ),
            "methodology.rule_negative",
        ),
        (
            LevelsRule(
                levels=(
                    Level(id="a", label_vi="A", points=Decimal(0)),
                    Level(id="a", label_vi="B", points=Decimal(1)),
                )
            ),
            "methodology.rule_duplicate_level",
        ),
        (
            ThresholdRule(steps=(Step(bound=95, points=Decimal(1)), Step(bound=90, points=Decimal("0.5")))),
            "methodology.rule_not_monotone",
        ),
        (
            ThresholdRule(steps=(Step(bound=90, points=Decimal("0.5")), Step(bound=90, points=Decimal(1)))),
            "methodology.rule_steps_order",
        ),
        (ProportionalRule(floor=120), "methodology.rule_floor_above_full"),
        (YesNoRule(yes_points=Decimal(3)), "methodology.rule_exceeds_max"),
    ],
)
def test_rule_problems_name_the_fault(rule: object, key: str) -> None:
    problems = rule_problems(rule, 100, "9.9")  # type: ignore[arg-type]
    assert key in [p.key for p in problems]
    assert all(p.params["code"] == "9.9" for p in problems)


def test_a_sound_rule_has_no_problems() -> None:
    rule = ThresholdRule(steps=(Step(bound=90, points=Decimal("0.5")), Step(bound=95, points=Decimal(1))))
    assert rule_problems(rule, 100, "3.4.1") == []
