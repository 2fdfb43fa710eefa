"""The Optimiser and Plan pages on the bundled Lào Cai example: an exact plan to the top 20 of 2019, its plan by
lead agency, the frontier and the chance-constrained plan, and a long run that stops when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import ROOT, app_on, metric, new_app, no_exception, store_url, widget
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from planner.methodology.catalog import load_bundled_methodology
from planner.optimiser.plan import Plan


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    at = new_app().run()
    at.switch_page("pages/optimiser.py").run()
    no_exception(at)
    return at


def run_optimiser(at: AppTest) -> None:
    next(b for b in at.button if b.key == "opt_run").click().run()
    no_exception(at)


def test_the_exact_plan_reaches_the_top_20_of_2019_from_the_lao_cai_baseline(app: AppTest) -> None:
    run_optimiser(app)
    rank = metric(app, t("app.optimiser.rank_after", "vi"))
    assert int(rank.split("/")[0]) <= 20 and rank.endswith("/63")
    after = float(metric(app, t("app.optimiser.score_after", "vi")).replace(",", "."))
    assert after > 78.47
    plan: Plan = app.session_state["_plan"]
    assert plan.province == "Lào Cai" and plan.year == 2019 and plan.target_rank == 20
    assert plan.baseline_total == 78.47
    assert round(plan.baseline_total + plan.points_gain, 2) == after
    assert plan.changes and all(c.points_gain > 0 for c in plan.changes)
    # The plan's table lists each change with its lead agency and whether its effort is a default.
    table = app.dataframe[-1].value
    assert set(table[t("app.table.code", "vi")]) == {c.code for c in plan.changes}


def test_the_plan_page_groups_the_optimised_changes_by_lead_agency(app: AppTest) -> None:
    run_optimiser(app)
    plan: Plan = app.session_state["_plan"]
    app.switch_page("pages/plan.py").run()
    no_exception(app)
    agencies = [agency for agency, _ in plan.by_lead_agency()]
    assert len(app.subheader) == len(agencies)
    assert all(any(a in s.value for s in app.subheader) for a in agencies)
    shown = {code for df in app.dataframe for code in df.value["code"]}
    assert shown == {c.code for c in plan.changes}
    assert metric(app, t("app.plan.total", "vi")) == f"{plan.planned_total:.2f}".replace(".", ",").rstrip(
        "0"
    ).rstrip(",")


def test_applying_the_plan_makes_a_new_scenario_whose_total_is_the_plan_total(app: AppTest) -> None:
    run_optimiser(app)
    after = metric(app, t("app.optimiser.score_after", "vi"))
    n = len(app.session_state["_slots"])
    next(b for b in app.button if b.label == t("app.optimiser.apply", "vi")).click().run()
    assert len(app.session_state["_slots"]) == n + 1
    assert metric(app, t("app.header.total", "vi")) == f"{after} / 100"


def test_a_rank_with_probability_target_asks_for_more_points(app: AppTest) -> None:
    run_optimiser(app)
    mean_score = app.session_state["_opt_outcome"].result.score
    widget(app.segmented_control, "opt.kind.").set_value("probability").run()  # type: ignore[attr-defined]
    assert any(w.value for w in app.warning), "the previous result is marked out of date"
    run_optimiser(app)
    result = app.session_state["_opt_outcome"].result
    assert result.target_mode == "probability" and result.confidence == 0.8
    assert result.score > mean_score
    assert result.p_reach is not None and result.p_reach >= 0.8


def test_the_budget_target_gives_the_most_points_within_the_budget(app: AppTest) -> None:
    widget(app.segmented_control, "opt.kind.").set_value("budget").run()  # type: ignore[attr-defined]
    widget(app.text_input, "opt.budget.").set_value("20").run()  # type: ignore[attr-defined]
    run_optimiser(app)
    result = app.session_state["_opt_outcome"].result
    assert result.objective == "max_points"
    assert 0 < result.effort <= 20
    assert result.score > 78.47


def test_an_unreachable_target_says_what_blocks_it(app: AppTest) -> None:
    widget(app.number_input, "opt.rank.").set_value(1).run()  # type: ignore[attr-defined]
    every_item = [i.code for i in load_bundled_methodology("qd2636-2018").scored_items]
    widget(app.multiselect, "opt.locked.").set_value(every_item).run()  # type: ignore[attr-defined]
    run_optimiser(app)
    result = app.session_state["_opt_outcome"].result
    assert result.status == "infeasible"
    assert any(b.kind == "locked" for b in result.blockers)
    assert app.error, "the infeasibility is shown"


def test_the_frontier_and_the_chance_constrained_plan_run_from_the_page(app: AppTest) -> None:
    next(b for b in app.button if b.key == "frontier_run").click().run()
    no_exception(app)
    stored = app.session_state["_opt_frontier"][1]
    assert stored.complete and stored.ranks[0].achieved_rank >= stored.ranks[-1].achieved_rank
    assert stored.best_rank < stored.baseline_rank
    widget(app.text_input, "opt.budget.").set_value("30,0").run()  # type: ignore[attr-defined]
    next(b for b in app.button if b.key == "chance_run").click().run()
    no_exception(app)
    chance = app.session_state["_opt_chance"][1]
    assert chance.plan.effort <= 30 and 0 <= chance.p_validation <= 1


STOPPING_SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ui import boot, optimise_view, state
from ui.cache import methodology

boot.ensure_session()


class PressStopOnFirstUpdate:
    calls = 0

    def progress(self, value, text=""):
        PressStopOnFirstUpdate.calls += 1
        optimise_view.request_stop()  # what the Stop button's callback does


result = optimise_view.run_frontier(methodology(state.current().methodology), state.current(), PressStopOnFirstUpdate())
st.session_state["complete"] = result.complete
st.session_state["points"] = len(result.ranks)
"""


def test_a_long_run_stops_when_the_stop_flag_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    at = AppTest.from_string(STOPPING_SCRIPT, default_timeout=120).run()
    no_exception(at)
    assert at.session_state["complete"] is False
    assert at.session_state["points"] <= 2


def test_the_header_and_the_optimiser_quote_the_same_chance_of_the_target(app: AppTest) -> None:
    run_optimiser(app)
    result = app.session_state["_opt_outcome"].result
    next(b for b in app.button if b.label == t("app.optimiser.apply", "vi")).click().run()
    header = metric(app, t("app.header.p_target", "vi", k=20, year="2019"))
    assert header == f"{round(100 * result.p_reach)}%"


def _session_with_scheme(tmp_path: Path, yaml_text: str) -> AppTest:
    """A new session that loads `yaml_text` as a methodology, opens a blank scenario on it and asks the optimiser
    for the best plan within a budget large enough for every item."""
    from ui.optimise_view import INPUTS_KEY, Inputs

    at = new_app().run()
    at.switch_page("pages/methodology.py").run()
    uploader = next(u for u in at.file_uploader if u.key == "methodology_upload")
    uploader.set_value(("scheme.yaml", yaml_text.encode("utf-8"), "application/x-yaml")).run()
    no_exception(at)
    next(b for b in at.button if b.label == t("app.methodology.open_blank", "vi")).click().run()
    at.session_state[INPUTS_KEY] = Inputs(kind="budget", budget=10_000.0)
    at.switch_page("pages/optimiser.py").run()
    run_optimiser(at)
    return at


def test_two_sessions_with_different_schemes_under_one_id_never_share_a_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The solver cache is shared by every session of the server: it must be keyed on the scheme's content. Two
    rooms loading two different schemes that carry the same id each get the plan of their own scheme."""
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    mini = (ROOT / "tests" / "fixtures" / "mini_methodology.yaml").read_text(encoding="utf-8")
    other = mini.replace("name_vi: Báo cáo định kỳ", "name_vi: Báo cáo chuyên đề của phòng khác")
    assert other != mini
    first = _session_with_scheme(tmp_path, mini)
    second = _session_with_scheme(tmp_path, other)
    first_plan: Plan = first.session_state["_plan"]
    second_plan: Plan = second.session_state["_plan"]
    assert first_plan.methodology == second_plan.methodology  # one id, two different schemes
    names_first = {c.name_vi for c in first_plan.changes}
    names_second = {c.name_vi for c in second_plan.changes}
    assert "Báo cáo định kỳ" in names_first and "Báo cáo định kỳ" not in names_second
    assert "Báo cáo chuyên đề của phòng khác" in names_second


def test_a_band_target_opens_from_the_case_and_reports_the_chance_of_each_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: Quảng Ngãi's plan says "25-30/63"; the optimiser works to the band and shows both ends."""
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    at = app_on("quang-ngai-2025", "pages/optimiser.py")
    kind = widget(at.segmented_control, "opt.kind.")
    assert kind.value == "band"  # type: ignore[attr-defined]
    assert widget(at.number_input, "opt.best.").value == 25  # type: ignore[attr-defined]
    assert widget(at.number_input, "opt.rank.").value == 30  # type: ignore[attr-defined]
    widget(at.segmented_control, "opt.rivals.").set_value("fixed").run()  # type: ignore[attr-defined]
    run_optimiser(at)
    result = at.session_state["_opt_outcome"].result
    assert result.target_rank == 30 and result.status == "optimal"
    text = " ".join(m.value for m in at.markdown)
    assert "Dải hạng 25–30" in text and "hạng ≤ 25" in text and "nằm trong dải" in text


def test_one_projected_rank_is_shown_under_one_definition(app: AppTest) -> None:
    """Issue 14: Lào Cai showed "21/63" in the header, an expected 28,8 on Ranking and "từ hạng 28" in the
    optimiser. The header says it is last year's table; Ranking and the optimiser show the same median rank."""
    run_optimiser(app)
    result = app.session_state["_opt_outcome"].result
    app.switch_page("pages/ranking.py").run()
    no_exception(app)
    median = metric(app, t("app.ranking.median_rank", "vi", year="2019"))
    assert int(median) == result.baseline_rank
    assert metric(app, t("app.header.rank_in_field", "vi", year="2018")).startswith("21/63")


def test_agency_budgets_and_rival_changes_are_read_as_typed_and_refused_out_of_range() -> None:
    """Issue 14: the number columns clamped a negative budget to 0 and a rival change to ±100 silently; they are
    text now, read in either style, and a value out of range is refused with a notice (the old one kept)."""
    import streamlit as st

    from ui import field_view, optimise_view, position, state

    st.session_state.clear()
    agencies = ["Sở Nội vụ", "Sở Tư pháp"]
    st.session_state["budgets"] = {"edited_rows": {"0": {"budget": "12,5"}, "1": {"budget": "-3"}}}
    optimise_view.apply_budget_edits("budgets", agencies)
    assert optimise_view.effort_table().agency_budgets == {"Sở Nội vụ": 12.5}
    notices = [key for key, _ in state.take_notices()]
    assert notices == ["app.optimiser.bad_budget_cell"]
    st.session_state["rivals"] = {
        "edited_rows": {"0": {"change": "+1,5"}, "1": {"change": "250"}, "2": {"change": "abc"}}
    }
    field_view.apply_overrides("rivals", ["Quảng Ninh", "Hải Phòng", "Đà Nẵng"])
    assert position.rival_overrides() == {"Quảng Ninh": 1.5}
    assert [key for key, _ in state.take_notices()] == ["app.ranking.bad_change", "app.scenario.bad_number"]
    st.session_state.clear()


def test_the_target_score_and_budget_read_and_show_vietnamese_decimals(app: AppTest) -> None:
    """Issue 14: Streamlit's number inputs showed and took only a dot (78.47); these are text read either way."""
    widget(app.segmented_control, "opt.kind.").set_value("score").run()  # type: ignore[attr-defined]
    score = widget(app.text_input, "opt.score.")
    assert "," in score.value  # type: ignore[attr-defined]
    score.set_value("85,5").run()  # type: ignore[attr-defined]
    assert app.session_state["_opt_inputs"].score == 85.5
    widget(app.text_input, "opt.score.").set_value("120").run()  # type: ignore[attr-defined]
    assert app.session_state["_opt_inputs"].score == 85.5
    assert any("120" in w.value for w in [*app.warning, *app.info, *app.error, *app.toast])
    widget(app.text_input, "opt.budget.").set_value("abc").run()  # type: ignore[attr-defined]
    assert app.session_state["_opt_inputs"].budget is None
    widget(app.text_input, "opt.budget.").set_value("12,5").run()  # type: ignore[attr-defined]
    assert app.session_state["_opt_inputs"].budget == 12.5
    assert widget(app.text_input, "opt.budget.").value == "12,5"  # type: ignore[attr-defined]


def test_efforts_are_typed_the_vietnamese_way_and_a_bad_cell_changes_nothing() -> None:
    """Issue 14: the effort column was a number column showing and taking only a dot; it is text now, shown
    the Vietnamese way, read in either style, a cell that does not read or is negative leaving the table as it
    was, an emptied cell going back to the default."""
    import streamlit as st

    from ui import optimise_view, state

    st.session_state.clear()
    rows = [("1.1", "dung_han"), ("1.3.1", "ge_30"), ("2.2", "v_100")]
    st.session_state["efforts"] = {
        "edited_rows": {"0": {"effort": "12,5"}, "1": {"effort": "abc"}, "2": {"effort": "-4"}}
    }
    optimise_view.apply_effort_edits("efforts", rows)
    assert [(e.code, e.effort, e.basis) for e in optimise_view.effort_table().entries] == [
        ("1.1", 12.5, "user")
    ]
    assert [key for key, _ in state.take_notices()] == [
        "app.scenario.bad_number",
        "app.optimiser.out_of_range",
    ]
    st.session_state["efforts"] = {"edited_rows": {"0": {"effort": ""}}}
    optimise_view.apply_effort_edits("efforts", rows)
    assert optimise_view.effort_table().entries == ()
    st.session_state["efforts"] = {"edited_rows": {"1": {"effort": "7.25"}}}
    optimise_view.apply_effort_edits("efforts", rows)
    assert [(e.code, e.effort) for e in optimise_view.effort_table().entries] == [("1.3.1", 7.25)]
    st.session_state.clear()
