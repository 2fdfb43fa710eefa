"""The 34-province field: each merged province's baseline from the scores of the provinces it joined.

From 1 July 2025 the 63 provinces became 34 (Nghị quyết 202/2025/QH15) and the PAR INDEX 2025 ranks 34. No
34-province score has been published, so a merged province's baseline is a combination of its parts' scores
in the latest 63-province year. The default is the plain mean: the new province inherits the procedures, staff
and services of all its parts, and no published weighting (population, budget, procedures handled) says how the
ministry's assessment will weigh them. A user who knows better passes `weights` per former province (e.g.
population) or overrides a merged province's baseline outright. Provinces that did not merge keep their own
score and provenance; a merged baseline is marked `projected`, its band the same combination of its parts'
bands (which assumes the parts' errors move together, the cautious choice).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from planner.core.errors import FieldError
from planner.core.i18n import format_number
from planner.field.model import Field, FieldEntry, FieldNote, params
from planner.field.provinces import match_province, provinces_34


def _merged_profile(parts: list[FieldEntry], w: list[float], total: float) -> dict[str, float]:
    """The profile band of a merged province (see FieldEntry.profile_low): the parts' profile bands combined
    like their own bands (errors moving together), plus what is left of the parts' doubt about which place
    each holds. That doubt only relabels the 63 (a count of rivals among the 63 never sees it), but it does move
    the means of the 34, as independent errors (different parts swap places with different provinces), so it
    enters with the weights' squares rather than the weights."""
    centre = sum(p.score * x for p, x in zip(parts, w, strict=True)) / total
    below = sum((p.score - p.profile_band[0]) * x for p, x in zip(parts, w, strict=True)) / total
    above = sum((p.profile_band[1] - p.score) * x for p, x in zip(parts, w, strict=True)) / total
    relabel_low = sum(
        max((p.score - p.score_low) ** 2 - (p.score - p.profile_band[0]) ** 2, 0.0) * x * x
        for p, x in zip(parts, w, strict=True)
    )
    relabel_high = sum(
        max((p.score_high - p.score) ** 2 - (p.profile_band[1] - p.score) ** 2, 0.0) * x * x
        for p, x in zip(parts, w, strict=True)
    )
    return {
        "profile_low": centre - math.sqrt(below**2 + relabel_low / total**2),
        "profile_high": centre + math.sqrt(above**2 + relabel_high / total**2),
    }


def merged_field(
    field: Field, *, weights: Mapping[str, float] | None = None, overrides: Mapping[str, float] | None = None
) -> Field:
    """The 34-province field built from a 63-province `field`.

    `weights` maps former provinces to their weight in their merged province's mean (missing ones weigh 1);
    `overrides` maps merged provinces to a baseline score the user sets (marked custom).
    """
    if field.n_provinces != 63:
        raise FieldError("field.merge_needs_63", year=str(field.year))
    weight_of = {match_province(k, era=63): float(v) for k, v in (weights or {}).items()}
    if any(w < 0 for w in weight_of.values()):
        raise FieldError("field.negative_weight")
    override_of = {match_province(k, era=34): float(v) for k, v in (overrides or {}).items()}
    by_name = {e.province: e for e in field.entries}
    entries: list[FieldEntry] = []
    for merged in provinces_34():
        parts = [by_name[p] for p in merged.merged_from if p in by_name]
        if merged.name in override_of:
            entries.append(
                FieldEntry(
                    province=merged.name, score=override_of[merged.name], provenance="custom", note="override"
                )
            )
            continue
        if not parts:
            continue
        if len(merged.merged_from) == 1:
            only = parts[0]
            entries.append(only.model_copy(update={"province": merged.name}))
            continue
        w = [weight_of.get(p.province, 1.0) for p in parts]
        total = sum(w)
        if total <= 0:
            raise FieldError("field.negative_weight")

        def combine(values: list[float], w: list[float] = w, total: float = total) -> float:
            return sum(v * x for v, x in zip(values, w, strict=True)) / total

        how = " + ".join(
            f"{p.province} {format_number(p.score, 'en', 2, trim=False)} ({p.provenance}, w={format_number(x, 'en')})"
            for p, x in zip(parts, w, strict=True)
        )
        entries.append(
            FieldEntry(
                province=merged.name,
                score=combine([p.score for p in parts]),
                provenance="projected",
                basis="merger_mean",
                note=f"{'weighted mean' if weights else 'mean'} of {how}",
                score_low=combine([p.score_low for p in parts]),
                score_high=combine([p.score_high for p in parts]),
                score_min=combine([p.score_min if p.score_min is not None else p.score_low for p in parts]),
                score_max=combine([p.score_max if p.score_max is not None else p.score_high for p in parts]),
                **_merged_profile(parts, w, total),
            )
        )
    note = FieldNote(key="field.note.merged", params=params({"year": str(field.year), "kind": field.kind}))
    return Field(
        year=field.year,
        index=field.index,
        max_points=field.max_points,
        n_provinces=34,
        kind="projected",
        entries=tuple(entries),
        contradictions=field.contradictions,
        notes=(note, *field.notes),
        summary=field.summary,
        merged_from_kind=field.kind,
        reference_spread=round(float(np.std(field.scores())), 4) if field.entries else None,
    )
