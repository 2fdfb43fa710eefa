"""Translations and Vietnamese number formats.

All user-visible text lives in one file, `translations.yaml` next to this module: a flat mapping from a dotted
key to its Vietnamese and English text. Vietnamese is the default language. Numbers follow the user's language:
Vietnamese writes 83,87 and 1.234,5; English writes 83.87 and 1,234.5.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

import yaml

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"


@cache
def translations() -> dict[str, dict[str, str]]:
    """The whole translations file, loaded once. Keys are dotted names, values map language to text."""
    text = resources.files("planner.core").joinpath("translations.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader when available: ten times faster, and this file is read on every app cold start.
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return cast(dict[str, dict[str, str]], raw)


def t(key: str, lang: Lang = DEFAULT_LANG, /, **params: Any) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `params`.

    Numbers among the parameters are formatted in the language's style. A missing key returns the key itself
    (a test checks that every key used exists in both languages), so a gap never crashes a page.
    """
    entry = translations().get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry.get(DEFAULT_LANG) or key
    if not params:
        return template
    shown = {name: _shown(value, lang) for name, value in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        return template


def _shown(value: Any, lang: Lang) -> Any:
    if isinstance(value, (bool, int)):
        return format_int(value, lang) if not isinstance(value, bool) else value
    if isinstance(value, float | Decimal):
        return format_number(value, lang)
    return value


def format_number(
    value: float | Decimal | int, lang: Lang = DEFAULT_LANG, decimals: int = 2, trim: bool = True
) -> str:
    """`value` with `decimals` places in the language's style: 83,87 (vi) or 83.87 (en).

    With `trim`, trailing zeros after the decimal mark are dropped (64,5 rather than 64,50), which is how
    the ministry's tables write maxima; pass trim=False for columns of scores that must line up.
    """
    number = float(value)
    if math.isnan(number):
        return "–"
    text = f"{number:,.{decimals}f}"
    if trim and decimals > 0:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.0"):
        text = "0"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_int(value: int, lang: Lang = DEFAULT_LANG) -> str:
    """A whole number with thousands separators: 1.234 (vi) or 1,234 (en)."""
    text = f"{value:,d}"
    return text.replace(",", ".") if lang == "vi" else text


def format_percent(value: float, lang: Lang = DEFAULT_LANG, decimals: int = 1) -> str:
    """A percentage given in 0-100: 91,2% (vi) or 91.2% (en)."""
    return f"{format_number(value, lang, decimals)}%"


def parse_number(text: str) -> float:
    """A number typed by a Vietnamese or English user: '83,87', '83.87', '1.234,5', '1,234.5', '95%'.

    A single comma is a decimal mark (Vietnamese style); a single dot is a decimal mark too unless it
    groups thousands (three digits after it and a comma elsewhere). Raises ValueError on anything else.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not cleaned:
        raise ValueError(text)
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    elif cleaned.count(",") > 1:
        cleaned = cleaned.replace(",", "")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    return float(cleaned)
