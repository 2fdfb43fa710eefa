"""Where a scenario stands: its score card, its rank in the latest field and its projected rank next year.

The plan year Y is the scenario's `year`; the field is the latest published (or reconstructed) one before Y, and
the projection of year Y is built from it (Lào Cai plans 2019 from the 2018 field). The rank shown in the header is
the rank the scenario's total would have in that field, with the interval that the uncertainty of reconstructed
rival scores allows. The outlook for year Y (P(rank ≤ k), the rank distribution, its interval) comes from the
same `planner.optimiser.competition.Competition` the optimiser uses, so the header, the Ranking page, the comparison and the
optimiser quote one number: rivals drift as projected and our own survey result is uncertain too. With rivals
"held fixed" the outlook is the fixed projection's (no uncertainty at all).

Scoring takes ~50 µs and is recomputed on every rerun. The field and its projection are cached (immutable, shared
by sessions); a results table loaded by the user shadows the bundled field for its year in that session only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import streamlit as st

from planner.core.errors import PlannerError
from planner.field.bundled import field_for_year, latest_field_year
from planner.field.model import Field
from planner.field.projection import Projection, project_field
from planner.field.rank_maths import interval_from_distribution
from planner.field.ranking import RankResult, rank_in_field
from planner.methodology.index import DEFAULT_INDEX
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import ScoreCard, score_scenario
from planner.optimiser.competition import Competition, TargetMode, competition_for, default_own_sd
from ui import cache, state

FIELDS_KEY = "_fields"
FIELD_SIZE_KEY = "_field_size"
MODE_KEY = "_projection_mode"
OVERRIDES_KEY = "_rival_overrides"

ProjectionMode = Literal["drift", "fixed"]


@dataclass(frozen=True)
class Outlook:
    """The scenario's rank in the plan year as a distribution: p[r-1] = P(rank = r), r = 1..n."""

    distribution: npt.NDArray[np.float64]
    projection: Projection
    competition: Competition | None
    exclude: str | None
    score: float

    @property
    def n(self) -> int:
        return int(self.distribution.size)

    def p_rank_le(self, k: int) -> float:
        return float(min(1.0, max(0.0, self.distribution[: max(0, k)].sum())))

    def interval(self, level: float = 0.8) -> tuple[int, int]:
        return interval_from_distribution(self.distribution, level)

    def expected_rank(self) -> float:
        return float(np.dot(np.arange(1, self.n + 1), self.distribution))

    def score_for_rank(self, k: int, p: float) -> float | None:
        """The least score with P(rank ≤ k) ≥ p under the same model (None when no score reaches it)."""
        if self.competition is not None:
            return self.competition.probability_score_for_rank(k, p)
        return self.projection.score_for_rank(k, p, self.exclude)


@dataclass(frozen=True)
class Position:
    """Everything the header and the pages say about one scenario."""

    scenario: Scenario
    methodology: Methodology
    card: ScoreCard
    field: Field | None
    rank: RankResult | None
    outlook: Outlook | None
    plan_year: int | None
    target_rank: int | None

    @property
    def province(self) -> str | None:
        return self.scenario.province

    @property
    def projection(self) -> Projection | None:
        return self.outlook.projection if self.outlook is not None else None

    @property
    def p_target(self) -> float | None:
        if self.outlook is None or self.target_rank is None:
            return None
        return self.outlook.p_rank_le(self.target_rank)


def field_size() -> Literal[63, 34]:
    value = st.session_state.get(FIELD_SIZE_KEY) or state.workspace().n_provinces
    return 34 if value == 34 else 63


def set_field_size(size: int) -> None:
    st.session_state[FIELD_SIZE_KEY] = 34 if size == 34 else 63


def projection_mode() -> ProjectionMode:
    return "fixed" if st.session_state.get(MODE_KEY) == "fixed" else "drift"


def rival_overrides() -> dict[str, float]:
    value: dict[str, float] = st.session_state.get(OVERRIDES_KEY, {})
    return value


def set_rival_overrides(overrides: Mapping[str, float]) -> None:
    st.session_state[OVERRIDES_KEY] = {k: float(v) for k, v in overrides.items() if v}


def loaded_fields() -> dict[tuple[str, int, int], Field]:
    """The results tables loaded in this session, by (index, year, size)."""
    value: dict[tuple[str, int, int], Field] = st.session_state.get(FIELDS_KEY, {})
    return value


def add_loaded_field(f: Field) -> None:
    fields = dict(loaded_fields())
    fields[(f.index, f.year, f.n_provinces)] = f
    st.session_state[FIELDS_KEY] = fields


def remove_loaded_field(index: str, year: int, size: int) -> None:
    fields = dict(loaded_fields())
    fields.pop((index, year, size), None)
    st.session_state[FIELDS_KEY] = fields


def index_of(scenario: Scenario) -> str | None:
    """The index a scenario plans for (its methodology's), None when its methodology cannot be loaded."""
    try:
        return cache.methodology(scenario.methodology).index
    except PlannerError:
        return None


def current_index() -> str:
    """The index the active scenario plans for: its methodology's (PAR INDEX or PAPI)."""
    return index_of(state.current()) or DEFAULT_INDEX


def field_year_for(plan_year: int | None, index: str = DEFAULT_INDEX) -> int | None:
    """The latest field year of `index` before the plan year (or the latest of all when the scenario has no
    year), tables loaded in this session included: planner.field.bundled.latest_field_year, the rule the
    projection and the optimiser's competition use too."""
    try:
        return latest_field_year(
            plan_year, provinces=field_size(), loaded=loaded_fields().values(), index=index
        )
    except PlannerError:
        return None


def field_for(year: int, index: str = DEFAULT_INDEX) -> Field | None:
    """The field of `index` in `year` in the chosen size: a table loaded in this session wins over the
    bundled one."""
    try:
        return field_for_year(year, field_size(), loaded_fields().values(), index)
    except PlannerError:
        return None


def _field_fingerprint(f: Field) -> tuple[object, ...]:
    """What a projection depends on in a field: its index, year, size, and every entry's score and band."""
    return (
        f.index,
        f.year,
        f.n_provinces,
        tuple((e.province, e.score, e.score_low, e.score_high, e.provenance) for e in f.entries),
    )


def field_key(f: Field) -> int:
    """A small key that changes whenever anything a chart or projection shows of `f` changes."""
    return hash(_field_fingerprint(f))


_PROJECTIONS: dict[tuple[object, ...], Projection] = {}


def projection_for(f: Field, target_year: int) -> Projection:
    """The projection of `target_year` from `f` under the session's mode and rival overrides (memoised)."""
    overrides = tuple(sorted(rival_overrides().items()))
    key = (_field_fingerprint(f), target_year, projection_mode(), overrides)
    hit = _PROJECTIONS.get(key)
    if hit is None:
        if len(_PROJECTIONS) > 64:
            _PROJECTIONS.clear()
        hit = project_field(f, target_year, mode=projection_mode(), overrides=dict(overrides) or None)
        _PROJECTIONS[key] = hit
    return hit


_COMPETITIONS: dict[tuple[object, ...], Competition] = {}


def competition_for_plan(
    m: Methodology, plan_year: int, province: str, *, mode: TargetMode = "mean", confidence: float = 0.8
) -> Competition:
    """The competition a plan of this session faces in the plan year (planner.optimiser.competition.competition_for on the
    session's field size, rival overrides and loaded tables, our own survey uncertain by default_own_sd),
    memoised by everything it depends on. The header's outlook uses mode "mean"; the optimiser its target's."""
    overrides = tuple(sorted(rival_overrides().items()))
    loaded = tuple(loaded_fields().values())
    own_sd = default_own_sd(m)
    size = field_size()
    key = (
        m.index,
        plan_year,
        province,
        size,
        mode,
        confidence,
        overrides,
        own_sd,
        tuple(map(_field_fingerprint, loaded)),
    )
    hit = _COMPETITIONS.get(key)
    if hit is None:
        if len(_COMPETITIONS) > 64:
            _COMPETITIONS.clear()
        hit = competition_for(
            plan_year,
            province,
            mode=mode,
            confidence=confidence,
            provinces=size,
            own_sd=own_sd,
            overrides=dict(overrides) or None,
            loaded=loaded,
            index=m.index,
        )
        _COMPETITIONS[key] = hit
    return hit


def outlook_of(m: Methodology, f: Field, plan_year: int, province: str | None, score: float) -> Outlook:
    """The rank distribution of `score` in the plan year under the session's choice of rival model."""
    projection = projection_for(f, plan_year)
    competition = None
    if projection_mode() == "drift" and province is not None:
        competition = competition_for_plan(m, plan_year, province)
        cumulative = competition.cdf(score)
        if cumulative is not None:
            dist = np.diff(np.concatenate([[0.0], cumulative]))
            return Outlook(np.clip(dist, 0.0, 1.0), projection, competition, province, score)
    dist = np.asarray(projection.rank_distribution(score, province), dtype=np.float64)
    return Outlook(dist, projection, None, province, score)


def position_of(scenario: Scenario) -> Position:
    """Score `scenario` and place it; ScenarioError/MethodologyError propagate for the caller to show."""
    m = cache.methodology(scenario.methodology)
    card = score_scenario(m, scenario)
    plan_year = scenario.year
    f: Field | None = None
    rank: RankResult | None = None
    outlook: Outlook | None = None
    year = field_year_for(plan_year, m.index)
    if year is not None:
        f = field_for(year, m.index)
    if f is not None:
        province = scenario.province if scenario.province and _in_field(f, scenario.province) else None
        rank = rank_in_field(f, card.total, province)
        if plan_year is not None and plan_year > f.year:
            try:
                outlook = outlook_of(m, f, plan_year, province, card.total)
            except PlannerError:
                outlook = None
    return Position(scenario, m, card, f, rank, outlook, plan_year, state.target_rank())


def _in_field(f: Field, province: str) -> bool:
    try:
        f.entry(province)
    except (KeyError, PlannerError):
        return False
    return True


def current_position() -> Position:
    """The active scenario's position, computed once per run."""
    scenario = state.current()
    memo = st.session_state.get("_position_memo")
    if memo is not None and memo[0] is scenario and memo[1] == _context_key():
        position: Position = memo[2]
        return position
    position = position_of(scenario)
    st.session_state["_position_memo"] = (scenario, _context_key(), position)
    return position


def _context_key() -> tuple[object, ...]:
    return (
        field_size(),
        projection_mode(),
        tuple(sorted(rival_overrides().items())),
        tuple(sorted(loaded_fields())),
        id(state.workspace()),
    )
