"""A province's full PAPI table (issue 13): totals make the field, dimensions the starting scenario; headers
matched tolerantly; bad cells refused all at once. Real .xlsx and .csv files written and read back."""

from __future__ import annotations

import pytest
from papi_fixtures import papi_csv, papi_rows, papi_xlsx

from planner.core.errors import FieldError
from planner.field.dimension_table import read_dimension_table
from planner.field.index_baseline import index_baseline
from planner.field.provinces import province_names
from planner.field.results_table import read_results_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scoring import score_scenario

PAPI = load_bundled_methodology("papi-2018")


@pytest.mark.parametrize(("name", "make"), [("papi-2024.xlsx", papi_xlsx), ("papi-2024.csv", papi_csv)])
def test_the_full_table_gives_the_field_and_every_dimension(name: str, make: object) -> None:
    rows = papi_rows()
    data = make(rows)  # type: ignore[operator]
    field = read_results_file(data, name, year=2024, index="papi")
    assert field.index == "papi" and field.kind == "official" and len(field.entries) == 63
    assert field.entries[0].score == round(rows[0][9], 2)  # type: ignore[call-overload]
    table = read_dimension_table(data, name, PAPI)
    assert len(table) == 63
    first = table[str(rows[0][0])]
    assert (
        list(first) == [f"P{k}" for k in range(1, 9)]
        and first["P1"] == rows[0][1]
        and first["P8"] == rows[0][8]
    )


def test_a_baseline_from_the_table_takes_its_dimensions_as_they_are() -> None:
    rows = papi_rows()
    data = papi_xlsx(rows)
    field = read_results_file(data, "t.xlsx", year=2024, index="papi")
    dims = read_dimension_table(data, "t.xlsx", PAPI)["Quảng Ngãi"]
    start = index_baseline(PAPI, "Quảng Ngãi", 2024, 2025, loaded=(field,), dimensions=dims)
    assert [d.origin for d in start.dimensions] == ["table"] * 8
    row = next(r for r in rows if r[0] == "Quảng Ngãi")
    assert score_scenario(PAPI, start.scenario).total == round(sum(round(v, 2) for v in row[1:9]), 2)  # type: ignore[arg-type]
    assert start.total_provenance == "official"


def test_bad_dimension_cells_and_names_are_refused_all_at_once() -> None:
    rows = papi_rows()
    rows[0][1] = 11.2
    rows[1][2] = "nhiều"
    rows[2][0] = "Tỉnh Không Có"
    with pytest.raises(FieldError) as caught:
        read_dimension_table(papi_xlsx(rows), "t.xlsx", PAPI)
    messages = caught.value.messages("vi")
    assert len(messages) >= 3
    assert any("11,2" in m or "11.2" in m for m in messages) and any("nhiều" in m for m in messages)


def test_a_totals_only_table_has_no_dimensions_and_still_makes_the_field() -> None:
    names = province_names(63)
    data = (
        "Tỉnh,Điểm PAPI,Xếp hạng\n"
        + "\n".join(f"{n},{50 - 0.1 * k:.2f},{k + 1}" for k, n in enumerate(names))
    ).encode()
    assert read_dimension_table(data, "t.csv", PAPI) == {}
    assert read_results_file(data, "t.csv", year=2024, index="papi").entries[0].score == 50.0


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_reports_table_in_word_or_pdf_gives_the_totals_and_the_dimensions(kind: str) -> None:
    """The PAPI report's dashboard as a province receives it in a document: short headers, Vietnamese decimals,
    a table over several pages in the PDF."""
    from document_builder import docx_bytes, pdf_bytes

    from planner.core.i18n import format_number

    rows = papi_rows()
    header = [("Tỉnh/TP", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "Tổng điểm PAPI", "Xếp hạng")]
    body = [
        (str(r[0]), *(format_number(float(v), "vi", 4, trim=False) for v in r[1:10]), str(r[10]))  # type: ignore[arg-type]
        for r in rows
    ]
    if kind == "docx":
        data = docx_bytes(header, body, title="KẾT QUẢ PAPI 2024")
    else:
        data = pdf_bytes(header, body, widths=(40, 17, 17, 17, 17, 17, 17, 17, 17, 22, 15), font_size=7)
    name = f"papi-2024.{kind}"
    field = read_results_file(data, name, year=2024, index="papi")
    assert len(field.entries) == 63 and field.index == "papi"
    table = read_dimension_table(data, name, PAPI)
    assert len(table) == 63 and table["Quảng Ngãi"]["P3"] == next(r for r in rows if r[0] == "Quảng Ngãi")[3]
