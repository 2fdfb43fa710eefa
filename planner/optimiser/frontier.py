"""The frontier: the least effort for every rank from the current one to the best achievable, and the least
effort for each chance of reaching a chosen rank.

Leaders ask "what does each extra place cost?", and the answer is rarely linear: a cluster of rivals a few
hundredths apart is cheap to pass, a gap of two points to the next group is not. Each point of the frontier is
an exact least-effort plan for one target: the rank and the probability sweeps both read from one
dynamic-programming pass over the points gained (planner.optimiser.effort_curve, the same optimum as the MILP's, agency
budgets included, in milliseconds), so `time_limit` bounds nothing here and is kept for callers. A plan that
already reaches the next target is reused. Agency budgets and locks hold; the total budget does not limit the
frontier (so leaders see what more budget would buy) but each point says whether it fits.

The sweeps check `should_stop` between points and report progress in [0, 1], so the app can show a progress bar
and a Stop button; a stopped frontier is returned with what it has and `complete=False`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from planner.core.model import FrozenModel
from planner.methodology.rules import from_centi, to_centi
from planner.optimiser.competition import Competition, ProgressCallback, StopCheck, TargetMode
from planner.optimiser.effort import EffortUnit
from planner.optimiser.effort_curve import BudgetedCurve, EffortCurve, budgeted_effort_curve, effort_curve
from planner.optimiser.levers import LeverSet
from planner.optimiser.solver import (
    DEFAULT_TIME_LIMIT,
    ChosenChange,
    OptimiseResult,
    compile_model,
    result_of,
)

#: The chances the probability frontier is drawn at.
DEFAULT_PROBABILITIES: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


class _PointSolver:
    """The least-effort plan for each target score of a sweep, read from one dynamic-programming pass over the
    gains (planner.optimiser.effort_curve: the same optimum as the MILP's, agency budgets included)."""

    def __init__(self, levers: LeverSet) -> None:
        self.levers = levers
        model = compile_model(levers)
        leads = {lever.budget_key for lever in model.groups}
        budgets = {key: b for key, b in levers.budgets_by_key.items() if key in leads}
        self.curve: EffortCurve | BudgetedCurve = (
            budgeted_effort_curve(model, budgets) if budgets else effort_curve(model)
        )

    def best_score(self) -> float:
        return from_centi(self.levers.baseline_centi + self.curve.max_gain_centi)

    def __call__(self, target: float) -> OptimiseResult | None:
        started = time.perf_counter()
        selection = self.curve.selection_for(to_centi(target) - self.levers.baseline_centi)
        if selection is None:
            return None
        return result_of(self.levers, selection, "optimal", "min_effort", started, target_score=target)


Key = TypeVar("Key", int, float)


def _sweep(
    point_solver: _PointSolver,
    keys: Sequence[Key],
    target_of: Callable[[Key], float | None],
    should_stop: StopCheck | None,
    progress: ProgressCallback | None,
) -> tuple[list[tuple[Key, float, OptimiseResult]], bool]:
    """For each key in turn (a rank, a chance), its target score and the least-effort plan reaching it; a plan
    that already reaches the next target is reused. Ends at the first key no plan reaches; returns the points
    and whether the sweep ran to the end (False when `should_stop` said so)."""
    points: list[tuple[Key, float, OptimiseResult]] = []
    last: OptimiseResult | None = None
    for done, key in enumerate(keys):
        if should_stop is not None and should_stop():
            return points, False
        target = target_of(key)
        if target is None:
            break
        if last is not None and to_centi(last.score) >= to_centi(target):
            result = last  # the cheaper plan already reaches this target too
        else:
            solved = point_solver(target)
            if solved is None:
                break
            result = last = solved
        points.append((key, target, result))
        if progress is not None:
            progress((done + 1) / len(keys))
    return points, True


def _within(budget: float | None, effort: float) -> bool:
    return budget is None or effort <= budget + 1e-9


class RankPoint(FrozenModel):
    """The cheapest plan to rank ≤ `rank`."""

    rank: int
    target_score: float
    score: float
    achieved_rank: int
    effort: float
    p_reach: float | None = None
    within_budget: bool = True
    changes: tuple[ChosenChange, ...] = ()


class ProbabilityPoint(FrozenModel):
    """The cheapest plan whose chance of rank ≤ k reaches `probability`."""

    probability: float
    target_score: float
    score: float
    effort: float
    p_reach: float | None = None
    within_budget: bool = True
    changes: tuple[ChosenChange, ...] = ()


class Frontier(FrozenModel):
    """Effort against rank, and against P(rank ≤ k) for the chosen k."""

    unit: EffortUnit
    mode: TargetMode
    baseline_score: float
    baseline_rank: int
    best_score: float
    best_rank: int
    n_provinces: int
    budget: float | None = None
    target_rank: int | None = None
    ranks: tuple[RankPoint, ...] = ()
    probabilities: tuple[ProbabilityPoint, ...] = ()
    #: The highest chance of rank ≤ k that any plan reaches (None without a drift projection).
    best_p_reach: float | None = None
    complete: bool = True

    def to_json(self) -> dict[str, object]:
        return self.model_dump(mode="json")


def rank_frontier_points(
    levers: LeverSet,
    competition: Competition,
    *,
    budget: float | None = None,
    should_stop: StopCheck | None = None,
    progress: ProgressCallback | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> tuple[tuple[RankPoint, ...], float, bool]:
    """The rank points (current rank first), the best reachable score, and whether the loop ran to the end."""
    return _rank_points(_PointSolver(levers), competition, budget, should_stop, progress)


def _rank_points(
    point_solver: _PointSolver,
    competition: Competition,
    budget: float | None,
    should_stop: StopCheck | None,
    progress: ProgressCallback | None,
) -> tuple[tuple[RankPoint, ...], float, bool]:
    max_score = point_solver.best_score()
    start = competition.rank(point_solver.levers.baseline_score)
    swept, complete = _sweep(
        point_solver,
        range(start, 0, -1),
        lambda k: competition.target_score(k, max_score=max_score),
        should_stop,
        progress,
    )
    points = tuple(
        RankPoint(
            rank=k,
            target_score=target,
            score=result.score,
            achieved_rank=competition.rank(result.score),
            effort=result.effort,
            p_reach=competition.p_rank_le(result.score, k),
            within_budget=_within(budget, result.effort),
            changes=result.changes,
        )
        for k, target, result in swept
    )
    return points, max_score, complete


def probability_frontier_points(
    levers: LeverSet,
    competition: Competition,
    k: int,
    *,
    probabilities: tuple[float, ...] = DEFAULT_PROBABILITIES,
    budget: float | None = None,
    should_stop: StopCheck | None = None,
    progress: ProgressCallback | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> tuple[tuple[ProbabilityPoint, ...], bool]:
    """For each chance p, the least effort to P(rank ≤ k) ≥ p (stopping at the first p no plan reaches)."""
    if competition.drift is None:
        return (), True
    return _probability_points(
        _PointSolver(levers), competition, k, probabilities, budget, should_stop, progress
    )


def _probability_points(
    point_solver: _PointSolver,
    competition: Competition,
    k: int,
    probabilities: tuple[float, ...],
    budget: float | None,
    should_stop: StopCheck | None,
    progress: ProgressCallback | None,
) -> tuple[tuple[ProbabilityPoint, ...], bool]:
    max_score = point_solver.best_score()
    swept, complete = _sweep(
        point_solver,
        sorted(probabilities),
        lambda p: competition.probability_score_for_rank(k, p, max_score=max_score),
        should_stop,
        progress,
    )
    points = tuple(
        ProbabilityPoint(
            probability=p,
            target_score=target,
            score=result.score,
            effort=result.effort,
            p_reach=competition.p_rank_le(result.score, k),
            within_budget=_within(budget, result.effort),
            changes=result.changes,
        )
        for p, target, result in swept
    )
    return points, complete


def frontier(
    levers: LeverSet,
    competition: Competition,
    *,
    target_rank: int | None = None,
    budget: float | None = None,
    probabilities: tuple[float, ...] = DEFAULT_PROBABILITIES,
    should_stop: StopCheck | None = None,
    progress: ProgressCallback | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Frontier:
    """The whole frontier: every rank from the current one to the best reachable, and (with `target_rank` and a
    drift projection) the least effort for each chance of rank ≤ target_rank."""
    has_probabilities = target_rank is not None and competition.drift is not None
    share = 0.7 if has_probabilities else 1.0

    def rank_progress(x: float) -> None:
        if progress is not None:
            progress(share * x)

    def p_progress(x: float) -> None:
        if progress is not None:
            progress(share + (1 - share) * x)

    point_solver = _PointSolver(levers)  # one pass over the gains serves both sweeps
    ranks, best_score, complete = _rank_points(point_solver, competition, budget, should_stop, rank_progress)
    probability_points: tuple[ProbabilityPoint, ...] = ()
    if complete and has_probabilities and target_rank is not None:
        probability_points, complete = _probability_points(
            point_solver, competition, target_rank, probabilities, budget, should_stop, p_progress
        )
    best_p = competition.p_rank_le(best_score, target_rank) if target_rank is not None else None
    return Frontier(
        unit=levers.unit,
        mode=competition.mode,
        baseline_score=levers.baseline_score,
        baseline_rank=competition.rank(levers.baseline_score),
        best_score=best_score,
        best_rank=competition.rank(best_score),
        n_provinces=competition.n,
        budget=budget,
        target_rank=target_rank,
        ranks=ranks,
        probabilities=probability_points,
        best_p_reach=best_p,
        complete=complete,
    )
