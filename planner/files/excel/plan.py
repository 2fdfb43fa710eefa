"""The plan as the appendix provinces already write: the Lào Cai layout (Kế hoạch 221/KH-UBND, 2019), extended.

Columns follow the appendix: STT | Lĩnh vực/Tiêu chí/Tiêu chí thành phần | Điểm tối đa | Mục tiêu đạt được |
Yêu cầu của sản phẩm đầu ra (Tài liệu kiểm chứng): Thẩm quyền ban hành, Chất lượng/Nội dung, Mức độ hoàn thành,
Thời gian ban hành | Phân công trách nhiệm: Chủ trì, Phối hợp; two header rows with merged group headers; area rows
in bold (their names in capitals, as the appendix prints them) and criterion rows carrying subtotals of the rows
listed under them. PAR Planner adds the current and target level, the current points, the points gained and
the effort, a note, and a summary sheet (totals, rank before and after, effort by lead agency).

Every number is written as a value computed in Python from the Plan (no formulas): a plan is a document that
travels by e-mail and is opened in viewers that do not recalculate, and the numeric cells are locked, so the
subtotals cannot go stale. The text columns (evidence, deadline, lead, partners, note) stay editable; reading
the workbook back (`read_plan_workbook`) gives the same Plan, with those edits.

Fields that the visible columns show in one language only (names and level labels in the other language, level
ids, area and criterion codes, flags, the plan's own order) sit in hidden columns at the right, so the export
round-trips exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from planner.core.errors import ImportFileError
from planner.core.i18n import Lang, t
from planner.files.excel import styles
from planner.files.excel.effort import unit_key
from planner.files.excel.fields import (
    LIST_SEPARATOR,
    choice,
    headers,
    read_info_rows,
    split_list,
    whole_number,
)
from planner.files.excel.progress import write_progress_sheet
from planner.files.plan_table import self_assessed_max, table_groups
from planner.methodology.index import get_index
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario, scenario_from_json, validation_problems
from planner.optimiser.effort import EFFORT_UNITS, EffortUnit
from planner.optimiser.plan import Plan, PlanChange
from planner.tables.reading import MAX_UPLOAD_BYTES, Column
from planner.tables.workbook import (
    TableRow,
    collect_problems,
    find_sheet,
    open_workbook,
    read_table,
    write_text,
)
from planner.tracking.model import TrackedPlan

PLAN_SHEET_KEY = "excel.sheet.plan"
BASELINE_SHEET_KEY = "excel.sheet.baseline"
SUMMARY_SHEET_KEY = "excel.sheet.summary"
HEADER_TOP = 4
HEADER_BOTTOM = 5


@dataclass(frozen=True)
class _PlanColumn:
    key: str
    header_key: str
    width: float
    group_key: str | None = None
    hidden: bool = False
    editable: bool = False
    number_format: str | None = None


_GROUP_EVIDENCE = "excel.plan.group_evidence"
_GROUP_RESPONSIBILITY = "excel.plan.group_responsibility"
_GROUP_RESULT = "excel.plan.group_result"
_GROUP_DATA = "excel.plan.group_data"

PLAN_COLUMNS: tuple[_PlanColumn, ...] = (
    _PlanColumn("code", "excel.plan.col.stt", 8),
    _PlanColumn("name", "excel.plan.col.name", 44),
    _PlanColumn("max_points", "excel.plan.col.max_points", 9, number_format=styles.NUMBER_FORMAT),
    _PlanColumn("to_points", "excel.plan.col.target", 10, number_format=styles.NUMBER_FORMAT),
    _PlanColumn("evidence_document", "excel.plan.col.evidence_document", 18, _GROUP_EVIDENCE, editable=True),
    _PlanColumn("evidence_content", "excel.plan.col.evidence_content", 26, _GROUP_EVIDENCE, editable=True),
    _PlanColumn("completion_target", "excel.plan.col.completion_target", 16, _GROUP_EVIDENCE, editable=True),
    _PlanColumn("deadline", "excel.plan.col.deadline", 18, _GROUP_EVIDENCE, editable=True),
    _PlanColumn("lead_agencies", "excel.plan.col.lead", 16, _GROUP_RESPONSIBILITY, editable=True),
    _PlanColumn("partner_agencies", "excel.plan.col.partners", 22, _GROUP_RESPONSIBILITY, editable=True),
    _PlanColumn("from_label", "excel.plan.col.from_level", 18, _GROUP_RESULT),
    _PlanColumn("to_label", "excel.plan.col.to_level", 18, _GROUP_RESULT),
    _PlanColumn(
        "from_points", "excel.plan.col.from_points", 10, _GROUP_RESULT, number_format=styles.NUMBER_FORMAT
    ),
    _PlanColumn(
        "points_gain", "excel.plan.col.points_gain", 10, _GROUP_RESULT, number_format=styles.NUMBER_FORMAT
    ),
    _PlanColumn("effort", "excel.plan.col.effort", 10, _GROUP_RESULT, number_format=styles.NUMBER_FORMAT),
    _PlanColumn("note", "excel.plan.col.note", 24),
    _PlanColumn("seq", "excel.plan.col.seq", 6, _GROUP_DATA, hidden=True),
    _PlanColumn("name_vi", "excel.plan.col.name_vi", 20, _GROUP_DATA, hidden=True),
    _PlanColumn("name_en", "excel.plan.col.name_en", 20, _GROUP_DATA, hidden=True),
    _PlanColumn("area_code", "excel.plan.col.area_code", 8, _GROUP_DATA, hidden=True),
    _PlanColumn("criterion_code", "excel.plan.col.criterion_code", 8, _GROUP_DATA, hidden=True),
    _PlanColumn("from_level", "excel.plan.col.from_level_id", 12, _GROUP_DATA, hidden=True),
    _PlanColumn("to_level", "excel.plan.col.to_level_id", 12, _GROUP_DATA, hidden=True),
    _PlanColumn("from_label_vi", "excel.plan.col.from_label_vi", 12, _GROUP_DATA, hidden=True),
    _PlanColumn("from_label_en", "excel.plan.col.from_label_en", 12, _GROUP_DATA, hidden=True),
    _PlanColumn("to_label_vi", "excel.plan.col.to_label_vi", 12, _GROUP_DATA, hidden=True),
    _PlanColumn("to_label_en", "excel.plan.col.to_label_en", 12, _GROUP_DATA, hidden=True),
    _PlanColumn("effort_is_default", "excel.plan.col.effort_is_default", 8, _GROUP_DATA, hidden=True),
    _PlanColumn("uses_assumption", "excel.plan.col.uses_assumption", 8, _GROUP_DATA, hidden=True),
    _PlanColumn("changed", "excel.plan.col.changed", 8, _GROUP_DATA, hidden=True),
)
_POSITION = {c.key: i + 1 for i, c in enumerate(PLAN_COLUMNS)}
_VISIBLE_LAST = max(i + 1 for i, c in enumerate(PLAN_COLUMNS) if not c.hidden)

#: The summary's rows: (field, label key). Fields marked derived are recomputed from the plan, never read back.
_SUMMARY_FIELDS: tuple[tuple[str, str], ...] = (
    ("province", "excel.plan.summary.province"),
    ("year", "excel.plan.summary.year"),
    ("methodology", "excel.plan.summary.methodology"),
    ("scenario_name", "excel.plan.summary.scenario_name"),
    ("target_vi", "excel.plan.summary.target_vi"),
    ("target_en", "excel.plan.summary.target_en"),
    ("target_rank", "excel.plan.summary.target_rank"),
    ("target_score", "excel.plan.summary.target_score"),
    ("baseline_total", "excel.plan.summary.baseline_total"),
    ("planned_total", "excel.plan.summary.planned_total"),
    ("points_gain", "excel.plan.summary.points_gain"),
    ("rank_before", "excel.plan.summary.rank_before"),
    ("rank_after", "excel.plan.summary.rank_after"),
    ("p_reach", "excel.plan.summary.p_reach"),
    ("effort_unit", "excel.plan.summary.effort_unit"),
    ("total_effort", "excel.plan.summary.total_effort"),
    ("changes", "excel.plan.summary.changes"),
    ("notes", "excel.plan.summary.notes"),
    ("schema_version", "excel.plan.summary.schema_version"),
)
_DERIVED_SUMMARY = frozenset({"points_gain", "total_effort", "changes"})


def effort_unit_label(unit: EffortUnit, lang: Lang) -> str:
    return t(unit_key(unit), lang)


# --------------------------------------------------------------------------------------------------- writing


def write_plan_workbook(
    plan: Plan,
    methodology: Methodology,
    lang: Lang = "vi",
    *,
    every_item: bool = True,
    baseline: Scenario | None = None,
) -> bytes:
    """The plan as an .xlsx in the Lào Cai appendix layout, plus a summary sheet; Vietnamese unless `lang`.

    `methodology` gives the area and criterion names, their maxima and the table order; changes whose codes it
    does not know are listed after the table's areas, under no area row. With `every_item` (the default) the
    table lists every self-assessed item, as the seed appendices do, the changed rows marked; without it, only
    the changes. A progress sheet (planner.files.excel.progress) follows, for tracking the plan through the year;
    with `baseline`, the scenario the plan was made from is kept in a hidden sheet, so a review of the filled-in
    workbook can re-optimise what is still open.
    """
    wb = styles.new_workbook()
    survey_index = get_index(methodology.index).survey_is_lever  # PAPI: every dimension is a survey result
    styles.instructions_sheet(
        wb,
        lang,
        "excel.plan.instructions.title_" + ("survey" if survey_index else "par"),
        (
            "excel.plan.instructions.what_survey" if survey_index else "excel.plan.instructions.what",
            "excel.plan.instructions.columns",
            "excel.plan.instructions.subtotals",
            "excel.plan.instructions.edit",
            "excel.plan.instructions.reimport",
        ),
    )
    ws = wb.create_sheet(t(PLAN_SHEET_KEY, lang))
    write_plan_table(ws, plan, methodology, lang, every_item=every_item)
    summary = wb.create_sheet(t(SUMMARY_SHEET_KEY, lang))
    _write_summary(summary, plan, methodology, lang)
    write_progress_sheet(wb, TrackedPlan(plan=plan, baseline=baseline), methodology, lang)
    if baseline is not None:
        _write_baseline(wb, baseline, lang)
    return styles.finished_bytes(wb)


#: A cell holds at most 32 767 characters; the scenario's JSON is split into rows of this many.
_BASELINE_CHUNK = 30_000


def _write_baseline(wb: Workbook, baseline: Scenario, lang: Lang) -> None:
    ws = wb.create_sheet(t(BASELINE_SHEET_KEY, lang))
    text = baseline.to_json()
    for index in range(0, len(text), _BASELINE_CHUNK):
        write_text(ws.cell(row=index // _BASELINE_CHUNK + 1, column=1), text[index : index + _BASELINE_CHUNK])
    ws.sheet_state = "hidden"
    styles.protect(ws)


def read_plan_baseline(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Scenario | None:
    """The scenario a plan workbook was made from, None when it was written without one."""
    wb = open_workbook(data, max_bytes=max_bytes)
    try:
        ws = find_sheet(wb, headers(BASELINE_SHEET_KEY))
    except ImportFileError:
        return None
    text = "".join(str(ws.cell(row=r, column=1).value or "") for r in range(1, ws.max_row + 1))
    return scenario_from_json(text)


def _title(plan: Plan, methodology: Methodology, lang: Lang) -> str:
    """The table's heading, naming the plan's index (the appendix's "… CẢI THIỆN CHỈ SỐ CẢI CÁCH HÀNH CHÍNH")."""
    index = get_index(methodology.index).plan_name(lang)
    parts = [t("excel.plan.title", lang, index=index.upper() if lang == "vi" else index)]
    if plan.province:
        parts.append(plan.province)
    if plan.year is not None:
        parts.append(t("excel.plan.title_year", lang, year=str(plan.year)))
    return " – ".join(parts)


def write_plan_table(
    ws: Worksheet, plan: Plan, methodology: Methodology, lang: Lang, *, every_item: bool = True
) -> None:
    """The appendix table of `plan` on `ws` (title, two header rows, area and criterion rows with their true
    maxima, the rows; every self-assessed item with the changes marked, or only the changes)."""
    title = ws.cell(row=1, column=1)
    write_text(title, _title(plan, methodology, lang))
    title.font = styles.TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=_VISIBLE_LAST)
    target = plan.target_vi if lang == "vi" else (plan.target_en or plan.target_vi)
    subtitle = ws.cell(row=2, column=1)
    write_text(
        subtitle,
        t(
            "excel.plan.subtitle",
            lang,
            methodology=methodology.name(lang),
            unit=effort_unit_label(plan.effort_unit, lang),
            target=target or "–",
        ),
    )
    subtitle.font = styles.NOTE_FONT
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=_VISIBLE_LAST)

    _write_two_row_header(ws, lang)
    listed = (*plan.changes, *plan.unchanged) if every_item else plan.changes
    changed = set(range(len(plan.changes)))
    row = HEADER_BOTTOM + 1
    for kind, code, name, rows in table_groups(listed, methodology, lang):
        if kind == "item":
            seq = listed.index(rows[0])
            _write_change_row(ws, row, rows[0], seq + 1, lang, changed=seq in changed)
        else:
            _write_subtotal_row(ws, row, kind, code, name, rows, self_assessed_max(methodology, code))
        row += 1
    areas = {r.area_code for r in listed}
    total = _sum([self_assessed_max(methodology, a.code) for a in methodology.areas if a.code in areas])
    _write_subtotal_row(ws, row, "total", "", t("excel.plan.total_row", lang), listed, total)
    total_row = row

    styles.set_widths(ws, {i + 1: c.width for i, c in enumerate(PLAN_COLUMNS)})
    for index, column in enumerate(PLAN_COLUMNS, start=1):
        if column.hidden:
            ws.column_dimensions[styles.column_letter(index)].hidden = True
    styles.fit_row_heights(ws, HEADER_BOTTOM + 1, total_row)
    styles.freeze_below(ws, HEADER_BOTTOM, first_free_column=3)
    ws.print_title_rows = f"{HEADER_TOP}:{HEADER_BOTTOM}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{styles.column_letter(_VISIBLE_LAST)}{total_row}"
    styles.protect(ws)


def _write_two_row_header(ws: Worksheet, lang: Lang) -> None:
    """Row 4 carries group headers merged over their sub-columns and single headers merged over both rows;
    row 5 the sub-headers, exactly as the appendix."""
    index = 0
    while index < len(PLAN_COLUMNS):
        column = PLAN_COLUMNS[index]
        first = index + 1
        if column.group_key is None:
            cell = ws.cell(row=HEADER_TOP, column=first)
            cell.value = t(column.header_key, lang)
            styles.style_header(cell)
            styles.style_header(ws.cell(row=HEADER_BOTTOM, column=first))
            ws.merge_cells(start_row=HEADER_TOP, start_column=first, end_row=HEADER_BOTTOM, end_column=first)
            index += 1
            continue
        last = first
        while last < len(PLAN_COLUMNS) and PLAN_COLUMNS[last].group_key == column.group_key:
            last += 1
        group = ws.cell(row=HEADER_TOP, column=first)
        group.value = t(column.group_key, lang)
        for position in range(first, last + 1):
            styles.style_header(ws.cell(row=HEADER_TOP, column=position))
            sub = PLAN_COLUMNS[position - 1]
            cell = ws.cell(row=HEADER_BOTTOM, column=position)
            cell.value = t(sub.header_key, lang)
            styles.style_header(cell)
        if last > first:
            ws.merge_cells(start_row=HEADER_TOP, start_column=first, end_row=HEADER_TOP, end_column=last)
        index = last
    ws.row_dimensions[HEADER_BOTTOM].height = 45


def _sum(values: Sequence[float], digits: int = 2) -> float:
    """A sum formed in integer units of 10^-digits (hundredths for points), so subtotals show no float noise."""
    scale = int("1" + "0" * digits)
    return sum(round(v * scale) for v in values) / scale


def _write_subtotal_row(
    ws: Worksheet,
    row: int,
    kind: str,
    code: str,
    name: str,
    changes: Sequence[PlanChange],
    maximum: float | None,
) -> None:
    """An area, criterion or total row: its true maximum (the scheme's, not the sum of the rows listed, which
    would understate it when only changes are listed), and the points and effort of the rows under it."""
    fill = styles.AREA_FILL if kind in ("area", "total") else styles.CRITERION_FILL
    values: dict[str, Any] = {
        "code": code,
        "name": name,
        "max_points": maximum,
        "to_points": _sum([c.to_points for c in changes]),
        "from_points": _sum([c.from_points for c in changes]),
        "points_gain": _sum([c.points_gain for c in changes]),
        "effort": _sum([c.effort for c in changes], 6),
    }
    for index, column in enumerate(PLAN_COLUMNS, start=1):
        cell = ws.cell(row=row, column=index)
        styles.body_cell(
            cell,
            values.get(column.key),
            user_text=column.key == "name",
            number_format=column.number_format,
            bold=True,
            fill=fill,
        )


def _write_change_row(
    ws: Worksheet, row: int, change: PlanChange, seq: int, lang: Lang, *, changed: bool = True
) -> None:
    note_parts = []
    if not changed:
        note_parts.append(t("excel.plan.note_kept", lang))
    if change.uses_assumption:
        note_parts.append(t("excel.plan.note_assumption", lang))
    if change.effort_is_default:
        note_parts.append(t("excel.plan.note_default_effort", lang))
    values: dict[str, Any] = {
        "code": change.code,
        "name": change.name(lang),
        "max_points": change.max_points,
        "to_points": change.to_points,
        "evidence_document": change.evidence_document,
        "evidence_content": change.evidence_content,
        "completion_target": change.completion_target,
        "deadline": change.deadline,
        "lead_agencies": LIST_SEPARATOR.join(change.lead_agencies),
        "partner_agencies": LIST_SEPARATOR.join(change.partner_agencies),
        "from_label": (
            change.from_label_vi if lang == "vi" else change.from_label_en or change.from_label_vi
        ),
        "to_label": (change.to_label_vi if lang == "vi" else change.to_label_en or change.to_label_vi),
        "from_points": change.from_points,
        "points_gain": change.points_gain,
        "effort": change.effort,
        "note": "; ".join(note_parts),
        "seq": seq,
        "name_vi": change.name_vi,
        "name_en": change.name_en,
        "area_code": change.area_code,
        "criterion_code": change.criterion_code,
        "from_level": change.from_level or "",
        "to_level": change.to_level,
        "from_label_vi": change.from_label_vi,
        "from_label_en": change.from_label_en,
        "to_label_vi": change.to_label_vi,
        "to_label_en": change.to_label_en,
        "effort_is_default": 1 if change.effort_is_default else 0,
        "uses_assumption": 1 if change.uses_assumption else 0,
        "changed": 1 if changed else 0,
    }
    for index, column in enumerate(PLAN_COLUMNS, start=1):
        cell = ws.cell(row=row, column=index)
        value = values.get(column.key)
        fill = None if column.editable else (styles.CHANGED_FILL if changed else styles.LOCKED_FILL)
        styles.body_cell(
            cell,
            value,
            user_text=isinstance(value, str),
            number_format=column.number_format or (styles.TEXT_FORMAT if isinstance(value, str) else None),
            editable=column.editable,
            fill=fill,
            bold=changed and column.key in ("code", "to_points", "to_label"),
        )


def _write_summary(ws: Worksheet, plan: Plan, methodology: Methodology, lang: Lang) -> None:
    title = ws.cell(row=1, column=2)
    write_text(title, _title(plan, methodology, lang))
    title.font = styles.TITLE_FONT
    styles.header_row(
        ws, 3, (t("excel.col.field", lang), t("excel.col.item", lang), t("excel.col.value", lang))
    )
    values: dict[str, Any] = {
        "province": plan.province or "",
        "year": plan.year,
        "methodology": plan.methodology,
        "scenario_name": plan.scenario_name,
        "target_vi": plan.target_vi,
        "target_en": plan.target_en,
        "target_rank": plan.target_rank,
        "target_score": plan.target_score,
        "baseline_total": plan.baseline_total,
        "planned_total": plan.planned_total,
        "points_gain": _sum([c.points_gain for c in plan.changes]),
        "rank_before": plan.rank_before,
        "rank_after": plan.rank_after,
        "p_reach": plan.p_reach,
        "effort_unit": effort_unit_label(plan.effort_unit, lang),
        "total_effort": _sum([c.effort for c in plan.changes], 6),
        "changes": len(plan.changes),
        "notes": plan.notes,
        "schema_version": plan.schema_version,
    }
    formats = {
        "target_score": styles.NUMBER_FORMAT,
        "baseline_total": styles.NUMBER_FORMAT,
        "planned_total": styles.NUMBER_FORMAT,
        "points_gain": styles.NUMBER_FORMAT,
        "total_effort": styles.NUMBER_FORMAT,
        "p_reach": "0.0%",
        "year": styles.INTEGER_FORMAT,
    }
    row = 4
    for field, label_key in _SUMMARY_FIELDS:
        styles.body_cell(ws.cell(row=row, column=1), field)
        label = t(label_key, lang)
        if field == "methodology":
            label = f"{label} ({methodology.name(lang)})"
        styles.body_cell(ws.cell(row=row, column=2), label, bold=field in _DERIVED_SUMMARY)
        value = values[field]
        styles.body_cell(
            ws.cell(row=row, column=3),
            value,
            user_text=isinstance(value, str),
            number_format=formats.get(field, styles.TEXT_FORMAT if isinstance(value, str) else None),
        )
        row += 1
    ws.column_dimensions["A"].hidden = True

    row += 1
    heading = ws.cell(row=row, column=2, value=t("excel.plan.by_agency_title", lang))
    heading.font = styles.SUBTITLE_FONT
    row += 1
    styles.header_row(
        ws,
        row,
        (
            t("excel.plan.col.lead", lang),
            t("excel.plan.by_agency.items", lang),
            t("excel.plan.col.points_gain", lang),
            t("excel.plan.col.effort", lang),
        ),
        first_column=2,
    )
    for agency, changes in plan.by_lead_agency():
        row += 1
        styles.body_cell(ws.cell(row=row, column=2), agency or t("excel.plan.no_lead", lang), user_text=True)
        styles.body_cell(ws.cell(row=row, column=3), len(changes), number_format=styles.INTEGER_FORMAT)
        styles.body_cell(
            ws.cell(row=row, column=4),
            _sum([c.points_gain for c in changes]),
            number_format=styles.NUMBER_FORMAT,
        )
        styles.body_cell(
            ws.cell(row=row, column=5),
            _sum([c.effort for c in changes], 6),
            number_format=styles.NUMBER_FORMAT,
        )
    note = ws.cell(row=row + 2, column=2, value=t("excel.plan.by_agency_note", lang))
    note.font = styles.NOTE_FONT
    styles.set_widths(ws, {2: 46, 3: 40, 4: 14, 5: 14})
    styles.freeze_below(ws, 3)
    styles.protect(ws)


# --------------------------------------------------------------------------------------------------- reading

_READ_COLUMNS: tuple[Column, ...] = (
    Column("code", headers("excel.plan.col.stt")),
    Column("max_points", headers("excel.plan.col.max_points")),
    Column("to_points", headers("excel.plan.col.target")),
    Column("evidence_document", headers("excel.plan.col.evidence_document")),
    Column("evidence_content", headers("excel.plan.col.evidence_content")),
    Column("completion_target", headers("excel.plan.col.completion_target")),
    Column("deadline", headers("excel.plan.col.deadline")),
    Column("lead_agencies", headers("excel.plan.col.lead")),
    Column("partner_agencies", headers("excel.plan.col.partners")),
    Column("from_points", headers("excel.plan.col.from_points")),
    Column("effort", headers("excel.plan.col.effort")),
    Column("seq", headers("excel.plan.col.seq")),
    Column("name_vi", headers("excel.plan.col.name_vi")),
    Column("name_en", headers("excel.plan.col.name_en")),
    Column("area_code", headers("excel.plan.col.area_code")),
    Column("criterion_code", headers("excel.plan.col.criterion_code")),
    Column("from_level", headers("excel.plan.col.from_level_id")),
    Column("to_level", headers("excel.plan.col.to_level_id")),
    Column("from_label_vi", headers("excel.plan.col.from_label_vi")),
    Column("from_label_en", headers("excel.plan.col.from_label_en")),
    Column("to_label_vi", headers("excel.plan.col.to_label_vi")),
    Column("to_label_en", headers("excel.plan.col.to_label_en")),
    Column("effort_is_default", headers("excel.plan.col.effort_is_default")),
    Column("uses_assumption", headers("excel.plan.col.uses_assumption")),
    Column("changed", headers("excel.plan.col.changed"), required=False),
)


def _read_change(row: TableRow) -> tuple[int, bool, dict[str, Any]] | None:
    to_level = row.text("to_level")
    if not to_level:
        return None  # an area, criterion or total row: derived, recomputed from the changes
    seq = row.number("seq")
    assert seq is not None
    data: dict[str, Any] = {
        "code": row.text("code"),
        "name_vi": row.text("name_vi"),
        "name_en": row.text("name_en"),
        "area_code": row.text("area_code"),
        "criterion_code": row.text("criterion_code"),
        "max_points": row.number("max_points"),
        "from_level": row.text("from_level") or None,
        "to_level": to_level,
        "from_label_vi": row.text("from_label_vi"),
        "to_label_vi": row.text("to_label_vi"),
        "from_label_en": row.text("from_label_en"),
        "to_label_en": row.text("to_label_en"),
        "from_points": row.number("from_points"),
        "to_points": row.number("to_points"),
        "effort": row.number("effort"),
        "effort_is_default": row.boolean("effort_is_default"),
        "lead_agencies": split_list(row.text("lead_agencies")),
        "partner_agencies": split_list(row.text("partner_agencies")),
        "completion_target": row.text("completion_target"),
        "evidence_document": row.text("evidence_document"),
        "evidence_content": row.text("evidence_content"),
        "deadline": row.text("deadline"),
        "uses_assumption": row.boolean("uses_assumption"),
    }
    try:
        PlanChange.model_validate(data)
    except ValidationError as exc:
        raise ImportFileError(
            "excel.import_failed",
            problems=[row.located("code", p) for p in validation_problems(exc)],
        ) from None
    # a workbook written before the full table had no "changed" column: every row was a change
    changed = row.text("changed") in ("", "1")
    return int(seq), changed, data


_SUMMARY_READERS: dict[str, Callable[[TableRow], Any]] = {
    "province": lambda r: r.text("value") or None,
    "year": whole_number,
    "methodology": lambda r: r.text("value"),
    "scenario_name": lambda r: r.text("value"),
    "target_vi": lambda r: r.text("value"),
    "target_en": lambda r: r.text("value"),
    "target_rank": whole_number,
    "target_score": lambda r: r.number("value", required=False),
    "baseline_total": lambda r: r.number("value"),
    "planned_total": lambda r: r.number("value"),
    "rank_before": whole_number,
    "rank_after": whole_number,
    "p_reach": lambda r: r.number("value", required=False),
    "effort_unit": lambda r: choice(r, "value", EFFORT_UNITS, unit_key),
    "notes": lambda r: r.text("value"),
    "schema_version": whole_number,
}


def read_plan_workbook(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Plan:
    """The Plan in a workbook written by `write_plan_workbook` (possibly with its text columns edited).

    Subtotal, total and summary figures are derived and ignored; the changes are read from their rows and
    put back in the plan's own order.
    """
    wb = open_workbook(data, max_bytes=max_bytes)
    table = find_sheet(wb, headers(PLAN_SHEET_KEY))
    summary = find_sheet(wb, headers(SUMMARY_SHEET_KEY))
    rows = read_table(table, _READ_COLUMNS, header_rows=2)
    read, problems = collect_problems(rows, _read_change)
    meta, _, meta_problems = read_info_rows(summary, _SUMMARY_READERS)
    problems.extend(meta_problems)
    if problems:
        raise ImportFileError("excel.import_failed", problems=problems)
    ordered = sorted((r for r in read if r is not None), key=lambda found: found[0])
    changes = [data for _, changed, data in ordered if changed]
    unchanged = [data for _, changed, data in ordered if not changed]
    try:
        return Plan.model_validate({**meta, "changes": changes, "unchanged": unchanged})
    except ValidationError as exc:
        raise ImportFileError("excel.import_failed", problems=validation_problems(exc)) from None
