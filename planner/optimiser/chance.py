"""The chance-constrained option: the plan within a budget that maximises P(rank ≤ k), over sampled rival fields.

Sample-average approximation (SAA): draw N rival fields from the drift projection (rivals correlated through the
national drift, our own survey result uncertain too), and choose the plan that reaches rank ≤ k in the most of
them, within the effort budget; among such plans, the least effort. The literal SAA programme has one binary per
sample, y_j ≤ [our score reaches rank ≤ k in field j]. Our plan enters every sample only through one number, its
points gained G, and y_j = 1 exactly when G ≥ need_j (the points field j demands), so the programme reduces
exactly to: the most points G* within the budget (one exact solve), the largest need_j not above G* (the samples
won are those with need_j ≤ G*), and the least effort to gain that much (a second exact solve). tests/
optimiser/test_chance.py checks this against the literal SAA programme solved with milp.

The in-sample share of fields won is optimistic (the plan was chosen on those fields), so the result also
reports the share on a fresh, independent set of fields, with its standard error, and always says how many
fields each was computed on.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from planner.core.errors import OptimiseError
from planner.core.model import FrozenModel
from planner.methodology.rules import from_centi, to_centi
from planner.optimiser.competition import Competition, ProgressCallback, StopCheck
from planner.optimiser.levers import LeverSet
from planner.optimiser.solver import (
    DEFAULT_TIME_LIMIT,
    OptimiseResult,
    compile_model,
    optimise_for_score,
    solve,
)

MIN_SAMPLES = 10
MAX_SAMPLES = 100_000
DEFAULT_SAMPLES = 500
DEFAULT_VALIDATION_SAMPLES = 5_000


class ChanceResult(FrozenModel):
    """The plan that maximises the sampled chance of rank ≤ k within a budget."""

    target_rank: int
    budget: float
    n_samples: int
    seed: int
    #: Share of the N sampled fields in which the plan reaches rank ≤ k (what was maximised).
    p_in_sample: float
    n_validation: int
    #: Share of a fresh, independent set of fields in which it does, and that share's standard error.
    p_validation: float
    p_validation_se: float
    #: The exact P(rank ≤ k) of the plan's expected score (independent rivals; None without a projection).
    p_exact: float | None = None
    #: The points the plan must gain to win its share of the samples.
    needed_score: float
    plan: OptimiseResult

    def to_json(self) -> dict[str, object]:
        data = self.plan.to_json()
        data.update(
            {
                "p_reach": round(self.p_validation, 4),
                "p_in_sample": round(self.p_in_sample, 4),
                "p_validation": round(self.p_validation, 4),
                "p_validation_se": round(self.p_validation_se, 4),
                "p_exact": None if self.p_exact is None else round(self.p_exact, 4),
                "n_samples": self.n_samples,
                "n_validation": self.n_validation,
                "seed": self.seed,
                "needed_score": self.needed_score,
            }
        )
        return data


def sample_needs(
    levers: LeverSet, competition: Competition, k: int, n_samples: int, seed: int
) -> npt.NDArray[np.int64]:
    """For each sampled field, the points (hundredths) our plan must gain to reach rank ≤ k in it (≤ 0: none)."""
    thresholds = competition.sample_thresholds(k, n_samples, seed=seed)
    # Reaching means our expected score, in whole hundredths, is at least the sampled threshold.
    needed = np.ceil(np.round(thresholds * 100, 6)).astype(np.int64)
    return needed - levers.baseline_centi


def maximise_probability(
    levers: LeverSet,
    competition: Competition,
    k: int,
    budget: float,
    *,
    n_samples: int = DEFAULT_SAMPLES,
    n_validation: int = DEFAULT_VALIDATION_SAMPLES,
    seed: int = 0,
    should_stop: StopCheck | None = None,
    progress: ProgressCallback | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> ChanceResult:
    """The least-effort plan among those, within `budget`, that reach rank ≤ k in the most sampled fields.

    Raises OptimiseError("optimise.cancelled") when `should_stop` says so between steps.
    """
    if not MIN_SAMPLES <= n_samples <= MAX_SAMPLES:
        raise OptimiseError("optimise.bad_samples", n=n_samples, low=MIN_SAMPLES, high=MAX_SAMPLES)
    if budget < 0 or not math.isfinite(budget):
        raise OptimiseError("optimise.bad_budget", budget=budget)
    if competition.drift is None:
        raise OptimiseError("optimise.no_projection")

    def step(done: float) -> None:
        if should_stop is not None and should_stop():
            raise OptimiseError("optimise.cancelled")
        if progress is not None:
            progress(done)

    step(0.0)
    needs = sample_needs(levers, competition, k, n_samples, seed)
    step(0.3)
    model = compile_model(levers)
    most = solve(model, budget=budget, objective="max_points", time_limit=time_limit)
    assert most is not None
    step(0.5)
    won = needs <= most.gain_centi
    needed = int(needs[won].max()) if won.any() else 0
    needed = max(0, needed)
    plan = optimise_for_score(
        levers,
        from_centi(levers.baseline_centi + needed),
        budget=budget,
        competition=competition,
        target_rank=k,
        model=model,
        time_limit=time_limit,
    )
    step(0.8)
    gained = to_centi(plan.score) - levers.baseline_centi
    p_in = float(np.mean(needs <= gained))
    fresh = sample_needs(levers, competition, k, n_validation, seed + 1_000_003)
    p_val = float(np.mean(fresh <= gained))
    step(1.0)
    return ChanceResult(
        target_rank=k,
        budget=budget,
        n_samples=n_samples,
        seed=seed,
        p_in_sample=p_in,
        n_validation=n_validation,
        p_validation=p_val,
        p_validation_se=math.sqrt(max(p_val * (1 - p_val), 0.0) / n_validation),
        p_exact=competition.p_rank_le(plan.score, k),
        needed_score=from_centi(levers.baseline_centi + needed),
        plan=plan,
    )
