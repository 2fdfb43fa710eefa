"""A baseline from the province's appraisal table: every row matched by code or by name, or reported; the
baseline scores what the table says. The worked check: the Lào Cai 2019 example's own points per item, written
as an appraisal in each format, give back its total of 78,47."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_support import run_planner
from document_builder import docx_bytes, pdf_bytes
from openpyxl import Workbook

from planner.core.errors import ImportFileError
from planner.core.i18n import format_number
from planner.files.appraisal import baseline_from_file
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scoring import score_scenario

ROOT = Path(__file__).resolve().parents[2]
QD2636 = load_bundled_methodology("qd2636-2018")
LAO_CAI = score_scenario(QD2636, read_scenario_file(ROOT / "data" / "examples" / "lao-cai-2019.json"))
HEADER = ("STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định")


def appraisal_rows(*, with_codes: bool = True) -> list[tuple[str, ...]]:
    """Every node of the 2018 table with Lào Cai's points: areas and criteria as subtotals, as tables show."""
    rows = []
    for area in QD2636.areas:
        for node in (area, *area.criteria, *(s for c in area.criteria for s in c.sub_criteria)):
            points = LAO_CAI.points_of(node.code) if node.code in QD2636.item_index else None
            if points is None and node.code not in QD2636.item_index:
                continue
            rows.append(
                (
                    node.code if with_codes else "",
                    node.name_vi,
                    format_number(float(node.max_points), "vi", 2, trim=True),
                    format_number(float(node.max_points), "vi", 2, trim=True),  # self-assessed: full marks
                    format_number(points, "vi", 2, trim=True),
                )
            )
    return rows


def xlsx_bytes(rows: list[tuple[str, ...]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


@pytest.mark.parametrize("kind", ["docx", "pdf", "xlsx", "csv"])
def test_the_appraised_points_give_back_the_lao_cai_total(kind: str) -> None:
    rows = appraisal_rows()
    payload = {
        "docx": lambda: docx_bytes([HEADER], rows),
        "pdf": lambda: pdf_bytes([HEADER], rows, widths=(15, 160, 25, 30, 30)),
        "xlsx": lambda: xlsx_bytes(rows),
        "csv": lambda: csv_bytes(rows),
    }[kind]()
    result = baseline_from_file(f"tham-dinh.{kind}", payload, QD2636)
    assert len(result.matched) == 84 and result.unmatched == () and result.missing == ()
    assert all(row.by == "code" for row in result.matched)
    assert score_scenario(QD2636, result.scenario).total == LAO_CAI.total == 78.47


def test_rows_without_codes_are_matched_by_their_names() -> None:
    result = baseline_from_file(
        "theo-ten.docx", docx_bytes([HEADER], appraisal_rows(with_codes=False)), QD2636
    )
    by_name = [row for row in result.matched if row.by == "name"]
    assert (
        len(by_name) >= 70
    )  # a few items share a name (e.g. "Báo cáo..."); those are reported, never guessed
    assert all(row.where.startswith("bảng 1, dòng") for row in result.unmatched)
    assert len(result.matched) + len(result.unmatched) == 84
    for row in result.matched:
        assert float(row.points) == pytest.approx(LAO_CAI.points_of(row.code))


def test_bad_rows_are_reported_where_they_are_and_the_rest_is_kept() -> None:
    rows = [
        *appraisal_rows()[:6],
        ("9.9.9", "Tiêu chí không có trong phương pháp", "1", "1", "1"),
        ("1.1", "Kế hoạch CCHC", "1,25", "1,25", "hai"),
        ("1.2.1", "Báo cáo", "0,5", "0,5", "3"),
    ]
    result = baseline_from_file("loi.docx", docx_bytes([HEADER], rows), QD2636)
    problems = {row.problem.key.rsplit(".", 1)[-1]: row.where for row in result.unmatched}
    assert set(problems) == {"unknown", "not_a_number", "out_of_range"}
    assert problems["unknown"] == "bảng 1, dòng 8"
    assert len(result.missing) == 84 - len(result.matched)


def test_a_table_that_matches_nothing_is_refused() -> None:
    rows = [("1", "Không liên quan", "1", "1", "1")]
    with pytest.raises(ImportFileError) as raised:
        baseline_from_file("khac.csv", csv_bytes(rows), load_bundled_methodology("qd2636-2018").model_copy())
    # "1" is an area of the 2018 table: a subtotal row, so nothing is left to match
    assert raised.value.key == "appraisal.nothing_matched"


def test_the_baseline_command_writes_a_scenario_that_scores_the_table(tmp_path: Path) -> None:
    table = tmp_path / "tham-dinh-2018.docx"
    table.write_bytes(docx_bytes([HEADER], appraisal_rows()))
    out = tmp_path / "baseline.json"
    done = run_planner(
        "baseline", str(table), "--methodology", "qd2636-2018", "--out", str(out), "--province", "Lao Cai",
        "--year", "2019", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["items"], data["total"], data["missing"], data["unmatched"]) == (84, 78.47, [], [])
    scenario = read_scenario_file(out)
    assert (scenario.province, scenario.year, scenario.methodology) == ("Lào Cai", 2019, "qd2636-2018")
