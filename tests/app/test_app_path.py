"""The path page: Quảng Ngãi's 2022-2025 plan into the 25-30 band with a budget per year, exactly, in the app;
yearly targets typed as provinces write them; a value that does not read is reported and changes nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from app_support import app_on, metric, no_exception, store_url
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from planner.optimiser.horizon import PathResult

if TYPE_CHECKING:
    from ui.path_view import YearRow


def _qn_band_rows() -> tuple[YearRow, ...]:
    """Quảng Ngãi's seed: nothing asked before 2025, the 25-30 band in 2025, 12 a year."""
    from ui.path_view import YearRow

    return tuple(
        YearRow(y, "band" if y == 2025 else "none", "25-30" if y == 2025 else "", 12.0)
        for y in range(2022, 2026)
    )


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    return app_on("quang-ngai-2025", "pages/path.py")


def test_the_page_opens_on_the_seeds_horizon_and_target(app: AppTest) -> None:
    first = next(n for n in app.number_input if n.key and n.key.startswith("path.first."))
    last = next(n for n in app.number_input if n.key and n.key.startswith("path.last."))
    assert (first.value, last.value) == (2022, 2025)
    editor = next(e for e in app.data_editor if (e.key or "").startswith("path.rows."))
    assert list(editor.value["year"]) == ["2022", "2023", "2024", "2025"]
    assert list(editor.value["value"]) == ["", "", "", "25-30"]  # the seed's band
    # the example's target (rank 30) in the last year; the scheme's own years are named in a warning
    assert app.session_state["_workspace"].target_rank == 30
    assert any("2018, 2019" in w.value and "2025" in w.value for w in app.warning)  # the header says it once


def test_quang_ngai_plans_2022_to_2025_into_the_band_with_a_budget_per_year(app: AppTest) -> None:
    from ui.path_view import INPUTS_KEY, PathInputs

    app.session_state[INPUTS_KEY] = PathInputs(2022, 2025, _qn_band_rows(), rivals="fixed")
    app.run()
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    result: PathResult = app.session_state["_path_result"][1]
    assert result.status == "optimal" and result.final.rank is not None and result.final.rank <= 30
    assert all(y.effort <= 12 for y in result.years)
    assert metric(app, t("app.path.final_rank", "vi", year="2025")).endswith("/63")
    frames = [df.value for df in app.dataframe]
    by_year = next(f for f in frames if t("app.path.col.needed", "vi") in f.columns)
    assert list(by_year[t("app.path.col.year", "vi")]) == ["Hiện tại", "2022", "2023", "2024", "2025"]
    assert by_year[t("app.path.col.needed", "vi")].iloc[-1] == "86,83"
    assert any(d.label == t("app.path.download", "vi") for d in app.get("download_button"))
    # the projected field makes the band unreachable: the page says why, in Vietnamese
    app.session_state[INPUTS_KEY] = PathInputs(2022, 2025, _qn_band_rows(), rivals="mean")
    app.run()
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    assert any(t("app.path.infeasible", "vi") in e.value for e in app.error)
    assert any("2025" in m.value and "điểm" in m.value for m in app.markdown)


def test_a_value_that_does_not_read_is_reported_and_nothing_is_solved(app: AppTest) -> None:
    from ui.path_view import INPUTS_KEY, PathInputs, YearRow

    rows = (YearRow(2024, "rank", "abc"), YearRow(2025, "band", "30"))
    app.session_state[INPUTS_KEY] = PathInputs(2024, 2025, rows)
    app.run()
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    shown = " ".join(e.value for e in app.error)
    assert "abc" in shown and "25-30" in shown
    assert "_path_result" not in app.session_state


def test_the_page_speaks_english(app: AppTest) -> None:
    from ui.path_view import INPUTS_KEY, PathInputs, YearRow

    app.session_state[INPUTS_KEY] = PathInputs(
        2024, 2025, (YearRow(2024), YearRow(2025, "rank", "30")), rivals="fixed"
    )
    app.session_state["_lang"] = "en"
    app.run()
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    assert app.title[0].value == t("app.path.title", "en")
    assert metric(app, t("app.path.final_rank", "en", year="2025")).endswith("/63")


def test_table_edits_keep_text_as_typed_and_refuse_a_budget_that_does_not_read() -> None:
    from ui.path_view import PathInputs, YearRow, settings_errors, with_edits

    current = PathInputs(2024, 2025, (YearRow(2024, budget=10.0), YearRow(2025)))
    labels = {"Hạng ≤": "rank", "Dải hạng": "band", "Điểm": "score", "Không đặt": "none"}
    edits = {
        "edited_rows": {
            "0": {"budget": "-5", "kind": "Điểm", "value": "abc"},
            "1": {"kind": "Dải hạng", "value": "25–30", "budget": "12,5"},
        }
    }
    updated, errors = with_edits(current, edits, labels)  # type: ignore[arg-type]
    assert updated.rows[0].budget == 10.0 and len(errors) == 1 and "-5" in errors[0]
    assert updated.rows[1].budget == 12.5 and updated.rows[1].kind == "band"
    # "abc" is not turned into 0: it stays as typed and is reported
    assert updated.rows[0].value == "abc"
    assert any("abc" in e for e in settings_errors(updated))


def test_blockers_left_unchecked_by_the_time_limit_are_said_on_the_page(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blocker analysis out of time (here: given none) lists what needs no solve and the page says the list
    may be missing some, in the user's language."""
    from planner.optimiser import horizon
    from ui.path_view import INPUTS_KEY, PathInputs, _solve_cached

    _solve_cached.clear()  # the same question, fully answered by another test of this process, is cached
    real = horizon.path_blockers
    monkeypatch.setattr(horizon, "path_blockers", lambda *args: real(*args[:3], 0.0))
    app.session_state[INPUTS_KEY] = PathInputs(2022, 2025, _qn_band_rows(), rivals="mean")
    app.run()
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    result: PathResult = app.session_state["_path_result"][1]
    assert result.status == "infeasible" and not result.blockers_complete
    assert any(w.value == t("app.path.blockers_incomplete", "vi") for w in app.warning)
    # an answer cut short by the time limit is not kept for the next session: asked again with time, it is whole
    monkeypatch.setattr(horizon, "path_blockers", real)
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    again: PathResult = app.session_state["_path_result"][1]
    assert again.blockers_complete and len(again.blockers) > len(result.blockers)


def _in_order(node: Any) -> list[Any]:
    """The page's elements in the order they are shown, containers opened."""
    out = [node]
    for child in getattr(node, "children", {}).values():
        out += _in_order(child)
    return out


def test_the_best_path_is_shown_first_and_what_blocks_it_fills_the_box_above_it(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No path reaches the band against the projected field: the best path is solved alone and shown, then its
    blockers are analysed once (not again on the next rerun) into the box above the answer. A failing analysis
    is reported there and the path stays on screen and in the session."""
    from planner.core.errors import OptimiseError
    from planner.optimiser import horizon
    from ui.path_view import BLOCKERS_KEY, INPUTS_KEY, PathInputs, _blockers_cached, _solve_cached

    _solve_cached.clear()  # the same questions, answered by other tests of this process, are cached
    _blockers_cached.clear()
    real = horizon.path_blockers
    calls: list[int] = []

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(horizon, "path_blockers", counted)
    app.session_state[INPUTS_KEY] = PathInputs(2022, 2025, _qn_band_rows(), rivals="mean")
    app.run()
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    key, result = app.session_state["_path_result"]
    assert result.status == "infeasible" and result.blockers and app.session_state[BLOCKERS_KEY] == key
    shown = _in_order(app.main)
    blocker = next(i for i, e in enumerate(shown) if getattr(e, "type", "") == "markdown" and "2025" in e.value
                   and e.value.startswith("- "))  # fmt: skip
    final_rank = t("app.path.final_rank", "vi", year="2025")
    rank = next(
        i for i, e in enumerate(shown) if getattr(e, "type", "") == "metric" and e.label == final_rank
    )
    assert blocker < rank
    app.run()  # a rerun (any widget) shows the analysed result again without solving anything
    no_exception(app)
    assert len(calls) == 1 and any(m.value.startswith("- ") and "2025" in m.value for m in app.markdown)

    def failing(*args: Any) -> Any:
        calls.append(1)
        raise OptimiseError("path.result_mismatch")

    monkeypatch.setattr(horizon, "path_blockers", failing)
    tighter = tuple(replace(row, budget=11.0) for row in _qn_band_rows())  # another question: solved anew
    app.session_state[INPUTS_KEY] = PathInputs(2022, 2025, tighter, rivals="mean")
    app.run()
    next(b for b in app.button if b.key == "path_run").click().run()
    no_exception(app)
    assert any(t("path.result_mismatch", "vi") in e.value for e in app.error)
    kept: PathResult = app.session_state["_path_result"][1]
    assert kept.status == "infeasible" and kept.blockers == ()
    assert metric(app, t("app.path.final_rank", "vi", year="2025")).endswith("/63")
    app.run()  # said once: a rerun does not run the failing analysis again
    no_exception(app)
    assert len(calls) == 2
