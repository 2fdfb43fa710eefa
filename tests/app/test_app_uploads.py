"""Every upload either succeeds whole or changes nothing: a bad file shows one clear message (with every problem
it has) in the user's language, and the scenarios stay exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from app_support import ROOT, metric, new_app, no_exception, store_url
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from planner.field.bundled import bundled_field

MINI = (ROOT / "tests" / "fixtures" / "mini_methodology.yaml").read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    return new_app().run()


def upload(at: AppTest, key: str, name: str, payload: bytes, mime: str = "application/octet-stream") -> None:
    uploader = next(u for u in at.file_uploader if u.key == key or (u.key or "").startswith(key + "."))
    uploader.set_value((name, payload, mime)).run()
    no_exception(at)


def snapshot(at: AppTest) -> object:
    return (
        dict(at.session_state["_slots"]),
        at.session_state["_active"],
        metric(at, t("app.header.total", "vi")),
    )


def test_a_methodology_with_several_problems_lists_them_all_and_changes_nothing(app: AppTest) -> None:
    app.switch_page("pages/methodology.py").run()
    before = snapshot(app)
    broken = yaml.safe_load(MINI)
    broken["areas"][0]["max_points"] = 5  # children sum to 4
    broken["areas"][1]["criteria"][0]["code"] = "1.1"  # duplicate code
    upload(app, "methodology_upload", "broken.yaml", yaml.safe_dump(broken, allow_unicode=True).encode())
    shown = app.error[0].value
    assert t("methodology.invalid", "vi", id="mini-test") in shown
    assert "“1.1”" in shown and "“1”" in shown  # the duplicate and the sum, both listed
    assert snapshot(app) == before


def test_a_file_that_is_not_a_workbook_is_refused_in_the_users_language(app: AppTest) -> None:
    app.switch_page("pages/methodology.py").run()
    before = snapshot(app)
    upload(app, "methodology_upload", "table.xlsx", b"this is not a zip file")
    assert t("excel.not_xlsx", "vi") in app.error[0].value
    app.segmented_control(key="lang_pick").set_value("en").run()
    assert t("excel.not_xlsx", "en") in app.error[0].value
    assert (dict(app.session_state["_slots"]), app.session_state["_active"]) == before[:2]  # type: ignore[index]


def test_a_valid_methodology_loads_beside_the_bundled_one_without_changing_the_scenarios(
    app: AppTest,
) -> None:
    app.switch_page("pages/methodology.py").run()
    before = snapshot(app)
    upload(app, "methodology_upload", "mini.yaml", MINI.encode())
    assert app.success and "Phương pháp thử nhỏ" in app.success[0].value
    assert snapshot(app) == before
    next(b for b in app.button if b.label == t("app.methodology.open_blank", "vi")).click().run()
    no_exception(app)
    assert metric(app, t("app.header.total", "vi")) == "0 / 10"


def test_a_loaded_methodology_never_replaces_a_bundled_one_of_the_same_id(app: AppTest) -> None:
    app.switch_page("pages/methodology.py").run()
    data = yaml.safe_load(MINI)
    data["id"] = "qd2636-2018"
    upload(app, "methodology_upload", "same-id.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    assert metric(app, t("app.header.total", "vi")) == "78,47 / 100"
    assert "qd2636-2018-upload2" in app.session_state["_methodologies"]


def test_bad_scenario_files_leave_every_scenario_intact(app: AppTest) -> None:
    app.switch_page("pages/scenario.py").run()
    before = snapshot(app)
    upload(app, "scenario_upload", "broken.json", b"{not json")
    assert t("scenario.bad_json", "vi", line=1, column=1).split(":")[0] in app.error[0].value
    assert snapshot(app) == before
    bad_level = (
        b'{"methodology": "qd2636-2018", "items": {"6.2.3": {"level": "perfect"}, "9.9": {"level": "yes"}}}'
    )
    upload(app, "scenario_upload", "bad-level.json", bad_level)
    shown = app.error[0].value
    assert "“perfect”" in shown and "“9.9”" in shown
    assert snapshot(app) == before


def test_a_good_scenario_file_opens_as_a_new_scenario(app: AppTest) -> None:
    app.switch_page("pages/scenario.py").run()
    n = len(app.session_state["_slots"])
    good = '{"name": "Tệp của Sở", "methodology": "qd2636-2018", "province": "Lào Cai", "year": 2019, "default": "max"}'
    upload(app, "scenario_upload", "so-noi-vu.json", good.encode("utf-8"))
    assert len(app.session_state["_slots"]) == n + 1
    assert metric(app, t("app.header.total", "vi")) == "100 / 100"


def results_csv(**changes: float) -> bytes:
    rows = ["Tỉnh/Thành phố;Điểm"]
    for entry in bundled_field(2018).entries:
        score = changes.get(entry.province, entry.score)
        rows.append(f"{entry.province};{score:.2f}".replace(".", ","))
    return "\n".join(rows).encode("utf-8")


def test_a_results_table_with_unknown_provinces_is_refused_and_the_field_is_unchanged(app: AppTest) -> None:
    app.switch_page("pages/data.py").run()
    rank_before = metric(app, t("app.header.rank_in_field", "vi", year="2018"))
    bad = results_csv().replace("Lào Cai".encode(), b"Atlantis")
    app.number_input(key="results_year").set_value(2018).run()
    upload(app, "results_upload", "ket-qua-2018.csv", bad, "text/csv")
    assert "Atlantis" in app.error[0].value
    assert app.session_state["_fields"] == {} if "_fields" in app.session_state else True
    assert metric(app, t("app.header.rank_in_field", "vi", year="2018")) == rank_before


def test_an_official_results_table_replaces_the_reconstruction_for_its_year(app: AppTest) -> None:
    app.switch_page("pages/data.py").run()
    app.number_input(key="results_year").set_value(2018).run()
    # In this (made-up) official table Lào Cai is 2 points higher: 80.47 instead of 78.47.
    upload(app, "results_upload", "ket-qua-2018.csv", results_csv(**{"Lào Cai": 80.47}), "text/csv")
    assert app.success, [e.value for e in app.error]
    loaded = app.session_state["_fields"][("par", 2018, 63)]
    assert loaded.kind == "official" and loaded.entry("Lào Cai").score == 80.47
    # The header ranks the scenario in the loaded table: an official table has no uncertainty band.
    rank = metric(app, t("app.header.rank_in_field", "vi", year="2018"))
    assert "(" not in rank
    next(b for b in app.button if b.label == t("app.data.remove", "vi")).click().run()
    assert app.session_state["_fields"] == {}


def test_a_bad_effort_file_leaves_the_effort_table_and_the_scenario_alone(app: AppTest) -> None:
    app.switch_page("pages/optimiser.py").run()
    before = snapshot(app)
    upload(
        app,
        "effort_upload",
        "effort.csv",
        b"code,level_or_points,effort\n9.9,yes,3\n6.2.3,yes,-1\n",
        "text/csv",
    )
    shown = app.error[0].value
    assert "“9.9”" in shown and "“-1”" in shown  # both rows' problems, at once
    assert "_effort" not in app.session_state or app.session_state["_effort"].entries == ()
    assert snapshot(app) == before
    upload(app, "effort_upload", "effort.csv", b"code,level_or_points,effort\n6.2.3,yes,3\n", "text/csv")
    assert [(e.code, e.level, e.effort) for e in app.session_state["_effort"].entries] == [
        ("6.2.3", "yes", 3.0)
    ]


def test_the_methodology_workbook_the_app_offers_loads_back_as_the_same_table(app: AppTest) -> None:
    from planner.files.excel.methodology import write_methodology_workbook
    from planner.methodology.catalog import load_bundled_methodology

    app.switch_page("pages/methodology.py").run()
    workbook = write_methodology_workbook(load_bundled_methodology("qd2636-2018"), "vi")
    upload(app, "methodology_upload", "bang-chi-so.xlsx", workbook)
    assert app.success, [e.value for e in app.error]
    loaded = app.session_state["_methodologies"]["qd2636-2018-upload2"]
    assert len(loaded.scored_items) == 84 and float(loaded.total_points) == 100


def test_the_results_workbook_the_app_offers_loads_back_as_an_official_field(app: AppTest) -> None:
    from planner.files.excel.results import write_results_workbook

    app.switch_page("pages/data.py").run()
    app.number_input(key="results_year").set_value(2018).run()
    workbook = write_results_workbook(63, bundled_field(2018), "vi")
    upload(app, "results_upload", "ket-qua.xlsx", workbook)
    assert app.success, [e.value for e in app.error]
    assert app.session_state["_fields"][("par", 2018, 63)].kind == "official"


def test_a_file_that_is_not_utf8_says_so_in_vietnamese_without_python_words(app: AppTest) -> None:
    """Issue 14: a raw Python message ("'utf-8' codec can't decode byte 0xf3…") reached the Vietnamese UI."""
    app.switch_page("pages/scenario.py").run()
    before = snapshot(app)
    upload(app, "scenario_upload", "kich-ban.json", b'{"name": "K\xf3 ho\xe1ch"}')  # a Windows-1258 file
    shown = " ".join(e.value for e in app.error)
    assert "UTF-8" in shown and "byte" in shown
    assert "codec" not in shown and "decode" not in shown and "position" not in shown
    assert snapshot(app) == before
    upload(app, "scenario_upload", "hong.json", b'{"name": "x",,}')
    shown = " ".join(e.value for e in app.error)
    assert "dòng 1, cột 14" in shown and "Expecting" not in shown


def test_a_csv_scenario_is_refused_in_words_and_the_uploader_comes_back_empty(app: AppTest) -> None:
    """Issue 14: the uploader piled up the files it had handled and showed a rejected .csv as a bare red icon."""
    app.switch_page("pages/scenario.py").run()
    before = snapshot(app)
    keys = {u.key for u in app.file_uploader if (u.key or "").startswith("scenario_upload.")}
    upload(app, "scenario_upload", "kich-ban.csv", b"code,level\n1.1,yes\n")
    assert "csv" in app.error[0].value and ".json, .xlsx" in app.error[0].value
    assert snapshot(app) == before
    fresh = [u for u in app.file_uploader if (u.key or "").startswith("scenario_upload.")]
    assert len(fresh) == 1 and fresh[0].key not in keys and fresh[0].value is None


def test_an_opened_scenario_joins_the_compared_set_and_names_are_numbered(app: AppTest) -> None:
    """Issue 14: Compare and Trình chiếu kept showing the two examples; two long names looked the same."""
    app.switch_page("pages/scenario.py").run()
    good = '{"name": "Kịch bản của Sở Nội vụ", "methodology": "qd2636-2018", "province": "Lào Cai", "year": 2019}'
    upload(app, "scenario_upload", "so.json", good.encode("utf-8"))
    slots = app.session_state["_slots"]
    mine = next(i for i, s in slots.items() if s.name == "Kịch bản của Sở Nội vụ")
    assert mine in app.session_state["_compare"]
    picker = next(s for s in app.selectbox if s.key and s.key.startswith("side.slot."))
    assert [o.split(". ", 1)[0] for o in picker.options] == [str(n) for n in range(1, len(slots) + 1)]
    assert any(c.value == "Kịch bản của Sở Nội vụ" for c in app.sidebar.caption)
