"""The first run of a session: open the scenario of a share link, else the default worked example.

A share link carries either a store id (`?s=...`) or a packed scenario (`?sc=...`, see ui.share). Whatever the
link holds is validated; a link that cannot be opened shows one clear message and the default example opens
instead, so a newcomer always lands on something real.
"""

from __future__ import annotations

import streamlit as st

from planner.core.errors import PlannerError
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import scenario_problems
from ui import cache, examples, persist, share, state
from ui.text import t

BOOT_ERROR_KEY = "_boot_error"


def ensure_session() -> None:
    """Start the session's state once; later runs keep the working-copy token in the URL once there is one."""
    persist.install()
    if not state.has_session():
        params = st.query_params
        work = params.get(persist.WORK_PARAM)
        store_id = params.get(share.STORE_PARAM)
        packed = params.get(share.PACKED_PARAM)
        opened = False
        if store_id:
            opened = _open_stored(str(store_id))
        elif packed:
            opened = _open_packed(str(packed))
        elif work:
            opened = _open_work(str(work))
        if opened:
            persist.autosave_all()  # a link was opened: keep its scenarios under this session's token at once
        else:
            open_example(examples.default_example_id())
    persist.sync_url()


def open_example(example_id: str | None) -> None:
    """Replace the session with an example's workspace: its baseline as the first scenario."""
    example = examples.example(example_id) if example_id else None
    if example is None:
        workspace = examples.blank_workspace()
        state.start_session(workspace, [workspace.baseline])
        return
    workspace = examples.workspace_of(example)
    others = [sibling.scenario for sibling in examples.siblings(example)]
    state.start_session(workspace, [workspace.baseline, *others, *workspace.companions])


def open_scenario(scenario: Scenario) -> None:
    """Make `scenario` the session's active scenario, measured against the example it belongs to, if any."""
    workspace = examples.workspace_for(scenario)
    state.start_session(workspace, [scenario])


def _check(scenario: Scenario) -> None:
    m = cache.methodology(scenario.methodology)
    problems = scenario_problems(m, scenario)
    if problems:
        from planner.core.errors import ScenarioError

        raise ScenarioError("app.share.bad_link", problems=problems)


def _open_packed(token: str) -> bool:
    try:
        scenario = share.unpack_scenario(token)
        _check(scenario)
    except PlannerError as exc:
        st.session_state[BOOT_ERROR_KEY] = exc
        return False
    open_scenario(scenario)
    return True


def _open_work(work_token: str) -> bool:
    restored = persist.restore(work_token)
    if not restored:
        st.session_state[BOOT_ERROR_KEY] = PlannerError("app.store.work_not_found")
        return False
    params = {k: str(st.query_params.get(k, "")) for k in (persist.ACTIVE_PARAM, persist.COMPARED_PARAM)}
    active, compared = persist.place_from(params, restored)
    chosen = next((slot for slot in restored if slot.id == active), restored[0])
    state.start_session(examples.workspace_for(chosen.scenario), restored)
    state.select(chosen.id)
    if compared:
        state.set_compared(compared)
    return True


def _open_stored(store_id: str) -> bool:
    if not share.valid_store_id(store_id):
        st.session_state[BOOT_ERROR_KEY] = PlannerError("app.share.bad_link")
        return False
    try:
        stored = persist.load_stored(store_id)
        _check(stored.scenario)
    except PlannerError as exc:
        st.session_state[BOOT_ERROR_KEY] = exc
        return False
    open_scenario(stored.scenario)
    state.mark_saved(state.active_slot().id, stored.id, stored.version_number, stored.scenario)
    return True


def show_boot_error() -> None:
    """The message of a share link that could not be opened (shown once, above the page)."""
    exc = st.session_state.pop(BOOT_ERROR_KEY, None)
    if isinstance(exc, PlannerError):
        from ui.text import lang
        from ui.views import md

        messages = exc.messages(lang())
        st.error(t("app.share.opened_default") + "\n\n" + "\n\n".join(f"- {md(m)}" for m in messages))
