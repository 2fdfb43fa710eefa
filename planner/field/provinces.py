"""The provinces: the 63 scored until 2024, the 34 formed on 1 July 2025, their regions and tolerant name matching.

Results come from news pages, ministry tables and users' spreadsheets, which write the same province as
"TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh", "TP.HCM", "Ho Chi Minh City" or "HCMC", and after the merger a 2024
table may say "Yên Bái" where a 2026 plan says "Lào Cai". Every name entering the planner passes through
`match_province`, which folds diacritics, case, punctuation and the administrative prefixes away and knows the
abbreviations in data/provinces/aliases.csv, so the rest of the code compares canonical names only.

Regions are the six socio-economic regions the ministry uses for its regional means. A merged province takes the
region of the province whose name it keeps (listed first in provinces_34.csv): the ministry has not published
regions for the 34, and this keeps, for example, Lào Cai (with Yên Bái) in the northern uplands.
"""

from __future__ import annotations

import csv
import difflib
import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from planner.core.data import data_dir
from planner.core.errors import FieldError
from planner.core.text import fold

Era = Literal[63, 34]
#: The first year ranked among the 34 provinces formed on 1 July 2025.
FIRST_34_YEAR = 2025


def era_of(year: int) -> Era:
    """How many provinces a year's PAR INDEX ranks: 63 until 2024, 34 from FIRST_34_YEAR on."""
    return 34 if year >= FIRST_34_YEAR else 63


#: The six socio-economic regions, in the order the ministry lists them.
REGIONS: tuple[str, ...] = (
    "Trung du và miền núi phía Bắc",
    "Đồng bằng sông Hồng",
    "Bắc Trung Bộ và Duyên hải miền Trung",
    "Tây Nguyên",
    "Đông Nam Bộ",
    "Đồng bằng sông Cửu Long",
)


class Province(BaseModel):
    """One of the 63 provinces scored from 2012 to 2024."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    region: str
    province_from_2025: str


class MergedProvince(BaseModel):
    """One of the 34 provinces from 1 July 2025 (Nghị quyết 202/2025/QH15) and the former provinces it joins."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    merged_from: tuple[str, ...]
    #: The region of the former province whose name it keeps (merged_from[0]); see the module docstring.
    region: str


def _provinces_dir() -> Path:
    return data_dir() / "provinces"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@cache
def provinces_63() -> tuple[Province, ...]:
    """The 63 former provinces in the order of data/provinces/provinces_63.csv (north to south)."""
    rows = _read_csv(_provinces_dir() / "provinces_63.csv")
    return tuple(
        Province(name=r["province"], region=r["region"], province_from_2025=r["province_from_2025"])
        for r in rows
    )


@cache
def provinces_34() -> tuple[MergedProvince, ...]:
    """The 34 provinces from 1 July 2025, each with the former provinces it merged from."""
    regions = {p.name: p.region for p in provinces_63()}
    out = []
    for r in _read_csv(_provinces_dir() / "provinces_34.csv"):
        parts = tuple(part.strip() for part in r["merged_from"].split(";") if part.strip())
        out.append(MergedProvince(name=r["province_from_2025"], merged_from=parts, region=regions[parts[0]]))
    return tuple(out)


def province_names(era: Era = 63) -> tuple[str, ...]:
    """The canonical names of one era, in file order."""
    return tuple(p.name for p in provinces_63()) if era == 63 else tuple(p.name for p in provinces_34())


@cache
def region_of(name: str) -> str:
    """The region of a canonical province name of either era."""
    for p in provinces_63():
        if p.name == name:
            return p.region
    for m in provinces_34():
        if m.name == name:
            return m.region
    raise FieldError("field.unknown_province", name=name, suggestions="-")


@cache
def merged_into(name: str) -> str:
    """The province (of the 34) that a former province belongs to from 1 July 2025."""
    for p in provinces_63():
        if p.name == name:
            return p.province_from_2025
    raise FieldError("field.unknown_province", name=name, suggestions="-")


_PREFIXES = ("thanh pho ", "tinh ", "tp ", "t p ", "city of ", "province of ")
_SUFFIXES = (" province", " city", " tinh")


def name_key(text: str) -> str:
    """The matching key of a province name: folded (no diacritics, lower case), without "TP.", "Thành phố",
    "Tỉnh", "province" or "city", and without spaces or punctuation, so "Hà Nội", "Ha Noi" and "Hanoi" agree."""
    folded = re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if folded.startswith(prefix) and len(folded) > len(prefix):
                folded, changed = folded[len(prefix) :], True
        for suffix in _SUFFIXES:
            if folded.endswith(suffix) and len(folded) > len(suffix):
                folded, changed = folded[: -len(suffix)], True
    return folded.replace(" ", "")


@cache
def _aliases() -> dict[str, str]:
    path = _provinces_dir() / "aliases.csv"
    if not path.exists():
        return {}
    return {name_key(r["alias"]): r["province"] for r in _read_csv(path)}


@cache
def _keys(era: Era) -> dict[str, str]:
    return {name_key(n): n for n in province_names(era)}


def _namesake_63(name_34: str) -> str:
    for m in provinces_34():
        if m.name == name_34:
            return m.merged_from[0]
    return name_34


def match_province(text: str, *, era: Era | None = None) -> str:
    """The canonical name for `text`, matched tolerantly.

    With era=63 a new name is read as the former province it keeps the name of ("Huế" → "Thừa Thiên Huế");
    with era=34 a former province is read as the province it joined ("Yên Bái" → "Lào Cai"); with no era the
    name is returned as it is canonical in either list. Raises FieldError("field.unknown_province") with up to
    three suggestions.
    """
    key = name_key(text)
    k63, k34 = _keys(63), _keys(34)
    candidate: str | None = None
    if key in k63:
        candidate = k63[key]
    elif key in k34:
        candidate = k34[key]
    elif key in _aliases():
        candidate = _aliases()[key]
    if candidate is not None:
        if era == 63 and candidate not in k63.values():
            return _namesake_63(candidate)
        if era == 34 and candidate not in k34.values():
            return merged_into(candidate)
        return candidate
    raise FieldError("field.unknown_province", name=text.strip() or "∅", suggestions=_suggest(key, era))


def _suggest(key: str, era: Era | None) -> str:
    pool: dict[str, str] = {}
    if era in (None, 63):
        pool.update(_keys(63))
    if era in (None, 34):
        pool.update(_keys(34))
    matches = difflib.get_close_matches(key, list(pool), n=3, cutoff=0.6)
    return ", ".join(dict.fromkeys(pool[m] for m in matches)) or "-"
