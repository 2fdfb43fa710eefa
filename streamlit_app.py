"""PAR Planner, the Streamlit app: `streamlit run streamlit_app.py`.

The entrypoint only wires things together: it starts the session (share link or the default example), builds
the navigation from the page registry (ui.registry, pages under pages/), draws the shared header and sidebar,
and runs the chosen page. Everything is inside `run()` so the router itself can be tested.
"""

from __future__ import annotations

import streamlit as st

from ui import boot, chrome, guard, persist, registry, sidebar
from ui.header import render as render_header
from ui.text import t


def build_pages() -> list[st.Page]:
    """The navigation's pages, titled in the session's language, each with an ASCII url path."""
    return [
        st.Page(
            spec.path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path, default=spec.default
        )
        for spec in registry.PAGES
    ]


def run() -> None:
    st.set_page_config(page_title="PAR Planner", page_icon=":material/insights:", layout="wide")
    boot.ensure_session()
    chrome.localise_builtin_text()
    page = st.navigation(build_pages())
    workshop = page.url_path == "workshop"
    if not workshop:
        sidebar.render()
    render_header(large=workshop)
    boot.show_boot_error()
    sidebar.show_notices()
    with guard.entered():
        page.run()
    persist.warm_up()


if __name__ == "__main__":
    run()
