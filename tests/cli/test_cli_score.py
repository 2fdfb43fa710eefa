"""`python -m planner methodologies` and `python -m planner score`, run as a user runs them: in a subprocess from the
repository root, checking stdout, stderr and the exit code."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_planner as run

from planner.core.i18n import t

REPO = Path(__file__).resolve().parents[2]
LAO_CAI = "data/examples/lao-cai-2019.json"
DOCUMENTED_KEYS = {"methodology", "total", "self_assessed", "survey", "max_total", "areas"}
SPEC_ITEMS = {"3.4.1": {"points": 1.0}, "7.2.2": {"value": 42.5}, "1.1": {"level": "cham"}}


def score_json(path: str | Path, *extra: str) -> dict[str, Any]:
    result = run("score", str(path), "--json", *extra)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def write(tmp_path: Path, data: Any, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# ---------------------------------------------------------------- methodologies


def test_methodologies_lists_the_bundled_table_as_id_tab_name() -> None:
    result = run("methodologies")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "qd2636-2018\tChỉ số CCHC cấp tỉnh theo QĐ 2636/QĐ-BNV (năm 2018-2019)" in lines
    for line in lines:
        assert len(line.split("\t")) == 2


def test_methodologies_in_english() -> None:
    result = run("methodologies", "--lang", "en")
    assert (
        "qd2636-2018\tProvincial PAR INDEX under Decision 2636/QĐ-BNV (index years 2018-2019)"
        in result.stdout
    )


# ---------------------------------------------------------------- score


def test_score_json_prints_the_documented_keys_for_lao_cai() -> None:
    data = score_json(LAO_CAI)
    assert set(data) >= DOCUMENTED_KEYS
    assert data["methodology"] == "qd2636-2018"
    assert (data["total"], data["self_assessed"], data["survey"], data["max_total"]) == (
        78.47,
        52.9,
        25.57,
        100,
    )
    assert [a["code"] for a in data["areas"]] == ["1", "2", "3", "4", "5", "6", "7", "8", "KS"]
    for area in data["areas"]:
        assert set(area) == {"code", "name", "points", "max"}
    areas = {a["code"]: a for a in data["areas"]}
    assert areas["1"] == {"code": "1", "name": "Công tác chỉ đạo, điều hành CCHC", "points": 7.8, "max": 9}
    assert (areas["8"]["points"], areas["8"]["max"]) == (10.55, 14.5)
    assert (areas["KS"]["points"], areas["KS"]["max"]) == (17.27, 25.5)
    assert round(sum(a["points"] for a in data["areas"]), 2) == 78.47
    assert sum(a["max"] for a in data["areas"]) == 100


def test_score_json_names_areas_in_english_with_lang_en() -> None:
    data = score_json(LAO_CAI, "--lang", "en")
    assert data["areas"][2]["name"] == "Administrative procedure reform"
    assert data["total"] == 78.47


def test_score_json_of_the_at_the_targets_example() -> None:
    data = score_json("data/examples/lao-cai-2019-target.json")
    assert (data["self_assessed"], data["survey"], data["total"]) == (64.5, 25.57, 90.07)


def test_score_prints_a_table_with_vietnamese_numbers_by_default() -> None:
    result = run("score", LAO_CAI)
    assert result.returncode == 0
    assert "Tổng điểm: 78,47 / 100 (tự đánh giá 52,9, điều tra XHH 25,57)" in result.stdout
    english = run("score", LAO_CAI, "--lang", "en")
    assert "Total: 78.47 / 100 (self-assessed 52.9, survey 25.57)" in english.stdout


def test_a_scenario_by_points_value_and_level_scores_only_those_items(tmp_path: Path) -> None:
    data = score_json(write(tmp_path, {"items": SPEC_ITEMS}))
    # 3.4.1 set to 1.0 point; 7.2.2 at 42.5% online (target ≥ 40%) = 1.0; 1.1 "cham" (late plan) = 0.6
    assert (data["total"], data["self_assessed"], data["survey"]) == (2.6, 2.6, 0)
    points = {a["code"]: a["points"] for a in data["areas"]}
    assert points == {"1": 0.6, "2": 0, "3": 1.0, "4": 0, "5": 0, "6": 0, "7": 1.0, "8": 0, "KS": 0}


def test_unset_items_count_full_marks_with_default_max(tmp_path: Path) -> None:
    data = score_json(write(tmp_path, {"default": "max", "items": SPEC_ITEMS}))
    # 100 - (1.5 - 1.0) on 3.4.1 - 0 on 7.2.2 - (1.25 - 0.6) on 1.1
    assert (data["total"], data["self_assessed"], data["survey"]) == (98.85, 63.35, 35.5)
    points = {a["code"]: a["points"] for a in data["areas"]}
    assert (points["1"], points["3"], points["7"], points["KS"]) == (8.35, 12.5, 9.5, 25.5)


def test_an_empty_scenario_scores_zero(tmp_path: Path) -> None:
    data = score_json(write(tmp_path, {}))
    assert data["total"] == 0
    assert data["max_total"] == 100


# ---------------------------------------------------------------- errors: exit 2, one line, no traceback


@pytest.mark.parametrize(
    ("content", "vi", "en"),
    [
        pytest.param(
            {"items": {"9.9": {"points": 1}}},
            "Không có tiêu chí mã “9.9”",
            "There is no item with code “9.9”",
            id="unknown-code",
        ),
        pytest.param(
            {"items": {"7.2.2": {"value": 142.5}}},
            "“7.2.2”: giá trị 142,5 nằm ngoài khoảng",
            "“7.2.2”: value 142.5 is outside",
            id="value-out-of-range",
        ),
        pytest.param(
            {"items": {"3.4.1": {"points": 2}}},
            "“3.4.1”: 2 điểm nằm ngoài khoảng 0–1,5",
            "“3.4.1”: 2 points are outside 0–1.5",
            id="points-out-of-range",
        ),
        pytest.param(
            {"items": {"1.1": {"level": "xuat_sac"}}},
            "“1.1”: không có mức “xuat_sac”",
            "“1.1”: there is no level “xuat_sac”",
            id="unknown-level",
        ),
        pytest.param('{"items": ', "không phải JSON hợp lệ", "not valid JSON", id="malformed-json"),
        pytest.param(
            {"schema_version": 99, "items": {}},
            "phiên bản định dạng 99",
            "format version 99",
            id="newer-schema-version",
        ),
    ],
)
def test_bad_scenarios_fail_with_one_line_in_the_users_language(
    tmp_path: Path, content: Any, vi: str, en: str
) -> None:
    path = write(tmp_path, content)
    assert_one_line_error(run("score", str(path)), vi)
    assert_one_line_error(run("score", str(path), "--json"), vi)
    assert_one_line_error(run("score", str(path), "--lang", "en"), en)


def test_a_missing_file_fails_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.json"
    assert_one_line_error(run("score", str(missing)), "Không tìm thấy tệp", "khong-co.json")
    assert_one_line_error(run("score", str(missing), "--lang", "en"), "File not found", "khong-co.json")


def test_an_unknown_methodology_fails_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, {"methodology": "qd999-2099", "items": {}})
    assert_one_line_error(run("score", str(path)), "Không có phương pháp “qd999-2099”", "qd2636-2018")
    assert_one_line_error(run("score", str(path), "--lang", "en"), "No methodology “qd999-2099”")


@pytest.mark.parametrize("shape", ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000])
def test_a_scenario_nested_100000_deep_is_one_line_and_exit_2(tmp_path: Path, shape: str) -> None:
    """Python's JSON parser recurses per bracket: without care this escaped as a RecursionError traceback."""
    deep = tmp_path / "deep.json"
    deep.write_text(shape, encoding="utf-8")
    for lang, key in (("vi", "vi"), ("en", "en")):
        done = run("score", str(deep), "--lang", lang)
        assert done.returncode == 2
        assert done.stderr.strip() == t("scenario.json_too_deep", key)
        assert "Traceback" not in done.stderr and done.stdout == ""
