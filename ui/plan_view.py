"""The Plan page's pieces: which plan to show, the plan as tables per lead agency, and its downloads.

A plan comes either from the optimiser (the last exact solve) or from the active scenario itself: every item
the scenario raises above the baseline, at the level it reaches, costed with the same effort table. An item set
by points or by a value between two levels has no level to plan for and is listed as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner.core.i18n import Lang
from planner.methodology.model import Methodology
from planner.methodology.scoring import current_option, score_scenario
from planner.optimiser.levers import build_levers
from planner.optimiser.plan import Plan, PlanChange
from planner.optimiser.plan_builder import build_plan
from ui import optimise_view, state
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
    baseline = state.baseline()
    scenario = state.current()
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
