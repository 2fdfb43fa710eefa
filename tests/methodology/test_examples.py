"""The bundled worked examples load, score to their published totals, say they are illustrative, and are exactly
what data/examples/build_examples.py writes."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

import pytest
import yaml

from planner.core.data import data_dir
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import ScoreCard, score_scenario

EXAMPLES = data_dir() / "examples"

#: Published totals each example is anchored on (reference/results/par_index_results.csv).
PUBLISHED_TOTAL_CENTI = {
    "lao-cai-2019": 7847,  # Lào Cai 2018: 78,47 điểm, 21/63 (QĐ 326/QĐ-BNV, quoted by KH 221/KH-UBND)
    "quang-ngai-2025": 8645,  # Quảng Ngãi 2021: 86,45, 39/63
    "an-giang-2023": 8132,  # An Giang 2023: 81,32, 63/63
}


def index() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "index.yaml").read_text(encoding="utf-8"))
    return data


def entries() -> list[dict[str, Any]]:
    examples: list[dict[str, Any]] = index()["examples"]
    return examples


def load(example_id: str) -> tuple[Scenario, ScoreCard]:
    scenario = read_scenario_file(EXAMPLES / f"{example_id}.json")
    return scenario, score_scenario(load_bundled_methodology(scenario.methodology), scenario)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_the_index_lists_every_example_file_and_opens_on_lao_cai() -> None:
    data = index()
    ids = [e["id"] for e in entries()]
    assert data["default"] == "lao-cai-2019" == ids[0]
    assert ids == [
        "lao-cai-2019",
        "lao-cai-2019-target",
        "quang-ngai-2025",
        "quang-ngai-papi-2025",
        "an-giang-2023",
    ]
    assert sorted(e["file"] for e in entries()) == sorted(p.name for p in EXAMPLES.glob("*.json"))
    keys = {"id", "file", "name_vi", "name_en", "province", "year", "target_rank", "description_vi"}
    for entry in entries():
        optional = {"path_from"}  # a plan over several years says its period
        assert keys | {"description_en", "illustrative"} == set(entry) - optional, entry["id"]
        assert entry["illustrative"] is True
        assert entry["file"] == f"{entry['id']}.json"
    quang_ngai = next(e for e in entries() if e["id"] == "quang-ngai-2025")
    assert quang_ngai["path_from"] == 2022  # seed 003: 2022-2025
    scenario, _ = load("quang-ngai-2025")
    assert scenario.target is not None and (scenario.target.best_rank, scenario.target.rank) == (25, 30)


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["id"])
def test_each_example_loads_validates_and_scores(entry: dict[str, Any]) -> None:
    scenario, card = load(entry["id"])
    m = load_bundled_methodology(scenario.methodology)
    assert scenario.methodology == ("papi-2018" if "papi" in entry["id"] else "qd2636-2018")
    assert (scenario.province, scenario.year) == (entry["province"], entry["year"])
    assert scenario.name == entry["name_vi"]
    assert set(scenario.items) == {i.code for i in m.scored_items}  # every item set explicitly
    assert 0 < card.total <= float(m.total_points)
    assert card.total_centi == card.self_assessed_centi + card.survey_centi


def test_the_quang_ngai_papi_example_is_the_fields_estimate_and_says_so() -> None:
    """No Quảng Ngãi PAPI figure is published in the bundled sources: the example's total is the 2021 field's
    reconstruction, spread evenly over the 8 dimensions, and its notes and items say both."""
    from planner.field.bundled import bundled_field

    scenario, card = load("quang-ngai-papi-2025")
    assert card.total == round(bundled_field(2021, 63, "papi").entry("Quảng Ngãi").score, 2)
    assert "ước tính" in scenario.notes and all("GIẢ ĐỊNH" in s.note for s in scenario.items.values())
    assert scenario.target is not None and (scenario.target.best_rank, scenario.target.rank) == (25, 30)


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["id"])
def test_each_example_says_it_is_illustrative(entry: dict[str, Any]) -> None:
    scenario, _ = load(entry["id"])
    assert "minh họa" in scenario.name.lower()
    assert "illustrative" in entry["name_en"].lower()
    # the notes are the Vietnamese page's text (no English tail); the English says so in its name and description
    assert "MINH HỌA" in scenario.notes and "ILLUSTRATIVE" not in scenario.notes
    assert "illustrative" in (entry["description_en"] + entry["name_en"]).lower()


def test_lao_cai_baseline_totals_exactly_78_47_and_is_marked_illustrative() -> None:
    scenario, card = load("lao-cai-2019")
    assert card.total_centi == 7847
    assert card.total == 78.47
    assert (card.self_assessed, card.survey) == (52.9, 25.57)
    assert card.points_of("8.1") == 8.3  # Lào Cai's 2019 SIPAS component, used as the plausible 2018 level
    assert "78,47" in scenario.name and "21/63" in scenario.name
    assert "minh họa" in scenario.name.lower()


@pytest.mark.parametrize(("example_id", "centi"), sorted(PUBLISHED_TOTAL_CENTI.items()))
def test_each_baseline_hits_its_published_total_to_the_hundredth(example_id: str, centi: int) -> None:
    _, card = load(example_id)
    assert card.total_centi == centi


def test_every_item_below_full_marks_in_a_baseline_says_why() -> None:
    for example_id in PUBLISHED_TOTAL_CENTI:
        scenario, card = load(example_id)
        for item in card.items():
            if item.centi < item.max_centi or item.assessment == "survey":
                assert scenario.items[item.code].note.startswith("Minh họa"), (example_id, item.code)


def test_lao_cai_at_the_targets_scores_64_5_self_assessed_with_the_same_survey() -> None:
    base, base_card = load("lao-cai-2019")
    target, card = load("lao-cai-2019-target")
    assert card.self_assessed == 64.5
    assert card.survey_centi == base_card.survey_centi
    assert card.total == 90.07
    for code in ("8.1", "KS.1"):
        assert target.items[code] == base.items[code]
    assert target.province == base.province and target.year == base.year


def test_examples_under_a_newer_scheme_say_the_2018_table_stands_in() -> None:
    for example_id, scheme in (("quang-ngai-2025", "1149/QĐ-BNV"), ("an-giang-2023", "876/QĐ-BNV")):
        scenario, _ = load(example_id)
        assert scheme in scenario.notes
        assert "QĐ 2636/QĐ-BNV (2018) để minh họa" in scenario.notes


def test_the_generator_reproduces_the_committed_files_byte_for_byte() -> None:
    built: dict[str, str] = generator().build_all()
    assert set(built) == {p.name for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml")}
    for name, text in built.items():
        on_disk = (EXAMPLES / name).read_bytes()
        assert on_disk == text.encode("utf-8"), f"{name} differs: run data/examples/build_examples.py"


def test_the_generator_is_deterministic() -> None:
    module = generator()
    assert module.build_all() == module.build_all()


def test_the_generator_states_its_rule() -> None:
    doc = generator().__doc__ or ""
    for phrase in ("one step short", "Performance targets", "published score", "ILLUSTRATIVE"):
        assert phrase in doc


def test_examples_only_store_values_levels_and_notes() -> None:
    for entry in entries():
        scenario, _ = load(entry["id"])
        assert all(s.points is None for s in scenario.items.values()), entry["id"]
        assert scenario.default == "zero"
