"""The effort model: what it costs to raise each scored item to each level above where it is now.

A province knows its own costs better than any default, so every figure can come from the user (the app's editor,
or a CSV/Excel file of `code, level_or_points, effort`); where it does not, a labelled default fills in. Per item
the user may also lock it (it cannot change this year) or cap the highest feasible level, and give each lead
agency a budget. Effort is in one unit per table, chosen by the user.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EffortUnit = Literal["person_days", "million_vnd", "difficulty"]
EFFORT_UNITS: tuple[EffortUnit, ...] = ("person_days", "million_vnd", "difficulty")
EffortBasis = Literal["user", "default"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EffortEntry(_Frozen):
    """The effort to bring item `code` from its current level up to `level` (an option id of its rule)."""

    code: str
    level: str
    effort: float = Field(ge=0, allow_inf_nan=False)
    basis: EffortBasis = "user"
    note: str = ""


class ItemConstraint(_Frozen):
    """What the user says about one item beyond its costs."""

    code: str
    locked: bool = False
    #: The highest level (option id) reachable this year; None means any level.
    feasible_max_level: str | None = None
    #: Survey items are not levers; the user may unlock one on purpose.
    survey_unlocked: bool = False


class EffortTable(_Frozen):
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
