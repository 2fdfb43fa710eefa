"""The rank of a score in a field: where it lands, who is tied, how far each rival is, and how sure we are.

Rank follows the ministry's rule: 1 + the number of provinces with a strictly higher score, so equal scores share
a rank and the ties are named. Scores are compared in hundredths (the published precision), which keeps 88.1 and
88.10 equal whatever the floating-point arithmetic says. When the field contains reconstructed scores, the rank
is only as certain as they are: `rank_interval` is the central 80% interval of the rank when each rival's score
is drawn from its profile band (independent rivals, Poisson-binomial), always widened to contain the point rank.
The profile band, not the province's own band: a province whose rank nobody published mostly does not know which
place of the field it holds, and that only relabels the field. Drawing each such province from its own wide band
spread the field far beyond what the sources allow (2024: Lào Cai at 90.00 got 14-26 although exactly 13
provinces scored 90 or more); hiding each published (score, rank) of 2018-2024 and ranking its score in the
field rebuilt without it, the own-band intervals held the published rank 36% of the time (55 cases), the
profile-band ones 76%, four times narrower (planner.field.backtest.ranking_holdout).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from planner.core.errors import FieldError
from planner.core.model import FrozenModel
from planner.field.model import Field, FieldEntry, FieldKind, Provenance
from planner.field.provinces import region_of
from planner.field.rank_maths import (
    exceed_probability,
    interval_from_distribution,
    poisson_binomial,
    rank_distribution_from_counts,
)
from planner.methodology.index import DEFAULT_INDEX, get_index
from planner.methodology.rules import from_centi, to_centi

#: A group id of the index (planner.methodology.index): "A"/"B"/"C" for the PAR INDEX, "1"-"4" for PAPI.
Group = str
RANK_INTERVAL_LEVEL = 0.8


class Neighbour(FrozenModel):
    """A rival and the points between it and our score (always ≥ 0)."""

    province: str
    score: float
    #: The rival's rank in the field with our score in it.
    rank: int
    gap: float
    provenance: Provenance


class RankResult(FrozenModel):
    """Where a score lands in a field."""

    year: int
    field_kind: FieldKind
    province: str | None
    score: float
    rank: int
    n: int
    #: Rivals with exactly the same score (to 0.01), who share our rank.
    ties: tuple[str, ...]
    #: Rivals strictly above, nearest first; `gap` is what we must gain to tie each.
    above: tuple[Neighbour, ...]
    #: Rivals not above (ties included), nearest first; `gap` is our lead over each.
    below: tuple[Neighbour, ...]
    #: The index's group (None for an index grouped by rank when no rank is known).
    group: Group | None
    index: str = DEFAULT_INDEX
    region: str | None
    region_rank: int | None
    region_n: int | None
    rank_interval: tuple[int, int]
    #: How many rivals' scores are reconstructed (the source of `rank_interval`'s width).
    reconstructed_rivals: int

    def gap_to_rank(self, k: int) -> float:
        """Points to gain to reach rank ≤ k (0 if already there): enough to tie the k-th rival above."""
        if k < 1:
            raise FieldError("field.bad_rank_target", k=k)
        if self.rank <= k:
            return 0.0
        needed = len(self.above) - (k - 1)
        return self.above[needed - 1].gap if needed >= 1 else 0.0


def group_of(
    score: float, index: str = DEFAULT_INDEX, rank: int | None = None, n: int | None = None
) -> Group | None:
    """The index's group of a score: for the PAR INDEX the ministry's A from 90, B from 80 to under 90, C under
    80; for PAPI the quartile of the rank among n (None without a rank)."""
    return get_index(index).group_of(score, rank, n)


def group_floor(group: Group, index: str = DEFAULT_INDEX) -> float:
    """The least score of a score-banded group ("A" → 90 for the PAR INDEX), from the index registry."""
    for band in get_index(index).groups.bands:
        if band.id == group and band.from_points is not None:
            return band.from_points
    raise FieldError("field.unknown_group", group=group, index=index)


def ranks_of(scores: Sequence[float]) -> list[int]:
    """Each score's rank among all of `scores` by the ministry's rule: 1 + the number strictly higher, compared
    in hundredths (the published precision), so equal scores share a rank."""
    cents = [to_centi(s) for s in scores]
    return [1 + sum(1 for other in cents if other > mine) for mine in cents]


def rank_of(score: float, others: Iterable[float]) -> int:
    """The rank of `score` among `others` (see `ranks_of`): 1 + the number of them strictly higher."""
    mine = to_centi(score)
    return 1 + sum(1 for other in others if to_centi(other) > mine)


def rank_in_field(field: Field, score: float, province: str | None = None) -> RankResult:
    """The rank of `score` in `field`. With `province`, that province's own entry is replaced by `score`
    (our province, planning its own score); without, the score is compared with every entry and the result is
    capped at the field's size (a score below everyone is last)."""
    if not 0 <= score <= field.max_points:
        raise FieldError("field.score_out_of_range", score=score, max=field.max_points)
    name = field.entry(province).province if province is not None else None
    rivals = [e for e in field.entries if e.province != name]
    n = len(field.entries)
    # Our rank and each rival's, in the field with our score in it (ours first).
    ours, *theirs = ranks_of([score, *(e.score for e in rivals)])
    x = to_centi(score)
    placed = [(to_centi(e.score), min(r, n), e) for r, e in zip(theirs, rivals, strict=True)]
    ties = tuple(e.province for c, _, e in placed if c == x)

    def neighbour(c: int, r: int, e: FieldEntry) -> Neighbour:
        return Neighbour(
            province=e.province, score=e.score, rank=r, gap=from_centi(abs(c - x)), provenance=e.provenance
        )

    above = tuple(
        neighbour(*p) for p in sorted((p for p in placed if p[0] > x), key=lambda p: (p[0], p[2].province))
    )
    below = tuple(
        neighbour(*p) for p in sorted((p for p in placed if p[0] <= x), key=lambda p: (-p[0], p[2].province))
    )
    region = region_of(name) if name is not None else None
    region_rank = region_n = None
    if region is not None:
        mates = [e.score for e in rivals if region_of(e.province) == region]
        region_rank = rank_of(score, mates)
        region_n = len(mates) + 1
    return RankResult(
        year=field.year,
        field_kind=field.kind,
        province=name,
        score=round(score, 2),
        rank=min(ours, n),
        n=n,
        ties=ties,
        above=above,
        below=below,
        group=group_of(score, field.index, min(ours, n), n),
        index=field.index,
        region=region,
        region_rank=region_rank,
        region_n=region_n,
        rank_interval=rank_interval_in_field(rivals, score, n, min(ours, n)),
        reconstructed_rivals=sum(1 for e in rivals if e.provenance == "reconstructed"),
    )


def rank_interval_in_field(rivals: list[FieldEntry], score: float, n: int, rank: int) -> tuple[int, int]:
    """The central 80% interval of our rank when each uncertain rival is drawn from its profile band."""
    if all(e.is_exact for e in rivals):
        return rank, rank
    dist = rank_distribution_in_field(rivals, score, n)
    lo, hi = interval_from_distribution(dist, RANK_INTERVAL_LEVEL)
    return min(lo, rank), max(hi, rank)


def rank_distribution_in_field(rivals: list[FieldEntry], score: float, n: int) -> NDArray[np.float64]:
    """P(rank = r), r = 1..n, for `score` against rivals drawn independently from their profile bands (the
    distribution function runs linearly through the band's ends and, beyond, to as far again, within the hard
    bounds; see planner.field.rank_maths.exceed_probability)."""
    probs = []
    for e in rivals:
        low, high = e.profile_band
        lowest, highest = 2 * low - e.score, 2 * high - e.score
        if e.score_min is not None:
            lowest = max(lowest, min(e.score_min, low))
        if e.score_max is not None:
            highest = min(highest, max(e.score_max, high))
        probs.append(exceed_probability(e.score, low, high, lowest, highest, score))
    return rank_distribution_from_counts(poisson_binomial(np.array(probs, dtype=np.float64)), n)
