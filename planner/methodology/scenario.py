"""A scenario: a methodology, a province and a year, and an achievement for each scored item.

Each item is set in exactly one way: by a named level ("ge_95", "yes"), by a raw value (a ratio in percent, a
count, a survey percentage) or directly by points. Items not set count as 0 points, or as full marks when the
scenario says `default: "max"`. The scenario is a frozen value: edits return a new scenario, so the app keeps one
canonical object per session and an undo is just the previous value.

The JSON form is versioned (`schema_version`); a file from a newer version is refused with a clear message
rather than half-read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planner.core.errors import Problem, ScenarioError
from planner.core.json_text import JsonTooDeep, parse_json, where_json_fails
from planner.methodology.target import Target

SCHEMA_VERSION = 1
DEFAULT_METHODOLOGY_ID = "qd2636-2018"


class ItemSetting(BaseModel):
    """How one scored item is set: exactly one of `level`, `value` or `points`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: str | None = Field(default=None, min_length=1, max_length=60)
    value: float | None = None
    points: Decimal | None = None
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _exactly_one(self) -> ItemSetting:
        given = [name for name in ("level", "value", "points") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("set exactly one of level, value or points")
        return self

    @property
    def kind(self) -> Literal["level", "value", "points"]:
        if self.level is not None:
            return "level"
        return "value" if self.value is not None else "points"


class Scenario(BaseModel):
    """The canonical what-if object: everything needed to score, rank and plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = SCHEMA_VERSION
    name: str = Field(default="", max_length=200)
    methodology: str = DEFAULT_METHODOLOGY_ID
    province: str | None = Field(default=None, max_length=100)
    year: int | None = Field(default=None, ge=2000, le=2100)
    default: Literal["zero", "max"] = "zero"
    items: dict[str, ItemSetting] = Field(default_factory=dict)
    notes: str = Field(default="", max_length=5000)
    #: What the province's plan aims for (a rank, a band such as 25-30, a score, a group): the case carries it,
    #: so every page, the header and the optimiser read the same target, and a share link or a saved file too.
    target: Target | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_schema(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            version = data.get("schema_version", SCHEMA_VERSION)
            if isinstance(version, int) and version > SCHEMA_VERSION:
                raise ScenarioError("scenario.newer_schema", version=version, supported=SCHEMA_VERSION)
        return data

    def with_item(self, code: str, setting: ItemSetting | None) -> Scenario:
        """A copy with `code` set to `setting` (or unset when None)."""
        items = dict(self.items)
        if setting is None:
            items.pop(code, None)
        else:
            items[code] = setting
        return self.model_copy(update={"items": items})

    def with_items(self, updates: Mapping[str, ItemSetting | None]) -> Scenario:
        items = dict(self.items)
        for code, setting in updates.items():
            if setting is None:
                items.pop(code, None)
            else:
                items[code] = setting
        return self.model_copy(update={"items": items})

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", exclude_defaults=False), ensure_ascii=False, indent=2)


def scenario_from_mapping(data: Any) -> Scenario:
    """A Scenario from parsed JSON, with pydantic's errors turned into one ScenarioError naming each path."""
    if not isinstance(data, Mapping):
        raise ScenarioError("scenario.not_an_object")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError("scenario.invalid", problems=validation_problems(exc)) from None


def scenario_from_json(text: str | bytes) -> Scenario:
    try:
        data = parse_json(text)
    except JsonTooDeep:
        raise ScenarioError("scenario.json_too_deep") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        kind, where = where_json_fails(exc)
        raise ScenarioError(f"scenario.{kind}", **where) from None
    return scenario_from_mapping(data)


def validation_problems(exc: ValidationError) -> list[Problem]:
    """One Problem per pydantic error, with the dotted path to the offending field."""
    problems = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error["loc"]) or "-"
        problems.append(Problem("errors.field_invalid", {"loc": loc, "detail": error["msg"]}))
    return problems
