"""PAPI in the app: the Quảng Ngãi case opens on both indices, each placed in its own field (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import metric, new_app, no_exception, store_url, widget
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from ui import registry


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    at = new_app()
    at.run()
    widget = next(s for s in at.selectbox if s.key and s.key.startswith("side.example."))
    widget.set_value("quang-ngai-2025").run()
    no_exception(at)
    return at


def _pick_slot(app: AppTest, methodology: str) -> None:
    slots = app.session_state["_slots"]
    wanted = next(sid for sid, slot in slots.items() if slot.scenario.methodology == methodology)
    picker = next(s for s in app.selectbox if s.key and s.key.startswith("side.slot."))
    picker.set_value(wanted).run()
    no_exception(app)


def test_the_quang_ngai_case_opens_its_par_and_its_papi_scenario_side_by_side(app: AppTest) -> None:
    methodologies = sorted(slot.scenario.methodology for slot in app.session_state["_slots"].values())
    assert methodologies == ["papi-2018", "qd2636-2018"]
    assert any(s.value == t("app.indices.title", "vi") for s in app.subheader)
    assert metric(app, t("app.indices.total", "vi", index="PAR INDEX")) == "86,45 / 100"
    assert metric(app, t("app.indices.total", "vi", index="PAPI")) == "42,02 / 80"


def test_the_papi_scenario_is_scored_ranked_and_grouped_on_its_own_scale_on_every_page(app: AppTest) -> None:
    _pick_slot(app, "papi-2018")
    assert metric(app, t("app.header.total", "vi")) == "42,02 / 80"
    assert metric(app, t("app.header.group", "vi")) in {"1", "2", "3", "4"}
    rank = metric(app, t("app.header.rank_in_field", "vi", year="2024"))
    assert rank.split(" ")[0].endswith("/63"), rank
    for spec in registry.PAGES:
        app.switch_page(spec.path).run()
        no_exception(app)


def test_the_optimiser_plans_papi_dimensions_for_the_case_band(app: AppTest) -> None:
    """The PAPI side of "25-30/63 in both indices by 2025": the dimensions are levers (survey results, but the
    very thing a PAPI plan moves), and the plan raises some of them by lead agency."""
    _pick_slot(app, "papi-2018")
    app.switch_page("pages/optimiser.py").run()
    assert widget(app.number_input, "opt.rank.").value == 30  # type: ignore[attr-defined]
    next(b for b in app.button if b.key == "opt_run").click().run()
    no_exception(app)
    result = app.session_state["_opt_outcome"].result
    assert result.status == "optimal" and result.target_rank == 30
    assert result.changes and all(c.code.startswith("P") for c in result.changes)
    assert result.score > result.baseline_score == 42.02


def test_one_plan_for_both_indices_after_optimising_each(app: AppTest) -> None:
    """Quảng Ngãi's plan lists PAR sub-criteria and PAPI dimensions by lead agency, each index totalled alone."""
    for methodology in ("qd2636-2018", "papi-2018"):
        _pick_slot(app, methodology)
        app.switch_page("pages/optimiser.py").run()
        next(b for b in app.button if b.key == "opt_run").click().run()
        no_exception(app)
    app.switch_page("pages/plan.py").run()
    no_exception(app)
    assert any(s.value == t("app.plan.combined.title", "vi") for s in app.subheader)
    frame = app.dataframe[-1].value
    assert set(frame[t("excel.combined.col.index", "vi")]) == {"PAR INDEX", "PAPI"}
    lines = [
        m.value for m in app.markdown if m.value.startswith("**PAR INDEX**") or m.value.startswith("**PAPI**")
    ]
    assert any("/ 80" in line for line in lines) and any("/ 100" in line for line in lines)


def test_a_provinces_full_papi_table_loads_and_starts_a_scenario_from_its_dimensions(app: AppTest) -> None:
    """The province holds the PAPI report's table: loaded on the data page it becomes the PAPI field of its year
    (the PAR field untouched) and, with one click, the starting scenario from Quảng Ngãi's own row."""
    from papi_fixtures import papi_rows, papi_xlsx

    _pick_slot(app, "papi-2018")
    app.switch_page("pages/data.py").run()
    app.number_input(key="results_year").set_value(2024).run()
    rows = papi_rows()
    next(u for u in app.file_uploader if u.key == "results_upload").set_value(
        ("papi-2024.xlsx", papi_xlsx(rows), "application/octet-stream")
    ).run()
    no_exception(app)
    fields = app.session_state["_fields"]
    assert set(fields) == {("papi", 2024, 63)} and fields[("papi", 2024, 63)].kind == "official"
    before = len(app.session_state["_slots"])
    next(b for b in app.button if b.key == "start_from_table").click().run()
    no_exception(app)
    assert len(app.session_state["_slots"]) == before + 1
    row = next(r for r in rows if r[0] == "Quảng Ngãi")
    expected = round(sum(round(v, 2) for v in row[1:9]), 2)  # type: ignore[arg-type]
    assert metric(app, t("app.header.total", "vi")) == f"{expected:.2f}".replace(".", ",") + " / 80"


def _on_the_combined_plan(app: AppTest) -> None:
    """Both indices optimised, the plan page open on the combined plan."""
    for methodology in ("qd2636-2018", "papi-2018"):
        _pick_slot(app, methodology)
        app.switch_page("pages/optimiser.py").run()
        next(b for b in app.button if b.key == "opt_run").click().run()
    app.switch_page("pages/plan.py").run()


def test_a_link_the_province_adds_shows_on_both_sides_as_a_note(app: AppTest) -> None:
    _on_the_combined_plan(app)
    frame = app.dataframe[-1].value
    also = t("excel.combined.col.also", "vi")
    papi_codes = set(frame[frame[t("excel.combined.col.index", "vi")] == "PAPI"][t("excel.col.code", "vi")])
    code = sorted(papi_codes - {"P5", "P8"})[0]
    assert all(v == "" for v in frame[frame[t("excel.col.code", "vi")] == code][also])
    app.selectbox(key="link_left").set_value("qd2636-2018|1").run()
    app.selectbox(key="link_right").set_value(f"papi-2018|{code}").run()
    app.text_input(key="link_note").set_value("Tuyên truyền chung").run()
    app.button(key="link_add").click().run()
    no_exception(app)
    frame = app.dataframe[-1].value
    linked = frame[frame[t("excel.col.code", "vi")] == code][also]
    assert all("PAR INDEX 1 " in v for v in linked), list(linked)
    assert any(m.value.startswith("- 1 ↔") for m in app.markdown)


def test_a_link_is_kept_in_the_store_for_the_next_session_and_removed_for_everyone(
    app: AppTest, tmp_path: Path
) -> None:
    """A link drawn in one session (a workshop laptop) is in the store: another session sees it in its combined
    plan, and removing it there removes it for the first session too."""
    from planner.optimiser.combined import Side
    from planner.store import ScenarioStore
    from planner.store.overlaps import OverlapLinks

    _on_the_combined_plan(app)
    app.selectbox(key="link_left").set_value("qd2636-2018|1").run()
    app.selectbox(key="link_right").set_value("papi-2018|P1").run()
    app.button(key="link_add").click().run()
    no_exception(app)
    with ScenarioStore.open(store_url(tmp_path)) as store:
        (kept,) = OverlapLinks(store).all()
        # a link on another PAR scheme, drawn by another province's session: not this plan's
        OverlapLinks(store).add(
            kept.overlap.model_copy(update={"left": Side(methodology="qd876-2023", codes=("9",))}), "Khác"
        )
    assert (kept.overlap.left.codes, kept.overlap.right.codes) == (("1",), ("P1",))

    other = new_app().run()
    next(s for s in other.selectbox if s.key and s.key.startswith("side.example.")).set_value(
        "quang-ngai-2025"
    ).run()
    _on_the_combined_plan(other)
    no_exception(other)
    assert any(m.value.startswith("- 1 ↔ P1") for m in other.markdown)
    assert not any(m.value.startswith("- 9 ↔") for m in other.markdown)
    other.button(key=f"link_remove.{kept.id}").click().run()
    no_exception(other)
    assert not any(m.value.startswith("- 1 ↔ P1") for m in other.markdown)
    app.run()
    assert not any(m.value.startswith("- 1 ↔ P1") for m in app.markdown)
    with ScenarioStore.open(store_url(tmp_path)) as store:
        assert [k.overlap.left.methodology for k in OverlapLinks(store).all()] == ["qd876-2023"]


def test_without_the_store_a_link_stays_in_the_session_and_nothing_is_lost(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store out of reach (a laptop offline with its database gone): the link is kept for this session and
    can still be removed; the page does not fail."""
    from ui import persist

    _on_the_combined_plan(app)
    monkeypatch.setattr(persist, "store", lambda: None)
    app.selectbox(key="link_left").set_value("qd2636-2018|1").run()
    app.selectbox(key="link_right").set_value("papi-2018|P1").run()
    app.button(key="link_add").click().run()
    app.button(key="link_add").click().run()  # the same pair twice: one link
    no_exception(app)
    shown = [m.value for m in app.markdown if m.value.startswith("- 1 ↔ P1")]
    assert len(shown) == 1
    next(b for b in app.button if (b.key or "").startswith("link_remove.")).click().run()
    no_exception(app)
    assert not any(m.value.startswith("- 1 ↔ P1") for m in app.markdown)
    for right in ("P2", "P3"):
        app.selectbox(key="link_right").set_value(f"papi-2018|{right}").run()
        app.button(key="link_add").click().run()
    next(b for b in app.button if (b.key or "").startswith("link_remove.")).click().run()
    app.selectbox(key="link_right").set_value("papi-2018|P4").run()
    app.button(key="link_add").click().run()
    no_exception(app)
    # each link keeps its own id after a removal: removing one removes that one only
    assert [m.value[:8] for m in app.markdown if m.value.startswith("- 1 ↔")] == ["- 1 ↔ P3", "- 1 ↔ P4"]
    next(b for b in app.button if (b.key or "").startswith("link_remove.")).click().run()
    assert [m.value[:8] for m in app.markdown if m.value.startswith("- 1 ↔")] == ["- 1 ↔ P4"]
