"""Reading a results table (the ministry's full report, or a user's what-if) from CSV or Excel into a field.

A user with the ministry's report (e.g. QĐ 268/QĐ-BNV for 2024) should have an official field in a minute: any
sheet or CSV with a province column and a score column (rank optional), headers in Vietnamese or English, names
written any usual way. Every .xlsx passes planner.tables.workbook's safety gate; a CSV may be UTF-8 with or
without BOM, comma or semicolon separated, with Vietnamese decimal commas. All problems are reported at once
(unknown names with suggestions, duplicates, missing provinces, scores out of range), in Vietnamese by default.
Lines such as "Cả nước" or "Trung bình" (national rows in ministry tables) are skipped and noted. A rank column
that disagrees with the scores is reported as a contradiction, not an error: the scores are what we rank by.

A complete table becomes an `official` (or `custom`) field. With allow_partial=True a partial table of a past
63-province year is added to the published figures and the rest reconstructed around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Literal

from planner.core.errors import FieldError, ImportFileError, Problem
from planner.core.i18n import parse_number
from planner.core.text import fold
from planner.field.model import Contradiction, Field, FieldEntry, FieldNote, SourceRow, params
from planner.field.provinces import Era, match_province, province_names
from planner.field.results import ResultRow
from planner.methodology.index import DEFAULT_INDEX, get_index
from planner.tables.documents import DocumentRow, read_document_rows
from planner.tables.reading import Column, check_upload_size, read_csv_table
from planner.tables.workbook import TableRow, collect_problems, open_workbook, read_table

#: (province text as written, score, rank or None, source row number)
RawRow = tuple[str, float | None, int | None, int]
TableKind = Literal["official", "custom"]

PROVINCE_HEADERS = (
    "Tỉnh/Thành phố",
    "Tỉnh / Thành phố",
    "Tỉnh, thành phố",
    "Tỉnh, TP",
    "Tỉnh/TP",
    "Tỉnh",
    "Thành phố",
    "Địa phương",
    "Tên tỉnh",
    "Tên đơn vị",
    "Đơn vị",
    "Province",
    "Provinces",
    "Province/City",
    "Name",
)
SCORE_HEADERS = (
    "Điểm",
    "Điểm số",
    "Tổng điểm",
    "Điểm (%)",
    "Chỉ số",
    "Chỉ số (%)",
    "Chỉ số PAR INDEX",
    "PAR INDEX",
    "Điểm PAR INDEX",
    "Kết quả",
    "Score",
    "Scores",
    "Index",
    "PAR INDEX (%)",
    "Total",
    "Chỉ số PAPI",
    "PAPI",
    "Điểm PAPI",
    "Tổng điểm PAPI",
    "PAPI score",
    "Total PAPI score",
)
RANK_HEADERS = ("Xếp hạng", "Hạng", "Thứ hạng", "Vị trí", "Xếp thứ", "Rank", "Ranking")
#: Rows of ministry tables that are not provinces (national mean, totals).
SUMMARY_LABELS = {
    "ca nuoc",
    "trung binh",
    "binh quan",
    "toan quoc",
    "tong",
    "tong cong",
    "average",
    "mean",
    "national",
}


def is_summary_row(name: str) -> bool:
    """Whether a row of a ministry table is a national line, not a province ("Trung bình cả nước", "Tổng")."""
    folded = fold(name)
    return any(folded == label or folded.startswith(label + " ") for label in SUMMARY_LABELS)


COLUMNS = (
    Column("province", PROVINCE_HEADERS),
    Column("score", SCORE_HEADERS),
    Column("rank", RANK_HEADERS, required=False),
)
SHEET_NAMES = ("Kết quả", "Ket qua", "Results", "PAR INDEX", "Xếp hạng", "Bảng xếp hạng")


def read_results_file(
    path_or_bytes: str | Path | bytes,
    filename: str | None = None,
    *,
    year: int,
    provinces: Era = 63,
    kind: TableKind = "official",
    allow_partial: bool = False,
    index: str = DEFAULT_INDEX,
) -> Field:
    """The field in a results table (.csv or .xlsx, told apart by `filename`'s extension or the content)."""
    if isinstance(path_or_bytes, bytes):
        data = path_or_bytes
        name = filename or ""
    else:
        path = Path(path_or_bytes)
        name = filename or path.name
        check_upload_size(path.stat().st_size)
        data = path.read_bytes()
    lowered = name.lower()
    if lowered.endswith((".docx", ".pdf")):
        rows = read_document_results(name, data)
    elif lowered.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        rows = read_xlsx_rows(data)
    else:
        rows = read_csv_rows(data)
    return field_from_rows(
        rows, year=year, provinces=provinces, kind=kind, allow_partial=allow_partial, index=index
    )


def header_key(text: str) -> str:
    """A header folded for matching, without the year or unit a decision adds ("Chỉ số PAR INDEX 2024 (%)")."""
    return " ".join(re.sub(r"\(\s*%\s*\)|\b(19|20)\d\d\b|[.:]", " ", fold(text)).split())


def find_document_header(
    rows: Sequence[DocumentRow], columns: Sequence[Column], enough: Callable[[dict[str, int]], bool]
) -> tuple[int, dict[str, int]] | None:
    """The first of a document's first 100 rows whose cells name enough of `columns` (headers folded, years
    and units dropped), with the position of each column found; None when no row does."""
    wanted = {c.key: {header_key(h) for h in c.headers} for c in columns}
    for index, row in enumerate(rows[:100]):
        found: dict[str, int] = {}
        for position, cell in enumerate(row.cells):
            key = header_key(cell)
            for column, headers in wanted.items():
                if column not in found and key in headers:
                    found[column] = position
        if enough(found):
            return index, found
    return None


def _document_header(rows: Sequence[DocumentRow]) -> tuple[int, dict[str, int]]:
    hit = find_document_header(rows, COLUMNS, lambda found: "province" in found and "score" in found)
    if hit is not None:
        return hit
    raise ImportFileError(
        "excel.missing_columns", sheet="-", columns=", ".join(c.headers[0] for c in COLUMNS if c.required)
    )


def read_document_results(name: str, data: bytes) -> list[RawRow]:
    """The (province, score, rank, row) rows of the results table in a .docx or .pdf (a results decision):
    the first table whose header names a province and a score column, followed across pages while the rows
    keep its width; a header repeated on a new page is skipped."""
    rows = read_document_rows(name, data)
    start, columns = _document_header(rows)
    header = tuple(header_key(c) for c in rows[start].cells)
    width = len(rows[start].cells)
    out: list[RawRow] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[start + 1 :], start=1):
        if len(row.cells) != width or tuple(header_key(c) for c in row.cells) == header:
            continue
        province = row.cells[columns["province"]].replace("\n", " ").strip()
        if not province:
            continue
        if is_summary_row(province):
            out.append((province, None, None, number))
            continue
        score_text = row.cells[columns["score"]].strip()
        rank_text = row.cells[columns["rank"]].strip() if "rank" in columns else ""
        where = row.where("vi")
        score, rank = _score_and_rank(
            score_text,
            rank_text,
            problems,
            partial(_problem_at, "field.table.document_", {"where": where}),
        )
        out.append((province, score, rank, number))
    if problems:
        raise FieldError("field.table_invalid", problems=problems)
    return out


def _problem_at(prefix: str, place: dict[str, object], kind: str, value: str) -> Problem:
    """A problem `kind` ("not_a_number", "bad_rank") of a cell's `value`, placed by `place` (a row or a where)."""
    return Problem(f"{prefix}{kind}", {**place, "value": value})


def _score_and_rank(
    score_text: str, rank_text: str, problems: list[Problem], located: Callable[[str, str], Problem]
) -> tuple[float | None, int | None]:
    """A row's score (a number, Vietnamese decimals allowed) and rank (a whole number), each None when the cell
    is empty or unreadable; what is unreadable goes to `problems`, placed by `located(kind, value)`."""
    score = rank = None
    try:
        score = parse_number(score_text) if score_text else None
    except ValueError:
        problems.append(located("not_a_number", score_text[:40]))
    if rank_text:
        try:
            value = parse_number(rank_text)
            if not value.is_integer():
                raise ValueError(value)
            rank = int(value)
        except ValueError:
            problems.append(located("bad_rank", rank_text[:40]))
    return score, rank


def read_xlsx_rows(data: bytes) -> list[RawRow]:
    """The (province, score, rank, row) rows of the first sheet that has the columns."""
    wb = open_workbook(data)
    try:
        sheets = [ws for ws in wb.worksheets if fold(ws.title) in {fold(n) for n in SHEET_NAMES}]
        sheets += [ws for ws in wb.worksheets if ws not in sheets]
        first_error: ImportFileError | None = None
        for ws in sheets:
            try:
                table = read_table(ws, COLUMNS)
            except ImportFileError as exc:
                first_error = first_error or exc
                continue
            results, problems = collect_problems(table, _read_xlsx_row)
            if problems:
                raise FieldError("field.table_invalid", problems=problems)
            return [r for r in results if r is not None]
        raise first_error or ImportFileError("excel.empty_file")
    finally:
        wb.close()


def _read_xlsx_row(row: TableRow) -> RawRow | None:
    province = row.text("province")
    if not province or is_summary_row(province):
        return None if not province else (province, None, None, row.row_number)
    score = row.number("score", required=False)
    rank_value = row.number("rank", required=False) if "rank" in row.cells else None
    if rank_value is not None and not float(rank_value).is_integer():
        raise row.error("rank", "field.table.bad_rank", value=rank_value)
    return (province, score, int(rank_value) if rank_value is not None else None, row.row_number)


def read_csv_rows(data: bytes) -> list[RawRow]:
    """The (province, score, rank, row) rows of a CSV table (header row found among the first 15 lines)."""
    rows: list[RawRow] = []
    problems: list[Problem] = []
    for row in read_csv_table(data, COLUMNS, not_utf8=FieldError("field.table.encoding")):
        i, province = row.row_number, row.text("province")
        score_text, rank_text = row.text("score"), row.text("rank")
        if is_summary_row(province):
            rows.append((province, None, None, i))
            continue
        score, rank = _score_and_rank(
            score_text,
            rank_text,
            problems,
            partial(_problem_at, "field.table.", {"row": i}),
        )
        rows.append((province, score, rank, i))
    if problems:
        raise FieldError("field.table_invalid", problems=problems)
    return rows


def field_from_rows(
    rows: Sequence[RawRow],
    *,
    year: int,
    provinces: Era = 63,
    kind: TableKind = "official",
    allow_partial: bool = False,
    index: str = DEFAULT_INDEX,
) -> Field:
    """A field of `index` from table rows, validated all at once: unknown names, duplicates, missing provinces,
    scores missing or outside the index's scale (0-100, PAPI 8-80). A rank that disagrees with the scores is
    kept as a reported contradiction."""
    scale = get_index(index)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    matched: list[tuple[str, float, int | None, int]] = []
    skipped: list[str] = []
    for text, score, rank, row in rows:
        if is_summary_row(text):
            skipped.append(text)
            continue
        try:
            name = match_province(text, era=provinces)
        except FieldError as exc:
            problems.append(Problem("field.table.unknown_province", {"row": row, **exc.params}))
            continue
        if name in seen:
            problems.append(Problem("field.table.duplicate", {"row": row, "name": name, "first": seen[name]}))
            continue
        seen[name] = row
        if score is None:
            problems.append(Problem("field.table.missing_score", {"row": row, "name": name}))
            continue
        if not scale.in_range(score):
            problems.append(
                Problem(
                    "field.table.score_out_of_range",
                    {
                        "row": row,
                        "name": name,
                        "score": score,
                        "low": scale.min_points,
                        "high": scale.max_points,
                    },
                )
            )
            continue
        if rank is not None and not 1 <= rank <= provinces:
            problems.append(
                Problem("field.table.rank_out_of_range", {"row": row, "rank": rank, "n": provinces})
            )
            continue
        matched.append((name, round(score, 2), rank, row))
    missing = [p for p in province_names(provinces) if p not in seen]
    partial = bool(missing) and allow_partial and provinces == 63
    if missing and not partial:
        problems.append(Problem("field.table.missing", {"count": len(missing), "names": ", ".join(missing)}))
    if problems:
        raise FieldError("field.table_invalid", problems=problems)
    notes: list[FieldNote] = []
    if skipped:
        notes.append(FieldNote(key="field.note.rows_skipped", params=params({"rows": ", ".join(skipped)})))
    basis = "official_table" if kind == "official" else "user_table"
    if partial:
        from planner.field.reconstruction import reconstruct_field
        from planner.field.results import bundled_results

        extra = [
            ResultRow(
                year=year,
                province=name,
                score=score,
                rank=rank,
                basis=basis,
                row_number=row,
                source_url="",
                note="",
            )
            for name, score, rank, row in matched
        ]
        field = reconstruct_field(bundled_results(index), year, extra_rows=extra)
        return field.model_copy(update={"notes": (*notes, *field.notes)})
    entries = tuple(
        FieldEntry(province=name, score=score, provenance=kind, published_rank=rank, basis=basis)
        for name, score, rank, _ in matched
    )
    contradictions = _rank_mismatches(matched, year)
    return Field(
        year=year,
        index=index,
        max_points=scale.max_points,
        n_provinces=provinces,
        kind=kind,
        entries=entries,
        contradictions=contradictions,
        notes=tuple(notes),
    )


def _rank_mismatches(
    matched: Sequence[tuple[str, float, int | None, int]], year: int
) -> tuple[Contradiction, ...]:
    cents = [round(score * 100) for _, score, _, _ in matched]
    out = []
    for (name, score, rank, row), mine in zip(matched, cents, strict=True):
        if rank is None:
            continue
        implied = 1 + sum(1 for other in cents if other > mine)
        if implied != rank:
            out.append(
                Contradiction(
                    year=year,
                    kind="order",
                    rows=(SourceRow(province=name, score=score, rank=rank, table_row=row),),
                    kept=SourceRow(province=name, score=score),
                    action="drop_rank",
                    decision_key="field.decision.table_rank",
                    decision_params=params({"name": name, "rank": rank, "implied": implied}),
                )
            )
    return tuple(out)
