"""Helpers for the AppTest suites (tests/test_app_*.py): a fresh app on a throw-away store, and readers for what
the header shows. Not a test module itself."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ui/ is the app's top-level package beside planner/ (not installed)

APP = ROOT / "streamlit_app.py"
#: The first run of a process builds the 2018 field and fits the drift model (a few seconds on 2 cores).
TIMEOUT = 120


def store_url(folder: Path) -> str:
    """A SQLite store in `folder`: tests set PAR_PLANNER_DATABASE_URL to it, never touching the user's store."""
    return "sqlite:///" + (folder / "store.sqlite3").as_posix()


def new_app() -> AppTest:
    """An AppTest of the real entrypoint, not yet run."""
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def app_on(example_id: str, page: str) -> AppTest:
    """A fresh app with the bundled example `example_id` loaded, on `page` (e.g. "pages/path.py"), checked free
    of exceptions. The caller sets PAR_PLANNER_DATABASE_URL first (store_url)."""
    at = new_app().run()
    next(s for s in at.selectbox if s.key and s.key.startswith("side.example.")).set_value(example_id).run()
    at.switch_page(page).run()
    no_exception(at)
    return at


def metric(at: AppTest, label: str) -> str:
    """The value of the first metric whose label is `label`."""
    for m in at.metric:
        if m.label == label:
            return str(m.value)
    raise AssertionError(f"no metric {label!r} among {[m.label for m in at.metric]}")


def header_total(at: AppTest) -> str:
    """The header's total, e.g. '78,47 / 100' (the first metric on every page)."""
    return str(at.metric[0].value)


def no_exception(at: AppTest) -> None:
    problems = [e.value for e in at.exception]
    assert problems == [], problems


def widget(widgets: object, prefix: str, suffix: str = "") -> object:
    """The one widget whose key starts with `prefix` and ends with `suffix` (keys carry the revision)."""
    found = [w for w in widgets if w.key and w.key.startswith(prefix) and w.key.endswith(suffix)]  # type: ignore[attr-defined]
    assert len(found) == 1, [w.key for w in widgets]  # type: ignore[attr-defined]
    return found[0]
