"""Next year's field: how the other provinces are likely to move, and what that means for our rank.

Every year most provinces rise (2024: mean +1.39, 53 up, 9 down), so holding the others at last year's scores,
as the World Bank's Doing Business simulator did, flatters any plan. The drift model learns from the history:

- the national mean moves by a shared drift D (one draw for everybody, which is what correlates the rivals):
  by default by the mean yearly change ("constant" model), or closing a fixed share κ of its gap to 100 each
  year ("gap" model). D is the prediction error of the next yearly change of the mean, learned from only a
  handful of past changes, so it is Student-t with n - 1 degrees of freedom and scale s·√(1 + 1/n) (the
  textbook predictive distribution of a new draw when mean and spread are both estimated from n draws);
- a province's deviation from the mean, in units of the year's spread (z), persists with factor ρ and is
  otherwise renewed: z_{t+1} = ρ·z_eff + ε. ρ and ε's scale are fitted on pairs of years where both scores are
  published (reconstructed scores are interpolated, so their year-on-year changes look smaller than they
  are); ε is Student-t when the likelihood says the renewals have heavy tails (they do: a province last one
  year is back in mid-field the next), normal otherwise. z_eff can blend earlier published z's (weight γ);
  the field's spread changes by a factor g per year;
- a reconstructed base score adds its own band to the rival's own score (`RivalProjection.sd`, the intervals
  shown for each rival), but only its profile band to counts of rivals: most of a reconstructed province's
  doubt is about *which* place of the field it holds, and a count of the provinces above a score does not
  depend on who holds which place (planner.field.FieldEntry.profile_low).

So rival i's score in year t+h is M_{t+h} + D + σ_{t+h}·Z_i with the Z_i independent given D. Our rank for a
score x is 1 + #{i: S_i > x}. Given D = d the count is Poisson-binomial; `rank_distribution` integrates it
over D with a trapezoid rule fine enough for the narrowest rival (exact for the correlated model up to that
quadrature, which the tests check against Monte Carlo). Mode "fixed" holds every rival at its base score for
comparison. `overrides` set a rival's change in points ("Quảng Ninh +2"): that rival is then placed at
base + change, outside the drift. docs/field-model.md has the back-test that calibrates all of this.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache, cached_property, lru_cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, stdtrit

from planner.core.errors import FieldError
from planner.core.memo import memoised
from planner.core.model import FrozenModel
from planner.field.bundled import field_for_year, latest_field_year
from planner.field.model import Field, FieldEntry, FieldKind, FieldNote, params
from planner.field.provinces import Era, match_province, provinces_34
from planner.field.rank_maths import (
    interval_from_distribution,
    mean_rank,
    median_rank,
    poisson_binomial,
    rank_distribution_from_counts,
    student_t_cdf,
)
from planner.field.reconstruction import reconstruct_field
from planner.field.results import ResultsData, bundled_results

FloatArray = NDArray[np.float64]
Mode = Literal["drift", "fixed"]
MeanModel = Literal["gap", "constant"]
PairBasis = Literal["published", "ranked", "default"]
#: z of the 10th/90th percentile: a band (low, high) is read as mean ± 1.2816·sd.
Z80 = 1.2815515655446004
#: Used when the history holds too few pairs to estimate a parameter (documented in docs/field-model.md).
DEFAULT_PERSISTENCE = 0.8
DEFAULT_NOISE_SD = 0.6
DEFAULT_DRIFT_SD = 1.5
HISTORY_WEIGHTS = (0.0, 0.25, 0.5)
#: Persistence and renewal are fitted on published-to-published pairs when there are at least this many (the
#: bundled history has 29); with fewer (early back-test folds) rank-anchored reconstructed scores join in.
MIN_PUBLISHED_PAIRS = 12
#: Student-t renewals are tried with these degrees of freedom (whole numbers: the exact rank distribution uses
#: the closed-form distribution function, planner.field.rank_maths.student_t_cdf; 3 is the least with a variance).
NOISE_DF_CHOICES = tuple(range(3, 31))
#: The t replaces the normal only when the likelihood-ratio statistic exceeds this: the 5% level of the
#: boundary test (the normal is the t's limit, so the statistic is half χ²₀, half χ²₁ under the normal).
T_RENEWAL_LR = 2.71
#: The drift's predictive t has n - 1 degrees of freedom for n past changes, but at least this many (2 would
#: have no variance; this only matters for back-test folds with three changes or fewer).
DRIFT_DF_FLOOR = 3
#: The exact rank distribution integrates a t drift over its central 1 - DRIFT_TAIL (the tails' mass sits on
#: the end nodes), with nodes a third of the narrowest scale apart; see Projection._drift_nodes.
DRIFT_TAIL = 3e-5
DRIFT_STEP = 1 / 3
MAX_DRIFT_NODES = 241


class DriftModel(FrozenModel):
    """How the field moves from one year to the next, learned from the published history."""

    mean_model: MeanModel = "constant"
    #: Mean yearly change of the national mean (points), for the "constant" model.
    mean_change: float
    #: Share of the gap to 100 the national mean closes per year, for the "gap" model.
    gap_rate: float
    #: Scale of the shared yearly drift around the mean model (points per year): for a t drift the predictive
    #: scale s·√(1 + 1/n), s the spread of the n past changes around the model; for a normal drift its sd.
    drift_sd: float
    #: Degrees of freedom of the drift's Student-t (None: normal).
    drift_df: int | None = None
    #: Persistence ρ of a province's standardised deviation from one year to the next.
    persistence: float
    #: Scale σ_ε of the yearly renewal of a province's standardised deviation (its sd when normal; a t's sd is
    #: σ_ε·√(ν/(ν-2))).
    noise_sd: float
    #: Degrees of freedom ν of the renewal's Student-t (None: normal).
    noise_df: int | None = None
    #: Yearly factor g on the field's spread.
    spread_ratio: float
    #: Weight γ per year back of a province's earlier published deviations in z_eff.
    history_weight: float
    fitted_until: int
    #: The index's maximum, which the "gap" model closes on (100 for the PAR INDEX, 80 for PAPI).
    ceiling: float = 100.0
    #: True when the yearly means were not published but estimated from (score, rank) pairs (PAPI).
    means_estimated: bool = False
    n_pairs: int = 0
    n_mean_changes: int = 0
    #: Which pairs of years persistence and renewal were fitted on: both scores published, published or
    #: rank-anchored (too few published pairs), or none (defaults).
    pair_basis: PairBasis = "published"
    #: Likelihood-ratio statistic of the t renewal against the normal on those pairs (0: not tried).
    noise_lr: float = 0.0
    #: Published (or rank-anchored) standardised deviations: (province, ((year, z), ...)).
    province_history: tuple[tuple[str, tuple[tuple[int, float], ...]], ...] = ()

    def expected_mean(self, base_mean: float, years: int) -> float:
        if self.mean_model == "constant":
            return base_mean + years * self.mean_change
        return self.ceiling - (self.ceiling - base_mean) * (1.0 - self.gap_rate) ** years

    def history(self, province: str) -> tuple[tuple[int, float], ...]:
        for name, values in self.province_history:
            if name == province:
                return values
        return ()

    @property
    def noise_variance_factor(self) -> float:
        """Variance of the unit renewal: ν/(ν-2) for a t, 1 for a normal."""
        return _variance_factor(self.noise_df)


def _variance_factor(df: int | None) -> float:
    return 1.0 if df is None else df / (df - 2.0)


class _YearStats(FrozenModel):
    year: int
    mean: float
    spread: float
    #: Published or rank-anchored deviations (the province history).
    observed: tuple[tuple[str, float], ...]
    #: The provinces of `observed` whose score itself is published.
    published: frozenset[str]


def _year_stats(data: ResultsData, year: int) -> _YearStats | None:
    """A year's mean, spread and published deviations. The mean is the published one; an index that
    publishes none (PAPI: `data.summaries` empty) uses its reconstructed field's mean, itself estimated from the
    (score, rank) pairs, and the model says so (`means_estimated`)."""
    summary = data.summary(year)
    if (summary is None or summary.mean is None) and data.summaries:
        return None
    field = reconstruct_field(data, year)
    scores = field.scores()
    mean = summary.mean if summary is not None and summary.mean is not None else float(np.mean(scores))
    spread = float(np.std(scores))
    observed = tuple(
        (e.province, (e.score - mean) / spread)
        for e in field.entries
        if e.provenance in ("sourced", "official") or e.published_rank is not None
    )
    published = frozenset(e.province for e in field.entries if e.provenance in ("sourced", "official"))
    return _YearStats(year=year, mean=mean, spread=spread, observed=observed, published=published)


def fit_drift_model(
    data: ResultsData | None = None, *, until: int | None = None, mean_model: MeanModel = "constant"
) -> DriftModel:
    """The drift model learned from the history up to `until` (default: everything bundled)."""
    data = data if data is not None else bundled_results()
    until = until if until is not None else max(data.years())
    return _fit(data.until(until), until, mean_model)


@memoised(maxsize=32)
def _fit(data: ResultsData, until: int, mean_model: MeanModel) -> DriftModel:
    stats = [s for y in data.years() if (s := _year_stats(data, y)) is not None]
    stats.sort(key=lambda s: s.year)
    # The national mean.
    changes: list[tuple[float, float, int]] = []  # (per-year change, gap-closing rate, years between)
    for a, b in itertools.pairwise(stats):
        gap = b.year - a.year
        rate = 1.0 - ((data.max_points - b.mean) / (data.max_points - a.mean)) ** (1.0 / gap)
        changes.append(((b.mean - a.mean) / gap, rate, gap))
    if changes:
        weights = np.array([g for _, _, g in changes], dtype=np.float64)
        mean_change = float(np.average([c for c, _, _ in changes], weights=weights))
        gap_rate = float(np.average([r for _, r, _ in changes], weights=weights))
    else:
        mean_change, gap_rate = 1.5, 0.12
    residuals = []
    for (change, _, gap), a in zip(changes, stats, strict=False):
        predicted = (
            mean_change
            if mean_model == "constant"
            else (data.max_points - a.mean) * (1 - (1 - gap_rate) ** gap) / gap
        )
        residuals.append(change - predicted)
    n_changes = len(residuals)
    if n_changes >= 3:
        # The next change's prediction error: t with n - 1 df, scale s·√(1 + 1/n) (mean and spread estimated).
        drift_sd = float(np.std(residuals, ddof=1)) * math.sqrt(1.0 + 1.0 / n_changes)
        drift_df = max(n_changes - 1, DRIFT_DF_FLOOR)
    else:
        drift_sd, drift_df = DEFAULT_DRIFT_SD, DRIFT_DF_FLOOR
    spread_ratio = _spread_ratio(stats)
    # Each province's deviation, year on year.
    history: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for s in stats:
        for name, z in s.observed:
            history[name].append((s.year, z))
    renewal = _fit_renewal(stats, history)
    return DriftModel(
        mean_model=mean_model,
        mean_change=round(mean_change, 4),
        gap_rate=round(gap_rate, 5),
        drift_sd=round(drift_sd, 4),
        drift_df=drift_df,
        persistence=round(renewal.rho, 4),
        noise_sd=round(max(renewal.scale, 0.05), 4),
        noise_df=renewal.df,
        spread_ratio=round(spread_ratio, 4),
        history_weight=renewal.gamma,
        fitted_until=until,
        ceiling=data.max_points,
        means_estimated=not data.summaries,
        n_pairs=renewal.n_pairs,
        n_mean_changes=len(changes),
        pair_basis=renewal.basis,
        noise_lr=round(renewal.lr, 3),
        province_history=tuple((name, tuple(values)) for name, values in sorted(history.items())),
    )


def _spread_ratio(stats: list[_YearStats]) -> float:
    """The yearly factor g on the field's spread: the mean yearly log change of the spread, kept only when it
    is at least twice its standard error. The spread's changes alternate (2018→2019 -0.40, then +0.14, -0.18,
    +0.17, -0.13, +0.02): extrapolating the last three, as the first version did, predicted 2020's field 20%
    narrower than 2019's when it was 15% wider, which made the back-test's ranks lumpy and over-confident."""
    logs = [math.log(b.spread / a.spread) / (b.year - a.year) for a, b in itertools.pairwise(stats)]
    if len(logs) < 3:
        return 1.0
    mean = float(np.mean(logs))
    error = float(np.std(logs, ddof=1)) / math.sqrt(len(logs))
    if abs(mean) < 2 * error:
        return 1.0
    return float(np.clip(math.exp(mean), 0.8, 1.1))


class _Renewal(FrozenModel):
    rho: float
    scale: float
    df: int | None
    gamma: float
    n_pairs: int
    basis: PairBasis
    lr: float


def _pairs(
    stats: list[_YearStats],
    history: Mapping[str, list[tuple[int, float]]],
    gamma: float,
    published_only: bool,
) -> tuple[FloatArray, FloatArray]:
    """(z_eff in year t, z in year t+1) for every province observed in both years of a consecutive pair."""
    by_year = {s.year: s for s in stats}
    x, y = [], []
    for s in stats:
        nxt = by_year.get(s.year + 1)
        if nxt is None:
            continue
        later = dict(nxt.observed)
        for name, z in s.observed:
            if name not in later:
                continue
            if published_only and (name not in s.published or name not in nxt.published):
                continue
            x.append(_blend(z, s.year, history.get(name, []), gamma))
            y.append(later[name])
    return np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)


def _fit_renewal(stats: list[_YearStats], history: Mapping[str, list[tuple[int, float]]]) -> _Renewal:
    """Persistence and renewal: least squares for the blend weight γ and the normal, maximum likelihood for the
    t (iteratively reweighted, each whole df tried); the t is kept only if the likelihood ratio says so."""
    for basis, published_only in (("published", True), ("ranked", False)):
        best: tuple[float, float, FloatArray, FloatArray] | None = None
        for gamma in HISTORY_WEIGHTS:
            x, y = _pairs(stats, history, gamma, published_only)
            if x.size < (MIN_PUBLISHED_PAIRS if published_only else 5):
                break
            rho = float(np.clip(np.sum(x * y) / np.sum(x * x), 0.0, 1.0))
            sse = float(np.sum((y - rho * x) ** 2))
            if best is None or sse < best[0] - 1e-12:
                best = (sse, gamma, x, y)
        if best is None:
            continue
        _, gamma, x, y = best
        n = x.size
        rho = float(np.clip(np.sum(x * y) / np.sum(x * x), 0.0, 1.0))
        sse = float(np.sum((y - rho * x) ** 2))
        normal_nll = 0.5 * n * (math.log(2 * math.pi * sse / n) + 1.0)
        t_fit = min((_fit_t(x, y, df) for df in NOISE_DF_CHOICES), key=lambda f: f[3])
        lr = 2.0 * (normal_nll - t_fit[3])
        if lr > T_RENEWAL_LR:
            return _Renewal(
                rho=t_fit[0],
                scale=t_fit[1],
                df=t_fit[2],
                gamma=gamma,
                n_pairs=n,
                basis=basis,
                lr=lr,
            )
        sigma = math.sqrt(sse / max(n - 1, 1))
        return _Renewal(rho=rho, scale=sigma, df=None, gamma=gamma, n_pairs=n, basis=basis, lr=max(lr, 0.0))
    return _Renewal(
        rho=DEFAULT_PERSISTENCE,
        scale=DEFAULT_NOISE_SD,
        df=None,
        gamma=0.0,
        n_pairs=0,
        basis="default",
        lr=0.0,
    )


def _fit_t(x: FloatArray, y: FloatArray, df: int) -> tuple[float, float, int, float]:
    """(ρ, scale, df, negative log-likelihood) of y = ρx + scale·t_df by EM (iteratively reweighted LS)."""
    rho = float(np.clip(np.sum(x * y) / np.sum(x * x), 0.0, 1.0))
    scale2 = max(float(np.mean((y - rho * x) ** 2)), 1e-6)
    for _ in range(500):
        r = y - rho * x
        w = (df + 1.0) / (df + r * r / scale2)
        new_rho = float(np.clip(np.sum(w * x * y) / np.sum(w * x * x), 0.0, 1.0))
        new_scale2 = max(float(np.mean(w * (y - new_rho * x) ** 2)), 1e-6)
        done = abs(new_rho - rho) < 1e-10 and abs(new_scale2 - scale2) < 1e-12
        rho, scale2 = new_rho, new_scale2
        if done:
            break
    scale = math.sqrt(scale2)
    nll = -float(np.sum(_t_logpdf(y - rho * x, df, scale)))
    return rho, scale, df, nll


def _blend(z: float, year: int, history: Iterable[tuple[int, float]], gamma: float) -> float:
    """This year's z blended with earlier published z's, weight γ^(years back)."""
    if gamma <= 0:
        return z
    total, weight = z, 1.0
    for other_year, other_z in history:
        if other_year < year:
            w = gamma ** (year - other_year)
            total += w * other_z
            weight += w
    return total / weight


class RivalProjection(FrozenModel):
    """One rival in the target year: its expected score and spread given the shared drift."""

    province: str
    base_score: float
    base_provenance: str
    mean: float
    #: Standard deviation of the rival's own score given the drift: renewal and base band together.
    sd: float
    follows_drift: bool
    override: float | None = None
    #: Scale of the renewal (t with the projection's `noise_df`, else normal), points.
    renewal_scale: float = 0.0
    #: Standard deviation of the base-year band carried into the target year (normal), points.
    base_sd: float = 0.0
    #: Scale of this rival in counts of rivals: renewal plus the profile band only, as one t with `noise_df`
    #: (variance matched; the profile band is small beside the renewal) or one normal. None: `sd`.
    count_scale: float | None = None


class Projection(FrozenModel):
    """The field of `target_year` as a distribution, from the field of `base_year`."""

    base_year: int
    target_year: int
    #: The index projected (planner.methodology.index) and its scale.
    index: str = "par"
    max_points: float = 100.0
    n_provinces: Literal[63, 34]
    base_kind: FieldKind
    mode: Mode
    #: The expected national mean in the target year (the shared drift's centre).
    expected_mean: float
    #: Scale of the shared drift over the whole horizon (0 in mode "fixed"): its sd when normal; with a t drift,
    #: the t's scale `drift_t_scale` and any normal error added to the drift combined in quadrature. Widening
    #: it therefore adds a normal error exactly, which is how the optimiser folds our own survey error in
    #: (planner.optimiser.competition.competition_for: our error moves our score against every rival alike).
    drift_sd: float
    rivals: tuple[RivalProjection, ...]
    model: DriftModel | None = None
    #: Degrees of freedom of the drift's Student-t (None: normal).
    drift_df: int | None = None
    #: Degrees of freedom of the rivals' renewal (None: normal).
    noise_df: int | None = None
    #: Scale of the drift's Student-t part over the horizon (with `drift_df`); `drift_sd` beyond it is normal.
    drift_t_scale: float = 0.0

    @property
    def drift_extra_sd(self) -> float:
        """The normal part of the drift: sd √(drift_sd² - drift_t_scale²) (all of it for a normal drift)."""
        if self.drift_df is None:
            return self.drift_sd
        return math.sqrt(max(self.drift_sd**2 - self.drift_t_scale**2, 0.0))

    @property
    def _t_scale(self) -> float:
        return self.drift_t_scale if self.drift_df is not None else 0.0

    # --- arrays ------------------------------------------------------------------------------------------

    def rival_names(self, exclude: str | None = None) -> tuple[str, ...]:
        """The rivals' names in the column order of `sample_rival_scores`."""
        return tuple(r.province for r in self._rivals(exclude))

    def _rivals(self, exclude: str | None) -> tuple[RivalProjection, ...]:
        if exclude is None:
            return self.rivals
        name = match_province(exclude, era=self.n_provinces)
        if all(r.province != name for r in self.rivals):
            raise FieldError("field.province_not_in_field", name=exclude, year=str(self.target_year))
        return tuple(r for r in self.rivals if r.province != name)

    @cached_property
    def _array_cache(self) -> dict[tuple[str | None, int], tuple[FloatArray, FloatArray, NDArray[np.bool_]]]:
        return {}

    def _arrays(self, exclude: str | None) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
        """Means, count scales and drift flags of the rivals, cached per excluded province (the optimiser asks
        often); the key includes the rivals tuple's identity, so a model_copy with other rivals never reads
        stale arrays."""
        key = (exclude, id(self.rivals))
        cached = self._array_cache.get(key)
        if cached is not None:
            return cached
        rivals = self._rivals(exclude)
        arrays = (
            np.array([r.mean for r in rivals], dtype=np.float64),
            np.array([r.sd if r.count_scale is None else r.count_scale for r in rivals], dtype=np.float64),
            np.array([r.follows_drift for r in rivals], dtype=bool),
        )
        self._array_cache[key] = arrays
        return arrays

    def _size(self) -> int:
        return len(self.rivals)

    def _count_cdf(self, z: FloatArray) -> FloatArray:
        """The rivals' standardised distribution function in counts (t with `noise_df`, else normal)."""
        if self.noise_df is None:
            return np.asarray(ndtr(z), dtype=np.float64)
        return student_t_cdf(z, self.noise_df)

    # --- the results -------------------------------------------------------------------------------------

    def expected_scores(self, exclude: str | None = None) -> dict[str, float]:
        """Each rival's expected score in the target year."""
        return {r.province: round(r.mean, 2) for r in self._rivals(exclude)}

    def rank_distribution(
        self,
        score: float,
        exclude: str | None = None,
        method: Literal["exact", "mc"] = "exact",
        n_samples: int = 100_000,
        seed: int = 0,
    ) -> FloatArray:
        """p[r-1] = P(rank = r), r = 1..n, for our `score` against the projected rivals."""
        if not 0 <= score <= self.max_points:
            raise FieldError("field.score_out_of_range", score=score, max=self.max_points)
        n = self._size()
        if method == "mc":
            return rank_distribution_from_counts(self._mc_counts(score, exclude, n_samples, seed), n)
        mean, scale, follows = self._arrays(exclude)
        nodes, weights = self._drift_nodes(scale, follows)
        shift = np.where(follows[None, :], nodes[:, None], 0.0)
        centre = mean[None, :] + shift
        positive = scale > 0
        z = (centre - score) / np.where(positive, scale, 1.0)
        probs = np.where(
            positive[None, :], self._count_cdf(z), (np.round(centre - score, 2) > 0).astype(float)
        )
        counts = weights @ poisson_binomial(probs)
        return rank_distribution_from_counts(counts, n)

    def _drift_nodes(self, scale: FloatArray, follows: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
        """Trapezoid nodes over the shared drift, a third of the narrowest drifting rival's scale (or of the
        drift's) apart: the conditional rank distribution is smooth on that scale, and the trapezoid rule on a
        smooth, decaying integrand converges fast (against an integral on 100,000 quantiles of the drift the
        error is below 1e-6 for the bundled 2025 projection, 1e-4 at 1.5 times the spacing; the tests check it
        against such an integral and against Monte Carlo). A normal drift is integrated over ±6 sd; a t drift
        over its central 1 - 3e-5 (±11.2 scales for the bundled 6 df), the two tails' mass sitting on the end
        nodes, where the field is far above or below any score (133 nodes in all for 2025)."""
        t_scale, extra = self._t_scale, self.drift_extra_sd
        if (t_scale <= 0 and extra <= 0) or not follows.any():
            return np.zeros(1), np.ones(1)
        if t_scale <= 0:
            return self._normal_drift_nodes(extra, scale, follows)
        df = self.drift_df
        assert df is not None
        narrow = scale[follows & (scale > 0)]
        finest = float(narrow.min()) if narrow.size else t_scale
        return _t_drift_grid(t_scale, extra, df, finest)

    def _normal_drift_nodes(
        self, sd: float, scale: FloatArray, follows: NDArray[np.bool_]
    ) -> tuple[FloatArray, FloatArray]:
        narrow = scale[follows & (scale > 0)]
        finest = float(narrow.min()) if narrow.size else sd
        step = min(finest, sd) * DRIFT_STEP
        half = 6.0 * sd
        count = int(min(max(math.ceil(2 * half / step) + 1, 25), MAX_DRIFT_NODES))
        nodes = np.linspace(-half, half, count)
        return nodes, _normalised(np.exp(-0.5 * (nodes / sd) ** 2))

    def _drift_draws(self, rng: np.random.Generator, n_samples: int) -> FloatArray:
        if self.drift_df is None:
            return rng.standard_normal(n_samples) * self.drift_sd
        drift = rng.standard_t(self.drift_df, n_samples) * self.drift_t_scale
        extra = self.drift_extra_sd
        if extra > 0:
            drift += rng.standard_normal(n_samples) * extra
        return drift

    def sample_rival_scores(self, n_samples: int, exclude: str | None = None, seed: int = 0) -> FloatArray:
        """`n_samples` joint draws of the rivals' scores (rows), correlated through the shared drift; columns in
        the order of `rival_names(exclude)`.

        These are the draws the counts use (the Monte Carlo rank distribution, the optimiser's k-th best rival):
        a reconstructed rival varies by its profile band, not by its doubt about which place it holds (that only
        relabels the field); `RivalProjection.sd` and `score_interval` give a rival's own spread."""
        mean, scale, follows = self._arrays(exclude)
        rng = np.random.default_rng(seed)
        drift = self._drift_draws(rng, n_samples)
        return self._draw(rng, drift, mean, scale, follows)

    def _draw(
        self,
        rng: np.random.Generator,
        drift: FloatArray,
        mean: FloatArray,
        scale: FloatArray,
        follows: NDArray[np.bool_],
    ) -> FloatArray:
        shape = (drift.size, mean.size)
        block = rng.standard_normal(shape) if self.noise_df is None else rng.standard_t(self.noise_df, shape)
        block *= scale
        block += mean
        if follows.all():
            block += drift[:, None]
        elif follows.any():
            block += drift[:, None] * follows
        return block

    def _mc_counts(self, score: float, exclude: str | None, n_samples: int, seed: int) -> FloatArray:
        """P(number of rivals strictly above = k) by Monte Carlo, in blocks to stay in cache."""
        mean, scale, follows = self._arrays(exclude)
        rng = np.random.default_rng(seed)
        drift = self._drift_draws(rng, n_samples)
        counts = np.zeros(mean.size + 1)
        for start in range(0, n_samples, 20_000):
            block = self._draw(rng, drift[start : start + 20_000], mean, scale, follows)
            above = np.count_nonzero(block > score, axis=1)
            counts += np.bincount(above, minlength=mean.size + 1)
        return counts / n_samples

    def p_rank_le(self, score: float, k: int, exclude: str | None = None) -> float:
        """P(our rank ≤ k) for `score`."""
        return float(min(1.0, self.rank_distribution(score, exclude)[: max(k, 0)].sum()))

    def score_for_rank(self, k: int, p: float, exclude: str | None = None) -> float:
        """The least score (to 0.01) with P(rank ≤ k) ≥ p; in mode "fixed", for any p, the least score that ties
        or beats the k-th best rival. Raises FieldError when even the index's maximum is not enough."""
        if k < 1:
            raise FieldError("field.bad_rank_target", k=k)
        if not 0 < p <= 1:
            raise FieldError("field.bad_probability", p=p)
        if self.mode == "fixed":
            ordered = sorted((r.mean for r in self._rivals(exclude)), reverse=True)
            return 0.0 if k > len(ordered) else round(ordered[k - 1], 2)
        target = p - 1e-12
        if self.p_rank_le(self.max_points, k, exclude) < target:
            raise FieldError("field.rank_unreachable", k=k, p=p)
        lo, hi = 0, round(self.max_points * 100)
        if self.p_rank_le(0.0, k, exclude) >= target:
            return 0.0
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.p_rank_le(mid / 100, k, exclude) >= target:
                hi = mid
            else:
                lo = mid
        return hi / 100

    def rank_interval(self, score: float, exclude: str | None = None, level: float = 0.8) -> tuple[int, int]:
        """The central `level` interval of our rank."""
        return interval_from_distribution(self.rank_distribution(score, exclude), level)

    def median_rank(self, score: float, exclude: str | None = None) -> int:
        """The median of our rank: the rank a projection reports."""
        return median_rank(self.rank_distribution(score, exclude))

    def expected_rank(self, score: float, exclude: str | None = None) -> float:
        return mean_rank(self.rank_distribution(score, exclude))

    # --- one rival's own score -----------------------------------------------------------------------------

    def score_cdf(self, province: str, score: float) -> float:
        """P(the rival's own score ≤ `score`) in the target year: drift, renewal and its whole base band."""
        rival = self._rival(province)
        if rival.sd <= 0 and (not rival.follows_drift or self.drift_sd <= 0):
            return 1.0 if round(score - rival.mean, 2) >= 0 else 0.0
        grid, cdf = self._own_cdf(rival)
        return float(np.interp(score, grid, cdf, left=0.0, right=1.0))

    def score_interval(self, province: str, level: float = 0.8) -> tuple[float, float]:
        """The central `level` interval of a rival's own score in the target year (drift included): what the
        back-test checks against published results, and the band `as_field` shows."""
        rival = self._rival(province)
        if rival.sd <= 0 and (not rival.follows_drift or self.drift_sd <= 0):
            return rival.mean, rival.mean
        grid, cdf = self._own_cdf(rival)
        tail = (1.0 - level) / 2
        lo, hi = np.interp([tail, 1.0 - tail], cdf, grid)
        return float(lo), float(hi)

    def _rival(self, province: str) -> RivalProjection:
        name = match_province(province, era=self.n_provinces)
        for r in self.rivals:
            if r.province == name:
                return r
        raise FieldError("field.province_not_in_field", name=province, year=str(self.target_year))

    @cached_property
    def _own_cache(self) -> dict[tuple[object, ...], tuple[FloatArray, FloatArray]]:
        return {}

    def _own_cdf(self, rival: RivalProjection) -> tuple[FloatArray, FloatArray]:
        """A rival's own distribution function on a grid of 0.02 points: the densities of the drift, the
        renewal and the base band convolved numerically (a t plus a normal has no closed form). The grid
        reaches each part's 1e-4 quantiles (enough for intervals and the back-test's PIT); the drift and renewal
        are the same for every rival, so only the base band is convolved per rival."""
        renewal = rival.renewal_scale
        base = rival.base_sd
        if renewal <= 0 and base <= 0:  # a RivalProjection built without the parts: its sd, normal
            base = rival.sd
        drift = self._t_scale if rival.follows_drift else 0.0
        extra = self.drift_extra_sd if rival.follows_drift else 0.0
        parts = ((drift, self.drift_df), (extra, None), (renewal, self.noise_df))
        key = (*((round(p, 6), df) for p, df in parts), round(base, 6))
        cached = self._own_cache.get(key)
        if cached is None:
            grid, shared = self._shared_density(parts)
            density = _convolve(shared, grid, base, None)
            mass = np.clip(density, 0.0, None)
            mass /= mass.sum()
            cdf = np.cumsum(mass) - mass / 2  # each grid point holds the mass of the cell centred on it
            cached = (grid, cdf)
            self._own_cache[key] = cached
        grid, cdf = cached
        return grid + rival.mean, cdf

    def _shared_density(self, parts: tuple[tuple[float, int | None], ...]) -> tuple[FloatArray, FloatArray]:
        """Drift and renewal convolved, on a grid wide enough for the widest base band of any rival."""
        key = ("shared", *((round(p, 6), df) for p, df in parts))
        cached = self._own_cache.get(key)
        if cached is None:
            step = 0.02
            widest = max(r.base_sd if r.renewal_scale > 0 or r.base_sd > 0 else r.sd for r in self.rivals)
            reach = sum(p * _reach(df) for p, df in parts) + 6.0 * widest
            half = math.ceil(reach / step) * step
            grid = np.arange(-half, half + step / 2, step)
            density = np.zeros_like(grid)
            density[grid.size // 2] = 1.0
            for part, df in parts:
                density = _convolve(density, grid, part, df)
            cached = (grid, density)
            self._own_cache[key] = cached
        return cached

    def as_field(self) -> Field:
        """The projection as a field of expected scores (marked projected, bands from the spread and drift)."""
        entries = []
        for r in self.rivals:
            low, high = self.score_interval(r.province, 0.8)
            spread = high - low
            entries.append(
                FieldEntry(
                    province=r.province,
                    score=min(r.mean, 100.0),
                    provenance="projected"
                    if spread > 0
                    else "custom"
                    if r.override is not None
                    else "projected",
                    basis=f"projection from {self.base_year} ({self.mode})",
                    note=f"base {r.base_score:.2f} ({r.base_provenance})"
                    + (f", override {r.override:+.2f}" if r.override is not None else ""),
                    score_low=max(low, 0.0),
                    score_high=min(high, self.max_points),
                )
            )
        return Field(
            year=self.target_year,
            index=self.index,
            max_points=self.max_points,
            n_provinces=self.n_provinces,
            kind="projected",
            entries=tuple(entries),
            notes=(
                FieldNote(
                    key="field.note.projected",
                    params=params(
                        {"base": str(self.base_year), "target": str(self.target_year), "mode": self.mode}
                    ),
                ),
            ),
        )


def _convolve(density: FloatArray, grid: FloatArray, scale: float, df: int | None) -> FloatArray:
    """`density` on `grid` convolved with a centred normal (df None) or t of the given scale."""
    if scale <= 0:
        return density
    u = grid / scale
    kernel = np.exp(-0.5 * u * u) if df is None else (1.0 + u * u / df) ** (-(df + 1) / 2)
    return _convolve_same(density, kernel / kernel.sum())


@lru_cache(maxsize=256)
def _t_drift_grid(t_scale: float, extra: float, df: int, finest: float) -> tuple[FloatArray, FloatArray]:
    """Nodes and weights over a t drift (scale `t_scale`, `df` degrees of freedom) plus a normal of sd `extra`,
    spaced for rivals as narrow as `finest` (see Projection._drift_nodes). They depend only on these four
    numbers, not on our score, so one grid serves every rank distribution of a projection: a frontier asks for
    hundreds."""
    step = min(finest, t_scale) * DRIFT_STEP
    half = _t_reach(df) * t_scale + 6.0 * extra
    count = int(min(max(math.ceil(2 * half / step) + 1, 25), MAX_DRIFT_NODES))
    nodes = np.linspace(-half, half, count)
    if extra > 0:  # the t's density smoothed by the normal (Gauss-Hermite, exact to ~1e-9 at this width)
        points, gh = _hermite_nodes(40)
        shifted = (nodes[:, None] - extra * points[None, :]) / t_scale
        density = ((1.0 + shifted**2 / df) ** (-(df + 1) / 2)) @ gh
    else:
        u = nodes / t_scale
        density = (1.0 + u * u / df) ** (-(df + 1) / 2)
    tail = DRIFT_TAIL
    weights = density / density.sum() * (1.0 - tail)
    weights[0] += tail / 2
    weights[-1] += tail / 2
    nodes.flags.writeable = False
    weights.flags.writeable = False
    return nodes, weights


@cache
def _hermite_nodes(n: int) -> tuple[FloatArray, FloatArray]:
    points, weights = np.polynomial.hermite_e.hermegauss(n)
    points.flags.writeable = False
    weights.flags.writeable = False
    return points, weights


def _convolve_same(signal: FloatArray, kernel: FloatArray) -> FloatArray:
    """`signal` convolved with a centred `kernel`, the output aligned with `signal` (scipy's
    fftconvolve(mode="same")), by numpy's FFT: scipy.signal costs a second of import on every cold start."""
    n = signal.size + kernel.size - 1
    size = 1 << (n - 1).bit_length()
    full = np.fft.irfft(np.fft.rfft(signal, size) * np.fft.rfft(kernel, size), size)[:n]
    start = (kernel.size - 1) // 2
    return np.asarray(full[start : start + signal.size], dtype=np.float64)


def _t_logpdf(x: FloatArray, df: float, scale: float) -> FloatArray:
    """Log density of a Student t with `df` degrees of freedom and `scale` (scipy.stats is slow to import)."""
    const = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi) - math.log(scale)
    return np.asarray(const - (df + 1) / 2 * np.log1p((x / scale) ** 2 / df), dtype=np.float64)


def _normalised(weights: FloatArray) -> FloatArray:
    return np.asarray(weights / weights.sum(), dtype=np.float64)


@cache
def _reach(df: int | None) -> float:
    """How far, in units of its scale, a part of a rival's own distribution needs to be followed (1e-4 each
    side)."""
    return 3.72 if df is None else float(stdtrit(df, 1.0 - 1e-4))


@cache
def _t_reach(df: int) -> float:
    """The t quantile that leaves DRIFT_TAIL / 2 in each tail, in units of its scale."""
    return float(stdtrit(df, 1.0 - DRIFT_TAIL / 2))


def project_field(
    field: Field,
    target_year: int,
    *,
    mode: Mode = "drift",
    overrides: Mapping[str, float] | None = None,
    model: DriftModel | None = None,
) -> Projection:
    """The projection of `field` to `target_year` (after field.year). `overrides` are per-rival changes in
    points, e.g. {"Quảng Ninh": +2.0}; "fixed" holds every rival at its current score."""
    years = target_year - field.year
    if years < 1:
        raise FieldError("field.target_not_after_base", base=str(field.year), target=str(target_year))
    changes = {match_province(k, era=field.n_provinces): float(v) for k, v in (overrides or {}).items()}
    for name in changes:
        field.entry(name)  # raises if the province is not in the field
    scores = field.scores()
    base_mean = float(np.mean(scores))
    if mode == "fixed":
        rivals = tuple(
            RivalProjection(
                province=e.province,
                base_score=e.score,
                base_provenance=e.provenance,
                mean=e.score + changes.get(e.province, 0.0),
                sd=0.0,
                follows_drift=False,
                override=changes.get(e.province),
            )
            for e in field.entries
        )
        return Projection(
            base_year=field.year,
            target_year=target_year,
            index=field.index,
            max_points=field.max_points,
            n_provinces=field.n_provinces,
            base_kind=field.kind,
            mode=mode,
            expected_mean=round(base_mean, 4),
            drift_sd=0.0,
            rivals=rivals,
            model=model,
        )
    model = model if model is not None else fit_drift_model(bundled_results(field.index), until=field.year)
    spread = field.reference_spread or float(np.std(scores)) or 1.0
    target_mean = model.expected_mean(base_mean, years)
    target_spread = spread * model.spread_ratio**years
    rho_h = model.persistence**years
    factor = model.noise_variance_factor
    renewal = (
        target_spread * model.noise_sd * math.sqrt(sum(model.persistence ** (2 * k) for k in range(years)))
    )
    rivals_list = []
    for e in field.entries:
        if e.province in changes:
            rivals_list.append(
                RivalProjection(
                    province=e.province,
                    base_score=e.score,
                    base_provenance=e.provenance,
                    mean=e.score + changes[e.province],
                    sd=0.0,
                    follows_drift=False,
                    override=changes[e.province],
                )
            )
            continue
        z = (e.score - base_mean) / spread
        z_eff = _blend(z, field.year, _history(model, e.province, field.n_provinces), model.history_weight)
        base_sd = target_spread * rho_h * (e.score_high - e.score_low) / (2 * Z80) / spread
        profile_low, profile_high = e.profile_band
        profile_sd = target_spread * rho_h * (profile_high - profile_low) / (2 * Z80) / spread
        rivals_list.append(
            RivalProjection(
                province=e.province,
                base_score=e.score,
                base_provenance=e.provenance,
                mean=min(target_mean + target_spread * rho_h * z_eff, field.max_points),
                sd=math.sqrt(renewal**2 * factor + base_sd**2),
                follows_drift=True,
                renewal_scale=renewal,
                base_sd=base_sd,
                count_scale=math.sqrt(renewal**2 + profile_sd**2 / factor),
            )
        )
    return Projection(
        base_year=field.year,
        target_year=target_year,
        index=field.index,
        max_points=field.max_points,
        n_provinces=field.n_provinces,
        base_kind=field.kind,
        mode=mode,
        expected_mean=round(target_mean, 4),
        drift_sd=model.drift_sd * math.sqrt(years),
        rivals=tuple(rivals_list),
        model=model,
        drift_df=model.drift_df,
        drift_t_scale=model.drift_sd * math.sqrt(years) if model.drift_df is not None else 0.0,
        noise_df=model.noise_df,
    )


def _history(model: DriftModel, province: str, era: Era) -> tuple[tuple[int, float], ...]:
    """A province's published deviations; for one of the 34, the mean of its parts' deviations per year."""
    if era == 63:
        return model.history(province)
    parts = next((m.merged_from for m in provinces_34() if m.name == province), (province,))
    per_year: dict[int, list[float]] = defaultdict(list)
    for part in parts:
        for year, z in model.history(part):
            per_year[year].append(z)
    return tuple((year, float(np.mean(values))) for year, values in sorted(per_year.items()))


def planning_projection(
    year: int,
    provinces: Era = 63,
    *,
    mode: Mode = "drift",
    overrides: Mapping[str, float] | None = None,
    loaded: Iterable[Field] = (),
    base_year: int | None = None,
    index: str = "par",
) -> Projection:
    """The projection a plan for `year` uses: from the latest field year before it (Lào Cai plans 2019 from the
    2018 field), merged to the 34 when asked, with a table the user loaded taking the bundled field's place.

    `base_year` pins the field projected from: a path over several years projects every year from the one field
    known when the path is planned, so the spread grows with the horizon instead of restarting each year."""
    if base_year is None:
        base_year = latest_field_year(before=year, provinces=provinces, loaded=loaded, index=index)
    base = field_for_year(base_year, provinces, loaded, index)
    return project_field(base, year, mode=mode, overrides=overrides)


__all__ = [
    "DriftModel",
    "Projection",
    "RivalProjection",
    "fit_drift_model",
    "planning_projection",
    "project_field",
]
