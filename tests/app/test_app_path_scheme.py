"""The path page across a methodology change (issue 15, item 4): a horizon that runs into another decision's
years stops before them and says so, and with the new table chosen the path runs on, each year on its scheme."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import app_on, no_exception, store_url
from scheme_fixtures import redone
from streamlit.testing.v1 import AppTest

from planner.methodology.catalog import load_bundled_methodology
from planner.optimiser.horizon import PathResult


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    return app_on("lao-cai-2019", "pages/path.py")


def _solve(at: AppTest) -> PathResult:
    next(b for b in at.button if b.key == "path_run").click().run()
    no_exception(at)
    result: PathResult = at.session_state["_path_result"][1]
    return result


def test_the_path_stops_before_the_next_decision_then_runs_on_with_its_table(app: AppTest) -> None:
    from ui.cache import SESSION_METHODOLOGIES_KEY
    from ui.path_view import INPUTS_KEY, PathInputs, YearRow

    rows = (YearRow(2019, "score", "80"), YearRow(2020), YearRow(2021, "score", "86"))
    app.session_state[INPUTS_KEY] = PathInputs(2019, 2021, rows)
    app.run()
    picker = next(s for s in app.selectbox if (s.key or "").startswith("path.next_scheme."))
    assert "1149/QĐ-BNV" in picker.label and picker.value.startswith("Chưa có bảng mới")
    stopped = _solve(app)
    assert [y.year for y in stopped.years] == [2019] and stopped.stopped is not None
    assert any("1149/QĐ-BNV" in w.value and "2019" in w.value for w in app.warning)

    new = redone(load_bundled_methodology("qd2636-2018"), "qd-moi", (2020, 2021))
    app.session_state[SESSION_METHODOLOGIES_KEY] = {new.id: new}
    app.run()
    picker = next(s for s in app.selectbox if (s.key or "").startswith("path.next_scheme."))
    label = f"{new.name('vi')} (qd-moi)"
    assert picker.options[0].startswith("Chưa có bảng mới") and label in picker.options
    picker.set_value(label).run()
    no_exception(app)
    across = _solve(app)
    assert [y.methodology for y in across.years] == ["qd2636-2018", "qd-moi", "qd-moi"]
    assert across.status == "optimal" and across.final.score >= 86
    assert any("qd-moi" in i.value or new.name("vi") in i.value for i in app.info)
    assert any("GIẢ ĐỊNH: các tỉnh khác được dự báo như khi chưa đổi" in i.value for i in app.info)
    by_year = next(df.value for df in app.dataframe if "Bộ tiêu chí" in df.value.columns)
    assert list(by_year["Bộ tiêu chí"])[-1] == new.name("vi")
    assert any(d.label for d in app.get("download_button"))

    # the new scheme's own efforts: a file that names an unknown item changes nothing, a good one is kept
    from ui.path_view import NEXT_EFFORT_KEY

    uploader = next(u for u in app.file_uploader if (u.key or "").startswith("path.next_effort."))
    uploader.set_value(("cong-suc.csv", b"code,level_or_points,effort\nZZ.9,yes,5\n", "text/csv")).run()
    assert NEXT_EFFORT_KEY not in app.session_state and any("ZZ.9" in e.value for e in app.error)
    uploader = next(u for u in app.file_uploader if (u.key or "").startswith("path.next_effort."))
    uploader.set_value(("cong-suc.csv", b"code,level_or_points,effort\n1.1,yes,40\n", "text/csv")).run()
    no_exception(app)
    scheme_id, table = app.session_state[NEXT_EFFORT_KEY]
    assert scheme_id == "qd-moi" and [(e.code, e.effort) for e in table.entries] == [("1.1", 40.0)]
    costed = _solve(app)
    assert costed.status == "optimal"
    assert any("1 dòng" in i.value for i in app.info)
