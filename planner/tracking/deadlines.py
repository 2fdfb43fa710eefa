"""A plan row's deadline as a date, read from the words a plan uses.

The appendices write deadlines as people say them, not as dates: "Trong năm 2019", "Quý III", "Trước ngày 15/10",
"Trước ngày 31/01 năm sau", "Trong quý IV năm trước liền kề năm kế hoạch", or a list of reporting dates
("- Trước ngày 15/3; - Trước ngày 15/6; …"). A quarterly review needs a date to say a row is late, so each text is
read against the plan's year. What is read is kept with how it was read (`basis`), and a text that names no time
(empty, "Thường xuyên") falls back to the end of the plan year, labelled as that assumption, so the review can
show which due dates are the plan's and which are ours.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import Literal

from planner.core.model import FrozenModel
from planner.core.text import fold

DeadlineBasis = Literal["date", "month", "quarter", "year", "assumed"]

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?(?![\d/])")
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\b(?:\s*[/.-]?\s*(?:nam\s+)?(\d{4}))?")
_MONTH = re.compile(r"thang\s+(\d{1,2})(?:\s*[/.-]\s*(\d{4})|\s+nam\s+(\d{4}))?")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_NEXT_YEAR = ("nam sau", "nam tiep theo")
_PREVIOUS_YEAR = ("nam truoc",)


class Deadline(FrozenModel):
    """When a row is due, and how that date was read from the plan's words."""

    due: date
    basis: DeadlineBasis
    text: str = ""

    @property
    def is_assumed(self) -> bool:
        return self.basis == "assumed"


def _shift(folded: str) -> int:
    """The year a day or quarter without a year belongs to, relative to the plan year."""
    if any(words in folded for words in _NEXT_YEAR):
        return 1
    if any(words in folded for words in _PREVIOUS_YEAR):
        return -1
    return 0


def _valid(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def read_deadline(text: str, plan_year: int) -> Deadline:
    """The due date of a row whose deadline cell reads `text`, in a plan for `plan_year`.

    Several dates (a reporting calendar) give the last one; a quarter gives its last day; a month its last day;
    a year its 31 December. Days and quarters without a year belong to the plan year, or the next or previous
    one when the text says "năm sau" or "năm trước".
    """
    folded = fold(text)
    shift = _shift(folded)
    days = [
        found
        for d, m, y in _DAY_MONTH.findall(folded)
        if (found := _valid(int(y) if y else plan_year + shift, int(m), int(d))) is not None
    ]
    if days:
        return Deadline(due=max(days), basis="date", text=text)
    quarters = _QUARTER.findall(folded)
    if quarters:
        ends = []
        for q, y in quarters:
            quarter = _ROMAN.get(q) or int(q)
            year = int(y) if y else plan_year + shift
            ends.append(date(year, 3 * quarter, monthrange(year, 3 * quarter)[1]))
        return Deadline(due=max(ends), basis="quarter", text=text)
    months = [
        (int(y or y2) if (y or y2) else plan_year + shift, int(m))
        for m, y, y2 in _MONTH.findall(folded)
        if 1 <= int(m) <= 12
    ]
    if months:
        year, month = max(months)
        return Deadline(due=date(year, month, monthrange(year, month)[1]), basis="month", text=text)
    years = [int(y) for y in _YEAR.findall(folded)]
    if years:
        return Deadline(due=date(max(years), 12, 31), basis="year", text=text)
    if "trong nam" in folded or "ca nam" in folded:
        return Deadline(due=date(plan_year + shift, 12, 31), basis="year", text=text)
    return Deadline(due=date(plan_year, 12, 31), basis="assumed", text=text)
