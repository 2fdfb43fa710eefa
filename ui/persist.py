"""The scenario store behind the session: autosave of every scenario, explicit saves, and share ids.

Three things, each with its own URL parameter:

- `?w=<token>`: the session's working copies. Every change of a scenario is autosaved under "<token>.<n>" (n is
  the scenario's colour index, unique in a session), and the URL always carries the token, so a reload or a
  crash loses nothing. Opening a `?w=` link restores those scenarios and then continues under a *new* token, so
  two people who open the same link never overwrite each other's work.
- `?s=<id>`: a scenario saved explicitly (a version in the store's history), e.g. for a colleague.
- `?sc=<packed>`: the scenario itself in the URL (ui.share), which works without any store.

The store is optional: when it cannot be opened the app runs on session state alone and says so once.
"""

from __future__ import annotations

import secrets

import streamlit as st

from planner.errors import PlannerError, StoreError
from planner.store import ScenarioStore, StoreConflictError, StoredScenario, database_url
from ui import state

WORK_PARAM = "w"
TOKEN_KEY = "_work_token"
STORE_ERROR_KEY = "_store_error"
OWNER = ""

_failed: dict[str, StoreError] = {}


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(url: str) -> ScenarioStore:
    return ScenarioStore.open(url)


def store() -> ScenarioStore | None:
    """The store, opened once per process and database URL; None (and the reason remembered) if it fails."""
    try:
        url = database_url()
    except (PlannerError, OSError):
        return None
    if url in _failed:
        st.session_state.setdefault(STORE_ERROR_KEY, _failed[url])
        return None
    try:
        return _open(url)
    except StoreError as exc:
        _failed[url] = exc
        st.session_state.setdefault(STORE_ERROR_KEY, exc)
        return None


def store_error() -> StoreError | None:
    value = st.session_state.get(STORE_ERROR_KEY)
    return value if isinstance(value, StoreError) else None


def token() -> str:
    value = st.session_state.get(TOKEN_KEY)
    if not isinstance(value, str):
        value = secrets.token_urlsafe(12)
        st.session_state[TOKEN_KEY] = value
    return value


def _key(slot: state.Slot) -> str:
    return f"{token()}.{slot.color}"


def autosave(slot: state.Slot) -> None:
    """Keep `slot`'s scenario as a working copy (called after every change)."""
    s = store()
    if s is None:
        return
    try:
        s.autosave(_key(slot), slot.scenario, scenario_id=slot.store_id, base_version=slot.store_version)
    except StoreError as exc:
        st.session_state[STORE_ERROR_KEY] = exc


def forget(slot: state.Slot) -> None:
    """Drop a deleted slot's working copy."""
    s = store()
    if s is None:
        return
    try:
        s.clear_autosave(_key(slot))
    except StoreError as exc:
        st.session_state[STORE_ERROR_KEY] = exc


def install() -> None:
    state.listen(autosave, forget)


def autosave_all() -> None:
    for slot in state.slots().values():
        autosave(slot)


def restore(work_token: str) -> list[state.Slot]:
    """The working copies autosaved under `work_token`, in colour order (empty when there are none)."""
    s = store()
    if s is None or not work_token or len(work_token) > 64:
        return []
    restored: list[state.Slot] = []
    for color in range(state.MAX_SLOTS):
        try:
            saved = s.load_autosave(f"{work_token}.{color}")
        except StoreError:
            return []
        if saved is None:
            continue
        stored_copy = None
        if saved.scenario_id is not None and saved.base_version is not None:
            try:
                stored_copy = s.get(saved.scenario_id, saved.base_version).scenario
            except StoreError:
                stored_copy = None
        restored.append(
            state.new_slot(
                saved.scenario,
                color,
                store_id=saved.scenario_id,
                store_version=saved.base_version,
                saved=stored_copy,
            )
        )
    return restored


def load_stored(store_id: str) -> StoredScenario:
    """A saved scenario (its current version) by id or unambiguous id prefix."""
    s = store()
    if s is None:
        raise StoreError("app.store.unavailable")
    return s.get(s.resolve_id(store_id))


def save_active() -> None:
    """Save the active scenario as a new stored scenario or as the next version of its stored one.

    A conflict (someone saved a newer version) writes nothing and is reported; the user may save a copy.
    """
    s = store()
    slot = state.active_slot()
    if s is None:
        state.notify("app.store.unavailable")
        return
    try:
        if slot.store_id is None or slot.store_version is None:
            stored = s.create(slot.scenario, OWNER)
        else:
            stored = s.save(slot.store_id, slot.scenario, OWNER, slot.store_version)
    except StoreConflictError as exc:
        state.notify("app.store.conflict", version=exc.current.version_number)
        st.session_state["_store_conflict"] = slot.id
        return
    except StoreError as exc:
        state.notify("app.raw", text=exc.one_line())
        return
    state.mark_saved(slot.id, stored.id, stored.version_number, stored.scenario)
    autosave(state.slots()[slot.id])
    state.notify("app.store.saved", version=stored.version_number)


def save_active_as_copy() -> None:
    s = store()
    slot = state.active_slot()
    if s is None or slot.store_id is None:
        return
    try:
        stored = s.save_as_copy(slot.store_id, slot.scenario, OWNER)
    except StoreError as exc:
        state.notify("app.raw", text=exc.one_line())
        return
    st.session_state.pop("_store_conflict", None)
    state.mark_saved(slot.id, stored.id, stored.version_number, stored.scenario)
    autosave(state.slots()[slot.id])
    state.notify("app.store.saved_copy", name=stored.name)


def sync_url() -> None:
    """Keep `?w=<token>` in the URL (and drop a share parameter once its scenario is open)."""
    if store() is None:
        return
    wanted = token()
    params = st.query_params
    if params.get(WORK_PARAM) != wanted or len(params) > 1:
        params.from_dict({WORK_PARAM: wanted})
