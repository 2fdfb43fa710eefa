"""`optimise --years` and `plan --years`: the path's stable JSON, the sheet per year, and bad flags refused."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from cli_support import run_planner

QN = "data/examples/quang-ngai-2025.json"
BUDGETS = "2022:12,2023:12,2024:12,2025:12"


def test_optimise_years_prints_the_documented_json() -> None:
    done = run_planner(
        "optimise", QN, "--years", "2022-2025", "--path-ranks", "2023:35",
        "--path-bands", "2025:25-30", "--budget-per-year", BUDGETS, "--rivals", "fixed", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data)[:3] == ["status", "effort_total", "years"]
    assert data["status"] == "optimal"
    assert [y["year"] for y in data["years"]] == [2022, 2023, 2024, 2025]
    for year in data["years"]:
        assert list(year)[:7] == ["year", "target", "score", "rank", "p_reach", "effort", "changes"]
        assert year["effort"] <= 12
        for change in year["changes"]:
            assert {"code", "from_level", "to_level", "effort"} <= set(change)
    final = data["years"][-1]
    assert final["target"]["kind"] == "band" and final["target"]["rank"] == 30
    assert final["target"]["best_rank"] == 25 and final["rank"] <= 30
    assert data["years"][1]["target"] == {
        "kind": "rank", "score": data["years"][1]["target"]["score"], "rank": 35, "best_rank": None,
        "probability": None, "reachable": True,
    }  # fmt: skip
    assert data["effort_total"] == sum(y["effort"] for y in data["years"])
    assert data["base_field_year"] == 2021


def test_target_rank_with_years_targets_the_final_year_and_scores_work_without_a_province(
    tmp_path: Path,
) -> None:
    done = run_planner(
        "optimise", QN, "--years", "2024-2025", "--target-rank", "30", "--rivals", "fixed", "--json"
    )
    assert done.returncode == 0, done.stderr
    years = json.loads(done.stdout)["years"]
    assert years[0]["target"] is None and years[1]["target"]["rank"] == 30
    scenario = json.loads(Path(QN).read_text(encoding="utf-8"))
    scenario.pop("province")
    path = tmp_path / "no-province.json"
    path.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    done = run_planner(
        "optimise", str(path), "--years", "2024-2025", "--path-scores", "2024:87,2025:88", "--json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [y["score"] >= t for y, t in zip(data["years"], (87, 88), strict=True)] == [True, True]
    assert all(y["rank"] is None for y in data["years"])
    refused = run_planner("optimise", str(path), "--years", "2024-2025", "--target-rank", "30")
    assert refused.returncode == 2 and "tỉnh" in refused.stderr


def test_path_settings_file_adds_upkeep_locks_and_deadlines(tmp_path: Path) -> None:
    first = json.loads(
        run_planner(
            "optimise", QN, "--years", "2022-2023", "--path-scores", "2023:87.5", "--json"
        ).stdout
    )  # fmt: skip
    moved = [c["code"] for y in first["years"] for c in y["changes"]]
    assert moved
    settings = tmp_path / "path.json"
    settings.write_text(json.dumps({"locked": {moved[0]: [2022, 2023]}}), encoding="utf-8")
    done = run_planner(
        "optimise", QN, "--years", "2022-2023", "--path-scores", "2023:87.5", "--path-settings", str(settings), "--json"
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert moved[0] not in [c["code"] for y in json.loads(done.stdout)["years"] for c in y["changes"]]


def test_plan_years_writes_a_sheet_per_year(tmp_path: Path) -> None:
    out = tmp_path / "path.xlsx"
    done = run_planner(
        "plan", QN, "--years", "2022-2025", "--path-scores", "2022:87,2025:88.5", "--budget-per-year", BUDGETS,
        "--rivals", "fixed", "--xlsx", str(out), "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Hướng dẫn", "Lộ trình", "Năm 2022", "Năm 2023", "Năm 2024", "Năm 2025"]
    path = wb["Lộ trình"]
    rows = {r[0]: r for r in path.iter_rows(min_row=5, max_row=10, values_only=True) if isinstance(r[0], int)}
    for year in data["years"]:
        assert rows[year["year"]][3] == year["score"] and rows[year["year"]][6] == year["effort"]
    for year in data["years"]:
        sheet = wb[f"Năm {year['year']}"]
        codes = {row[0] for row in sheet.iter_rows(min_row=6, values_only=True)}
        assert {c["code"] for c in year["changes"]} <= codes


def test_bad_path_flags_are_one_line_errors() -> None:
    for flags, needle in (
        (["--years", "2025-2022", "--target-score", "90"], "2025-2022"),
        (["--years", "2022-2023", "--path-ranks", "2023:abc"], "abc"),
        (["--years", "2022-2023", "--path-bands", "2023:30"], "30"),
        (["--years", "2022-2023", "--path-scores", "2027:90"], "2027"),
    ):
        done = run_planner("optimise", QN, *flags)
        assert done.returncode == 2, (flags, done.stderr)
        assert needle in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_path_as_one_word_plan_for_the_period_with_an_appendix_per_year(tmp_path: Path) -> None:
    """Issue 15: the path had a workbook with a sheet per year but no Word Kế hoạch. Quảng Ngãi 2022-2025 to the
    band 25-30: one document, each year's goal and tasks, one appendix per year that moves something."""
    from docx import Document

    out = tmp_path / "lo-trinh.docx"
    done = run_planner(
        "plan", "data/examples/quang-ngai-2025.json", "--years", "2022-2025", "--path-bands", "2025:25-30",
        "--rivals", "fixed", "--docx", str(out), "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["docx"] == str(out)
    moving = [y["year"] for y in data["years"] if y["changes"]]
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Nâng cao Chỉ số cải cách hành chính (PAR INDEX) giai đoạn 2022–2025" in text
    for year in (2022, 2023, 2024, 2025):
        assert f"Năm {year}:" in text
    appendices = [p.text for p in document.paragraphs if p.text.startswith("NHIỆM VỤ NÂNG CAO")]
    assert appendices == [f"NHIỆM VỤ NÂNG CAO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX) NĂM {y}" for y in moving]
    # every move of the path is a row of its year's appendix (each appendix table lists that year's codes)
    tables = document.tables[-len(moving) :]
    for year_data, table in zip([y for y in data["years"] if y["changes"]], tables, strict=True):
        codes = {row.cells[0].text for row in table.rows}
        assert {c["code"] for c in year_data["changes"]} <= codes
