"""Vietnamese first: translations and number formats."""

from __future__ import annotations

import pytest

from planner.core.i18n import format_int, format_number, format_percent, parse_number, t, translations


def test_numbers_in_vietnamese_style() -> None:
    assert format_number(83.87) == "83,87"
    assert format_number(64.5) == "64,5"
    assert format_number(64.5, trim=False) == "64,50"
    assert format_number(1234.5, "vi") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(-0.001) == "0"
    assert format_int(12345) == "12.345"
    assert format_percent(91.17, "vi", 2) == "91,17%"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("83,87", 83.87),
        ("83.87", 83.87),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (" 95 % ", 95.0),
        ("-2", -2.0),
        ("1.000.000", 1.0e6),
        ("7", 7.0),
    ],
)
def test_numbers_typed_by_users_are_read(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5x", "%"])
def test_unreadable_numbers_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_messages_fill_their_parameters_in_the_users_language() -> None:
    assert (
        t("scenario.points_out_of_range", "vi", code="3.4.1", points=1.6, max=1.5)
        == "“3.4.1”: 1,6 điểm nằm ngoài khoảng 0–1,5"
    )
    assert (
        t("scenario.points_out_of_range", "en", code="3.4.1", points=1.6, max=1.5)
        == "“3.4.1”: 1.6 points are outside 0–1.5"
    )


def test_a_missing_key_shows_the_key_rather_than_crashing() -> None:
    assert t("no.such.key") == "no.such.key"


def test_every_translation_has_both_languages() -> None:
    missing = [key for key, entry in translations().items() if not entry.get("vi") or not entry.get("en")]
    assert missing == []
