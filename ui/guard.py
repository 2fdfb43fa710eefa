"""Make every page run inside the entrypoint (navigation, session, header), however Streamlit starts it.

Streamlit treats an app with a `pages/` folder as a "version 1" multipage app until `st.navigation` is called
in the process, and runs the page file of the URL directly, without streamlit_app.py. That happens on the first
request after a server start when it is a deep link (`/ranking?w=...`, a reload after a restart), and on every
run under AppTest (which resets the flag before each run). So the entrypoint marks the run while it runs the
page (`entered`), and each page starts with `require_entrypoint()`: unmarked, it runs the entrypoint itself
(which calls st.navigation, sets up the session and header, and runs this same page inside the mark) and stops
the direct run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

MARK_KEY = "_in_entrypoint"


@contextmanager
def entered() -> Iterator[None]:
    """Mark the page run as started by the entrypoint (cleared however the page ends: stop, rerun, error)."""
    st.session_state[MARK_KEY] = True
    try:
        yield
    finally:
        st.session_state[MARK_KEY] = False


def require_entrypoint() -> None:
    if st.session_state.get(MARK_KEY):
        return
    import streamlit_app

    streamlit_app.run()
    st.stop()
