"""The dimension scores in a province's full yearly table of a survey index (the PAPI report's tables).

A PAPI results table lists, per province, the total and the eight dimension scores. The total makes the field
(planner.field.results_table, which reads the same file); the dimensions are what a province's starting scenario
needs (planner.field.index_baseline). Headers are matched tolerantly: the dimension's Vietnamese or English name
(with or without diacritics, any case), its item code ("P5"), or its number ("Nội dung 5", "Dimension 5", "D5").
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.core.errors import FieldError, Problem
from planner.core.i18n import parse_number
from planner.core.text import fold
from planner.field.provinces import Era, match_province
from planner.field.results_table import PROVINCE_HEADERS, find_document_header, header_key, is_summary_row
from planner.methodology.model import Methodology
from planner.methodology.rules import ScaleRule
from planner.tables.documents import read_document_rows
from planner.tables.reading import Column, check_upload_size, read_csv_table
from planner.tables.workbook import open_workbook, read_table

#: province -> item code -> score, for the provinces whose row gives at least one dimension.
DimensionTable = dict[str, dict[str, float]]


def dimension_columns(methodology: Methodology) -> tuple[Column, ...]:
    """The province column and one optional column per scale item, under every name a table may use."""
    columns = [Column("province", PROVINCE_HEADERS)]
    for number, item in enumerate((i for i in methodology.scored_items if isinstance(i.rule, ScaleRule)), 1):
        node = item.node
        names = {node.name_vi, node.name_en, fold(node.name_vi), item.code}
        names |= {f"Nội dung {number}", f"Dimension {number}", f"D{number}", f"Chỉ số nội dung {number}"}
        columns.append(Column(item.code, tuple(n for n in names if n), required=False))
    return tuple(columns)


def _document_rows(
    data: bytes, filename: str, columns: tuple[Column, ...]
) -> list[tuple[int, str, Mapping[str, str]]]:
    """The rows of the first table in a .docx/.pdf whose header names the province and a dimension, followed
    while rows keep its width (a table split over pages); the header repeated on a new page is skipped."""
    table = read_document_rows(filename, data)
    hit = find_document_header(table, columns, lambda found: "province" in found and len(found) > 1)
    if hit is None:
        return []
    start, found = hit
    width = len(table[start].cells)
    header = tuple(header_key(c) for c in table[start].cells)
    out: list[tuple[int, str, Mapping[str, str]]] = []
    for number, other in enumerate(table[start + 1 :], start=1):
        if len(other.cells) != width or tuple(header_key(c) for c in other.cells) == header:
            continue
        cells = {code: other.cells[i].strip() for code, i in found.items() if code != "province"}
        out.append((number, other.cells[found["province"]].replace("\n", " ").strip(), cells))
    return out


def read_dimension_table(
    data: bytes, filename: str, methodology: Methodology, *, era: Era = 63
) -> DimensionTable:
    """Every province's dimension scores in the table (.xlsx, .csv, or a .docx/.pdf report); a table without any dimension column
    gives an empty result (a totals-only table is fine for the field). Scores outside a dimension's scale and
    unknown province names are refused all at once."""
    check_upload_size(len(data))
    columns = dimension_columns(methodology)
    scales = {i.code: i.rule for i in methodology.scored_items if isinstance(i.rule, ScaleRule)}
    rows: list[tuple[int, str, Mapping[str, str]]] = []
    if filename.lower().endswith((".docx", ".pdf")):
        rows = _document_rows(data, filename, columns)
    elif filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        wb = open_workbook(data)
        try:
            table = read_table(wb.worksheets[0], columns)
            for row in table:
                rows.append(
                    (row.row_number, row.text("province"), {c: row.text(c) for c in scales if c in row.cells})
                )
        finally:
            wb.close()
    else:
        for csv_row in read_csv_table(data, columns, not_utf8=FieldError("field.table.encoding")):
            rows.append((csv_row.row_number, csv_row.text("province"), {c: csv_row.text(c) for c in scales}))
    out: DimensionTable = {}
    problems: list[Problem] = []
    for number, province, cells in rows:
        if not province or is_summary_row(province):
            continue
        values: dict[str, float] = {}
        for code, text in cells.items():
            if not text:
                continue
            try:
                value = parse_number(text)
            except ValueError:
                problems.append(Problem("field.table.not_a_number", {"row": number, "value": text[:40]}))
                continue
            rule = scales[code]
            if rule.value_problem(value) is not None:
                problems.append(
                    Problem(
                        "field.table.dimension_out_of_range",
                        {"row": number, "code": code, "value": value, "low": rule.low, "high": rule.high},
                    )
                )
                continue
            values[code] = value
        if not values:
            continue
        try:
            out[match_province(province, era=era)] = values
        except FieldError as exc:
            problems.append(Problem("field.table.unknown_province", {"row": number, **exc.params}))
    if problems:
        raise FieldError("field.table_invalid", problems=problems)
    return out
