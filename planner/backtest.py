"""Back-testing the drift model: predict each year from the years before it, compare with what was published.

For every pair of consecutive years with a national mean (t, T), the model is fitted on the history up to t only
(`ResultsData.until(t)`: no later figure leaks into the fit, the reconstruction of year t or its priors), the
field of t is reconstructed from the same history, projected to T, and compared with every province-year of T
that a source publishes with a score (and, for ranks, with a rank). Two baselines run on the same folds:
"fixed" (everybody keeps last year's score, the Doing Business assumption) and "mean shift" (everybody moves by
the model's expected change of the national mean, no regression towards the mean).

Run `python -m planner.backtest` to print the table reported in docs/field-model.md.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy.special import ndtr

from planner.projection import Z80, MeanModel, Projection, fit_drift_model, project_field
from planner.reconstruction import reconstruct_field
from planner.results_data import ResultsData, bundled_results

Method = Literal["drift_gap", "drift_constant", "mean_shift", "fixed"]
METHODS: tuple[Method, ...] = ("drift_gap", "drift_constant", "mean_shift", "fixed")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Prediction(_Frozen):
    method: Method
    base_year: int
    year: int
    province: str
    predicted_score: float
    actual_score: float | None
    predicted_rank: int
    actual_rank: int | None
    #: Whether the actual score fell inside the 80% predictive interval (None for the baselines).
    covered: bool | None = None


class MethodSummary(_Frozen):
    method: Method
    n_scores: int
    score_mae: float
    score_rmse: float
    n_ranks: int
    rank_mae: float
    rank_rmse: float
    mean_abs_error_national: float
    coverage_80: float | None


class BacktestResult(_Frozen):
    folds: tuple[tuple[int, int], ...]
    predictions: tuple[Prediction, ...]
    summaries: tuple[MethodSummary, ...]
    national: tuple[tuple[str, int, float, float], ...]  # (method, year, predicted mean, actual mean)

    def summary(self, method: Method) -> MethodSummary:
        return next(s for s in self.summaries if s.method == method)


def _folds(data: ResultsData) -> list[tuple[int, int]]:
    years = sorted(s.year for s in data.summaries if s.mean is not None)
    return list(itertools.pairwise(years))


def run_backtest(data: ResultsData | None = None) -> BacktestResult:
    """Every fold, every method; see the module docstring."""
    data = data if data is not None else bundled_results()
    predictions: list[Prediction] = []
    national: list[tuple[str, int, float, float]] = []
    folds = _folds(data)
    for base_year, year in folds:
        past = data.until(base_year)
        base = reconstruct_field(past, base_year)
        actual_rows = [r for r in data.rows_for(year) if r.score is not None or r.rank is not None]
        summary = data.summary(year)
        actual_mean = summary.mean if summary is not None and summary.mean is not None else float("nan")
        base_mean = float(np.mean(base.scores()))
        for method in METHODS:
            if method in ("drift_gap", "drift_constant"):
                mean_model: MeanModel = "gap" if method == "drift_gap" else "constant"
                model = fit_drift_model(past, until=base_year, mean_model=mean_model)
                projection = project_field(base, year, model=model)
                expected = projection.expected_scores()
                spread = {r.province: math.sqrt(r.sd**2 + projection.drift_sd**2) for r in projection.rivals}
                predicted_mean = projection.expected_mean
                ranks = _expected_ranks(projection)
            else:
                model = fit_drift_model(past, until=base_year, mean_model="gap")
                shift = (
                    model.expected_mean(base_mean, year - base_year) - base_mean
                    if method == "mean_shift"
                    else 0.0
                )
                expected = {e.province: e.score + shift for e in base.entries}
                spread = {}
                predicted_mean = base_mean + shift
                ranks = _point_ranks(expected)
            national.append((method, year, round(predicted_mean, 2), actual_mean))
            for row in actual_rows:
                guess = expected[row.province]
                covered = None
                if spread and row.score is not None:
                    covered = abs(row.score - guess) <= Z80 * spread[row.province]
                predictions.append(
                    Prediction(
                        method=method,
                        base_year=base_year,
                        year=year,
                        province=row.province,
                        predicted_score=round(guess, 2),
                        actual_score=row.score,
                        predicted_rank=ranks[row.province],
                        actual_rank=row.rank,
                        covered=covered,
                    )
                )
    summaries = tuple(_summarise(method, predictions, national) for method in METHODS)
    return BacktestResult(
        folds=tuple(folds), predictions=tuple(predictions), summaries=summaries, national=tuple(national)
    )


def _expected_ranks(projection: Projection) -> dict[str, int]:
    """Each province's expected rank among the projected field, rounded: 1 + Σ_j P(S_j > S_i). The shared
    drift moves both scores alike, so only the provinces' own spreads enter each pairwise probability."""
    mean = np.array([r.mean for r in projection.rivals])
    sd = np.array([r.sd for r in projection.rivals])
    scale = np.sqrt(sd[:, None] ** 2 + sd[None, :] ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, (mean[None, :] - mean[:, None]) / np.where(scale > 0, scale, 1.0), 0.0)
    beats = np.where(scale > 0, ndtr(z), (mean[None, :] > mean[:, None]).astype(float))
    np.fill_diagonal(beats, 0.0)
    expected = 1 + beats.sum(axis=1)
    return {r.province: round(float(v)) for r, v in zip(projection.rivals, expected, strict=True)}


def _point_ranks(expected: dict[str, float]) -> dict[str, int]:
    cents = {name: round(score * 100) for name, score in expected.items()}
    return {name: 1 + sum(1 for other in cents.values() if other > mine) for name, mine in cents.items()}


def _summarise(
    method: Method, predictions: Sequence[Prediction], national: Sequence[tuple[str, int, float, float]]
) -> MethodSummary:
    mine = [p for p in predictions if p.method == method]
    score_err = np.array([p.predicted_score - p.actual_score for p in mine if p.actual_score is not None])
    rank_err = np.array(
        [p.predicted_rank - p.actual_rank for p in mine if p.actual_rank is not None], dtype=float
    )
    covered = [p.covered for p in mine if p.covered is not None]
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
        coverage_80=round(sum(covered) / len(covered), 3) if covered else None,
    )


def format_table(result: BacktestResult) -> str:
    """The summary as a Markdown table (docs/field-model.md quotes it)."""
    lines = [
        "| method | scores | MAE | RMSE | ranks | rank MAE | rank RMSE | national mean MAE | 80% coverage |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in result.summaries:
        coverage = f"{s.coverage_80:.0%}" if s.coverage_80 is not None else "–"
        lines.append(
            f"| {s.method} | {s.n_scores} | {s.score_mae:.2f} | {s.score_rmse:.2f} | {s.n_ranks} | "
            f"{s.rank_mae:.1f} | {s.rank_rmse:.1f} | {s.mean_abs_error_national:.2f} | {coverage} |"
        )
    return "\n".join(lines)


def main() -> int:
    result = run_backtest()
    sys.stdout.write("folds: " + ", ".join(f"{a}→{b}" for a, b in result.folds) + "\n\n")
    sys.stdout.write(format_table(result) + "\n\n")
    for method, year, predicted, actual in result.national:
        if method in ("drift_gap", "drift_constant"):
            sys.stdout.write(
                f"{method} {year}: national mean predicted {predicted:.2f}, published {actual:.2f}\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


class HoldoutResult(_Frozen):
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
            position = 1 + sum(1 for e in field.entries if e.score > entry.score)
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
