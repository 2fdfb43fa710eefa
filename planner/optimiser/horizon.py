"""A plan over several years in the province's terms: yearly targets, budgets and limits in, the exact path out.

planner.optimiser.path solves the programme in hundredths; this module says what the years ask for and what the
answer means. A year's target is written as provinces write it (a score, rank ≤ k, a rank band such as 25-30, or
a chance of rank ≤ k) and turned into a score by that year's competition. Every year of the horizon is projected
from one base field, the latest known before the first year, by the drift model (planner.field.projection), so
the spread of the field grows with the horizon as uncertainty does.

The chance of the whole path (every yearly target met) is reported as bounds: the years are correlated (a field
that drifts up one year tends to stay up), and the drift model gives each year's distribution, not the joint one.
Without a joint model the honest statement is the Fréchet interval: at least Σ p_t − (T − 1) and at most the
smallest p_t. With a target in one year only the two coincide and the chance is exact.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, Self

import numpy as np
from pydantic import Field, model_validator

from planner.core.errors import OptimiseError, OptimiseTimeLimit
from planner.core.i18n import Lang, format_number, t
from planner.core.model import FrozenModel
from planner.core.text import agency_name
from planner.methodology.model import Methodology
from planner.methodology.rules import from_centi, to_centi
from planner.methodology.scoring import item_options
from planner.methodology.target import Target
from planner.optimiser.competition import Competition, TargetMode, competition_for
from planner.optimiser.levers import LeverSet
from planner.optimiser.path import (
    MAX_YEARS,
    PathProblem,
    PathProgramme,
    PathSelection,
    Track,
    compile_path,
    ladders_of,
    move_cost,
    selection_of,
)
from planner.optimiser.plan import LevelChange, Plan
from planner.optimiser.plan_builder import plan_row
from planner.optimiser.scheme_change import (
    HorizonBreak,
    SchemeChange,
    baseline_centi_by_year,
    horizon_break,
    levers_in,
    tracks_across,
)
from planner.optimiser.solver import DEFAULT_TIME_LIMIT, SIDE_BY_SIDE, Blocker, ChosenChange

#: "time_limit": the solver stopped on its time limit holding a path that meets every target and budget, not
#: proved least effort; it is returned as found, said so.
PathStatus = Literal["optimal", "infeasible", "time_limit"]
#: Sampled fields behind each year's band of the score a target rank needs (the timeline chart).
BAND_SAMPLES = 2_000


class YearTarget(Target):
    """What one year of the path must reach (a Target, planner.methodology.target, for that year)."""

    year: int


class PathSettings(FrozenModel):
    """Everything the path is asked to respect, year by year."""

    years: tuple[int, ...]
    targets: tuple[YearTarget, ...] = ()
    #: Total effort budget per year.
    budgets: dict[int, float] = Field(default_factory=dict)
    #: Budget per lead agency per year.
    agency_budgets: dict[int, dict[str, float]] = Field(default_factory=dict)
    #: Yearly effort that keeps a raised level (items not listed: 0, a level reached is kept; an assumption).
    upkeep: dict[str, float] = Field(default_factory=dict)
    #: Years in which an item cannot move.
    locked: dict[str, tuple[int, ...]] = Field(default_factory=dict)
    #: The highest level (option id) an item may stand on in a year.
    caps: dict[str, dict[int, str]] = Field(default_factory=dict)
    #: The last year an item may move (its deadline in the plan).
    deadlines: dict[str, int] = Field(default_factory=dict)
    #: How the rivals move for rank and band targets (probability targets use the full projection).
    rivals: TargetMode = "mean"

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        years = self.years
        if not 1 <= len(years) <= MAX_YEARS:
            raise ValueError(f"a horizon has 1 to {MAX_YEARS} years")
        if any(b != a + 1 for a, b in itertools.pairwise(years)):
            raise ValueError("the years of a horizon follow each other")
        known = set(years)
        named = (
            {x.year for x in self.targets}
            | set(self.budgets)
            | set(self.agency_budgets)
            | {y for ys in self.locked.values() for y in ys}
            | {y for caps in self.caps.values() for y in caps}
        )
        outside = sorted(named - known)
        if outside:
            raise ValueError(f"years outside the horizon: {', '.join(map(str, outside))}")
        if len({x.year for x in self.targets}) != len(self.targets):
            raise ValueError("one target per year")
        for value in [*self.budgets.values(), *self.upkeep.values()] + [
            v for b in self.agency_budgets.values() for v in b.values()
        ]:
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"budgets and upkeep are finite and not negative: {value}")
        return self

    def target(self, year: int) -> YearTarget | None:
        return next((x for x in self.targets if x.year == year), None)

    @property
    def ranked(self) -> bool:
        """True when some target is a rank (a competition is needed)."""
        return any(x.kind != "score" for x in self.targets)


def parse_years(text: str) -> tuple[int, ...]:
    """ "2023-2025" or "2023" as the years of a horizon (OptimiseError on anything else)."""
    parts = text.replace("–", "-").split("-")
    try:
        bounds = [int(p.strip()) for p in parts]
    except ValueError:
        raise OptimiseError("path.bad_years", text=text) from None
    if len(bounds) == 1:
        bounds.append(bounds[0])
    first, last = bounds[0], bounds[-1]
    if len(bounds) != 2 or last < first or last - first + 1 > MAX_YEARS or first < 1900:
        raise OptimiseError("path.bad_years", text=text)
    return tuple(range(first, last + 1))


def path_competitions(
    years: Sequence[int],
    province: str | None,
    *,
    rivals: TargetMode = "mean",
    provinces: Literal[63, 34] = 63,
    own_sd: float = 0.0,
    loaded: Iterable[Any] = (),
    confidence: float = 0.8,
    overrides: Mapping[str, float] | None = None,
    index: str = "par",
) -> dict[int, Competition]:
    """The competition of every year of the horizon, each projected from one base field: the latest field year
    before the first year (so a path planned in 2021 does not use results it could not know)."""
    from planner.field.bundled import latest_field_year

    loaded = tuple(loaded)
    base = latest_field_year(before=years[0], provinces=provinces, loaded=loaded, index=index)
    return {
        year: competition_for(
            year,
            province,
            mode=rivals,
            confidence=confidence,
            provinces=provinces,
            own_sd=own_sd,
            loaded=loaded,
            base_year=base,
            overrides=overrides,
            index=index,
        )
        for year in years
    }


def deadline_years(methodology: Methodology) -> dict[str, int]:
    """The last year each item may move, read from the plan's deadline column ("Trước 31/12/2023", "Quý IV/2024"):
    the latest four-digit year written there (the item's own cell, else its criterion's). Items whose deadline
    names no year are not listed. A plan copied from another year carries that year's deadlines, so the app
    applies these only when the user asks."""
    out: dict[str, int] = {}
    for item in methodology.scored_items:
        text = item.node.deadline or item.criterion.deadline
        years = [int(y) for y in _YEAR.findall(text)]
        if years:
            out[item.code] = max(years)
    return out


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


# ---------------------------------------------------------------------------------------------------------------
# Results.
# ---------------------------------------------------------------------------------------------------------------


class PathChange(ChosenChange):
    """One move of the path: an item raised in `year` from where it stood at the end of the year before."""

    year: int


class PathYear(FrozenModel):
    """One year of the path: what it aimed for, where it lands, what it costs."""

    year: int
    #: The methodology that scores this year (the next scheme's from a change inside the horizon).
    methodology: str = ""
    #: In the year a new scheme starts: the score the year starts from in its terms (the levels reached so far,
    #: carried across); None in other years, which start from the year before's score.
    start_score: float | None = None
    target: YearTarget | None = None
    #: The score the target asks for (None: no target, or a rank no score reaches).
    target_score: float | None = None
    target_reachable: bool = True
    score: float
    rank: int | None = None
    n_provinces: int | None = None
    #: P(rank ≤ the target's rank) (the worse end of a band).
    p_reach: float | None = None
    #: For a band: P(rank ≤ its better end).
    p_best: float | None = None
    effort: float
    upkeep: float = 0.0
    budget: float | None = None
    met: bool = True
    shortfall: float = 0.0
    changes: tuple[PathChange, ...] = ()
    #: The 10th, 50th and 90th percentile of the score the target rank needs this year (sampled fields): this
    #: year's rank target, else the path's last one.
    needed_band: tuple[float, float, float] | None = None


class PathBlocker(Blocker):
    """One reason the path misses a target, in the year it bites (None: every year), with the points it holds
    back (counted one reason at a time)."""

    year: int | None = None

    def message_key(self) -> str:
        return f"path.blocker.{self.kind}"

    def message(self, lang: Lang = "vi", **extra: object) -> str:
        return super().message(lang, year=str(self.year or ""), **extra)


class SchemeChangeNote(FrozenModel):
    """What the path says of a new scheme inside its horizon."""

    year: int
    from_methodology: str
    to_methodology: str
    #: Today's score carried into the new scheme (what its years' gains are counted from).
    carried_baseline: float
    pairs: int
    #: Items of the old scheme with points and no partner in the new one: what they had does not carry.
    not_carried: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    #: Today's score on the old scheme: the carry moves it by `shift`.
    baseline_before: float

    @property
    def shift(self) -> float:
        """What the carry does to today's score (points; negative when levels are lost at the change)."""
        return round(self.carried_baseline - self.baseline_before, 2)

    def message(self, lang: Lang = "vi", *, scheme: str | None = None) -> str:
        """The change in words, with the assumption the rivals rest on. The field's drift model has no year
        scored on the new scheme to learn from, so the other provinces are projected as if nothing changed;
        the carry's shift on this province's score says how far that assumption can be off, and in which
        direction, when the others are carried as this province is."""
        text = t(
            "path.scheme_change",
            lang,
            year=str(self.year),
            scheme=scheme or self.to_methodology,
            carried=format_number(self.carried_baseline, lang, trim=False),
        )
        shift = self.shift
        signed = ("+" if shift > 0 else "") + format_number(shift, lang, trim=False)
        return text + ". " + t("path.scheme_change.field", lang, shift=signed)


class HorizonStop(FrozenModel):
    """The years left out because a new scheme scores them and its table was not given."""

    year: int
    decision: str
    methodology: str | None = None
    dropped: tuple[int, ...]

    def message(self, lang: Lang = "vi") -> str:
        years = ", ".join(map(str, self.dropped))
        decision = self.decision or t("path.stopped.unknown_decision", lang)
        return t(
            "path.stopped", lang, year=str(self.year), decision=decision, years=years, last=str(self.year - 1)
        )


class PathResult(FrozenModel):
    """The exact path, year by year, with the chance of the whole of it."""

    status: PathStatus
    unit: str
    baseline_score: float
    baseline_rank: int | None = None
    n_provinces: int | None = None
    base_field_year: int | None = None
    years: tuple[PathYear, ...]
    effort_total: float
    #: Bounds on P(every yearly target met) (see the module docstring); None without rank targets.
    p_path_low: float | None = None
    p_path_high: float | None = None
    shortfall: float = 0.0
    blockers: tuple[PathBlocker, ...] = ()
    solve_seconds: float = 0.0
    #: False when no path meets the targets and the solver stopped at its time limit before proving the path
    #: shown holds the most final-year points (it fits every budget and limit all the same).
    best_proven: bool = True
    #: False when the blocker analysis ran out of time before every budget was checked (see path_blockers).
    blockers_complete: bool = True
    #: A new scheme inside the horizon, its levels carried across (None: one scheme throughout).
    scheme_change: SchemeChangeNote | None = None
    #: The horizon stopped before a new scheme the planner has no table for (None: it did not).
    stopped: HorizonStop | None = None

    @property
    def final(self) -> PathYear:
        return self.years[-1]

    @property
    def cut_short(self) -> bool:
        """True when the time limit left something unproved: the path itself or what blocks it."""
        return self.status == "time_limit" or not self.best_proven or not self.blockers_complete

    def caveats(self, lang: Lang = "vi") -> tuple[str, ...]:
        """What the time limit left unproved, in words: the page, the CLI and the workbook say the same."""
        out: list[str] = []
        if not self.best_proven:
            out.append(t("app.path.best_unproven", lang))
        if not self.blockers_complete:
            out.append(t("app.path.blockers_incomplete", lang))
        return tuple(out)

    def levels_by_year(self) -> dict[int, dict[str, str]]:
        """Year -> item code -> the level it stands on at the end of that year (moved items only)."""
        out: dict[int, dict[str, str]] = {}
        current: dict[str, str] = {}
        for year in self.years:
            for change in year.changes:
                current[change.code] = change.to_level
            out[year.year] = dict(current)
        return out

    def to_json(self) -> dict[str, Any]:
        """The CLI's stable JSON (status, effort_total, years with year, target, score, rank, p_reach, effort and
        changes with code, from_level, to_level, effort); more keys follow them."""
        return {
            "status": self.status,
            "effort_total": round(self.effort_total, 6),
            "years": [
                {
                    "year": y.year,
                    "target": None
                    if y.target is None
                    else {
                        "kind": y.target.kind,
                        "score": y.target_score,
                        "rank": y.target.rank,
                        "best_rank": y.target.best_rank,
                        "probability": y.target.probability,
                        "reachable": y.target_reachable,
                    },
                    "score": y.score,
                    "rank": y.rank,
                    "p_reach": None if y.p_reach is None else round(y.p_reach, 4),
                    "effort": round(y.effort, 6),
                    "changes": [
                        {
                            "code": c.code,
                            "from_level": c.from_level,
                            "to_level": c.to_level,
                            "effort": round(c.effort, 6),
                            "from_points": c.from_points,
                            "to_points": c.to_points,
                            "lead_agency": c.lead_agency,
                            "effort_is_default": c.effort_is_default,
                        }
                        for c in y.changes
                    ],
                    "p_best": None if y.p_best is None else round(y.p_best, 4),
                    "upkeep": round(y.upkeep, 6),
                    "budget": y.budget,
                    "met": y.met,
                    "shortfall": y.shortfall,
                    "n_provinces": y.n_provinces,
                    "needed_band": None if y.needed_band is None else list(y.needed_band),
                    "methodology": y.methodology,
                    "start_score": y.start_score,
                }
                for y in self.years
            ],
            "unit": self.unit,
            "baseline_score": self.baseline_score,
            "baseline_rank": self.baseline_rank,
            "n_provinces": self.n_provinces,
            "base_field_year": self.base_field_year,
            "p_path_low": None if self.p_path_low is None else round(self.p_path_low, 4),
            "p_path_high": None if self.p_path_high is None else round(self.p_path_high, 4),
            "shortfall": self.shortfall,
            "blockers": [b.model_dump(mode="json") for b in self.blockers],
            "scheme_change": None
            if self.scheme_change is None
            else self.scheme_change.model_dump(mode="json"),
            "stopped": None if self.stopped is None else self.stopped.model_dump(mode="json"),
            "best_proven": self.best_proven,
            "blockers_complete": self.blockers_complete,
        }


# ---------------------------------------------------------------------------------------------------------------
# From settings to the programme and back.
# ---------------------------------------------------------------------------------------------------------------


def target_score_of(
    target: Target, competition: Competition | None, max_score: float
) -> tuple[float | None, bool]:
    """The score a year's target asks for, and whether any score up to the maximum reaches it."""
    if target.kind == "score":
        assert target.score is not None
        return target.score, target.score <= max_score + 1e-9
    if target.kind == "group":
        from planner.field.ranking import group_floor

        assert target.group is not None
        threshold = group_floor(target.group)
        return threshold, threshold <= max_score + 1e-9
    if competition is None:
        raise OptimiseError("optimise.province_needed")
    assert target.rank is not None
    if not 1 <= target.rank <= competition.n:
        raise OptimiseError("optimise.bad_rank", rank=target.rank, n=competition.n)
    if target.kind == "probability":
        assert target.probability is not None
        if competition.drift is None:
            raise OptimiseError("optimise.no_projection")
        score: float | None = competition.probability_score_for_rank(
            target.rank, target.probability, max_score=max_score
        )
    else:
        score = competition.target_score(target.rank, max_score=max_score)
    return (score, True) if score is not None else (None, False)


def problem_of(
    levers: LeverSet,
    settings: PathSettings,
    competitions: Mapping[int, Competition] | None = None,
    change: SchemeChange | None = None,
) -> tuple[PathProblem, tuple[float | None, ...], tuple[bool, ...]]:
    """The programme of `settings`, with each year's target score and whether it is reachable at all.

    A target no score reaches asks for one hundredth more than the maximum, so the path is infeasible there and
    the blockers say why. With a `change`, the years from its year are scored by the new scheme (gains counted
    from today's scenario carried into it). Raises OptimiseError for an item code or level no scheme of the
    horizon knows, or a change year outside the horizon.
    """
    years = settings.years
    if change is not None and change.year not in years:
        raise OptimiseError("optimise.change_outside", year=str(change.year))

    def scheme_of(year: int) -> Methodology:
        return levers_in(levers, change, year).methodology

    baselines = baseline_centi_by_year(levers, change, years)
    known = set(levers.methodology.item_index) | (set(change.methodology.item_index) if change else set())
    named = {*settings.upkeep, *settings.locked, *settings.caps, *settings.deadlines}
    unknown = sorted(named - known)
    if unknown:
        raise OptimiseError("optimise.unknown_codes", codes=", ".join(unknown))
    scores: list[float | None] = []
    reachable: list[bool] = []
    needs: list[int | None] = []
    for year in years:
        target = settings.target(year)
        if target is None:
            scores.append(None)
            reachable.append(True)
            needs.append(None)
            continue
        competition = (competitions or {}).get(year)
        methodology = scheme_of(year)
        score, ok = target_score_of(target, competition, from_centi(methodology.max_centi))
        scores.append(score)
        reachable.append(ok)
        wanted = to_centi(score) if score is not None else methodology.max_centi + 1
        needs.append(wanted - baselines[years.index(year)])
    frozen: set[tuple[str, int]] = set()
    for code, locked_years in settings.locked.items():
        frozen |= {(code, years.index(y)) for y in locked_years}
    for code, deadline in settings.deadlines.items():
        frozen |= {(code, i) for i, y in enumerate(years) if y > deadline}
    caps: dict[tuple[str, int], int] = {}
    for code, by_year in settings.caps.items():
        for year, level in by_year.items():
            scheme = scheme_of(year)
            if code not in scheme.item_index:  # a cap on an item the year's scheme does not have
                continue
            options = [o.id for o in item_options(scheme.item(code))]
            if level not in options:
                raise OptimiseError("optimise.unknown_cap", code=code, level=level, known=", ".join(options))
            caps[(code, years.index(year))] = options.index(level)
    problem = PathProblem(
        levers=levers,
        years=years,
        need_centi=tuple(needs),
        budgets=tuple(settings.budgets.get(y) for y in years),
        agency_budgets=tuple(dict(settings.agency_budgets.get(y, {})) for y in years),
        upkeep=dict(settings.upkeep),
        frozen=frozenset(frozen),
        caps=caps,
        tracks=tracks_across(levers, change, years) if change is not None else None,
    )
    return problem, tuple(scores), tuple(reachable)


def settings_before(settings: PathSettings, year: int) -> PathSettings:
    """`settings` for the years before `year` only (targets, budgets and limits of later years left out)."""
    kept = tuple(y for y in settings.years if y < year)
    return settings.model_copy(
        update={
            "years": kept,
            "targets": tuple(x for x in settings.targets if x.year < year),
            "budgets": {y: b for y, b in settings.budgets.items() if y < year},
            "agency_budgets": {y: b for y, b in settings.agency_budgets.items() if y < year},
            "locked": {c: tuple(y for y in ys if y < year) for c, ys in settings.locked.items()},
            "caps": {c: {y: lv for y, lv in by.items() if y < year} for c, by in settings.caps.items()},
        }
    )


def optimise_path(
    levers: LeverSet,
    settings: PathSettings,
    competitions: Mapping[int, Competition] | None = None,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    bands: bool = True,
    blockers: bool = True,
    change: SchemeChange | None = None,
) -> PathResult:
    """The least-effort path that meets every yearly target within the yearly budgets and limits; when none
    does, the path with the most final-year points they allow, with what blocks the targets (`blockers=False`
    skips that analysis, one solve per budget).

    With `change`, the years from its year are planned on the new scheme, the levels reached before carried
    across (planner.optimiser.scheme_change). Without one, a horizon that runs into another decision's years
    (the index registry) stops before them, and the result says so (`stopped`)."""
    started = time.perf_counter()
    settings, stop = _cut_at_break(levers, settings, change)
    problem, scores, reachable = problem_of(levers, settings, competitions, change)
    programme = compile_path(problem)
    selection = programme.solve(
        "min_effort", budgets=problem.budgets, agency_budgets=problem.agency_budgets, time_limit=time_limit
    )
    status: PathStatus = "optimal" if selection is None or selection.proven else "time_limit"
    found = BlockerAnalysis(())
    if selection is None:
        status = "infeasible"
        selection = programme.solve(
            "max_points",
            budgets=problem.budgets,
            agency_budgets=problem.agency_budgets,
            time_limit=time_limit,
        )
        assert selection is not None  # staying put always fits
        if blockers:
            found = path_blockers(problem, programme, selection, time_limit)
    result = result_of_path(
        levers,
        settings,
        problem,
        programme.tracks,
        selection,
        status,
        scores,
        reachable,
        competitions,
        blockers=found.blockers,
        blockers_complete=found.complete,
        started=started,
        bands=bands,
        change=change,
    )
    return result.model_copy(update={"stopped": stop}) if stop is not None else result


def path_with_blockers(
    levers: LeverSet,
    settings: PathSettings,
    result: PathResult,
    competitions: Mapping[int, Competition] | None = None,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    change: SchemeChange | None = None,
) -> PathResult:
    """`result`, found by optimise_path(blockers=False) for the same levers, settings, competitions and change,
    with what blocks its targets: the analysis optimise_path runs inline, run afterwards.

    Why: the analysis is one most-points solve per budget, and on the 82 x 6 x 4 benchmark it takes several
    times as long as the path itself (median 7-13 s against 2-3 s). The page shows the path as soon as it is
    found and the blockers when they are. The path is not solved again: it is read back from the result's moves
    and re-counted, and a result that does not match these settings is refused. A path that meets its targets
    has nothing to analyse and comes back as it was."""
    if result.status != "infeasible":
        return result
    settings, _ = _cut_at_break(levers, settings, change)
    problem, _, _ = problem_of(levers, settings, competitions, change)
    programme = compile_path(problem)
    selection = _selection_of_result(programme, result, baseline_centi_by_year(levers, change, problem.years))
    found = path_blockers(problem, programme, selection, time_limit)
    return result.model_copy(update={"blockers": found.blockers, "blockers_complete": found.complete})


def _selection_of_result(
    programme: PathProgramme, result: PathResult, baselines: Sequence[int]
) -> PathSelection:
    """The rungs of the path `result` shows, counted again by the model's rules; OptimiseError when the result
    is not a path of `programme` within its budgets, or its years, or a year's score or effort, differ.
    `baselines` are each year's score before any move (hundredths)."""
    problem, tracks = programme.problem, programme.tracks
    moved = [{c.code: c.to_level for c in year.changes} for year in result.years]
    if tuple(y.year for y in result.years) != problem.years:
        raise OptimiseError("path.result_mismatch")
    rungs: list[tuple[int, ...]] = []
    for track in tracks:
        path: list[int] = []
        before = 0
        for year_index, ladder in enumerate(track.ladders):
            rung = track.start(year_index, before)
            to_level = moved[year_index].get(ladder.lever.code)
            if to_level is not None:
                rung = next((i for i, r in enumerate(ladder.rungs) if r.level == to_level), rung)
            path.append(rung)
            before = rung
        rungs.append(tuple(path))
    if not programme.admits(rungs):
        raise OptimiseError("path.result_mismatch")
    selection = selection_of(problem, tracks, rungs)
    counted = [
        (base + gain, round(effort, 6))
        for base, gain, effort in zip(
            baselines, selection.gain_by_year, selection.effort_by_year, strict=True
        )
    ]
    if counted != [(to_centi(y.score), round(y.effort, 6)) for y in result.years]:
        raise OptimiseError("path.result_mismatch")
    return selection


def _cut_at_break(
    levers: LeverSet, settings: PathSettings, change: SchemeChange | None
) -> tuple[PathSettings, HorizonStop | None]:
    """`settings` up to the first year no given scheme scores (the scheme's break, or with a change the new
    scheme's own break: one change per horizon), and what was left out."""
    if change is None:
        found = horizon_break(levers.methodology, settings.years)
    else:
        found = horizon_break(change.methodology, tuple(y for y in settings.years if y >= change.year))
    if found is None:
        return settings, None
    return settings_before(settings, found.year), _stop_of(found, settings.years)


def _stop_of(found: HorizonBreak, years: Sequence[int]) -> HorizonStop:
    return HorizonStop(
        year=found.year,
        decision=found.decision,
        methodology=found.methodology,
        dropped=tuple(y for y in years if y >= found.year),
    )


@dataclass(frozen=True)
class _Relaxation:
    """One budget of the path lifted for the blocker analysis: a year's total (agency None) or one agency's."""

    year_index: int
    agency: str | None
    budgets: tuple[float | None, ...]
    agency_budgets: tuple[Mapping[str, float], ...]


@dataclass(frozen=True)
class BlockerAnalysis:
    """What blocks a path, and whether every budget could be checked within the analysis's time limit."""

    blockers: tuple[PathBlocker, ...]
    #: False when time ran out first: what could not be proved in time is left out, not guessed.
    complete: bool = True


def path_blockers(
    problem: PathProblem, programme: PathProgramme, best: PathSelection, time_limit: float
) -> BlockerAnalysis:
    """What keeps the best path from the targets: each year's target beyond any budget (what the rules, locks,
    caps and deadlines allow by then), what is held back for good (locks, survey items, caps), then each year's
    budget and each agency budget, relaxed one at a time, with the final-year points it holds back.

    `time_limit` is for the whole analysis, not for each of its solves: a relaxed budget can be as hard to solve
    as the best path, and with twelve of them a limit per solve let the page wait 80 s on one benchmark
    instance. What time does not allow is said (`complete`), not guessed."""
    deadline = time.perf_counter() + time_limit

    def most_points(year: int, reached_centi: int | None = None, **budgets: Any) -> PathSelection | None:
        """The most points in year index `year` within `budgets`, proved; None when time ran out first."""
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        try:
            found = programme.solve(
                "max_points",
                **budgets,
                year=year,
                time_limit=left,
                tie_break=False,
                reached_centi=reached_centi,
            )
        except OptimiseTimeLimit:
            return None
        assert found is not None  # staying put always fits
        return found if found.proven else None

    out: list[PathBlocker] = []
    complete = True
    levers = problem.levers
    n = problem.n_years
    for i, need in enumerate(problem.need_centi):
        if need is None:
            continue
        # no budget: one network per item, which the solver's relaxation settles at once
        most = most_points(i, budgets=(None,) * n, agency_budgets=({},) * n)
        if most is None:
            complete = False
        elif most.gain_by_year[i] < need:
            out.append(
                PathBlocker(
                    kind="maximum", year=problem.years[i], points=from_centi(need - most.gain_by_year[i])
                )
            )
    for reason, (centi, codes) in levers.held_back().items():
        out.append(PathBlocker(kind=reason, points=from_centi(centi), codes=codes))
    final = best.gain_by_year[-1]

    # One solve per budget, each relaxed alone. The best path fits every relaxation, so each solve looks only
    # at paths beyond it (reached_centi); the solves share nothing, and HiGHS lets go of the interpreter, so
    # they run two at a time (the benchmark's nine cases: 9,2 s median before either change).
    relaxations: list[_Relaxation] = []
    for i in range(n):
        if problem.budgets[i] is not None:
            relaxed = list(problem.budgets)
            relaxed[i] = None
            relaxations.append(_Relaxation(i, None, tuple(relaxed), problem.agency_budgets))
        for name in problem.agency_budgets[i]:
            others = [dict(b) for b in problem.agency_budgets]
            others[i].pop(name)
            relaxations.append(_Relaxation(i, name, problem.budgets, tuple(others)))

    def held_by(relaxation: _Relaxation) -> int | None:
        """The final-year points (hundredths) that one relaxed budget would add to the best path (None: time
        ran out before it was proved)."""
        found = most_points(
            n - 1, final, budgets=relaxation.budgets, agency_budgets=relaxation.agency_budgets
        )
        return None if found is None else max(0, found.gain_by_year[-1] - final)

    with ThreadPoolExecutor(max_workers=SIDE_BY_SIDE) as pool:
        answers = list(pool.map(held_by, relaxations))
    for relaxation, gained in zip(relaxations, answers, strict=True):
        if gained is None:
            complete = False
            continue
        if not gained:
            continue
        i, agency = relaxation.year_index, relaxation.agency
        budget = problem.budgets[i] if agency is None else problem.agency_budgets[i][agency]
        out.append(
            PathBlocker(
                kind="budget" if agency is None else "agency_budget",
                year=problem.years[i],
                points=from_centi(gained),
                agency=agency or "",
                budget=budget,
                # what the best path spends of a year's total (an agency's share is not shown)
                used=round(best.effort_by_year[i], 6) if agency is None else None,
            )
        )
    return BlockerAnalysis(tuple(out), complete=complete)


def _changes(
    tracks: Sequence[Track], selection: PathSelection, years: Sequence[int]
) -> list[list[PathChange]]:
    by_year: list[list[PathChange]] = [[] for _ in years]
    for track, path in zip(tracks, selection.rungs, strict=True):
        before = 0
        for i, after in enumerate(path):
            ladder = track.ladders[i]
            lever = ladder.lever
            begin = track.start(i, before)
            if after != begin:
                start, end = ladder.rungs[begin], ladder.rungs[after]
                assert end.choice is not None
                fields = lever.change_fields(end.choice)
                if start.choice is not None:
                    fields.update(
                        from_level=start.level,
                        from_label_vi=start.choice.label_vi,
                        from_label_en=start.choice.label_en,
                        from_points=from_centi(start.choice.centi),
                    )
                fields["effort"] = move_cost(ladder, begin, after)
                by_year[i].append(
                    PathChange(
                        **fields,
                        area_code=lever.item.area.code,
                        criterion_code=lever.item.criterion.code,
                        lead_agency=lever.lead_agency,
                        is_survey=lever.item.is_survey,
                        year=years[i],
                    )
                )
            before = after
    return by_year


def result_of_path(
    levers: LeverSet,
    settings: PathSettings,
    problem: PathProblem,
    tracks: Sequence[Track],
    selection: PathSelection,
    status: PathStatus,
    scores: Sequence[float | None],
    reachable: Sequence[bool],
    competitions: Mapping[int, Competition] | None,
    *,
    blockers: tuple[PathBlocker, ...] = (),
    blockers_complete: bool = True,
    started: float | None = None,
    bands: bool = True,
    change: SchemeChange | None = None,
) -> PathResult:
    """The result model of a solved path, each year's score checked by the scorer (on the year's scheme)."""
    from planner.methodology.scenario import ItemSetting
    from planner.methodology.scoring import score_scenario

    changes = _changes(tracks, selection, problem.years) if tracks else [[] for _ in problem.years]
    baselines = baseline_centi_by_year(levers, change, problem.years)
    years_out: list[PathYear] = []
    p_values: list[float] = []
    n_provinces: int | None = None
    # A year without its own rank target shows the band of the last rank target (the timeline's reference).
    reference = next((x.rank for x in reversed(settings.targets) if x.rank is not None), None)
    for i, year in enumerate(problem.years):
        year_levers = levers_in(levers, change, year)
        levels = {
            track.ladders[i].lever.code: track.ladders[i].rungs[path[i]].level
            for track, path in zip(tracks, selection.rungs, strict=True)
            if path[i] > 0
        }
        planned = score_scenario(
            year_levers.methodology,
            year_levers.baseline.with_items({code: ItemSetting(level=lv) for code, lv in levels.items()}),
        )
        expected = baselines[i] + selection.gain_by_year[i]
        if planned.total_centi != expected:
            raise OptimiseError(
                "optimise.internal_mismatch", planned=planned.total, solved=from_centi(expected)
            )
        score = planned.total
        target = settings.target(year)
        competition = (competitions or {}).get(year)
        rank = p_reach = p_best = None
        band: tuple[float, float, float] | None = None
        if competition is not None:
            rank = competition.rank(score)
            n_provinces = competition.n
            if target is not None and target.rank is not None:
                p_reach = competition.p_rank_le(score, target.rank)
                if target.best_rank is not None:
                    p_best = competition.p_rank_le(score, target.best_rank)
                if p_reach is not None:
                    p_values.append(p_reach)
            wanted = target.rank if target is not None and target.rank is not None else reference
            if bands and wanted is not None and competition.drift is not None:
                samples = competition.sample_thresholds(wanted, BAND_SAMPLES, seed=year)
                q = np.quantile(samples, [0.1, 0.5, 0.9])
                band = (round(float(q[0]), 2), round(float(q[1]), 2), round(float(q[2]), 2))
        need = problem.need_centi[i]
        shortfall = 0 if need is None else max(0, need - selection.gain_by_year[i])
        moved = sum(c.effort for c in changes[i])
        start_score: float | None = None
        if change is not None and year == change.year:  # in the first year: today's score on the new scheme
            carried = sum(
                track.ladders[i].rungs[track.start(i, path[i - 1])].gain_centi
                for track, path in zip(tracks, selection.rungs, strict=True)
                if i > 0
            )
            start_score = from_centi(baselines[i] + carried)
        years_out.append(
            PathYear(
                year=year,
                methodology=year_levers.methodology.id,
                start_score=start_score,
                target=target,
                target_score=scores[i],
                target_reachable=reachable[i],
                score=score,
                rank=rank,
                n_provinces=competition.n if competition is not None else None,
                p_reach=p_reach,
                p_best=p_best,
                effort=selection.effort_by_year[i],
                upkeep=round(selection.effort_by_year[i] - moved, 9),
                budget=problem.budgets[i],
                met=shortfall == 0,
                shortfall=from_centi(shortfall),
                changes=tuple(changes[i]),
                needed_band=band,
            )
        )
    p_low = p_high = None
    if p_values:
        p_high = min(p_values)
        p_low = max(0.0, sum(p_values) - (len(p_values) - 1))
    first = (competitions or {}).get(problem.years[0])
    return PathResult(
        status=status,
        unit=levers.unit,
        baseline_score=levers.baseline_score,
        baseline_rank=first.rank(levers.baseline_score) if first is not None else None,
        n_provinces=n_provinces,
        base_field_year=first.field_year if first is not None else None,
        years=tuple(years_out),
        effort_total=round(selection.effort_total, 9),
        p_path_low=p_low,
        p_path_high=p_high,
        shortfall=from_centi(selection.shortfall_centi),
        blockers=blockers,
        blockers_complete=blockers_complete,
        solve_seconds=round(time.perf_counter() - started, 4) if started is not None else 0.0,
        best_proven=selection.proven or status != "infeasible",
        scheme_change=_change_note(change, levers.baseline_score),
    )


def _change_note(change: SchemeChange | None, baseline_before: float) -> SchemeChangeNote | None:
    if change is None:
        return None
    return SchemeChangeNote(
        year=change.year,
        from_methodology=change.match.a.id,
        to_methodology=change.match.b.id,
        carried_baseline=change.levers.baseline_score,
        pairs=len(change.match.pairs),
        not_carried=change.carried.not_carried,
        added=change.match.added,
        baseline_before=baseline_before,
    )


# ---------------------------------------------------------------------------------------------------------------
# The yearly plans and the frontier.
# ---------------------------------------------------------------------------------------------------------------


#: The fields a path's move shares with a plan row (its level change; the row adds the appendix columns).
_LEVEL_FIELDS = set(LevelChange.model_fields)


def year_plans(
    levers: LeverSet,
    result: PathResult,
    *,
    province: str | None = None,
    change: SchemeChange | None = None,
) -> tuple[Plan, ...]:
    """One Plan per year of the path (the moves of that year, from where the item stood the year before), for
    the plan workbook's sheet per year; the first year's baseline is today's score. A year of a new scheme
    (`change`) is a plan on that scheme, starting in the change year from the levels carried across."""
    plans: list[Plan] = []
    before = levers.baseline_score
    rank_before = result.baseline_rank
    for year in result.years:
        year_levers = levers_in(levers, change, year.year)
        if year.start_score is not None:
            before = year.start_score
        rows = [
            plan_row(year_levers.by_code[c.code], c.model_dump(include=_LEVEL_FIELDS)) for c in year.changes
        ]
        target = year.target
        plans.append(
            Plan(
                methodology=year_levers.methodology.id,
                province=province or levers.baseline.province,
                year=year.year,
                scenario_name=levers.baseline.name,
                target_vi=target.describe("vi") if target else "",
                target_en=target.describe("en") if target else "",
                target_rank=target.rank if target else None,
                target_score=year.target_score,
                baseline_total=before,
                planned_total=year.score,
                rank_before=rank_before,
                rank_after=year.rank,
                p_reach=year.p_reach,
                effort_unit=levers.unit,
                changes=tuple(rows),
            )
        )
        before = year.score
        rank_before = year.rank
    return tuple(plans)


class PathFrontierPoint(FrozenModel):
    """The least total effort of a path whose final year reaches rank ≤ `rank` (None: no path does)."""

    rank: int
    target_score: float | None
    effort_total: float | None
    p_reach: float | None = None
    within_budgets: bool


def path_frontier(
    levers: LeverSet,
    settings: PathSettings,
    competitions: Mapping[int, Competition],
    ranks: Iterable[int],
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    should_stop: Callable[[], bool] | None = None,
    change: SchemeChange | None = None,
) -> tuple[PathFrontierPoint, ...]:
    """Total effort against the final-year rank: for each rank, the least-effort path whose last year reaches it
    (the other years' targets kept). Budgets do not limit the frontier, so leaders see what more would buy; each
    point says whether it fits them. The horizon stops before a new scheme as optimise_path's does."""
    settings, _ = _cut_at_break(levers, settings, change)
    last = settings.years[-1]
    final_baseline = baseline_centi_by_year(levers, change, settings.years)[-1]
    final = competitions[last]
    free = settings.model_copy(update={"budgets": {}, "agency_budgets": {}})
    out: list[PathFrontierPoint] = []
    for k in sorted(set(ranks)):
        if should_stop is not None and should_stop():
            break
        others = tuple(x for x in free.targets if x.year != last)
        asked = free.model_copy(update={"targets": (*others, YearTarget(year=last, kind="rank", rank=k))})
        problem, scores, _ = problem_of(levers, asked, competitions, change)
        programme = compile_path(problem)
        found = programme.solve(
            "min_effort",
            budgets=problem.budgets,
            agency_budgets=problem.agency_budgets,
            time_limit=time_limit,
        )
        if found is None:
            out.append(
                PathFrontierPoint(rank=k, target_score=scores[-1], effort_total=None, within_budgets=False)
            )
            continue
        fits = _fits(found, settings)
        score = from_centi(final_baseline + found.gain_by_year[-1])
        out.append(
            PathFrontierPoint(
                rank=k,
                target_score=scores[-1],
                effort_total=round(found.effort_total, 6),
                p_reach=final.p_rank_le(score, k),
                within_budgets=fits,
            )
        )
    return tuple(out)


def _fits(selection: PathSelection, settings: PathSettings) -> bool:
    for i, year in enumerate(settings.years):
        budget = settings.budgets.get(year)
        if budget is not None and selection.effort_by_year[i] > budget + 1e-7:
            return False
    return True


def agency_years(result: PathResult) -> list[tuple[str, dict[int, tuple[int, float, float]]]]:
    """Per lead agency, per year: (items moved, points gained, effort), agencies in order of first appearance."""
    table: dict[str, dict[int, tuple[int, float, float]]] = {}
    for year in result.years:
        for change in year.changes:
            agency = agency_name(change.lead_agency) or ""
            row = table.setdefault(agency, {})
            n, points, effort = row.get(year.year, (0, 0.0, 0.0))
            row[year.year] = (n + 1, round(points + change.points_gain, 2), round(effort + change.effort, 6))
    return list(table.items())


__all__ = [
    "HorizonStop",
    "PathBlocker",
    "PathChange",
    "PathFrontierPoint",
    "PathResult",
    "PathSettings",
    "PathYear",
    "SchemeChangeNote",
    "YearTarget",
    "agency_years",
    "ladders_of",
    "optimise_path",
    "parse_years",
    "path_competitions",
    "path_frontier",
    "path_with_blockers",
    "problem_of",
    "settings_before",
    "year_plans",
]
