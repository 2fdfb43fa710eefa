"""The progress workbook: the rows an agency leads, sent out by the Sở Nội vụ and read back with its progress.

One sheet lists the agency's rows with what the plan fixed (code, name, target, deadline, evidence asked for,
lead and partners), locked, and the columns the agency fills, unlocked and tinted: status (a drop-down of the
four statuses), percent done (a whole number 0-100), the level reached (a drop-down of the item's own levels),
evidence and notes, and who updated. A hidden info sheet names the plan (its store id and a digest of its rows)
and the agency, so a workbook returned for another plan or by another agency is refused with a message before
anything is read. The same sheet, for every agency, is part of the plan workbook (`plan --xlsx`), so the CLI's
`review` reads a plan workbook that was filled in.

The digest covers what identifies the plan's tasks (methodology, province, year, each row's code and levels),
not the editable text around them: a Sở Nội vụ that corrected a deadline in the plan workbook still reads back
the workbooks it sent before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from planner.core.errors import ImportFileError, TrackingError
from planner.core.i18n import Lang, format_number, t
from planner.core.text import agency_key, fold
from planner.files.excel import styles
from planner.files.excel.fields import LIST_SEPARATOR, choice, headers, read_info_rows
from planner.methodology.model import Methodology
from planner.methodology.scoring import level_of, levels_of
from planner.optimiser.plan import Plan
from planner.tables.reading import MAX_UPLOAD_BYTES, Column
from planner.tables.workbook import (
    TableRow,
    collect_problems,
    find_sheet,
    open_workbook,
    read_table,
    write_text,
)
from planner.tracking.model import STATUSES, Progress, Status, TrackedPlan, status_key

PROGRESS_SHEET_KEY = "excel.sheet.progress"
PROGRESS_INFO_SHEET_KEY = "excel.sheet.progress_info"
WORKBOOK_KIND = "par-planner-progress"
HEADER_ROW = 4

_COLUMNS: tuple[tuple[str, str, float, bool], ...] = (
    # key, header key, width, editable
    ("code", "excel.progress.col.code", 9, False),
    ("name", "excel.progress.col.name", 40, False),
    ("target", "excel.progress.col.target", 22, False),
    ("deadline", "excel.progress.col.deadline", 16, False),
    ("evidence_required", "excel.progress.col.evidence_required", 30, False),
    ("lead", "excel.progress.col.lead", 18, False),
    ("partners", "excel.progress.col.partners", 20, False),
    ("status", "excel.progress.col.status", 17, True),
    ("percent", "excel.progress.col.percent", 11, True),
    ("reached", "excel.progress.col.reached", 22, True),
    ("evidence", "excel.progress.col.evidence", 34, True),
    ("updated_by", "excel.progress.col.updated_by", 16, True),
)
_POSITION = {key: index for index, (key, *_rest) in enumerate(_COLUMNS, start=1)}


def plan_digest(plan: Plan) -> str:
    """What identifies a plan's tasks (module docstring), as 16 hex digits."""
    payload = [
        plan.methodology,
        plan.province,
        plan.year,
        [[c.code, c.from_level, c.to_level] for c in plan.changes],
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:16]


def _level_label(methodology: Methodology, code: str, level: str | None, lang: Lang) -> str:
    option = level_of(methodology, code, level) if level is not None else None
    return option.label(lang) if option is not None else (level or "")


def write_progress_sheet(
    wb: Workbook,
    tracked: TrackedPlan,
    methodology: Methodology,
    lang: Lang,
    *,
    agency: str = "",
    plan_id: str = "",
) -> Worksheet:
    """The progress sheet (and its hidden info sheet) for `agency`'s rows, or every row when `agency` is empty."""
    rows = tracked.rows_of(agency) if agency else tracked.rows
    ws = wb.create_sheet(t(PROGRESS_SHEET_KEY, lang))
    plan = tracked.plan
    title = ws.cell(row=1, column=1)
    write_text(
        title,
        t(
            "excel.progress.title",
            lang,
            province=plan.province or "",
            year=str(plan.year or ""),
            agency=agency or t("excel.progress.every_agency", lang),
        ),
    )
    title.font = styles.TITLE_FONT
    note = ws.cell(row=2, column=1)
    write_text(note, t("excel.progress.note", lang))
    note.font = styles.NOTE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_COLUMNS))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(_COLUMNS))
    styles.header_row(ws, HEADER_ROW, [t(key, lang) for _, key, _, _ in _COLUMNS])

    lists = styles.ListsSheet(wb)
    status_list = lists.add([t(status_key(s), lang) for s in STATUSES])
    status_cells: list[str] = []
    percent_cells: list[str] = []
    for offset, row in enumerate(rows, start=1):
        r = HEADER_ROW + offset
        progress = tracked.progress(row.code)
        visible = not (tracked.private_notes and agency and not tracked.leads(row.code, agency))
        values: dict[str, object] = {
            "code": row.code,
            "name": row.name(lang),
            "target": f"{_level_label(methodology, row.code, row.to_level, lang)} "
            f"({format_number(row.to_points, lang)})",
            "deadline": row.deadline,
            "evidence_required": "\n".join(x for x in (row.evidence_document, row.evidence_content) if x),
            "lead": LIST_SEPARATOR.join(row.lead_agencies),
            "partners": LIST_SEPARATOR.join(row.partner_agencies),
            "status": t(status_key(progress.status), lang),
            "percent": progress.effective_percent,
            "reached": _level_label(methodology, row.code, progress.reached_level, lang),
            "evidence": progress.evidence if visible else "",
            "updated_by": progress.updated_by,
        }
        for key, _, _, editable in _COLUMNS:
            value = values[key]
            styles.body_cell(
                ws.cell(row=r, column=_POSITION[key]),
                value,
                user_text=isinstance(value, str),
                editable=editable,
                number_format=styles.INTEGER_FORMAT if key == "percent" else styles.TEXT_FORMAT,
            )
        status_cells.append(f"{styles.column_letter(_POSITION['status'])}{r}")
        percent_cells.append(f"{styles.column_letter(_POSITION['percent'])}{r}")
        labels = [o.label(lang) for o in levels_of(methodology, row.code)]
        if labels:
            styles.list_validation(
                ws, lists.add(labels), [f"{styles.column_letter(_POSITION['reached'])}{r}"], lang
            )
    if status_cells:
        styles.list_validation(ws, status_list, status_cells, lang)
        styles.decimal_validation(ws, percent_cells, lang, low=0, high=100, whole=True)
    lists.finish()
    styles.set_widths(ws, {_POSITION[key]: width for key, _, width, _ in _COLUMNS})
    styles.fit_row_heights(ws, HEADER_ROW + 1, HEADER_ROW + len(rows))
    styles.freeze_below(ws, HEADER_ROW, first_free_column=3)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    styles.protect(ws)

    info = wb.create_sheet(t(PROGRESS_INFO_SHEET_KEY, lang))
    styles.header_row(
        info, 1, (t("excel.col.field", lang), t("excel.col.item", lang), t("excel.col.value", lang))
    )
    for index, (field, value) in enumerate(
        (
            ("kind", WORKBOOK_KIND),
            ("plan_id", plan_id),
            ("plan_digest", plan_digest(plan)),
            ("agency", agency),
        ),
        start=2,
    ):
        styles.body_cell(info.cell(row=index, column=1), field)
        styles.body_cell(info.cell(row=index, column=2), t(f"excel.progress.info.{field}", lang))
        styles.body_cell(info.cell(row=index, column=3), value, user_text=True)
    info.sheet_state = "hidden"
    styles.protect(info)
    return ws


def write_agency_workbook(
    tracked: TrackedPlan, methodology: Methodology, agency: str, lang: Lang = "vi", *, plan_id: str = ""
) -> bytes:
    """The workbook the Sở Nội vụ sends `agency`: its rows, to fill in and return."""
    if not tracked.rows_of(agency):
        raise TrackingError("tracking.agency_has_no_rows", agency=agency)
    wb = styles.new_workbook()
    styles.instructions_sheet(
        wb,
        lang,
        "excel.progress.instructions.title",
        (
            "excel.progress.instructions.what",
            "excel.progress.instructions.fill",
            "excel.progress.instructions.locked",
            "excel.progress.instructions.return",
        ),
    )
    write_progress_sheet(wb, tracked, methodology, lang, agency=agency, plan_id=plan_id)
    return styles.finished_bytes(wb)


@dataclass(frozen=True)
class ReturnedProgress:
    """What a returned progress workbook says: for which plan and agency, and each row's report."""

    plan_id: str
    plan_digest: str
    agency: str
    reports: tuple[tuple[str, Progress], ...]


_READ_COLUMNS: tuple[Column, ...] = (
    Column("code", headers("excel.progress.col.code")),
    Column("status", headers("excel.progress.col.status")),
    Column("percent", headers("excel.progress.col.percent")),
    Column("reached", headers("excel.progress.col.reached")),
    Column("evidence", headers("excel.progress.col.evidence")),
    Column("updated_by", headers("excel.progress.col.updated_by")),
)


def _status(row: TableRow) -> Status:
    """The status a cell names (its id or its label in either language); an empty cell is "not started"."""
    found = choice(row, "status", STATUSES, status_key)
    return next((s for s in STATUSES if s == found), "not_started")


def _reached(row: TableRow, methodology: Methodology, code: str) -> str | None:
    text = row.text("reached")
    options = levels_of(methodology, code)
    if not text or not options:
        return text or None
    folded = fold(text)
    for option in options:
        if folded in (fold(option.id), fold(option.label_vi), fold(option.label_en)):
            return option.id
    raise row.error(
        "reached", "excel.unknown_choice", value=text[:40], allowed=", ".join(o.label_vi for o in options)
    )


def _percent(row: TableRow) -> int:
    number = row.number("percent", required=False)
    if number is None:
        return 0
    if not float(number).is_integer() or not 0 <= number <= 100:
        raise row.error("percent", "excel.progress.bad_percent", value=number)
    return int(number)


def read_progress_workbook(
    data: bytes, methodology: Methodology, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> ReturnedProgress:
    """The plan, agency and row reports of a progress workbook (or of a plan workbook's progress sheet); every
    problem of every row is listed at once."""
    wb = open_workbook(data, max_bytes=max_bytes)
    try:
        info_ws = find_sheet(wb, headers(PROGRESS_INFO_SHEET_KEY))
        sheet = find_sheet(wb, headers(PROGRESS_SHEET_KEY))
    except ImportFileError:
        raise TrackingError("tracking.not_progress_workbook") from None
    info, _, problems = read_info_rows(
        info_ws,
        {field: (lambda r: r.text("value")) for field in ("kind", "plan_id", "plan_digest", "agency")},
    )
    if info.get("kind") != WORKBOOK_KIND:
        raise TrackingError("tracking.not_progress_workbook")

    def read(row: TableRow) -> tuple[str, Progress] | None:
        code = row.text("code")
        if not code:
            return None
        progress = Progress(
            status=_status(row),
            percent=_percent(row),
            reached_level=_reached(row, methodology, code),
            evidence=row.text("evidence")[:2000],
            updated_by=row.text("updated_by")[:100],
        )
        return code, progress

    read_rows, row_problems = collect_problems(
        read_table(sheet, _READ_COLUMNS, header_search_rows=HEADER_ROW), read
    )
    problems.extend(row_problems)
    if problems:
        raise ImportFileError("excel.import_failed", problems=problems)
    return ReturnedProgress(
        plan_id=info.get("plan_id", ""),
        plan_digest=info.get("plan_digest", ""),
        agency=info.get("agency", ""),
        reports=tuple(r for r in read_rows if r is not None),
    )


def check_returned(
    returned: ReturnedProgress, tracked: TrackedPlan, *, plan_id: str = "", agency: str | None = None
) -> None:
    """Refuse a workbook for another plan, or from another agency than the one expected (`agency`), before any of
    its rows is kept."""
    if returned.plan_digest != plan_digest(tracked.plan) or (plan_id and returned.plan_id != plan_id):
        raise TrackingError("tracking.wrong_plan")
    if agency is not None and agency_key(returned.agency) != agency_key(agency):
        raise TrackingError(
            "tracking.wrong_agency",
            found=returned.agency or t("excel.progress.every_agency", "vi"),
            expected=agency or t("excel.progress.every_agency", "vi"),
        )
