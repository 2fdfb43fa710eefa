"""Kế hoạch / Plan: the chosen changes grouped by lead agency (Chủ trì), with partners, targets, evidence,
deadline, points and effort, in the layout of the Lào Cai appendix; download as Excel."""

from __future__ import annotations

import streamlit as st

from planner.core.errors import PlannerError
from planner.optimiser.plan import Plan
from ui import indices_view, plan_view, views
from ui.guard import require_entrypoint
from ui.position import current_position
from ui.text import lang, num, points, prob, t

require_entrypoint()

st.title(t("app.plan.title"))
position = current_position()
m = position.methodology


def show(plan: Plan, skipped: list[str]) -> None:
    """The plan's summary, downloads and one table per lead agency."""
    target = plan.target_vi if lang() == "vi" else (plan.target_en or plan.target_vi)
    st.markdown(
        t(
            "app.plan.header",
            province=views.md(plan.province or "–"),
            year=str(plan.year or "–"),
            target=views.md(target or t("app.plan.no_target")),
        )
    )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        t("app.plan.total"),
        points(plan.planned_total),
        f"+{points(plan.points_gain)}",
    )
    if plan.rank_after is not None:
        c2.metric(
            t("app.plan.rank"),
            str(plan.rank_after),
            t("app.optimiser.from_rank", rank=plan.rank_before or "–"),
            delta_color="off",
        )
    if plan.p_reach is not None and plan.target_rank is not None:
        c3.metric(t("app.compare.p_rank_le", k=plan.target_rank, year=str(plan.year)), prob(plan.p_reach))
    c4.metric(
        t("app.optimiser.effort_total", unit=t(f"effort.unit.{plan.effort_unit}")),
        num(plan.total_effort, 1, trim=True),
    )
    if skipped:
        st.caption(t("app.plan.skipped", codes=", ".join(skipped)))

    every_item = st.toggle(t("app.plan.every_item"), value=True, key="plan_every_item")
    with st.container(horizontal=True):
        st.download_button(
            t("app.plan.download_docx"),
            data=plan_view.document_maker(plan, m, lang(), every_item),
            file_name=plan_view.file_name(plan, "docx"),
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/description:",
            key="plan_download_docx",
        )
        st.download_button(
            t("app.plan.download_xlsx"),
            data=plan_view.workbook_maker(plan, m, lang(), every_item),
            file_name=plan_view.file_name(plan, "xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            type="primary",
            key="plan_download",
        )
        st.download_button(
            t("app.plan.download_json"),
            data=plan.model_dump_json(indent=2),
            file_name=plan_view.file_name(plan, "json"),
            mime="application/json",
            icon=":material/data_object:",
            key="plan_download_json",
        )

    for agency, changes in plan.by_lead_agency():
        share = plan.model_copy(update={"changes": changes})  # the agency's part, totalled as the plan is
        st.subheader(
            t(
                "app.plan.agency",
                agency=agency or t("app.plan.no_agency"),
                n=len(changes),
                gain=points(share.points_gain),
                effort=num(share.total_effort, 1, trim=True),
            )
        )
        st.dataframe(
            plan_view.agency_frame(changes),
            hide_index=True,
            width="stretch",
            column_config=plan_view.columns(),
        )
    if any(c.effort_is_default for c in plan.changes):
        st.caption(t("app.optimiser.defaults_note"))
    if any(c.uses_assumption for c in plan.changes):
        st.caption(t("app.plan.assumptions_note"))


source = plan_view.source_picker()
try:
    chosen, skipped = plan_view.current_plan(m, source)
except PlannerError as exc:
    views.show_error(exc)
else:
    if chosen is None:
        st.info(t(f"app.plan.empty.{source}"))
    else:
        show(chosen, skipped)

# One plan for both indices (Quảng Ngãi's "PAR INDEX và PAPI"), when the session plans on two indices.
if len(indices_view.one_per_index()) >= 2:
    st.subheader(t("app.plan.combined.title"))
    try:
        combined = plan_view.combined_plan()
    except PlannerError as exc:
        views.show_error(exc)
        combined = None
    if combined is None:
        st.info(t("app.plan.combined.empty"))
    else:
        st.caption(t("excel.combined.no_double_count"))
        for total in combined.totals:
            st.markdown(
                t(
                    "app.plan.combined.total",
                    index=total.short,
                    baseline=points(total.baseline),
                    planned=points(total.planned),
                    max=points(total.max_points),
                )
            )
        st.dataframe(plan_view.combined_frame(combined), hide_index=True, width="stretch")
        with st.expander(t("app.plan.combined.links"), icon=":material/link:"):
            st.caption(t("app.plan.combined.links_help"))
            plans = plan_view.index_plans()
            left_options = plan_view.link_options(plans[0][0])
            right_options = plan_view.link_options(plans[1][0])
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.selectbox(
                    plans[0][0].name(lang()),
                    list(left_options),
                    format_func=left_options.__getitem__,
                    key="link_left",
                )
                st.selectbox(
                    plans[1][0].name(lang()),
                    list(right_options),
                    format_func=right_options.__getitem__,
                    key="link_right",
                )
            st.text_input(t("app.plan.combined.link_note"), key="link_note", max_chars=300)
            with st.container(horizontal=True):
                st.button(
                    t("app.plan.combined.add_link"),
                    key="link_add",
                    on_click=plan_view.add_link,
                    args=("link_left", "link_right", "link_note"),
                )
            added = plan_view.user_links(among=[m.id for m, _ in plans])
            if added:
                st.caption(t("app.plan.combined.links_shared"))
            for stored in added:
                link = stored.overlap
                with st.container(horizontal=True, vertical_alignment="center"):
                    st.markdown(
                        f"- {views.md(link.left.codes[0])} ↔ {views.md(link.right.codes[0])}: "
                        f"{views.md(link.note(lang()))}"
                    )
                    st.button(
                        t("app.plan.combined.remove_link"),
                        key=f"link_remove.{stored.id}",
                        icon=":material/link_off:",
                        on_click=plan_view.remove_link,
                        args=(stored.id,),
                    )
        st.download_button(
            t("app.plan.combined.download"),
            data=plan_view.combined_workbook_maker(combined, lang()),
            file_name="ke-hoach-chung-par-papi.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key="plan_combined_download",
        )
