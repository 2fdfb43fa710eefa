"""The effort table as a workbook: what each upgrade costs, what cannot move, and each agency's budget.

The Sở Nội vụ gathers costs from the lead agencies, in Excel. The template lists every scored item once per level
above its lowest (the level cells are locked: the rows are the questions), with an editable effort, where the
figure comes from (the province's own, or a default), and a note; the item's first row also carries its
constraints: locked this year, the highest feasible level (a drop-down of the item's levels) and, for survey
items, whether the optimiser may treat it as a lever. A second sheet lists the lead agencies of the methodology
with an editable budget each; an info sheet holds the unit. Blank cells mean "not given", so a table read back
is exactly the table written: no entry where no effort was typed, no constraint where none was set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from planner.core.errors import ImportFileError, Problem
from planner.core.i18n import Lang, t
from planner.core.text import fold
from planner.files.excel import styles
from planner.files.excel.fields import choice, headers, read_info_rows, whole_number
from planner.files.excel.scenario import option_label
from planner.methodology.model import Methodology, ScoredItem
from planner.methodology.scenario import validation_problems
from planner.methodology.scoring import item_options
from planner.optimiser.effort import (
    EFFORT_UNITS,
    FLAG_KEYS,
    ConstraintRows,
    EffortEntry,
    EffortTable,
    ItemConstraint,
    entries_in_table_order,
    resolve_level,
)
from planner.tables.reading import MAX_UPLOAD_BYTES, Column
from planner.tables.workbook import TableRow, find_sheet, open_workbook, read_table

EFFORT_SHEET_KEY = "excel.sheet.effort"
BUDGET_SHEET_KEY = "excel.sheet.budgets"
INFO_SHEET_KEY = "excel.sheet.info"
SPARE_BUDGET_ROWS = 30
BASES = ("user", "default")

_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("code", "excel.col.code", 9),
    ("name", "excel.col.name", 50),
    ("level", "excel.effort.col.level", 30),
    ("effort", "excel.effort.col.effort", 11),
    ("basis", "excel.effort.col.basis", 14),
    ("note", "excel.col.note", 30),
    ("locked", "excel.effort.col.locked", 10),
    ("feasible_max", "excel.effort.col.feasible_max", 30),
    ("survey_unlocked", "excel.effort.col.survey_unlocked", 12),
)
_POS = {key: index for index, (key, _, _) in enumerate(_COLUMNS, start=1)}


def unit_key(unit: str) -> str:
    """The translation key of an effort unit's label, as the effort and plan workbooks write and read it."""
    return f"excel.unit.{unit}"


def _basis_key(basis: str) -> str:
    return f"excel.effort.basis.{basis}"


def lead_agencies(methodology: Methodology) -> tuple[str, ...]:
    """Every lead agency named in the methodology, in table order, once."""
    seen: dict[str, None] = {}
    for item in methodology.scored_items:
        for agency in item.node.lead_agencies or item.criterion.lead_agencies or item.area.lead_agencies:
            seen.setdefault(agency, None)
    return tuple(seen)


# --------------------------------------------------------------------------------------------------- writing


def write_effort_workbook(
    methodology: Methodology, table: EffortTable | None = None, lang: Lang = "vi"
) -> bytes:
    """The effort template for `methodology`, filled with `table` when given."""
    table = table if table is not None else EffortTable()
    wb = styles.new_workbook()
    styles.instructions_sheet(
        wb,
        lang,
        "excel.effort.instructions.title",
        (
            "excel.effort.instructions.what",
            "excel.effort.instructions.rows",
            "excel.effort.instructions.constraints",
            "excel.effort.instructions.budgets",
            "excel.effort.instructions.import",
        ),
    )
    ws = wb.create_sheet(t(EFFORT_SHEET_KEY, lang))
    budgets = wb.create_sheet(t(BUDGET_SHEET_KEY, lang))
    info = wb.create_sheet(t(INFO_SHEET_KEY, lang))
    lists = styles.ListsSheet(wb)
    _write_efforts(ws, methodology, table, lang, lists)
    _write_budgets(budgets, methodology, table, lang)
    _write_info(info, table, lang, lists)
    lists.finish()
    return styles.finished_bytes(wb)


def _write_efforts(
    ws: Worksheet, methodology: Methodology, table: EffortTable, lang: Lang, lists: styles.ListsSheet
) -> None:
    styles.header_row(ws, 1, [t(key, lang) for _, key, _ in _COLUMNS])
    known = methodology.item_index
    strays = sorted(({e.code for e in table.entries} | {c.code for c in table.constraints}) - set(known))
    if strays:
        raise ImportFileError("excel.effort.unknown_codes", codes=", ".join(strays))
    entries = {(e.code, e.level): e for e in table.entries}
    constraints = {c.code: c for c in table.constraints}
    yes, no = styles.yes_no_labels(lang)
    yes_no = lists.add([yes, no])
    bases = lists.add([t(_basis_key(b), lang) for b in BASES])
    row = 2
    for item in methodology.scored_items:
        options = item_options(item)
        ids = [o.id for o in options]
        wanted = [o for o in options[1:]]
        extra = [o for o in options[:1] if (item.code, o.id) in entries]
        levels = extra + wanted
        stray_levels = [e for (code, level), e in entries.items() if code == item.code and level not in ids]
        if stray_levels:
            raise ImportFileError(
                "excel.effort.unknown_levels", code=item.code, levels=", ".join(e.level for e in stray_levels)
            )
        reference = lists.add([option_label(item, o, lang) for o in options])
        first = row
        for option in levels:
            entry = entries.get((item.code, option.id))
            constraint = constraints.get(item.code) if row == first else None
            _write_row(ws, row, item, option_label(item, option, lang), entry, constraint, row == first, lang)
            row += 1
        if row == first:
            continue
        letter = styles.column_letter(_POS["feasible_max"])
        styles.list_validation(ws, reference, [f"{letter}{first}"], lang)
        for key in ("locked", "survey_unlocked"):
            if key == "survey_unlocked" and not item.is_survey:
                continue
            styles.list_validation(ws, yes_no, [f"{styles.column_letter(_POS[key])}{first}"], lang)
    last = row - 1
    effort = styles.column_letter(_POS["effort"])
    styles.decimal_validation(ws, [f"{effort}2:{effort}{last}"], lang, low=0.0, high=None)
    basis = styles.column_letter(_POS["basis"])
    styles.list_validation(ws, bases, [f"{basis}2:{basis}{last}"], lang)
    styles.set_widths(ws, {_POS[key]: width for key, _, width in _COLUMNS})
    styles.freeze_below(ws, 1, first_free_column=4)
    ws.auto_filter.ref = f"A1:{styles.column_letter(len(_COLUMNS))}{last}"
    styles.protect(ws)


def _write_row(
    ws: Worksheet,
    row: int,
    item: ScoredItem,
    level_text: str,
    entry: EffortEntry | None,
    constraint: ItemConstraint | None,
    first: bool,
    lang: Lang,
) -> None:
    yes, no = styles.yes_no_labels(lang)
    values: dict[str, Any] = {
        "code": item.code,
        "name": item.node.name(lang),
        "level": level_text,
        "effort": entry.effort if entry is not None else None,
        "basis": t(_basis_key(entry.basis), lang) if entry is not None else None,
        "note": entry.note if entry is not None and entry.note else None,
    }
    if constraint is not None:
        values["locked"] = yes if constraint.locked else no
        if constraint.feasible_max_level is not None:
            chosen = next((o for o in item_options(item) if o.id == constraint.feasible_max_level), None)
            values["feasible_max"] = (
                option_label(item, chosen, lang) if chosen is not None else constraint.feasible_max_level
            )
        values["survey_unlocked"] = yes if constraint.survey_unlocked else no
    editable = {"effort", "basis", "note"}
    if first:
        editable |= {"locked", "feasible_max"}
        if item.is_survey:
            editable.add("survey_unlocked")
    for key, _, _ in _COLUMNS:
        styles.body_cell(
            ws.cell(row=row, column=_POS[key]),
            values.get(key),
            user_text=True,
            editable=key in editable,
            bold=first and key in ("code", "name"),
            number_format=styles.NUMBER_FORMAT if key == "effort" else styles.TEXT_FORMAT,
        )


def _write_budgets(ws: Worksheet, methodology: Methodology, table: EffortTable, lang: Lang) -> None:
    styles.header_row(ws, 1, (t("excel.plan.col.lead", lang), t("excel.effort.col.budget", lang)))
    agencies = list(dict.fromkeys((*lead_agencies(methodology), *table.agency_budgets)))
    last = len(agencies) + 1 + SPARE_BUDGET_ROWS
    for row in range(2, last + 1):
        agency = agencies[row - 2] if row - 2 < len(agencies) else None
        styles.body_cell(ws.cell(row=row, column=1), agency, user_text=True, editable=True)
        budget = table.agency_budgets.get(agency) if agency is not None else None
        styles.body_cell(
            ws.cell(row=row, column=2), budget, editable=True, number_format=styles.NUMBER_FORMAT
        )
    styles.decimal_validation(ws, [f"B2:B{last}"], lang, low=0.0, high=None)
    styles.set_widths(ws, {1: 50, 2: 16})
    styles.freeze_below(ws, 1)
    styles.protect(ws)


def _write_info(ws: Worksheet, table: EffortTable, lang: Lang, lists: styles.ListsSheet) -> None:
    styles.header_row(
        ws, 1, (t("excel.col.field", lang), t("excel.col.item", lang), t("excel.col.value", lang))
    )
    rows: tuple[tuple[str, str, Any, bool], ...] = (
        ("unit", "excel.effort.info.unit", t(unit_key(table.unit), lang), True),
        ("notes", "excel.effort.info.notes", table.notes, True),
        ("schema_version", "excel.effort.info.schema_version", table.schema_version, False),
    )
    for row, (field, label_key, value, editable) in enumerate(rows, start=2):
        styles.body_cell(ws.cell(row=row, column=1), field)
        styles.body_cell(ws.cell(row=row, column=2), t(label_key, lang))
        styles.body_cell(
            ws.cell(row=row, column=3),
            value if value != "" else None,
            user_text=True,
            editable=editable,
            number_format=styles.INTEGER_FORMAT if field == "schema_version" else styles.TEXT_FORMAT,
        )
        if field == "unit":
            styles.list_validation(
                ws, lists.add([t(unit_key(u), lang) for u in EFFORT_UNITS]), [f"C{row}"], lang
            )
    ws.column_dimensions["A"].hidden = True
    styles.set_widths(ws, {1: 14, 2: 40, 3: 40})
    styles.protect(ws)


# --------------------------------------------------------------------------------------------------- reading

_READ_COLUMNS = (
    Column("code", headers("excel.col.code")),
    Column("level", headers("excel.effort.col.level")),
    Column("effort", headers("excel.effort.col.effort")),
    Column("basis", headers("excel.effort.col.basis"), required=False),
    Column("note", headers("excel.col.note"), required=False),
    Column("locked", headers("excel.effort.col.locked"), required=False),
    Column("feasible_max", headers("excel.effort.col.feasible_max"), required=False),
    Column("survey_unlocked", headers("excel.effort.col.survey_unlocked"), required=False),
)
_BUDGET_COLUMNS = (
    Column("agency", headers("excel.plan.col.lead")),
    Column("budget", headers("excel.effort.col.budget")),
)
_INFO_READERS: dict[str, Callable[[TableRow], Any]] = {
    "unit": lambda r: choice(r, "value", EFFORT_UNITS, unit_key),
    "notes": lambda r: r.text("value"),
    "schema_version": whole_number,
}


def _read_constraints(row: TableRow, item: ScoredItem, constraints: ConstraintRows) -> None:
    """The constraint cells of `row` (locked, feasible maximum, survey unlocked) added to `constraints`."""
    for key in FLAG_KEYS:
        if row.raw(key) not in (None, ""):
            constraints.add_flag(key, item.code, row.boolean(key))
    cap_text = row.text("feasible_max")
    if cap_text:
        option = resolve_level(item, cap_text)
        if option is None:
            known = ", ".join(option_label(item, o, "vi") for o in item_options(item))
            raise row.located_error(
                "feasible_max", "scenario.unknown_level", code=item.code, level=cap_text, known=known
            )
        if not constraints.add_cap(item.code, option.id):
            raise row.located_error("feasible_max", "excel.effort.conflicting_cap", code=item.code)


def _read_efforts(
    ws: Worksheet, methodology: Methodology
) -> tuple[tuple[EffortEntry, ...], tuple[ItemConstraint, ...], list[Problem]]:
    problems: list[Problem] = []
    entries: dict[tuple[str, str], tuple[EffortEntry, int]] = {}
    constraints = ConstraintRows()
    for row in read_table(ws, _READ_COLUMNS):
        try:
            code = row.text("code")
            if not code:
                raise row.error("code", "excel.missing_value")
            if code not in methodology.item_index:
                raise row.located_error("code", "scenario.unknown_code", code=code)
            item = methodology.item(code)
            _read_constraints(row, item, constraints)
            effort = row.number("effort", required=False)
            note = row.text("note")
            basis_text = row.text("basis")
            if effort is None:
                if note or basis_text:
                    raise row.located_error("effort", "excel.effort.note_without_effort", code=code)
                continue
            if effort < 0:
                raise row.located_error("effort", "excel.effort.negative", code=code, value=effort)
            level_text = row.text("level")
            option = resolve_level(item, level_text) if level_text else None
            if option is None:
                if not level_text:
                    raise row.error("level", "excel.missing_value")
                known = ", ".join(option_label(item, o, "vi") for o in item_options(item))
                raise row.located_error(
                    "level", "scenario.unknown_level", code=code, level=level_text, known=known
                )
            basis = choice(row, "basis", BASES, _basis_key) or "user"
            previous = entries.get((code, option.id))
            if previous is not None:
                raise row.located_error(
                    "level",
                    "excel.effort.duplicate_level",
                    code=code,
                    level=level_text,
                    first_row=previous[1],
                )
            entry = EffortEntry(code=code, level=option.id, effort=effort, basis=basis, note=note)
            entries[(code, option.id)] = (entry, row.row_number)
        except ImportFileError as exc:
            problems.extend(exc.problems or [Problem(exc.key, exc.params)])
        except ValidationError as exc:
            problems.extend(row.located("effort", p) for p in validation_problems(exc))
    ordered = entries_in_table_order(methodology, (e for e, _ in entries.values()))
    return ordered, constraints.constraints(methodology), problems


def _read_budgets(ws: Worksheet) -> tuple[dict[str, float], list[Problem]]:
    budgets: dict[str, float] = {}
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    for row in read_table(ws, _BUDGET_COLUMNS):
        try:
            agency = row.text("agency")
            budget = row.number("budget", required=False)
            if budget is None:
                continue
            if not agency:
                raise row.error("agency", "excel.missing_value")
            if budget < 0:
                raise row.located_error("budget", "excel.effort.negative", code=agency, value=budget)
            key = fold(agency)
            if key in first_row:
                raise row.located_error(
                    "agency", "excel.effort.duplicate_agency", agency=agency, first_row=first_row[key]
                )
            first_row[key] = row.row_number
            budgets[agency] = budget
        except ImportFileError as exc:
            problems.extend(exc.problems or [Problem(exc.key, exc.params)])
    return budgets, problems


def read_effort_workbook(
    data: bytes, methodology: Methodology, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> EffortTable:
    """The EffortTable in a filled effort template, checked against `methodology`; raises one ImportFileError
    listing every problem (unknown codes or levels, negative or non-numeric efforts, conflicting caps,
    duplicate agencies) at its sheet, row and column."""
    wb = open_workbook(data, max_bytes=max_bytes)
    efforts_ws = find_sheet(wb, headers(EFFORT_SHEET_KEY))
    budgets_ws = find_sheet(wb, headers(BUDGET_SHEET_KEY))
    info_ws = find_sheet(wb, headers(INFO_SHEET_KEY))
    info, _, problems = read_info_rows(info_ws, _INFO_READERS)
    version = info.get("schema_version")
    if isinstance(version, int) and version > EffortTable().schema_version:
        raise ImportFileError("excel.newer_schema", version=version, supported=EffortTable().schema_version)
    entries, constraints, effort_problems = _read_efforts(efforts_ws, methodology)
    budgets, budget_problems = _read_budgets(budgets_ws)
    problems += effort_problems + budget_problems
    if problems:
        raise ImportFileError("excel.import_failed", problems=problems)
    return EffortTable(
        unit=info.get("unit", "person_days"),
        entries=entries,
        constraints=constraints,
        agency_budgets=budgets,
        notes=info.get("notes", ""),
    )
