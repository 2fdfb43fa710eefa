"""The official results template: province, score, rank, for the 63 provinces (to 2024) or the 34 (from 2025).

A user holding the ministry's report (e.g. QĐ 268/QĐ-BNV for 2024) types or pastes the scores here and loads them
with the field engineer's reader (`planner.field.results_table.read_results_file`), which this layout is made for: a sheet
named "Kết quả", headers "Tỉnh/Thành phố", "Điểm", "Xếp hạng" that its column names match, the province names
pre-filled in the official order (editable, with a drop-down of the canonical names; the reader also accepts the
usual variants), scores limited to 0–100 and ranks to 1–n. Every body cell is an input and ten spare rows follow,
so a ministry table pasted whole (STT, province, score, rank, and its national-average line) fits.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from planner.core.i18n import Lang, t
from planner.field.model import Field
from planner.field.provinces import Era, province_names
from planner.files.excel import styles
from planner.tables.workbook import write_text

RESULTS_SHEET_KEY = "excel.sheet.results"
HEADER_ROW = 3
#: Editable rows below the provinces, so that a ministry table with its "Cả nước" or "Trung bình" lines can be
#: pasted whole (a paste onto a locked cell of a protected sheet is refused by Excel).
SPARE_ROWS = 10
_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("number", "excel.plan.col.stt", 6),
    ("province", "excel.results.col.province", 30),
    ("score", "excel.results.col.score", 12),
    ("rank", "excel.results.col.rank", 11),
    ("note", "excel.col.note", 40),
)
_POS = {key: index for index, (key, _, _) in enumerate(_COLUMNS, start=1)}


def write_results_workbook(provinces: Era = 63, field: Field | None = None, lang: Lang = "vi") -> bytes:
    """The results template for the 63 or 34 provinces; filled with `field`'s scores and published ranks when
    given (then `provinces` is the field's own count)."""
    if field is not None:
        provinces = field.n_provinces
    wb = styles.new_workbook()
    styles.instructions_sheet(
        wb,
        lang,
        "excel.results.instructions.title",
        (
            "excel.results.instructions.what",
            "excel.results.instructions.fill",
            "excel.results.instructions.names",
            "excel.results.instructions.import",
        ),
    )
    ws = wb.create_sheet(t(RESULTS_SHEET_KEY, lang))
    lists = styles.ListsSheet(wb)
    _write_table(ws, provinces, field, lang, lists)
    lists.finish()
    return styles.finished_bytes(wb)


def _write_table(
    ws: Worksheet, provinces: Era, field: Field | None, lang: Lang, lists: styles.ListsSheet
) -> None:
    title = ws.cell(row=1, column=1)
    year = str(field.year) if field is not None else "…"
    write_text(title, t("excel.results.title", lang, year=year, n=provinces))
    title.font = styles.TITLE_FONT
    note = ws.cell(row=2, column=1, value=t("excel.results.subtitle", lang))
    note.font = styles.NOTE_FONT
    styles.header_row(ws, HEADER_ROW, [t(key, lang) for _, key, _ in _COLUMNS])
    names = province_names(provinces)
    by_name = {e.province: e for e in field.entries} if field is not None else {}
    order: list[str | None] = [*names, *(name for name in by_name if name not in names)]
    order += [None] * SPARE_ROWS
    for offset, name in enumerate(order):
        row = HEADER_ROW + 1 + offset
        entry = by_name.get(name) if name is not None else None
        values: dict[str, Any] = {
            "number": offset + 1 if name is not None else None,
            "province": name,
            "score": entry.score if entry is not None else None,
            "rank": entry.published_rank if entry is not None else None,
            "note": entry.note if entry is not None and entry.note else None,
        }
        for key, _, _ in _COLUMNS:
            styles.body_cell(
                ws.cell(row=row, column=_POS[key]),
                values[key],
                user_text=True,
                editable=True,
                number_format={
                    "score": styles.NUMBER_FORMAT,
                    "rank": styles.INTEGER_FORMAT,
                    "number": "0",
                }.get(key, styles.TEXT_FORMAT),
            )
    first, last = HEADER_ROW + 1, HEADER_ROW + len(order)
    letter = {key: styles.column_letter(pos) for key, pos in _POS.items()}
    validation = styles.list_validation(
        ws, lists.add(list(names)), [f"{letter['province']}{first}:{letter['province']}{last}"], lang
    )
    validation.errorStyle = "warning"  # "TP. Hồ Chí Minh" and other usual variants are read too
    styles.decimal_validation(
        ws, [f"{letter['score']}{first}:{letter['score']}{last}"], lang, low=0, high=100
    )
    styles.decimal_validation(
        ws, [f"{letter['rank']}{first}:{letter['rank']}{last}"], lang, low=1, high=provinces, whole=True
    )
    styles.set_widths(ws, {_POS[key]: width for key, _, width in _COLUMNS})
    styles.freeze_below(ws, HEADER_ROW, first_free_column=3)
    styles.protect(ws)
