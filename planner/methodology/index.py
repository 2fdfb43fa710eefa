"""An index as data: the PAR INDEX, PAPI, and later a province's own index.

A methodology says how one year's points are made; an index says what those points are *of*: its scale (100
points for the PAR INDEX, 8-80 for PAPI), how many provinces it ranks in a year (63, then 34), how it groups them
(the ministry's A/B/C by score; PAPI's quartiles by rank), whether its survey items are levers the province pulls
(PAPI's whole score is a citizen survey, and a PAPI plan exists to move it) and which methodology scores which
year. Everything downstream (the field, the rank, the groups, the optimiser's view of survey items, the CLI's
JSON) asks the index, so nothing PAR-specific sits where PAPI passes. The registry is data/indices/indices.yaml.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field

from planner.core.data import data_dir
from planner.core.errors import MethodologyError
from planner.core.i18n import Lang
from planner.core.model import FrozenModel
from planner.core.yaml_text import read_yaml
from planner.methodology.rules import to_centi

DEFAULT_INDEX = "par"
#: The first year ranked among the 34 provinces formed on 1 July 2025 (the same for every index).
FIRST_34_YEAR = 2025


class GroupBand(FrozenModel):
    """One group: from a score (kind "score") or one quartile of the ranking (kind "rank_quartile")."""

    id: str = Field(min_length=1, max_length=8)
    label_vi: str
    label_en: str = ""
    from_points: float | None = None

    def label(self, lang: Lang = "vi") -> str:
        return self.label_vi if lang == "vi" else (self.label_en or self.label_vi)


class Groups(FrozenModel):
    kind: Literal["score", "rank_quartile"]
    #: Highest group first.
    bands: tuple[GroupBand, ...] = Field(min_length=1)


class Scheme(FrozenModel):
    """Which methodology scores which years (None when only metadata is known)."""

    years: tuple[int, ...] = Field(min_length=1)
    methodology: str | None = None
    decision: str = ""
    note: str = ""


class Index(FrozenModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,30}$")
    short: str
    #: How a plan's title names the index ("Nâng cao Chỉ số cải cách hành chính (PAR INDEX) năm 2025").
    plan_name_vi: str = ""
    plan_name_en: str = ""
    name_vi: str
    name_en: str = ""
    publisher_vi: str = ""
    publisher_en: str = ""
    max_points: float = Field(gt=0)
    min_points: float = Field(default=0.0, ge=0)
    groups: Groups
    survey_is_lever: bool = False
    #: Our own survey result's sd as a share of the survey points (an assumption the data file labels).
    own_survey_sd_share: float = Field(default=0.02, ge=0, le=0.2)
    schemes: tuple[Scheme, ...] = ()
    source: str = ""

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)

    def plan_name(self, lang: Lang = "vi") -> str:
        if lang == "vi":
            return self.plan_name_vi or self.name_vi
        return self.plan_name_en or self.name_en or self.short

    def publisher(self, lang: Lang = "vi") -> str:
        return self.publisher_vi if lang == "vi" else (self.publisher_en or self.publisher_vi)

    def units(self, year: int) -> Literal[63, 34]:
        """How many provinces the index ranks in `year`: 63 until 2024, 34 from 2025 on."""
        return 34 if year >= FIRST_34_YEAR else 63

    def scheme_for(self, year: int) -> Scheme | None:
        for scheme in self.schemes:
            if year in scheme.years:
                return scheme
        return None

    def methodology_for(self, year: int) -> str | None:
        """The bundled methodology that scores `year`, or None when none is bundled for it."""
        scheme = self.scheme_for(year)
        return scheme.methodology if scheme is not None else None

    def in_range(self, score: float) -> bool:
        return to_centi(self.min_points) <= to_centi(score) <= to_centi(self.max_points)

    def group_of(self, score: float, rank: int | None = None, n: int | None = None) -> str | None:
        """The group of a score (kind "score") or of a rank among n (kind "rank_quartile"; None without one).

        Quartiles follow the PAPI reports: the n provinces split into four groups as equal as possible, the
        highest first (63 → 16, 16, 16, 15)."""
        bands = self.groups.bands
        if self.groups.kind == "score":
            cents = to_centi(score)
            for band in bands:
                if band.from_points is None or cents >= to_centi(band.from_points):
                    return band.id
            return bands[-1].id
        if rank is None or n is None or n <= 0:
            return None
        size = -(-n // len(bands))
        return bands[min((max(rank, 1) - 1) // size, len(bands) - 1)].id

    def group_label(self, group: str | None, lang: Lang = "vi") -> str:
        for band in self.groups.bands:
            if band.id == group:
                return band.label(lang)
        return "–"


@cache
def indices() -> tuple[Index, ...]:
    """Every index in data/indices/indices.yaml, validated once per process."""
    raw = read_yaml((data_dir() / "indices" / "indices.yaml").read_text(encoding="utf-8")) or {}
    return tuple(Index.model_validate(row) for row in raw.get("indices", []))


def index_ids() -> tuple[str, ...]:
    return tuple(i.id for i in indices())


def get_index(index_id: str) -> Index:
    """The index by id; an unknown id is refused with the known ones listed."""
    for index in indices():
        if index.id == index_id:
            return index
    raise MethodologyError("methodology.unknown_index", index=index_id, known=", ".join(index_ids()))
