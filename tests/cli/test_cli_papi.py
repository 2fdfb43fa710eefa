"""PAPI on the command line (issue 13): `methodologies`, `rank --index papi`, `score` and `optimise` on the
Quảng Ngãi PAPI case, and the index checked against the scenario's methodology."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAPI_CASE = ROOT / "data" / "examples" / "quang-ngai-papi-2025.json"
PAR_CASE = ROOT / "data" / "examples" / "quang-ngai-2025.json"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def test_methodologies_lists_the_papi_scheme_and_filters_by_index() -> None:
    every = _run("methodologies")
    assert every.returncode == 0 and "papi-2018\t" in every.stdout and "qd2636-2018\t" in every.stdout
    only = _run("methodologies", "--index", "papi")
    assert only.stdout.splitlines() == ["papi-2018\tChỉ số PAPI (8 nội dung, từ năm 2018)"]


def test_rank_with_index_papi_has_the_par_shape_plus_index_and_max() -> None:
    papi = json.loads(_run("rank", "--index", "papi", "--year", "2023", "--score", "45.7", "--json").stdout)
    par = json.loads(_run("rank", "--year", "2023", "--score", "88", "--json").stdout)
    assert set(papi) == set(par)
    assert (papi["index"], papi["max"], par["index"], par["max"]) == ("papi", 80, "par", 100)
    assert papi["n"] == 63 and papi["group"] == "1"
    assert papi["rank"] == 3  # Bắc Ninh's published 45.70 is 3rd of 63 (hanoitimes)


def test_a_projected_papi_rank_has_the_projection_keys() -> None:
    out = _run(
        "rank", "--index", "papi", "--year", "2025", "--score", "45", "--province", "Quảng Ngãi", "--json"
    )
    data = json.loads(out.stdout)
    assert data["index"] == "papi" and data["project_from"] == 2024 and "p_rank_le" in data


def test_a_score_above_the_papi_scale_is_one_clear_line() -> None:
    out = _run("rank", "--index", "papi", "--year", "2023", "--score", "90")
    assert out.returncode == 2 and out.stdout == ""
    assert "90" in out.stderr and "0–80" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_score_of_the_papi_case_and_an_index_that_does_not_match() -> None:
    data = json.loads(_run("score", str(PAPI_CASE), "--json").stdout)
    assert data["index"] == "papi" and data["max_total"] == 80 and data["total"] == 42.02
    assert len(data["areas"]) == 8
    wrong = _run("score", str(PAR_CASE), "--index", "papi")
    assert wrong.returncode == 2 and "qd2636-2018" in wrong.stderr and "papi" in wrong.stderr


def test_optimise_the_papi_case_to_rank_30_moves_dimensions_by_lead_agency() -> None:
    out = _run("optimise", str(PAPI_CASE), "--index", "papi", "--target-rank", "30", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["status"] == "optimal" and data["target_rank"] == 30
    assert data["changes"] and all(c["code"].startswith("P") for c in data["changes"])
    assert data["score"] >= data["target_score"] > 42.02


def test_combine_two_plan_workbooks_into_one_plan_by_agency(tmp_path: Path) -> None:
    par, papi, out = tmp_path / "par.xlsx", tmp_path / "papi.xlsx", tmp_path / "chung.xlsx"
    assert _run("plan", str(PAR_CASE), "--target-rank", "30", "--xlsx", str(par)).returncode == 0
    assert _run("plan", str(PAPI_CASE), "--target-rank", "30", "--xlsx", str(papi)).returncode == 0
    import openpyxl

    cells = [
        v for ws in openpyxl.load_workbook(papi).worksheets for r in ws.iter_rows(values_only=True) for v in r
    ]
    heading = "PHÂN CÔNG NHIỆM VỤ CẢI THIỆN CHỈ SỐ HIỆU QUẢ QUẢN TRỊ VÀ HÀNH CHÍNH CÔNG (PAPI) – Quảng Ngãi"
    assert any(isinstance(v, str) and v.startswith(heading) for v in cells)
    assert not any(isinstance(v, str) and "CẢI CÁCH HÀNH CHÍNH" in v for v in cells)
    # the instructions speak of dimensions and a citizen survey, not of the PAR appendix of Lào Cai
    assert any(isinstance(v, str) and "khảo sát người dân" in v for v in cells)
    assert not any(isinstance(v, str) and "221/KH-UBND" in v for v in cells)
    done = _run("combine", str(par), str(papi), "--xlsx", str(out), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [t["index"] for t in data["totals"]] == ["par", "papi"] and data["totals"][1]["max"] == 80
    rows = [r for a in data["agencies"] for r in a["rows"]]
    assert {r["index"] for r in rows} == {"par", "papi"}
    assert any(r["code"] == "P8" and r["also_serves"] for r in rows)
    assert out.read_bytes()[:2] == b"PK"
    bad = _run("combine", str(PAR_CASE))
    assert bad.returncode == 2 and "không phải là kế hoạch" in bad.stderr


def test_baseline_from_published_results_and_from_the_provinces_table(tmp_path: Path) -> None:
    out = tmp_path / "bn.json"
    done = _run("baseline", "--from-results", "2020", "--methodology", "papi-2018", "--province", "Bắc Ninh",
                "--year", "2021", "--out", str(out), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["index"] == "papi" and data["total_provenance"] == "sourced"
    assert {d["origin"] for d in data["dimensions"]} == {"published"}
    assert json.loads(out.read_text(encoding="utf-8"))["methodology"] == "papi-2018"
    from papi_fixtures import papi_rows, papi_xlsx

    table = tmp_path / "papi-2024.xlsx"
    table.write_bytes(papi_xlsx(papi_rows()))
    done = _run("baseline", "--from-results", "2024", "--table", str(table), "--methodology", "papi-2018",
                "--province", "Quảng Ngãi", "--out", str(out), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert {d["origin"] for d in json.loads(done.stdout)["dimensions"]} == {"table"}
    both = _run(
        "baseline", str(table), "--from-results", "2024", "--methodology", "papi-2018", "--out", str(out)
    )
    assert both.returncode == 2 and "--from-results" in both.stderr


def test_the_papi_path_to_the_band_in_2025_and_its_word_plan(tmp_path: Path) -> None:
    """Seed 003's "25-30/63 by 2025", PAPI side, over 2022-2025, and the Kế hoạch in Word."""
    out = _run("optimise", str(PAPI_CASE), "--years", "2022-2025", "--path-bands", "2025:25-30", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["status"] == "optimal" and data["years"][-1]["rank"] <= 30
    docx = tmp_path / "papi.docx"
    assert _run("plan", str(PAPI_CASE), "--target-rank", "30", "--docx", str(docx)).returncode == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "Nâng cao Chỉ số Hiệu quả Quản trị và Hành chính công (PAPI) năm 2025" in text
    assert "PAR INDEX" not in text and "CCHC" not in text and "CẢI CÁCH" not in text
