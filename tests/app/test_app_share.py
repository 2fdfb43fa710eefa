"""Share links and reloads: a packed scenario in the URL, a stored scenario id, and the session's working copies
restore the same scenario; a damaged link says so and opens the default example."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest
from app_support import ROOT, metric, new_app, no_exception, store_url, widget
from streamlit.testing.v1 import AppTest

from planner.core.errors import ScenarioError
from planner.core.i18n import t
from planner.methodology.scenario import ItemSetting, Scenario, scenario_from_json
from planner.store import ScenarioStore
from ui import share

LAO_CAI = scenario_from_json((ROOT / "data" / "examples" / "lao-cai-2019.json").read_bytes())


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    value = store_url(tmp_path)
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", value)
    return value


def total(at: AppTest) -> str:
    return metric(at, t("app.header.total", "vi"))


def active(at: AppTest) -> Scenario:
    scenario: Scenario = at.session_state["_slots"][at.session_state["_active"]].scenario
    return scenario


# --- the packed form -----------------------------------------------------------------------------------------


def test_a_packed_scenario_round_trips_and_fits_in_a_url() -> None:
    edited = LAO_CAI.with_item("6.2.3", ItemSetting(level="yes")).model_copy(
        update={"name": "Phương án “A” & B"}
    )
    token = share.pack_scenario(edited)
    assert token.isascii() and all(ch.isalnum() or ch in "-_" for ch in token)
    assert len(token) < 4000  # Lào Cai's 84 items with their notes
    assert share.unpack_scenario(token) == edited


def _pack_raw(payload: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(payload)).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token!",
        "AAAA",
        share.pack_scenario(LAO_CAI)[:-12],  # truncated in a chat message
        "A" * (share.MAX_TOKEN_CHARS + 1),
        _pack_raw(b"[1, 2, 3]"),
        _pack_raw(b'{"methodology": "qd2636-2018", "items": {"1.1": {"level": "yes", "value": 1}}}'),
        _pack_raw(json.dumps({"schema_version": 99, "methodology": "qd2636-2018"}).encode()),
        _pack_raw(b" " * (share.MAX_JSON_BYTES + 10)),  # expands beyond the bound
        _pack_raw(b"[" * 50_000),  # compresses to a few hundred bytes, recurses past Python's limit
    ],
    ids=[
        "empty",
        "characters",
        "garbage",
        "truncated",
        "too-long",
        "not-object",
        "two-settings",
        "newer",
        "bomb",
        "deep",
    ],
)
def test_a_damaged_or_hostile_link_is_one_clear_error(token: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        share.unpack_scenario(token)
    assert raised.value.key == "app.share.bad_link"


# --- the app ---------------------------------------------------------------------------------------------------


def test_a_packed_link_reopens_the_same_scenario_against_its_example(url: str) -> None:
    edited = LAO_CAI.with_item("6.2.3", ItemSetting(level="yes")).with_item("8.2", ItemSetting(level="yes"))
    at = new_app()
    at.query_params[share.PACKED_PARAM] = share.pack_scenario(edited.model_copy(update={"name": "Chia sẻ"}))
    at.run()
    no_exception(at)
    assert active(at).items == edited.items
    assert total(at) == "79,97 / 100"
    # Measured against Lào Cai's example: the delta is against 78.47 and the workspace is the example's.
    assert at.session_state["_workspace"].example_id == "lao-cai-2019"
    assert at.metric[0].delta == "+1,5"


def test_a_bad_link_says_so_and_opens_the_default_example(url: str) -> None:
    at = new_app()
    at.query_params[share.PACKED_PARAM] = "bm90IGEgc2NlbmFyaW8"
    at.run()
    no_exception(at)
    assert any(t("app.share.opened_default", "vi") in e.value for e in at.error)
    assert total(at) == "78,47 / 100"


def test_a_link_to_a_scenario_that_does_not_fit_its_methodology_is_refused(url: str) -> None:
    wrong = LAO_CAI.with_item("6.2.3", ItemSetting(level="perfect"))
    at = new_app()
    at.query_params[share.PACKED_PARAM] = share.pack_scenario(wrong)
    at.run()
    shown = " ".join(e.value for e in at.error)
    assert "“perfect”" in shown
    assert total(at) == "78,47 / 100"


def test_a_reload_restores_every_scenario_of_the_session_from_its_working_copies(url: str) -> None:
    first = new_app().run()
    first.switch_page("pages/scenario.py").run()
    first.segmented_control(key="area_pick").set_value("6").run()
    widget(first.selectbox, "lv_", "_6.2.3").set_value("yes").run()  # type: ignore[attr-defined]
    token = first.session_state["_work_token"]
    assert first.query_params.get("w") == token
    # A reload (new session) with the same URL.
    second = new_app()
    second.query_params["w"] = token
    second.run()
    no_exception(second)
    assert [s.scenario for s in second.session_state["_slots"].values()] == [
        s.scenario for s in first.session_state["_slots"].values()
    ]
    assert total(second) == "78,97 / 100"
    # ... and continues under a token of its own, so two tabs never overwrite each other.
    assert second.session_state["_work_token"] != token


def test_a_reload_after_an_upload_lands_on_the_uploaded_scenario_and_the_same_compared_set(url: str) -> None:
    """Issue 14: upload a scenario, press F5, and the app was back on Lào Cai 2019. The URL now names the active
    scenario and the compared set as well as the working copies."""
    from ui import scenarios

    first = new_app().run()
    first.switch_page("pages/scenario.py").run()
    payload = (ROOT / "data" / "examples" / "an-giang-2023.json").read_bytes()
    uploader = next(u for u in first.file_uploader if (u.key or "").startswith(scenarios.UPLOAD_KEY + "."))
    uploader.set_value(("an-giang.json", payload, "application/json")).run()
    no_exception(first)
    assert active(first).province == "An Giang"
    slots = first.session_state["_slots"]
    first.session_state["_compare"] = [i for i in slots if slots[i].scenario.province == "An Giang"]
    first.run()
    params = {k: first.query_params.get(k) for k in ("w", "a", "k")}
    assert params["a"] == str(slots[first.session_state["_active"]].color)
    # A reload (a new session on the same URL) lands on An Giang, with the same compared set.
    second = new_app()
    for key, value in params.items():
        second.query_params[key] = value
    second.run()
    no_exception(second)
    assert active(second).province == "An Giang"
    compared = [second.session_state["_slots"][i].scenario.province for i in second.session_state["_compare"]]
    assert compared == ["An Giang"]
    # A damaged place still opens the working copies (the first one active).
    third = new_app()
    third.query_params["w"] = params["w"]
    third.query_params["a"] = "99"
    third.run()
    no_exception(third)
    assert active(third).province == "Lào Cai"


def test_a_saved_scenario_opens_from_its_store_id_in_a_new_session(url: str) -> None:
    first = new_app().run()
    first.switch_page("pages/scenario.py").run()
    first.segmented_control(key="area_pick").set_value("8").run()
    widget(first.selectbox, "lv_", "_8.2").set_value("yes").run()  # type: ignore[attr-defined]
    next(b for b in first.button if b.label == t("app.store.save", "vi")).click().run()
    no_exception(first)
    slot = first.session_state["_slots"][first.session_state["_active"]]
    assert slot.store_id is not None and slot.store_version == 1 and not slot.unsaved
    with ScenarioStore.open(url) as store:
        assert store.get(slot.store_id).scenario == slot.scenario
    second = new_app()
    second.query_params[share.STORE_PARAM] = slot.store_id
    second.run()
    no_exception(second)
    assert active(second) == slot.scenario
    assert total(second) == "79,47 / 100"


def test_two_sessions_saving_the_same_scenario_do_not_overwrite_each_other(url: str) -> None:
    first = new_app().run()
    first.switch_page("pages/scenario.py").run()
    next(b for b in first.button if b.label == t("app.scenarios.copy", "vi")).click().run()
    next(b for b in first.button if b.label == t("app.store.save", "vi")).click().run()
    store_id = first.session_state["_slots"][first.session_state["_active"]].store_id
    sessions = []
    for area, code in (("8", "8.2"), ("6", "6.2.3")):
        at = new_app()
        at.query_params[share.STORE_PARAM] = store_id
        at.run()
        at.switch_page("pages/scenario.py").run()
        at.segmented_control(key="area_pick").set_value(area).run()
        widget(at.selectbox, "lv_", f"_{code}").set_value("yes").run()  # type: ignore[attr-defined]
        sessions.append(at)
    yes, no = sessions  # both start from version 1; the first to save wins, the second is told
    next(b for b in yes.button if b.label == t("app.store.save_version", "vi")).click().run()
    next(b for b in no.button if b.label == t("app.store.save_version", "vi")).click().run()
    assert any(t("app.store.conflict", "vi", version=2) in w.value for w in no.warning)
    with ScenarioStore.open(url) as store:
        assert store.get(store_id).scenario.items["8.2"].level == "yes"
    next(b for b in no.button if b.label == t("app.store.save_copy", "vi")).click().run()
    copy_id = no.session_state["_slots"][no.session_state["_active"]].store_id
    assert copy_id != store_id
    with ScenarioStore.open(url) as store:
        kept = store.get(copy_id).scenario
        assert kept.items["8.2"].level == "no" and kept.items["6.2.3"].level == "yes"


def test_the_share_link_is_short_and_opens_the_same_scenarios_active_one_and_compared_set(url: str) -> None:
    """Issue 14: the share link was ~1.800 characters on the projector and carried only the active scenario."""
    from ui import sidebar

    first = new_app().run()
    first.switch_page("pages/scenario.py").run()
    next(b for b in first.button if b.label == t("app.scenarios.copy", "vi")).click().run()
    first.switch_page("pages/workshop.py").run()
    no_exception(first)
    link = next(c.value for c in first.code if "?w=" in c.value)
    assert len(link) < 120, link
    assert first.get("imgs") or first.get("image")  # the QR code
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    second = new_app()
    for key, value in query.items():
        second.query_params[key] = value
    second.run()
    no_exception(second)
    names = [s.scenario.name for s in second.session_state["_slots"].values()]
    assert names == [s.scenario.name for s in first.session_state["_slots"].values()]
    assert active(second).name == active(first).name
    assert sidebar is not None


def test_the_qr_code_is_a_png() -> None:
    png = share.qr_png("http://localhost:8501/?w=abc&a=0&k=0.1")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 200
