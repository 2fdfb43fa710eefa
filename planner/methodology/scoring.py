"""Scoring: a scenario in, a score card out; and a vectorised scorer for many scenarios at once.

All sums are formed in integer hundredths, so an area subtotal and the grand total equal the sum of their parts to
the last hundredth, as the ministry's 2-decimal tables do. `score_scenario` is the one place a scenario becomes
points; the app, the ranking and the optimiser all go through it (or through `BatchScorer`, which a test holds
equal to it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from planner.core.errors import Problem, ScenarioError
from planner.core.i18n import Lang
from planner.methodology.model import Area, Criterion, Methodology, ScoredItem
from planner.methodology.rules import LevelOption, ScaleRule, from_centi, to_centi
from planner.methodology.scenario import ItemSetting, Scenario

NodeKind = Literal["area", "criterion", "item"]
AssessmentMix = Literal["self", "survey", "mixed"]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class NodeScore:
    """Points against the maximum for one node of the tree."""

    code: str
    name_vi: str
    name_en: str
    kind: NodeKind
    assessment: AssessmentMix
    centi: int
    max_centi: int
    uses_assumption: bool = False

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)

    @property
    def points(self) -> float:
        return from_centi(self.centi)

    @property
    def max_points(self) -> float:
        return from_centi(self.max_centi)

    @property
    def lost(self) -> float:
        """Points short of the maximum."""
        return from_centi(self.max_centi - self.centi)

    @property
    def percent(self) -> float:
        return 100.0 * self.centi / self.max_centi if self.max_centi else 0.0


@dataclass(frozen=True, slots=True)
class _ItemRule:
    """What scoring one item needs, precomputed once per methodology."""

    code: str
    max_centi: int
    levels: dict[str, int]
    item: ScoredItem
    #: Bound methods of the item's rule, looked up once (attribute lookups dominate the per-item cost).
    takes_value: bool = False
    value_problem: Callable[[float], Problem | None] | None = None
    centi_for_value: Callable[[float, int], int] | None = None
    #: What an item nobody set scores: 0, except on a scale whose floor is above 0 (a PAPI dimension is never
    #: below 1, so an unset one counts 1 and an empty PAPI scenario totals 8, as the index's floor says).
    unset_centi: int = 0


@dataclass(frozen=True)
class _Index:
    items: tuple[_ItemRule, ...]
    item_area: tuple[int, ...]
    item_criterion: tuple[int, ...]
    criteria: tuple[tuple[Area, Criterion], ...]
    survey_mask: tuple[bool, ...]
    max_self_centi: int
    max_survey_centi: int


_INDEX_CACHE: dict[int, tuple[Methodology, _Index]] = {}


def _index(m: Methodology) -> _Index:
    """The per-methodology lookup tables, cached by object identity (hashing the tree each call is slow)."""
    hit = _INDEX_CACHE.get(id(m))
    if hit is not None and hit[0] is m:
        return hit[1]
    criteria: list[tuple[Area, Criterion]] = []
    criterion_pos: dict[str, int] = {}
    for area in m.areas:
        for criterion in area.criteria:
            criterion_pos[criterion.code] = len(criteria)
            criteria.append((area, criterion))
    area_pos = {a.code: i for i, a in enumerate(m.areas)}
    items = tuple(_item_rule(i) for i in m.scored_items)
    index = _Index(
        items=items,
        item_area=tuple(area_pos[i.area.code] for i in m.scored_items),
        item_criterion=tuple(criterion_pos[i.criterion.code] for i in m.scored_items),
        criteria=tuple(criteria),
        survey_mask=tuple(i.is_survey for i in m.scored_items),
        max_self_centi=sum(i.max_centi for i in m.scored_items if not i.is_survey),
        max_survey_centi=sum(i.max_centi for i in m.scored_items if i.is_survey),
    )
    if len(_INDEX_CACHE) > 64:
        _INDEX_CACHE.clear()
    _INDEX_CACHE[id(m)] = (m, index)
    return index


def _item_rule(item: ScoredItem) -> _ItemRule:
    rule = item.rule
    levels = {o.id: o.centi for o in rule.options(item.max_centi)}
    unset = rule.centi_for_value(rule.low, item.max_centi) if isinstance(rule, ScaleRule) else 0
    return _ItemRule(
        item.code,
        item.max_centi,
        levels,
        item,
        rule.takes_value,
        rule.value_problem,
        rule.centi_for_value,
        unset,
    )


def setting_centi(item: ScoredItem, setting: ItemSetting) -> int:
    """Points (hundredths) of one item under one setting; raises ScenarioError when the setting does not fit."""
    rule = _item_rule(item)
    problem, centi = _setting_centi(rule, setting)
    if problem is not None:
        raise ScenarioError("scenario.invalid", problems=[problem])
    return centi


def _setting_centi(rule: _ItemRule, setting: ItemSetting) -> tuple[Problem | None, int]:
    level = setting.level
    if level is not None:
        centi = rule.levels.get(level)
        if centi is None:
            known = ", ".join(rule.levels)
            return Problem("scenario.unknown_level", {"code": rule.code, "level": level, "known": known}), 0
        return None, centi
    value = setting.value
    if value is not None:
        if not rule.takes_value or rule.value_problem is None or rule.centi_for_value is None:
            return Problem("scenario.value_not_accepted", {"code": rule.code}), 0
        problem = rule.value_problem(value)
        if problem is not None:
            return Problem(problem.key, {"code": rule.code, **problem.params}), 0
        return None, rule.centi_for_value(value, rule.max_centi)
    assert setting.points is not None
    points = setting.points
    if not math.isfinite(float(points)) or points < 0 or to_centi(points) > rule.max_centi:
        params = {"code": rule.code, "points": float(points), "max": from_centi(rule.max_centi)}
        return Problem("scenario.points_out_of_range", params), 0
    return None, to_centi(points)


def scenario_problems(m: Methodology, scenario: Scenario) -> list[Problem]:
    """Everything in `scenario` that does not fit `m` (empty when it can be scored)."""
    problems, _ = _item_centi(m, scenario)
    return problems


def _item_centi(m: Methodology, scenario: Scenario) -> tuple[list[Problem], list[int]]:
    index = _index(m)
    settings = scenario.items
    problems: list[Problem] = []
    if scenario.methodology != m.id:
        problems.append(
            Problem("scenario.methodology_mismatch", {"scenario": scenario.methodology, "methodology": m.id})
        )
    known = m.item_index
    problems.extend(
        Problem("scenario.unknown_code", {"code": code}) for code in settings if code not in known
    )
    full = scenario.default == "max"
    centis: list[int] = []
    append = centis.append
    for rule in index.items:
        setting = settings.get(rule.code)
        if setting is None:
            append(rule.max_centi if full else rule.unset_centi)
            continue
        level = setting.level
        if level is not None and level in rule.levels:  # the common case, kept inline for speed
            append(rule.levels[level])
            continue
        problem, centi = _setting_centi(rule, setting)
        if problem is not None:
            problems.append(problem)
        append(centi)
    return problems, centis


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """Points and maxima for every scored item, criterion and area, and the totals.

    Only the per-item points are stored; criterion and area subtotals are summed from them on request, so there
    is one source of truth and scoring one scenario stays cheap.
    """

    methodology: Methodology
    item_centi: tuple[int, ...]
    self_assessed_centi: int
    survey_centi: int
    set_by_points: frozenset[str] = field(default_factory=frozenset)

    @property
    def total_centi(self) -> int:
        return self.self_assessed_centi + self.survey_centi

    @property
    def total(self) -> float:
        return from_centi(self.total_centi)

    @property
    def self_assessed(self) -> float:
        return from_centi(self.self_assessed_centi)

    @property
    def survey(self) -> float:
        return from_centi(self.survey_centi)

    @property
    def max_total(self) -> float:
        return from_centi(self.methodology.max_centi)

    @property
    def max_self_assessed(self) -> float:
        return from_centi(_index(self.methodology).max_self_centi)

    @property
    def max_survey(self) -> float:
        return from_centi(_index(self.methodology).max_survey_centi)

    @property
    def percent(self) -> float:
        return 100.0 * self.total_centi / self.methodology.max_centi

    def centi_of(self, code: str) -> int:
        return self.item_centi[self.methodology.item_index[code]]

    def points_of(self, code: str) -> float:
        return from_centi(self.centi_of(code))

    def items(self) -> tuple[NodeScore, ...]:
        out = []
        for item, centi in zip(self.methodology.scored_items, self.item_centi, strict=True):
            node = item.node
            out.append(
                NodeScore(
                    node.code,
                    node.name_vi,
                    node.name_en,
                    "item",
                    item.assessment,
                    centi,
                    item.max_centi,
                    item.rule.is_assumption and node.code not in self.set_by_points,
                )
            )
        return tuple(out)

    def item(self, code: str) -> NodeScore:
        return self.items()[self.methodology.item_index[code]]

    def criteria(self) -> tuple[NodeScore, ...]:
        index = _index(self.methodology)
        return _group(index.criteria, index.item_criterion, self, "criterion")

    def areas(self) -> tuple[NodeScore, ...]:
        index = _index(self.methodology)
        return _group(tuple((a, a) for a in self.methodology.areas), index.item_area, self, "area")

    def area(self, code: str) -> NodeScore:
        return next(a for a in self.areas() if a.code == code)

    @property
    def assumptions(self) -> tuple[str, ...]:
        """Codes of the items whose points came from a rule that is an assumption."""
        return tuple(s.code for s in self.items() if s.uses_assumption)


def _group(
    groups: tuple[tuple[Area, Area | Criterion], ...],
    item_group: tuple[int, ...],
    card: ScoreCard,
    kind: NodeKind,
) -> tuple[NodeScore, ...]:
    n = len(groups)
    centi = [0] * n
    max_centi = [0] * n
    survey = [False] * n
    selfish = [False] * n
    assumption = [False] * n
    items = card.methodology.scored_items
    for pos, item in enumerate(items):
        g = item_group[pos]
        centi[g] += card.item_centi[pos]
        max_centi[g] += item.max_centi
        if item.is_survey:
            survey[g] = True
        else:
            selfish[g] = True
        if item.rule.is_assumption and item.code not in card.set_by_points:
            assumption[g] = True
    out = []
    for g, (_, node) in enumerate(groups):
        mix: AssessmentMix = "mixed" if survey[g] and selfish[g] else ("survey" if survey[g] else "self")
        out.append(
            NodeScore(node.code, node.name_vi, node.name_en, kind, mix, centi[g], max_centi[g], assumption[g])
        )
    return tuple(out)


def score_scenario(m: Methodology, scenario: Scenario) -> ScoreCard:
    """The score card of `scenario` under `m`; raises ScenarioError listing every setting that does not fit."""
    problems, centis = _item_centi(m, scenario)
    if problems:
        raise ScenarioError("scenario.invalid", problems=problems)
    survey_mask = _index(m).survey_mask
    survey = 0
    own = 0
    for centi, is_survey in zip(centis, survey_mask, strict=True):
        if is_survey:
            survey += centi
        else:
            own += centi
    by_points = frozenset(code for code, s in scenario.items.items() if s.points is not None)
    return ScoreCard(m, tuple(centis), own, survey, by_points)


def item_options(item: ScoredItem) -> tuple[LevelOption, ...]:
    """The discrete levels of an item, lowest first (what the level picker and the optimiser offer)."""
    return item.rule.options(item.max_centi)


def levels_of(m: Methodology, code: str) -> tuple[LevelOption, ...]:
    """The levels of item `code` under `m`, lowest first; empty when the scheme has no such item."""
    return item_options(m.item(code)) if code in m.item_index else ()


def level_of(m: Methodology, code: str, level: str) -> LevelOption | None:
    """Item `code`'s level with id `level`, None when the item or the level is not in the scheme."""
    return next((o for o in levels_of(m, code) if o.id == level), None)


def current_option(item: ScoredItem, centi: int) -> LevelOption:
    """The highest level whose points do not exceed `centi` (the level an item is "at")."""
    options = item_options(item)
    best = options[0]
    for option in options:
        if option.centi <= centi and option.centi >= best.centi:
            best = option
    return best


def full_marks(
    m: Methodology, *, name: str = "", province: str | None = None, year: int | None = None
) -> Scenario:
    """A scenario at the maximum of every item (every target of the plan table met)."""
    return Scenario(methodology=m.id, name=name, province=province, year=year, default="max")


@dataclass(frozen=True)
class BatchScores:
    """Totals for many scenarios at once, in hundredths (rows = scenarios)."""

    total_centi: IntArray
    self_assessed_centi: IntArray
    survey_centi: IntArray
    area_centi: IntArray

    @property
    def total(self) -> npt.NDArray[np.float64]:
        return self.total_centi / 100.0


class BatchScorer:
    """Vectorised scoring for Monte Carlo and the optimiser: rows are scenarios, columns are scored items.

    Two inputs are accepted: a matrix of points in hundredths, or a matrix of level indices into each item's
    options (`item_options`, lowest first). Both give the same totals as `score_scenario`.
    """

    def __init__(self, m: Methodology) -> None:
        self.methodology = m
        index = _index(m)
        self.codes: tuple[str, ...] = tuple(r.code for r in index.items)
        self.max_centi: IntArray = np.array([r.max_centi for r in index.items], dtype=np.int64)
        self.survey_mask = np.array(index.survey_mask, dtype=bool)
        self.item_area = np.array(index.item_area, dtype=np.int64)
        n_items = len(self.codes)
        n_areas = len(m.areas)
        self.area_matrix: IntArray = np.zeros((n_items, n_areas), dtype=np.int64)
        self.area_matrix[np.arange(n_items), self.item_area] = 1
        options = [item_options(i) for i in m.scored_items]
        self.n_options: IntArray = np.array([len(o) for o in options], dtype=np.int64)
        width = int(self.n_options.max()) if n_items else 0
        self.option_centi: IntArray = np.full((n_items, width), -1, dtype=np.int64)
        for pos, opts in enumerate(options):
            self.option_centi[pos, : len(opts)] = [o.centi for o in opts]

    def row(self, scenario: Scenario) -> IntArray:
        """The per-item points of one scenario, as a row for `score_points`."""
        return np.array(score_scenario(self.methodology, scenario).item_centi, dtype=np.int64)

    def rows(self, scenarios: Iterable[Scenario]) -> IntArray:
        return np.vstack([self.row(s) for s in scenarios])

    def score_points(self, centi: npt.ArrayLike) -> BatchScores:
        matrix = np.asarray(centi, dtype=np.int64)
        if matrix.ndim != 2 or matrix.shape[1] != len(self.codes):
            raise ValueError(f"expected a (n, {len(self.codes)}) matrix, got {matrix.shape}")
        survey = matrix[:, self.survey_mask].sum(axis=1)
        own = matrix[:, ~self.survey_mask].sum(axis=1)
        return BatchScores(own + survey, own, survey, matrix @ self.area_matrix)

    def points_from_levels(self, level_index: npt.ArrayLike) -> IntArray:
        idx = np.asarray(level_index, dtype=np.int64)
        if idx.ndim != 2 or idx.shape[1] != len(self.codes):
            raise ValueError(f"expected a (n, {len(self.codes)}) matrix, got {idx.shape}")
        if (idx < 0).any() or (idx >= self.n_options).any():
            raise ValueError("level index out of range")
        return self.option_centi[np.arange(len(self.codes)), idx]

    def score_levels(self, level_index: npt.ArrayLike) -> BatchScores:
        return self.score_points(self.points_from_levels(level_index))
