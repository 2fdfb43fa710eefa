"""`python -m planner review`: a plan workbook written by `plan --xlsx`, filled in, reviewed; agency workbooks
written and read back; the report written; bad input refused with one line and exit 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.cli_support import run_planner

EXAMPLE = "data/examples/lao-cai-2019.json"
ISSUE_KEYS = ["expected_score", "p_target", "done", "in_progress", "not_started", "late", "by_agency", "next"]


@pytest.fixture(scope="module")
def plan_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "plan.xlsx"
    done = run_planner("plan", EXAMPLE, "--target-rank", "5", "--xlsx", str(path))
    assert done.returncode == 0, done.stderr
    return path


def _filled(source: Path, target: Path, statuses: dict[str, tuple[str, int]]) -> Path:
    wb = load_workbook(source)
    ws = wb["Tiến độ"]
    header = {c.value: c.column for c in ws[4]}
    for r in range(5, ws.max_row + 1):
        code = ws.cell(row=r, column=header["Mã"]).value
        if code in statuses:
            status, percent = statuses[code]
            ws.cell(row=r, column=header["Trạng thái"]).value = status
            ws.cell(row=r, column=header["% hoàn thành"]).value = percent
    wb.save(target)
    return target


def _review(*args: str) -> dict[str, object]:
    done = run_planner("review", *args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def test_an_untouched_plan_is_the_baseline_and_a_finished_one_the_planned_score(
    plan_xlsx: Path, tmp_path: Path
) -> None:
    start = _review(str(plan_xlsx), "--as-of", "2019-02-01")
    assert list(start)[: len(ISSUE_KEYS) + 1] == [
        "as_of",
        *ISSUE_KEYS[:2],
        *list(start)[3 : len(ISSUE_KEYS) + 1],
    ]
    assert set(ISSUE_KEYS) <= set(start)
    assert start["expected_score"] == 78.47 and start["done"] == 0 and start["not_started"] == 7
    assert [a["agency"] for a in start["by_agency"]] == [  # type: ignore[index]
        "Sở Nội vụ",
        "Sở Khoa học và Công nghệ",
        "Sở Tư pháp",
        "Sở Tài chính",
        "Sở Kế hoạch và Đầu tư",
    ]
    assert set(start["by_agency"][0]) >= {"agency", "rows", "done", "late", "points_at_stake"}  # type: ignore[index]
    assert [s["code"] for s in start["next"]] == ["1.5", "2.3", "6.2.3", "6.3.1", "6.3.2", "8.2", "8.4"]  # type: ignore[attr-defined]
    assert set(start["next"][0]) == {"code", "to_level", "effort"}  # type: ignore[index]
    codes = ["1.5", "2.3", "6.2.3", "6.3.1", "6.3.2", "8.2", "8.4"]
    finished = _filled(plan_xlsx, tmp_path / "done.xlsx", {c: ("Hoàn thành", 100) for c in codes})
    end = _review(str(finished), "--as-of", "31/12/2019")
    assert end["expected_score"] == 83.67 and end["done"] == 7 and end["next"] == []
    assert end["next_status"] == "nothing_open"


def test_half_way_with_a_late_row(plan_xlsx: Path, tmp_path: Path) -> None:
    # the plan's deadlines all read "Trong năm 2019": by 15/01/2020 every open row is late
    half = _filled(
        plan_xlsx, tmp_path / "half.xlsx", {"6.2.3": ("Hoàn thành", 100), "8.2": ("Đang thực hiện", 50)}
    )
    data = _review(str(half), "--as-of", "2020-01-15", "--target-rank", "10")
    assert data["expected_score"] == 79.47  # 78,47 + 0,5 + 0,5
    assert data["target_rank"] == 10
    assert data["late"] == ["1.5", "2.3", "6.3.1", "6.3.2", "8.2", "8.4"]


def test_agency_workbooks_go_out_and_come_back(plan_xlsx: Path, tmp_path: Path) -> None:
    folder = tmp_path / "agencies"
    _review(str(plan_xlsx), "--as-of", "2019-03-01", "--agency-workbooks", str(folder))
    files = sorted(p.name for p in folder.iterdir())
    assert files == [
        "01-so-noi-vu.xlsx",
        "02-so-khoa-hoc-va-cong-nghe.xlsx",
        "03-so-tu-phap.xlsx",
        "04-so-tai-chinh.xlsx",
        "05-so-ke-hoach-va-dau-tu.xlsx",
    ]
    returned = _filled(
        folder / "04-so-tai-chinh.xlsx",
        tmp_path / "tc.xlsx",
        {"6.2.3": ("Hoàn thành", 100), "6.3.1": ("Đang thực hiện", 40)},
    )
    data = _review(str(plan_xlsx), "--as-of", "2019-06-30", "--returned", str(returned))
    assert data["done"] == 1 and data["in_progress"] == 1
    assert data["expected_score"] == 79.37  # 78,47 + 0,5 + 0,4


def test_the_report_is_written(plan_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "so-ket.docx"
    data = _review(str(plan_xlsx), "--as-of", "2019-06-30", "--docx", str(out))
    assert data["docx"] == str(out)
    doc = Document(io.BytesIO(out.read_bytes()))
    assert any(p.text == "BÁO CÁO" for p in doc.paragraphs)


def test_bad_date_and_a_workbook_for_another_plan_are_refused(plan_xlsx: Path, tmp_path: Path) -> None:
    bad = run_planner("review", str(plan_xlsx), "--as-of", "30-30-2019")
    assert bad.returncode == 2 and "30-30-2019" in bad.stderr and "Traceback" not in bad.stderr
    other = tmp_path / "other.xlsx"
    assert run_planner("plan", EXAMPLE, "--target-rank", "10", "--xlsx", str(other)).returncode == 0
    folder = tmp_path / "other-agencies"
    _review(str(other), "--agency-workbooks", str(folder))
    wrong = run_planner("review", str(plan_xlsx), "--returned", str(sorted(folder.iterdir())[0]))
    assert wrong.returncode == 2 and "kế hoạch khác" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
