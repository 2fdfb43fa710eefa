"""The store behind the app comes back by itself: a store that could not be opened (a PostgreSQL server down for
a moment at start, a data folder not yet there) is tried again at the next edit, and once it opens the session's
working copies are saved and the sidebar's warning goes away, with no restart of the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import new_app, no_exception, widget
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from planner.store import ScenarioStore
from ui import persist


def edit(at: AppTest, area: str, code: str) -> None:
    at.switch_page("pages/scenario.py").run()
    at.segmented_control(key="area_pick").set_value(area).run()
    widget(at.selectbox, "lv_", f"_{code}").set_value("yes").run()  # type: ignore[attr-defined]
    no_exception(at)


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(c.value) for c in at.sidebar.caption)


def test_a_store_that_failed_to_open_is_tried_again_and_then_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "data"
    blocked.write_text("a file where the store's folder should be", encoding="utf-8")
    url = "sqlite:///" + (blocked / "store.sqlite3").as_posix()
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", url)
    monkeypatch.setattr(persist, "RETRY_AFTER", 0.0, raising=False)  # raising=False: the old code had none

    at = new_app().run()
    edit(at, "6", "6.2.3")
    assert at.session_state["_store_error"] is not None
    assert t("app.store.off", "vi", detail="").split("(")[0] in sidebar_text(at)

    blocked.unlink()
    blocked.mkdir()  # the folder is there now: the next use of the store opens it
    edit(at, "8", "8.2")
    assert "_store_error" not in at.session_state
    assert t("app.store.autosaved", "vi") in sidebar_text(at)
    token = at.session_state["_work_token"]
    with ScenarioStore.open(url) as store:
        saved = {
            slot.color: store.load_autosave(f"{token}.{slot.color}")
            for slot in at.session_state["_slots"].values()
        }
    assert all(s is not None for s in saved.values())
    active = at.session_state["_slots"][at.session_state["_active"]]
    saved_active = saved[active.color]
    assert saved_active is not None and saved_active.scenario == active.scenario  # both edits, nothing lost
