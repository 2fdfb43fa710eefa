"""A methodology is validated on load, and each malformation is named precisely, in both languages."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.core.errors import MethodologyError
from planner.methodology.files import (
    methodology_from_json,
    methodology_from_mapping,
    methodology_from_yaml,
    methodology_to_json,
    methodology_to_yaml,
)
from planner.methodology.model import content_digest

MINI = Path(__file__).parent.parent / "fixtures" / "mini_methodology.yaml"


def mini() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    return data


def problems_of(data: dict[str, Any]) -> MethodologyError:
    with pytest.raises(MethodologyError) as info:
        methodology_from_mapping(data)
    return info.value


def test_the_mini_methodology_is_well_formed() -> None:
    m = methodology_from_mapping(mini())
    assert [i.code for i in m.scored_items] == ["1.1", "1.2.1", "1.2.2", "1.2.3", "2.1", "2.2"]
    assert m.item("1.1").criterion.code == "1.1"  # a criterion scored directly is its own criterion
    assert m.item("1.2.2").criterion.code == "1.2"
    assert m.item("2.2").is_survey
    assert m.inferred_codes() == ("2.2",)
    assert set(m.assumption_codes()) == {"1.2.1", "1.2.2", "1.2.3", "2.1", "2.2"}


def test_duplicate_codes_are_rejected_with_the_code_and_count() -> None:
    data = mini()
    data["areas"][1]["criteria"][0]["code"] = "1.1"
    error = problems_of(data)
    assert [p.params for p in error.problems if p.key == "methodology.duplicate_code"] == [
        {"code": "1.1", "count": 2}
    ]
    assert "Mã “1.1” xuất hiện 2 lần" in error.messages("vi")
    assert "Code “1.1” appears 2 times" in error.messages("en")


def test_children_that_do_not_sum_to_the_parent_are_rejected() -> None:
    data = mini()
    data["areas"][0]["criteria"][1]["sub_criteria"][0]["max_points"] = 0.75
    data["areas"][0]["criteria"][1]["sub_criteria"][0]["rule"] = {"type": "yes_no"}
    error = problems_of(data)
    messages = error.messages("vi")
    assert "Tổng điểm tối đa của các mục con của “1.2” là 3, khác điểm tối đa 2,75" in messages
    assert "The maxima of the children of “1.2” sum to 3, not to its maximum 2.75" in error.messages("en")


def test_negative_points_are_rejected() -> None:
    data = mini()
    crit = data["areas"][1]["criteria"][0]
    crit["max_points"] = -1
    error = problems_of(data)
    assert any(p.key == "methodology.negative_points" and p.params["code"] == "2.1" for p in error.problems)
    assert "“2.1” có điểm tối đa âm (-1)" in error.messages("vi")


def test_a_rule_level_above_the_maximum_is_rejected() -> None:
    data = mini()
    data["areas"][0]["criteria"][1]["sub_criteria"][0]["rule"]["levels"][2]["points"] = 0.75
    error = problems_of(data)
    assert "Quy tắc của “1.2.1” cho 0,75 điểm, vượt điểm tối đa 0,5" in error.messages("vi")


def test_a_rule_that_is_not_monotone_is_rejected() -> None:
    data = mini()
    levels = data["areas"][0]["criteria"][1]["sub_criteria"][0]["rule"]["levels"]
    levels[1]["points"], levels[2]["points"] = 0.5, 0.25
    error = problems_of(data)
    assert "The rule of “1.2.1” is not monotone: a higher level gives fewer points" in error.messages("en")


def test_a_total_different_from_the_declared_total_is_rejected() -> None:
    data = mini()
    data["total_points"] = 100
    error = problems_of(data)
    assert "Tổng điểm tối đa các lĩnh vực là 10, khác tổng điểm khai báo 100" in error.messages("vi")


def test_declared_self_and_survey_totals_are_checked() -> None:
    data = mini()
    data["self_assessed_points"] = 6
    data["survey_points"] = 4
    keys = [p.key for p in problems_of(data).problems]
    assert "methodology.self_total_mismatch" in keys
    assert "methodology.survey_total_mismatch" in keys


def test_a_criterion_needs_a_rule_or_children_but_not_both() -> None:
    data = mini()
    del data["areas"][0]["criteria"][0]["rule"]
    assert "methodology.missing_rule" in [p.key for p in problems_of(data).problems]
    data = mini()
    data["areas"][0]["criteria"][1]["rule"] = {"type": "yes_no"}
    assert "methodology.rule_and_children" in [p.key for p in problems_of(data).problems]


def test_points_finer_than_a_hundredth_are_rejected() -> None:
    data = mini()
    data["areas"][0]["criteria"][0]["max_points"] = 1.255
    data["areas"][0]["max_points"] = 4.005
    assert "methodology.points_precision" in [p.key for p in problems_of(data).problems]


def test_every_problem_is_reported_at_once() -> None:
    data = mini()
    data["areas"][1]["criteria"][0]["code"] = "1.1"
    data["total_points"] = 11
    data["areas"][0]["criteria"][0]["max_points"] = -1
    keys = {p.key for p in problems_of(data).problems}
    assert {"methodology.duplicate_code", "methodology.total_mismatch", "methodology.negative_points"} <= keys


def test_type_errors_name_the_path() -> None:
    data = mini()
    data["areas"][0]["criteria"][0]["max_points"] = "nhiều"
    error = problems_of(data)
    assert error.key == "methodology.invalid_data"
    assert any("areas.0.criteria.0" in m for m in error.messages("vi"))


def test_an_unknown_rule_type_is_rejected() -> None:
    data = mini()
    data["areas"][0]["criteria"][0]["rule"] = {"type": "magic"}
    error = problems_of(data)
    assert error.key == "methodology.invalid_data"


def test_not_a_mapping_is_rejected() -> None:
    with pytest.raises(MethodologyError):
        methodology_from_mapping(["not", "a", "mapping"])


@pytest.mark.parametrize(
    ("dump", "load"),
    [(methodology_to_yaml, methodology_from_yaml), (methodology_to_json, methodology_from_json)],
)
def test_yaml_and_json_round_trips_give_an_equal_methodology(dump: Any, load: Any) -> None:
    m = methodology_from_mapping(mini())
    assert load(dump(m)) == m


def test_broken_yaml_and_json_give_clear_errors() -> None:
    with pytest.raises(MethodologyError) as info:
        methodology_from_yaml("areas: [unclosed")
    assert info.value.key == "methodology.bad_yaml"
    with pytest.raises(MethodologyError) as info:
        methodology_from_json("{")
    assert info.value.key == "methodology.bad_json"
    with pytest.raises(MethodologyError) as info:
        methodology_from_json('{"areas": ' + "[" * 100_000)  # a RecursionError in the parser, not a traceback
    assert info.value.key == "methodology.json_too_deep"


def test_the_validation_does_not_mutate_the_input() -> None:
    data = mini()
    before = copy.deepcopy(data)
    methodology_from_mapping(data)
    assert data == before


def test_yaml_aliases_in_an_uploaded_file_are_refused_before_expansion() -> None:
    """A "billion laughs" file: nine lines that expand into 10^9 leaves if built and validated."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    with pytest.raises(MethodologyError) as info:
        methodology_from_yaml(bomb)
    assert info.value.key == "methodology.yaml_aliases"
    assert "anchor/alias" in info.value.message("vi")


def test_the_content_digest_follows_the_content_not_the_id() -> None:
    """Shared caches key on content_digest: equal schemes share a key, a scheme differing in one name does not,
    even under the same id."""
    data = yaml.safe_load(MINI.read_text("utf-8"))
    first = methodology_from_mapping(data)
    again = methodology_from_mapping(yaml.safe_load(MINI.read_text("utf-8")))
    data["areas"][0]["name_vi"] = "Lĩnh vực đổi tên"
    renamed_area = methodology_from_mapping(data)
    assert first is not again and content_digest(first) == content_digest(again)
    assert renamed_area.id == first.id and content_digest(renamed_area) != content_digest(first)
    assert content_digest(first.model_copy(update={"id": "mini-test-upload2"})) != content_digest(first)
