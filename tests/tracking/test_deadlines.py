"""Deadlines as the seed appendices write them, read against the plan year."""

from __future__ import annotations

from datetime import date

import pytest

from planner.tracking.deadlines import read_deadline


@pytest.mark.parametrize(
    ("text", "due", "basis"),
    [
        ("Trong năm 2019", date(2019, 12, 31), "year"),
        ("Quý III", date(2019, 9, 30), "quarter"),
        ("quý 2/2020", date(2020, 6, 30), "quarter"),
        ("Trong quý IV năm trước liền kề năm kế hoạch", date(2018, 12, 31), "quarter"),
        ("Trước ngày 15/10", date(2019, 10, 15), "date"),
        ("Trước ngày 31/01 năm sau", date(2020, 1, 31), "date"),
        ("Trước ngày 28/02 của năm sau liền kề năm đánh giá", date(2020, 2, 28), "date"),
        (
            "- Trước ngày 15/3; - Trước ngày 15/6; - Trước ngày 15/9; - Trước ngày 10/12.",
            date(2019, 12, 10),
            "date",
        ),
        ("30/6/2019", date(2019, 6, 30), "date"),
        ("Tháng 10", date(2019, 10, 31), "month"),
        ("tháng 5/2019", date(2019, 5, 31), "month"),
        ("Thường xuyên", date(2019, 12, 31), "assumed"),
        ("", date(2019, 12, 31), "assumed"),
    ],
)
def test_deadline_words_become_dates(text: str, due: date, basis: str) -> None:
    deadline = read_deadline(text, 2019)
    assert (deadline.due, deadline.basis) == (due, basis)
    assert deadline.is_assumed == (basis == "assumed")


def test_an_impossible_day_is_not_a_date() -> None:
    assert read_deadline("Trước ngày 31/02", 2019).basis == "assumed"
