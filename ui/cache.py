"""Cached access to the bundled data (methodologies, examples, fields) and to the session's own uploads.

Methodologies, fields and projections are immutable, so they are cached as resources: one object per process,
shared by every session, never copied (the scorer's lookup tables are keyed on the methodology object itself).
A methodology or results table the user loads lives in the session; a methodology saved to the store is there
for every session of the server. A lookup by id tries the session's own, then the bundled ones, then the
store's newest version, which the session then keeps (a scheme never changes under a session that uses it;
a newer saved version is picked up by the next session).
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import streamlit as st

from planner.core.errors import MethodologyError, StoreError
from planner.methodology.catalog import bundled_methodology_ids, load_bundled_methodology
from planner.methodology.model import Methodology
from planner.store import SavedMethodology
from ui import persist

SESSION_METHODOLOGIES_KEY = "_methodologies"


@st.cache_resource(show_spinner=False)
def _bundled(methodology_id: str) -> Methodology:
    return load_bundled_methodology(methodology_id)


@st.cache_data(show_spinner=False)
def bundled_ids() -> tuple[str, ...]:
    return bundled_methodology_ids()


def session_methodologies() -> dict[str, Methodology]:
    value: dict[str, Methodology] = st.session_state.setdefault(SESSION_METHODOLOGIES_KEY, {})
    return value


def add_session_methodology(m: Methodology) -> None:
    loaded = dict(session_methodologies())
    loaded[m.id] = m
    st.session_state[SESSION_METHODOLOGIES_KEY] = loaded


def methodology(methodology_id: str) -> Methodology:
    """A methodology by id: the session's, a bundled one, or the store's newest (MethodologyError if none)."""
    loaded = session_methodologies().get(methodology_id)
    if loaded is not None:
        return loaded
    if methodology_id in bundled_ids():
        return _bundled(methodology_id)
    saved = _saved(methodology_id)
    if saved is not None:
        add_session_methodology(saved)
        return saved
    known = ", ".join(available_methodologies()) or "-"
    raise MethodologyError("methodology.unknown", id=methodology_id, known=known)


def saved_schemes() -> list[SavedMethodology]:
    """The newest version of every scheme saved in the store (none when the store is off)."""
    store = persist.store()
    if store is None:
        return []
    try:
        return store.list_methodologies()
    except StoreError:
        return []


_PARSED: OrderedDict[str, Methodology] = OrderedDict()
_PARSED_MAX = 32
_parsed_lock = Lock()


def _saved(scheme_id: str) -> Methodology | None:
    """The store's newest version of `scheme_id`, parsed once per content digest for the whole process."""
    store = persist.store()
    if store is None:
        return None
    try:
        history = store.methodology_history(scheme_id)
        if not history:
            return None
        newest = history[0]
        with _parsed_lock:
            hit = _PARSED.get(newest.digest)
        if hit is not None:
            return hit
        _, parsed = store.get_methodology(scheme_id, newest.version)
    except StoreError:
        return None
    with _parsed_lock:
        _PARSED[newest.digest] = parsed
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return parsed


def available_methodologies() -> tuple[str, ...]:
    saved = tuple(s.scheme_id for s in saved_schemes())
    return tuple(dict.fromkeys((*bundled_ids(), *session_methodologies(), *saved)))
