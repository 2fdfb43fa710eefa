"""The scenario model: one way to set each item, a versioned JSON form, and clear refusals."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from planner.core.errors import ScenarioError
from planner.methodology.scenario import (
    SCHEMA_VERSION,
    ItemSetting,
    Scenario,
    scenario_from_json,
    scenario_from_mapping,
)


def test_an_item_is_set_by_exactly_one_of_level_value_or_points() -> None:
    assert ItemSetting(level="yes").kind == "level"
    assert ItemSetting(value=95).kind == "value"
    assert ItemSetting(points=Decimal("0.5")).kind == "points"
    with pytest.raises(ScenarioError) as info:
        scenario_from_mapping({"items": {"1.1": {"level": "yes", "points": 1}}})
    assert "items.1.1" in info.value.messages("vi")[1]
    with pytest.raises(ScenarioError):
        scenario_from_mapping({"items": {"1.1": {}}})


def test_json_round_trip_keeps_everything() -> None:
    scenario = Scenario(
        name="Lào Cai – thử",
        province="Lào Cai",
        year=2019,
        items={
            "3.4.1": ItemSetting(points=Decimal("1.25"), note="=SUM(A1)"),
            "7.2.2": ItemSetting(value=42.5),
        },
    )
    assert scenario_from_json(scenario.to_json()) == scenario
    assert json.loads(scenario.to_json())["schema_version"] == SCHEMA_VERSION


def test_the_minimal_cli_form_defaults_to_the_bundled_methodology() -> None:
    scenario = scenario_from_json('{"items": {"3.4.1": {"points": 1.0}}}')
    assert scenario.methodology == "qd2636-2018"
    assert scenario.default == "zero"


def test_a_file_from_a_newer_schema_is_refused_in_the_users_language() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_json(json.dumps({"schema_version": SCHEMA_VERSION + 1, "items": {}}))
    assert info.value.key == "scenario.newer_schema"
    assert "cập nhật PAR Planner" in info.value.message("vi")
    assert "update PAR Planner" in info.value.message("en")


@pytest.mark.parametrize(
    "text",
    ["{", "[1, 2]", '"just a string"', "\xff\xfe", '{"items": {"1.1": {"level": 5}}}', '{"colour": "red"}'],
)
def test_malformed_json_is_refused_with_a_scenario_error(text: str) -> None:
    with pytest.raises(ScenarioError):
        scenario_from_json(text)


def test_edits_return_new_scenarios_and_leave_the_old_one_untouched() -> None:
    base = Scenario(items={"1.1": ItemSetting(level="yes")})
    edited = base.with_item("1.1", ItemSetting(level="no")).with_item("2.2", ItemSetting(value=70))
    assert base.items["1.1"].level == "yes"
    assert edited.items["1.1"].level == "no"
    assert edited.with_item("2.2", None).items.keys() == {"1.1"}
    assert base.with_items({"1.1": None, "1.2.1": ItemSetting(level="x")}).items.keys() == {"1.2.1"}
