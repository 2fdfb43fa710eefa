"""Resolving what the sources say about one year before any statistics: the claims and their contradictions.

Steps 1-2 of the reconstruction (planner.field.reconstruction, and docs/field-model.md by hand on 2024):
collect every sourced row (score, rank or both) and the national summary's top and bottom as claims, then
resolve contradictions instead of failing: two rows for one province, two provinces claiming one rank, a
higher score ranked below a lower one, a figure against the published group counts. An editor's decision in
data/results/resolutions.csv wins; otherwise the more trusted row (a score over none, then the basis:
stated > ordered list > inferred > derived, then the earlier row) is kept and the other loses its rank (it
keeps its score, which then places it) or, without a score, moves to the nearest free rank. Each case is
reported with what was kept and why.

Kept apart from the statistics because the two jobs change for different reasons: this one when a new source
or a new kind of contradiction appears, that one when the model of the scores does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlparse

from planner.field.model import Contradiction, FieldNote, Provenance, SourceRow, params
from planner.field.ranking import group_floor
from planner.field.results import BASIS_PRIORITY, ResultRow, ResultsData


@dataclass(frozen=True)
class Claim:
    """A working copy of a published row during reconstruction."""

    province: str | None
    score: float | None
    rank: int | None
    basis: str
    source_url: str
    note: str
    row_number: int
    provenance: Provenance = "sourced"

    def priority(self) -> tuple[int, int, int, int]:
        return (
            1 if self.score is not None else 0,
            BASIS_PRIORITY.get(self.basis, 0),
            1 if self.rank is not None else 0,
            -self.row_number,
        )

    def source_row(self) -> SourceRow:
        """The claim as a contradiction names it (written out in the reader's language later)."""
        site = urlparse(self.source_url).netloc.removeprefix("www.") if self.source_url else ""
        return SourceRow(
            province=self.province or "?", score=self.score, rank=self.rank, site=site, basis=self.basis
        )


@dataclass
class Resolution:
    """One year's claims as they are resolved, with every contradiction found and what was decided."""

    year: int
    n: int
    claims: list[Claim]
    contradictions: list[Contradiction]
    notes: list[FieldNote]
    #: The index's scale (100 for the PAR INDEX, 80 for PAPI): a score above it is out of range.
    max_points: float = 100.0


# --- step 1-2: claims and contradictions ----------------------------------------------------------------------


def _claims(data: ResultsData, year: int, n: int, extra: Sequence[ResultRow]) -> list[Claim]:
    rows = [*data.rows_for(year), *extra]
    claims = [
        Claim(
            province=r.province,
            score=r.score,
            rank=r.rank,
            basis=r.basis,
            source_url=r.source_url,
            note=r.note,
            row_number=r.row_number,
            provenance="official" if r.basis == "official_table" else "sourced",
        )
        for r in rows
        if r.n_provinces == n and (r.score is not None or r.rank is not None)
    ]
    summary = data.summary(year)
    if summary is not None:
        source = summary.source_note or summary.results_decision
        if summary.max_score is not None or summary.max_province:
            claims.append(
                Claim(summary.max_province, summary.max_score, 1, "national_summary", source, "top", 0)
            )
        if summary.min_score is not None or summary.min_province:
            claims.append(
                Claim(summary.min_province, summary.min_score, n, "national_summary", source, "bottom", 0)
            )
    return claims


def record_decision(
    work: Resolution,
    kind: str,
    rows: Iterable[Claim],
    kept: Claim | None,
    action: str,
    key: str,
    *,
    affected: Iterable[Claim] = (),
    **extra: Any,
) -> None:
    work.contradictions.append(
        Contradiction(
            year=work.year,
            kind=kind,
            rows=tuple(c.source_row() for c in rows),
            affected=tuple(c.province for c in affected if c.province),
            kept=kept.source_row() if kept is not None else None,
            action=action,
            decision_key=key,
            decision_params=params(extra),
        )
    )


def _curated(data: ResultsData, year: int, kind: str, provinces: set[str | None]) -> Any:
    for res in data.resolutions_for(year):
        if res.kind == kind and res.keep in provinces and res.drop in provinces:
            return res
    return None


def _merge_duplicates(work: Resolution) -> None:
    by_province: dict[str, list[Claim]] = defaultdict(list)
    anonymous: list[Claim] = []
    for c in work.claims:
        (by_province[c.province] if c.province else anonymous).append(c)
    merged: list[Claim] = list(anonymous)
    for group in by_province.values():
        group.sort(key=lambda c: c.priority(), reverse=True)
        best = group[0]
        for other in group[1:]:
            score_ok = best.score is None or other.score is None or abs(best.score - other.score) < 0.005
            rank_ok = best.rank is None or other.rank is None or best.rank == other.rank
            if score_ok and rank_ok:
                face = other if best.basis == "national_summary" else best
                best = replace(
                    face,
                    score=best.score if best.score is not None else other.score,
                    rank=best.rank if best.rank is not None else other.rank,
                    provenance=best.provenance,
                )
            else:
                record_decision(
                    work,
                    "duplicate",
                    [best, other],
                    best,
                    "drop_row",
                    "field.decision.duplicate",
                    affected=[other],
                )
        merged.append(best)
    work.claims = merged


def _resolve_same_rank(work: Resolution, data: ResultsData) -> None:
    by_rank: dict[int, list[Claim]] = defaultdict(list)
    for c in work.claims:
        if c.rank is not None:
            by_rank[c.rank].append(c)
    taken = set(by_rank)
    for rank in sorted(by_rank):
        group = by_rank[rank]
        if len(group) < 2:
            continue
        scores = {c.score for c in group}
        if None not in scores and len({round(s or 0, 2) for s in scores}) == 1:
            continue  # a genuine tie: equal scores share a rank
        curated = _curated(data, work.year, "same_rank", {c.province for c in group})
        if curated is not None:
            keep = next(c for c in group if c.province == curated.keep)
            losers = [c for c in group if c.province == curated.drop]
        else:
            keep = max(group, key=lambda c: c.priority())
            losers = [c for c in group if c is not keep]
        for loser in losers:
            if curated is not None and curated.action == "move_rank" and curated.new_rank:
                new_rank: int | None = curated.new_rank
            elif curated is not None or loser.score is not None:
                new_rank = None
            else:
                new_rank = _nearest_free(rank, taken, work.n)
            _replace_claim(work, loser, replace(loser, rank=new_rank))
            if new_rank is not None:
                taken.add(new_rank)
            if curated is not None:
                key, extra = (
                    "field.decision.curated",
                    {"reason_vi": curated.reason_vi, "reason_en": curated.reason_en},
                )
            elif new_rank is not None:
                key, extra = "field.decision.rank_moved", {"moved": loser.province or "?", "rank": new_rank}
            else:
                key, extra = "field.decision.rank_dropped", {"dropped": loser.province or "?"}
            record_decision(
                work,
                "same_rank",
                group,
                keep,
                "move_rank" if new_rank else "drop_rank",
                key,
                affected=[loser],
                **extra,
            )


def _nearest_free(rank: int, taken: set[int], n: int) -> int | None:
    for step in range(1, n):
        for candidate in (rank + step, rank - step):
            if 1 <= candidate <= n and candidate not in taken:
                return candidate
    return None


def _replace_claim(work: Resolution, old: Claim, new: Claim) -> None:
    work.claims = [new if c is old else c for c in work.claims]


def _resolve_order(work: Resolution, data: ResultsData) -> None:
    """A higher score must not be ranked below a lower one; drop ranks until the pairs agree."""
    while True:
        pairs = [c for c in work.claims if c.score is not None and c.rank is not None]
        conflicts: list[tuple[Claim, Claim]] = []
        for a in pairs:
            for b in pairs:
                if a.rank < b.rank and a.score < b.score - 0.005:  # type: ignore[operator]
                    conflicts.append((a, b))
        if not conflicts:
            return
        count: dict[int, int] = defaultdict(int)
        for a, b in conflicts:
            count[id(a)] += 1
            count[id(b)] += 1
        a, b = conflicts[0]
        curated = None
        for x, y in conflicts:
            curated = _curated(data, work.year, "order", {x.province, y.province})
            if curated is not None:
                a, b = x, y
                break
        if curated is not None:
            loser = a if a.province == curated.drop else b
            keep = b if loser is a else a
            key, extra = (
                "field.decision.curated",
                {"reason_vi": curated.reason_vi, "reason_en": curated.reason_en},
            )
            involved = [a, b]
        else:
            loser = min((c for pair in conflicts for c in pair), key=lambda c: (-count[id(c)], c.priority()))
            involved = [c for pair in conflicts if loser in pair for c in pair if c is not loser]
            keep = max(involved, key=lambda c: c.priority())
            involved = [loser, *dict.fromkeys(involved)]
            key, extra = "field.decision.rank_dropped", {"dropped": loser.province or "?"}
        if curated is not None and curated.action == "drop_row":
            work.claims = [c for c in work.claims if c is not loser]
            action = "drop_row"
        else:
            _replace_claim(work, loser, replace(loser, rank=None))
            action = "drop_rank"
        record_decision(work, "order", involved, keep, action, key, affected=[loser], **extra)


def _thresholds(data: ResultsData, year: int, n: int, work: Resolution) -> list[tuple[float, int, str]]:
    """(threshold, number of provinces at or above it, source) for the year."""
    out: list[tuple[float, int, str]] = []
    summary = data.summary(year)
    if summary is not None:
        a, b, c = summary.group_a, summary.group_b, summary.group_c
        source = summary.source_note
        if a is not None:
            out.append((group_floor("A"), a, source))
        if a is not None and b is not None:
            out.append((group_floor("B"), a + b, source))
        elif c is not None:
            out.append((group_floor("B"), n - c, source))
        if a is not None and b is not None and c is not None and a + b + c != n:
            work.notes.append(
                FieldNote(key="field.note.groups_do_not_sum", params=params({"a": a, "b": b, "c": c, "n": n}))
            )
    for extra in data.thresholds_for(year):
        out.append((extra.threshold, extra.count, extra.source_url))
    return out


def _check_thresholds(
    work: Resolution, thresholds: list[tuple[float, int, str]]
) -> list[tuple[float, int, str]]:
    """Drop a claim's rank when it contradicts a group count; drop a group count no placement can satisfy."""
    kept: list[tuple[float, int, str]] = []
    for threshold, count, source in thresholds:
        above = [c for c in work.claims if c.score is not None and c.score >= threshold - 1e-9]
        below = [c for c in work.claims if c.score is not None and c.score < threshold - 1e-9]
        if len(above) > count or len(below) > work.n - count:
            record_decision(
                work,
                "threshold",
                [*above, *below][:6],
                None,
                "drop_constraint",
                "field.decision.threshold_dropped",
                threshold=threshold,
                count=count,
            )
            continue
        for c in list(work.claims):
            if c.score is None or c.rank is None:
                continue
            if (c.rank <= count and c.score < threshold) or (c.rank > count and c.score >= threshold):
                _replace_claim(work, c, replace(c, rank=None))
                record_decision(
                    work,
                    "threshold",
                    [c],
                    None,
                    "drop_rank",
                    "field.decision.rank_against_groups",
                    affected=[c],
                    dropped=c.province or "?",
                    threshold=threshold,
                    count=count,
                )
        kept.append((threshold, count, source))
    return kept


def _noted_conflicts(work: Resolution) -> None:
    for c in work.claims:
        if "CONFLICT" in c.note:
            record_decision(
                work, "noted", [c], c, "kept_as_recorded", "field.decision.noted", note=c.note[:300]
            )


def _check_ranges(work: Resolution) -> None:
    kept: list[Claim] = []
    for c in work.claims:
        bad_rank = c.rank is not None and not 1 <= c.rank <= work.n
        bad_score = c.score is not None and not 0 <= c.score <= work.max_points
        if bad_score and (c.rank is None or bad_rank):
            record_decision(work, "range", [c], None, "drop_row", "field.decision.out_of_range", affected=[c])
            continue
        if bad_rank or bad_score:
            c = replace(c, rank=None if bad_rank else c.rank, score=None if bad_score else c.score)
            record_decision(
                work,
                "range",
                [c],
                None,
                "drop_rank" if bad_rank else "drop_score",
                "field.decision.out_of_range",
                affected=[c],
            )
        kept.append(c)
    work.claims = kept


# --- the whole resolution -------------------------------------------------------------------------------------


def resolve_claims(
    data: ResultsData, year: int, n: int, extra: Sequence[ResultRow] = (), *, note_recorded: bool = True
) -> Resolution:
    """The year's claims with every contradiction resolved (steps 1-2 of planner.field.reconstruction): rows
    out of range, conflicts the data already records (unless `note_recorded` is false), duplicates, two
    provinces on one rank, a higher score ranked below a lower one."""
    work = Resolution(
        year=year,
        n=n,
        claims=_claims(data, year, n, extra),
        contradictions=[],
        notes=[],
        max_points=data.max_points,
    )
    _check_ranges(work)
    if note_recorded:
        _noted_conflicts(work)
    _merge_duplicates(work)
    _resolve_same_rank(work, data)
    _resolve_order(work, data)
    return work


def group_thresholds(data: ResultsData, work: Resolution) -> list[tuple[float, int, str]]:
    """The published group counts as (score, rank, label) bounds, each checked against the resolved claims."""
    return _check_thresholds(work, _thresholds(data, work.year, work.n, work))
