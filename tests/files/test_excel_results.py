"""The official results template, read back through the field engineer's reader (planner.field.results_table)."""

from __future__ import annotations

import io
import random

import pytest
from excel_helpers import LIBREOFFICE, edited, libreoffice_result_scores
from openpyxl import load_workbook

from planner.core.errors import PlannerError
from planner.field.provinces import province_names
from planner.field.results_table import read_results_file
from planner.files.excel.results import write_results_workbook


def _filled(era: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)

    def fill(wb):  # type: ignore[no-untyped-def]
        ws = wb["Kết quả"]
        scores = sorted((round(rng.uniform(75, 93), 2) for _ in range(era)), reverse=True)
        for offset in range(era):
            ws.cell(row=4 + offset, column=3).value = scores[offset]
            ws.cell(row=4 + offset, column=4).value = offset + 1

    return edited(write_results_workbook(era), fill)  # type: ignore[arg-type]


@pytest.mark.parametrize(("era", "year"), [(63, 2024), (34, 2025)])
def test_a_filled_template_reads_as_a_field_and_round_trips(era: int, year: int) -> None:
    field = read_results_file(_filled(era), year=year, provinces=era)  # type: ignore[arg-type]
    assert [e.province for e in field.entries] == list(province_names(era))  # type: ignore[arg-type]
    again = read_results_file(write_results_workbook(field=field), year=year, provinces=era)  # type: ignore[arg-type]
    assert again == field
    english = read_results_file(write_results_workbook(field=field, lang="en"), year=year, provinces=era)  # type: ignore[arg-type]
    assert english == field


def test_the_template_offers_province_names_and_score_and_rank_ranges() -> None:
    wb = load_workbook(io.BytesIO(write_results_workbook(34)))
    assert wb.sheetnames[:2] == ["Hướng dẫn", "Kết quả"]
    ws = wb["Kết quả"]
    assert [ws.cell(row=3, column=c).value for c in range(1, 5)] == [
        "STT",
        "Tỉnh/Thành phố",
        "Điểm",
        "Xếp hạng",
    ]
    assert ws.cell(row=4 + 33, column=2).value == province_names(34)[-1]
    kinds = {str(next(iter(dv.sqref.ranges)))[0]: dv for dv in ws.data_validations.dataValidation}
    assert kinds["B"].type == "list" and kinds["B"].errorStyle == "warning"
    assert (kinds["C"].formula1, kinds["C"].formula2) == ("0", "100")
    assert (kinds["D"].type, kinds["D"].formula1, kinds["D"].formula2) == ("whole", "1", "34")
    assert ws.protection.sheet and not ws["C4"].protection.locked and not ws["A4"].protection.locked
    assert not ws.cell(row=4 + 34 + 9, column=2).protection.locked  # spare rows for a pasted table


def test_a_blank_template_is_refused_with_the_missing_scores_named() -> None:
    with pytest.raises(PlannerError) as info:
        read_results_file(write_results_workbook(63), year=2024, provinces=63)
    assert len(info.value.problems) == 63


def test_a_province_name_typed_the_usual_way_is_accepted() -> None:
    data = edited(
        _filled(63), lambda wb: wb["Kết quả"].__setitem__("B4", "TP. " + str(wb["Kết quả"]["B4"].value))
    )
    field = read_results_file(data, year=2024, provinces=63)
    assert field.entries[0].province == province_names(63)[0]


def test_a_copy_saved_by_libreoffice_reads_through_the_field_reader() -> None:
    field = read_results_file((LIBREOFFICE / "results_34.xlsx").read_bytes(), year=2025, provinces=34)
    assert [(e.province, e.score) for e in field.entries] == list(
        zip(province_names(34), libreoffice_result_scores(), strict=True)
    )
