"""A baseline scenario from the province's own appraisal result: a table of points per item (.docx, .pdf, .xlsx,
.csv), as the ministry's appraisal or the Sở Nội vụ's working table gives it.

Each row is matched to a scored item of the chosen methodology by its code, or, where the table has no code or
an unknown one, by its name (folded, the closest name when it is clearly closer than any other). The points
column is the appraised one where the table has both ("điểm thẩm định" over "điểm tự đánh giá"). Every row is
accounted for: matched (and how), a subtotal row of an area or a criterion (skipped), or reported with where
it is; items of the methodology that no row gives are listed too, and count as 0 in the baseline.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import PurePath
from typing import Literal

from planner.core.errors import ImportFileError, Problem
from planner.core.i18n import Lang, t
from planner.core.text import fold
from planner.files.appendix import ReviewRow
from planner.methodology.brackets import read_points
from planner.methodology.model import Methodology
from planner.methodology.scenario import ItemSetting, Scenario
from planner.tables.documents import DocumentRow, clean_cell, read_document_rows
from planner.tables.reading import CSV_DELIMITERS, MAX_UPLOAD_BYTES, check_upload_size
from planner.tables.workbook import open_workbook

#: How much closer the best name must be than the second best, and how close at least, to match by name.
NAME_MATCH_MIN = 0.8
NAME_MATCH_MARGIN = 0.05
_CODE_HEADERS = {"stt", "tt", "ma", "ma so", "ma tieu chi", "so tt", "ky hieu"}
_NAME_WORDS = ("tieu chi", "noi dung", "linh vuc", "ten chi so")
MatchedBy = Literal["code", "name"]


@dataclass(frozen=True)
class MatchedRow:
    where: str
    code: str
    points: Decimal
    by: MatchedBy


@dataclass(frozen=True)
class BaselineImport:
    """The baseline scenario and the account of every row and item."""

    scenario: Scenario
    matched: tuple[MatchedRow, ...]
    unmatched: tuple[ReviewRow, ...]
    missing: tuple[str, ...]


def baseline_from_file(
    name: str, payload: bytes, methodology: Methodology, *, lang: Lang = "vi", scenario_name: str = ""
) -> BaselineImport:
    check_upload_size(len(payload), MAX_UPLOAD_BYTES)
    rows = _rows(name, payload)
    header_at, columns = _header(rows)
    header = tuple(fold(c) for c in rows[header_at].cells)
    body = [
        row for row in rows[header_at + 1 :] if tuple(fold(c) for c in row.cells) != header
    ]  # repeated on a page
    return _match(body, columns, methodology, lang, scenario_name or PurePath(name).stem)


def _rows(name: str, payload: bytes) -> list[DocumentRow]:
    lowered = name.lower()
    if lowered.endswith((".docx", ".pdf")):
        return read_document_rows(name, payload)
    if lowered.endswith(".xlsx"):
        wb = open_workbook(payload)
        try:
            ws = wb.worksheets[0]
            return [
                DocumentRow(tuple(clean_cell("" if v is None else str(v)) for v in values), "docx", 1, number)
                for number, values in enumerate(ws.iter_rows(values_only=True), start=1)
                if any(v not in (None, "") for v in values)
            ]
        finally:
            wb.close()
    if lowered.endswith(".csv"):
        try:
            text = payload.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError("appraisal.encoding") from None
        first = text.split("\n", 1)[0]
        delimiter = max(CSV_DELIMITERS, key=first.count)
        return [
            DocumentRow(tuple(clean_cell(c) for c in cells), "docx", 1, number)
            for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
            if any(c.strip() for c in cells)
        ]
    raise ImportFileError(
        "cli.unsupported_file_type", suffix=PurePath(name).suffix or name, allowed=".docx, .pdf, .xlsx, .csv"
    )


def _points_priority(folded: str) -> int:
    """How surely a header names the appraised points (0: not a points column)."""
    if "toi da" in folded or "muc tieu" in folded:
        return 0
    if "tham dinh" in folded:
        return 3
    if "tu danh gia" in folded or "tu cham" in folded:
        return 1
    if folded in ("diem", "so diem", "diem dat", "ket qua", "diem danh gia") or folded.startswith("diem dat"):
        return 2
    return 0


def _header(rows: Sequence[DocumentRow]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:50]):
        columns: dict[str, int] = {}
        best = 0
        for position, cell in enumerate(row.cells):
            folded = fold(cell).strip(" .:")
            if folded in _CODE_HEADERS and "code" not in columns:
                columns["code"] = position
            elif any(word in folded for word in _NAME_WORDS) and "name" not in columns:
                columns["name"] = position
            priority = _points_priority(folded)
            if priority > best:
                best, columns["points"] = priority, position
        if "points" in columns and ("code" in columns or "name" in columns):
            return index, columns
    raise ImportFileError("appraisal.no_table")


def _match(
    rows: Sequence[DocumentRow], columns: dict[str, int], m: Methodology, lang: Lang, scenario_name: str
) -> BaselineImport:
    items = {item.code: item for item in m.scored_items}
    names = {item.code: fold(item.node.name_vi) for item in m.scored_items}
    matched: dict[str, MatchedRow] = {}
    unmatched: list[ReviewRow] = []

    def cell(row: DocumentRow, key: str) -> str:
        position = columns.get(key)
        return row.cells[position].strip() if position is not None and position < len(row.cells) else ""

    def report(row: DocumentRow, key: str, **params: object) -> None:
        unmatched.append(
            ReviewRow(row.where(lang), row.text[:300], Problem(f"appraisal.problem.{key}", params))
        )

    for row in rows:
        code = re.sub(r"\s+", "", cell(row, "code")).rstrip(".")
        name = " ".join(cell(row, "name").split())
        points_text = cell(row, "points")
        if not points_text:
            continue  # a heading or a row with nothing appraised
        points = read_points(points_text)
        if points is None:
            report(row, "not_a_number", value=points_text[:40])
            continue
        if code in m.nodes_by_code and code not in items:
            continue  # an area's or a criterion's subtotal
        by: MatchedBy = "code"
        if code not in items:
            found = _by_name(fold(name), names) if name else None
            if found is None:
                report(row, "unknown", code=code or "-", name=name[:80] or "-")
                continue
            code, by = found, "name"
        item = items[code]
        if points < 0 or points > item.node.max_points:
            report(row, "out_of_range", code=code, points=float(points), max=float(item.node.max_points))
            continue
        if code in matched:
            report(row, "duplicate", code=code, first=matched[code].where)
            continue
        matched[code] = MatchedRow(row.where(lang), code, points, by)
    if not matched:
        raise ImportFileError("appraisal.nothing_matched", rows=len(unmatched))
    settings = {code: ItemSetting(points=row.points) for code, row in matched.items()}
    scenario = Scenario(name=scenario_name[:200], methodology=m.id, items=settings)
    missing = tuple(code for code in items if code not in matched)
    return BaselineImport(scenario, tuple(matched.values()), tuple(unmatched), missing)


def _by_name(name: str, names: dict[str, str]) -> str | None:
    scored = sorted(
        ((SequenceMatcher(None, name, other).ratio(), code) for code, other in names.items()), reverse=True
    )
    if not scored or scored[0][0] < NAME_MATCH_MIN:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < NAME_MATCH_MARGIN:
        return None
    return scored[0][1]


def baseline_json(result: BaselineImport, total: float, lang: Lang) -> dict[str, object]:
    """The stable JSON of the `baseline` command."""
    return {
        "methodology": result.scenario.methodology,
        "items": len(result.matched),
        "total": total,
        "matched": [
            {"where": r.where, "code": r.code, "points": float(r.points), "by": r.by} for r in result.matched
        ],
        "unmatched": [row.as_json(lang) for row in result.unmatched],
        "missing": list(result.missing),
        "message": t("appraisal.summary", lang, items=len(result.matched), missing=len(result.missing)),
    }
