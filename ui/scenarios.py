"""Named scenarios: create, copy, rename, delete, and pick the active one (all on the session's slots)."""

from __future__ import annotations

import streamlit as st

from planner.core.errors import ImportFileError, PlannerError, ScenarioError
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario, scenario_from_json
from planner.methodology.scoring import scenario_problems
from planner.tables.reading import MAX_UPLOAD_BYTES, UPLOAD_LIMIT_MB
from ui import cache, persist, sidebar, state
from ui.text import labels, lang, t
from ui.views import show_error

RENAME_KEY = "rename_text"


def _new() -> None:
    base = state.baseline()
    slot = state.add(base.model_copy(update={"name": state.unique_name(t("app.scenarios.new_name"))}))
    if slot is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)


def _copy() -> None:
    active = state.active_slot()
    name = state.unique_name(t("app.scenarios.copy_name", name=active.name or "–"))
    if state.copy(active.id, name) is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)


def _rename(key: str) -> None:
    text = str(st.session_state.get(key, "")).strip()
    if not text:
        state.notify("app.scenarios.name_empty")
        return
    state.rename(state.active_slot().id, text)


def _delete() -> None:
    if not state.delete(state.active_slot().id):
        state.notify("app.scenarios.keep_one")


def _open_stored(key: str) -> None:
    store_id = st.session_state.get(key)
    if not isinstance(store_id, str):
        return
    try:
        stored = persist.load_stored(store_id)
    except PlannerError as exc:
        state.notify("app.raw", text=exc.one_line(lang()))
        return
    slot = state.add(stored.scenario)
    if slot is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)
        return
    state.mark_saved(slot.id, stored.id, stored.version_number, stored.scenario)


def store_actions() -> None:
    """Save the active scenario to the store, resolve a conflict, or open a saved scenario."""
    s = persist.store()
    if s is None:
        return
    slot = state.active_slot()
    label = t("app.store.save") if slot.store_id is None else t("app.store.save_version")
    help_text = None
    if slot.store_id is not None:
        help_text = t(
            "app.store.state_unsaved" if slot.unsaved else "app.store.state_saved",
            version=slot.store_version or 0,
        )
    st.button(
        label, on_click=persist.save_active, icon=":material/save:", disabled=not slot.unsaved, help=help_text
    )
    if st.session_state.get("_store_conflict") == slot.id:
        st.button(
            t("app.store.save_copy"), on_click=persist.save_active_as_copy, icon=":material/call_split:"
        )
    with st.popover(t("app.store.open"), icon=":material/folder_open:"):
        try:
            saved = s.list_scenarios()
        except PlannerError:
            saved = []
        if saved:
            options = {row.id: row for row in saved[:200]}
            key = f"open_stored.{state.revision()}"
            st.selectbox(
                t("app.store.open_label"),
                list(options),
                index=None,
                format_func=labels(options, lambda i: f"{options[i].name} · v{options[i].current_version}"),
                key=key,
                on_change=_open_stored,
                args=(key,),
                placeholder=t("app.store.open_placeholder"),
            )
        else:
            st.caption(t("app.store.none_saved"))


UPLOAD_KEY = "scenario_upload"
UPLOAD_ERROR_KEY = "_scenario_upload_error"
#: Bumped after each file is read, so the uploader comes back empty instead of piling up the files already
#: handled (a rejected one used to stay as a bare red entry).
UPLOAD_GENERATION_KEY = "_scenario_upload_generation"


def upload_key() -> str:
    return f"{UPLOAD_KEY}.{st.session_state.get(UPLOAD_GENERATION_KEY, 0)}"


def read_scenario_upload(name: str, payload: bytes) -> Scenario:
    """A scenario from an uploaded .json or filled-in Excel scenario template, validated against its
    methodology (ScenarioError / ImportFileError otherwise; nothing is changed)."""
    lowered = name.lower()
    if len(payload) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            "excel.too_large",
            size_mb=round(len(payload) / 1_048_576, 1),
            limit_mb=MAX_UPLOAD_BYTES // 1_048_576,
        )
    if lowered.endswith(".json"):
        scenario = scenario_from_json(payload)
    elif lowered.endswith(".xlsx"):
        from planner.files.excel.scenario import read_scenario_workbook

        scenario = read_scenario_workbook(payload)
    else:
        raise ImportFileError(
            "cli.unsupported_file_type", suffix=lowered.rsplit(".", 1)[-1], allowed=".json, .xlsx"
        )
    problems = scenario_problems(cache.methodology(scenario.methodology), scenario)
    if problems:
        raise ScenarioError("scenario.invalid", problems=problems)
    return scenario


def _on_upload(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    st.session_state[UPLOAD_GENERATION_KEY] = int(st.session_state.get(UPLOAD_GENERATION_KEY, 0)) + 1
    try:
        scenario = read_scenario_upload(str(getattr(uploaded, "name", "")), uploaded.getvalue())
    except PlannerError as exc:
        st.session_state[UPLOAD_ERROR_KEY] = exc
        return
    st.session_state.pop(UPLOAD_ERROR_KEY, None)
    name = scenario.name or str(getattr(uploaded, "name", "")).rsplit(".", 1)[0]
    if state.add(scenario.model_copy(update={"name": state.unique_name(name[:200] or "–")})) is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)
    else:
        state.notify("app.scenarios.imported", name=name)


def file_actions() -> None:
    """Download the active scenario (JSON, Excel template) and open one from a file as a new scenario."""
    slot = state.active_slot()
    m = cache.methodology(slot.scenario.methodology)
    with st.popover(t("app.scenarios.files"), icon=":material/swap_vert:"):
        st.download_button(
            t("app.scenarios.download_json"),
            data=slot.scenario.to_json(),
            file_name="par-planner-scenario.json",
            mime="application/json",
            icon=":material/data_object:",
            key="scenario_download_json",
        )
        st.download_button(
            t("app.scenarios.download_xlsx"),
            data=lambda: _workbook(m, slot.scenario),
            file_name="par-planner-scenario.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table_view:",
            key="scenario_download_xlsx",
            help=t("app.scenarios.download_xlsx_help"),
        )
        key = upload_key()
        # Any file type is taken: the browser's own refusal of a .csv was a red icon with no words; the reader
        # says in the user's language which files it reads.
        st.file_uploader(
            t("app.scenarios.upload"),
            max_upload_size=UPLOAD_LIMIT_MB,
            key=key,
            on_change=_on_upload,
            args=(key,),
            help=t("app.scenarios.upload_help"),
        )


def _workbook(m: Methodology, scenario: Scenario) -> bytes:
    from planner.files.excel.scenario import write_scenario_workbook

    return write_scenario_workbook(m, scenario, lang())


def upload_error() -> PlannerError | None:
    value = st.session_state.get(UPLOAD_ERROR_KEY)
    return value if isinstance(value, PlannerError) else None


def manager() -> None:
    """The active scenario and the actions on it (new, copy, rename, delete, save, open a saved one)."""
    with st.container(horizontal=True, vertical_alignment="bottom", key="scenario_manager"):
        with st.container(width=520):
            sidebar.scenario_picker(key_prefix="page")
        st.button(t("app.scenarios.new"), on_click=_new, icon=":material/add:")
        st.button(t("app.scenarios.copy"), on_click=_copy, icon=":material/content_copy:")
        with st.popover(t("app.scenarios.rename"), icon=":material/edit:"):
            key = f"{RENAME_KEY}.{state.revision()}"
            st.text_input(t("app.scenarios.name"), value=state.active_slot().name, key=key, max_chars=200)
            st.button(t("app.scenarios.rename_apply"), on_click=_rename, args=(key,), key="rename_apply")
        with st.popover(t("app.scenarios.delete"), icon=":material/delete:"):
            st.write(t("app.scenarios.delete_confirm", name=state.active_slot().name or "–"))
            st.button(
                t("app.scenarios.delete_apply"),
                on_click=_delete,
                type="primary",
                key="delete_apply",
                disabled=len(state.slots()) <= 1,
            )
        store_actions()
        file_actions()
    error = upload_error()
    if error is not None:
        show_error(error)
