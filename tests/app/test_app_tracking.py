"""The Theo dõi page: the Sở Nội vụ opens a tracked plan, updates rows, reviews the quarter; an agency opening its
link sees and changes only its own rows; a bad link or a bad edit changes nothing and says why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from app_support import metric, new_app, no_exception, store_url
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from planner.store import ScenarioStore
from planner.store.tracked import TrackedPlans
from planner.tracking.model import Progress
from tests.tracking_fixtures import methodology, tracked_plan


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, str], str]:
    url = store_url(tmp_path)
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", url)
    with ScenarioStore.open(url) as store:
        plans = TrackedPlans(store)
        plan_id = plans.create(tracked_plan(), "test", name="Lào Cai 2019")
        plans.report(
            plan_id,
            methodology(),
            [("8.2", Progress(status="in_progress", percent=20, evidence="ghi chú của KH&ĐT"))],
        )
        links = plans.issue_links(plan_id)
    return plan_id, links, url


def _open(plan_id: str | None = None, token: str | None = None) -> AppTest:
    at = new_app()
    if token is not None:
        at.query_params["t"] = token
    at.run()
    at.switch_page("pages/tracking.py")
    if plan_id is not None:
        at.session_state["_tracking_plan_id"] = plan_id
    at.run()
    no_exception(at)
    return at


def _editor(at: AppTest, agency: str = "") -> object:
    return next(
        e
        for e in at.data_editor
        if (e.key or "").startswith("tracking.rows.") and e.key.split(".")[3] == agency
    )


def test_the_office_sees_every_row_and_saves_a_batch(stored: tuple[str, dict[str, str], str]) -> None:
    plan_id, _, url = stored
    at = _open(plan_id)
    editor = _editor(at)
    assert list(editor.value["code"]) == ["1.5", "2.3", "6.2.3", "6.3.1", "6.3.2", "8.2", "8.4"]  # type: ignore[attr-defined]
    assert list(editor.value["status"])[5] == "Đang thực hiện"  # type: ignore[attr-defined]
    rows = list(editor.value["code"])  # type: ignore[attr-defined]
    at.session_state[editor.key] = {  # type: ignore[attr-defined]
        "edited_rows": {rows.index("6.2.3"): {"status": "Hoàn thành", "evidence": "QĐ 12/QĐ-UBND"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="tracking.save.").click().run()
    no_exception(at)
    assert any("Đã lưu 1 cập nhật" in s.value for s in at.success)
    with ScenarioStore.open(url) as store:
        assert TrackedPlans(store).get(plan_id).progress("6.2.3").evidence == "QĐ 12/QĐ-UBND"
    # the review: 78,47 + 0,5 (done) + 0,2 (8.2 at 20 %) = 79,17
    assert metric(at, t("app.tracking.expected", "vi")) == "79,17"


def test_a_bad_level_in_the_table_is_refused_whole(stored: tuple[str, dict[str, str], str]) -> None:
    plan_id, _, url = stored
    at = _open(plan_id)
    editor = _editor(at)
    rows = list(editor.value["code"])  # type: ignore[attr-defined]
    at.session_state[editor.key] = {  # type: ignore[attr-defined]
        "edited_rows": {
            rows.index("6.3.1"): {"status": "Hoàn thành"},
            rows.index("1.5"): {"reached": "Đã ban hành quyết định"},  # a level of another item
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="tracking.save.").click().run()
    assert any("1.5" in e.value and "không ghi nhận gì" in e.value for e in at.error)
    with ScenarioStore.open(url) as store:
        assert TrackedPlans(store).get(plan_id).progress("6.3.1").status == "not_started"


def test_an_agency_link_shows_only_its_rows_and_no_other_agencys_notes(
    stored: tuple[str, dict[str, str], str],
) -> None:
    plan_id, links, url = stored
    at = _open(token=links["Sở Tài chính"])
    assert any("Sở Tài chính" in h.value for h in at.subheader)
    editor = _editor(at, "Sở Tài chính")
    assert list(editor.value["code"]) == ["6.2.3", "6.3.1", "6.3.2"]  # type: ignore[attr-defined]
    page_text = " ".join(str(e.value) for e in at.data_editor) + " ".join(m.value for m in at.markdown)
    assert "ghi chú của KH&ĐT" not in page_text
    assert not at.selectbox or all(
        s.key != "tracking.pick" for s in at.selectbox
    )  # no plan list for an agency
    # even a forged edit of another agency's row through this link is refused
    at.session_state[editor.key] = {  # type: ignore[attr-defined]
        "edited_rows": {0: {"code": "8.2", "status": "Hoàn thành"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="tracking.save.Sở Tài chính").click().run()
    assert any("không do Sở Tài chính chủ trì" in e.value for e in at.error)
    with ScenarioStore.open(url) as store:
        assert TrackedPlans(store).get(plan_id).progress("8.2").status == "in_progress"


def test_a_revoked_or_made_up_link_opens_nothing(stored: tuple[str, dict[str, str], str]) -> None:
    at = _open(token="made-up-token")
    assert any(t("tracking.bad_token", "vi") in e.value for e in at.error)
    assert not at.data_editor


def test_the_review_tab_lists_late_rows_as_of_the_date(stored: tuple[str, dict[str, str], str]) -> None:
    plan_id, _, _ = stored
    at = _open(plan_id)
    at.session_state["tracking.as_of"] = date(2019, 6, 30)
    at.run()
    no_exception(at)
    assert any(t("app.tracking.download_report", "vi") == d.label for d in at.get("download_button"))
    late = next(df.value for df in at.dataframe if t("app.tracking.col.due", "vi") in df.value.columns)
    # 6.2.3 was due 31/03 and 8.2 on 31/05, neither done; 1.5 is due today
    assert list(late[t("word.col.stt", "vi")]) == ["1.5", "6.2.3", "8.2"]
    assert list(late[t("app.tracking.col.state", "vi")]) == ["còn 0 ngày", "chậm 91 ngày", "chậm 30 ngày"]
    assert metric(at, t("app.tracking.expected", "vi")) == "78,67"  # 78,47 + 0,2


def test_the_workshop_page_shows_the_review_large(stored: tuple[str, dict[str, str], str]) -> None:
    plan_id, _, _ = stored
    at = _open(plan_id)
    at.session_state["tracking.as_of"] = date(2019, 6, 30)
    at.run()
    at.switch_page("pages/workshop.py").run()
    no_exception(at)
    assert any(h.value == t("app.workshop.review", "vi", date="30/06/2019") for h in at.subheader)
    assert metric(at, t("app.tracking.expected", "vi")) == "78,67"
    late = next(df.value for df in at.dataframe if t("app.tracking.col.due", "vi") in df.value.columns)
    assert list(late[t("word.col.stt", "vi")]) == ["1.5", "6.2.3", "8.2"]


def test_the_workshop_page_without_a_tracked_plan_has_no_review(
    stored: tuple[str, dict[str, str], str],
) -> None:
    at = _open()
    at.switch_page("pages/workshop.py").run()
    no_exception(at)
    assert not any(h.value.startswith("Sơ kết") for h in at.subheader)
