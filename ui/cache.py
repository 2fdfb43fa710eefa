"""Cached access to the bundled data (methodologies, examples, fields) and to the session's own uploads.

Methodologies, fields and projections are immutable, so they are cached as resources: one object per process,
shared by every session, never copied (the scorer's lookup tables are keyed on the methodology object itself).
A methodology or results table the user loads lives in the session only and shadows the bundled one.
"""

from __future__ import annotations

import streamlit as st

from planner.core.errors import MethodologyError
from planner.methodology.catalog import bundled_methodology_ids, load_bundled_methodology
from planner.methodology.model import Methodology

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
    """A methodology by id: one the user loaded in this session, else a bundled one (MethodologyError if none)."""
    loaded = session_methodologies().get(methodology_id)
    if loaded is not None:
        return loaded
    if methodology_id not in bundled_ids():
        known = ", ".join((*bundled_ids(), *session_methodologies())) or "-"
        raise MethodologyError("methodology.unknown", id=methodology_id, known=known)
    return _bundled(methodology_id)


def available_methodologies() -> tuple[str, ...]:
    return tuple(dict.fromkeys((*bundled_ids(), *session_methodologies())))
