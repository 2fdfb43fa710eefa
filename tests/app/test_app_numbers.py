"""Numbers in tables read the Vietnamese way (78,47): every column a user only reads is formatted by the app.

Streamlit draws a number column with a dot whatever the language, so read-only columns carry text formatted by
ui.text. The only number columns left are the ones a user types into (st.data_editor cannot localise its
inputs; the README says so): they are listed here, and any other number column on any page fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import new_app, no_exception, store_url
from streamlit.testing.v1 import AppTest

from ui.registry import PAGES

#: The number columns a user edits, per table key prefix: Streamlit cannot show these with a decimal comma.
EDITABLE = {
    "table": {"value", "points"},
    "efforts": {"effort"},
    "agency_budgets": {"budget"},
    "overrides": {"change"},
}


def number_columns(at: AppTest, where: str) -> list[str]:
    found = []
    for frame in at.dataframe:
        value = frame.value
        prefix = (frame.key or "").split(".")[0]
        editable = EDITABLE.get(prefix, set())
        for column in value.columns:
            if str(value[column].dtype).startswith("float") and column not in editable:
                found.append(f"{where}: {frame.key or 'table'} column {column!r}")
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_read_only_table_column_shows_a_raw_float(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    at = new_app().run()
    at.segmented_control(key="lang_pick").set_value(lang).run()
    found: list[str] = []
    for page in PAGES:
        at.switch_page(page.path).run()
        no_exception(at)
        found += number_columns(at, page.url_path)
    at.switch_page("pages/scenario.py").run()
    for view in ("table", "compare"):
        at.segmented_control(key="scenario_view_pick").set_value(view).run()
        no_exception(at)
        found += number_columns(at, f"scenario/{view}")
    at.switch_page("pages/optimiser.py").run()
    next(b for b in at.button if b.key == "opt_run").click().run()
    no_exception(at)
    found += number_columns(at, "optimiser after a solve")
    at.switch_page("pages/plan.py").run()
    found += number_columns(at, "plan after a solve")
    assert found == []
