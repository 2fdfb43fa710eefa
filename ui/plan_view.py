"""The Plan page's pieces: which plan to show, the plan as tables per lead agency, and its downloads.

A plan comes either from the optimiser (the last exact solve) or from the active scenario itself: every item
the scenario raises above the baseline, at the level it reaches, costed with the same effort table. An item set
by points or by a value between two levels has no level to plan for and is listed as skipped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner.core.errors import StoreError
from planner.core.i18n import Lang
from planner.core.i18n import t as translate
from planner.methodology.index import get_index
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import current_option, score_scenario
from planner.optimiser.combined import CombinedPlan, Overlap, Side, combine_plans, documented_overlaps
from planner.optimiser.levers import build_levers
from planner.optimiser.plan import Plan, PlanChange
from planner.optimiser.plan_builder import build_plan
from planner.store.overlaps import OverlapLinks, StoredOverlap, pair_of
from ui import cache, indices_view, optimise_view, persist, state
from ui.text import labels, lang, num, points, t

Source = Literal["optimiser", "scenario"]
SOURCE_KEY = "_plan_source"


def _on_source() -> None:
    value = st.session_state.get("plan_source_pick")
    if value in ("optimiser", "scenario"):
        st.session_state[SOURCE_KEY] = value


def source_picker() -> Source:
    has_optimised = isinstance(st.session_state.get(optimise_view.PLAN_KEY), Plan)
    chosen = st.session_state.get(SOURCE_KEY) or ("optimiser" if has_optimised else "scenario")
    st.segmented_control(
        t("app.plan.source"),
        options=["optimiser", "scenario"],
        default=chosen,
        format_func=labels(["optimiser", "scenario"], lambda s: t(f"app.plan.source.{s}")),
        key="plan_source_pick",
        required=True,
        on_change=_on_source,
    )
    return "optimiser" if chosen == "optimiser" else "scenario"


def current_plan(m: Methodology, source: Source) -> tuple[Plan | None, list[str]]:
    """The plan to show and the codes of changes that could not be planned (set between levels)."""
    if source == "optimiser":
        plan = st.session_state.get(optimise_view.PLAN_KEY)
        return (plan if isinstance(plan, Plan) and plan.changes else None), []
    plan, skipped = plan_between(m, state.baseline(), state.current())
    return plan, skipped


def plan_between(m: Methodology, baseline: Scenario, scenario: Scenario) -> tuple[Plan | None, list[str]]:
    """The plan that moves `baseline` to `scenario` (the items raised), and the codes set between levels."""
    levers = build_levers(m, baseline, optimise_view.table_with_locks(optimise_view.effort_table(), ()))
    card = score_scenario(m, scenario)
    chosen: dict[str, str] = {}
    skipped: list[str] = []
    for item in m.scored_items:
        centi = card.centi_of(item.code)
        if centi <= levers.card.centi_of(item.code):
            continue
        option = current_option(item, centi)
        if option.centi != centi or levers.choice(item.code, option.id) is None:
            skipped.append(item.code)
            continue
        chosen[item.code] = option.id
    if not chosen:
        return None, skipped
    competition = optimise_view.competition(m, baseline, optimise_view.inputs())
    plan = build_plan(levers, chosen, target_rank=state.target_rank(), competition=competition)
    return plan.model_copy(update={"scenario_name": scenario.name}), skipped


def agency_frame(changes: tuple[PlanChange, ...]) -> pd.DataFrame:
    """The columns of the Lào Cai appendix for one lead agency's changes, in table order."""
    vi = lang() == "vi"
    rows: list[dict[str, Any]] = []
    for number, c in enumerate(changes, start=1):
        rows.append(
            {
                "stt": number,
                "code": c.code,
                "name": c.name(lang()),
                "max": points(c.max_points),
                "from": c.from_label_vi if vi else (c.from_label_en or c.from_label_vi),
                "to": c.to_label_vi if vi else (c.to_label_en or c.to_label_vi),
                "gain": "+" + points(c.points_gain),
                "target": c.completion_target,
                "evidence": " — ".join(x for x in (c.evidence_document, c.evidence_content) if x),
                "partners": ", ".join(c.partner_agencies),
                "deadline": c.deadline,
                "effort": num(c.effort, 1, trim=True),
            }
        )
    return pd.DataFrame(rows)


def columns() -> dict[str, Any]:
    return {
        "stt": st.column_config.NumberColumn(t("app.plan.col.stt"), width="small"),
        "code": st.column_config.TextColumn(t("app.table.code"), width="small"),
        "name": st.column_config.TextColumn(t("app.table.name"), width="medium"),
        "max": st.column_config.TextColumn(t("app.table.max"), width="small"),
        "from": st.column_config.TextColumn(t("app.optimiser.col.from")),
        "to": st.column_config.TextColumn(t("app.optimiser.col.to")),
        "gain": st.column_config.TextColumn(t("app.optimiser.col.gain"), width="small"),
        "target": st.column_config.TextColumn(t("app.plan.col.target")),
        "evidence": st.column_config.TextColumn(t("app.plan.col.evidence"), width="large"),
        "partners": st.column_config.TextColumn(t("app.plan.col.partners")),
        "deadline": st.column_config.TextColumn(t("app.plan.col.deadline")),
        "effort": st.column_config.TextColumn(t("app.optimiser.col.effort"), width="small"),
    }


def workbook_maker(
    plan: Plan, m: Methodology, language: Lang, every_item: bool = True
) -> Callable[[], bytes]:
    """The plan workbook, built only when the user clicks Download (planner.files.excel.plan)."""

    def make() -> bytes:
        from planner.files.excel.plan import write_plan_workbook

        return write_plan_workbook(plan, m, language, every_item=every_item)

    return make


def document_maker(
    plan: Plan, m: Methodology, language: Lang, every_item: bool = True
) -> Callable[[], bytes]:
    """The plan as a Word Kế hoạch, built only when the user clicks Download (planner.files.word)."""

    def make() -> bytes:
        from planner.files.word import write_plan_document

        return write_plan_document(plan, m, language, every_item=every_item)

    return make


def file_name(plan: Plan, suffix: str) -> str:
    """An ASCII file name: ke-hoach-par-<province>-<year>.<suffix> (the province folded to ASCII)."""
    import unicodedata

    province = unicodedata.normalize("NFKD", (plan.province or "tinh").replace("đ", "d").replace("Đ", "D"))
    province = re.sub(r"[^A-Za-z0-9]+", "-", province.encode("ascii", "ignore").decode()).strip("-").lower()
    return f"ke-hoach-par-{province or 'tinh'}-{plan.year or ''}.{suffix}".replace("-.", ".")


def index_plans() -> list[tuple[Methodology, Plan]]:
    """Each index's plan in this session: its latest optimiser plan, else the changes its scenario makes to its
    baseline (one scenario per index, as the side-by-side view picks them)."""
    solved = optimise_view.plans_by_methodology()
    out: list[tuple[Methodology, Plan]] = []
    for _, slot in indices_view.one_per_index():
        m = cache.methodology(slot.scenario.methodology)
        plan = solved.get(m.id)
        if plan is None:
            plan, _ = plan_between(m, state.baseline_for(m.id), slot.scenario)
        if plan is not None and plan.changes:
            out.append((m, plan))
    return out


LINKS_KEY = "_overlap_links"


def _links_repository() -> OverlapLinks | None:
    store = persist.store()
    return OverlapLinks(store) if store is not None else None


def user_links(among: Collection[str] | None = None) -> tuple[StoredOverlap, ...]:
    """The links between the indices the province added (a note in the combined plan, never points): those in
    the store, shared by every session of the server, then this session's own (kept here while the store could
    not be reached). `among`: only links whose two sides are on these methodologies."""
    stored: tuple[StoredOverlap, ...] = ()
    repository = _links_repository()
    if repository is not None:
        try:
            stored = repository.all()
        except StoreError as exc:
            st.session_state[persist.STORE_ERROR_KEY] = exc
    links = (*stored, *st.session_state.get(LINKS_KEY, ()))
    if among is None:
        return links
    return tuple(k for k in links if {k.overlap.left.methodology, k.overlap.right.methodology} <= set(among))


def add_link(left_key: str, right_key: str, note_key: str) -> None:
    """Link a node of one plan's methodology to a node of the other's (values "methodology|code")."""
    left, right = st.session_state.get(left_key), st.session_state.get(right_key)
    note = str(st.session_state.get(note_key) or "").strip()
    if not isinstance(left, str) or not isinstance(right, str) or "|" not in left or "|" not in right:
        return
    (lm, lc), (rm, rc) = left.split("|", 1), right.split("|", 1)
    link = Overlap(
        left=Side(methodology=lm, codes=(lc,)),
        right=Side(methodology=rm, codes=(rc,)),
        note_vi=note or translate("app.plan.combined.user_link_note", "vi"),
        note_en=note or translate("app.plan.combined.user_link_note", "en"),
    )
    repository = _links_repository()
    if repository is not None:
        try:
            repository.add(link, persist.OWNER)
            return
        except StoreError as exc:
            state.notify("app.plan.combined.link_not_kept", detail=exc.one_line(lang()))
    kept = st.session_state.get(LINKS_KEY, ())
    if all(pair_of(k.overlap) != pair_of(link) for k in kept):
        st.session_state[LINKS_KEY] = (*kept, StoredOverlap(f"session-{uuid.uuid4()}", link))


def remove_link(link_id: str) -> None:
    """Remove one added link (for everyone on the server when it is in the store)."""
    kept = st.session_state.get(LINKS_KEY, ())
    if any(k.id == link_id for k in kept):
        st.session_state[LINKS_KEY] = tuple(k for k in kept if k.id != link_id)
        return
    repository = _links_repository()
    if repository is None:
        return
    try:
        repository.remove(link_id)
    except StoreError as exc:
        state.notify("app.plan.combined.link_not_removed", detail=exc.one_line(lang()))


def link_options(m: Methodology) -> dict[str, str]:
    """Every area, criterion and item of `m` as "methodology|code" -> its label."""
    short = get_index(m.index).short
    return {f"{m.id}|{code}": f"{short} {code} {node.name(lang())}" for code, node in m.nodes_by_code.items()}


def combined_plan() -> CombinedPlan | None:
    """The plans of both indices by lead agency, when the session has a plan on two indices or more: the
    documented links and the user's own say where one action serves both."""
    plans = index_plans()
    if len(plans) < 2:
        return None
    links = (*documented_overlaps(), *(stored.overlap for stored in user_links()))
    return combine_plans(plans, overlaps=links, lang=lang())


def combined_frame(plan: CombinedPlan) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("app.plan.combined.agency"): agency or t("app.plan.no_agency"),
                t("excel.combined.col.index"): row.index_short,
                t("excel.col.code"): row.change.code,
                t("excel.combined.col.content"): row.change.name(lang()),
                t("excel.combined.col.from"): points(row.change.from_points),
                t("excel.combined.col.to"): points(row.change.to_points),
                t("excel.combined.col.also"): "; ".join(row.also_serves),
            }
            for agency, rows in plan.by_agency()
            for row in rows
        ]
    )


def combined_workbook_maker(plan: CombinedPlan, language: Lang) -> Callable[[], bytes]:
    def make() -> bytes:
        from planner.files.excel.combined import write_combined_workbook

        return write_combined_workbook(plan, language)

    return make
