"""The documents a province holds, in the app: the decision's appendix as Word on the Methodology page (review
list, comparison with the open scheme, the open scenario carried across), a results decision as PDF on the Data
page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from app_support import header_total, new_app, no_exception, store_url
from document_builder import appendix_document, results_document
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from planner.field.bundled import bundled_field
from planner.methodology.catalog import load_bundled_methodology

QD2636 = load_bundled_methodology("qd2636-2018")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    return new_app().run()


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def upload(at: AppTest, key: str, name: str, payload: bytes) -> None:
    next(u for u in at.file_uploader if u.key == key).set_value(
        (name, payload, "application/octet-stream")
    ).run()
    no_exception(at)


def test_an_appendix_in_word_loads_lists_its_review_and_carries_the_open_scenario(app: AppTest) -> None:
    app.switch_page("pages/methodology.py").run()
    before = dict(app.session_state["_slots"])
    upload(app, "methodology_upload", "QD-phu-luc.docx", appendix_document(QD2636, "ministry", "docx"))
    assert any("84" in s.value for s in app.success)  # "… 84 mục …"
    assert app.warning[0].value == t("app.methodology.review.title", "vi", n=1)
    review = table_with(app, t("app.methodology.review.where", "vi"))
    diff = table_with(app, t("app.methodology.diff.status", "vi"))
    assert list(review[t("app.methodology.review.where", "vi")]) == ["bảng 1, dòng 22"]
    assert len(diff) == 84
    changed = diff[
        diff[t("app.methodology.diff.status", "vi")] == t("app.methodology.diff.status.changed", "vi")
    ]
    assert list(changed[t("app.methodology.diff.a", "vi")]) == ["2.2"]
    assert dict(app.session_state["_slots"]) == before  # loading changed no scenario
    editor = next(e for e in app.data_editor if (e.key or "").startswith("tree_edit.qd-phu-luc."))
    flagged = editor.value[editor.value["review"] != ""]
    assert list(flagged["code"]) == ["2.2"] and flagged["review"].iloc[0].startswith("⚠ mục 2.2")
    next(b for b in app.button if b.label == t("app.methodology.carry", "vi")).click().run()
    no_exception(app)
    active = app.session_state["_slots"][app.session_state["_active"]]
    assert active.scenario.methodology == "qd-phu-luc" and len(app.session_state["_slots"]) == len(before) + 1
    assert header_total(app) == "78,47 / 100"  # every item carried at its points


def test_a_results_decision_in_pdf_becomes_the_field_of_its_year(app: AppTest) -> None:
    app.switch_page("pages/data.py").run()
    app.number_input(key="results_year").set_value(2018).run()
    upload(
        app, "results_upload", "QD-ket-qua-2018.pdf", results_document(bundled_field(2018), "pdf", year=2018)
    )
    assert app.error == [] and app.session_state["_fields"][("par", 2018, 63)].kind == "official"


def test_an_appraisal_table_becomes_a_new_baseline_scenario(app: AppTest) -> None:
    from document_builder import docx_bytes

    card_rows = [
        (item.code, item.node.name_vi, "", "1" if item.code == "1.1" else "0") for item in QD2636.scored_items
    ]
    header = [("STT", "Tiêu chí", "Điểm tối đa", "Điểm thẩm định")]
    rows = [*card_rows, ("9.9", "Không có trong phương pháp", "", "1")]
    app.switch_page("pages/data.py").run()
    upload(app, "appraisal_upload", "tham-dinh.docx", docx_bytes(header, rows))
    assert (
        t("app.data.appraisal_loaded", "vi", items=84, missing=0, unmatched=1, total="1")
        in app.success[-1].value
    )
    assert header_total(app) == "1 / 100"
    active = app.session_state["_slots"][app.session_state["_active"]]
    assert active.scenario.province == "Lào Cai" and active.scenario.year == 2019


def test_a_scheme_saved_in_one_session_is_there_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    first = new_app().run()
    first.switch_page("pages/methodology.py").run()
    upload(first, "methodology_upload", "QD-tinh-2026.docx", appendix_document(QD2636, "ministry", "docx"))
    next(b for b in first.button if b.label == t("app.methodology.save", "vi")).click().run()
    no_exception(first)
    assert t("app.methodology.saved", "vi", id="qd-tinh-2026", version=1) in [w.value for w in first.warning]

    second = new_app().run()  # another person, another session, the same server
    second.switch_page("pages/methodology.py").run()
    assert "Phương pháp đọc từ QD-tinh-2026.docx" in second.selectbox(key="methodology_pick").options
    saved = table_with(second, t("app.methodology.saved.id", "vi"))
    assert list(saved[t("app.methodology.saved.id", "vi")]) == ["qd-tinh-2026"]
    second.selectbox(key="methodology_pick").set_value("qd-tinh-2026").run()
    no_exception(second)
    assert any("84" in c.value for c in second.caption)  # the chosen scheme's counts: 84 scored items


def test_a_bundled_scheme_is_copied_then_edited_with_every_problem_listed(app: AppTest) -> None:
    app.switch_page("pages/methodology.py").run()
    next(b for b in app.button if b.label == t("app.methodology.copy_to_edit", "vi")).click().run()
    no_exception(app)
    copy_id = app.session_state["methodology_pick"]
    assert copy_id == "qd2636-2018-ban-sao"
    editor = next(e for e in app.data_editor if (e.key or "").startswith(f"tree_edit.{copy_id}."))
    rows = list(editor.value["code"])
    row = rows.index("1.2.1")
    # One bad edit: a parent that does not exist. Nothing changes, the problem is named.
    app.session_state[editor.key] = {
        "edited_rows": {row: {"parent": "9.9"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.button(key="tree_apply").click().run()
    assert t("editing.unknown_parent", "vi", code="1.2.1", parent="9.9") in app.error[0].value
    # A good edit: brackets written by hand for 1.2.1, and a new row under 1.2.
    app.session_state[editor.key] = {
        "edited_rows": {row: {"scoring": "Đúng hạn: 0,5 điểm; chậm: 0,25 điểm; không thực hiện: 0 điểm"}},
        "added_rows": [{"code": "1.2.9", "parent": "1.2", "name": "Báo cáo chuyên đề", "max": 0.25, "survey": False,
                        "scoring": "Có: 0,25 điểm; không: 0 điểm"}],
        "deleted_rows": [],
    }  # fmt: skip
    app.button(key="tree_apply").click().run()
    no_exception(app)
    from ui.cache import SESSION_METHODOLOGIES_KEY

    edited = app.session_state[SESSION_METHODOLOGIES_KEY][copy_id]
    assert edited.item("1.2.9").rule.basis == "source" and edited.item("1.2.1").rule.basis == "source"
    assert edited.total_points == 100 + Decimal("0.25")
    assert app.error == []


def test_a_pair_in_the_comparison_is_overridden_and_the_carry_follows_it(app: AppTest) -> None:
    app.switch_page("pages/methodology.py").run()
    upload(app, "methodology_upload", "QD-phu-luc.docx", appendix_document(QD2636, "ministry", "docx"))
    editor = next(e for e in app.data_editor if (e.key or "").startswith("diff."))
    row = list(editor.value[t("app.methodology.diff.a", "vi")]).index("8.2")
    app.session_state[editor.key] = {
        "edited_rows": {row: {t("app.methodology.diff.b", "vi"): ""}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.button(key="pairs_apply").click().run()
    no_exception(app)
    diff = table_with(app, t("app.methodology.diff.status", "vi"))
    statuses = dict(
        zip(
            diff[t("app.methodology.diff.a", "vi")], diff[t("app.methodology.diff.status", "vi")], strict=True
        )
    )
    assert statuses["8.2"] == t("app.methodology.diff.status.removed", "vi")
    next(b for b in app.button if b.label == t("app.methodology.carry", "vi")).click().run()
    carried = app.session_state["_slots"][app.session_state["_active"]].scenario
    assert "8.2" not in carried.items  # no partner now: its points were not carried
