"""The published PAR INDEX results bundled in data/results/, as typed records.

Every figure keeps its source URL and its `basis` (how the figure was obtained: stated, read from an ordered
list, inferred from text, derived from a stated change, or the ministry's national summary), because the field
model treats them differently and the user must be able to check each one. `ResultsData.until(year)` cuts the
history at a year, which is how the back-test predicts year t+1 from years up to t only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from planner.core.data import data_dir
from planner.core.errors import FieldError
from planner.core.memo import memoised
from planner.core.model import FrozenModel
from planner.field.provinces import match_province

Basis = Literal[
    "stated",
    "rank_from_ordered_list",
    "rank_inferred_from_text",
    "derived_from_stated_change",
    "national_summary",
    "official_table",
    "user_table",
]

#: How much a basis is trusted when two rows disagree (higher wins).
BASIS_PRIORITY: dict[str, int] = {
    "official_table": 6,
    "user_table": 5,
    "national_summary": 4,
    "stated": 3,
    "rank_from_ordered_list": 2,
    "rank_inferred_from_text": 1,
    "derived_from_stated_change": 0,
}


class ResultRow(FrozenModel):
    """One published province-year figure: a score, a rank or both, with where it comes from."""

    year: int
    province: str
    score: float | None = None
    rank: int | None = None
    n_provinces: int = 63
    source_url: str = ""
    basis: str = "stated"
    note: str = ""
    #: The line of the source file (header = 1), so a report can point at the row.
    row_number: int = 0


class NationalSummary(FrozenModel):
    """The ministry's national figures for a year: mean, top, bottom and the A/B/C group counts."""

    year: int
    n_provinces: int = 63
    mean: float | None = None
    max_score: float | None = None
    max_province: str | None = None
    min_score: float | None = None
    min_province: str | None = None
    group_a: int | None = None
    group_b: int | None = None
    group_c: int | None = None
    published: str = ""
    results_decision: str = ""
    methodology_decision: str = ""
    source_note: str = ""


class RegionalMean(FrozenModel):
    year: int
    region: str
    mean: float


class ThresholdCount(FrozenModel):
    """ "`count` provinces scored `threshold` or more" (from group counts or a banding stated in the news)."""

    year: int
    threshold: float
    count: int
    source_url: str = ""
    note: str = ""


class Resolution(FrozenModel):
    """An editor's decision on a known contradiction between sources, with its reason in both languages."""

    year: int
    kind: str
    keep: str
    drop: str
    action: Literal["move_rank", "drop_rank", "drop_row"]
    new_rank: int | None = None
    reason_vi: str = ""
    reason_en: str = ""


class ResultsData(FrozenModel):
    """Everything published about past results of one index, as loaded from data/results/."""

    #: The index the figures are of (planner.methodology.index) and its scale.
    index: str = "par"
    max_points: float = 100.0
    rows: tuple[ResultRow, ...] = ()
    summaries: tuple[NationalSummary, ...] = ()
    regional_means: tuple[RegionalMean, ...] = ()
    thresholds: tuple[ThresholdCount, ...] = ()
    resolutions: tuple[Resolution, ...] = ()

    def until(self, year: int) -> ResultsData:
        """Only what concerns years up to `year` (the back-test's view of the past)."""
        return ResultsData(
            index=self.index,
            max_points=self.max_points,
            rows=tuple(r for r in self.rows if r.year <= year),
            summaries=tuple(s for s in self.summaries if s.year <= year),
            regional_means=tuple(m for m in self.regional_means if m.year <= year),
            thresholds=tuple(t for t in self.thresholds if t.year <= year),
            resolutions=tuple(r for r in self.resolutions if r.year <= year),
        )

    def rows_for(self, year: int) -> tuple[ResultRow, ...]:
        return tuple(r for r in self.rows if r.year == year)

    def summary(self, year: int) -> NationalSummary | None:
        for s in self.summaries:
            if s.year == year:
                return s
        return None

    def regional_means_for(self, year: int) -> dict[str, float]:
        return {m.region: m.mean for m in self.regional_means if m.year == year}

    def thresholds_for(self, year: int) -> tuple[ThresholdCount, ...]:
        return tuple(t for t in self.thresholds if t.year == year)

    def resolutions_for(self, year: int) -> tuple[Resolution, ...]:
        return tuple(r for r in self.resolutions if r.year == year)

    def years(self) -> tuple[int, ...]:
        """Every year with at least one published figure or a national summary."""
        return tuple(sorted({r.year for r in self.rows} | {s.year for s in self.summaries}))

    def with_rows(self, rows: Iterable[ResultRow]) -> ResultsData:
        return self.model_copy(update={"rows": (*self.rows, *rows)})


def _results_dir() -> Path:
    return data_dir() / "results"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _province(text: str) -> str | None:
    return match_province(text, era=63) if text.strip() else None


@memoised(maxsize=8)
def bundled_results(index: str = "par") -> ResultsData:
    """The bundled results of `index`, validated once per process; a malformed edit fails here, loudly."""
    if index != "par":
        return _index_results(index)
    folder = _results_dir()
    try:
        rows = tuple(
            ResultRow(
                year=int(r["year"]),
                province=match_province(r["province"], era=63),
                score=_float(r["score_pct"]),
                rank=_int(r["rank"]),
                n_provinces=_int(r["n_provinces"]) or 63,
                source_url=r["source_url"],
                basis=r["basis"],
                note=r["note"],
                row_number=i,
            )
            for i, r in enumerate(_read_csv(folder / "par_index_results.csv"), start=2)
        )
        summaries = tuple(
            NationalSummary(
                year=int(r["year"]),
                n_provinces=_int(r["n_provinces"]) or 63,
                mean=_float(r["mean_score"]),
                max_score=_float(r["max_score"]),
                max_province=_province(r["max_province"]),
                min_score=_float(r["min_score"]),
                min_province=_province(r["min_province"]),
                group_a=_int(r["group_a_ge90"]),
                group_b=_int(r["group_b_80_90"]),
                group_c=_int(r["group_c_lt80"]),
                published=r["published"],
                results_decision=r["results_decision"],
                methodology_decision=r["methodology_decision"],
                source_note=r["source_note"],
            )
            for r in _read_csv(folder / "national_summary.csv")
        )
        regional = tuple(
            RegionalMean(year=int(r["year"]), region=r["region"], mean=float(r["mean_score"]))
            for r in _read_csv(folder / "regional_means.csv")
        )
        thresholds: list[ThresholdCount] = []
        extra = folder / "threshold_counts.csv"
        if extra.exists():
            thresholds = [
                ThresholdCount(
                    year=int(r["year"]),
                    threshold=float(r["threshold"]),
                    count=int(r["count_at_least"]),
                    source_url=r["source_url"],
                    note=r["note"],
                )
                for r in _read_csv(extra)
            ]
        resolutions: list[Resolution] = []
        decisions = folder / "resolutions.csv"
        if decisions.exists():
            resolutions = [
                Resolution(
                    year=int(r["year"]),
                    kind=r["kind"],
                    keep=match_province(r["keep"], era=63),
                    drop=match_province(r["drop"], era=63),
                    action=r["action"],
                    new_rank=_int(r["new_rank"]),
                    reason_vi=r["reason_vi"],
                    reason_en=r["reason_en"],
                )
                for r in _read_csv(decisions)
            ]
    except (KeyError, ValueError) as exc:
        raise FieldError("field.bundled_data_invalid", detail=str(exc)[:200]) from None
    return ResultsData(
        rows=rows,
        summaries=summaries,
        regional_means=regional,
        thresholds=tuple(thresholds),
        resolutions=tuple(resolutions),
    )


class DimensionScore(FrozenModel):
    """One published score of one dimension of an index (a PAPI dimension, 1-10), with its source."""

    year: int
    province: str
    dimension: str
    score: float
    rank: int | None = None
    source_url: str = ""
    note: str = ""


#: The row that holds an index's total in data/results/<index>/<index>_results.csv; other scales (PAPI's
#: 2009-2017 `total_6dim`) are kept as figures but never enter a field.
TOTAL = "total"


def _index_rows(index: str) -> list[dict[str, str]]:
    path = _results_dir() / index / f"{index}_results.csv"
    if not path.exists():
        raise FieldError("field.no_results_for_index", index=index)
    return _read_csv(path)


@memoised(maxsize=8)
def _index_results(index: str) -> ResultsData:
    """An index other than the PAR INDEX: its totals (score, rank or both) from its own folder, on its scale.
    No national summary, regional means or group counts are published for it: the reconstruction estimates
    each year's mean from the (score, rank) pairs and says so."""
    from planner.methodology.index import get_index

    scale = get_index(index).max_points
    try:
        rows = tuple(
            ResultRow(
                year=int(r["year"]),
                province=match_province(r["province"], era=63),
                score=_float(r["score"]),
                rank=_int(r["rank"]),
                source_url=r["source_url"],
                basis=r.get("basis") or "stated",
                note=r["note"],
                row_number=i,
            )
            for i, r in enumerate(_index_rows(index), start=2)
            if r["dimension"] == TOTAL and (r["score"] or r["rank"])
        )
    except (KeyError, ValueError) as exc:
        raise FieldError("field.bundled_data_invalid", detail=str(exc)[:200]) from None
    return ResultsData(index=index, max_points=scale, rows=rows)


@memoised(maxsize=8)
def bundled_dimension_scores(index: str) -> tuple[DimensionScore, ...]:
    """Every published dimension score of `index` (not its totals), for a province's starting profile."""
    try:
        return tuple(
            DimensionScore(
                year=int(r["year"]),
                province=match_province(r["province"], era=63),
                dimension=r["dimension"],
                score=float(r["score"]),
                rank=_int(r["rank"]),
                source_url=r["source_url"],
                note=r["note"],
            )
            for r in _index_rows(index)
            if not r["dimension"].startswith(TOTAL) and r["score"]
        )
    except (KeyError, ValueError) as exc:
        raise FieldError("field.bundled_data_invalid", detail=str(exc)[:200]) from None
