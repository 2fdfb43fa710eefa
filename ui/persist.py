"""The scenario store behind the session: autosave of every scenario, explicit saves, and share ids.

Three things, each with its own URL parameter:

- `?w=<token>`: the session's working copies. Every change of a scenario is autosaved under "<token>.<n>" (n is
  the scenario's colour index, unique in a session), and from the first change on the URL carries the token, so
  a reload or a crash loses nothing. Opening a `?w=` link restores those scenarios and then continues under a
  *new* token, so two people who open the same link never overwrite each other's work.
- `?s=<id>`: a scenario saved explicitly (a version in the store's history), e.g. for a colleague.
- `?sc=<packed>`: the scenario itself in the URL (ui.share), which works without any store.

The store is optional: when it cannot be opened the app runs on session state alone and says so. It is opened in
a background thread at the end of the first run (importing SQLAlchemy and Alembic and checking the schema take
about a second), so the first page does not wait for it and the first edit finds it ready. A failed open is
tried again at the next use once RETRY_AFTER seconds have passed, so a PostgreSQL server that was down for a
moment when the app started does not leave every session without a store until the server process restarts.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import streamlit as st

from planner.core.errors import PlannerError, StoreError
from ui import state

if TYPE_CHECKING:
    from planner.store import ScenarioStore, StoredScenario

WORK_PARAM = "w"
#: The colour of the active scenario and of the compared ones, so a reload lands on the same scenario and set.
ACTIVE_PARAM = "a"
COMPARED_PARAM = "k"
TOKEN_KEY = "_work_token"
STORE_ERROR_KEY = "_store_error"
OPEN_FAILED_KEY = "_store_open_failed"
SAVED_KEY = "_work_saved"
OWNER = ""
#: The environment that decides where the store is (planner.store.database_url reads these).
_LOCATION_ENV = ("PAR_PLANNER_DATABASE_URL", "PAR_PLANNER_DATA_HOME", "XDG_DATA_HOME")

#: Seconds after a failed open before the next use of the store tries again.
RETRY_AFTER = 10.0

_opening: dict[tuple[str, ...], Future[ScenarioStore]] = {}
_failed_at: dict[tuple[str, ...], float] = {}
_lock = threading.Lock()
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="par-store")


def _location() -> tuple[str, ...]:
    return tuple(os.environ.get(name, "") for name in _LOCATION_ENV)


def _open() -> ScenarioStore:
    from planner.store import ScenarioStore, database_url

    try:
        return ScenarioStore.open(database_url())
    except OSError as exc:  # the data folder cannot be created
        raise StoreError("store.unavailable", url="-", detail=str(exc)) from None


def _open_at(key: tuple[str, ...]) -> ScenarioStore:
    try:
        return _open()
    except BaseException:
        _failed_at[key] = time.monotonic()
        raise


def _future() -> Future[ScenarioStore]:
    """The store being opened (or open) for the current location: one per process and location, opened again
    when the last attempt failed more than RETRY_AFTER seconds ago."""
    key = _location()
    with _lock:
        future = _opening.get(key)
        failed = future is not None and future.done() and future.exception() is not None
        if failed and time.monotonic() - _failed_at.get(key, 0.0) >= RETRY_AFTER:
            future = None
        if future is None:
            future = _executor.submit(_open_at, key)
            _opening[key] = future
        return future


def warm_up() -> None:
    """Start opening the store in the background (called once the first page is drawn)."""
    _future()


def store() -> ScenarioStore | None:
    """The store, opened once per process and location; None (and the reason remembered for the sidebar) while
    it cannot be opened. Once it opens again the session's message goes away."""
    try:
        opened = _future().result()
    except PlannerError as exc:
        failure = exc if isinstance(exc, StoreError) else StoreError("store.unavailable", url="-", detail="-")
        st.session_state[STORE_ERROR_KEY] = failure
        st.session_state[OPEN_FAILED_KEY] = True
        return None
    # Only the failure to open is cleared here; a database that went away after it opened keeps its message
    # until a write succeeds again (autosave clears it then).
    if st.session_state.pop(OPEN_FAILED_KEY, False):
        st.session_state.pop(STORE_ERROR_KEY, None)
    return opened


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
    """Keep `slot`'s scenario as a working copy (called after every change). The first time in a session every
    slot is saved, so that a reload restores the whole set, not only the scenario that changed."""
    s = store()
    if s is None:
        return
    first = not st.session_state.get(SAVED_KEY)
    slots = list(state.slots().values()) if first else [slot]
    if first and slot.id not in state.slots():
        slots.append(slot)
    try:
        for each in slots:
            s.autosave(_key(each), each.scenario, scenario_id=each.store_id, base_version=each.store_version)
    except StoreError as exc:
        st.session_state[STORE_ERROR_KEY] = exc
        return
    st.session_state[SAVED_KEY] = True
    st.session_state.pop(STORE_ERROR_KEY, None)


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
    from planner.store import StoreConflictError

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


#: Parameters the scenario's own URL state leaves in place.
KEPT_PARAMS = ("t",)


def sync_url() -> None:
    """Keep `?w=<token>&a=<active>&k=<compared>` in the URL once something was autosaved (and drop a share
    parameter then): a reload, the back button or a bookmark restores the same scenarios, the same active one
    and the same compared set (the page is in the URL's path)."""
    if not st.session_state.get(SAVED_KEY):
        return
    params = st.query_params
    # an agency's link (?t=…, ui/tracking_view) stays: a reload must open the same agency's rows
    wanted = url_state() | {k: str(params.get(k)) for k in KEPT_PARAMS if params.get(k)}
    if {k: params.get(k) for k in params} != wanted:
        params.from_dict(wanted)


def url_state() -> dict[str, str]:
    """The query parameters that describe this session's place: work token, active and compared colours."""
    all_slots = state.slots()
    active = state.active_slot()
    compared = ".".join(str(all_slots[i].color) for i in state.compared() if i in all_slots)
    return {WORK_PARAM: token(), ACTIVE_PARAM: str(active.color), COMPARED_PARAM: compared}


def place_from(params: dict[str, str], restored: list[state.Slot]) -> tuple[str | None, list[str]]:
    """The active slot id and the compared ids that `params` (a, k) name among `restored` (by colour); colours
    that are not there are ignored, so a damaged link still opens."""
    by_color = {slot.color: slot.id for slot in restored}

    def color(text: str) -> int | None:
        return int(text) if text.isdigit() and len(text) <= 2 else None

    wanted = color(params.get(ACTIVE_PARAM, ""))
    active = by_color.get(wanted) if wanted is not None else None
    compared = [
        by_color[c] for part in params.get(COMPARED_PARAM, "").split(".") if (c := color(part)) in by_color
    ]
    return active, compared
