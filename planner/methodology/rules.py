"""Scoring rules: how an achievement (a level, a ratio, a count, a survey percentage) becomes points.

Points are kept as integer hundredths ("centi") everywhere a sum is formed, because the ministry publishes totals
to two decimals and a float sum of 82 items would drift from them. Each rule is a frozen model with:

- `options(max_centi)`: the discrete achievable levels in ascending points, which the scenario editor offers
  and the optimiser chooses between (one option per sub-criterion);
- `centi_for_level(level_id, max_centi)` and `centi_for_value(value, max_centi)`: the single functions from an
  input to points.

Every rule says where it comes from: `basis="source"` when a document gives it (cite it in `source`), or
`basis="assumption"` for a sensible default no source gives, with `assumption` holding the text the UI shows.
A rule's point values never exceed the node's maximum and never fall as the achievement rises; the methodology
validator checks both, because the rule alone does not know its node's maximum.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from planner.core.errors import Problem
from planner.core.i18n import Lang, format_number

Basis = Literal["source", "assumption"]
Measure = Literal["percent", "count", "change_percent"]


def to_centi(points: Decimal | float | int) -> int:
    """Points as integer hundredths, rounding half away from zero (the way a 2-decimal table rounds)."""
    scaled = Decimal(str(points)) * 100
    return int(scaled.to_integral_value(rounding="ROUND_HALF_UP"))


def from_centi(centi: int) -> float:
    """Hundredths back to points; exact to two decimals when printed."""
    return centi / 100


def _round_centi(x: float) -> int:
    """Round a computed number of hundredths half up, robust to float noise like 74.99999999."""
    return math.floor(x + 0.5 + 1e-9)


def _vi(x: float) -> str:
    return format_number(x, "vi", decimals=4)


def _en(x: float) -> str:
    return format_number(x, "en", decimals=4)


def _number_id(x: float) -> str:
    text = f"{x:g}".replace("-", "m").replace(".", "_")
    return text


@dataclass(frozen=True, slots=True)
class LevelOption:
    """One achievable level of a scored item: an id the scenario stores, labels, points, and a typical input."""

    id: str
    label_vi: str
    label_en: str
    centi: int
    value: float | None = None

    def label(self, lang: Lang = "vi") -> str:
        return self.label_vi if lang == "vi" else (self.label_en or self.label_vi)

    @property
    def points(self) -> float:
        return from_centi(self.centi)


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    basis: Basis = "assumption"
    source: str = ""
    assumption: str = ""

    @model_serializer(mode="wrap")
    def _keep_type(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Always write the `type` tag, even when dumping without defaults, so a dump reads back."""
        data: dict[str, Any] = handler(self)
        data["type"] = getattr(self, "type")  # noqa: B009 - every concrete rule declares it
        return {"type": data.pop("type"), **data}

    @property
    def is_assumption(self) -> bool:
        return self.basis == "assumption"

    @property
    def takes_value(self) -> bool:
        """Whether the item can be set by a raw value (ratio, count, percentage)."""
        return False

    def options(self, max_centi: int) -> tuple[LevelOption, ...]:
        raise NotImplementedError

    def centi_for_level(self, level_id: str, max_centi: int) -> int | None:
        """Points for a named level, or None when the rule has no such level."""
        for option in self.options(max_centi):
            if option.id == level_id:
                return option.centi
        return None

    def centi_for_value(self, value: float, max_centi: int) -> int:
        raise NotImplementedError

    def value_problem(self, value: float) -> Problem | None:
        """Why `value` is not a valid input for this rule, or None."""
        return Problem("scenario.value_not_accepted")

    def point_values(self, max_centi: int) -> list[int]:
        """All point values the rule can produce, in the order of rising achievement (for the monotone check)."""
        return [o.centi for o in self.options(max_centi)]


class YesNoRule(_Rule):
    """Done or not done: full points (or `yes_points`) when done, `no_points` otherwise."""

    type: Literal["yes_no"] = "yes_no"
    yes_points: Decimal | None = None
    no_points: Decimal = Decimal(0)
    yes_label_vi: str = "Đạt"
    yes_label_en: str = "Achieved"
    no_label_vi: str = "Không đạt"
    no_label_en: str = "Not achieved"

    def options(self, max_centi: int) -> tuple[LevelOption, ...]:
        yes = max_centi if self.yes_points is None else to_centi(self.yes_points)
        return (
            LevelOption("no", self.no_label_vi, self.no_label_en, to_centi(self.no_points), 0.0),
            LevelOption("yes", self.yes_label_vi, self.yes_label_en, yes, 1.0),
        )

    @property
    def takes_value(self) -> bool:
        return True

    def value_problem(self, value: float) -> Problem | None:
        return None if value in (0, 1) else Problem("scenario.value_yes_no", {"value": value})

    @cached_property
    def no_centi(self) -> int:
        return to_centi(self.no_points)

    def centi_for_value(self, value: float, max_centi: int) -> int:
        if value >= 1:
            return max_centi if self.yes_points is None else to_centi(self.yes_points)
        return self.no_centi


class Level(BaseModel):
    """A named level of achievement with its points, e.g. "Đúng hạn" 0.5 / "Chậm" 0.25 / "Không thực hiện" 0."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    label_vi: str
    label_en: str = ""
    points: Decimal


class LevelsRule(_Rule):
    """Discrete named levels, listed from the lowest achievement to the highest."""

    type: Literal["levels"] = "levels"
    levels: tuple[Level, ...] = Field(min_length=2)

    def options(self, max_centi: int) -> tuple[LevelOption, ...]:
        return tuple(LevelOption(lv.id, lv.label_vi, lv.label_en, to_centi(lv.points)) for lv in self.levels)


class Step(BaseModel):
    """One step of a threshold rule: `points` once the measure reaches `bound` (from above when lower is better)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bound: float
    points: Decimal
    label_vi: str = ""
    label_en: str = ""


def _value_range(measure: Measure) -> tuple[float | None, float | None]:
    if measure == "percent":
        return 0.0, 100.0
    if measure == "count":
        return 0.0, None
    return -100.0, None


def _range_problem(measure: Measure, value: float) -> Problem | None:
    if not math.isfinite(value):
        return Problem("scenario.value_not_number", {"value": value})
    low, high = _value_range(measure)
    if (low is not None and value < low) or (high is not None and value > high):
        return Problem(
            "scenario.value_out_of_range",
            {
                "value": value,
                "low": low if low is not None else "-∞",
                "high": high if high is not None else "∞",
            },
        )
    return None


def _unit(measure: Measure, unit_vi: str) -> str:
    return "%" if measure in ("percent", "change_percent") else (f" {unit_vi}" if unit_vi else "")


class ThresholdRule(_Rule):
    """A step function of a ratio or a count, e.g. ">= 95% -> 1.5, >= 90% -> 0.75, else 0".

    With `direction="higher"` (the usual case) a step applies when the value is at least its bound; with
    `direction="lower"` (e.g. a rate of late dossiers) when the value is at most its bound. Steps are listed
    from the lowest achievement to the highest.
    """

    type: Literal["thresholds"] = "thresholds"
    measure: Measure = "percent"
    direction: Literal["higher", "lower"] = "higher"
    unit_vi: str = ""
    unit_en: str = ""
    steps: tuple[Step, ...] = Field(min_length=1)
    below_points: Decimal = Decimal(0)

    @property
    def takes_value(self) -> bool:
        return True

    def options(self, max_centi: int) -> tuple[LevelOption, ...]:
        first = self.steps[0].bound
        unit = _unit(self.measure, self.unit_vi)
        unit_en = _unit(self.measure, self.unit_en or self.unit_vi)
        cmp_below, cmp_step = ("<", "≥") if self.direction == "higher" else (">", "≤")
        below = LevelOption(
            f"below_{_number_id(first)}",
            f"{cmp_below} {_vi(first)}{unit}",
            f"{cmp_below} {_en(first)}{unit_en}",
            to_centi(self.below_points),
            _below_value(self.measure, self.direction, first),
        )
        steps = tuple(
            LevelOption(
                f"{'ge' if self.direction == 'higher' else 'le'}_{_number_id(s.bound)}",
                s.label_vi or f"{cmp_step} {_vi(s.bound)}{unit}",
                s.label_en or f"{cmp_step} {_en(s.bound)}{unit_en}",
                to_centi(s.points),
                s.bound,
            )
            for s in self.steps
        )
        return (below, *steps)

    def value_problem(self, value: float) -> Problem | None:
        return _range_problem(self.measure, value)

    @cached_property
    def step_centi(self) -> tuple[int, tuple[tuple[float, int], ...]]:
        """The points below the first step and each step's (bound, points) in hundredths, computed once."""
        return to_centi(self.below_points), tuple((s.bound, to_centi(s.points)) for s in self.steps)

    def centi_for_value(self, value: float, max_centi: int) -> int:
        best, steps = self.step_centi
        higher = self.direction == "higher"
        for bound, centi in steps:
            if (value >= bound if higher else value <= bound) and centi > best:
                best = centi
        return best


def _below_value(measure: Measure, direction: str, first: float) -> float:
    low, high = _value_range(measure)
    if direction == "higher":
        return low if low is not None else first - 1
    return high if high is not None else first + 1


class ProportionalRule(_Rule):
    """Points = maximum x min(value, full_at) / full_at, and 0 below an optional floor.

    E.g. "70%-100% of documents handled: points in proportion; below 70%: 0". `grid` lists the values the
    optimiser and the level picker offer (default: the floor, every 10 up to full_at, and full_at).
    """

    type: Literal["proportional"] = "proportional"
    measure: Measure = "percent"
    unit_vi: str = ""
    unit_en: str = ""
    full_at: float = Field(default=100.0, gt=0)
    floor: float | None = None
    grid: tuple[float, ...] | None = None

    @property
    def takes_value(self) -> bool:
        return True

    def value_problem(self, value: float) -> Problem | None:
        return _range_problem(self.measure, value)

    def centi_for_value(self, value: float, max_centi: int) -> int:
        if self.floor is not None and value < self.floor:
            return 0
        share = max(0.0, min(value, self.full_at)) / self.full_at
        return _round_centi(max_centi * share)

    def grid_values(self) -> tuple[float, ...]:
        if self.grid:
            return tuple(sorted(set(self.grid)))
        values = {0.0, self.full_at}
        start = self.floor if self.floor is not None else 0.0
        values.add(start)
        step = self.full_at / 10
        x = step
        while x < self.full_at - 1e-9:
            if x >= start:
                values.add(round(x, 6))
            x += step
        return tuple(sorted(values))

    def options(self, max_centi: int) -> tuple[LevelOption, ...]:
        unit = _unit(self.measure, self.unit_vi)
        unit_en = _unit(self.measure, self.unit_en or self.unit_vi)
        seen: dict[int, LevelOption] = {}
        for v in self.grid_values():
            centi = self.centi_for_value(v, max_centi)
            if centi not in seen:
                seen[centi] = LevelOption(
                    f"v_{_number_id(v)}", f"{_vi(v)}{unit}", f"{_en(v)}{unit_en}", centi, v
                )
        return tuple(seen[c] for c in sorted(seen))


class SurveyRule(_Rule):
    """A sociological survey item: points = maximum x satisfaction %. Not a lever the province pulls directly."""

    type: Literal["survey"] = "survey"
    grid_step: float = Field(default=5.0, gt=0, le=50)

    @property
    def takes_value(self) -> bool:
        return True

    def value_problem(self, value: float) -> Problem | None:
        return _range_problem("percent", value)

    def centi_for_value(self, value: float, max_centi: int) -> int:
        return _round_centi(max_centi * max(0.0, min(value, 100.0)) / 100.0)

    def options(self, max_centi: int) -> tuple[LevelOption, ...]:
        values: list[float] = []
        x = 0.0
        while x < 100.0 - 1e-9:
            values.append(round(x, 6))
            x += self.grid_step
        values.append(100.0)
        seen: dict[int, LevelOption] = {}
        for v in values:
            centi = self.centi_for_value(v, max_centi)
            seen.setdefault(centi, LevelOption(f"v_{_number_id(v)}", f"{_vi(v)}%", f"{_en(v)}%", centi, v))
        return tuple(seen[c] for c in sorted(seen))


class ScaleRule(_Rule):
    """A score published on a fixed scale, which *is* the item's points: a PAPI dimension scored 1-10.

    The value is the published score itself (7,1704 for Hà Giang's public service delivery in 2023), kept to
    the hundredth as every sum is; the level picker and the optimiser step through the scale by `step` (a
    quarter point by default: a dimension moves by tenths to a point a year, and 37 levels per dimension keep
    the exact solver instant). The node's maximum must be `high`, which the methodology validator checks like
    any rule exceeding its maximum."""

    type: Literal["scale"] = "scale"
    low: float = Field(default=1.0, ge=0)
    high: float = Field(default=10.0, gt=0)
    step: float = Field(default=0.25, gt=0, le=5)

    @property
    def takes_value(self) -> bool:
        return True

    def value_problem(self, value: float) -> Problem | None:
        if not math.isfinite(value):
            return Problem("scenario.value_not_number", {"value": value})
        if not self.low <= value <= self.high:
            return Problem(
                "scenario.value_out_of_range", {"value": value, "low": self.low, "high": self.high}
            )
        return None

    def centi_for_value(self, value: float, max_centi: int) -> int:
        return min(max_centi, _round_centi(100.0 * max(self.low, min(value, self.high))))

    def grid_values(self) -> tuple[float, ...]:
        count = math.floor((self.high - self.low) / self.step + 1e-9)
        values = {round(self.low + k * self.step, 6) for k in range(count + 1)} | {self.high}
        return tuple(sorted(values))

    def options(self, max_centi: int) -> tuple[LevelOption, ...]:
        return tuple(
            LevelOption(f"v_{_number_id(v)}", _vi(v), _en(v), self.centi_for_value(v, max_centi), v)
            for v in self.grid_values()
        )


Rule = Annotated[
    YesNoRule | LevelsRule | ThresholdRule | ProportionalRule | SurveyRule | ScaleRule,
    Field(discriminator="type"),
]
RULE_TYPES: tuple[str, ...] = ("yes_no", "levels", "thresholds", "proportional", "survey", "scale")


def _declared_points(rule: Rule) -> list[Decimal]:
    """The point values written in the rule itself (not computed ones), which must be exact hundredths."""
    if isinstance(rule, YesNoRule):
        return [rule.no_points] + ([rule.yes_points] if rule.yes_points is not None else [])
    if isinstance(rule, LevelsRule):
        return [lv.points for lv in rule.levels]
    if isinstance(rule, ThresholdRule):
        return [rule.below_points, *(s.points for s in rule.steps)]
    return []


def rule_problems(rule: Rule, max_centi: int, code: str) -> list[Problem]:
    """What is wrong with `rule` on a node worth `max_centi`: negative points, points above the maximum,
    points that fall as achievement rises, duplicate level ids, a value rule without reachable full marks is
    allowed (some rules cap below the maximum), but no level may exceed it."""
    problems: list[Problem] = []
    for declared in _declared_points(rule):
        if declared != Decimal(to_centi(declared)) / 100:
            problems.append(
                Problem("methodology.rule_points_precision", {"code": code, "points": str(declared)})
            )
            break
    values = rule.point_values(max_centi)
    options = rule.options(max_centi)
    ids = [o.id for o in options]
    if len(set(ids)) != len(ids):
        problems.append(Problem("methodology.rule_duplicate_level", {"code": code}))
    for centi in values:
        if centi < 0:
            problems.append(Problem("methodology.rule_negative", {"code": code, "points": from_centi(centi)}))
            break
    for centi in values:
        if centi > max_centi:
            problems.append(
                Problem(
                    "methodology.rule_exceeds_max",
                    {"code": code, "points": from_centi(centi), "max": from_centi(max_centi)},
                )
            )
            break
    if any(b < a for a, b in itertools.pairwise(values)):
        problems.append(Problem("methodology.rule_not_monotone", {"code": code}))
    if isinstance(rule, ThresholdRule):
        bounds = [s.bound for s in rule.steps]
        ordered = (
            bounds == sorted(bounds) if rule.direction == "higher" else bounds == sorted(bounds, reverse=True)
        )
        if not ordered or len(set(bounds)) != len(bounds):
            problems.append(Problem("methodology.rule_steps_order", {"code": code}))
    if isinstance(rule, ProportionalRule) and rule.floor is not None and rule.floor > rule.full_at:
        problems.append(Problem("methodology.rule_floor_above_full", {"code": code}))
    if isinstance(rule, ScaleRule) and (rule.low >= rule.high or to_centi(rule.high) != max_centi):
        problems.append(
            Problem(
                "methodology.rule_scale_range",
                {"code": code, "low": rule.low, "high": rule.high, "max": from_centi(max_centi)},
            )
        )
    return problems
