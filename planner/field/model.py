"""The competitor field: every province's score in a year, and where each score comes from.

A target like "top 20" is a statement about the other provinces, so the planner needs their scores. No complete
table was available as text, so a field mixes three kinds of score, always shown to the user: `official` (read
from a complete table the user or the bundle provides), `sourced` (a figure a news or government page states,
with its URL) and `reconstructed` (filled in by planner.field.reconstruction between the published figures, with a
plausible band). `custom` marks a score the user typed (a what-if), `projected` a score from the projection or
the 2025 merger. A field also carries the contradictions found in its sources and what was done about each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import model_validator

from planner.core.errors import FieldError
from planner.core.i18n import Lang, format_number, t
from planner.core.model import FrozenModel
from planner.field.provinces import Era, match_province, region_of
from planner.field.results import NationalSummary

Provenance = Literal["official", "sourced", "reconstructed", "custom", "projected"]
FieldKind = Literal["official", "sourced", "reconstructed", "custom", "projected"]
Params = tuple[tuple[str, str | int | float], ...]


def params(mapping: Mapping[str, Any]) -> Params:
    """Message parameters as a hashable tuple (frozen models must hash by value)."""
    out: list[tuple[str, str | int | float]] = []
    for key, value in mapping.items():
        out.append((key, value if isinstance(value, str | int | float) else str(value)))
    return tuple(out)


class FieldNote(FrozenModel):
    """A remark about how a field was built, as a translation key and its parameters."""

    key: str
    params: Params = ()

    def message(self, lang: Lang = "vi") -> str:
        return t(self.key, lang, **dict(self.params))


class FieldEntry(FrozenModel):
    """One province's score in a field, with its provenance and, if it is not known exactly, its band."""

    province: str
    score: float
    provenance: Provenance
    #: The rank a source states for this province (None when no source gives one).
    published_rank: int | None = None
    source_url: str = ""
    basis: str = ""
    #: The source's own note (as recorded in data/results), or the user's remark.
    note: str = ""
    #: The plausible band (10th to 90th percentile); equal to `score` unless reconstructed or projected.
    score_low: float = float("nan")
    score_high: float = float("nan")
    #: Hard bounds the sources allow (None: no bound tighter than 0-100).
    score_min: float | None = None
    score_max: float | None = None
    #: The band (10th to 90th percentile) of the score at the place this entry holds in the field's profile,
    #: when it is narrower than the entry's own band: a province whose rank nobody published is unsure mostly
    #: about *which* place it holds, and that doubt only relabels the field (someone else holds the place), so
    #: it never changes how many provinces beat a given score. Counts of rivals (rank distributions) use this
    #: band; the province's own score uses `score_low`-`score_high`. None: the same as the entry's own band.
    profile_low: float | None = None
    profile_high: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        score = round(float(data["score"]), 2)
        data["score"] = score
        exact = data.get("provenance") in ("official", "sourced", "custom")
        for key in ("score_low", "score_high"):
            value = data.get(key)
            if exact or value is None or value != value:
                data[key] = score
            else:
                data[key] = round(float(value), 2)
        data["score_low"] = min(data["score_low"], score)
        data["score_high"] = max(data["score_high"], score)
        low, high = data.get("profile_low"), data.get("profile_high")
        if exact or low is None or high is None or low != low or high != high:
            data["profile_low"] = data["profile_high"] = None
        else:
            data["profile_low"] = min(max(round(float(low), 2), data["score_low"]), score)
            data["profile_high"] = max(min(round(float(high), 2), data["score_high"]), score)
        return data

    @property
    def region(self) -> str:
        return region_of(self.province)

    @property
    def is_exact(self) -> bool:
        return self.score_low == self.score == self.score_high

    @property
    def profile_band(self) -> tuple[float, float]:
        """The band that enters counts of rivals (see `profile_low`): the profile band, else the own band."""
        if self.profile_low is None or self.profile_high is None:
            return self.score_low, self.score_high
        return self.profile_low, self.profile_high

    def status(self, lang: Lang = "vi") -> str:
        """A short label for tables: the provenance, with the published rank or the band where useful."""
        label = t(f"field.provenance.{self.provenance}", lang)
        if not self.is_exact:
            label += " " + t("field.band", lang, low=self.score_low, high=self.score_high)
        if self.published_rank is not None and self.provenance == "reconstructed":
            label += " · " + t("field.rank_published", lang, rank=self.published_rank)
        return label


#: How a source gives a figure, as recorded in data/results (the `basis` column), with the words for it.
SOURCE_BASES = (
    "stated",
    "derived_from_stated_change",
    "rank_from_ordered_list",
    "rank_inferred_from_text",
    "national_summary",
)


class SourceRow(FrozenModel):
    """One published row as a contradiction names it: province, figure, rank, the site and how it gives them.
    Kept as data and written out in the reader's language (83,87 or 83.87; "công bố" or "stated")."""

    province: str = "?"
    score: float | None = None
    rank: int | None = None
    site: str = ""
    basis: str = ""
    #: The row of a table the user loaded (a results decision), when the row comes from one.
    table_row: int | None = None

    def text(self, lang: Lang = "vi") -> str:
        figures = []
        if self.score is not None:
            figures.append(format_number(self.score, lang, 2, trim=False))
        if self.rank is not None:
            figures.append(f"#{self.rank}")
        basis = t(f"field.basis.{self.basis}", lang) if self.basis in SOURCE_BASES else self.basis
        row = t("field.table_row", lang, row=self.table_row) if self.table_row is not None else ""
        where = ", ".join(x for x in (self.site, basis, row) if x)
        return f"{self.province} {' '.join(figures)}" + (f" ({where})" if where else "")


class Contradiction(FrozenModel):
    """Sources that cannot all be true, and what the field does about it."""

    year: int
    kind: Literal[
        "same_rank",
        "order",
        "duplicate",
        "threshold",
        "summary",
        "noted",
        "regional_means",
        "no_room",
        "range",
    ]
    #: The rows involved (province, figure, source site, basis).
    rows: tuple[SourceRow, ...]
    #: The row kept as it is (None when none is singled out).
    kept: SourceRow | None = None
    #: The provinces whose published figure was changed or set aside (their rank moved or dropped, ...).
    affected: tuple[str, ...] = ()
    action: Literal[
        "move_rank",
        "drop_rank",
        "drop_score",
        "drop_row",
        "drop_constraint",
        "kept_as_recorded",
        "soft_constraint",
    ]
    decision_key: str
    decision_params: Params = ()

    def message(self, lang: Lang = "vi") -> str:
        rows = "; ".join(row.text(lang) for row in self.rows)
        head = t(f"field.contradiction.{self.kind}", lang, year=str(self.year), rows=rows)
        kept = self.kept.text(lang) if self.kept is not None else ""
        return f"{head} {t(self.decision_key, lang, **{**dict(self.decision_params), 'kept': kept})}"


def kind_of(entries: Iterable[FieldEntry], default: FieldKind) -> FieldKind:
    """A field is `reconstructed` as soon as one entry is; otherwise it keeps the kind it was built as."""
    provenances = {e.provenance for e in entries}
    if "reconstructed" in provenances:
        return "reconstructed"
    if default == "reconstructed":
        return "sourced" if provenances <= {"sourced", "official"} else "custom"
    return default


def _order(entry: FieldEntry) -> tuple[float, int, str]:
    return (-entry.score, entry.published_rank or 10_000, entry.province)


class Field(FrozenModel):
    """The scores of every province in one year (or a projection of one), sorted from the highest."""

    year: int
    #: The index the scores are of (planner.methodology.index) and its scale: a PAR table never ranks a PAPI
    #: score, and a score above `max_points` is out of range.
    index: str = "par"
    max_points: float = 100.0
    n_provinces: Literal[63, 34]
    kind: FieldKind
    entries: tuple[FieldEntry, ...]
    contradictions: tuple[Contradiction, ...] = ()
    notes: tuple[FieldNote, ...] = ()
    #: The ministry's national figures the field was built to respect (None for a loaded table).
    summary: NationalSummary | None = None
    #: For a 34-province field built from the 63: the kind of the field it was merged from.
    merged_from_kind: FieldKind | None = None
    #: The spread (standard deviation) of the 63-province field a merged field comes from: a province's
    #: deviation from the mean is measured on that scale, since averaging parts shrinks the merged spread.
    reference_spread: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Field:
        names = [e.province for e in self.entries]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise FieldError("field.duplicate_province", names=", ".join(dupes))
        if len(self.entries) > self.n_provinces:
            raise FieldError("field.too_many_entries", n=len(self.entries), expected=self.n_provinces)
        ordered = tuple(sorted(self.entries, key=_order))
        if ordered != self.entries:
            object.__setattr__(self, "entries", ordered)
        kind = kind_of(self.entries, self.kind)
        if kind != self.kind and (kind == "reconstructed" or self.kind == "reconstructed"):
            object.__setattr__(self, "kind", kind)
        return self

    @property
    def era(self) -> Era:
        return self.n_provinces

    def provinces(self) -> tuple[str, ...]:
        return tuple(e.province for e in self.entries)

    def entry(self, province: str) -> FieldEntry:
        """The entry of `province` (matched tolerantly, in this field's era)."""
        name = match_province(province, era=self.n_provinces)
        for e in self.entries:
            if e.province == name:
                return e
        raise FieldError("field.province_not_in_field", name=province, year=str(self.year))

    def scores(self) -> NDArray[np.float64]:
        """The scores in entry order (highest first)."""
        return np.array([e.score for e in self.entries], dtype=np.float64)

    def mean(self) -> float:
        return round(float(np.mean(self.scores())), 2) if self.entries else float("nan")

    def count(self, provenance: Provenance) -> int:
        return sum(1 for e in self.entries if e.provenance == provenance)

    def with_score(self, province: str, score: float, *, note: str = "") -> Field:
        """The same field with `province`'s score replaced by `score` (marked custom)."""
        if not 0 <= score <= self.max_points:
            raise FieldError("field.score_out_of_range", score=score, max=self.max_points)
        old = self.entry(province)
        new = FieldEntry(province=old.province, score=score, provenance="custom", note=note)
        entries = tuple(new if e.province == old.province else e for e in self.entries)
        return self.model_copy(update={"entries": tuple(sorted(entries, key=_order))})

    def without(self, province: str) -> Field:
        """The field without `province` (our own province, when ranking against the others)."""
        name = self.entry(province).province
        return self.model_copy(update={"entries": tuple(e for e in self.entries if e.province != name)})

    def note_messages(self, lang: Lang = "vi") -> list[str]:
        """Every note and contradiction, in the user's language, for the UI and the CLI."""
        return [n.message(lang) for n in self.notes] + [c.message(lang) for c in self.contradictions]
