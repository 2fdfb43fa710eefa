"""Next year's field: how the other provinces are likely to move, and what that means for our rank.

Every year most provinces rise (2024: mean +1.39, 53 up, 9 down), so holding the others at last year's scores,
as the World Bank's Doing Business simulator did, flatters any plan. The drift model learns from the history:

- the national mean moves by a shared drift D (one draw for everybody, which is what correlates the rivals):
  by default the field closes a fixed share κ of its gap to 100 each year ("gap" model), or moves by the mean
  yearly change ("constant" model); D's spread is the spread of the past yearly changes around the model;
- a province's deviation from the mean, in units of the year's spread (z), persists with factor ρ and is
  otherwise renewed by independent noise of standard deviation σ_ε: z_{t+1} = ρ·z_eff + ε, where z_eff blends
  this year's z with the province's earlier published z's (weight γ per year back). ρ < 1 is the regression
  towards the mean of extreme provinces; the spread of the field changes by a factor g per year;
- a reconstructed base score adds its own uncertainty (its band) to the rival's.

So rival i's score in year t+h is M_{t+h} + D + σ_{t+h}·Z_i with Z_i independent normals given D.
Our rank for a score x is 1 + #{i: S_i > x}. Given D = d the count is Poisson-binomial; `rank_distribution`
integrates it over D with a trapezoid rule fine enough for the narrowest rival (exact for the correlated model
up to that quadrature, which the tests check against Monte Carlo). Mode "fixed" holds every rival at its base
score for comparison. `overrides` set a rival's change in points ("Quảng Ninh +2"): that rival is then placed
at base + change, outside the drift.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache, cached_property
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict
from scipy.special import ndtr

from planner.errors import FieldError
from planner.field import (
    Field,
    FieldEntry,
    FieldKind,
    FieldNote,
    bundled_field,
    field_for_year,
    latest_field_year,
    params,
)
from planner.provinces import Era, match_province, provinces_34
from planner.rank_maths import interval_from_distribution, poisson_binomial, rank_distribution_from_counts
from planner.reconstruction import reconstruct_field
from planner.results_data import ResultsData, bundled_results

FloatArray = NDArray[np.float64]
Mode = Literal["drift", "fixed"]
MeanModel = Literal["gap", "constant"]
#: z of the 10th/90th percentile: a band (low, high) is read as mean ± 1.2816·sd.
Z80 = 1.2815515655446004
#: Used when the history holds too few pairs to estimate a parameter (documented in docs/field-model.md).
DEFAULT_PERSISTENCE = 0.8
DEFAULT_NOISE_SD = 0.6
DEFAULT_DRIFT_SD = 1.5
HISTORY_WEIGHTS = (0.0, 0.25, 0.5)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DriftModel(_Frozen):
    """How the field moves from one year to the next, learned from the published history."""

    mean_model: MeanModel = "constant"
    #: Mean yearly change of the national mean (points), for the "constant" model.
    mean_change: float
    #: Share of the gap to 100 the national mean closes per year, for the "gap" model.
    gap_rate: float
    #: Standard deviation of the shared yearly drift around the mean model (points per year).
    drift_sd: float
    #: Persistence ρ of a province's standardised deviation from one year to the next.
    persistence: float
    #: Standard deviation σ_ε of the yearly renewal of a province's standardised deviation.
    noise_sd: float
    #: Yearly factor g on the field's spread.
    spread_ratio: float
    #: Weight γ per year back of a province's earlier published deviations in z_eff.
    history_weight: float
    fitted_until: int
    n_pairs: int = 0
    n_mean_changes: int = 0
    #: Published (or rank-anchored) standardised deviations: (province, ((year, z), ...)).
    province_history: tuple[tuple[str, tuple[tuple[int, float], ...]], ...] = ()

    def expected_mean(self, base_mean: float, years: int) -> float:
        if self.mean_model == "constant":
            return base_mean + years * self.mean_change
        return 100.0 - (100.0 - base_mean) * (1.0 - self.gap_rate) ** years

    def history(self, province: str) -> tuple[tuple[int, float], ...]:
        for name, values in self.province_history:
            if name == province:
                return values
        return ()


class _YearStats(_Frozen):
    year: int
    mean: float
    spread: float
    observed: tuple[tuple[str, float], ...]


def _year_stats(data: ResultsData, year: int) -> _YearStats | None:
    summary = data.summary(year)
    if summary is None or summary.mean is None:
        return None
    field = reconstruct_field(data, year)
    scores = field.scores()
    spread = float(np.std(scores))
    observed = tuple(
        (e.province, (e.score - summary.mean) / spread)
        for e in field.entries
        if e.provenance in ("sourced", "official") or e.published_rank is not None
    )
    return _YearStats(year=year, mean=summary.mean, spread=spread, observed=observed)


def fit_drift_model(
    data: ResultsData | None = None, *, until: int | None = None, mean_model: MeanModel = "constant"
) -> DriftModel:
    """The drift model learned from the history up to `until` (default: everything bundled)."""
    data = data if data is not None else bundled_results()
    until = until if until is not None else max(data.years())
    return _fit(data.until(until), until, mean_model)


@cache
def _fit(data: ResultsData, until: int, mean_model: MeanModel) -> DriftModel:
    stats = [s for y in data.years() if (s := _year_stats(data, y)) is not None]
    stats.sort(key=lambda s: s.year)
    # The national mean.
    changes: list[tuple[float, float, int]] = []  # (per-year change, gap-closing rate, years between)
    for a, b in itertools.pairwise(stats):
        gap = b.year - a.year
        rate = 1.0 - ((100.0 - b.mean) / (100.0 - a.mean)) ** (1.0 / gap)
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
            mean_change if mean_model == "constant" else (100 - a.mean) * (1 - (1 - gap_rate) ** gap) / gap
        )
        residuals.append(change - predicted)
    drift_sd = float(np.std(residuals, ddof=1)) if len(residuals) >= 3 else DEFAULT_DRIFT_SD
    # The spread.
    ratios = [math.log(b.spread / a.spread) / (b.year - a.year) for a, b in itertools.pairwise(stats)]
    spread_ratio = float(np.clip(math.exp(float(np.mean(ratios[-3:]))), 0.8, 1.1)) if ratios else 1.0
    # Each province's deviation, year on year.
    by_year = {s.year: dict(s.observed) for s in stats}
    history: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for s in stats:
        for name, z in s.observed:
            history[name].append((s.year, z))
    best: tuple[float, float, float, float, int] | None = None
    for gamma in HISTORY_WEIGHTS:
        x, y = [], []
        for s in stats:
            nxt = by_year.get(s.year + 1)
            if nxt is None:
                continue
            for name, z in s.observed:
                if name in nxt:
                    x.append(_blend(z, s.year, history.get(name, []), gamma))
                    y.append(nxt[name])
        if len(x) < 5:
            continue
        xa, ya = np.array(x), np.array(y)
        rho = float(np.clip(np.sum(xa * ya) / np.sum(xa * xa), 0.0, 1.0))
        sse = float(np.sum((ya - rho * xa) ** 2))
        sigma = math.sqrt(sse / max(len(x) - 1, 1))
        if best is None or sse < best[0] - 1e-12:
            best = (sse, gamma, rho, sigma, len(x))
    if best is None:
        gamma, rho, sigma, n_pairs = 0.0, DEFAULT_PERSISTENCE, DEFAULT_NOISE_SD, 0
    else:
        _, gamma, rho, sigma, n_pairs = best
    return DriftModel(
        mean_model=mean_model,
        mean_change=round(mean_change, 4),
        gap_rate=round(gap_rate, 5),
        drift_sd=round(drift_sd, 4),
        persistence=round(rho, 4),
        noise_sd=round(max(sigma, 0.05), 4),
        spread_ratio=round(spread_ratio, 4),
        history_weight=gamma,
        fitted_until=until,
        n_pairs=n_pairs,
        n_mean_changes=len(changes),
        province_history=tuple((name, tuple(values)) for name, values in sorted(history.items())),
    )


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


class RivalProjection(_Frozen):
    """One rival in the target year: its expected score and spread given the shared drift."""

    province: str
    base_score: float
    base_provenance: str
    mean: float
    sd: float
    follows_drift: bool
    override: float | None = None


class Projection(_Frozen):
    """The field of `target_year` as a distribution, from the field of `base_year`."""

    base_year: int
    target_year: int
    n_provinces: Literal[63, 34]
    base_kind: FieldKind
    mode: Mode
    #: The expected national mean in the target year (the shared drift's centre).
    expected_mean: float
    #: Standard deviation of the shared drift over the whole horizon (0 in mode "fixed").
    drift_sd: float
    rivals: tuple[RivalProjection, ...]
    model: DriftModel | None = None

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
        """Means, sds and drift flags of the rivals, cached per excluded province (the optimiser asks often);
        the key includes the rivals tuple's identity, so a model_copy with other rivals never reads stale
        arrays."""
        key = (exclude, id(self.rivals))
        cached = self._array_cache.get(key)
        if cached is not None:
            return cached
        rivals = self._rivals(exclude)
        arrays = (
            np.array([r.mean for r in rivals], dtype=np.float64),
            np.array([r.sd for r in rivals], dtype=np.float64),
            np.array([r.follows_drift for r in rivals], dtype=bool),
        )
        self._array_cache[key] = arrays
        return arrays

    def _size(self) -> int:
        return len(self.rivals)

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
        if not 0 <= score <= 100:
            raise FieldError("field.score_out_of_range", score=score)
        n = self._size()
        if method == "mc":
            return rank_distribution_from_counts(self._mc_counts(score, exclude, n_samples, seed), n)
        mean, sd, follows = self._arrays(exclude)
        nodes, weights = self._drift_nodes(sd, follows)
        shift = np.where(follows[None, :], nodes[:, None], 0.0)
        centre = mean[None, :] + shift
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(sd > 0, (centre - score) / np.where(sd > 0, sd, 1.0), 0.0)
        probs = np.where(sd[None, :] > 0, ndtr(z), (np.round(centre - score, 2) > 0).astype(np.float64))
        counts = weights @ poisson_binomial(probs)
        return rank_distribution_from_counts(counts, n)

    def _drift_nodes(self, sd: FloatArray, follows: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
        """Trapezoid nodes over the shared drift on ±6 sd, spaced a quarter of the narrowest drifting rival's
        sd (or of the drift's): the conditional rank distribution changes on that scale, and at this spacing
        the quadrature error is below 1e-6 (checked against 3,000 nodes and against Monte Carlo in the tests)."""
        if self.drift_sd <= 0 or not follows.any():
            return np.zeros(1), np.ones(1)
        narrow = sd[follows & (sd > 0)]
        finest = float(narrow.min()) if narrow.size else self.drift_sd
        step = min(finest, self.drift_sd) / 4
        half = 6.0 * self.drift_sd
        count = int(min(max(math.ceil(2 * half / step) + 1, 25), 241))
        nodes = np.linspace(-half, half, count)
        weights = np.exp(-0.5 * (nodes / self.drift_sd) ** 2)
        return nodes, weights / weights.sum()

    def sample_rival_scores(self, n_samples: int, exclude: str | None = None, seed: int = 0) -> FloatArray:
        """`n_samples` joint draws of the rivals' scores (rows), correlated through the shared drift; columns in
        the order of `rival_names(exclude)`."""
        mean, sd, follows = self._arrays(exclude)
        rng = np.random.default_rng(seed)
        drift = rng.standard_normal(n_samples) * self.drift_sd
        return self._draw(rng, drift, mean, sd, follows)

    @staticmethod
    def _draw(
        rng: np.random.Generator,
        drift: FloatArray,
        mean: FloatArray,
        sd: FloatArray,
        follows: NDArray[np.bool_],
    ) -> FloatArray:
        block = rng.standard_normal((drift.size, mean.size))
        block *= sd
        block += mean
        if follows.all():
            block += drift[:, None]
        elif follows.any():
            block += drift[:, None] * follows
        return block

    def _mc_counts(self, score: float, exclude: str | None, n_samples: int, seed: int) -> FloatArray:
        """P(number of rivals strictly above = k) by Monte Carlo, in blocks to stay in cache."""
        mean, sd, follows = self._arrays(exclude)
        rng = np.random.default_rng(seed)
        drift = rng.standard_normal(n_samples) * self.drift_sd
        counts = np.zeros(mean.size + 1)
        for start in range(0, n_samples, 20_000):
            block = self._draw(rng, drift[start : start + 20_000], mean, sd, follows)
            above = np.count_nonzero(block > score, axis=1)
            counts += np.bincount(above, minlength=mean.size + 1)
        return counts / n_samples

    def p_rank_le(self, score: float, k: int, exclude: str | None = None) -> float:
        """P(our rank ≤ k) for `score`."""
        return float(min(1.0, self.rank_distribution(score, exclude)[: max(k, 0)].sum()))

    def score_for_rank(self, k: int, p: float, exclude: str | None = None) -> float:
        """The least score (to 0.01) with P(rank ≤ k) ≥ p; in mode "fixed", for any p, the least score that ties
        or beats the k-th best rival. Raises FieldError when even 100 is not enough."""
        if k < 1:
            raise FieldError("field.bad_rank_target", k=k)
        if not 0 < p <= 1:
            raise FieldError("field.bad_probability", p=p)
        if self.mode == "fixed":
            ordered = sorted((r.mean for r in self._rivals(exclude)), reverse=True)
            return 0.0 if k > len(ordered) else round(ordered[k - 1], 2)
        target = p - 1e-12
        if self.p_rank_le(100.0, k, exclude) < target:
            raise FieldError("field.rank_unreachable", k=k, p=p)
        lo, hi = 0, 10_000
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

    def expected_rank(self, score: float, exclude: str | None = None) -> float:
        dist = self.rank_distribution(score, exclude)
        return float(np.dot(np.arange(1, dist.size + 1), dist))

    def as_field(self) -> Field:
        """The projection as a field of expected scores (marked projected, bands from the spread and drift)."""
        entries = []
        for r in self.rivals:
            total_sd = math.sqrt(r.sd**2 + (self.drift_sd**2 if r.follows_drift else 0.0))
            entries.append(
                FieldEntry(
                    province=r.province,
                    score=min(r.mean, 100.0),
                    provenance="projected"
                    if total_sd > 0
                    else "custom"
                    if r.override is not None
                    else "projected",
                    basis=f"projection from {self.base_year} ({self.mode})",
                    note=f"base {r.base_score:.2f} ({r.base_provenance})"
                    + (f", override {r.override:+.2f}" if r.override is not None else ""),
                    score_low=max(r.mean - Z80 * total_sd, 0.0),
                    score_high=min(r.mean + Z80 * total_sd, 100.0),
                )
            )
        return Field(
            year=self.target_year,
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
            n_provinces=field.n_provinces,
            base_kind=field.kind,
            mode=mode,
            expected_mean=round(base_mean, 4),
            drift_sd=0.0,
            rivals=rivals,
            model=model,
        )
    model = model if model is not None else fit_drift_model(until=field.year)
    spread = field.reference_spread or float(np.std(scores)) or 1.0
    target_mean = model.expected_mean(base_mean, years)
    target_spread = spread * model.spread_ratio**years
    rho_h = model.persistence**years
    noise_var = model.noise_sd**2 * sum(model.persistence ** (2 * k) for k in range(years))
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
        band_sd = (e.score_high - e.score_low) / (2 * Z80) / spread
        var = noise_var + rho_h**2 * band_sd**2
        rivals_list.append(
            RivalProjection(
                province=e.province,
                base_score=e.score,
                base_provenance=e.provenance,
                mean=min(target_mean + target_spread * rho_h * z_eff, 100.0),
                sd=target_spread * math.sqrt(var),
                follows_drift=True,
            )
        )
    return Projection(
        base_year=field.year,
        target_year=target_year,
        n_provinces=field.n_provinces,
        base_kind=field.kind,
        mode=mode,
        expected_mean=round(target_mean, 4),
        drift_sd=model.drift_sd * math.sqrt(years),
        rivals=tuple(rivals_list),
        model=model,
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
) -> Projection:
    """The projection a plan for `year` uses: from the latest field year before it (Lào Cai plans 2019 from the
    2018 field), merged to the 34 when asked, with a table the user loaded taking the bundled field's place."""
    base_year = latest_field_year(before=year)
    base = field_for_year(base_year, provinces, loaded)
    return project_field(base, year, mode=mode, overrides=overrides)


__all__ = [
    "DriftModel",
    "Projection",
    "RivalProjection",
    "bundled_field",
    "fit_drift_model",
    "planning_projection",
    "project_field",
]
