"""The language switch changes every text and number format and nothing else: the scenario, the named scenarios
and the page stay as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import metric, new_app, no_exception, store_url, widget
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    at = new_app().run()
    at.switch_page("pages/scenario.py").run()
    at.segmented_control(key="area_pick").set_value("6").run()
    widget(at.selectbox, "lv_", "_6.2.3").set_value("yes").run()  # type: ignore[attr-defined]
    return at


def test_vietnamese_is_the_default_with_vietnamese_numbers(app: AppTest) -> None:
    assert app.title[0].value == "Kịch bản"
    assert metric(app, "Tổng điểm") == "78,97 / 100"


def test_switching_to_english_keeps_the_scenario_and_its_edits(app: AppTest) -> None:
    slots = app.session_state["_slots"]
    active = app.session_state["_active"]
    app.segmented_control(key="lang_pick").set_value("en").run()
    no_exception(app)
    assert app.title[0].value == "Scenario"
    assert metric(app, "Total") == "78.97 / 100"
    assert app.session_state["_slots"] == slots and app.session_state["_active"] == active
    # The editor is rebuilt in English from the same scenario: still on area 6, 6.2.3 still achieved.
    level = widget(app.selectbox, "lv_", "_6.2.3")
    assert level.value == "yes"  # type: ignore[attr-defined]
    assert level.format_func("yes").startswith("Decision issued")  # type: ignore[attr-defined]
    app.segmented_control(key="lang_pick").set_value("vi").run()
    assert metric(app, "Tổng điểm") == "78,97 / 100"
    assert app.session_state["_slots"] == slots


def test_english_reaches_every_page_and_the_page_list(app: AppTest) -> None:
    app.segmented_control(key="lang_pick").set_value("en").run()
    for path, title in (
        ("pages/overview.py", t("app.overview.title", "en")),
        ("pages/ranking.py", t("app.ranking.title", "en")),
        ("pages/optimiser.py", t("app.optimiser.title", "en")),
        ("pages/data.py", t("app.data.title", "en")),
    ):
        app.switch_page(path).run()
        no_exception(app)
        assert app.title[0].value == title
        assert metric(app, "Total") == "78.97 / 100"


def test_an_edit_made_in_english_is_kept_in_vietnamese(app: AppTest) -> None:
    app.segmented_control(key="lang_pick").set_value("en").run()
    app.segmented_control(key="mode_pick").set_value("points").run()
    widget(app.text_input, "points_", "_6.3.1").set_value("0.5").run()  # type: ignore[attr-defined]
    assert metric(app, "Total") == "79.47 / 100"
    app.segmented_control(key="lang_pick").set_value("vi").run()
    assert metric(app, "Tổng điểm") == "79,47 / 100"
    assert widget(app.text_input, "points_", "_6.3.1").value == "0,5"  # type: ignore[attr-defined]
