"""Back-testing the drift model: predict each year from the years before it, compare with what was published.

For every pair of consecutive years with a national mean (t, T), the model is fitted on the history up to t only
(`ResultsData.until(t)`: no later figure leaks into the fit, the reconstruction of year t or its priors), the
field of t is reconstructed from the same history, projected to T, and compared with every province-year of T
that a source publishes with a score (and, for ranks, with a rank). Two baselines run on the same folds:
"fixed" (everybody keeps last year's score, the Doing Business assumption) and "mean shift" (everybody moves by
the model's expected change of the national mean, no regression towards the mean).

Three checks of the uncertainty, since that is what every P(rank ≤ k) rests on:

- score coverage: does the published score fall inside the province's central 80% interval (split by whether
  its base-year score was published or reconstructed);
- rank given score, the statement the app makes: with the province's actual score, does its actual rank fall
  inside the central 80% rank interval, and how good are the statements P(rank ≤ k) (Brier score);
- `inflation_check`: would widening every spread by a factor λ help? λ is chosen leave-one-fold-out (on the
  other six folds, applied to the held-out one), never tuned and scored on the same outcomes.

Published outcomes are selected (sources print leaders, laggards and big movers), so even a calibrated model
covers fewer than 80% of them; `selection_check` measures how many it should cover, by drawing whole fields from
the model and looking at the provinces that land on the published ranks.

Run `python -m planner.field.backtest` to print the tables reported in docs/field-model.md.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Sequence
from typing import Literal

import numpy as np

from planner.core.model import FrozenModel
from planner.field.model import Field
from planner.field.projection import MeanModel, Projection, fit_drift_model, project_field
from planner.field.rank_maths import (
    exceed_probability,
    interval_from_distribution,
    poisson_binomial,
    rank_distribution_from_counts,
)
from planner.field.ranking import RANK_INTERVAL_LEVEL, rank_distribution_in_field, rank_of, ranks_of
from planner.field.reconstruction import reconstruct_field
from planner.field.results import ResultRow, ResultsData, bundled_results

Method = Literal["drift_gap", "drift_constant", "mean_shift", "fixed"]
METHODS: tuple[Method, ...] = ("drift_gap", "drift_constant", "mean_shift", "fixed")
#: The statements P(rank ≤ k) scored by the Brier score, for every published (score, rank).
STATEMENT_RANKS = (1, 3, 5, 10, 15, 20, 25, 30, 40, 50, 60)
#: The inflation factors tried by `inflation_check`.
INFLATION_GRID = tuple(round(0.8 + 0.05 * i, 2) for i in range(25))
LEVEL = 0.8


class Prediction(FrozenModel):
    method: Method
    base_year: int
    year: int
    province: str
    predicted_score: float
    actual_score: float | None
    #: The median rank of the province's expected score among the other projected provinces (the rank the app
    #: shows); for the baselines, the rank of its point score.
    predicted_rank: int
    actual_rank: int | None
    #: Whether the actual score fell inside the central 80% predictive interval (None for the baselines).
    covered: bool | None = None
    #: P(score ≤ actual) under the projection (None for the baselines).
    pit: float | None = None
    #: Whether the province's base-year score was published (rather than reconstructed).
    base_published: bool = False
    #: With the actual score, whether the actual rank fell inside the central 80% rank interval.
    rank_covered: bool | None = None
    #: With the actual score, the mean Brier score of the statements P(rank ≤ k), k in STATEMENT_RANKS.
    rank_brier: float | None = None
    #: With the actual score, log P(rank = actual rank).
    rank_log_score: float | None = None


class MethodSummary(FrozenModel):
    method: Method
    n_scores: int
    score_mae: float
    score_rmse: float
    n_ranks: int
    rank_mae: float
    rank_rmse: float
    mean_abs_error_national: float
    coverage_80: float | None
    coverage_80_published: float | None = None
    coverage_80_reconstructed: float | None = None
    #: Rank given the actual score: share inside the 80% rank interval, mean Brier score, mean log score.
    rank_coverage_80: float | None = None
    rank_brier: float | None = None
    rank_log_score: float | None = None


class BacktestResult(FrozenModel):
    folds: tuple[tuple[int, int], ...]
    predictions: tuple[Prediction, ...]
    summaries: tuple[MethodSummary, ...]
    national: tuple[tuple[str, int, float, float], ...]  # (method, year, predicted mean, actual mean)

    def summary(self, method: Method) -> MethodSummary:
        return next(s for s in self.summaries if s.method == method)


def _folds(data: ResultsData) -> list[tuple[int, int]]:
    years = sorted(s.year for s in data.summaries if s.mean is not None)
    return list(itertools.pairwise(years))


def _outcomes(data: ResultsData, year: int) -> list[ResultRow]:
    return [r for r in data.rows_for(year) if r.score is not None or r.rank is not None]


def _fold(data: ResultsData, base_year: int, year: int) -> tuple[Field, ResultsData]:
    past = data.until(base_year)
    return reconstruct_field(past, base_year), past


def fold_projection(
    data: ResultsData, base_year: int, year: int, mean_model: MeanModel = "constant"
) -> Projection:
    """The projection a fold tests: fitted and reconstructed from the history up to `base_year` only."""
    base, past = _fold(data, base_year, year)
    return project_field(base, year, model=fit_drift_model(past, until=base_year, mean_model=mean_model))


def run_backtest(data: ResultsData | None = None) -> BacktestResult:
    """Every fold, every method; see the module docstring."""
    data = data if data is not None else bundled_results()
    predictions: list[Prediction] = []
    national: list[tuple[str, int, float, float]] = []
    folds = _folds(data)
    for base_year, year in folds:
        base, past = _fold(data, base_year, year)
        published = {e.province for e in base.entries if e.provenance in ("sourced", "official")}
        summary = data.summary(year)
        actual_mean = summary.mean if summary is not None and summary.mean is not None else float("nan")
        base_mean = float(np.mean(base.scores()))
        for method in METHODS:
            projection: Projection | None = None
            if method in ("drift_gap", "drift_constant"):
                projection = fold_projection(
                    data, base_year, year, "gap" if method == "drift_gap" else "constant"
                )
                expected = projection.expected_scores()
                predicted_mean = projection.expected_mean
            else:
                model = fit_drift_model(past, until=base_year, mean_model="gap")
                shift = (
                    model.expected_mean(base_mean, year - base_year) - base_mean
                    if method == "mean_shift"
                    else 0.0
                )
                expected = {e.province: e.score + shift for e in base.entries}
                predicted_mean = base_mean + shift
            ranks = _median_ranks(projection, expected) if projection is not None else _point_ranks(expected)
            statements = project_field(base, year, mode="fixed") if method == "fixed" else projection
            national.append((method, year, round(predicted_mean, 2), actual_mean))
            for row in _outcomes(data, year):
                predictions.append(
                    _predict(method, base_year, row, expected, ranks, projection, statements, published)
                )
    summaries = tuple(_summarise(method, predictions, national) for method in METHODS)
    return BacktestResult(
        folds=tuple(folds), predictions=tuple(predictions), summaries=summaries, national=tuple(national)
    )


def _predict(
    method: Method,
    base_year: int,
    row: ResultRow,
    expected: dict[str, float],
    ranks: dict[str, int],
    projection: Projection | None,
    statements: Projection | None,
    published: set[str],
) -> Prediction:
    covered = pit = None
    if projection is not None and row.score is not None:
        low, high = projection.score_interval(row.province, LEVEL)
        covered = low <= row.score <= high
        pit = round(projection.score_cdf(row.province, row.score), 4)
    rank_covered = brier = log_score = None
    if statements is not None and row.score is not None and row.rank is not None:
        rank_covered, brier, log_score = _rank_statements(statements, row.score, row.rank, row.province)
    return Prediction(
        method=method,
        base_year=base_year,
        year=row.year,
        province=row.province,
        predicted_score=round(expected[row.province], 2),
        actual_score=row.score,
        predicted_rank=ranks[row.province],
        actual_rank=row.rank,
        covered=covered,
        pit=pit,
        base_published=row.province in published,
        rank_covered=rank_covered,
        rank_brier=brier,
        rank_log_score=log_score,
    )


def _rank_statements(
    projection: Projection, score: float, rank: int, province: str
) -> tuple[bool, float, float]:
    """With the actual score: is the actual rank inside the 80% interval, the mean Brier score of the statements
    P(rank ≤ k), and log P(rank = actual) (floored at 1e-9)."""
    dist = projection.rank_distribution(min(max(score, 0.0), 100.0), province)
    low, high = interval_from_distribution(dist, LEVEL)
    cdf = np.minimum(np.cumsum(dist), 1.0)
    ks = [k for k in STATEMENT_RANKS if k <= dist.size]
    brier = float(np.mean([(cdf[k - 1] - (1.0 if rank <= k else 0.0)) ** 2 for k in ks]))
    log_score = math.log(max(float(dist[min(rank, dist.size) - 1]), 1e-9))
    return low <= rank <= high, round(brier, 5), round(log_score, 4)


def _median_ranks(projection: Projection, expected: dict[str, float]) -> dict[str, int]:
    """Each province's median rank when it scores its expected score and the others are projected: the rank
    the app shows. (The first version used the expected rank 1 + Σ_j P(S_j > S_i), a mean, which is the best
    guess for squared errors but not for absolute ones, and which counted each reconstructed rival's doubt
    about its place as if the field itself were that wide.)"""
    return {
        name: projection.median_rank(min(max(score, 0.0), 100.0), name) for name, score in expected.items()
    }


def _point_ranks(expected: dict[str, float]) -> dict[str, int]:
    return dict(zip(expected, ranks_of(list(expected.values())), strict=True))


def _share(values: Sequence[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _mean(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def _summarise(
    method: Method, predictions: Sequence[Prediction], national: Sequence[tuple[str, int, float, float]]
) -> MethodSummary:
    mine = [p for p in predictions if p.method == method]
    score_err = np.array([p.predicted_score - p.actual_score for p in mine if p.actual_score is not None])
    rank_err = np.array(
        [p.predicted_rank - p.actual_rank for p in mine if p.actual_rank is not None], dtype=float
    )
    nat = np.array([pred - actual for m, _, pred, actual in national if m == method and actual == actual])
    return MethodSummary(
        method=method,
        n_scores=int(score_err.size),
        score_mae=round(float(np.mean(np.abs(score_err))), 3) if score_err.size else float("nan"),
        score_rmse=round(float(np.sqrt(np.mean(score_err**2))), 3) if score_err.size else float("nan"),
        n_ranks=int(rank_err.size),
        rank_mae=round(float(np.mean(np.abs(rank_err))), 2) if rank_err.size else float("nan"),
        rank_rmse=round(float(np.sqrt(np.mean(rank_err**2))), 2) if rank_err.size else float("nan"),
        mean_abs_error_national=round(float(np.mean(np.abs(nat))), 3) if nat.size else float("nan"),
        coverage_80=_share([p.covered for p in mine if p.covered is not None]),
        coverage_80_published=_share([p.covered for p in mine if p.covered is not None and p.base_published]),
        coverage_80_reconstructed=_share(
            [p.covered for p in mine if p.covered is not None and not p.base_published]
        ),
        rank_coverage_80=_share([p.rank_covered for p in mine if p.rank_covered is not None]),
        rank_brier=_mean([p.rank_brier for p in mine if p.rank_brier is not None]),
        rank_log_score=_mean([p.rank_log_score for p in mine if p.rank_log_score is not None]),
    )


def format_table(result: BacktestResult) -> str:
    """The summary as a Markdown table (docs/field-model.md quotes it)."""
    lines = [
        "| method | scores | MAE | RMSE | ranks | rank MAE | rank RMSE | national mean MAE | 80% coverage "
        "(published / reconstructed base) | rank given score: 80% coverage | Brier | log score |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def pct(value: float | None) -> str:
        return f"{value:.0%}" if value is not None else "–"

    for s in result.summaries:
        coverage = (
            f"{pct(s.coverage_80)} ({pct(s.coverage_80_published)} / {pct(s.coverage_80_reconstructed)})"
            if s.coverage_80 is not None
            else "–"
        )
        brier = f"{s.rank_brier:.3f}" if s.rank_brier is not None else "–"
        log_score = f"{s.rank_log_score:.2f}" if s.rank_log_score is not None else "–"
        lines.append(
            f"| {s.method} | {s.n_scores} | {s.score_mae:.2f} | {s.score_rmse:.2f} | {s.n_ranks} | "
            f"{s.rank_mae:.1f} | {s.rank_rmse:.1f} | {s.mean_abs_error_national:.2f} | {coverage} | "
            f"{pct(s.rank_coverage_80)} | {brier} | {log_score} |"
        )
    return "\n".join(lines)


# --- would a variance inflation help? ------------------------------------------------------------------------


class InflationFold(FrozenModel):
    year: int
    #: λ chosen on the other folds: the least factor whose 80% score coverage there reaches 80%.
    inflation: float
    n_scores: int
    coverage_80: float
    coverage_80_at_1: float


class InflationCheck(FrozenModel):
    """Widening every spread of the projection (drift, renewal, bands) by a factor λ, chosen leave-one-fold-out.

    Score coverage alone would ask for λ > 1, but published outcomes are selected; the rank statements (Brier
    and log scores of the rank given the actual score, proper scores) say whether the wider model is better."""

    in_sample_inflation: float
    in_sample_coverage_80: float
    folds: tuple[InflationFold, ...]
    #: Pooled over the held-out folds, each with its own λ; then the same at λ = 1.
    out_of_fold_coverage_80: float
    out_of_fold_coverage_published: float
    out_of_fold_coverage_reconstructed: float
    out_of_fold_rank_coverage_80: float
    out_of_fold_rank_brier: float
    out_of_fold_rank_log_score: float
    coverage_80_at_1: float
    rank_coverage_80_at_1: float
    rank_brier_at_1: float
    rank_log_score_at_1: float


def _inflated(projection: Projection, factor: float) -> Projection:
    rivals = tuple(
        r.model_copy(
            update={
                "sd": r.sd * factor,
                "renewal_scale": r.renewal_scale * factor,
                "base_sd": r.base_sd * factor,
                "count_scale": None if r.count_scale is None else r.count_scale * factor,
            }
        )
        for r in projection.rivals
    )
    return projection.model_copy(
        update={
            "rivals": rivals,
            "drift_sd": projection.drift_sd * factor,
            "drift_t_scale": projection.drift_t_scale * factor,
        }
    )


def inflation_check(
    data: ResultsData | None = None, grid: Sequence[float] = INFLATION_GRID
) -> InflationCheck:
    """See InflationCheck. Scaling every spread by λ scales the whole predictive distribution around the rival's
    expected score, so a score is inside the λ-interval when the centred score divided by λ is inside the
    original one; rank distributions are recomputed for each λ."""
    data = data if data is not None else bundled_results()
    grid = tuple(grid)
    # per fold: (published base?, inside the λ-interval for each λ), rank (covered, brier, log) for each λ
    scores: dict[int, list[tuple[bool, list[bool]]]] = {}
    ranks: dict[int, list[list[tuple[bool, float, float]]]] = {}
    for base_year, year in _folds(data):
        projection = fold_projection(data, base_year, year)
        base, _ = _fold(data, base_year, year)
        published = {e.province for e in base.entries if e.provenance in ("sourced", "official")}
        expected = {r.province: r.mean for r in projection.rivals}
        scores[year], ranks[year] = [], []
        inflated = [_inflated(projection, factor) for factor in grid]
        for row in _outcomes(data, year):
            if row.score is None:
                continue
            centre = expected[row.province]
            inside = []
            for factor in grid:
                u = projection.score_cdf(row.province, centre + (row.score - centre) / factor)
                inside.append(abs(u - 0.5) <= LEVEL / 2 + 1e-12)
            scores[year].append((row.province in published, inside))
            if row.rank is not None:
                ranks[year].append([_rank_statements(p, row.score, row.rank, row.province) for p in inflated])
    years = sorted(scores)

    def coverage(in_years: Sequence[int], i: int) -> float:
        hits = [inside[i] for y in in_years for _, inside in scores[y]]
        return sum(hits) / len(hits)

    def choose(in_years: Sequence[int]) -> int:
        return next((i for i in range(len(grid)) if coverage(in_years, i) >= LEVEL), len(grid) - 1)

    at_1 = min(range(len(grid)), key=lambda i: abs(grid[i] - 1.0))
    chosen = {y: choose([x for x in years if x != y]) for y in years}
    in_sample = choose(years)

    def pooled(pick: dict[int, int]) -> tuple[float, float, float, float, float, float]:
        hits = [inside[pick[y]] for y in years for _, inside in scores[y]]
        pub = [inside[pick[y]] for y in years for p, inside in scores[y] if p]
        rec = [inside[pick[y]] for y in years for p, inside in scores[y] if not p]
        rk = [r[pick[y]] for y in years for r in ranks[y]]
        return (
            float(np.mean(hits)),
            float(np.mean(pub)),
            float(np.mean(rec)),
            float(np.mean([c for c, _, _ in rk])),
            float(np.mean([b for _, b, _ in rk])),
            float(np.mean([g for _, _, g in rk])),
        )

    out = pooled(chosen)
    one = pooled({y: at_1 for y in years})
    return InflationCheck(
        in_sample_inflation=grid[in_sample],
        in_sample_coverage_80=round(coverage(years, in_sample), 3),
        folds=tuple(
            InflationFold(
                year=y,
                inflation=grid[chosen[y]],
                n_scores=len(scores[y]),
                coverage_80=round(coverage([y], chosen[y]), 3),
                coverage_80_at_1=round(coverage([y], at_1), 3),
            )
            for y in years
        ),
        out_of_fold_coverage_80=round(out[0], 3),
        out_of_fold_coverage_published=round(out[1], 3),
        out_of_fold_coverage_reconstructed=round(out[2], 3),
        out_of_fold_rank_coverage_80=round(out[3], 3),
        out_of_fold_rank_brier=round(out[4], 4),
        out_of_fold_rank_log_score=round(out[5], 3),
        coverage_80_at_1=round(one[0], 3),
        rank_coverage_80_at_1=round(one[3], 3),
        rank_brier_at_1=round(one[4], 4),
        rank_log_score_at_1=round(one[5], 3),
    )


# --- how many published outcomes should a calibrated model cover? ------------------------------------------


class SelectionCheck(FrozenModel):
    """The 80% score coverage the model itself expects on the published outcomes, which are not a random sample:
    whole fields of the target year are drawn from the projection, and the provinces that land on the ranks a
    source published are checked against their own intervals. `all_provinces` is the same over all 63."""

    draws: int
    observed: float
    expected_at_published_ranks: float
    all_provinces: float
    by_year: tuple[tuple[int, int, float, float], ...]  # (year, outcomes, observed, expected)


def selection_check(data: ResultsData | None = None, *, draws: int = 4000, seed: int = 1) -> SelectionCheck:
    """See SelectionCheck. A field is drawn as the model sees it: the shared drift, each province's renewal, and
    for a reconstructed province its place in the field drawn with its own band's doubt (ordering noisy keys
    and handing out the reconstructed places in that order, so the field keeps its shape) plus the profile
    band. Only outcomes with both a score and a rank take part (the rank is what selects them)."""
    data = data if data is not None else bundled_results()
    rng = np.random.default_rng(seed)
    observed: list[bool] = []
    expected: list[float] = []
    everyone: list[float] = []
    by_year = []
    for base_year, year in _folds(data):
        projection = fold_projection(data, base_year, year)
        rivals = projection.rivals
        intervals = np.array([projection.score_interval(r.province, LEVEL) for r in rivals])
        fields = _draw_fields(projection, draws, rng)
        order = np.argsort(-fields, axis=1)
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(1, len(rivals) + 1)[None, :], axis=1)
        inside = (fields >= intervals[:, 0]) & (fields <= intervals[:, 1])
        everyone.append(float(inside.mean()))
        rows = [r for r in data.rows_for(year) if r.score is not None and r.rank is not None]
        year_obs, year_exp = [], []
        index = {r.province: i for i, r in enumerate(rivals)}
        for row in rows:
            i = index[row.province]
            year_obs.append(bool(intervals[i, 0] <= row.score <= intervals[i, 1]))
            at_rank = ranks == row.rank
            year_exp.append(float(np.sum(inside & at_rank) / max(np.sum(at_rank), 1)))
        observed += year_obs
        expected += year_exp
        by_year.append(
            (year, len(rows), round(float(np.mean(year_obs)), 3), round(float(np.mean(year_exp)), 3))
        )
    return SelectionCheck(
        draws=draws,
        observed=round(float(np.mean(observed)), 3),
        expected_at_published_ranks=round(float(np.mean(expected)), 3),
        all_provinces=round(float(np.mean(everyone)), 3),
        by_year=tuple(by_year),
    )


def _draw_fields(projection: Projection, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Whole fields of the target year (rows), each province's own spread kept, the field's shape kept."""
    rivals = projection.rivals
    mean = np.array([r.mean for r in rivals])
    renewal = np.array([r.renewal_scale for r in rivals])
    own = np.array([r.base_sd for r in rivals])
    count = np.array([r.count_scale if r.count_scale is not None else r.sd for r in rivals])
    factor = 1.0 if projection.noise_df is None else projection.noise_df / (projection.noise_df - 2.0)
    profile = np.sqrt(np.maximum(count**2 - renewal**2, 0.0) * factor)
    relabel = np.sqrt(np.maximum(own**2 - profile**2, 0.0))
    moving = relabel > 1e-9
    base = np.tile(mean, (draws, 1))
    if moving.any():
        keys = mean[moving][None, :] + rng.standard_normal((draws, int(moving.sum()))) * relabel[moving]
        places = np.sort(mean[moving])
        assigned = np.empty_like(keys)
        np.put_along_axis(assigned, np.argsort(keys, axis=1), np.broadcast_to(places, keys.shape), axis=1)
        base[:, moving] = assigned
    shape = (draws, mean.size)
    noise = (
        rng.standard_normal(shape)
        if projection.noise_df is None
        else rng.standard_t(projection.noise_df, shape)
    )
    if projection.drift_df is None:
        drift = rng.standard_normal(draws) * projection.drift_sd
    else:
        drift = rng.standard_t(projection.drift_df, draws) * projection.drift_sd
    follows = np.array([r.follows_drift for r in rivals])
    return np.asarray(
        base + rng.standard_normal(shape) * profile + noise * renewal + drift[:, None] * follows,
        dtype=np.float64,
    )


def main() -> int:
    result = run_backtest()
    sys.stdout.write("folds: " + ", ".join(f"{a}→{b}" for a, b in result.folds) + "\n\n")
    sys.stdout.write(format_table(result) + "\n\n")
    for method, year, predicted, actual in result.national:
        if method in ("drift_gap", "drift_constant"):
            sys.stdout.write(
                f"{method} {year}: national mean predicted {predicted:.2f}, published {actual:.2f}\n"
            )
    check = inflation_check()
    sys.stdout.write(
        f"\ninflation λ: in-sample {check.in_sample_inflation:.2f} (coverage {check.in_sample_coverage_80:.1%}); "
        + ", ".join(f"{f.year}: {f.inflation:.2f}" for f in check.folds)
        + "\n"
    )
    sys.stdout.write(
        f"out of fold: score coverage {check.out_of_fold_coverage_80:.1%} "
        f"(published {check.out_of_fold_coverage_published:.1%}, "
        f"reconstructed {check.out_of_fold_coverage_reconstructed:.1%}), "
        f"rank coverage {check.out_of_fold_rank_coverage_80:.1%}, Brier {check.out_of_fold_rank_brier:.4f}, "
        f"log score {check.out_of_fold_rank_log_score:.3f}\n"
        f"at λ = 1: score coverage {check.coverage_80_at_1:.1%}, rank coverage {check.rank_coverage_80_at_1:.1%}, "
        f"Brier {check.rank_brier_at_1:.4f}, log score {check.rank_log_score_at_1:.3f}\n"
    )
    selection = selection_check()
    sys.stdout.write(
        f"\nselection: observed {selection.observed:.1%}, a calibrated model expects "
        f"{selection.expected_at_published_ranks:.1%} at the published ranks ({selection.all_provinces:.1%} over "
        "all provinces)\n"
        + "".join(
            f"  {y}: {n} outcomes, observed {o:.0%}, expected {e:.0%}\n" for y, n, o, e in selection.by_year
        )
    )
    holdout = ranking_holdout()
    sys.stdout.write(
        f"\nrank in a reconstructed field, {holdout.n} hidden (score, rank): 80% interval holds the rank "
        f"{holdout.coverage_80:.0%} (width {holdout.mean_width:.1f}, log score {holdout.log_score:.2f}); "
        f"with own bands {holdout.own_band_coverage_80:.0%} (width {holdout.own_band_mean_width:.1f}, "
        f"log score {holdout.own_band_log_score:.2f})\n"
    )
    return 0


class HoldoutResult(FrozenModel):
    """Leave-one-out check of the reconstruction: hide one published score, reconstruct, compare."""

    n: int
    mae: float
    rmse: float
    coverage_80: float
    rank_mae: float
    rows: tuple[tuple[int, str, float, float, float, float], ...]  # year, province, actual, point, low, high


def reconstruction_holdout(data: ResultsData | None = None, *, min_year: int = 2018) -> HoldoutResult:
    """For every published score of a year from `min_year` on (except the year's top and bottom, which the
    national summary states anyway), reconstruct the year without that row and see where its score lands."""
    data = data if data is not None else bundled_results()
    out: list[tuple[int, str, float, float, float, float]] = []
    rank_errors: list[float] = []
    for row in data.rows:
        if row.year < min_year or row.score is None:
            continue
        summary = data.summary(row.year)
        if summary is not None and row.province in (summary.max_province, summary.min_province):
            continue
        kept = data.model_copy(update={"rows": tuple(r for r in data.rows if r is not row)})
        field = reconstruct_field(kept, row.year)
        entry = field.entry(row.province)
        out.append((row.year, row.province, row.score, entry.score, entry.score_low, entry.score_high))
        if row.rank is not None:
            position = rank_of(entry.score, (e.score for e in field.entries))
            rank_errors.append(abs(position - row.rank))
    errors = np.array([point - actual for _, _, actual, point, _, _ in out])
    covered = [low <= actual <= high for _, _, actual, _, low, high in out]
    return HoldoutResult(
        n=len(out),
        mae=round(float(np.mean(np.abs(errors))), 3),
        rmse=round(float(np.sqrt(np.mean(errors**2))), 3),
        coverage_80=round(sum(covered) / max(len(covered), 1), 3),
        rank_mae=round(float(np.mean(rank_errors)), 2) if rank_errors else float("nan"),
        rows=tuple(out),
    )


class RankingHoldout(FrozenModel):
    """Leave-one-out check of `rank_in_field`'s interval: hide one published (score, rank), rebuild the year
    without it, rank the score among the others and see whether the published rank is inside the 80% interval.
    The `own_band_` figures draw every reconstructed rival from its own band instead (the first version)."""

    n: int
    coverage_80: float
    log_score: float
    mean_width: float
    own_band_coverage_80: float
    own_band_log_score: float
    own_band_mean_width: float


def ranking_holdout(data: ResultsData | None = None, *, min_year: int = 2018) -> RankingHoldout:
    """See RankingHoldout (each year's top and bottom are skipped: the national summary states them anyway)."""
    data = data if data is not None else bundled_results()
    found: dict[bool, list[tuple[bool, float, int]]] = {True: [], False: []}
    for row in data.rows:
        if row.year < min_year or row.score is None or row.rank is None:
            continue
        summary = data.summary(row.year)
        if summary is not None and row.province in (summary.max_province, summary.min_province):
            continue
        kept = data.model_copy(update={"rows": tuple(r for r in data.rows if r is not row)})
        field = reconstruct_field(kept, row.year)
        rivals = [e for e in field.entries if e.province != row.province]
        own = np.array(
            [
                exceed_probability(
                    e.score,
                    e.score_low,
                    e.score_high,
                    e.score_min if e.score_min is not None else 2 * e.score_low - e.score,
                    e.score_max if e.score_max is not None else 2 * e.score_high - e.score,
                    row.score,
                )
                for e in rivals
            ]
        )
        for profile, dist in (
            (True, rank_distribution_in_field(rivals, row.score, field.n_provinces)),
            (False, rank_distribution_from_counts(poisson_binomial(own), field.n_provinces)),
        ):
            low, high = interval_from_distribution(dist, RANK_INTERVAL_LEVEL)
            found[profile].append(
                (low <= row.rank <= high, math.log(max(float(dist[row.rank - 1]), 1e-9)), high - low)
            )

    def stats(values: list[tuple[bool, float, int]]) -> tuple[float, float, float]:
        return (
            round(float(np.mean([c for c, _, _ in values])), 3),
            round(float(np.mean([g for _, g, _ in values])), 3),
            round(float(np.mean([w for _, _, w in values])), 2),
        )

    new, old = stats(found[True]), stats(found[False])
    return RankingHoldout(
        n=len(found[True]),
        coverage_80=new[0],
        log_score=new[1],
        mean_width=new[2],
        own_band_coverage_80=old[0],
        own_band_log_score=old[1],
        own_band_mean_width=old[2],
    )


if __name__ == "__main__":
    raise SystemExit(main())
