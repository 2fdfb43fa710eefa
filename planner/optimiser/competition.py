"""From a rank target to a score target: what the optimiser asks of the competitor field.

A rank is only a score in disguise: since more points never lower a province's chance of a better rank, "rank
≤ k" means "at least the least score that reaches rank ≤ k", and the optimiser then solves for that score. What
that least score is depends on how the rivals are assumed to move this year, which the user chooses:

- `fixed`: every rival keeps its last published score (the World Bank Doing Business simulator's assumption);
  the target is the k-th best rival's score, which a tie reaches (rank = 1 + the number of rivals strictly
  higher, as the ministry ranks).
- `mean` (the rivals projected): the least score whose *median* projected rank is k or better, i.e. P(rank ≤ k)
  ≥ 1/2 with the rivals as the drift model projects them. The rank reported under a projection is that median
  rank too, as planner.field.projection and the `rank` command report it. (Ranking a score against the rivals'
  projected means instead flatters a strong score: regression towards the mean draws those means together, so
  81.37 points were "8th" among Lào Cai's 2019 rivals' means while their chance of the top 20 was 81%.)
- `probability`: the least score whose chance of rank ≤ k reaches p, with the rivals uncertain as the drift model
  says and our own survey result uncertain too (see below).

Our own score is uncertain only through its survey items, which the province does not control: the optimiser
holds them at their expected value (the baseline scenario's) and, for probabilities, adds a normal error of
`own_sd` points. The default is 2% of the survey maximum (0.71 points under QĐ 2636): the province-specific part
of the year-on-year SIPAS change is about 2 percentage points in the 11 changes bundled in
reference/results/sipas.csv (sd 1.9); it is an assumption and is shown as one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import numpy.typing as npt

from planner.core.errors import OptimiseError
from planner.field.rank_maths import rank_quantile
from planner.methodology.index import DEFAULT_INDEX, get_index
from planner.methodology.model import Methodology
from planner.methodology.rules import from_centi, to_centi

if TYPE_CHECKING:
    from planner.field.model import Field

TargetMode = Literal["fixed", "mean", "probability"]
TARGET_MODES: tuple[TargetMode, ...] = ("fixed", "mean", "probability")
_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(9)
_GH_WEIGHTS = _GH_WEIGHTS / math.sqrt(2 * math.pi)
FloatArray = npt.NDArray[np.float64]


class RivalProjection(Protocol):
    """The part of planner.field.projection.Projection the optimiser uses (the field engineer's contract)."""

    @property
    def max_points(self) -> float:
        """The index's scale: no score above it is ranked."""
        ...

    def expected_scores(self, exclude: str | None = None) -> dict[str, float]: ...

    def p_rank_le(self, score: float, k: int, exclude: str | None = None) -> float: ...

    def score_for_rank(self, k: int, p: float, exclude: str | None = None) -> float: ...

    def rank_distribution(self, score: float, exclude: str | None = None) -> FloatArray: ...

    def sample_rival_scores(
        self, n_samples: int, exclude: str | None = None, seed: int = 0
    ) -> FloatArray: ...

    def rival_names(self, exclude: str | None = None) -> tuple[str, ...]: ...


def default_own_sd(methodology: Methodology) -> float:
    """The default uncertainty (sd, points) of our own survey result: the index's share of the survey maximum
    (2% for the PAR INDEX, 1% for PAPI; assumptions labelled in data/indices/indices.yaml)."""
    survey_centi = sum(i.max_centi for i in methodology.scored_items if i.is_survey)
    share = get_index(methodology.index).own_survey_sd_share
    return round(share * from_centi(survey_centi), 4)


@dataclass(frozen=True)
class Competition:
    """Our province against its rivals in one year, under one assumption about how the rivals move.

    `central` holds the rivals' scores the deterministic rank uses (their last scores in mode "fixed", their
    projected means otherwise); `drift` is the uncertain projection used for every probability. Without a drift
    projection (a custom field typed by hand) probabilities are None.
    """

    mode: TargetMode
    names: tuple[str, ...]
    central: tuple[float, ...]
    drift: RivalProjection | None = None
    confidence: float = 0.8
    own_sd: float = 0.0
    #: True when `drift`'s shared drift already carries our own survey error (see `competition_for`).
    own_sd_in_drift: bool = False
    province: str | None = None
    year: int | None = None
    field_year: int | None = None
    n_provinces: int | None = None
    notes: tuple[str, ...] = field(default=())
    _cdf_cache: dict[int, FloatArray] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _central_centi(self) -> npt.NDArray[np.int64]:
        return np.sort(np.array([to_centi(s) for s in self.central], dtype=np.int64))[::-1]

    @property
    def n(self) -> int:
        """Provinces ranked, ourselves included."""
        return len(self.names) + 1

    def rank(self, score: float) -> int:
        """Our rank with `score`: against the rivals' last scores in mode "fixed" (1 + the rivals strictly
        higher), else the median of the projected rank distribution (the least k with P(rank ≤ k) ≥ 1/2)."""
        cumulative = self.cdf(score) if self.mode != "fixed" else None
        if cumulative is None:
            return self.central_rank(score)
        return rank_quantile(cumulative, 0.5)

    def central_rank(self, score: float) -> int:
        """1 + the rivals whose central score (last or projected mean) is strictly higher than `score`."""
        centi = to_centi(score)
        return 1 + int(np.count_nonzero(self._central_centi > centi))

    def central_score_for_rank(self, k: int) -> float:
        """The least score that ties or beats the k-th best central rival (0 when there are fewer than k)."""
        if k < 1:
            raise ValueError("k must be at least 1")
        if k > len(self._central_centi):
            return 0.0
        return from_centi(int(self._central_centi[k - 1]))

    def cdf(self, score: float) -> FloatArray | None:
        """c[k-1] = P(rank ≤ k), k = 1..n, with `score` as our expected score, the rivals uncertain as the drift
        projection says and our survey result uncertain by `own_sd`. Cached per score (to the hundredth): the
        frontier and the ladder ask about the same scores many times, and one distribution answers every k."""
        if self.drift is None:
            return None
        centi = to_centi(score)
        hit = self._cdf_cache.get(centi)
        if hit is not None:
            return hit
        if self.own_sd <= 0 or self.own_sd_in_drift:
            dist = self._distribution(from_centi(centi))
        else:
            dist = np.zeros(self.n)
            for node, weight in zip(_GH_NODES, _GH_WEIGHTS, strict=True):
                dist += weight * self._distribution(from_centi(centi) + self.own_sd * float(node))
        cumulative = np.minimum(np.cumsum(dist), 1.0)
        if len(self._cdf_cache) > 20_000:
            self._cdf_cache.clear()
        self._cdf_cache[centi] = cumulative
        return cumulative

    def _distribution(self, score: float) -> FloatArray:
        assert self.drift is not None
        clipped = min(max(score, 0.0), self.max_points)
        dist = np.asarray(self.drift.rank_distribution(clipped, exclude=self.province), dtype=np.float64)
        if dist.size < self.n:  # pad: ranks no rival configuration reaches
            dist = np.concatenate([dist, np.zeros(self.n - dist.size)])
        return dist[: self.n]

    def p_rank_le(self, score: float, k: int) -> float | None:
        """P(rank ≤ k) with `score` as our expected score (None without a drift projection)."""
        if self.drift is None:
            return None
        if k >= self.n:
            return 1.0
        if k < 1:
            return 0.0
        cumulative = self.cdf(score)
        assert cumulative is not None
        return float(cumulative[k - 1])

    @property
    def max_points(self) -> float:
        """The index's scale (100 for the PAR INDEX, 80 for PAPI), from the projection."""
        return self.drift.max_points if self.drift is not None else 100.0

    def probability_score_for_rank(self, k: int, p: float, *, max_score: float | None = None) -> float | None:
        """The least score (to 0.01) with P(rank ≤ k) ≥ p, or None when not even `max_score` (default: the
        index's maximum) reaches it.

        A bisection on whole hundredths, started from the k-th best projected score (where the chance is near
        one half) and bracketed outwards; every distribution it computes is cached, so the targets of many ranks
        cost little more than one.
        """
        if self.drift is None:
            raise ValueError("no drift projection")
        if k >= self.n:
            return 0.0
        wanted = p - 1e-12
        top = to_centi(self.max_points if max_score is None else max_score)

        def reaches(centi: int) -> bool:
            return (self.p_rank_le(from_centi(centi), k) or 0.0) >= wanted

        if not reaches(top):
            return None
        guess = min(top, max(0, to_centi(self.central_score_for_rank(k))))
        step = 50
        if reaches(guess):
            hi, lo = guess, guess - step
            while lo >= 0 and reaches(lo):
                hi, step = lo, step * 2
                lo = hi - step
            lo = max(lo, -1)
        else:
            lo, hi = guess, guess + step
            while hi < top and not reaches(hi):
                lo, step = hi, step * 2
                hi = lo + step
            hi = min(hi, top)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if reaches(mid):
                hi = mid
            else:
                lo = mid
        return from_centi(hi)

    def target_score(self, k: int, *, max_score: float | None = None) -> float | None:
        """The least score that reaches rank ≤ k under this competition's mode (None: beyond `max_score`)."""
        if k < 1:
            raise ValueError("k must be at least 1")
        if self.mode == "probability":
            return self.probability_score_for_rank(k, self.confidence, max_score=max_score)
        if self.mode == "mean" and self.drift is not None:
            return self.probability_score_for_rank(k, 0.5, max_score=max_score)
        score = self.central_score_for_rank(k)
        top = self.max_points if max_score is None else max_score
        return score if score <= top + 1e-9 else None

    def overtaken(self, before: float, after: float) -> tuple[str, ...]:
        """The rivals a rise from `before` to `after` passes or ties (central scores in (before, after])."""
        lo, hi = to_centi(before), to_centi(after)
        pairs = sorted(zip(self.central, self.names, strict=True), reverse=True)
        return tuple(name for score, name in pairs if lo < to_centi(score) <= hi)

    def rival_above(self, score: float) -> tuple[str, float] | None:
        """The nearest rival strictly above `score` (the next one to overtake) and its central score."""
        centi = to_centi(score)
        best: tuple[str, float] | None = None
        for name, s in zip(self.names, self.central, strict=True):
            if to_centi(s) > centi and (best is None or to_centi(s) < to_centi(best[1])):
                best = (name, s)
        return best

    def sample_thresholds(self, k: int, n_samples: int, *, seed: int = 0) -> FloatArray:
        """For each sampled field, the least score that reaches rank ≤ k in it, our survey error included.

        In sample j we reach rank ≤ k when our score + e_j ties or beats the k-th best sampled rival, i.e. when
        our expected score is at least t_j = (k-th best rival) - e_j.
        """
        if self.drift is None:
            raise ValueError("no drift projection")
        samples = np.asarray(self.drift.sample_rival_scores(n_samples, exclude=self.province, seed=seed))
        if k > samples.shape[1]:
            return np.full(n_samples, -math.inf)
        kth = -np.partition(-samples, k - 1, axis=1)[:, k - 1]
        if self.own_sd > 0 and not self.own_sd_in_drift:
            rng = np.random.default_rng(seed + 7919)
            kth = kth - rng.normal(0.0, self.own_sd, size=n_samples)
        return np.asarray(kth, dtype=np.float64)


ProgressCallback = Callable[[float], None]
StopCheck = Callable[[], bool]


def competition_for(
    year: int,
    province: str | None,
    *,
    mode: TargetMode = "mean",
    confidence: float = 0.8,
    provinces: Literal[63, 34] = 63,
    own_sd: float = 0.0,
    overrides: Mapping[str, float] | None = None,
    loaded: Iterable[Field] = (),
    base_year: int | None = None,
    index: str = DEFAULT_INDEX,
) -> Competition:
    """The competition a plan for `year` faces: the projection of `year` from the latest field year before it
    (planner.field.projection), our province taken out of the rivals. `loaded` are results tables the user loaded in
    the app's session, which take the bundled field's place for their year (planner.field.field_for_year).

    Our own survey error is folded into the projection's shared drift when every rival follows the drift: in
    field j we reach rank ≤ k when s + e ≥ (k-th best rival, shifted by the drift D), i.e. when s ≥ the k-th best
    shifted by D - e, and D - e is normal with sd √(sd_D² + sd_e²). That is exact and costs nothing; with
    rivals outside the drift (overrides) the error is integrated numerically instead.
    """
    from planner.field.projection import planning_projection
    from planner.field.provinces import match_province

    if province is None:
        raise OptimiseError("optimise.province_needed")
    if not 0 < confidence < 1:
        raise OptimiseError("optimise.bad_confidence", p=confidence)
    name = match_province(province, era=provinces)
    drift = planning_projection(
        year, provinces, mode="drift", overrides=overrides, loaded=loaded, base_year=base_year, index=index
    )
    in_drift = False
    if own_sd > 0 and drift.drift_sd > 0 and all(r.follows_drift for r in drift.rivals if r.province != name):
        drift = drift.model_copy(update={"drift_sd": math.hypot(drift.drift_sd, own_sd)})
        in_drift = True
    if mode == "fixed":
        central = planning_projection(
            year,
            provinces,
            mode="fixed",
            overrides=overrides,
            loaded=loaded,
            base_year=base_year,
            index=index,
        ).expected_scores(exclude=name)
    else:
        central = drift.expected_scores(exclude=name)
    return Competition(
        mode=mode,
        names=tuple(central),
        central=tuple(central.values()),
        drift=drift,
        confidence=confidence,
        own_sd=own_sd,
        own_sd_in_drift=in_drift,
        province=name,
        year=year,
        field_year=drift.base_year,
        n_provinces=provinces,
    )
