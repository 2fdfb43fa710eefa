"""The sidebar under the navigation: which scenario is active, which example is open, the share link.

Switching scenario here is the same as on the Scenario page; both only change the active slot id.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui import boot, examples, persist, share, state
from ui.text import labels, lang, t
from ui.views import md


def _on_pick(key: str) -> None:
    value = st.session_state.get(key)
    if isinstance(value, str):
        state.select(value)


def scenario_picker(*, key_prefix: str = "side") -> None:
    """A selectbox of the session's scenarios; choosing one makes it active everywhere."""
    all_slots = state.slots()
    ids = list(all_slots)
    active = state.active_slot().id
    key = f"{key_prefix}.slot.{state.revision()}"
    # Numbered, because a narrow sidebar cuts long names and two cases of one province then looked identical;
    # the active one's full name is written out below.
    numbers = {sid: n for n, sid in enumerate(ids, start=1)}
    st.selectbox(
        t("app.sidebar.active_scenario"),
        ids,
        index=ids.index(active),
        format_func=labels(all_slots, lambda i: f"{numbers[i]}. {all_slots[i].name or i}"),
        key=key,
        on_change=_on_pick,
        args=(key,),
    )
    st.caption(md(all_slots[active].name or active))


def _on_example(key: str) -> None:
    value = st.session_state.get(key)
    if isinstance(value, str) and value != state.workspace().example_id:
        boot.open_example(value)


def example_picker() -> None:
    all_examples = examples.all_examples()
    if not all_examples:
        return
    ids = list(all_examples)
    current = state.workspace().example_id
    key = f"side.example.{state.revision()}"
    st.selectbox(
        t("app.sidebar.example"),
        ids,
        index=ids.index(current) if current in ids else None,
        format_func=labels(all_examples, lambda i: all_examples[i].name(lang())),
        key=key,
        on_change=_on_example,
        args=(key,),
        help=t("app.sidebar.example_help"),
        placeholder=t("app.sidebar.example_none"),
    )


def share_url() -> str:
    """A short URL that reopens this session's scenarios, the active one and the compared set: the working-copy
    token with the place (`?w=…&a=…&k=…`, about 60 characters, the opener continuing under a token of their
    own). Without a store, the active scenario packed into the URL (long, but it works offline of any store)."""
    base = _base_url()
    if persist.store() is not None:
        persist.autosave_all()
        if persist.store_error() is None:
            return f"{base}?{urlencode(persist.url_state())}"
    slot = state.active_slot()
    return f"{base}?{share.PACKED_PARAM}={share.pack_scenario(slot.scenario)}"


def _base_url() -> str:
    url = st.context.url or ""
    return url.split("?", 1)[0]


def render() -> None:
    from ui import case_view

    with st.sidebar:
        scenario_picker()
        example_picker()
        case_view.button()
        with st.expander(t("app.sidebar.share"), icon=":material/link:"):
            st.caption(t("app.sidebar.share_help"))
            st.code(share_url(), language=None, wrap_lines=True)
        error = persist.store_error()
        if error is not None:
            st.caption(t("app.store.off", detail=error.one_line(lang())))
        else:
            st.caption(t("app.store.autosaved"))


def show_notices() -> None:
    """Messages queued by callbacks (a number that could not be read, a setting that did not fit)."""
    for key, params in state.take_notices():
        shown = {name: md(value) if isinstance(value, str) else value for name, value in params.items()}
        st.warning(t(key, **shown), icon=":material/warning:")
