"""Make every page go through the entrypoint, even on the first request of a fresh server.

Streamlit treats an app with a `pages/` folder as a "version 1" multipage app until the first call of
`st.navigation` in the process. So the very first request after a server start, if it is a deep link such as
`/ranking?w=...` (a reload after a restart), runs pages/ranking.py directly, without the session set up by
streamlit_app.py. Each page therefore starts with `require_entrypoint()`: if the session was never set up, it
runs the entrypoint (which calls st.navigation, switching Streamlit to the explicit page list for good, sets up
the session and runs this same page inside it) and stops the direct run.
"""

from __future__ import annotations

import streamlit as st

from ui import state


def require_entrypoint() -> None:
    if state.has_session():
        return
    import streamlit_app

    streamlit_app.run()
    st.stop()
