"""The user's language and every piece of text and every number the app shows.

All visible text goes through `t(key)` (keys under `app.` in planner/translations.yaml) and every number through
`num`, so a page never formats by hand and the language switch changes everything at once. The language lives
under a non-widget session key, so switching it never touches the scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import streamlit as st

from planner.core.i18n import DEFAULT_LANG, LANGS, Lang, format_number, format_percent
from planner.core.i18n import t as core_t

LANG_KEY = "_lang"
T = TypeVar("T")


def lang() -> Lang:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def set_lang(value: Lang) -> None:
    st.session_state[LANG_KEY] = value


def t(key: str, /, **params: Any) -> str:
    """The text for `key` in the session's language."""
    return core_t(key, lang(), **params)


def num(value: float | int | None, decimals: int = 2, trim: bool = False) -> str:
    """A number in the session's style (83,87 in Vietnamese); '–' for a missing value."""
    if value is None:
        return "–"
    return format_number(value, lang(), decimals=decimals, trim=trim)


def points(value: float | None) -> str:
    """Points the way the ministry's tables write them: two decimals, trailing zeros dropped (64,5)."""
    if value is None:
        return "–"
    return format_number(value, lang(), decimals=2, trim=True)


def pct(value: float | None, decimals: int = 1) -> str:
    """A percentage given in 0-100."""
    if value is None:
        return "–"
    return format_percent(value, lang(), decimals)


def prob(p: float | None) -> str:
    """A probability in 0-1 shown as a whole percentage (rounded, never 100% unless certain)."""
    if p is None:
        return "–"
    shown = round(100 * p)
    if shown == 100 and p < 1:
        shown = 99
    if shown == 0 and p > 0:
        return "<1%"
    return f"{shown}%"


def labels(options: Iterable[T], make: Callable[[T], str]) -> Callable[[T], str]:
    """A widget's `format_func` whose labels are made now, in the session's language.

    Streamlit may call a format function outside the script run (AppTest does), where the session's language
    cannot be read; labels computed during the run are always the ones the user saw.
    """
    table = {option: make(option) for option in options}
    return lambda option: table.get(option, str(option))
