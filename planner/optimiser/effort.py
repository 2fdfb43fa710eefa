"""The effort model: what it costs to raise each scored item to each level above where it is now.

A province knows its own costs better than any default, so every figure can come from the user (the app's editor,
or a CSV/Excel file of `code, level_or_points, effort`); where it does not, a labelled default fills in. Per item
the user may also lock it (it cannot change this year) or cap the highest feasible level, and give each lead
agency a budget. Effort is in one unit per table, chosen by the user.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import Field

from planner.core.errors import ImportFileError, Problem
from planner.core.i18n import Lang, format_number, parse_number, t
from planner.core.model import FrozenModel
from planner.core.text import fold
from planner.methodology.model import Methodology, ScoredItem
from planner.methodology.rules import LevelOption, to_centi
from planner.methodology.scoring import item_options
from planner.tables.reading import Column, CsvRow, parse_yes_no, read_csv_table

EffortUnit = Literal["person_days", "million_vnd", "difficulty"]
EFFORT_UNITS: tuple[EffortUnit, ...] = ("person_days", "million_vnd", "difficulty")
EffortBasis = Literal["user", "default"]


class EffortEntry(FrozenModel):
    """The effort to bring item `code` from its current level up to `level` (an option id of its rule)."""

    code: str
    level: str
    effort: float = Field(ge=0, allow_inf_nan=False)
    basis: EffortBasis = "user"
    note: str = ""


class ItemConstraint(FrozenModel):
    """What the user says about one item beyond its costs."""

    code: str
    locked: bool = False
    #: The highest level (option id) reachable this year; None means any level.
    feasible_max_level: str | None = None
    #: Survey items are not levers; the user may unlock one on purpose.
    survey_unlocked: bool = False


class EffortTable(FrozenModel):
    """All effort inputs of one optimisation: explicit costs, constraints and agency budgets."""

    schema_version: int = 1
    unit: EffortUnit = "person_days"
    entries: tuple[EffortEntry, ...] = ()
    constraints: tuple[ItemConstraint, ...] = ()
    #: Budget per lead agency (same unit as the efforts); agencies not listed are unconstrained.
    agency_budgets: dict[str, float] = Field(default_factory=dict)
    notes: str = ""

    def entry(self, code: str, level: str) -> EffortEntry | None:
        for e in self.entries:
            if e.code == code and e.level == level:
                return e
        return None

    def constraint(self, code: str) -> ItemConstraint:
        for c in self.constraints:
            if c.code == code:
                return c
        return ItemConstraint(code=code)


# ---------------------------------------------------------------------------------------------------------------
# Defaults: a labelled effort for every upgrade the user has not costed.
# ---------------------------------------------------------------------------------------------------------------

#: The effort of the first level step above the current one, by rule type and unit. These are assumptions, not
#: sourced figures: a yes/no item is typically one document or one action (a plan, a report on time); a
#: threshold on a ratio needs sustained work across agencies and districts; a proportional item moves ten
#: percentage points at a time; a survey item (only a lever when the user unlocks it) needs a campaign. The
#: UI shows every default as such and the user replaces what they know.
DEFAULT_FIRST_STEP: dict[str, dict[EffortUnit, float]] = {
    "yes_no": {"person_days": 10.0, "million_vnd": 15.0, "difficulty": 2.0},
    "levels": {"person_days": 8.0, "million_vnd": 10.0, "difficulty": 2.0},
    "thresholds": {"person_days": 15.0, "million_vnd": 30.0, "difficulty": 3.0},
    "proportional": {"person_days": 5.0, "million_vnd": 8.0, "difficulty": 2.0},
    "survey": {"person_days": 30.0, "million_vnd": 80.0, "difficulty": 4.0},
    # A quarter point of a PAPI dimension (a citizen survey on a 1-10 scale): a campaign across districts and
    # communes. With the growth below, one point in a year costs 7x the first quarter, two points 22x:
    # diminishing returns, as the PAPI reports' year-on-year moves of a few tenths suggest.
    "scale": {"person_days": 20.0, "million_vnd": 50.0, "difficulty": 3.0},
}
#: Each further step above the current level costs this much more than the one before (as a share of the
#: first step): the last stretch to full marks is the hardest, so distant levels cost more than in proportion.
DEFAULT_STEP_GROWTH = 0.5
DIFFICULTY_MAX = 5.0


def default_effort(rule_type: str, steps: int, unit: EffortUnit) -> float:
    """The default effort to climb `steps` levels above the current one for an item scored by `rule_type`.

    Person-days and million VND add up step by step, each step costing `DEFAULT_STEP_GROWTH` of the first
    more than the previous one: steps=1 -> 1x, 2 -> 2.5x, 3 -> 4.5x the first step. A 1-5 difficulty score does
    not add up like money: it is the first step's difficulty plus one per further step, capped at 5.
    """
    if steps <= 0:
        return 0.0
    first = DEFAULT_FIRST_STEP.get(rule_type, DEFAULT_FIRST_STEP["levels"])[unit]
    if unit == "difficulty":
        return min(DIFFICULTY_MAX, first + (steps - 1))
    return round(first * (steps + DEFAULT_STEP_GROWTH * steps * (steps - 1) / 2), 6)


def describe_default(rule_type: str, steps: int, lang: Lang = "vi") -> str:
    """How a default effort was made, for the editor's tooltip and the plan's notes."""
    return t("effort.default_label", lang, rule=rule_type, steps=steps)


# ---------------------------------------------------------------------------------------------------------------
# Naming a level the way a user writes it: its id, its label, or its points.
# ---------------------------------------------------------------------------------------------------------------


def resolve_level(item: ScoredItem, text: str) -> LevelOption | None:
    """The level of `item` that `text` names: a level id ("ge_95"), a label in either language ("Đúng hạn",
    "≥ 95%"), or a points value ("0,5" / "0.5") that exactly one level scores. None when nothing matches.

    Ids are tried first, then labels (folded: no diacritics, any case), then points, so a label that looks like
    a number ("50%") still finds its own level.
    """

    wanted = text.strip()
    if not wanted:
        return None
    options = item_options(item)
    for option in options:
        if option.id == wanted:
            return option
    folded = fold(wanted)
    for option in options:
        if folded in (fold(option.label_vi), fold(option.label_en)):
            return option
    try:
        centi = to_centi(parse_number(wanted))
    except (ValueError, ArithmeticError):
        return None
    for option in options:
        if option.centi == centi:
            return option
    return None


# ---------------------------------------------------------------------------------------------------------------
# What the CSV and the workbook readers share: constraints gathered over rows, entries in table order.
# ---------------------------------------------------------------------------------------------------------------

FLAG_KEYS = ("locked", "survey_unlocked")


class ConstraintRows:
    """The constraint cells of an effort table gathered over its rows, as every reader of one gathers them: an
    item's yes/no flags OR together over its rows, and a second, different cap for an item is a conflict."""

    def __init__(self) -> None:
        self.flags: dict[str, dict[str, bool]] = {key: {} for key in FLAG_KEYS}
        self.caps: dict[str, str] = {}

    def add_flag(self, key: str, code: str, flag: bool) -> None:
        """`flag` read in column `key` (one of FLAG_KEYS) on a row of item `code`."""
        store = self.flags[key]
        store[code] = store.get(code, False) or flag

    def add_cap(self, code: str, level: str) -> bool:
        """The highest feasible level read for `code`; False (nothing recorded) when another was read before."""
        return self.caps.setdefault(code, level) == level

    def constraints(
        self, methodology: Methodology, base: Sequence[ItemConstraint] = ()
    ) -> tuple[ItemConstraint, ...]:
        """`base` with the items read put over it (what their rows left blank keeps the base's value), items new
        to it after, in table order."""
        locked, unlocked = self.flags["locked"], self.flags["survey_unlocked"]
        merged = {c.code: c for c in base}
        for code in sorted({*locked, *unlocked, *self.caps}, key=methodology.item_index.__getitem__):
            old = merged.get(code, ItemConstraint(code=code))
            merged[code] = ItemConstraint(
                code=code,
                locked=locked.get(code, old.locked),
                feasible_max_level=self.caps.get(code, old.feasible_max_level),
                survey_unlocked=unlocked.get(code, old.survey_unlocked),
            )
        return tuple(merged.values())


def entries_in_table_order(
    methodology: Methodology, entries: Iterable[EffortEntry]
) -> tuple[EffortEntry, ...]:
    """`entries` by item in table order, then by level from lowest to highest (unknown codes or levels last)."""

    def position(entry: EffortEntry) -> tuple[int, int]:
        if entry.code not in methodology.item_index:
            return 10**6, 0
        ids = [o.id for o in item_options(methodology.item(entry.code))]
        return methodology.item_index[entry.code], ids.index(entry.level) if entry.level in ids else len(ids)

    return tuple(sorted(entries, key=position))


# ---------------------------------------------------------------------------------------------------------------
# CSV: `code,level_or_points,effort[,locked][,feasible_max][,survey_unlocked]` and `agency,budget`.
# ---------------------------------------------------------------------------------------------------------------

_CSV_COLUMNS = (
    Column("code", ("code", "ma", "ma tieu chi", "item")),
    Column("level_or_points", ("level_or_points", "level", "points", "muc", "muc hoac diem", "diem")),
    Column("effort", ("effort", "cong suc", "chi phi", "cost")),
    Column("locked", ("locked", "khoa", "khong thay doi"), required=False),
    Column(
        "feasible_max",
        ("feasible_max", "feasible_max_level", "muc toi da kha thi", "toi da kha thi"),
        required=False,
    ),
    Column("survey_unlocked", ("survey_unlocked", "mo khoa khao sat"), required=False),
)
_AGENCY_COLUMNS = (
    Column("agency", ("agency", "lead_agency", "co quan", "co quan chu tri", "chu tri")),
    Column("budget", ("budget", "capacity", "ngan sach", "nang luc", "han muc")),
)


def _csv_rows(data: str | bytes, columns: tuple[Column, ...]) -> list[CsvRow]:
    """The rows of an effort or budget CSV (planner.tables.read_csv_table), refused in the effort words."""
    return read_csv_table(data, columns, not_utf8=ImportFileError("effort.csv_not_utf8"))


def _where(row_number: int, column: str) -> dict[str, Any]:
    return {"sheet": "CSV", "row": row_number, "column": column}


def effort_table_from_csv(
    data: str | bytes,
    methodology: Methodology,
    *,
    unit: EffortUnit = "person_days",
    base: EffortTable | None = None,
) -> EffortTable:
    """An EffortTable from CSV rows `code,level_or_points,effort` (+ optional `locked`, `feasible_max`,
    `survey_unlocked`), checked against `methodology`.

    `level_or_points` names the level the effort reaches: its id, its label, or the points that level scores.
    A row may leave level and effort empty to carry only constraints (e.g. `1.1,,,yes` locks item 1.1). Every
    problem of every row is collected and raised together as one ImportFileError, so nothing is half-imported.
    Rows add to (and override) `base`, whose agency budgets and notes are kept.
    """
    rows = _csv_rows(data, _CSV_COLUMNS)
    problems: list[Problem] = []
    entries: dict[tuple[str, str], EffortEntry] = {}
    if base is not None:
        entries = {(e.code, e.level): e for e in base.entries}
    constraints = ConstraintRows()
    for row in rows:
        row_number = row.row_number
        code = row.text("code")
        if not code:
            problems.append(Problem("excel.missing_value", _where(row_number, "code")))
            continue
        if code not in methodology.item_index:
            problems.append(Problem("effort.unknown_code", {**_where(row_number, "code"), "code": code}))
            continue
        item = methodology.item(code)
        level_text = row.text("level_or_points")
        effort_text = row.text("effort")
        if level_text or effort_text:
            option = resolve_level(item, level_text) if level_text else None
            if option is None:
                known = ", ".join(f"{o.id} ({format_number(o.points, 'en')})" for o in item_options(item))
                problems.append(
                    Problem(
                        "effort.unknown_level",
                        {
                            **_where(row_number, "level_or_points"),
                            "code": code,
                            "level": level_text,
                            "known": known,
                        },
                    )
                )
            effort = _effort_number(effort_text, row_number, problems)
            if option is not None and effort is not None:
                entries[(code, option.id)] = EffortEntry(code=code, level=option.id, effort=effort)
        for key in FLAG_KEYS:
            text = row.text(key)
            if text:
                flag = parse_yes_no(text)
                if flag is None:
                    problems.append(
                        Problem("excel.not_a_boolean", {**_where(row_number, key), "value": text[:40]})
                    )
                else:
                    constraints.add_flag(key, code, flag)
        cap_text = row.text("feasible_max")
        if cap_text:
            cap = resolve_level(item, cap_text)
            if cap is None:
                known = ", ".join(o.id for o in item_options(item))
                problems.append(
                    Problem(
                        "effort.unknown_level",
                        {
                            **_where(row_number, "feasible_max"),
                            "code": code,
                            "level": cap_text,
                            "known": known,
                        },
                    )
                )
            elif not constraints.add_cap(code, cap.id):
                problems.append(
                    Problem("effort.conflicting_cap", {**_where(row_number, "feasible_max"), "code": code})
                )
    if problems:
        raise ImportFileError("effort.import_failed", problems=problems)
    return EffortTable(
        unit=unit if base is None else base.unit,
        entries=entries_in_table_order(methodology, entries.values()),
        constraints=constraints.constraints(methodology, base.constraints if base is not None else ()),
        agency_budgets=dict(base.agency_budgets) if base is not None else {},
        notes=base.notes if base is not None else "",
    )


def _effort_number(text: str, row_number: int, problems: list[Problem]) -> float | None:
    if not text:
        problems.append(Problem("excel.missing_value", _where(row_number, "effort")))
        return None
    try:
        value = parse_number(text)
    except ValueError:
        problems.append(Problem("excel.not_a_number", {**_where(row_number, "effort"), "value": text[:40]}))
        return None
    if not math.isfinite(value) or value < 0:
        problems.append(Problem("effort.negative", {**_where(row_number, "effort"), "value": text[:40]}))
        return None
    return value


def agency_budgets_from_csv(data: str | bytes) -> dict[str, float]:
    """Budgets per lead agency from CSV rows `agency,budget` (same unit as the efforts)."""
    rows = _csv_rows(data, _AGENCY_COLUMNS)
    problems: list[Problem] = []
    budgets: dict[str, float] = {}
    for row in rows:
        row_number = row.row_number
        agency = row.text("agency")
        text = row.text("budget")
        if not agency:
            problems.append(Problem("excel.missing_value", _where(row_number, "agency")))
            continue
        try:
            value = parse_number(text)
        except ValueError:
            problems.append(
                Problem("excel.not_a_number", {**_where(row_number, "budget"), "value": text[:40]})
            )
            continue
        if not math.isfinite(value) or value < 0:
            problems.append(Problem("effort.negative", {**_where(row_number, "budget"), "value": text[:40]}))
            continue
        budgets[agency] = value
    if problems:
        raise ImportFileError("effort.import_failed", problems=problems)
    return budgets


def effort_table_to_csv(table: EffortTable) -> str:
    """The table as the CSV `effort_table_from_csv` reads back to an equal table (entries and constraints)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "level_or_points", "effort", "locked", "feasible_max", "survey_unlocked"])
    constrained = {c.code: c for c in table.constraints}
    written: set[str] = set()
    for e in table.entries:
        c = constrained.get(e.code)
        first = c is not None and e.code not in written
        writer.writerow(
            [
                e.code,
                e.level,
                repr(e.effort),
                ("yes" if c.locked else "no") if first and c else "",
                (c.feasible_max_level or "") if first and c else "",
                ("yes" if c.survey_unlocked else "no") if first and c else "",
            ]
        )
        written.add(e.code)
    for code, c in constrained.items():
        if code not in written:
            writer.writerow(
                [
                    code,
                    "",
                    "",
                    "yes" if c.locked else "no",
                    c.feasible_max_level or "",
                    "yes" if c.survey_unlocked else "no",
                ]
            )
    return buffer.getvalue()
