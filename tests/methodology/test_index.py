"""Indices as data (issue 13): the registry, the groups of each index and the bundled PAPI scheme."""

from __future__ import annotations

import pytest

from planner.core.errors import MethodologyError
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_mapping, methodology_to_mapping
from planner.methodology.index import get_index, index_ids
from planner.methodology.rules import ScaleRule
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import full_marks, score_scenario

PAPI = load_bundled_methodology("papi-2018")


def test_the_registry_knows_both_indices_with_their_scales_and_units() -> None:
    assert index_ids() == ("par", "papi")
    par, papi = get_index("par"), get_index("papi")
    assert (par.max_points, papi.max_points, papi.min_points) == (100, 80, 8)
    assert (par.units(2024), par.units(2025), papi.units(2024), papi.units(2026)) == (63, 34, 63, 34)
    assert papi.methodology_for(2023) == "papi-2018" and papi.methodology_for(2015) is None
    assert papi.scheme_for(2015) is not None and "6-60" in papi.scheme_for(2015).decision  # type: ignore[union-attr]
    assert par.methodology_for(2019) == "qd2636-2018" and par.methodology_for(2022) is None
    assert (par.survey_is_lever, papi.survey_is_lever) == (False, True)


def test_an_unknown_index_is_refused_with_the_known_ones() -> None:
    with pytest.raises(MethodologyError) as caught:
        get_index("pci")
    assert "par, papi" in caught.value.one_line("vi")
    data = {**methodology_to_mapping(PAPI), "index": "pci"}
    with pytest.raises(MethodologyError):
        methodology_from_mapping(data)


@pytest.mark.parametrize(
    ("score", "group"), [(100, "A"), (90, "A"), (89.99, "B"), (80, "B"), (79.99, "C"), (0, "C")]
)
def test_par_groups_are_the_ministrys_bands_by_score(score: float, group: str) -> None:
    assert get_index("par").group_of(score) == group


@pytest.mark.parametrize(
    ("rank", "n", "group"),
    [(1, 63, "1"), (16, 63, "1"), (17, 63, "2"), (32, 63, "2"), (33, 63, "3"), (48, 63, "3"), (49, 63, "4"),
     (63, 63, "4"), (9, 34, "1"), (10, 34, "2"), (34, 34, "4")],
)  # fmt: skip
def test_papi_groups_are_quartiles_of_the_ranking(rank: int, n: int, group: str) -> None:
    """The PAPI reports' four groups: 63 provinces split 16/16/16/15 (34: 9/9/9/7), the highest first."""
    assert get_index("papi").group_of(45.0, rank, n) == group
    assert get_index("papi").group_of(45.0) is None  # no rank, no quartile


def test_papi_has_eight_dimensions_of_one_to_ten_with_the_seeds_lead_agencies() -> None:
    assert PAPI.index == "papi" and float(PAPI.total_points) == 80
    assert len(PAPI.areas) == 8 and len(PAPI.scored_items) == 8
    assert all(
        isinstance(i.rule, ScaleRule) and i.is_survey and i.max_centi == 1000 for i in PAPI.scored_items
    )
    names = [a.name_vi for a in PAPI.areas]
    assert names[0] == "Tham gia của người dân ở cấp cơ sở" and names[-1] == "Quản trị điện tử"
    leads = {i.code: i.lead_agencies for i in PAPI.scored_items}
    # Seed 003, section II.3: e) public services to Sở Y tế, Sở GD&ĐT, Công an tỉnh; h) e-government to Sở TT&TT.
    assert leads["P6"][:3] == ("Sở Y tế", "Sở Giáo dục và Đào tạo", "Công an tỉnh")
    assert leads["P8"] == ("Sở Thông tin và Truyền thông",) and leads["P4"] == ("Thanh tra tỉnh",)
    assert all("seeds/003" in i.node.source for i in PAPI.scored_items)


def test_golden_totals_eight_dimensions_at_ten_make_eighty_and_an_empty_scenario_its_floor_of_eight() -> None:
    assert score_scenario(PAPI, full_marks(PAPI)).total_centi == 8000
    assert score_scenario(PAPI, Scenario(methodology="papi-2018")).total_centi == 800
    # Hà Nội 2020 as published dimension by dimension (data/results/papi): 8 scores summing to 41.629.
    hanoi = dict(zip([f"P{k}" for k in range(1, 9)],
                     [5.059, 5.244, 4.812, 6.598, 7.169, 6.870, 2.959, 2.918], strict=True))  # fmt: skip
    card = score_scenario(
        PAPI, Scenario(methodology="papi-2018", items={c: ItemSetting(value=v) for c, v in hanoi.items()})
    )
    # each dimension kept to the hundredth, as every sum is: 5.06+5.24+4.81+6.60+7.17+6.87+2.96+2.92
    assert card.total_centi == 4163


def test_a_dimension_outside_its_scale_is_refused_with_its_range() -> None:
    scenario = Scenario(methodology="papi-2018", items={"P1": ItemSetting(value=10.5)})
    from planner.methodology.scoring import scenario_problems

    problems = scenario_problems(PAPI, scenario)
    assert [p.key for p in problems] == ["scenario.value_out_of_range"]
    assert problems[0].params["high"] == 10.0
