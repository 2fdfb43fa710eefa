"""Every text the app shows exists in Vietnamese and English, with the same placeholders in both."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest

from planner.core.i18n import t, translations
from planner.methodology.rules import RULE_TYPES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # ui/ is a top-level package beside planner/ (the app's, not installed)
from ui import editor, optimise_view, registry  # noqa: E402

APP_SOURCES = sorted(
    [
        ROOT / "streamlit_app.py",
        *(ROOT / "ui").glob("*.py"),
        *(ROOT / "pages").glob("*.py"),
        ROOT / "planner" / "charts.py",
    ]
)
#: Any string literal that is an app key: t("app.x"), notify("app.x"), PlannerError("app.x"), title_key="app.x".
LITERAL_KEY = re.compile(r"""["'](app\.[A-Za-z0-9_.]+[A-Za-z0-9_])["']""")
#: Keys built at run time from a fixed set of values (checked one by one below).
DYNAMIC_KEYS = (
    [f"app.scenario.mode.{mode}" for mode in editor.EDIT_MODES]
    + [f"app.scenario.view.{view}" for view in ("edit", "table", "compare")]
    + [f"app.rule.type.{kind}" for kind in RULE_TYPES]
    + [f"app.methodology.basis.{basis}" for basis in ("source", "assumption", "inference")]
    + [f"app.methodology.assessment.{kind}" for kind in ("self", "survey")]
    + [f"app.ranking.mode.{mode}" for mode in ("drift", "fixed")]
    + [f"app.provenance.{kind}" for kind in ("official", "sourced", "reconstructed", "custom", "projected")]
    + [f"app.optimiser.kind.{kind}" for kind in optimise_view.TARGET_KINDS]
    + [f"app.optimiser.rivals.{mode}" for mode in ("mean", "fixed")]
    + [f"app.plan.source.{source}" for source in ("optimiser", "scenario")]
    + [f"app.plan.empty.{source}" for source in ("optimiser", "scenario")]
    + [spec.title_key for spec in registry.PAGES]
)


def used_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for path in APP_SOURCES:
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
            keys.setdefault(key, path.name)
    for key in DYNAMIC_KEYS:
        keys.setdefault(key, "dynamic")
    return keys


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_app_sources_use_translation_keys_at_all() -> None:
    assert all(path.is_file() for path in APP_SOURCES), [str(p) for p in APP_SOURCES if not p.is_file()]
    assert len(used_keys()) > 150
    assert any(key.startswith("app.chart.") for key in used_keys()), "the charts' keys are no longer scanned"


@pytest.mark.parametrize("key", sorted(used_keys()))
def test_every_key_used_by_the_app_exists_in_both_languages(key: str) -> None:
    entry = translations().get(key)
    assert entry is not None, f"{key} (used in {used_keys()[key]}) is missing from translations.yaml"
    assert entry.get("vi", "").strip(), f"{key} has no Vietnamese text"
    assert entry.get("en", "").strip(), f"{key} has no English text"


def test_every_key_in_the_file_has_both_languages() -> None:
    missing = [key for key, entry in translations().items() if not entry.get("vi") or not entry.get("en")]
    assert missing == []


def test_app_texts_take_the_same_placeholders_in_both_languages() -> None:
    """The app passes one set of parameters whatever the language, so both texts must use the same names."""
    differing = [
        f"{key}: {placeholders(entry['vi'])} != {placeholders(entry['en'])}"
        for key, entry in translations().items()
        if key.startswith("app.") and placeholders(entry["vi"]) != placeholders(entry["en"])
    ]
    assert differing == []


def test_vietnamese_app_text_is_written_with_its_diacritics() -> None:
    """A Vietnamese sentence of any length has letters outside ASCII; plain ASCII suggests a missing accent."""
    ascii_only = [
        key
        for key, entry in translations().items()
        if key.startswith("app.")
        and len(entry["vi"].split()) >= 3
        and all(ord(ch) < 128 for ch in entry["vi"])
    ]
    assert ascii_only == []


def test_a_missing_key_shows_itself_rather_than_crashing() -> None:
    assert t("app.no.such.key", "vi") == "app.no.such.key"
