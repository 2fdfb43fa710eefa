"""The scenario (or baseline) workbook: one row per scored item, set by a level, a value or points.

Sở Nội vụ staff collect a province's self-assessment in Excel, so the template is what they fill: the whole tree
in table order (area and criterion rows in bold, locked, for orientation; one row per scored item), with a
drop-down of the item's level labels, a value cell with the rule's range (a percentage 0–100, a count ≥ 0, 0/1
for a yes/no item; locked where the rule takes no value), a points cell limited to 0–maximum, and a note. A
second sheet holds the scenario's name, methodology, province, year and what unset items count as.

Reading checks every row against the methodology and collects every problem (unknown or duplicate codes, a level
the item does not have, a value or points out of range, two inputs on one row, formulas, text in number cells)
into one ImportFileError naming sheet, row and column; only a fully valid file becomes a Scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from planner.core.errors import ImportFileError, PlannerError, Problem, ScenarioError
from planner.core.i18n import Lang, t
from planner.core.text import fold
from planner.files.excel import styles
from planner.files.excel.fields import choice, decimal_of, headers, read_info_rows, whole_number
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.model import Methodology, ScoredItem
from planner.methodology.rules import (
    LevelOption,
    ProportionalRule,
    SurveyRule,
    ThresholdRule,
    YesNoRule,
    from_centi,
)
from planner.methodology.scenario import SCHEMA_VERSION, ItemSetting, Scenario, validation_problems
from planner.methodology.scoring import item_options, setting_centi
from planner.methodology.target import Target, read_target
from planner.optimiser.effort import resolve_level
from planner.tables.reading import MAX_UPLOAD_BYTES, Column
from planner.tables.workbook import TableRow, find_sheet, open_workbook, read_table

SCENARIO_SHEET_KEY = "excel.sheet.scenario"
INFO_SHEET_KEY = "excel.sheet.info"
HEADER_ROW = 1

#: Columns of the scenario sheet: (key, header translation key, width, editable).
_COLUMNS: tuple[tuple[str, str, float, bool], ...] = (
    ("code", "excel.col.code", 9, False),
    ("name", "excel.col.name", 58, False),
    ("max_points", "excel.col.max_points", 9, False),
    ("how", "excel.scenario.col.how", 30, False),
    ("level", "excel.scenario.col.level", 34, True),
    ("value", "excel.scenario.col.value", 11, True),
    ("points", "excel.scenario.col.points", 10, True),
    ("note", "excel.col.note", 40, True),
)
_POSITION = {key: index for index, (key, *_rest) in enumerate(_COLUMNS, start=1)}
_INFO_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "excel.scenario.info.name"),
    ("methodology", "excel.scenario.info.methodology"),
    ("province", "excel.scenario.info.province"),
    ("year", "excel.scenario.info.year"),
    ("default", "excel.scenario.info.default"),
    ("target", "excel.scenario.info.target"),
    ("notes", "excel.scenario.info.notes"),
    ("schema_version", "excel.scenario.info.schema_version"),
)


#: What unset items count as (Scenario.default), in the order the drop-down offers them.
DEFAULTS = ("zero", "max")


def _default_key(default: str) -> str:
    return f"excel.scenario.default_{default}"


def province_choices() -> tuple[str, ...]:
    """The 63 former and the 34 current province names (a year decides which applies), without repeats."""
    from planner.field.provinces import province_names

    names = dict.fromkeys((*province_names(63), *province_names(34)))
    return tuple(names)


def how_scored(item: ScoredItem, lang: Lang) -> str:
    """One line telling the user what to enter for `item`."""
    rule = item.rule
    if isinstance(rule, YesNoRule):
        return t("excel.scenario.how.yes_no", lang)
    if isinstance(rule, SurveyRule):
        return t("excel.scenario.how.survey", lang)
    if isinstance(rule, ThresholdRule | ProportionalRule):
        if rule.measure == "percent":
            return t("excel.scenario.how.percent", lang)
        if rule.measure == "count":
            unit = rule.unit_vi if lang == "vi" else (rule.unit_en or rule.unit_vi)
            return t("excel.scenario.how.count", lang, unit=unit or "")
        return t("excel.scenario.how.change", lang)
    return t("excel.scenario.how.levels", lang)


def value_range(item: ScoredItem) -> tuple[float | None, float | None] | None:
    """The range a raw value may take for `item`, or None when the rule takes no value."""
    rule = item.rule
    if isinstance(rule, YesNoRule):
        return 0.0, 1.0
    if isinstance(rule, SurveyRule):
        return 0.0, 100.0
    if isinstance(rule, ThresholdRule | ProportionalRule):
        if rule.measure == "percent":
            return 0.0, 100.0
        if rule.measure == "count":
            return 0.0, None
        return -100.0, None
    return None


def option_label(item: ScoredItem, option: LevelOption, lang: Lang) -> str:
    """The text written for `option` in the level column: its label, or its id when another level of the
    same item has the same label (so that reading it back is never ambiguous)."""
    label = option.label(lang)
    folded = fold(label)
    same = [o for o in item_options(item) if fold(o.label(lang)) == folded]
    return label if len(same) == 1 and label else option.id


# --------------------------------------------------------------------------------------------------- writing


def write_scenario_workbook(
    methodology: Methodology, scenario: Scenario | None = None, lang: Lang = "vi"
) -> bytes:
    """The scenario template for `methodology`, filled with `scenario` when given (a blank template otherwise)."""
    if scenario is None:
        scenario = Scenario(methodology=methodology.id)
    wb = styles.new_workbook()
    styles.instructions_sheet(
        wb,
        lang,
        "excel.scenario.instructions.title",
        (
            "excel.scenario.instructions.what",
            "excel.scenario.instructions.rows",
            "excel.scenario.instructions.inputs",
            "excel.scenario.instructions.unset",
            "excel.scenario.instructions.info",
            "excel.scenario.instructions.import",
        ),
    )
    ws = wb.create_sheet(t(SCENARIO_SHEET_KEY, lang))
    info = wb.create_sheet(t(INFO_SHEET_KEY, lang))
    lists = styles.ListsSheet(wb)
    _write_items(ws, methodology, scenario, lang, lists)
    _write_info(info, methodology, scenario, lang, lists)
    lists.finish()
    return styles.finished_bytes(wb)


def _write_items(
    ws: Worksheet, methodology: Methodology, scenario: Scenario, lang: Lang, lists: styles.ListsSheet
) -> None:
    styles.header_row(ws, HEADER_ROW, [t(key, lang) for _, key, _, _ in _COLUMNS])
    row = HEADER_ROW + 1
    unknown = [code for code in scenario.items if code not in methodology.item_index]
    if unknown:
        raise ScenarioError("excel.scenario.unknown_codes", codes=", ".join(unknown))
    for area in methodology.areas:
        _structure_row(ws, row, area.code, area.name(lang), float(area.max_points), styles.AREA_FILL)
        row += 1
        for criterion in area.criteria:
            if criterion.sub_criteria:
                _structure_row(
                    ws,
                    row,
                    criterion.code,
                    criterion.name(lang),
                    float(criterion.max_points),
                    styles.CRITERION_FILL,
                )
                row += 1
            for item in methodology.scored_items:
                if item.criterion.code == criterion.code:
                    _item_row(ws, row, item, scenario.items.get(item.code), lang, lists)
                    row += 1
    styles.set_widths(ws, {index: width for index, (_, _, width, _) in enumerate(_COLUMNS, start=1)})
    styles.freeze_below(ws, HEADER_ROW, first_free_column=3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{styles.column_letter(len(_COLUMNS))}{row - 1}"
    styles.protect(ws)


def _structure_row(ws: Worksheet, row: int, code: str, name: str, max_points: float, fill: Any) -> None:
    for key, *_ in _COLUMNS:
        value: Any = {"code": code, "name": name, "max_points": max_points}.get(key)
        styles.body_cell(
            ws.cell(row=row, column=_POSITION[key]),
            value,
            user_text=key in ("code", "name"),
            number_format=styles.NUMBER_FORMAT if key == "max_points" else styles.TEXT_FORMAT,
            bold=True,
            fill=fill,
        )


def _item_row(
    ws: Worksheet,
    row: int,
    item: ScoredItem,
    setting: ItemSetting | None,
    lang: Lang,
    lists: styles.ListsSheet,
) -> None:
    letter = {key: styles.column_letter(_POSITION[key]) for key in _POSITION}
    rng = value_range(item)
    options = item_options(item)
    level_text = ""
    if setting is not None and setting.level is not None:
        chosen = next((o for o in options if o.id == setting.level), None)
        level_text = option_label(item, chosen, lang) if chosen is not None else setting.level
    values: dict[str, Any] = {
        "code": item.code,
        "name": item.node.name(lang),
        "max_points": float(item.node.max_points),
        "how": how_scored(item, lang),
        "level": level_text or None,
        "value": setting.value if setting is not None else None,
        "points": setting.points if setting is not None else None,
        "note": setting.note if setting is not None and setting.note else None,
    }
    for key, _, _, editable in _COLUMNS:
        cell_editable = editable and not (key == "value" and rng is None)
        fmt = {"max_points": styles.NUMBER_FORMAT, "points": styles.NUMBER_FORMAT, "value": "General"}.get(
            key, styles.TEXT_FORMAT
        )
        styles.body_cell(
            ws.cell(row=row, column=_POSITION[key]),
            values[key],
            user_text=True,
            number_format=fmt,
            editable=cell_editable,
        )
    reference = lists.add([option_label(item, o, lang) for o in options])
    styles.list_validation(ws, reference, [f"{letter['level']}{row}"], lang)
    if rng is not None:
        styles.decimal_validation(
            ws,
            [f"{letter['value']}{row}"],
            lang,
            low=rng[0],
            high=rng[1],
            whole=isinstance(item.rule, YesNoRule),
        )
    styles.decimal_validation(
        ws, [f"{letter['points']}{row}"], lang, low=0.0, high=from_centi(item.max_centi)
    )


def _write_info(
    ws: Worksheet, methodology: Methodology, scenario: Scenario, lang: Lang, lists: styles.ListsSheet
) -> None:
    styles.header_row(
        ws, 1, (t("excel.col.field", lang), t("excel.col.item", lang), t("excel.col.value", lang))
    )
    values: dict[str, Any] = {
        "name": scenario.name,
        "methodology": methodology.id,
        "province": scenario.province or "",
        "year": scenario.year,
        "default": t(_default_key(scenario.default), lang),
        "target": scenario.target.describe(lang) if scenario.target is not None else "",
        "notes": scenario.notes,
        "schema_version": SCHEMA_VERSION,
    }
    editable = {"name", "province", "year", "default", "target", "notes"}
    for row, (field, label_key) in enumerate(_INFO_FIELDS, start=2):
        styles.body_cell(ws.cell(row=row, column=1), field)
        label = t(label_key, lang)
        if field == "methodology":
            label = f"{label}: {methodology.name(lang)}"
        styles.body_cell(ws.cell(row=row, column=2), label)
        styles.body_cell(
            ws.cell(row=row, column=3),
            values[field],
            user_text=True,
            editable=field in editable,
            number_format=styles.INTEGER_FORMAT
            if field in ("year", "schema_version")
            else styles.TEXT_FORMAT,
        )
        if field == "province":
            reference = lists.add(list(province_choices()))
            validation = styles.list_validation(ws, reference, [f"C{row}"], lang)
            validation.errorStyle = "warning"  # a province may be written another way; the reader keeps it
        elif field == "year":
            styles.decimal_validation(ws, [f"C{row}"], lang, low=2000, high=2100, whole=True)
        elif field == "default":
            reference = lists.add([t(_default_key(d), lang) for d in DEFAULTS])
            styles.list_validation(ws, reference, [f"C{row}"], lang)
    ws.column_dimensions["A"].hidden = True
    styles.set_widths(ws, {1: 14, 2: 60, 3: 50})
    styles.freeze_below(ws, 1)
    styles.protect(ws)


# --------------------------------------------------------------------------------------------------- reading

_READ_COLUMNS: tuple[Column, ...] = (
    Column("code", headers("excel.col.code")),
    Column("level", headers("excel.scenario.col.level"), required=False),
    Column("value", headers("excel.scenario.col.value"), required=False),
    Column("points", headers("excel.scenario.col.points"), required=False),
    Column("note", headers("excel.col.note"), required=False),
)


_INFO_READERS: dict[str, Callable[[TableRow], Any]] = {
    "name": lambda r: r.text("value"),
    "methodology": lambda r: r.text("value") or None,
    "province": lambda r: r.text("value") or None,
    "year": whole_number,
    "default": lambda r: choice(r, "value", DEFAULTS, _default_key),
    "notes": lambda r: r.text("value"),
    "target": lambda r: _target(r),
    "schema_version": whole_number,
}


def _target(row: TableRow) -> Target | None:
    """The case's target as the info row writes it ("hạng 25–30", "rank ≤ 20", "nhóm A"; empty: none)."""
    text = row.text("value")
    if not text:
        return None
    try:
        return read_target(text)
    except ValueError:
        raise row.located_error("value", "excel.scenario.bad_target", text=text) from None


def _read_setting(row: TableRow, item: ScoredItem) -> ItemSetting | None:
    level_text = row.text("level")
    value = row.number("value", required=False)
    points = row.number("points", required=False)
    note = row.text("note")
    given = [
        key for key, v in (("level", level_text), ("value", value), ("points", points)) if v not in ("", None)
    ]
    if not given:
        if note:
            raise row.located_error("note", "excel.scenario.note_only")
        return None
    if len(given) > 1:
        columns = ", ".join(row.letters.get(k, "?") for k in given)
        raise row.located_error(given[1], "excel.scenario.several_inputs", code=item.code, columns=columns)
    key = given[0]
    if key == "level":
        option = resolve_level(item, level_text)
        if option is None:
            known = ", ".join(option_label(item, o, "vi") for o in item_options(item))
            raise row.located_error(
                "level", "scenario.unknown_level", code=item.code, level=level_text, known=known
            )
        data: dict[str, Any] = {"level": option.id}
    elif key == "value":
        data = {"value": value}
    else:
        assert points is not None
        data = {"points": decimal_of(points)}
    try:
        setting = ItemSetting.model_validate({**data, "note": note})
    except ValidationError as exc:
        raise ImportFileError(
            "excel.import_failed", problems=[row.located("note", p) for p in validation_problems(exc)]
        ) from None
    try:
        setting_centi(item, setting)
    except PlannerError as exc:
        raise ImportFileError(
            "excel.import_failed", problems=[row.located(key, p) for p in exc.problems]
        ) from None
    return setting


def read_scenario_workbook(
    data: bytes, *, methodology: Methodology | None = None, max_bytes: int = MAX_UPLOAD_BYTES
) -> Scenario:
    """The Scenario in a filled scenario template, checked against its methodology (the bundled one the info
    sheet names, unless `methodology` is given); raises one ImportFileError listing every problem."""
    wb = open_workbook(data, max_bytes=max_bytes)
    items_ws = find_sheet(wb, headers(SCENARIO_SHEET_KEY))
    info_ws = find_sheet(wb, headers(INFO_SHEET_KEY))
    info, info_rows, problems = read_info_rows(info_ws, _INFO_READERS)
    version = info.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ImportFileError("scenario.newer_schema", version=version, supported=SCHEMA_VERSION)
    methodology_id = info.get("methodology")
    if methodology is None:
        if methodology_id is None:
            row = info_rows.get("methodology")
            if row is None:
                raise ImportFileError("excel.scenario.no_methodology", sheet=info_ws.title)
            raise row.error("value", "excel.missing_value")
        try:
            methodology = load_bundled_methodology(methodology_id)
        except PlannerError as exc:
            row = info_rows["methodology"]
            raise row.located_error("value", exc.key, **exc.params) from None
    elif methodology_id is not None and methodology_id != methodology.id:
        row = info_rows["methodology"]
        raise row.located_error(
            "value", "scenario.methodology_mismatch", scenario=methodology_id, methodology=methodology.id
        )
    items, item_problems = _read_items(items_ws, methodology)
    problems.extend(item_problems)
    if problems:
        raise ImportFileError("excel.import_failed", problems=problems)
    fields = {
        k: v for k, v in info.items() if k in ("name", "province", "year", "default", "notes", "target")
    }
    try:
        return Scenario.model_validate({**fields, "methodology": methodology.id, "items": items})
    except ValidationError as exc:
        located = []
        for problem, error in zip(validation_problems(exc), exc.errors(), strict=True):
            row = info_rows.get(str(error["loc"][0])) if error["loc"] else None
            located.append(row.located("value", problem) if row is not None else problem)
        raise ImportFileError("excel.import_failed", problems=located) from None


def _read_items(ws: Worksheet, methodology: Methodology) -> tuple[dict[str, ItemSetting], list[Problem]]:
    rows = read_table(ws, _READ_COLUMNS, header_search_rows=15)
    structure = {code for code in methodology.nodes_by_code if code not in methodology.item_index}
    settings: dict[str, ItemSetting] = {}
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    for row in rows:
        try:
            code = row.text("code")
            has_input = any(row.raw(k) not in (None, "") for k in ("level", "value", "points", "note"))
            if not code:
                if has_input:
                    problems.append(row.error("code", "excel.missing_value").problems[0])
                continue
            if code in first_row:
                problems.append(
                    row.located(
                        "code", Problem("excel.duplicate_code", {"code": code, "first_row": first_row[code]})
                    )
                )
                continue
            first_row[code] = row.row_number
            if code in structure:
                if has_input:
                    problems.append(
                        row.located("code", Problem("excel.scenario.not_an_item", {"code": code}))
                    )
                continue
            if code not in methodology.item_index:
                problems.append(row.located("code", Problem("scenario.unknown_code", {"code": code})))
                continue
            setting = _read_setting(row, methodology.item(code))
        except ImportFileError as exc:
            problems.extend(exc.problems or [Problem(exc.key, exc.params)])
            continue
        if setting is not None:
            settings[code] = setting
    return settings, problems
