"""A new case in the app: methodology, province, planning year, target and starting point, in one dialog.

Before this, "Mới" copied the Lào Cai example and a province, a year or a target could only be set by editing the
Excel file. A case is a scenario that carries all of them (Scenario.province, year, target); once created it is
the active scenario, the workspace's baseline and a saved scenario in the store, so every page, the header, the
optimiser and a reload use it. Every field is checked before anything changes: a problem is listed in the dialog
and the session stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

from planner.core.errors import PlannerError, Problem, ScenarioError
from planner.field.bundled import field_years
from planner.field.provinces import FIRST_34_YEAR, era_of, match_province, province_names
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.methodology.target import TARGET_KINDS, Target, TargetKind, parse_target
from ui import cache, persist, state
from ui.state import Workspace
from ui.text import labels, lang, t

Start = Literal["blank", "max", "current", "appraisal"]
STARTS: tuple[Start, ...] = ("current", "blank", "max", "appraisal")
ERRORS_KEY = "_case_errors"
DIALOG_KEY = "_case_dialog"


@dataclass(frozen=True)
class CaseRequest:
    """What the dialog asks for, as typed."""

    methodology_id: str
    province: str
    year: int
    target_kind: TargetKind | None
    target_text: str
    start: Start
    name: str = ""
    probability: float = 0.8


def case_scenario(
    request: CaseRequest,
    m: Methodology,
    *,
    current: Scenario | None = None,
    appraisal: Scenario | None = None,
) -> Scenario:
    """The case's scenario, or ScenarioError listing every field that is wrong (nothing is half-made).

    The province is matched against the provinces of the year's era (63 until 2024, 34 from 2025); the target is
    read as provinces write it; the starting point is every item at 0, every item at full marks, the items of the
    open scenario (same methodology only), or the province's appraisal table.
    """
    problems: list[Problem] = []
    era = era_of(request.year)
    province = ""
    try:
        province = match_province(request.province, era=era)
    except PlannerError:
        problems.append(Problem("app.case.bad_province", {"province": request.province or "–", "n": era}))
    target: Target | None = None
    if request.target_kind is not None:
        try:
            target = parse_target(request.target_kind, request.target_text, request.probability)
        except ValueError:
            problems.append(
                Problem(f"app.case.bad_target.{request.target_kind}", {"text": request.target_text or "–"})
            )
        else:
            if target.rank is not None and target.rank > era:
                problems.append(Problem("app.case.rank_beyond", {"rank": target.rank, "n": era}))
    items = {}
    default: Literal["zero", "max"] = "zero"
    if request.start == "max":
        default = "max"
    elif request.start == "current":
        if current is None or current.methodology != m.id:
            problems.append(Problem("app.case.current_other_scheme", {}))
        else:
            items = dict(current.items)
            default = current.default
    elif request.start == "appraisal":
        if appraisal is None:
            problems.append(Problem("app.case.appraisal_missing", {}))
        else:
            items = dict(appraisal.items)
    if problems:
        raise ScenarioError("app.case.invalid", problems=problems)
    name = request.name.strip() or t("app.case.default_name", province=province, year=str(request.year))
    return Scenario(
        name=name[:200],
        methodology=m.id,
        province=province,
        year=request.year,
        default=default,
        items=items,
        target=target,
    )


def open_case(scenario: Scenario) -> None:
    """Make the case the active scenario and the workspace's baseline, and save it (a stored, shareable id)."""
    slot = state.add(scenario)
    if slot is None:
        state.notify("app.scenarios.too_many", n=state.MAX_SLOTS)
        return
    year = scenario.year or FIRST_34_YEAR
    state.set_workspace(Workspace(baseline=scenario, n_provinces=era_of(year)))
    persist.save_active()


def _read_appraisal(m: Methodology) -> Scenario | None:
    uploaded = st.session_state.get("case_appraisal")
    if uploaded is None:
        return None
    from planner.files.appraisal import baseline_from_file

    return baseline_from_file(str(uploaded.name), uploaded.getvalue(), m, lang=lang()).scenario


def _create(request_keys: dict[str, str]) -> bool:
    """Create the case from the form's values; False (and the problems kept for the form) when it cannot be."""
    get = st.session_state.get
    request = CaseRequest(
        methodology_id=str(get(request_keys["methodology"]) or ""),
        province=str(get(request_keys["province"]) or ""),
        year=int(get(request_keys["year"]) or 0),
        target_kind=get(request_keys["kind"]),
        target_text=str(get(request_keys["target"]) or ""),
        start=get(request_keys["start"]) or "blank",
        name=str(get(request_keys["name"]) or ""),
    )
    try:
        m = cache.methodology(request.methodology_id)
        appraisal = _read_appraisal(m) if request.start == "appraisal" else None
        scenario = case_scenario(request, m, current=state.current(), appraisal=appraisal)
    except PlannerError as exc:
        st.session_state[ERRORS_KEY] = exc.messages(lang())
        return False
    st.session_state.pop(ERRORS_KEY, None)
    st.session_state[DIALOG_KEY] = False
    open_case(scenario)
    state.notify("app.case.created", name=scenario.name)
    return True


def _dismiss() -> None:
    st.session_state[DIALOG_KEY] = False


def _form() -> None:
    """The form: every choice a Sở Nội vụ makes to set up its own case."""
    st.caption(t("app.case.intro"))
    rev = state.revision()
    keys = {
        k: f"case.{k}.{rev}" for k in ("methodology", "province", "year", "kind", "target", "start", "name")
    }
    current = state.current()
    ids = list(cache.available_methodologies())
    st.selectbox(
        t("app.case.methodology"),
        ids,
        index=ids.index(current.methodology) if current.methodology in ids else 0,
        format_func=labels(ids, lambda i: cache.methodology(i).name(lang())),
        key=keys["methodology"],
    )
    latest = max(field_years())
    with st.container(horizontal=True):
        year = st.number_input(
            t("app.case.year"), 2000, 2100, int(current.year or latest + 1), 1, key=keys["year"], width=160
        )
        era = era_of(int(year))
        names = list(province_names(era))
        st.selectbox(
            t("app.case.province", n=era),
            names,
            index=names.index(current.province) if current.province in names else None,
            key=keys["province"],
            placeholder=t("app.case.province_placeholder"),
        )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        kinds: list[TargetKind] = [k for k in TARGET_KINDS if k != "probability"]
        st.selectbox(
            t("app.case.target_kind"),
            kinds,
            index=None,
            format_func=labels(kinds, lambda k: t(f"app.case.kind.{k}")),
            key=keys["kind"],
            placeholder=t("app.case.no_target"),
            width=220,
        )
        st.text_input(t("app.case.target"), key=keys["target"], placeholder=t("app.case.target_placeholder"))
    st.radio(
        t("app.case.start"),
        list(STARTS),
        format_func=labels(STARTS, lambda s: t(f"app.case.start.{s}", name=current.name or "–")),
        key=keys["start"],
    )
    if st.session_state.get(keys["start"]) == "appraisal":
        from planner.tables.reading import UPLOAD_LIMIT_MB

        st.file_uploader(
            t("app.case.appraisal"),
            type=["docx", "pdf", "xlsx", "csv"],
            max_upload_size=UPLOAD_LIMIT_MB,
            key="case_appraisal",
            help=t("app.case.appraisal_help"),
        )
    st.text_input(
        t("app.case.name"), key=keys["name"], max_chars=200, placeholder=t("app.case.name_placeholder")
    )
    errors = st.empty()
    # A dialog is a fragment: its widgets rerun only the dialog, so a created case reruns the whole app (which
    # also closes the dialog); a refused one shows its problems here and changes nothing.
    create = st.button(t("app.case.create"), type="primary", icon=":material/add_circle:", key="case_create")
    if create and _create(keys):
        st.rerun()
    with errors.container():
        for message in st.session_state.get(ERRORS_KEY) or []:
            st.error(message, icon=":material/error:")


def button() -> None:
    """The sidebar button that opens the dialog."""
    if st.button(t("app.case.open"), icon=":material/add_circle:", key="case_open", width="stretch"):
        st.session_state.pop(ERRORS_KEY, None)
        st.session_state[DIALOG_KEY] = True
    if st.session_state.get(DIALOG_KEY):
        st.dialog(t("app.case.title"), width="large", icon=":material/add_circle:", on_dismiss=_dismiss)(
            _form
        )()
