"""`python -m planner rank`: the stable JSON, tables from files, projections, errors (exit 2, one line)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.field.provinces import province_names

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", "rank", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_rank_in_a_past_year_with_our_province() -> None:
    out = _run("--year", "2021", "--score", "88.0", "--province", "Lào Cai", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"year", "score", "rank", "n", "field", "ties", "rank_interval"} <= set(data)
    assert data["year"] == 2021 and data["score"] == 88.0 and data["n"] == 63
    assert data["field"] == "reconstructed"
    lo, hi = data["rank_interval"]
    assert lo <= data["rank"] <= hi
    # Sourced 2021 scores: Hưng Yên 88.34 is 12th and Thanh Hóa 87.83 14th, so 88.00 ranks 13th or 14th.
    assert data["rank"] in (13, 14)
    assert data["region"] == "Trung du và miền núi phía Bắc"


def test_rank_of_a_projected_year_gives_probabilities() -> None:
    out = _run("--year", "2026", "--score", "90", "--project-from", "2024", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    p = data["p_rank_le"]
    assert list(p) == ["1", "3", "5", "10", "20"]
    assert all(0 <= v <= 1 for v in p.values())
    assert [p[k] for k in p] == sorted(p.values())
    assert data["n"] == 34 and data["provinces"] == 34 and data["project_from"] == 2024
    assert data["field"] == "reconstructed"


def test_the_63_province_ranking_of_a_projected_year_can_be_chosen() -> None:
    out = _run("--year", "2026", "--score", "90", "--project-from", "2024", "--provinces", "63", "--json")
    assert json.loads(out.stdout)["n"] == 63


def test_a_results_file_is_used_as_the_field(tmp_path: Path) -> None:
    path = tmp_path / "official.csv"
    lines = ["Tỉnh/Thành phố;Điểm"] + [
        f"{name};{95 - 0.25 * i:.2f}".replace(".", ",") for i, name in enumerate(province_names(63))
    ]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    out = _run("--year", "2024", "--score", "94,75", "--field", str(path), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["field"] == "official"
    assert data["rank"] == 2 and data["ties"] == [province_names(63)[1]]
    assert data["rank_interval"] == [2, 2]


def test_overrides_and_others_fixed() -> None:
    out = _run(
        "--year", "2025", "--score", "90", "--provinces", "63", "--mode", "fixed",
        "--override", "Hải Phòng=-10", "--json",
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert out.returncode == 0, out.stderr
    assert data["mode"] == "fixed" and data["project_from"] == 2024
    assert data["rank_interval"][0] == data["rank_interval"][1] == data["rank"]


def test_text_output_is_vietnamese_by_default_and_english_on_request() -> None:
    vi = _run("--year", "2023", "--score", "88,5", "--province", "Huế")
    assert vi.returncode == 0 and "xếp hạng" in vi.stdout and "88,5" in vi.stdout
    en = _run("--year", "2023", "--score", "88.5", "--province", "Hue", "--lang", "en")
    assert "ranks" in en.stdout and "88.5" in en.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--year", "2010", "--score", "88"), "2010"),
        (("--year", "2021", "--score", "88", "--province", "Atlantis"), "Atlantis"),
        (("--year", "2021", "--score", "120"), "120"),
        (("--year", "2021", "--score", "abc"), ""),
        (("--year", "2021", "--score", "88", "--override", "Quảng Ninh=+2"), "--override"),
        (("--year", "2021", "--score", "88", "--field", "/nonexistent.csv"), "nonexistent"),
    ],
)
def test_errors_exit_2_with_one_line(args: tuple[str, ...], fragment: str) -> None:
    out = _run(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    assert fragment in out.stderr


def test_errors_in_english() -> None:
    out = _run("--year", "2010", "--score", "88", "--lang", "en")
    assert out.returncode == 2 and "No results for 2010" in out.stderr
