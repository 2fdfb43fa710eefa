"""Scoring: worked numbers on the mini methodology, and properties that hold for any methodology."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.errors import ScenarioError
from planner.methodology.files import methodology_from_mapping
from planner.methodology.model import Methodology
from planner.methodology.rules import to_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import BatchScorer, current_option, full_marks, item_options, score_scenario

MINI = methodology_from_mapping(
    yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "mini_methodology.yaml").read_text("utf-8"))
)


def setting(**kwargs: Any) -> ItemSetting:
    return ItemSetting(**kwargs)


def test_a_worked_scenario_on_the_mini_methodology() -> None:
    scenario = Scenario(
        methodology="mini-test",
        items={
            "1.1": setting(level="yes"),
            "1.2.2": setting(value=93),  # 90-95% → 0.75
            "1.2.3": setting(value=85.5),  # 0.75 x 0.855 = 0.64125 → 0.64
            "2.2": setting(value=83.3),  # 3 x 0.833 = 2.499 → 2.50
        },
    )
    card = score_scenario(MINI, scenario)
    assert card.self_assessed == 2.64
    assert card.survey == 2.5
    assert card.total == 5.14
    assert card.max_total == 10
    assert card.percent == pytest.approx(51.4)
    assert [(a.code, a.points, a.max_points) for a in card.areas()] == [("1", 2.64, 4.0), ("2", 2.5, 6.0)]
    assert [(c.code, c.points) for c in card.criteria()] == [
        ("1.1", 1.25),
        ("1.2", 1.39),
        ("2.1", 0.0),
        ("2.2", 2.5),
    ]
    assert card.item("1.2.3").lost == 0.11
    assert card.area("2").assessment == "mixed"


def test_unset_items_count_zero_unless_the_default_is_max() -> None:
    assert score_scenario(MINI, Scenario(methodology="mini-test")).total == 0
    assert score_scenario(MINI, full_marks(MINI)).total == 10
    at_max_but_one = Scenario(methodology="mini-test", default="max", items={"2.1": setting(value=30)})
    assert score_scenario(MINI, at_max_but_one).total == 8.5


def test_points_set_directly_are_kept_and_not_marked_as_assumptions() -> None:
    card = score_scenario(
        MINI, Scenario(methodology="mini-test", items={"1.2.2": setting(points=Decimal("1.1"))})
    )
    assert card.points_of("1.2.2") == 1.1
    assert "1.2.2" not in card.assumptions
    assert "1.2.1" in card.assumptions


@pytest.mark.parametrize(
    ("items", "key"),
    [
        ({"9.9": {"level": "yes"}}, "scenario.unknown_code"),
        ({"1.2.1": {"level": "perfect"}}, "scenario.unknown_level"),
        ({"1.2.2": {"value": 101}}, "scenario.value_out_of_range"),
        ({"1.2.2": {"value": -5}}, "scenario.value_out_of_range"),
        ({"1.2.1": {"value": 1}}, "scenario.value_not_accepted"),
        ({"1.1": {"value": 0.5}}, "scenario.value_yes_no"),
        ({"1.2.2": {"points": 1.6}}, "scenario.points_out_of_range"),
        ({"1.2.2": {"points": -0.1}}, "scenario.points_out_of_range"),
        ({"2.1": {"value": float("nan")}}, "scenario.value_not_number"),
    ],
)
def test_settings_that_do_not_fit_are_named(items: dict[str, Any], key: str) -> None:
    scenario = Scenario.model_validate({"methodology": "mini-test", "items": items})
    with pytest.raises(ScenarioError) as info:
        score_scenario(MINI, scenario)
    assert [p.key for p in info.value.problems] == [key]
    code = next(iter(items))
    assert code in info.value.messages("vi")[1]


def test_a_scenario_for_another_methodology_is_refused() -> None:
    with pytest.raises(ScenarioError) as info:
        score_scenario(MINI, Scenario(methodology="qd2636-2018"))
    assert info.value.problems[0].key == "scenario.methodology_mismatch"


def test_current_option_is_the_highest_level_not_above_the_points() -> None:
    item = MINI.item("1.2.2")
    assert [o.id for o in item_options(item)] == ["below_90", "ge_90", "ge_95"]
    assert current_option(item, 100).id == "ge_90"
    assert current_option(item, 150).id == "ge_95"
    assert current_option(item, 0).id == "below_90"


# --- properties over random methodologies -------------------------------------------------------------


@st.composite
def methodologies(draw: st.DrawFn) -> Methodology:
    """A random well-formed methodology: areas of criteria, some split into sub-criteria, every rule type."""
    areas = []
    n_areas = draw(st.integers(1, 3))
    for a in range(1, n_areas + 1):
        criteria = []
        for c in range(1, draw(st.integers(1, 3)) + 1):
            subs = draw(st.integers(0, 3))
            if subs == 0:
                maxc = draw(st.integers(5, 300))
                criteria.append(
                    {
                        "code": f"{a}.{c}",
                        "name_vi": "c",
                        "max_points": maxc / 100,
                        "rule": draw(rules(maxc)),
                        "assessment": draw(st.sampled_from(["self", "self", "survey"])),
                    }
                )
            else:
                children = []
                for s in range(1, subs + 1):
                    maxc = draw(st.integers(5, 300))
                    children.append(
                        {
                            "code": f"{a}.{c}.{s}",
                            "name_vi": "s",
                            "max_points": maxc / 100,
                            "rule": draw(rules(maxc)),
                        }
                    )
                criteria.append(
                    {
                        "code": f"{a}.{c}",
                        "name_vi": "c",
                        "max_points": sum(to_centi(x["max_points"]) for x in children) / 100,
                        "sub_criteria": children,
                    }
                )
        areas.append(
            {
                "code": str(a),
                "name_vi": "a",
                "max_points": sum(to_centi(x["max_points"]) for x in criteria) / 100,
                "criteria": criteria,
            }
        )
    total = sum(to_centi(x["max_points"]) for x in areas) / 100
    return methodology_from_mapping({"id": "random", "name_vi": "r", "total_points": total, "areas": areas})


@st.composite
def rules(draw: st.DrawFn, maxc: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["yes_no", "levels", "thresholds", "proportional", "survey"]))
    if kind == "yes_no":
        return {"type": "yes_no"}
    if kind == "levels":
        points = sorted(draw(st.lists(st.integers(0, maxc), min_size=2, max_size=5)))
        return {
            "type": "levels",
            "levels": [
                {"id": f"l{i}", "label_vi": f"Mức {i}", "points": p / 100} for i, p in enumerate(points)
            ],
        }
    if kind == "thresholds":
        bounds = sorted(draw(st.sets(st.integers(1, 100), min_size=1, max_size=4)))
        points = sorted(draw(st.lists(st.integers(0, maxc), min_size=len(bounds), max_size=len(bounds))))
        return {
            "type": "thresholds",
            "steps": [{"bound": b, "points": p / 100} for b, p in zip(bounds, points, strict=True)],
        }
    if kind == "proportional":
        floor = draw(st.one_of(st.none(), st.integers(0, 90)))
        return {"type": "proportional", "floor": floor}
    return {"type": "survey"}


@st.composite
def methodology_and_levels(draw: st.DrawFn) -> tuple[Methodology, list[int]]:
    m = draw(methodologies())
    levels = [draw(st.integers(0, len(item_options(i)) - 1)) for i in m.scored_items]
    return m, levels


def scenario_at(m: Methodology, levels: list[int]) -> Scenario:
    items = {
        i.code: ItemSetting(level=item_options(i)[k].id) for i, k in zip(m.scored_items, levels, strict=True)
    }
    return Scenario(methodology=m.id, items=items)


@settings(max_examples=150, deadline=None)
@given(methodology_and_levels(), st.data())
def test_raising_any_level_never_lowers_the_total(
    case: tuple[Methodology, list[int]], data: st.DataObject
) -> None:
    m, levels = case
    before = score_scenario(m, scenario_at(m, levels)).total_centi
    pos = data.draw(st.integers(0, len(levels) - 1))
    top = len(item_options(m.scored_items[pos])) - 1
    raised = list(levels)
    raised[pos] = data.draw(st.integers(levels[pos], top))
    assert score_scenario(m, scenario_at(m, raised)).total_centi >= before


@settings(max_examples=150, deadline=None)
@given(methodologies(), st.data())
def test_raising_a_raw_value_never_lowers_the_points(m: Methodology, data: st.DataObject) -> None:
    value_items = [i for i in m.scored_items if i.rule.type in ("thresholds", "proportional", "survey")]
    if not value_items:
        return
    item = data.draw(st.sampled_from(value_items))
    low = data.draw(st.floats(0, 100))
    high = data.draw(st.floats(low, 100))
    points = [
        score_scenario(m, Scenario(methodology=m.id, items={item.code: ItemSetting(value=v)})).total_centi
        for v in (low, high)
    ]
    assert points[1] >= points[0]


@settings(max_examples=150, deadline=None)
@given(methodology_and_levels())
def test_totals_equal_the_sum_of_their_parts(case: tuple[Methodology, list[int]]) -> None:
    m, levels = case
    card = score_scenario(m, scenario_at(m, levels))
    assert sum(a.centi for a in card.areas()) == card.total_centi
    assert sum(c.centi for c in card.criteria()) == card.total_centi
    assert sum(card.item_centi) == card.total_centi
    assert card.self_assessed_centi + card.survey_centi == card.total_centi
    for area in m.areas:
        criteria = {c.code: c.centi for c in card.criteria()}
        assert sum(criteria[c.code] for c in area.criteria) == card.area(area.code).centi
    assert sum(a.max_centi for a in card.areas()) == m.max_centi


@settings(max_examples=100, deadline=None)
@given(st.lists(methodology_and_levels(), min_size=1, max_size=1), st.data())
def test_the_batch_scorer_equals_the_single_scorer(
    cases: list[tuple[Methodology, list[int]]], data: st.DataObject
) -> None:
    m, _ = cases[0]
    scorer = BatchScorer(m)
    rows = [[data.draw(st.integers(0, len(item_options(i)) - 1)) for i in m.scored_items] for _ in range(5)]
    batch = scorer.score_levels(np.array(rows))
    for r, levels in enumerate(rows):
        card = score_scenario(m, scenario_at(m, levels))
        assert batch.total_centi[r] == card.total_centi
        assert batch.self_assessed_centi[r] == card.self_assessed_centi
        assert batch.survey_centi[r] == card.survey_centi
        assert list(batch.area_centi[r]) == [a.centi for a in card.areas()]
    from_points = scorer.score_points(scorer.rows([scenario_at(m, levels) for levels in rows]))
    assert list(from_points.total_centi) == list(batch.total_centi)


def test_the_batch_scorer_refuses_a_bad_shape_or_level() -> None:
    scorer = BatchScorer(MINI)
    with pytest.raises(ValueError):
        scorer.score_points(np.zeros((2, 3)))
    with pytest.raises(ValueError):
        scorer.score_levels(np.full((1, len(scorer.codes)), 99))
