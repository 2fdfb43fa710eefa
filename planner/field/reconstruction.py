"""Reconstructing a year's 63 scores from the partial figures the sources publish.

The method (docs/field-model.md works through 2024 by hand):

1. Collect the year's claims: every sourced row (score, rank or both) and the national summary's top and bottom.
2. Resolve contradictions instead of failing (planner.field.sources, which also collects the claims of step
   1): two rows for one province, two provinces claiming one rank, a higher score ranked below a lower one, a
   figure against the published group counts; each case is reported with what was kept and why.
3. Turn what is left into constraints on the score at each rank r: the known (score, rank) pairs, the group
   counts ("13 provinces ≥ 90" means rank 13 ≥ 90 and rank 14 < 90), the top and bottom, order.
   A score without a rank is placed at the rank its score implies among the others.
4. Fill the unknown ranks between two known neighbours by monotone interpolation along the quantiles of the
   year's score distribution: the scores between two anchors are modelled as sorted independent draws from a
   normal distribution (spread fitted to the anchors) truncated to the interval between them, and each rank
   gets the expected value of its order statistic. The normal's centre is solved so that the field's mean is
   the published mean; a last shift, spread over the free ranks in proportion to their uncertainty and
   clipped to their bounds, makes the mean exact to 0.01 while keeping the order and every known pair.
5. Decide which province sits at each unknown rank: provinces are ordered by what other years say about them
   (their published ranks, weighted by closeness in time), then swapped to match the published regional
   means as closely as possible.
6. Bands: the same model is sampled (600 draws of the whole field, each shifted to the published mean, each
   with provinces re-ordered under the uncertainty of step 5) and every reconstructed score gets the 10th-90th
   percentile of its draws. A province nobody published has a wide band: its position is a guess.

Everything is deterministic (fixed seed) and cached per year.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from planner.core.memo import memoised
from planner.field.model import Contradiction, Field, FieldEntry, FieldNote, SourceRow, params
from planner.field.provinces import province_names, region_of
from planner.field.results import ResultRow, ResultsData
from planner.field.sources import Claim, Resolution, group_thresholds, record_decision, resolve_claims

SAMPLES = 600
SEED = 20250406
BAND_LEVEL = 0.8
#: Region means are published to 0.01 (rounding error up to 0.005).
REGION_ROUNDING = 0.005
#: Prior spread of a region's common shift in percentile (see assign_free).
REGION_OFFSET_SD = 0.1
#: The model's 80% band of a province whose rank nobody published is too narrow: hiding published scores one
#: at a time (planner.field.backtest.reconstruction_holdout), its bands covered about half of them. The band is
#: therefore widened around the point by this factor, chosen so that the hold-out coverage is about 80%.
FREE_BAND_SCALE = 2.0
#: Prior spread of a province's percentile when nothing is known about it (a uniform has sd 0.289).
PRIOR_PERCENTILE_SD = 0.29
FloatArray = NDArray[np.float64]

# --- step 3: bounds per rank ---------------------------------------------------------------------------------


def blom_z(n: int) -> FloatArray:
    """Expected normal scores of ranks 1..n (highest first), Blom's approximation."""
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return np.asarray(ndtri(1.0 - (ranks - 0.375) / (n + 0.25)), dtype=np.float64)


@dataclass
class Layout:
    """Per rank position (0 = rank 1): known score or NaN, owner province or None, and bounds."""

    known: FloatArray
    owner: list[str | None]
    lo: FloatArray
    hi: FloatArray
    claim: list[Claim | None]

    def free(self) -> NDArray[np.bool_]:
        return np.isnan(self.known)

    def propagate(self) -> None:
        n = len(self.known)
        lo, hi = self.lo, self.hi
        anchored = ~np.isnan(self.known)
        lo[anchored] = self.known[anchored]
        hi[anchored] = self.known[anchored]
        for r in range(1, n):
            hi[r] = min(hi[r], hi[r - 1])
        for r in range(n - 2, -1, -1):
            lo[r] = max(lo[r], lo[r + 1])


def _layout(work: Resolution, thresholds: list[tuple[float, int, str]]) -> Layout:
    n = work.n
    layout = Layout(np.full(n, np.nan), [None] * n, np.zeros(n), np.full(n, work.max_points), [None] * n)
    for c in work.claims:
        if c.rank is None:
            continue
        r = c.rank - 1
        while r < n and (layout.owner[r] is not None or not np.isnan(layout.known[r])):
            r += 1  # a genuine tie: equal scores take consecutive positions
        if r >= n:
            continue
        if c.score is not None:
            layout.known[r] = c.score
        layout.owner[r] = c.province
        layout.claim[r] = c
    for threshold, count, _ in thresholds:
        if count > 0:
            layout.lo[:count] = np.maximum(layout.lo[:count], threshold)
        if count < n:
            layout.hi[count:] = np.minimum(layout.hi[count:], round(threshold - 0.01, 2))
    layout.propagate()
    return layout


# --- step 4: the profile model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of consecutive unknown ranks sharing the same bounds."""

    start: int
    stop: int
    lo: float
    hi: float

    @property
    def m(self) -> int:
        return self.stop - self.start


def segments(layout: Layout) -> list[Segment]:
    out: list[Segment] = []
    free = layout.free()
    r, n = 0, len(free)
    while r < n:
        if not free[r]:
            r += 1
            continue
        start = r
        while (
            r + 1 < n
            and free[r + 1]
            and layout.lo[r + 1] == layout.lo[start]
            and layout.hi[r + 1] == layout.hi[start]
        ):
            r += 1
        out.append(Segment(start, r + 1, float(layout.lo[start]), float(layout.hi[start])))
        r += 1
    return out


class TruncatedNormal:
    """N(mu, sigma²) restricted to [lo, hi]: mean and quantiles, numerically safe in either tail (scipy's
    truncnorm is exact too but costs milliseconds per call, and reconstruction makes thousands)."""

    def __init__(self, mu: float, sigma: float, lo: float, hi: float) -> None:
        self.mu, self.sigma, self.lo, self.hi = mu, sigma, lo, hi
        self.a, self.b = (lo - mu) / sigma, (hi - mu) / sigma
        self.upper = self.a > 0  # both bounds above the centre: work with survival functions
        if self.upper:
            self.pa, self.pb = float(ndtr(-self.a)), float(ndtr(-self.b))
        else:
            self.pa, self.pb = float(ndtr(self.a)), float(ndtr(self.b))
        self.mass = abs(self.pb - self.pa)

    def mean(self) -> float:
        if self.mass < 1e-300:
            return self.lo if abs(self.a) < abs(self.b) else self.hi
        phi_a = math.exp(-0.5 * self.a * self.a) / math.sqrt(2 * math.pi)
        phi_b = math.exp(-0.5 * self.b * self.b) / math.sqrt(2 * math.pi)
        value = self.mu + self.sigma * (phi_a - phi_b) / self.mass
        return min(max(value, self.lo), self.hi)

    def ppf(self, u: FloatArray) -> FloatArray:
        if self.mass < 1e-300:
            return np.full_like(u, self.lo if abs(self.a) < abs(self.b) else self.hi)
        if self.upper:
            z = -ndtri(self.pa - u * (self.pa - self.pb))
        else:
            z = ndtri(self.pa + u * (self.pb - self.pa))
        return np.asarray(np.clip(self.mu + self.sigma * z, self.lo, self.hi), dtype=np.float64)


def _tn(mu: float, sigma: float, seg: Segment) -> TruncatedNormal | None:
    if seg.hi - seg.lo < 1e-9:
        return None
    return TruncatedNormal(mu, sigma, seg.lo, seg.hi)


def _expected_total(layout: Layout, segs: list[Segment], mu: float, sigma: float) -> float:
    total = float(np.nansum(layout.known))
    for seg in segs:
        dist = _tn(mu, sigma, seg)
        total += seg.m * (seg.lo if dist is None else dist.mean())
    return total


def solve_mu(layout: Layout, segs: list[Segment], sigma: float, target_total: float, guess: float) -> float:
    """The centre of the score distribution that makes the expected field total equal the published one."""
    lo, hi = guess - 15 * sigma - 20, guess + 15 * sigma + 20
    for _ in range(60):
        mid = (lo + hi) / 2
        if _expected_total(layout, segs, mid, sigma) < target_total:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def point_profile(layout: Layout, segs: list[Segment], mu: float, sigma: float) -> FloatArray:
    """Expected order statistics inside each segment (Blom plotting positions), anchors as they are."""
    prof = layout.known.copy()
    for seg in segs:
        j = np.arange(1, seg.m + 1, dtype=np.float64)
        p = (seg.m - j + 1 - 0.375) / (seg.m + 0.25)
        dist = _tn(mu, sigma, seg)
        prof[seg.start : seg.stop] = seg.lo if dist is None else dist.ppf(p)
    return prof


def sample_profiles(
    layout: Layout, segs: list[Segment], mu: float, sigma: float, rng: np.random.Generator, samples: int
) -> FloatArray:
    """`samples` complete profiles: anchors fixed, each segment sorted truncated-normal draws."""
    out = np.tile(layout.known, (samples, 1))
    for seg in segs:
        dist = _tn(mu, sigma, seg)
        if dist is None:
            out[:, seg.start : seg.stop] = seg.lo
            continue
        draws = dist.ppf(rng.uniform(0.0, 1.0, size=(samples, seg.m)))
        out[:, seg.start : seg.stop] = -np.sort(-draws, axis=1)
    return out


def shift_to_total(
    prof: FloatArray, segs: list[Segment], weights: FloatArray, target_total: float
) -> FloatArray:
    """Shift each segment by λ·weight (uniformly inside a segment, so the order holds), clipped to its bounds,
    with λ chosen per row so that each row sums to `target_total` (vectorised bisection)."""
    rows = np.atleast_2d(prof).copy()
    if not segs:
        return rows if prof.ndim == 2 else rows[0]
    lam_lo = np.full(rows.shape[0], -200.0)
    lam_hi = np.full(rows.shape[0], 200.0)

    def shifted(lam: FloatArray) -> FloatArray:
        out = rows.copy()
        for seg, w in zip(segs, weights, strict=True):
            block = rows[:, seg.start : seg.stop] + lam[:, None] * w
            out[:, seg.start : seg.stop] = np.clip(block, seg.lo, seg.hi)
        return out

    for _ in range(60):
        mid = (lam_lo + lam_hi) / 2
        total = shifted(mid).sum(axis=1)
        low = total < target_total
        lam_lo = np.where(low, mid, lam_lo)
        lam_hi = np.where(low, lam_hi, mid)
    result = shifted((lam_lo + lam_hi) / 2)
    return result if prof.ndim == 2 else result[0]


def round_to_total(
    prof: FloatArray, layout: Layout, weights_per_rank: FloatArray, target_total: float
) -> FloatArray:
    """Round to 0.01 and hand out the rounding remainder, 0.01 at a time, to the most uncertain free ranks
    where that keeps the order and the bounds."""
    out = np.round(prof, 2)
    free = layout.free()
    cents = round((round(target_total, 2) - float(out.sum())) * 100)
    order = [int(r) for r in np.argsort(-weights_per_rank) if free[r]]
    step = 0.01 if cents > 0 else -0.01
    guard = 0
    while cents != 0 and guard < 10_000:
        moved = False
        for r in order:
            value = round(out[r] + step, 2)
            if value > layout.hi[r] + 1e-9 or value < layout.lo[r] - 1e-9:
                continue
            if r > 0 and value > out[r - 1] + 1e-9:
                continue
            if r + 1 < len(out) and value < out[r + 1] - 1e-9:
                continue
            out[r] = value
            cents += -1 if step > 0 else 1
            moved = True
            break
        guard += 1
        if not moved:
            break
    return out


def anchor_sigma(known: FloatArray, mean: float) -> float | None:
    """The spread implied by the known (rank, score) pairs: least squares of score - mean on normal scores."""
    mask = ~np.isnan(known)
    if mask.sum() < 3:
        return None
    z = blom_z(len(known))[mask]
    if float(np.sum(z * z)) < 4.0:
        return None
    sigma = float(np.sum((known[mask] - mean) * z) / np.sum(z * z))
    return sigma if sigma > 0.3 else None


# --- step 5: which province at which unknown rank -----------------------------------------------------------------


@memoised(maxsize=16)
def percentile_lag_sd(data: ResultsData) -> tuple[float, float, float]:
    """How far a province's percentile (0 = top) moves over 1, 2 and 3+ years: the root mean square of the
    change over every province with a published rank in both years (non-decreasing with the lag, at least
    0.08; 0.15 / 0.20 / 0.22 where fewer than 5 pairs exist). With the bundled history: about 0.11, 0.21, 0.23."""
    ranks: dict[tuple[str, int], float] = {}
    for r in data.rows:
        if r.rank is not None:
            ranks[(r.province, r.year)] = (r.rank - 0.5) / r.n_provinces
    out: list[float] = []
    for lag, default in ((1, 0.15), (2, 0.20), (3, 0.22)):
        changes = [
            ranks[(p, y + step)] - q
            for (p, y), q in ranks.items()
            for step in ((lag,) if lag < 3 else (3, 4, 5, 6))
            if (p, y + step) in ranks
        ]
        value = math.sqrt(sum(c * c for c in changes) / len(changes)) if len(changes) >= 5 else default
        out.append(max(value, out[-1] if out else 0.08))
    return out[0], out[1], out[2]


def prior_percentiles(
    data: ResultsData, year: int, provinces: Sequence[str]
) -> tuple[FloatArray, FloatArray]:
    """For each province, a guess of its percentile this year (0 = top) and the guess's standard deviation.

    The guess weighs every other year's published rank by the inverse of the squared typical change over
    that many years (percentile_lag_sd), together with "the middle" (0.5, sd 0.29). Published ranks of one
    province are strongly correlated, so only the nearest year's information counts towards the certainty:
    sd = 1 / sqrt(1/0.29² + 1/lag_sd(nearest)²). The leave-one-out check in planner.field.backtest measures how
    well these bands cover hidden published scores.
    """
    lag_sd = percentile_lag_sd(data)
    seen: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for r in data.rows:
        if r.rank is not None and r.year != year:
            seen[r.province].append(((r.rank - 0.5) / r.n_provinces, abs(r.year - year)))
    centre = np.empty(len(provinces))
    sd = np.empty(len(provinces))
    base = 1 / PRIOR_PERCENTILE_SD**2
    for i, name in enumerate(provinces):
        weighted, precision = 0.5 * base, base
        nearest = 0.0
        for q, distance in seen.get(name, []):
            w = 1 / lag_sd[min(distance, 3) - 1] ** 2
            precision += w
            weighted += q * w
            nearest = max(nearest, w)
        centre[i] = weighted / precision
        sd[i] = 1 / math.sqrt(base + nearest)
    return centre, sd


def _spread_ties(prior: FloatArray, prior_sd: FloatArray, names: NDArray[np.str_]) -> FloatArray:
    """Provinces nothing tells apart (the same prior) spread evenly over their prior band, in name order,
    instead of sharing one key: otherwise a region's common offset could only move all of them past all the
    others at once."""
    out = prior.copy()
    groups: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, (centre, sd) in enumerate(zip(prior, prior_sd, strict=True)):
        groups[(round(float(centre), 9), round(float(sd), 9))].append(i)
    for (_, sd), members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: str(names[i]))
        m = len(members)
        spread = ndtri((np.arange(m) + 0.5) / m) * sd * 0.25
        out[members] = prior[members] + spread
    return out


def assign_free(
    profile: FloatArray,
    layout: Layout,
    free_provinces: Sequence[str],
    prior: FloatArray,
    prior_sd: FloatArray,
    region_targets: dict[str, float],
    regions_of: dict[str, str],
    position_var: float = 0.0,
) -> list[int]:
    """Positions (rank index) for each free province: in the order of their prior percentiles, each region's
    provinces shifted together by an offset b_r chosen to minimise
    Σ_r (region mean misfit / δ_r)² + Σ_r (b_r / REGION_OFFSET_SD)².

    A region mean says whether a region's unpublished provinces were, as a group, higher or lower than their
    other years suggest; it says nothing about which one of them, so it moves them together. (Swapping single
    provinces to fit the means was tried and rejected: the leave-one-out check showed it moving well-known
    top provinces, whose scores are far apart, to fix a sum, and it made hidden scores worse.)
    δ_r² = 0.005² + position_var / n_r: a region mean can be matched no better than its rounding and the
    uncertainty of the reconstructed scores, averaged over the region, allow."""
    n = len(profile)
    free_positions = np.array([r for r in range(n) if layout.owner[r] is None], dtype=int)
    names = np.array(free_provinces)
    prior = _spread_ties(prior, prior_sd, names)

    def positions_for(keys: FloatArray) -> NDArray[np.int_]:
        pos = np.empty(len(free_provinces), dtype=int)
        pos[np.lexsort((names, keys))] = free_positions
        return pos

    if not region_targets:
        return [int(p) for p in positions_for(prior)]
    regions = sorted(region_targets)
    index = {name: i for i, name in enumerate(regions)}
    counts = np.zeros(len(regions))
    fixed_sum = np.zeros(len(regions))
    for r in range(n):
        owner = layout.owner[r]
        if owner is not None and regions_of[owner] in index:
            counts[index[regions_of[owner]]] += 1
            fixed_sum[index[regions_of[owner]]] += profile[r]
    reg = np.array([index.get(regions_of[p], -1) for p in free_provinces])
    has = reg >= 0
    np.add.at(counts, reg[has], 1)
    n_r = np.maximum(counts, 1)
    tolerance2 = REGION_ROUNDING**2 + position_var / n_r
    targets = np.array([region_targets[name] for name in regions])

    def cost(offsets: FloatArray) -> float:
        keys = prior + np.where(has, offsets[np.maximum(reg, 0)], 0.0)
        values = profile[positions_for(keys)]
        sums = fixed_sum.copy()
        np.add.at(sums, reg[has], values[has])
        misfit = sums / n_r - targets
        return float(np.sum(misfit**2 / tolerance2) + np.sum((offsets / REGION_OFFSET_SD) ** 2))

    offsets = np.zeros(len(regions))
    best = cost(offsets)
    grid = np.arange(-0.3, 0.3001, 0.02)
    for _ in range(4):
        improved = False
        for k in range(len(regions)):
            for value in grid:
                trial = offsets.copy()
                trial[k] = value
                c = cost(trial)
                if c < best - 1e-12:
                    best, offsets, improved = c, trial, True
        if not improved:
            break
    keys = prior + np.where(has, offsets[np.maximum(reg, 0)], 0.0)
    return [int(p) for p in positions_for(keys)]


# --- step 6 and assembly -----------------------------------------------------------------------------------


def reconstruct_field(
    data: ResultsData, year: int, *, n: int = 63, extra_rows: Sequence[ResultRow] = (), samples: int = SAMPLES
) -> Field:
    """The 63 scores of `year`, from the published figures in `data` (plus `extra_rows` from a user's partial
    table); see the module docstring for the method."""
    return _reconstruct(data, year, n, tuple(extra_rows), samples)


@memoised(maxsize=64)
def _reconstruct(data: ResultsData, year: int, n: int, extra: tuple[ResultRow, ...], samples: int) -> Field:
    work = resolve_claims(data, year, n, extra)
    thresholds = group_thresholds(data, work)
    mean, mean_estimated = _year_mean(data, year)
    if mean_estimated:
        key = "field.note.mean_estimated" if data.summaries else "field.note.mean_from_anchors"
        work.notes.append(FieldNote(key=key, params=params({"mean": mean})))
    layout = _layout(work, thresholds)
    target_total = mean * n
    sigma = anchor_sigma(layout.known, mean)
    if sigma is None:
        sigma = _fallback_sigma(data, year, n)
        work.notes.append(
            FieldNote(key="field.note.sigma_fallback", params=params({"sigma": round(sigma, 2)}))
        )
    segs = segments(layout)
    mu = solve_mu(layout, segs, sigma, target_total, mean)
    profile = point_profile(layout, segs, mu, sigma)
    _place_score_only(work, layout, profile)
    segs = segments(layout)
    mu = solve_mu(layout, segs, sigma, target_total, mean)
    rng = np.random.default_rng(SEED + year)
    draws = sample_profiles(layout, segs, mu, sigma, rng, samples)
    seg_var = np.array([float(np.mean(np.var(draws[:, s.start : s.stop], axis=0))) + 1e-6 for s in segs])
    draws = shift_to_total(draws, segs, seg_var, target_total)
    profile = shift_to_total(point_profile(layout, segs, mu, sigma), segs, seg_var, target_total)
    rank_var = np.zeros(n)
    for s, v in zip(segs, seg_var, strict=True):
        rank_var[s.start : s.stop] = v
    profile = round_to_total(profile, layout, rank_var, target_total)
    _check_mean(work, profile, mean, layout)

    owners = {o for o in layout.owner if o is not None}
    free_provinces = [p for p in province_names(63 if n == 63 else 34) if p not in owners]
    prior, prior_sd = prior_percentiles(data, year, free_provinces)
    regions_of = {p: region_of(p) for p in province_names(63)} if n == 63 else {}
    region_targets = data.regional_means_for(year) if n == 63 else {}
    if region_targets:
        _check_regions(work, region_targets, mean, regions_of)
    free_var = float(np.mean(rank_var[layout.free()])) if layout.free().any() else 0.0
    positions = assign_free(
        profile, layout, free_provinces, prior, prior_sd, region_targets, regions_of, free_var
    )

    # Bands: re-draw each sample's assignment around the point assignment, with the prior's uncertainty.
    free_pos_sorted = np.array(sorted(positions))
    point_q = (np.array(positions) + 0.5) / n
    noise = rng.standard_normal((samples, len(free_provinces))) * prior_sd[None, :]
    order = np.argsort(point_q[None, :] + noise, axis=1, kind="stable")
    sample_pos = np.empty_like(order)
    np.put_along_axis(sample_pos, order, np.broadcast_to(free_pos_sorted, order.shape), axis=1)
    free_scores = np.take_along_axis(draws, sample_pos, axis=1)

    entries: list[FieldEntry] = []
    lo_q, hi_q = (1 - BAND_LEVEL) / 2, 1 - (1 - BAND_LEVEL) / 2
    for r in range(n):
        owner = layout.owner[r]
        if owner is None:
            continue
        claim = layout.claim[r]
        assert claim is not None
        if not np.isnan(layout.known[r]):
            entries.append(_entry_from_claim(claim, float(layout.known[r])))
        else:
            column = draws[:, r]
            entries.append(
                FieldEntry(
                    province=owner,
                    score=float(profile[r]),
                    provenance="reconstructed",
                    published_rank=claim.rank,
                    source_url=claim.source_url,
                    basis=claim.basis,
                    note=claim.note,
                    score_low=float(np.quantile(column, lo_q)),
                    score_high=float(np.quantile(column, hi_q)),
                    score_min=float(layout.lo[r]),
                    score_max=float(layout.hi[r]),
                )
            )
    free_lo = float(min(layout.lo[p] for p in positions)) if positions else 0.0
    free_hi = float(max(layout.hi[p] for p in positions)) if positions else data.max_points
    for i, name in enumerate(free_provinces):
        column = free_scores[:, i]
        point = float(profile[positions[i]])
        half = FREE_BAND_SCALE * float(np.quantile(column, hi_q) - np.quantile(column, lo_q)) / 2
        place = draws[:, positions[i]]
        entries.append(
            FieldEntry(
                province=name,
                score=point,
                provenance="reconstructed",
                score_low=max(point - half, free_lo),
                score_high=min(point + half, free_hi),
                score_min=free_lo,
                score_max=free_hi,
                profile_low=float(np.quantile(place, lo_q)),
                profile_high=float(np.quantile(place, hi_q)),
            )
        )
    exact = sum(1 for e in entries if e.provenance != "reconstructed")
    work.notes.insert(
        0, FieldNote(key="field.note.coverage", params=params({"year": str(year), "known": exact, "n": n}))
    )
    if exact < 5:
        work.notes.insert(
            1, FieldNote(key="field.note.thin", params=params({"year": str(year), "known": exact}))
        )
    if region_targets:
        _report_region_fit(work, entries, region_targets)
    return Field(
        year=year,
        index=data.index,
        max_points=data.max_points,
        n_provinces=63 if n == 63 else 34,
        kind="reconstructed",
        entries=tuple(entries),
        contradictions=tuple(work.contradictions),
        notes=tuple(work.notes),
        summary=data.summary(year),
    )


def _entry_from_claim(claim: Claim, score: float) -> FieldEntry:
    return FieldEntry(
        province=claim.province or "?",
        score=score,
        provenance=claim.provenance,
        published_rank=claim.rank,
        source_url=claim.source_url,
        basis=claim.basis,
        note=claim.note,
    )


def _place_score_only(work: Resolution, layout: Layout, profile: FloatArray) -> None:
    """Give each score without a rank the free rank whose provisional score is nearest, keeping their order."""
    owners = set(layout.owner)
    pending = sorted(
        (c for c in work.claims if c.score is not None and c.rank is None and c.province not in owners),
        key=lambda c: -(c.score or 0.0),
    )
    for claim in pending:
        score = float(claim.score or 0.0)
        candidates = [
            r
            for r in range(len(profile))
            if layout.owner[r] is None
            and np.isnan(layout.known[r])
            and layout.lo[r] - 1e-9 <= score <= layout.hi[r] + 1e-9
        ]
        if not candidates:
            record_decision(
                work, "no_room", [claim], None, "drop_row", "field.decision.no_room", affected=[claim]
            )
            continue
        r = min(candidates, key=lambda k: (abs(profile[k] - score), k))
        layout.known[r] = score
        layout.owner[r] = claim.province
        layout.claim[r] = claim
        layout.propagate()


def _year_mean(data: ResultsData, year: int) -> tuple[float, bool]:
    summary = data.summary(year)
    if summary is not None and summary.mean is not None:
        return summary.mean, False
    known = sorted((s.year, s.mean) for s in data.summaries if s.mean is not None)
    before = [(y, m) for y, m in known if y < year]
    after = [(y, m) for y, m in known if y > year]
    if before and after:
        (y0, m0), (y1, m1) = before[-1], after[0]
        return round(m0 + (m1 - m0) * (year - y0) / (y1 - y0), 2), True
    if before or after:
        return (before[-1] if before else after[0])[1], True
    return _anchor_mean(data, year), True


#: A year's (score, rank) anchors fix both the centre and the spread of its normal order statistics only when
#: they reach far enough apart (Σ(z - z̄)² at least this much, i.e. top and bottom both published).
ANCHOR_SPAN = 2.0


def _year_pairs(data: ResultsData, year: int) -> tuple[FloatArray, FloatArray]:
    """A year's published (score, rank) pairs as (scores, Blom scores of the ranks)."""
    rows = [r for r in data.rows_for(year) if r.score is not None and r.rank is not None]
    if not rows:
        return np.zeros(0), np.zeros(0)
    z = blom_z(rows[0].n_provinces)[[(r.rank or 1) - 1 for r in rows]]
    return np.array([r.score for r in rows], dtype=np.float64), z


@memoised(maxsize=16)
def _anchor_fits(data: ResultsData) -> dict[int, float]:
    """Per year with (score, rank) pairs: the centre of the normal whose order statistics fit them (least
    squares of the scores on the Blom scores of their ranks). The spread is fitted where the pairs reach from
    top to bottom, and pooled (the median of those fits) for the other years."""
    pairs = {year: _year_pairs(data, year) for year in data.years()}
    spreads: dict[int, float] = {}
    for year, (y, z) in pairs.items():
        centred = z - z.mean() if z.size else z
        if z.size >= 3 and float(np.sum(centred**2)) >= ANCHOR_SPAN:
            sigma = float(np.sum(centred * (y - y.mean())) / np.sum(centred**2))
            if sigma > 0:
                spreads[year] = sigma
    pooled = float(np.median(list(spreads.values()))) if spreads else None
    fits: dict[int, float] = {}
    for year, (y, z) in pairs.items():
        spread = spreads.get(year, pooled)
        if z.size and spread is not None:
            fits[year] = float(y.mean() - spread * z.mean())
    return fits


def _anchor_mean(data: ResultsData, year: int) -> float:
    """The mean of a year for an index that publishes no national mean (PAPI): the centre of the normal whose
    order statistics fit the year's (score, rank) pairs, the spread fitted where the pairs reach from the top
    to the bottom and pooled from such years otherwise; a year without pairs takes the nearest fitted years'
    centres (their mean when two are equally near), and with nothing anywhere the middle of the scale."""
    fits = _anchor_fits(data)
    if year in fits:
        return round(fits[year], 2)
    if fits:
        nearest = min(abs(y - year) for y in fits)
        return round(float(np.mean([fits[y] for y in fits if abs(y - year) == nearest])), 2)
    return round(data.max_points * 0.55, 2)


@memoised(maxsize=64)
def _fallback_sigma(data: ResultsData, year: int, n: int) -> float:
    """The median spread of the other years whose anchors allow an estimate (3.0 if none does)."""
    values = []
    for other in data.years():
        if other == year:
            continue
        work = resolve_claims(data, other, n, note_recorded=False)
        layout = _layout(work, [])
        mean, _ = _year_mean(data, other)
        sigma = anchor_sigma(layout.known, mean)
        if sigma is not None:
            values.append(sigma)
    return float(np.median(values)) if values else 3.0


def _check_mean(work: Resolution, profile: FloatArray, mean: float, layout: Layout) -> None:
    got = float(np.mean(profile))
    if abs(got - mean) > 0.01 + 1e-9:
        reachable_low, reachable_high = float(np.mean(layout.lo)), float(np.mean(layout.hi))
        work.notes.append(
            FieldNote(
                key="field.note.mean_unreachable",
                params=params(
                    {
                        "mean": mean,
                        "got": round(got, 2),
                        "low": round(reachable_low, 2),
                        "high": round(reachable_high, 2),
                    }
                ),
            )
        )


def _check_regions(
    work: Resolution, targets: dict[str, float], mean: float, regions_of: dict[str, str]
) -> None:
    counts: dict[str, int] = defaultdict(int)
    for region in regions_of.values():
        counts[region] += 1
    if set(targets) != set(counts):
        return
    implied = sum(targets[r] * counts[r] for r in targets) / work.n
    tolerance = 0.005 + 0.005  # both the national and the regional means are rounded to 0.01
    if abs(implied - mean) > tolerance:
        work.contradictions.append(
            Contradiction(
                year=work.year,
                kind="regional_means",
                rows=tuple(SourceRow(province=r, score=v) for r, v in sorted(targets.items())),
                action="soft_constraint",
                decision_key="field.decision.regions_soft",
                decision_params=params({"implied": round(implied, 3), "mean": mean}),
            )
        )


def _report_region_fit(work: Resolution, entries: list[FieldEntry], targets: dict[str, float]) -> None:
    sums: dict[str, list[float]] = defaultdict(list)
    for e in entries:
        sums[region_of(e.province)].append(e.score)
    worst = max(abs(float(np.mean(sums[r])) - v) for r, v in targets.items() if sums[r])
    work.notes.append(FieldNote(key="field.note.regions_fit", params=params({"error": round(worst, 2)})))
