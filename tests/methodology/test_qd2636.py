"""The bundled QĐ 2636/QĐ-BNV table holds the numbers of its source, the Lào Cai plan KH 221/KH-UBND (17/6/2019).

Golden values below are read off the appendix table of the seed (seeds/002_7e6584deaa45326a.txt), not off the YAML,
so a careless edit of data/methodologies/qd2636-2018.yaml fails here.
"""

from __future__ import annotations

import copy
import csv
from decimal import Decimal
from typing import Any

import pytest
import yaml

from planner.core.data import data_dir
from planner.core.errors import MethodologyError
from planner.methodology.catalog import known_scheme_versions, load_bundled_methodology
from planner.methodology.files import methodology_from_mapping
from planner.methodology.model import Area, Criterion, Methodology, ScoredItem, SubCriterion
from planner.methodology.rules import LevelsRule, ProportionalRule, SurveyRule, ThresholdRule, YesNoRule
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import full_marks, item_options, score_scenario

ID = "qd2636-2018"
YAML_PATH = data_dir() / "methodologies" / f"{ID}.yaml"

#: "Điểm tối đa" of every row of the seed's appendix table (decimal commas read as points), 8.1 excepted.
SEED_MAXIMA: dict[str, str] = {
    "1": "9", "1.1": "1.25", "1.2": "1.75", "1.2.1": "0.5", "1.2.2": "0.25", "1.2.3": "0.25",
    "1.2.4": "0.25", "1.2.5": "0.5", "1.3": "2", "1.3.1": "1", "1.3.2": "1", "1.4": "1", "1.4.1": "0.5",
    "1.4.2": "0.5", "1.5": "2", "1.6": "1", "2": "5", "2.1": "2", "2.1.1": "1", "2.1.2": "1", "2.2": "1.5",
    "2.3": "1.5", "3": "13", "3.1": "1", "3.1.1": "0.5", "3.1.2": "0.5", "3.2": "3", "3.2.1": "0.25",
    "3.2.2": "0.25", "3.2.3": "1", "3.2.4": "0.75", "3.2.5": "0.75", "3.3": "3.5", "3.3.1": "1.5",
    "3.3.2": "1", "3.3.3": "1", "3.4": "4.5", "3.4.1": "1.5", "3.4.2": "1.5", "3.4.3": "1", "3.4.4": "0.5",
    "3.5": "1", "3.5.1": "0.25", "3.5.2": "0.75", "4": "7.5", "4.1": "3.5", "4.1.1": "1", "4.1.2": "1.5",
    "4.1.3": "1", "4.2": "2.5", "4.2.1": "0.5", "4.2.2": "0.5", "4.2.3": "1.5", "4.3": "1.5",
    "4.3.1": "0.25", "4.3.2": "0.25", "4.3.3": "1", "5": "7.5", "5.1": "2", "5.1.1": "1", "5.1.2": "1",
    "5.2": "1", "5.2.1": "0.5", "5.2.2": "0.5", "5.3": "1", "5.3.1": "0.5", "5.3.2": "0.5", "5.4": "0.75",
    "5.5": "0.75", "5.5.1": "0.25", "5.5.2": "0.5", "5.6": "1", "5.7": "1", "5.7.1": "0.5", "5.7.2": "0.5",
    "6": "8.5", "6.1": "3", "6.1.1": "1", "6.1.2": "1", "6.1.3": "1", "6.2": "2", "6.2.1": "0.5",
    "6.2.2": "0.5", "6.2.3": "0.5", "6.2.4": "0.5", "6.3": "3.5", "6.3.1": "1", "6.3.2": "0.5",
    "6.3.3": "1", "6.3.4": "1", "7": "9.5", "7.1": "4.5", "7.1.1": "0.5", "7.1.2": "1", "7.1.3": "1",
    "7.1.4": "1", "7.1.5": "1", "7.2": "2.25", "7.2.1": "0.25", "7.2.2": "1", "7.2.3": "1", "7.3": "1.25",
    "7.3.1": "0.25", "7.3.2": "0.5", "7.3.3": "0.5", "7.4": "1.5", "7.4.1": "0.5", "7.4.2": "0.5",
    "7.4.3": "0.5", "8": "4.5", "8.2": "1", "8.3": "2", "8.3.1": "1", "8.3.2": "1", "8.4": "1.5",
}  # fmt: skip
AREAS = ("1", "2", "3", "4", "5", "6", "7", "8")
AREA_SELF_MAXIMA = {"1": 9, "2": 5, "3": 13, "4": 7.5, "5": 7.5, "6": 8.5, "7": 9.5, "8": 4.5}
DIRECTLY_SCORED_SELF = {"1.1", "1.5", "1.6", "2.2", "2.3", "5.4", "5.6", "8.2", "8.4"}
SURVEY_CODES = {"8.1", "KS.1"}


@pytest.fixture(scope="module")
def m() -> Methodology:
    return load_bundled_methodology(ID)


def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    return data


def self_items(m: Methodology) -> list[ScoredItem]:
    return [i for i in m.scored_items if not i.is_survey]


def node(m: Methodology, code: str) -> Area | Criterion | SubCriterion:
    return m.nodes_by_code[code]


# ---------------------------------------------------------------- structure and counts


def test_the_bundled_file_is_listed_and_loads(m: Methodology) -> None:
    assert m.id == ID
    assert m.index_years == (2018, 2019)
    assert "2636/QĐ-BNV" in m.decision


def test_the_table_has_8_areas_plus_the_leaders_survey_pseudo_area(m: Methodology) -> None:
    assert [a.code for a in m.areas] == [*AREAS, "KS"]


def test_the_8_areas_hold_35_criteria_counting_sipas(m: Methodology) -> None:
    criteria = [c.code for a in m.areas if a.code in AREAS for c in a.criteria]
    assert len(criteria) == 35
    assert "8.1" in criteria
    assert [c.code for c in node(m, "KS").criteria] == ["KS.1"]  # type: ignore[union-attr]


def test_there_are_82_self_assessed_scored_items(m: Methodology) -> None:
    items = self_items(m)
    assert len(items) == 82
    assert {i.code for i in items if isinstance(i.node, Criterion)} == DIRECTLY_SCORED_SELF
    assert sum(isinstance(i.node, SubCriterion) for i in items) == 73


def test_the_only_survey_items_are_sipas_and_the_leaders_survey(m: Methodology) -> None:
    assert {i.code for i in m.scored_items if i.is_survey} == SURVEY_CODES


def test_the_five_periodic_reports_are_1_2_1_to_1_2_5(m: Methodology) -> None:
    reports = node(m, "1.2")
    assert isinstance(reports, Criterion)
    assert [(s.code, s.max_points) for s in reports.sub_criteria] == [
        ("1.2.1", Decimal("0.5")),
        ("1.2.2", Decimal("0.25")),
        ("1.2.3", Decimal("0.25")),
        ("1.2.4", Decimal("0.25")),
        ("1.2.5", Decimal("0.5")),
    ]
    assert reports.sub_criteria[0].name_vi == "Báo cáo định kỳ về CCHC"  # "(1) " numbering dropped


# ---------------------------------------------------------------- points against the seed


@pytest.mark.parametrize("code", sorted(set(SEED_MAXIMA) - {"8"}))
def test_every_maximum_and_target_equals_the_seed(m: Methodology, code: str) -> None:
    n = node(m, code)
    assert n.max_points == Decimal(SEED_MAXIMA[code])
    assert n.target_points == Decimal(SEED_MAXIMA[code])  # "Mục tiêu đạt được" = the maximum in every row
    assert n.max_basis == "source"


def test_every_seed_row_is_in_the_methodology_and_nothing_else_but_the_survey(m: Methodology) -> None:
    assert set(m.nodes_by_code) == set(SEED_MAXIMA) | {"8.1", "KS", "KS.1"}


@pytest.mark.parametrize(("area", "maximum"), sorted(AREA_SELF_MAXIMA.items()))
def test_each_area_self_assessed_maximum_sums_as_the_seed_says(
    m: Methodology, area: str, maximum: float
) -> None:
    total = sum((i.node.max_points for i in self_items(m) if i.area.code == area), Decimal(0))
    assert total == Decimal(str(maximum))


def test_lao_cai_2019_plan_table_sums_to_64_5_self_assessed_points(m: Methodology) -> None:
    assert sum((i.node.max_points for i in self_items(m)), Decimal(0)) == Decimal("64.5")
    assert sum(AREA_SELF_MAXIMA.values()) == 64.5
    assert m.self_assessed_points == Decimal("64.5")
    assert m.survey_points == Decimal("35.5")
    assert m.total_points == 100


def test_a_province_at_every_target_of_the_table_scores_64_5_self_assessed(m: Methodology) -> None:
    by_target = Scenario(
        methodology=ID,
        items={i.code: ItemSetting(points=i.node.target_points) for i in self_items(m)},
    )
    card = score_scenario(m, by_target)
    assert card.self_assessed == 64.5
    assert card.survey == 0
    by_top_level = Scenario(
        methodology=ID,
        items={i.code: ItemSetting(level=item_options(i)[-1].id) for i in self_items(m)},
    )
    assert score_scenario(m, by_top_level).self_assessed_centi == 6450


def test_a_province_at_full_marks_everywhere_scores_100(m: Methodology) -> None:
    card = score_scenario(m, full_marks(m))
    assert card.total == 100
    assert (card.self_assessed, card.survey) == (64.5, 35.5)
    assert [(a.code, a.points) for a in card.areas()] == [
        ("1", 9),
        ("2", 5),
        ("3", 13),
        ("4", 7.5),
        ("5", 7.5),
        ("6", 8.5),
        ("7", 9.5),
        ("8", 14.5),
        ("KS", 25.5),
    ]


def test_a_province_at_zero_everywhere_scores_0(m: Methodology) -> None:
    assert score_scenario(m, Scenario(methodology=ID)).total == 0


# ---------------------------------------------------------------- the survey split is an inference


def test_the_survey_nodes_are_marked_inference(m: Methodology) -> None:
    assert set(m.inferred_codes()) == {"8", "8.1", "KS", "KS.1"}
    sipas, leaders = m.item("8.1"), m.item("KS.1")
    assert (sipas.node.max_points, leaders.node.max_points) == (Decimal(10), Decimal("25.5"))
    for item in (sipas, leaders):
        assert item.node.max_basis == "inference"
        assert isinstance(item.rule, SurveyRule)
        assert item.rule.basis == "assumption"
        assert "suy luận" in (item.node.notes + item.node.source).lower()
    assert node(m, "8").max_points == Decimal("14.5")
    assert node(m, "8").target_points == Decimal("4.5")  # the table's self-assessed target
    assert "phân bổ vào các lĩnh vực" in node(m, "KS").notes


def test_a_survey_item_scores_its_maximum_times_the_percentage(m: Methodology) -> None:
    card = score_scenario(m, Scenario(methodology=ID, items={"8.1": ItemSetting(value=91.17)}))
    assert card.points_of("8.1") == 9.12  # the 2020 conversion (Hà Tĩnh 2021), assumed for 2018
    assert card.survey == 9.12


# ---------------------------------------------------------------- rules


def test_every_assumed_rule_says_in_vietnamese_what_is_assumed(m: Methodology) -> None:
    assumed = [i for i in m.scored_items if i.rule.basis == "assumption"]
    assert len(assumed) >= 55
    for item in assumed:
        text = item.rule.assumption
        assert text.strip(), item.code
        assert "giả định" in text.lower(), item.code


def test_every_sourced_rule_cites_the_lao_cai_table(m: Methodology) -> None:
    sourced = [i for i in m.scored_items if i.rule.basis == "source"]
    assert {i.code for i in sourced} == {i.code for i in m.scored_items if isinstance(i.rule, YesNoRule)}
    for item in sourced:
        assert "KH 221/KH-UBND Lào Cai 2019, Phụ lục" in item.rule.source, item.code
        assert "không nêu điểm một phần" in item.node.notes, item.code


def test_partial_credit_exists_on_every_numeric_item(m: Methodology) -> None:
    numeric = [i for i in self_items(m) if isinstance(i.rule, ThresholdRule | ProportionalRule)]
    assert len(numeric) == 48
    for item in numeric:
        assert 3 <= len(item_options(item)) <= 5, item.code


def test_every_partial_step_is_a_multiple_of_5_hundredths(m: Methodology) -> None:
    for item in self_items(m):
        for option in item_options(item):
            if isinstance(item.rule, LevelsRule | ThresholdRule) and option.centi != item.max_centi:
                assert option.centi % 5 == 0, (item.code, option)


@pytest.mark.parametrize(
    ("code", "setting", "points"),
    [
        ("3.4.1", ItemSetting(value=96), 1.5),
        ("3.4.1", ItemSetting(value=90), 1.1),
        ("3.4.1", ItemSetting(value=70), 0),
        ("7.2.2", ItemSetting(value=42.5), 1.0),
        ("2.2", ItemSetting(value=85), 1.28),
        ("2.2", ItemSetting(value=69.9), 0),
        ("1.5", ItemSetting(value=2), 1.3),
        ("4.2.3", ItemSetting(value=10), 1.5),
        ("8.3.1", ItemSetting(value=-5), 0),
        ("1.2.1", ItemSetting(level="cham"), 0.25),
        ("8.4", ItemSetting(level="dat"), 0.75),
        ("6.1.3", ItemSetting(level="yes"), 1.0),
    ],
)
def test_rules_turn_achievements_into_points(
    m: Methodology, code: str, setting: ItemSetting, points: float
) -> None:
    card = score_scenario(m, Scenario(methodology=ID, items={code: setting}))
    assert card.points_of(code) == points


def test_the_validator_refuses_a_step_of_0_125_in_this_file() -> None:
    data = raw()
    broken = copy.deepcopy(data)
    report = broken["areas"][0]["criteria"][1]["sub_criteria"][1]  # 1.2.2, max 0.25
    assert report["code"] == "1.2.2"
    report["rule"]["levels"][1]["points"] = 0.125
    with pytest.raises(MethodologyError) as info:
        methodology_from_mapping(broken)
    assert any(p.key == "methodology.rule_points_precision" for p in info.value.problems)


def test_the_validator_refuses_a_maximum_that_breaks_the_64_5_total() -> None:
    broken = raw()
    broken["areas"][0]["criteria"][0]["max_points"] = 1.5  # 1.1: 1.25 -> 1.5
    with pytest.raises(MethodologyError) as info:
        methodology_from_mapping(broken)
    keys = {p.key for p in info.value.problems}
    assert {"methodology.children_sum", "methodology.self_total_mismatch"} <= keys


# ---------------------------------------------------------------- text kept as the table gives it


def test_cells_are_kept_verbatim_with_the_sources_spelling(m: Methodology) -> None:
    assert node(m, "3.2.3").partner_agencies == (
        "Các Sở, banh, ngành",
        "UBND cấp huyện",
        "UBND cấp xã thực hiện công khai",
    )
    # One deliberate exception: a typo in a lead agency would split the plan's agency group, so it is corrected
    # and the source's spelling kept in the notes.
    assert node(m, "3.5.2").lead_agencies == ("Văn phòng UBND tỉnh",)
    assert "Văn phòng UBND tình" in node(m, "3.5.2").notes
    assert node(m, "8.3.2").completion_target == "Tăng so với năm trước liền kế"
    assert node(m, "2.3").completion_target == "Số văn bản đã xử lý\\kiến nghị xử lý đạt từ 70% trở lên"


def test_partners_are_split_on_semicolons_only(m: Methodology) -> None:
    assert node(m, "1.1").partner_agencies == ("Các Sở, ban, ngành", "UBND các huyện, thành phố")
    assert node(m, "1.4.2").lead_agencies == (
        "Sở Văn hóa, Thể thao và Du lịch",
        "Đài Phát thanh - Truyền hình tỉnh",
    )
    assert node(m, "1.5").lead_agencies == ("Sở Nội vụ", "Sở Khoa học và Công nghệ")


def test_cells_missing_in_the_source_are_empty_and_explained(m: Methodology) -> None:
    expected_empty = {
        "1.3.2": "evidence_document",
        "1.6": "evidence_content",
        "6.2.1": "evidence_content",
        "6.2.2": "evidence_content",
        "6.2.3": "completion_target",
    }
    for code, field in expected_empty.items():
        n = node(m, code)
        assert getattr(n, field) == "", code
        assert "để trống trong nguồn" in n.notes, code
    only_target = node(m, "1.4.1")
    assert only_target.completion_target == "Hoàn thành 100% kế hoạch"
    assert (only_target.evidence_document, only_target.deadline, only_target.lead_agencies) == ("", "", ())
    assert node(m, "1.3.2").evidence_content == "Cả năm"
    assert node(m, "1.3.2").completion_target == "100 % số vấn đề được xử lý hoặc kiến nghị xử lý."


def test_area_names_are_in_sentence_case_and_every_name_has_an_english_translation(m: Methodology) -> None:
    assert node(m, "1").name_vi == "Công tác chỉ đạo, điều hành CCHC"
    assert node(m, "3").name_vi == "Cải cách thủ tục hành chính"
    for code, n in m.nodes_by_code.items():
        assert n.name_en.strip(), code
        assert n.name_en != n.name_vi, code


def test_every_scored_item_has_a_lead_agency_after_falling_back_to_criterion_then_area(
    m: Methodology,
) -> None:
    for item in m.scored_items:
        lead = item.node.lead_agencies or item.criterion.lead_agencies or item.area.lead_agencies
        assert lead, item.code
    assert m.item("1.4.1").node.lead_agencies == ()  # empty cell in the source: falls back to area 1
    assert node(m, "1").lead_agencies == ("Sở Nội vụ",)


def test_area_agencies_come_from_section_ii_of_the_plan(m: Methodology) -> None:
    leads = {a.code: a.lead_agencies for a in m.areas}
    assert leads["2"] == ("Sở Tư pháp",)
    assert leads["3"] == ("Văn phòng UBND tỉnh",)
    assert leads["6"] == ("Sở Tài chính",)
    assert leads["7"] == ("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ")
    for area in m.areas[:8]:
        assert "Phân công trách nhiệm" in area.source, area.code


# ---------------------------------------------------------------- versions.yaml


def test_versions_lists_every_known_scheme_with_a_source() -> None:
    versions = {v.decision: v for v in known_scheme_versions()}
    assert list(versions) == ["2948/QĐ-BNV", "2636/QĐ-BNV", "1149/QĐ-BNV", "876/QĐ-BNV", "892/QĐ-BNV"]
    for v in versions.values():
        assert v.source_url.startswith("http"), v.id
        assert v.status_vi and v.status_en, v.id
        assert "tự nạp" in v.status_vi and "load" in v.status_en, v.id


def test_versions_lists_qd_876_with_37_criteria_88_sub_criteria_68_plus_32_points() -> None:
    v = next(v for v in known_scheme_versions() if v.decision == "876/QĐ-BNV")
    assert (v.areas, v.criteria, v.sub_criteria) == (8, 37, 88)
    assert (v.self_assessed_points, v.survey_points, v.total_points) == (68, 32, 100)
    assert v.bundled_methodology is None


def test_versions_points_to_the_bundled_2018_table() -> None:
    v = next(v for v in known_scheme_versions() if v.decision == "2636/QĐ-BNV")
    assert v.bundled_methodology == ID
    assert (v.self_assessed_points, v.survey_points) == (64.5, 35.5)
    m = load_bundled_methodology(v.bundled_methodology)
    assert m.self_assessed_points == Decimal("64.5")


def test_the_2017_area_table_is_bundled_and_sums_to_100() -> None:
    v = next(v for v in known_scheme_versions() if v.decision == "2948/QĐ-BNV")
    assert "areas_2017_qd2948.csv" in v.notes
    lines = (data_dir() / "methodologies" / "areas_2017_qd2948.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(lines))
    assert len(rows) == 8
    assert sum(float(r["max_points"]) for r in rows) == 100
    assert all(r["source_url"].startswith("http") for r in rows)
