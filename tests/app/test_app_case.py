"""A new case in the app (issue 14): a Sở Nội vụ sets its own province, year, methodology, target and starting
point, and every page uses it; a problem in the form is listed and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import new_app, no_exception, store_url
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from planner.methodology.scenario import Scenario


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    at = new_app().run()
    next(b for b in at.button if b.key == "case_open").click().run()
    no_exception(at)
    return at


def _by_key(widgets: object, prefix: str) -> object:
    return next(w for w in widgets if (w.key or "").startswith(prefix))  # type: ignore[attr-defined]


def _active(at: AppTest) -> Scenario:
    scenario: Scenario = at.session_state["_slots"][at.session_state["_active"]].scenario
    return scenario


def test_ha_giang_2021_with_a_band_becomes_the_case_every_page_uses(app: AppTest) -> None:
    _by_key(app.number_input, "case.year.").set_value(2021).run()  # type: ignore[attr-defined]
    _by_key(app.selectbox, "case.province.").set_value("Hà Giang").run()  # type: ignore[attr-defined]
    _by_key(app.selectbox, "case.kind.").set_value("band").run()  # type: ignore[attr-defined]
    _by_key(app.text_input, "case.target.").input("25-30").run()  # type: ignore[attr-defined]
    _by_key(app.radio, "case.start.").set_value("max").run()  # type: ignore[attr-defined]
    next(b for b in app.button if b.key == "case_create").click().run()
    no_exception(app)
    case = _active(app)
    assert (case.province, case.year, case.default) == ("Hà Giang", 2021, "max")
    assert case.target is not None and (case.target.best_rank, case.target.rank) == (25, 30)
    assert app.session_state["_workspace"].baseline == case
    header = app.markdown[0].value
    assert "Hà Giang" in header and "hạng 25–30" in header
    # the scheme (2018-2019) does not cover 2021: said on every page, with what to do
    assert any("2021" in w.value and "2018, 2019" in w.value for w in app.warning)
    # saved in the store: a short share link exists at once
    slot = app.session_state["_slots"][app.session_state["_active"]]
    assert slot.store_id is not None and not slot.unsaved
    # the optimiser works to the case's target (the band's worse end) for Hà Giang in 2021
    app.switch_page("pages/optimiser.py").run()
    no_exception(app)
    assert app.session_state["_slots"][app.session_state["_active"]].scenario.province == "Hà Giang"
    rank = _by_key(app.number_input, "opt.rank.")
    assert rank.value == 30  # type: ignore[attr-defined]
    app.switch_page("pages/path.py").run()
    no_exception(app)
    editor = next(e for e in app.data_editor if (e.key or "").startswith("path.rows."))
    assert list(editor.value["value"])[-1] == "25-30"


def test_a_form_with_problems_lists_them_all_and_changes_nothing(app: AppTest) -> None:
    before = (dict(app.session_state["_slots"]), app.session_state["_workspace"])
    _by_key(app.number_input, "case.year.").set_value(2026).run()  # type: ignore[attr-defined]
    _by_key(app.selectbox, "case.kind.").set_value("rank").run()  # type: ignore[attr-defined]
    _by_key(app.text_input, "case.target.").input("40").run()  # type: ignore[attr-defined]
    _by_key(app.radio, "case.start.").set_value("appraisal").run()  # type: ignore[attr-defined]
    next(b for b in app.button if b.key == "case_create").click().run()
    no_exception(app)
    shown = " ".join(e.value for e in app.error)
    assert t("app.case.rank_beyond", "vi", rank=40, n=34) in shown  # 34 provinces from 2025
    assert t("app.case.appraisal_missing", "vi") in shown
    assert t("app.case.invalid", "vi") in shown
    assert (dict(app.session_state["_slots"]), app.session_state["_workspace"]) == before


def test_the_provinces_offered_follow_the_year() -> None:
    from planner.field.provinces import province_names

    assert len(province_names(63)) == 63 and len(province_names(34)) == 34
    assert "Hà Giang" in province_names(63) and "Hà Giang" not in province_names(34)


def test_case_scenario_reports_every_problem_at_once() -> None:
    from planner.core.errors import ScenarioError
    from planner.methodology.catalog import load_bundled_methodology
    from ui.case_view import CaseRequest, case_scenario

    m = load_bundled_methodology("qd2636-2018")
    request = CaseRequest("qd2636-2018", "Atlantis", 2023, "band", "30", "current")
    with pytest.raises(ScenarioError) as caught:
        case_scenario(request, m, current=Scenario(methodology="other"))
    messages = caught.value.messages("vi")
    assert len(messages) == 4  # the headline, the province, the band, the starting point
    assert any("Atlantis" in x for x in messages) and any("25-30" in x for x in messages)
    good = case_scenario(CaseRequest("qd2636-2018", "quang ngai", 2022, "group", "nhóm a", "blank"), m)
    assert (good.province, good.target and good.target.group, good.items) == ("Quảng Ngãi", "A", {})
