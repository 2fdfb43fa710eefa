"""A starting scenario for a survey index from what is published: a province's PAPI dimensions in a year.

A PAR INDEX baseline comes from the province's own appraisal (planner.files.appraisal); a PAPI baseline comes
from the PAPI report, which a province holds and we mostly do not. So this builds the best scenario the bundled
figures allow and says where each number comes from: a dimension score the sources publish is used as it is; the
rest of the year's total (published, or the field's reconstruction when nobody published it) is spread evenly
over the dimensions nobody published, each kept on its 1-10 scale. The even spread is an assumption, written in
the scenario's notes item by item, and replaced as soon as the province sets the dimensions from its report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from planner.core.i18n import Lang, format_number, t
from planner.field.bundled import field_for_year
from planner.field.model import Field
from planner.field.provinces import match_province
from planner.field.results import DimensionScore, bundled_dimension_scores
from planner.methodology.model import Methodology
from planner.methodology.rules import ScaleRule, to_centi
from planner.methodology.scenario import ItemSetting, Scenario

Origin = Literal["table", "published", "spread"]


@dataclass(frozen=True)
class DimensionStart:
    """Where one dimension of the baseline comes from."""

    code: str
    value: float
    origin: Origin
    source_url: str = ""


@dataclass(frozen=True)
class IndexBaseline:
    scenario: Scenario
    dimensions: tuple[DimensionStart, ...]
    #: The year's total for the province and whether it is published or reconstructed.
    total: float
    total_provenance: str
    field_year: int


def _dimension_key(note: str) -> str | None:
    """The data key a bundled PAPI item carries in its notes ("Khoá dữ liệu PAPI: participation.")."""
    marker = "Khoá dữ liệu PAPI: "
    if marker not in note:
        return None
    return note.split(marker, 1)[1].split(".", 1)[0].strip() or None


def index_baseline(
    methodology: Methodology,
    province: str,
    field_year: int,
    plan_year: int,
    *,
    loaded: tuple[Field, ...] = (),
    dimensions: Mapping[str, float] | None = None,
    lang: Lang = "vi",
) -> IndexBaseline:
    """The scenario of `province` for `plan_year`, starting from its `field_year` figures of the methodology's
    index (see the module docstring). `dimensions` (item code -> score, from the province's own table,
    planner.field.dimension_table) win over the bundled figures. Only items scored on a scale are set."""
    field = field_for_year(field_year, 63, loaded, methodology.index)
    name = match_province(province, era=field.n_provinces)
    entry = field.entry(name)
    published: dict[str, DimensionScore] = {
        d.dimension: d
        for d in bundled_dimension_scores(methodology.index)
        if d.year == field_year and d.province == name
    }
    items = [i for i in methodology.scored_items if isinstance(i.rule, ScaleRule)]
    starts: dict[str, DimensionStart] = {}
    for item in items:
        if dimensions is not None and item.code in dimensions:
            starts[item.code] = DimensionStart(item.code, dimensions[item.code], "table")
            continue
        key = _dimension_key(item.node.notes)
        hit = published.get(key) if key else None
        if hit is not None:
            starts[item.code] = DimensionStart(item.code, hit.score, "published", hit.source_url)
    rest = [i for i in items if i.code not in starts]
    if rest:
        # In hundredths, the remainder to the first dimensions, so the spread ones add up to the total exactly.
        remaining = to_centi(entry.score) - sum(to_centi(s.value) for s in starts.values())
        base, extra = divmod(remaining, len(rest))
        for k, item in enumerate(rest):
            rule = item.rule
            assert isinstance(rule, ScaleRule)
            share = max(rule.low, min(rule.high, (base + (1 if k < extra else 0)) / 100))
            starts[item.code] = DimensionStart(item.code, share, "spread")
    settings = {
        code: ItemSetting(
            value=start.value,
            note=t(f"index_baseline.{start.origin}", lang, year=str(field_year), source=start.source_url),
        )
        for code, start in starts.items()
    }
    notes = t(
        "index_baseline.notes",
        lang,
        province=name,
        year=str(field_year),
        total=format_number(entry.score, lang, 2),
        provenance=t(f"field.provenance.{entry.provenance}", lang),
        spread=len(rest),
    )
    scenario = Scenario(
        name=t("index_baseline.name", lang, province=name, year=str(field_year)),
        methodology=methodology.id,
        province=name,
        year=plan_year,
        items=settings,
        notes=notes,
    )
    ordered = tuple(starts[i.code] for i in items)
    return IndexBaseline(scenario, ordered, entry.score, entry.provenance, field_year)
