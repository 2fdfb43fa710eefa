"""Loading the ministry's table (CSV or Excel) as a field: tolerant names, every problem at once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.core.errors import FieldError, PlannerError
from planner.field.provinces import province_names
from planner.field.results_table import field_from_rows, read_results_file

NAMES_63 = list(province_names(63))


def _scores(era: int = 63) -> list[tuple[str, float]]:
    return [(name, round(95.5 - 0.2 * i, 2)) for i, name in enumerate(province_names(era))]  # type: ignore[arg-type]


def _csv(rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def test_a_complete_csv_becomes_an_official_field(tmp_path: Path) -> None:
    rows = [["Tỉnh/Thành phố", "Điểm", "Xếp hạng"]]
    rows += [[name, f"{score:.2f}", str(i + 1)] for i, (name, score) in enumerate(_scores())]
    path = tmp_path / "par_2024.csv"
    path.write_bytes(_csv(rows))
    field = read_results_file(path, year=2024)
    assert field.kind == "official" and len(field.entries) == 63
    assert all(e.provenance == "official" and e.is_exact for e in field.entries)
    assert field.entries[0].province == NAMES_63[0] and field.entries[0].score == 95.5
    assert field.contradictions == ()


def test_semicolons_bom_decimal_commas_and_usual_spellings_are_read() -> None:
    rows = [["Bảng xếp hạng PAR INDEX 2024"], ["STT", "Tỉnh", "Chỉ số", "Hạng"]]
    for i, (name, score) in enumerate(_scores()):
        written = {"TP. Hồ Chí Minh": "Thành phố Hồ Chí Minh", "Thừa Thiên Huế": "T.T.Huế", "Hà Nội": "Hanoi"}
        rows.append([str(i + 1), written.get(name, name), f"{score:.2f}".replace(".", ","), str(i + 1)])
    rows.append(["", "Cả nước", "88,37", ""])
    field = read_results_file(_csv(rows, ";", bom=True), "ket_qua.csv", year=2024)
    assert len(field.entries) == 63
    assert field.entry("TP. Hồ Chí Minh").score == dict(_scores())["TP. Hồ Chí Minh"]
    assert [n.key for n in field.notes] == ["field.note.rows_skipped"]


def test_a_semicolon_table_is_read_even_where_decimal_commas_outnumber_the_semicolons() -> None:
    rows = [["Tỉnh", "Điểm", "Ghi chú"]]
    rows += [
        [name, f"{score:.2f}".replace(".", ","), "tăng 1,5 điểm, lên 2 bậc"] for name, score in _scores()
    ]
    field = read_results_file(_csv(rows, ";"), "ket_qua.csv", year=2024)
    assert field.entry("Hà Nội").score == dict(_scores())["Hà Nội"]


def test_an_excel_table_is_read_through_the_safety_gate(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(["Province", "Score"])
    for name, score in _scores():
        ws.append([name, score])
    buffer = io.BytesIO()
    wb.save(buffer)
    field = read_results_file(buffer.getvalue(), "results.xlsx", year=2024, kind="custom")
    assert field.kind == "custom" and len(field.entries) == 63
    assert all(e.provenance == "custom" for e in field.entries)


def test_a_formula_where_a_score_should_be_is_refused() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Tỉnh/Thành phố", "Điểm"])
    for name, score in _scores():
        ws.append([name, score])
    ws["B3"] = "=B2-0.2"
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(PlannerError) as info:
        read_results_file(buffer.getvalue(), "x.xlsx", year=2024)
    assert any(p.key == "excel.formula_not_allowed" for p in info.value.problems)


def test_every_problem_is_reported_at_once() -> None:
    rows = [(name, score, None, i + 2) for i, (name, score) in enumerate(_scores())]
    rows[0] = ("Atlantis", 90.0, None, 2)
    rows[1] = ("Lao Kai", 90.0, None, 3)  # unknown, with "Lào Cai" suggested
    rows[2] = (rows[3][0], 89.0, None, 4)  # a duplicate
    rows[5] = (rows[5][0], 120.0, None, 7)  # out of range
    rows[6] = (rows[6][0], None, None, 8)  # no score
    with pytest.raises(FieldError) as info:
        field_from_rows(rows, year=2024)
    keys = [p.key for p in info.value.problems]
    assert keys.count("field.table.unknown_province") == 2
    assert "field.table.duplicate" in keys
    assert "field.table.score_out_of_range" in keys
    assert "field.table.missing_score" in keys
    assert "field.table.missing" in keys
    messages = info.value.messages("vi")
    assert messages[0] == "Bảng kết quả có lỗi, chưa nhập"
    assert any("Lào Cai" in m for m in messages)  # the suggestion
    assert any("thiếu" in m for m in messages)


def test_a_rank_that_disagrees_with_the_scores_is_a_reported_contradiction() -> None:
    rows = [(name, score, i + 1, i + 2) for i, (name, score) in enumerate(_scores())]
    rows[10] = (rows[10][0], rows[10][1], 3, 12)
    field = field_from_rows(rows, year=2024)
    assert len(field.contradictions) == 1
    assert field.contradictions[0].decision_key == "field.decision.table_rank"


def test_a_partial_table_is_added_to_the_sources_and_the_rest_reconstructed() -> None:
    rows = [("Hải Phòng", 96.17, 1, 2), ("Lào Cai", 91.5, None, 3), ("Quảng Ninh", 92.9, 4, 4)]
    with pytest.raises(FieldError):
        field_from_rows(rows, year=2024)
    field = field_from_rows(rows, year=2024, allow_partial=True)
    assert field.kind == "reconstructed" and len(field.entries) == 63
    assert field.entry("Lào Cai").score == 91.5 and field.entry("Lào Cai").provenance == "official"
    assert field.entry("Quảng Ninh").score == 92.9
    assert 1 + sum(1 for e in field.entries if e.score > 92.9) == 4


def test_a_34_province_table() -> None:
    rows = [(name, score, None, i + 2) for i, (name, score) in enumerate(_scores(34))]
    hue = next(i for i, row in enumerate(rows) if row[0] == "Huế")
    rows[hue] = ("Thừa Thiên Huế", rows[hue][1], None, rows[hue][3])  # the former name of the same province
    field = field_from_rows(rows, year=2025, provinces=34)
    assert field.n_provinces == 34 and len(field.entries) == 34
    assert field.entry("Huế").score == rows[hue][1]
    old_names = [(n, 90.0, None, i + 2) for i, n in enumerate(["Yên Bái", "Lào Cai"])]
    with pytest.raises(FieldError) as info:
        field_from_rows(old_names, year=2025, provinces=34)
    assert "field.table.duplicate" in [p.key for p in info.value.problems]


def test_a_csv_that_is_not_utf8_asks_for_csv_utf8() -> None:
    data = "Tỉnh,Điểm\nHà Nội,90\n".encode("utf-16")
    with pytest.raises(FieldError) as info:
        read_results_file(data, "x.csv", year=2024)
    assert info.value.key == "field.table.encoding"


def test_a_table_without_the_columns_names_them() -> None:
    with pytest.raises(PlannerError) as info:
        read_results_file(_csv([["Name of the thing", "Value"], ["Hà Nội", "90"]]), "x.csv", year=2024)
    assert info.value.key == "excel.missing_columns"


def test_a_table_with_a_province_column_but_no_score_names_only_the_score() -> None:
    with pytest.raises(PlannerError) as info:
        read_results_file(_csv([["Tỉnh", "Ghi chú"], ["Hà Nội", "x"]]), "x.csv", year=2024)
    assert (info.value.key, info.value.params["columns"]) == ("excel.missing_columns", "Điểm")


def test_an_empty_csv_is_refused() -> None:
    with pytest.raises(PlannerError):
        read_results_file(b"", "x.csv", year=2024)


def test_a_bad_rank_cell_is_reported() -> None:
    rows = [["Tỉnh", "Điểm", "Hạng"], ["Hà Nội", "90", "2,5"]]
    with pytest.raises(FieldError) as info:
        read_results_file(_csv(rows, ";"), "x.csv", year=2024)
    assert info.value.problems[0].key == "field.table.bad_rank"
