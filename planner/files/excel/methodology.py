"""A methodology as a workbook: one row per node, one row per level, and an info sheet.

Bộ Nội vụ changes the methodology every few years and a province receives the official table as a document, so a
Sở Nội vụ must be able to type a new scheme into Excel and load it. The layout is flat and familiar:

- "Phương pháp": one row per area, criterion and sub-criterion: code, parent code (empty for an area), names,
  maximum points and where the maximum comes from, assessment (self-assessed or survey), the scoring rule (type,
  basis, source, assumption and the scalar parameters of each rule type), and the plan columns of the Lào Cai
  appendix (target, evidence, completion, deadline, lead, partners), source and notes. Two locked formula
  columns help while typing: the node's tier (area / criterion / sub-criterion) and the sum of its children's
  maxima, shown in red when it differs from the node's maximum. They are recomputed in Python on import, never
  read.
- "Mức điểm": one row per named level (levels rules), threshold step (thresholds rules) or the yes/no pair of a
  yes/no rule with non-default points or labels, in order from the lowest achievement up.
- "Thông tin": id, names, decision, index years, totals.

The bundled scheme written here reads back equal (the tests hold `read(write(m)) == m` for every methodology we
have), and a file whose points do not add up is refused with every problem placed at its sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from planner.core.errors import ImportFileError, MethodologyError, Problem
from planner.core.i18n import Lang, parse_number, t
from planner.files.excel import styles
from planner.files.excel.fields import (
    LIST_SEPARATOR,
    choice,
    decimal_cell,
    float_cell,
    headers,
    read_info_rows,
    split_list,
)
from planner.methodology.model import Area, Criterion, Methodology, SubCriterion
from planner.methodology.rules import (
    RULE_TYPES,
    LevelsRule,
    ProportionalRule,
    ScaleRule,
    SurveyRule,
    ThresholdRule,
    YesNoRule,
)
from planner.tables.reading import MAX_UPLOAD_BYTES, Column
from planner.tables.workbook import TableRow, collect_problems, find_sheet, open_workbook, read_table

NODES_SHEET_KEY = "excel.sheet.methodology"
LEVELS_SHEET_KEY = "excel.sheet.levels"
INFO_SHEET_KEY = "excel.sheet.info"
#: Input rows of the blank template (QĐ 876/QĐ-BNV has 133 nodes) and spare rows below a filled one; levels
#: get twice as many. Users may insert more rows: the sheets allow it.
BLANK_ROWS = 200
SPARE_ROWS = 40

MAX_BASES = ("source", "inference", "assumption")
ASSESSMENTS = ("self", "survey")
RULE_BASES = ("source", "assumption")
MEASURES = ("percent", "count", "change_percent")
DIRECTIONS = ("higher", "lower")


def _label_key(prefix: str) -> Callable[[str], str]:
    return lambda option: f"excel.methodology.{prefix}.{option}"


_CHOICES: dict[str, tuple[tuple[str, ...], Callable[[str], str]]] = {
    "max_basis": (MAX_BASES, _label_key("max_basis")),
    "assessment": (ASSESSMENTS, _label_key("assessment")),
    "rule_type": (RULE_TYPES, _label_key("rule_type")),
    "rule_basis": (RULE_BASES, _label_key("rule_basis")),
    "measure": (MEASURES, _label_key("measure")),
    "direction": (DIRECTIONS, _label_key("direction")),
}


@dataclass(frozen=True)
class _Col:
    key: str
    header_key: str
    width: float
    kind: str = "text"  # text | decimal | float | choice | list | formula


NODE_COLUMNS: tuple[_Col, ...] = (
    _Col("code", "excel.col.code", 9),
    _Col("parent", "excel.methodology.col.parent", 9),
    _Col("tier", "excel.methodology.col.tier", 14, "formula"),
    _Col("name_vi", "excel.methodology.col.name_vi", 44),
    _Col("name_en", "excel.methodology.col.name_en", 30),
    _Col("max_points", "excel.col.max_points", 9, "decimal"),
    _Col("children_sum", "excel.methodology.col.children_sum", 11, "formula"),
    _Col("max_basis", "excel.methodology.col.max_basis", 12, "choice"),
    _Col("assessment", "excel.methodology.col.assessment", 14, "choice"),
    _Col("rule_type", "excel.methodology.col.rule_type", 16, "choice"),
    _Col("rule_basis", "excel.methodology.col.rule_basis", 11, "choice"),
    _Col("rule_source", "excel.methodology.col.rule_source", 24),
    _Col("rule_assumption", "excel.methodology.col.rule_assumption", 40),
    _Col("measure", "excel.methodology.col.measure", 13, "choice"),
    _Col("direction", "excel.methodology.col.direction", 14, "choice"),
    _Col("unit_vi", "excel.methodology.col.unit_vi", 10),
    _Col("unit_en", "excel.methodology.col.unit_en", 10),
    _Col("below_points", "excel.methodology.col.below_points", 10, "decimal"),
    _Col("floor", "excel.methodology.col.floor", 9, "float"),
    _Col("full_at", "excel.methodology.col.full_at", 9, "float"),
    _Col("grid", "excel.methodology.col.grid", 14, "list"),
    _Col("grid_step", "excel.methodology.col.grid_step", 9, "float"),
    _Col("target_points", "excel.methodology.col.target_points", 9, "decimal"),
    _Col("evidence_document", "excel.plan.col.evidence_document", 22),
    _Col("evidence_content", "excel.plan.col.evidence_content", 30),
    _Col("completion_target", "excel.plan.col.completion_target", 16),
    _Col("deadline", "excel.plan.col.deadline", 20),
    _Col("lead_agencies", "excel.plan.col.lead", 20, "list"),
    _Col("partner_agencies", "excel.plan.col.partners", 24, "list"),
    _Col("source", "excel.methodology.col.source", 30),
    _Col("notes", "excel.col.note", 30),
    # The scale rule's parameters (PAPI), last so that a template filled before they existed reads the same.
    _Col("low", "excel.methodology.col.low", 9, "float"),
    _Col("high", "excel.methodology.col.high", 9, "float"),
    _Col("step", "excel.methodology.col.step", 9, "float"),
)
LEVEL_COLUMNS: tuple[_Col, ...] = (
    _Col("code", "excel.col.code", 9),
    _Col("id", "excel.methodology.col.level_id", 16),
    _Col("label_vi", "excel.methodology.col.label_vi", 40),
    _Col("label_en", "excel.methodology.col.label_en", 30),
    _Col("bound", "excel.methodology.col.bound", 10, "float"),
    _Col("points", "excel.methodology.col.points", 9, "decimal"),
)
_NODE_POS = {c.key: i for i, c in enumerate(NODE_COLUMNS, start=1)}
_LEVEL_POS = {c.key: i for i, c in enumerate(LEVEL_COLUMNS, start=1)}
_INFO_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", "excel.methodology.info.id", "text"),
    ("name_vi", "excel.methodology.info.name_vi", "text"),
    ("name_en", "excel.methodology.info.name_en", "text"),
    ("decision", "excel.methodology.info.decision", "text"),
    ("index_years", "excel.methodology.info.index_years", "years"),
    ("total_points", "excel.methodology.info.total_points", "decimal"),
    ("self_assessed_points", "excel.methodology.info.self_assessed_points", "decimal"),
    ("survey_points", "excel.methodology.info.survey_points", "decimal"),
    ("source", "excel.methodology.info.source", "text"),
    ("notes", "excel.methodology.info.notes", "text"),
    ("index", "excel.methodology.info.index", "text"),
)
#: Rule fields held in node columns, per rule type.
_RULE_SCALARS: dict[str, tuple[str, ...]] = {
    "yes_no": (),
    "levels": (),
    "thresholds": ("measure", "direction", "unit_vi", "unit_en", "below_points"),
    "proportional": ("measure", "unit_vi", "unit_en", "full_at", "floor", "grid"),
    "survey": ("grid_step",),
    "scale": ("low", "high", "step"),
}
_ALL_SCALARS = (
    "measure",
    "direction",
    "unit_vi",
    "unit_en",
    "below_points",
    "full_at",
    "floor",
    "grid",
    "grid_step",
    "low",
    "high",
    "step",
)


# --------------------------------------------------------------------------------------------------- writing


def write_methodology_workbook(methodology: Methodology | None = None, lang: Lang = "vi") -> bytes:
    """The methodology template: blank when `methodology` is None, else filled with it (reads back equal)."""
    wb = styles.new_workbook()
    styles.instructions_sheet(
        wb,
        lang,
        "excel.methodology.instructions.title",
        (
            "excel.methodology.instructions.what",
            "excel.methodology.instructions.nodes",
            "excel.methodology.instructions.rules",
            "excel.methodology.instructions.levels",
            "excel.methodology.instructions.sums",
            "excel.methodology.instructions.plan",
            "excel.methodology.instructions.import",
        ),
    )
    nodes = wb.create_sheet(t(NODES_SHEET_KEY, lang))
    levels = wb.create_sheet(t(LEVELS_SHEET_KEY, lang))
    info = wb.create_sheet(t(INFO_SHEET_KEY, lang))
    lists = styles.ListsSheet(wb)
    references = {
        key: lists.add([t(label_key(option), lang) for option in options])
        for key, (options, label_key) in _CHOICES.items()
    }
    _write_nodes(nodes, methodology, lang, references)
    _write_levels(levels, methodology, lang)
    _write_info(info, methodology, lang)
    lists.finish()
    return styles.finished_bytes(wb)


def _node_rows(m: Methodology) -> list[tuple[Area | Criterion | SubCriterion, str]]:
    rows: list[tuple[Area | Criterion | SubCriterion, str]] = []
    for area in m.areas:
        rows.append((area, ""))
        for criterion in area.criteria:
            rows.append((criterion, area.code))
            rows.extend((sub, criterion.code) for sub in criterion.sub_criteria)
    return rows


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _node_values(node: Area | Criterion | SubCriterion, parent: str, lang: Lang) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": node.code,
        "parent": parent,
        "name_vi": node.name_vi,
        "name_en": node.name_en,
        "max_points": _number(node.max_points),
        "max_basis": t(f"excel.methodology.max_basis.{node.max_basis}", lang),
        "target_points": _number(node.target_points),
        "evidence_document": node.evidence_document,
        "evidence_content": node.evidence_content,
        "completion_target": node.completion_target,
        "deadline": node.deadline,
        "lead_agencies": LIST_SEPARATOR.join(node.lead_agencies),
        "partner_agencies": LIST_SEPARATOR.join(node.partner_agencies),
        "source": node.source,
        "notes": node.notes,
    }
    if isinstance(node, Criterion | SubCriterion):
        values["assessment"] = t(f"excel.methodology.assessment.{node.assessment}", lang)
        rule = node.rule
        if rule is not None:
            values["rule_type"] = t(f"excel.methodology.rule_type.{rule.type}", lang)
            values["rule_basis"] = t(f"excel.methodology.rule_basis.{rule.basis}", lang)
            values["rule_source"] = rule.source
            values["rule_assumption"] = rule.assumption
            if isinstance(rule, ThresholdRule):
                values["measure"] = t(f"excel.methodology.measure.{rule.measure}", lang)
                values["direction"] = t(f"excel.methodology.direction.{rule.direction}", lang)
                values["unit_vi"] = rule.unit_vi
                values["unit_en"] = rule.unit_en
                values["below_points"] = _number(rule.below_points)
            elif isinstance(rule, ProportionalRule):
                values["measure"] = t(f"excel.methodology.measure.{rule.measure}", lang)
                values["unit_vi"] = rule.unit_vi
                values["unit_en"] = rule.unit_en
                values["full_at"] = rule.full_at
                values["floor"] = rule.floor
                values["grid"] = LIST_SEPARATOR.join(repr(v) for v in rule.grid) if rule.grid else None
            elif isinstance(rule, SurveyRule):
                values["grid_step"] = rule.grid_step
            elif isinstance(rule, ScaleRule):
                values["low"] = rule.low
                values["high"] = rule.high
                values["step"] = rule.step
    return values


def _write_nodes(ws: Worksheet, m: Methodology | None, lang: Lang, references: dict[str, str]) -> None:
    styles.header_row(ws, 1, [t(c.header_key, lang) for c in NODE_COLUMNS])
    rows = _node_rows(m) if m is not None else []
    last = len(rows) + 1 + (SPARE_ROWS if rows else BLANK_ROWS)
    tiers = {
        kind: t(f"excel.methodology.tier.{kind}", lang) for kind in ("area", "criterion", "sub_criterion")
    }
    for row in range(2, last + 1):
        index = row - 2
        values: dict[str, Any] = {}
        bold = False
        if index < len(rows):
            node, parent = rows[index]
            values = _node_values(node, parent, lang)
            bold = isinstance(node, Area)
        for column in NODE_COLUMNS:
            cell = ws.cell(row=row, column=_NODE_POS[column.key])
            if column.kind == "formula":
                styles.body_cell(cell, _formula(column.key, row, tiers), number_format=styles.NUMBER_FORMAT)
                continue
            value = values.get(column.key)
            styles.body_cell(
                cell,
                value if value != "" else None,
                user_text=True,
                editable=True,
                bold=bold and column.key in ("code", "name_vi", "max_points"),
                number_format=styles.NUMBER_FORMAT
                if column.kind == "decimal"
                else ("General" if column.kind == "float" else styles.TEXT_FORMAT),
            )
    for key, reference in references.items():
        letter = styles.column_letter(_NODE_POS[key])
        styles.list_validation(ws, reference, [f"{letter}2:{letter}{last}"], lang)
    for key, low in (("max_points", 0.0), ("target_points", 0.0), ("below_points", 0.0), ("floor", None)):
        letter = styles.column_letter(_NODE_POS[key])
        styles.decimal_validation(ws, [f"{letter}2:{letter}{last}"], lang, low=low, high=None)
    full_at = styles.column_letter(_NODE_POS["full_at"])
    styles.decimal_validation(ws, [f"{full_at}2:{full_at}{last}"], lang, low=0.0001, high=None)
    step = styles.column_letter(_NODE_POS["grid_step"])
    styles.decimal_validation(ws, [f"{step}2:{step}{last}"], lang, low=0.0001, high=50)
    sum_letter = styles.column_letter(_NODE_POS["children_sum"])
    max_letter = styles.column_letter(_NODE_POS["max_points"])
    ws.conditional_formatting.add(
        f"{sum_letter}2:{sum_letter}{last}",
        FormulaRule(
            formula=[f'AND({sum_letter}2<>"",ROUND({sum_letter}2-{max_letter}2,2)<>0)'],
            font=Font(name=styles.FONT_NAME, color="C00000", bold=True),
            fill=styles.AREA_FILL,
        ),
    )
    styles.set_widths(ws, {_NODE_POS[c.key]: c.width for c in NODE_COLUMNS})
    styles.freeze_below(ws, 1, first_free_column=_NODE_POS["name_vi"] + 1)
    styles.protect(ws, rows_editable=True)


def _formula(key: str, row: int, tiers: dict[str, str]) -> str:
    code = f"{styles.column_letter(_NODE_POS['code'])}{row}"
    parent = f"{styles.column_letter(_NODE_POS['parent'])}{row}"
    codes = f"${styles.column_letter(_NODE_POS['code'])}:${styles.column_letter(_NODE_POS['code'])}"
    parents = f"${styles.column_letter(_NODE_POS['parent'])}:${styles.column_letter(_NODE_POS['parent'])}"
    maxima = (
        f"${styles.column_letter(_NODE_POS['max_points'])}:${styles.column_letter(_NODE_POS['max_points'])}"
    )
    if key == "tier":
        return (
            f'=IF({code}="","",IF({parent}="","{tiers["area"]}",'
            f'IF(COUNTIFS({codes},{parent},{parents},"")>0,"{tiers["criterion"]}","{tiers["sub_criterion"]}")))'
        )
    return f'=IF(OR({code}="",COUNTIF({parents},{code})=0),"",SUMIF({parents},{code},{maxima}))'


def _level_rows(m: Methodology) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for item in m.scored_items:
        rule = item.rule
        code = item.code
        if isinstance(rule, LevelsRule):
            rows.extend(
                {
                    "code": code,
                    "id": lv.id,
                    "label_vi": lv.label_vi,
                    "label_en": lv.label_en,
                    "points": lv.points,
                }
                for lv in rule.levels
            )
        elif isinstance(rule, ThresholdRule):
            rows.extend(
                {
                    "code": code,
                    "label_vi": s.label_vi,
                    "label_en": s.label_en,
                    "bound": s.bound,
                    "points": s.points,
                }
                for s in rule.steps
            )
        elif isinstance(rule, YesNoRule) and rule != YesNoRule(
            basis=rule.basis, source=rule.source, assumption=rule.assumption
        ):
            rows.append(
                {
                    "code": code,
                    "id": "no",
                    "label_vi": rule.no_label_vi,
                    "label_en": rule.no_label_en,
                    "points": rule.no_points,
                }
            )
            rows.append(
                {
                    "code": code,
                    "id": "yes",
                    "label_vi": rule.yes_label_vi,
                    "label_en": rule.yes_label_en,
                    "points": rule.yes_points,
                }
            )
    return rows


def _write_levels(ws: Worksheet, m: Methodology | None, lang: Lang) -> None:
    styles.header_row(ws, 1, [t(c.header_key, lang) for c in LEVEL_COLUMNS])
    rows = _level_rows(m) if m is not None else []
    last = len(rows) + 1 + 2 * (SPARE_ROWS if m is not None else BLANK_ROWS)
    for row in range(2, last + 1):
        values = rows[row - 2] if row - 2 < len(rows) else {}
        for column in LEVEL_COLUMNS:
            value = values.get(column.key)
            if isinstance(value, Decimal):
                value = float(value)
            styles.body_cell(
                ws.cell(row=row, column=_LEVEL_POS[column.key]),
                value if value != "" else None,
                user_text=True,
                editable=True,
                number_format=styles.NUMBER_FORMAT
                if column.kind == "decimal"
                else ("General" if column.kind == "float" else styles.TEXT_FORMAT),
            )
    points = styles.column_letter(_LEVEL_POS["points"])
    styles.decimal_validation(ws, [f"{points}2:{points}{last}"], lang, low=0.0, high=None)
    bound = styles.column_letter(_LEVEL_POS["bound"])
    styles.decimal_validation(ws, [f"{bound}2:{bound}{last}"], lang, low=None, high=None)
    styles.set_widths(ws, {_LEVEL_POS[c.key]: c.width for c in LEVEL_COLUMNS})
    styles.freeze_below(ws, 1, first_free_column=3)
    styles.protect(ws, rows_editable=True)


def _write_info(ws: Worksheet, m: Methodology | None, lang: Lang) -> None:
    styles.header_row(
        ws, 1, (t("excel.col.field", lang), t("excel.col.item", lang), t("excel.col.value", lang))
    )
    values: dict[str, Any] = {"total_points": 100.0}
    if m is not None:
        values = {
            "id": m.id,
            "index": m.index,
            "name_vi": m.name_vi,
            "name_en": m.name_en,
            "decision": m.decision,
            "index_years": LIST_SEPARATOR.join(str(y) for y in m.index_years),
            "total_points": _number(m.total_points),
            "self_assessed_points": _number(m.self_assessed_points),
            "survey_points": _number(m.survey_points),
            "source": m.source,
            "notes": m.notes,
        }
    for row, (field, label_key, kind) in enumerate(_INFO_FIELDS, start=2):
        styles.body_cell(ws.cell(row=row, column=1), field)
        styles.body_cell(ws.cell(row=row, column=2), t(label_key, lang))
        value = values.get(field)
        styles.body_cell(
            ws.cell(row=row, column=3),
            value if value != "" else None,
            user_text=True,
            editable=True,
            number_format=styles.NUMBER_FORMAT if kind == "decimal" else styles.TEXT_FORMAT,
        )
        if kind == "decimal":
            styles.decimal_validation(ws, [f"C{row}"], lang, low=0.0, high=None)
    ws.column_dimensions["A"].hidden = True
    styles.set_widths(ws, {1: 22, 2: 44, 3: 70})
    styles.freeze_below(ws, 1)
    styles.protect(ws)


# --------------------------------------------------------------------------------------------------- reading

_NODE_READ = tuple(
    Column(c.key, headers(c.header_key), required=c.key in ("code", "name_vi", "max_points"))
    for c in NODE_COLUMNS
    if c.kind != "formula"
)
_LEVEL_READ = tuple(
    Column(c.key, headers(c.header_key), required=c.key in ("code", "points")) for c in LEVEL_COLUMNS
)


@dataclass
class _NodeRow:
    row: TableRow
    code: str
    parent: str
    fields: dict[str, Any]
    rule: dict[str, Any] | None


def _read_node(row: TableRow) -> _NodeRow | None:
    code = row.text("code")
    if not code:
        raise row.error("code", "excel.missing_value")
    fields: dict[str, Any] = {"code": code, "name_vi": row.text("name_vi")}
    for key in (
        "name_en",
        "evidence_document",
        "evidence_content",
        "completion_target",
        "deadline",
        "source",
        "notes",
    ):
        text = row.text(key)
        if text:
            fields[key] = text
    max_points = decimal_cell(row, "max_points")
    if max_points is None:
        raise row.error("max_points", "excel.missing_value")
    if max_points < 0:
        # a cell problem, reported once: read on, it would also break its parent's sum, its target's range,
        # its rule's points and the table's total, five messages for one wrong cell
        raise row.located_error(
            "max_points", "methodology.negative_points", code=code, points=float(max_points)
        )
    fields["max_points"] = max_points
    target = decimal_cell(row, "target_points")
    if target is not None:
        fields["target_points"] = target
    for key in ("lead_agencies", "partner_agencies"):
        agencies = split_list(row.text(key))
        if agencies:
            fields[key] = agencies
    for key in ("max_basis", "assessment"):
        options, label_key = _CHOICES[key]
        value = choice(row, key, options, label_key)
        if value is not None:
            fields[key] = value
    rule_type = choice(row, "rule_type", *_CHOICES["rule_type"])
    rule: dict[str, Any] | None = None
    if rule_type is not None:
        rule = {"type": rule_type}
        basis = choice(row, "rule_basis", *_CHOICES["rule_basis"])
        if basis is not None:
            rule["basis"] = basis
        for key, field in (("rule_source", "source"), ("rule_assumption", "assumption")):
            text = row.text(key)
            if text:
                rule[field] = text
        for key in _ALL_SCALARS:
            value = _scalar(row, key)
            if value is None:
                continue
            if key not in _RULE_SCALARS[rule_type]:
                raise row.located_error(
                    key, "excel.methodology.param_not_for_rule", code=code, rule=rule_type
                )
            rule[key] = value
    else:
        for key in ("rule_basis", "rule_source", "rule_assumption", *_ALL_SCALARS):
            if row.raw(key) not in (None, ""):
                raise row.located_error(key, "excel.methodology.param_without_rule", code=code)
    return _NodeRow(row, code, row.text("parent"), fields, rule)


def _scalar(row: TableRow, key: str) -> Any:
    if key in ("measure", "direction"):
        return choice(row, key, *_CHOICES[key])
    if key in ("unit_vi", "unit_en"):
        return row.text(key) or None
    if key == "below_points":
        return decimal_cell(row, key)
    if key == "grid":
        text = row.text(key)
        if not text:
            return None
        values = []
        for part in split_list(text):
            try:
                values.append(parse_number(part))
            except ValueError:
                raise row.error(key, "excel.not_a_number", value=part[:40]) from None
        return tuple(values)
    return float_cell(row, key)


@dataclass
class _LevelRow:
    row: TableRow
    code: str
    data: dict[str, Any]


def _read_level(row: TableRow) -> _LevelRow:
    code = row.text("code")
    if not code:
        raise row.error("code", "excel.missing_value")
    data: dict[str, Any] = {}
    for key in ("id", "label_vi", "label_en"):
        text = row.text(key)
        if text:
            data[key] = text
    bound = float_cell(row, "bound")
    if bound is not None:
        data["bound"] = bound
    points = decimal_cell(row, "points")
    if points is not None:
        data["points"] = points
    return _LevelRow(row, code, data)


def _years(row: TableRow) -> tuple[int, ...] | None:
    raw = row.raw("value")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not float(raw).is_integer():
            raise row.error("value", "excel.not_an_integer", value=raw)
        return (int(raw),)
    parts = split_list(row.text("value").replace(",", ";"))
    years = []
    for part in parts:
        if not part.isdigit():
            raise row.error("value", "excel.not_an_integer", value=part[:40])
        years.append(int(part))
    return tuple(years) or None


_INFO_READERS: dict[str, Callable[[TableRow], Any]] = {
    "id": lambda r: r.text("value") or None,
    "index": lambda r: r.text("value") or None,
    "name_vi": lambda r: r.text("value") or None,
    "name_en": lambda r: r.text("value") or None,
    "decision": lambda r: r.text("value") or None,
    "index_years": _years,
    "total_points": lambda r: decimal_cell(r, "value"),
    "self_assessed_points": lambda r: decimal_cell(r, "value"),
    "survey_points": lambda r: decimal_cell(r, "value"),
    "source": lambda r: r.text("value") or None,
    "notes": lambda r: r.text("value") or None,
}


class _Locator:
    """Where each part of the assembled mapping came from, to place validation problems at their cells."""

    def __init__(self) -> None:
        self.node_by_path: dict[tuple[int, ...], _NodeRow] = {}
        self.node_by_code: dict[str, _NodeRow] = {}
        self.levels_by_code: dict[str, list[_LevelRow]] = {}
        self.info: dict[str, TableRow] = {}


def read_methodology_workbook(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Methodology:
    """The Methodology in a filled methodology template, validated whole: raises one ImportFileError listing
    every problem at its sheet, row and column (codes, parents, rules, sums that do not add up)."""
    wb = open_workbook(data, max_bytes=max_bytes)
    nodes_ws = find_sheet(wb, headers(NODES_SHEET_KEY))
    levels_ws = find_sheet(wb, headers(LEVELS_SHEET_KEY))
    info_ws = find_sheet(wb, headers(INFO_SHEET_KEY))
    where = _Locator()
    info, where.info, problems = read_info_rows(info_ws, _INFO_READERS)
    node_table = read_table(nodes_ws, _NODE_READ)
    node_rows, node_problems = collect_problems(node_table, _read_node)
    level_rows, level_problems = collect_problems(read_table(levels_ws, _LEVEL_READ), _read_level)
    problems.extend(node_problems)
    problems.extend(level_problems)
    if "id" not in info:
        row = where.info.get("id")
        problems.append(
            row.located("value", Problem("excel.methodology.missing_id"))
            if row is not None
            else Problem("excel.methodology.missing_id")
        )
    if problems:
        # the cells that do not read stop the sums from being checked, but not the codes: a duplicate code or
        # an unknown parent is listed now too, so one upload shows everything that is wrong
        raise ImportFileError("excel.import_failed", problems=[*problems, *_code_problems(node_table)])
    mapping, tree_problems = _assemble(info, node_rows, level_rows, where)
    if tree_problems:
        raise ImportFileError("excel.import_failed", problems=tree_problems)
    try:
        return Methodology.model_validate(mapping)
    except ValidationError as exc:
        raise ImportFileError(
            "excel.import_failed", problems=[_locate_validation(error, where) for error in exc.errors()]
        ) from None
    except MethodologyError as exc:
        raise ImportFileError(
            "excel.import_failed", problems=[_locate_problem(p, where) for p in exc.problems]
        ) from None


def _code_problems(rows: Sequence[TableRow]) -> list[Problem]:
    """Duplicate codes and unknown parents among every row of the tree sheet, read as text (so rows whose other
    cells do not read are checked too)."""
    problems: list[Problem] = []
    first: dict[str, TableRow] = {}
    for row in rows:
        code = row.text("code")
        if not code:
            continue
        if code in first:
            problems.append(
                row.located(
                    "code",
                    Problem("excel.duplicate_code", {"code": code, "first_row": first[code].row_number}),
                )
            )
        else:
            first[code] = row
    for row in rows:
        parent = row.text("parent")
        if parent and parent not in first:
            problems.append(
                row.located("parent", Problem("excel.methodology.unknown_parent", {"parent": parent}))
            )
    return problems


def _assemble(
    info: dict[str, Any], node_rows: Sequence[_NodeRow], level_rows: Sequence[_LevelRow], where: _Locator
) -> tuple[dict[str, Any], list[Problem]]:
    """The nested mapping of the methodology, from flat rows; structural problems are located at their cells."""
    problems: list[Problem] = []
    for node in node_rows:
        first = where.node_by_code.get(node.code)
        if first is not None:
            problems.append(
                node.row.located(
                    "code",
                    Problem("excel.duplicate_code", {"code": node.code, "first_row": first.row.row_number}),
                )
            )
            continue
        where.node_by_code[node.code] = node
    children: dict[str, list[_NodeRow]] = {}
    areas: list[_NodeRow] = []
    for node in where.node_by_code.values():
        if not node.parent:
            areas.append(node)
        elif node.parent not in where.node_by_code:
            problems.append(
                node.row.located(
                    "parent", Problem("excel.methodology.unknown_parent", {"parent": node.parent})
                )
            )
        else:
            children.setdefault(node.parent, []).append(node)
    for level in level_rows:
        where.levels_by_code.setdefault(level.code, []).append(level)
    for code, levels in where.levels_by_code.items():
        owner = where.node_by_code.get(code)
        if owner is None:
            problems.append(
                levels[0].row.located(
                    "code", Problem("excel.methodology.levels_unknown_code", {"code": code})
                )
            )
        elif owner.rule is None or owner.rule["type"] in ("proportional", "survey", "scale"):
            kind = "-" if owner.rule is None else str(owner.rule["type"])
            problems.append(
                levels[0].row.located(
                    "code", Problem("excel.methodology.levels_not_used", {"code": code, "rule": kind})
                )
            )

    def rule_of(node: _NodeRow) -> dict[str, Any] | None:
        if node.rule is None:
            return None
        rule = dict(node.rule)
        levels = where.levels_by_code.get(node.code, [])
        if rule["type"] == "levels":
            rule["levels"] = [lv.data for lv in levels]
        elif rule["type"] == "thresholds":
            rule["steps"] = [lv.data for lv in levels]
        elif rule["type"] == "yes_no":
            for lv in levels:
                side = lv.data.get("id")
                if side not in ("yes", "no"):
                    problems.append(
                        lv.row.located("id", Problem("excel.methodology.yes_no_level", {"code": node.code}))
                    )
                    continue
                if "points" in lv.data:
                    rule[f"{side}_points"] = lv.data["points"]
                for lang in ("vi", "en"):
                    if f"label_{lang}" in lv.data:
                        rule[f"{side}_label_{lang}"] = lv.data[f"label_{lang}"]
        return rule

    def build(node: _NodeRow, depth: int, path: tuple[int, ...]) -> dict[str, Any]:
        where.node_by_path[path] = node
        data = dict(node.fields)
        kids = children.get(node.code, [])
        if depth == 0:
            if not kids:
                problems.append(
                    node.row.located(
                        "code", Problem("excel.methodology.area_without_criteria", {"code": node.code})
                    )
                )
            for key in ("assessment",):
                if key in data:
                    problems.append(
                        node.row.located(key, Problem("excel.methodology.not_for_area", {"code": node.code}))
                    )
                    data.pop(key)
            if node.rule is not None:
                problems.append(
                    node.row.located(
                        "rule_type", Problem("excel.methodology.not_for_area", {"code": node.code})
                    )
                )
            data["criteria"] = [build(kid, 1, (*path, i)) for i, kid in enumerate(kids)]
        elif depth == 1:
            rule = rule_of(node)
            if rule is not None:
                data["rule"] = rule
            if kids:
                data["sub_criteria"] = [build(kid, 2, (*path, i)) for i, kid in enumerate(kids)]
        else:
            for kid in kids:
                problems.append(
                    kid.row.located("parent", Problem("excel.methodology.too_deep", {"code": kid.code}))
                )
            rule = rule_of(node)
            if rule is not None:
                data["rule"] = rule
        return data

    mapping: dict[str, Any] = {k: v for k, v in info.items()}
    mapping["areas"] = [build(area, 0, (i,)) for i, area in enumerate(areas)]
    reached = {where.node_by_path[p].code for p in where.node_by_path}
    for node in where.node_by_code.values():
        if node.code not in reached and _in_loop(node, where.node_by_code):
            problems.append(
                node.row.located("parent", Problem("excel.methodology.cycle", {"code": node.code}))
            )
    if not areas and not problems:
        problems.append(Problem("excel.methodology.no_nodes"))
    return mapping, problems


def _in_loop(node: _NodeRow, nodes: dict[str, _NodeRow]) -> bool:
    """Whether following `node`'s parents goes round in a circle (rather than ending at an area or at an
    unknown parent, which is reported on its own)."""
    seen = {node.code}
    current = node
    while current.parent:
        parent = nodes.get(current.parent)
        if parent is None:
            return False
        if parent.code in seen:
            return True
        seen.add(parent.code)
        current = parent
    return False


_NODE_KEYS = ("areas", "criteria", "sub_criteria")


def _locate_validation(error: Any, where: _Locator) -> Problem:
    """A pydantic error placed at the cell its path leads to (a node row, a level row, or an info row)."""
    loc = tuple(error["loc"])
    detail = Problem(
        "errors.field_invalid", {"loc": ".".join(str(p) for p in loc) or "-", "detail": error["msg"]}
    )
    path: list[int] = []
    rest = loc
    while len(rest) >= 2 and rest[0] in _NODE_KEYS and isinstance(rest[1], int):
        path.append(rest[1])
        rest = rest[2:]
    if not path:
        row = where.info.get(str(loc[0])) if loc else None
        return row.located("value", detail) if row is not None else detail
    node = where.node_by_path.get(tuple(path))
    if node is None:
        return detail
    if rest and rest[0] == "rule":
        tail = rest[2:] if len(rest) > 1 and rest[1] in RULE_TYPES else rest[1:]
        if tail and tail[0] in ("levels", "steps") and len(tail) > 1 and isinstance(tail[1], int):
            levels = where.levels_by_code.get(node.code, [])
            if tail[1] < len(levels):
                level = levels[tail[1]]
                field = str(tail[2]) if len(tail) > 2 else "code"
                key = field if field in _LEVEL_POS else "code"
                return level.row.located(key, detail)
        field = str(tail[0]) if tail else "rule_type"
        key = {"source": "rule_source", "assumption": "rule_assumption", "basis": "rule_basis"}.get(
            field, field
        )
        return node.row.located(key if key in _NODE_POS else "rule_type", detail)
    field = str(rest[0]) if rest else "code"
    return node.row.located(field if field in _NODE_POS else "code", detail)


def _culprit_level(key: str, levels: Sequence[_LevelRow], node: _NodeRow) -> _LevelRow | None:
    """The level row a rule problem is about: the first above the maximum, the first that falls below the
    one before (in points, or in bounds for the order of steps), the first repeated id; else the first row."""
    if not levels:
        return None
    maximum = node.fields.get("max_points")
    previous: Any = None
    seen: set[str] = set()
    for level in levels:
        points = level.data.get("points")
        if (
            key == "methodology.rule_exceeds_max"
            and points is not None
            and maximum is not None
            and points > maximum
        ):
            return level
        if key == "methodology.rule_negative" and points is not None and points < 0:
            return level
        if key == "methodology.rule_not_monotone" and points is not None:
            if previous is not None and points < previous:
                return level
            previous = points
        if key == "methodology.rule_duplicate_level":
            ident = str(level.data.get("id", ""))
            if ident in seen:
                return level
            seen.add(ident)
        if key == "methodology.rule_steps_order":
            bound = level.data.get("bound")
            if previous is not None and bound is not None and bound == previous:
                return level
            previous = bound
    return levels[0]


_PROBLEM_COLUMN = {
    "methodology.children_sum": "max_points",
    "methodology.negative_points": "max_points",
    "methodology.points_precision": "max_points",
    "methodology.target_out_of_range": "target_points",
    "methodology.rule_and_children": "rule_type",
    "methodology.missing_rule": "rule_type",
    "methodology.duplicate_code": "code",
}
_INFO_PROBLEM = {
    "methodology.total_mismatch": "total_points",
    "methodology.self_total_mismatch": "self_assessed_points",
    "methodology.survey_total_mismatch": "survey_points",
}


def _locate_problem(problem: Problem, where: _Locator) -> Problem:
    """A methodology problem (which names a code) placed at that code's row and the column to fix."""
    info_field = _INFO_PROBLEM.get(problem.key)
    if info_field is not None:
        row = where.info.get(info_field)
        if problem.key == "methodology.total_mismatch":
            areas = [n for n in where.node_by_code.values() if not n.parent]
            if row is None and areas:
                return areas[0].row.located("max_points", problem)
        return row.located("value", problem) if row is not None else problem
    code = problem.params.get("code")
    node = where.node_by_code.get(str(code)) if code is not None else None
    if node is None:
        return problem
    if problem.key.startswith("methodology.rule_"):
        level = _culprit_level(problem.key, where.levels_by_code.get(node.code, []), node)
        if level is not None:
            column = {"methodology.rule_duplicate_level": "id", "methodology.rule_steps_order": "bound"}.get(
                problem.key, "points"
            )
            return level.row.located(column, problem)
        return node.row.located("rule_type", problem)
    return node.row.located(_PROBLEM_COLUMN.get(problem.key, "code"), problem)
