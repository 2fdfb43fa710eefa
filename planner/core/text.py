"""Tolerant text: the one way PAR Planner compares names typed by people.

Province names, sheet titles, column headers, level labels and agency names arrive with or without diacritics,
in any case, with stray spaces and punctuation. Every comparison goes through `fold`, so "Sở Thông tin và
Truyền thông." in the 2018 table, "so thong tin va truyen thong" in a budget file and "SỞ THÔNG TIN VÀ TRUYỀN
THÔNG" in a spreadsheet are one agency.
"""

from __future__ import annotations

import unicodedata

#: Role phrases a lead cell may end with ("Văn phòng UBND tỉnh theo dõi, đôn đốc": the office monitors and
#: urges rather than does the work); the agency itself is what plans group by and budgets are matched to.
_ROLE_SUFFIXES = ("theo dõi, đôn đốc", "theo dõi đôn đốc", "chủ trì")


def fold(text: str) -> str:
    """Text folded for tolerant matching: no diacritics (đ → d), lower case, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().replace("_", " ").split())


def clean_agency(name: str) -> str:
    """An agency cell as shown: spaces collapsed, list dashes and trailing punctuation removed, wording kept."""
    return " ".join(name.split()).strip(" .;,-")


def agency_name(name: str) -> str:
    """The agency an agency cell names, for grouping a plan: `clean_agency` without a trailing role phrase."""
    text = clean_agency(name)
    folded = text.casefold()
    for suffix in _ROLE_SUFFIXES:
        if folded.endswith(" " + suffix):
            return clean_agency(text[: -len(suffix)])
    return text


def agency_key(name: str) -> str:
    """The key two spellings of one agency share: budgets are matched to leads, and plans grouped, by it."""
    return fold(agency_name(name))
