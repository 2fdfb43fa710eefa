"""The session's scenarios: one canonical, frozen Scenario per named slot, kept under non-widget keys.

Widgets are views. They read the active scenario from here and write back through on_change callbacks that
build a new Scenario (`Scenario.with_item`); nothing is ever read back from a widget's own state on a later run.
Because a widget whose value was set by code can fall back to its default on a page switch, the real state lives
only under the underscore keys below, and widgets whose displayed value is set by code carry the *revision* in
their key: every change made by code (back to baseline, an area set to target, a table applied, a scenario
switched or loaded, the language changed) bumps the revision, so those widgets are rebuilt from the scenario.
An edit made through a widget does not bump it: the widget already shows the new value.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import streamlit as st

from planner.core.i18n import parse_number
from planner.methodology.scenario import Scenario
from planner.methodology.target import Target

SLOTS_KEY = "_slots"
ACTIVE_KEY = "_active"
WORKSPACE_KEY = "_workspace"
REVISION_KEY = "_revision"
COMPARE_KEY = "_compare"
NOTICE_KEY = "_notices"

#: How many named scenarios a session may hold (a comparison shows up to four).
MAX_SLOTS = 12
MAX_COMPARE = 4


@dataclass(frozen=True)
class Slot:
    """A named scenario. `color` is its palette index, fixed at creation so a scenario keeps its colour."""

    id: str
    scenario: Scenario
    color: int
    #: The store's id and version of this scenario once saved, and the content saved (to tell unsaved edits).
    store_id: str | None = None
    store_version: int | None = None
    saved: Scenario | None = None

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def unsaved(self) -> bool:
        return self.saved != self.scenario


@dataclass(frozen=True)
class Workspace:
    """What every scenario of the session is measured against: the baseline and the plan's target rank.

    The plan year is the scenario's own `year`; the baseline reproduces the result of the year before.
    """

    baseline: Scenario
    #: The baselines of the same case on the other indices (Quảng Ngãi's PAPI beside its PAR INDEX).
    companions: tuple[Scenario, ...] = ()
    example_id: str | None = None
    illustrative: bool = False
    target_rank: int | None = None
    n_provinces: Literal[63, 34] = 63


def _new_id() -> str:
    return secrets.token_hex(4)


def has_session() -> bool:
    return SLOTS_KEY in st.session_state and WORKSPACE_KEY in st.session_state


def start_session(workspace: Workspace, scenarios: Sequence[Scenario | Slot]) -> None:
    """Replace everything with a fresh workspace and its scenarios (the first becomes active)."""
    slots: dict[str, Slot] = {}
    for position, item in enumerate(scenarios[:MAX_SLOTS]):
        slot = item if isinstance(item, Slot) else Slot(_new_id(), item, position)
        slots[slot.id] = slot
    st.session_state[WORKSPACE_KEY] = workspace
    st.session_state[SLOTS_KEY] = slots
    st.session_state[ACTIVE_KEY] = next(iter(slots))
    st.session_state[COMPARE_KEY] = list(slots)[:MAX_COMPARE]
    bump_revision()


def workspace() -> Workspace:
    value: Workspace = st.session_state[WORKSPACE_KEY]
    return value


def set_workspace(value: Workspace) -> None:
    """A new case: what every scenario of the session is measured against from now on."""
    st.session_state[WORKSPACE_KEY] = value
    bump_revision()


def slots() -> dict[str, Slot]:
    value: dict[str, Slot] = st.session_state[SLOTS_KEY]
    return value


def active_slot() -> Slot:
    all_slots = slots()
    active = st.session_state.get(ACTIVE_KEY)
    if active not in all_slots:
        active = next(iter(all_slots))
        st.session_state[ACTIVE_KEY] = active
    return all_slots[active]


def current() -> Scenario:
    """The active scenario: what the header, the editor, the ranking and the optimiser work on."""
    return active_slot().scenario


def baseline() -> Scenario:
    """What the active scenario is measured against: the workspace's baseline on the same methodology (its PAPI
    companion for a PAPI scenario), else the workspace's baseline."""
    return baseline_for(current().methodology)


def baseline_for(methodology: str) -> Scenario:
    """The workspace's baseline on `methodology`, else the workspace's baseline."""
    ws = workspace()
    for candidate in (ws.baseline, *ws.companions):
        if candidate.methodology == methodology:
            return candidate
    return ws.baseline


def case_target() -> Target | None:
    """The target of the case every page works to: the active scenario's own, else its workspace's baseline's,
    else the rank its example states. One definition, so the header, the optimiser, the path and the plan agree."""
    ws = workspace()
    found = current().target or ws.baseline.target
    if found is None and ws.target_rank:
        found = Target(kind="rank", rank=ws.target_rank)
    return found


def target_rank() -> int | None:
    """The rank the case aims for (a band's worse end); None when its target is a score or a group."""
    target = case_target()
    return target.rank if target is not None and target.ranked else None


def revision() -> int:
    value: int = st.session_state.get(REVISION_KEY, 0)
    return value


def bump_revision() -> None:
    st.session_state[REVISION_KEY] = revision() + 1


def _put(slot: Slot) -> None:
    all_slots = dict(slots())
    all_slots[slot.id] = slot
    st.session_state[SLOTS_KEY] = all_slots
    _after_change(slot)


#: Called after every change of a slot, and after a slot is removed (ui.persist autosaves through these).
_on_change: list[Callable[[Slot], None]] = []
_on_delete: list[Callable[[Slot], None]] = []


def listen(on_change: Callable[[Slot], None], on_delete: Callable[[Slot], None]) -> None:
    """Register the persistence hooks once per process (they act on the calling session's state)."""
    if on_change not in _on_change:
        _on_change.append(on_change)
    if on_delete not in _on_delete:
        _on_delete.append(on_delete)


def _after_change(slot: Slot) -> None:
    for hook in _on_change:
        hook(slot)


def set_current(scenario: Scenario, *, from_widget: bool = False) -> None:
    """Make `scenario` the active slot's scenario. Code-made changes bump the revision (see module doc)."""
    slot = active_slot()
    if scenario == slot.scenario:
        return
    _put(replace(slot, scenario=scenario))
    if not from_widget:
        bump_revision()


def new_slot(scenario: Scenario, color: int, **stored: object) -> Slot:
    """A slot for restoring a session (ids are per session; colours and store ids come from the saved data)."""
    return Slot(_new_id(), scenario, color, **stored)  # type: ignore[arg-type]


def mark_saved(slot_id: str, store_id: str, version: int, saved: Scenario) -> None:
    """Record that a slot's scenario was saved to the store as `store_id` version `version`."""
    all_slots = dict(slots())
    if slot_id in all_slots:
        all_slots[slot_id] = replace(
            all_slots[slot_id], store_id=store_id, store_version=version, saved=saved
        )
        st.session_state[SLOTS_KEY] = all_slots


def select(slot_id: str) -> None:
    if slot_id in slots() and slot_id != st.session_state.get(ACTIVE_KEY):
        st.session_state[ACTIVE_KEY] = slot_id
        bump_revision()


def _free_color() -> int:
    used = {s.color for s in slots().values()}
    color = 0
    while color in used:
        color += 1
    return color


def add(scenario: Scenario, *, activate: bool = True) -> Slot | None:
    """A new slot holding `scenario`; None when the session already holds MAX_SLOTS scenarios."""
    if len(slots()) >= MAX_SLOTS:
        return None
    slot = Slot(_new_id(), scenario, _free_color())
    _put(slot)
    # The user's own scenario joins the compared set (the projector and Compare views start on it), the oldest
    # leaving when the set is full: a room should not be shown the examples the session opened on.
    st.session_state[COMPARE_KEY] = [*compared(), slot.id][-MAX_COMPARE:]
    if activate:
        select(slot.id)
    return slot


def copy(slot_id: str, name: str) -> Slot | None:
    source = slots().get(slot_id)
    if source is None:
        return None
    return add(source.scenario.model_copy(update={"name": name}))


def rename(slot_id: str, name: str) -> None:
    slot = slots().get(slot_id)
    name = name.strip()[:200]
    if slot is not None and name and name != slot.name:
        _put(replace(slot, scenario=slot.scenario.model_copy(update={"name": name})))
        bump_revision()


def delete(slot_id: str) -> bool:
    """Remove a slot; the last one cannot be removed (there is always an active scenario)."""
    all_slots = dict(slots())
    if slot_id not in all_slots or len(all_slots) == 1:
        return False
    removed = all_slots.pop(slot_id)
    st.session_state[SLOTS_KEY] = all_slots
    for hook in _on_delete:
        hook(removed)
    if st.session_state.get(ACTIVE_KEY) == slot_id:
        st.session_state[ACTIVE_KEY] = next(iter(all_slots))
    st.session_state[COMPARE_KEY] = [s for s in compared() if s in all_slots]
    bump_revision()
    return True


def compared() -> list[str]:
    """Ids of the slots chosen for side-by-side comparison (at most MAX_COMPARE), in slot order."""
    chosen = st.session_state.get(COMPARE_KEY, [])
    present = slots()
    return [s for s in chosen if s in present][:MAX_COMPARE]


def set_compared(ids: list[str]) -> None:
    present = slots()
    st.session_state[COMPARE_KEY] = [s for s in ids if s in present][:MAX_COMPARE]


def unique_name(base: str) -> str:
    """`base`, or `base (2)`, `base (3)`... whichever no slot uses yet."""
    names = {s.name for s in slots().values()}
    if base not in names:
        return base
    n = 2
    while f"{base} ({n})" in names:
        n += 1
    return f"{base} ({n})"


def notify(key: str, **params: object) -> None:
    """Queue a message (a translation key) to show on the next run, e.g. after a callback."""
    queue = list(st.session_state.get(NOTICE_KEY, []))
    queue.append((key, params))
    st.session_state[NOTICE_KEY] = queue


def typed_number(text: str) -> float | None:
    """A number typed in a table cell, in either style (12,5 or 12.5); None, with a notice naming the text, when
    it is not one, so the cell keeps its old value rather than becoming 0."""
    try:
        return parse_number(text)
    except ValueError:
        notify("app.scenario.bad_number", text=text[:40])
        return None


def typed_in_range(text: str, top: float | None) -> float | None:
    """A number typed in either style that must lie in 0..top (no top: any number ≥ 0); None, with a notice
    naming the text, when it does not read or falls outside, so the input keeps its old value."""
    value = typed_number(text)
    if value is not None and (value < 0 or (top is not None and value > top)):
        shown = "∞" if top is None else (f"{top:g}".replace(".", ","))
        notify("app.optimiser.out_of_range", text=text[:40], top=shown)
        return None
    return value


def take_notices() -> list[tuple[str, dict[str, object]]]:
    queue: list[tuple[str, dict[str, object]]] = list(st.session_state.get(NOTICE_KEY, []))
    st.session_state[NOTICE_KEY] = []
    return queue
