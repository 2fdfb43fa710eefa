"""Theo dõi / Tracking: the adopted plan through the year. The Sở Nội vụ starts tracking a plan, sends each agency
its link or workbook, reads the returned workbooks, and reviews the quarter (forecast, late list, table per agency,
what to do next, the Word report); after the results it compares the plan with the appraisal and starts next
year's plan. An agency opening its link sees and updates its own rows only."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from planner.core.errors import PlannerError, StoreError
from planner.files.appraisal import baseline_from_file
from planner.files.excel.plan import read_plan_baseline, read_plan_workbook, write_plan_workbook
from planner.files.excel.progress import check_returned, read_progress_workbook, write_agency_workbook
from planner.files.word_review import write_review_document
from planner.store.tracked import TrackedPlans
from planner.tables.reading import UPLOAD_LIMIT_MB
from planner.tracking.model import TrackedPlan
from planner.tracking.results import compare_with_result, next_year_plan
from ui import cache, persist, plan_view, position, state, tracking_view, views
from ui.guard import require_entrypoint
from ui.text import lang, points, t

require_entrypoint()

st.title(t("app.tracking.title"))
st.caption(t("app.tracking.intro"))


def rows_editor(plans: TrackedPlans, tracked: TrackedPlan, plan_id: str, agency: str | None) -> None:
    """The rows as a table the lead agency fills, with one save for the batch."""
    m = cache.methodology(tracked.plan.methodology)
    frame = tracking_view.rows_frame(tracked, m, agency)
    key = f"tracking.rows.{plan_id}.{agency or ''}.{len(tracked.updates)}"
    st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["code", "name", "target", "deadline", "lead", "updated_at"],
        column_config={
            "code": st.column_config.TextColumn(t("word.col.stt"), width="small"),
            "name": st.column_config.TextColumn(t("app.tracking.col.name"), width="large"),
            "target": st.column_config.TextColumn(t("excel.progress.col.target")),
            "deadline": st.column_config.TextColumn(t("excel.progress.col.deadline")),
            "lead": st.column_config.TextColumn(t("excel.progress.col.lead")),
            "status": st.column_config.SelectboxColumn(
                t("excel.progress.col.status"),
                options=[
                    tracking_view.status_label(s) for s in ("not_started", "in_progress", "done", "failed")
                ],
                required=True,
            ),
            "percent": st.column_config.NumberColumn(
                t("excel.progress.col.percent"), min_value=0, max_value=100, step=5, format="%d%%"
            ),
            "reached": st.column_config.SelectboxColumn(
                t("excel.progress.col.reached"), options=tracking_view.level_options(tracked, m, agency)
            ),
            "evidence": st.column_config.TextColumn(t("excel.progress.col.evidence"), width="large"),
            "updated_by": st.column_config.TextColumn(t("excel.progress.col.updated_by")),
            "updated_at": st.column_config.TextColumn(t("app.tracking.col.updated_at")),
        },
    )
    st.button(
        t("app.tracking.save"),
        type="primary",
        icon=":material/save:",
        key=f"tracking.save.{agency or ''}",
        on_click=tracking_view.save_reports,
        args=(plans, plan_id, m, frame, key, agency),
    )
    for message in st.session_state.get(tracking_view.ERRORS_KEY) or []:
        st.error(message, icon=":material/error:")


def returned_upload(plans: TrackedPlans, tracked: TrackedPlan, plan_id: str, agency: str | None) -> None:
    """Read a returned progress workbook: refused whole if it is another plan's or another agency's."""
    m = cache.methodology(tracked.plan.methodology)
    uploaded = st.file_uploader(
        t("app.tracking.upload_returned"),
        type=["xlsx"],
        key=f"tracking.returned.{agency or ''}",
        max_upload_size=UPLOAD_LIMIT_MB,
    )
    if uploaded is None:
        return
    marker = f"tracking.read.{uploaded.file_id}"
    if st.session_state.get(marker):
        return
    try:
        returned = read_progress_workbook(uploaded.getvalue(), m)
        check_returned(returned, tracked, plan_id=plan_id, agency=agency)
        _, fresh = plans.report(
            plan_id, m, list(returned.reports), agency=returned.agency or None, source="workbook"
        )
    except PlannerError as exc:
        views.show_error(exc)
        return
    st.session_state[marker] = True
    st.session_state[tracking_view.NOTICE_KEY] = t(
        "app.tracking.read_returned", agency=returned.agency or "–", n=len(fresh)
    )
    st.rerun()


def agency_view(plans: TrackedPlans, plan_id: str, agency: str) -> None:
    """What an agency's link opens: its own rows, its workbook, the upload of its returned workbook."""

    tracked = plans.get(plan_id)
    st.subheader(t("app.tracking.agency_title", agency=agency))
    st.caption(
        t(
            "app.tracking.agency_intro",
            province=tracked.plan.province or "–",
            year=str(tracked.plan.year or "–"),
        )
    )
    rows_editor(plans, tracked, plan_id, agency)
    m = cache.methodology(tracked.plan.methodology)
    with st.container(horizontal=True):
        st.download_button(
            t("app.tracking.download_agency"),
            data=partial(write_agency_workbook, tracked, m, agency, lang(), plan_id=plan_id),
            file_name=f"tien-do-{plan_id[:8]}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
        )
    returned_upload(plans, tracked, plan_id, agency)


def plan_picker(plans: TrackedPlans, who: tracking_view.Access) -> None:
    """The tracked plans of the server, and starting a new one."""
    summaries = plans.summaries()
    with st.container(border=True):
        st.subheader(t("app.tracking.plans"))
        if summaries:
            ids = [s.id for s in summaries]
            names = {
                s.id: f"{s.name} · {s.created_at.strftime('%d/%m/%Y')} · {t('app.tracking.n_updates', n=s.updates)}"
                for s in summaries
            }
            current = who.plan_id if who.plan_id in ids else None
            picked = st.selectbox(
                t("app.tracking.pick"),
                ids,
                index=ids.index(current) if current else None,
                format_func=lambda i: names[i],
                placeholder=t("app.tracking.pick_placeholder"),
                key="tracking.pick",
            )
            if picked and picked != who.plan_id:
                tracking_view.open_plan(picked)
                st.rerun()
        else:
            st.caption(t("app.tracking.none_yet"))
        with st.expander(t("app.tracking.start"), icon=":material/add_task:", expanded=not summaries):
            m_current = position.current_position().methodology
            plan_now, _ = plan_view.current_plan(m_current, plan_view.source_picker())
            name = st.text_input(t("app.tracking.name"), value=(plan_now.scenario_name if plan_now else ""))
            if plan_now is not None:
                st.caption(
                    t(
                        "app.tracking.from_current",
                        n=len(plan_now.changes),
                        total=points(plan_now.planned_total),
                    )
                )
                if st.button(t("app.tracking.start_current"), type="primary", icon=":material/play_arrow:"):
                    try:
                        new_id = plans.create(
                            TrackedPlan(plan=plan_now, baseline=state.baseline()), persist.token(), name=name
                        )
                    except PlannerError as exc:
                        views.show_error(exc)
                    else:
                        tracking_view.open_plan(new_id)
                        st.rerun()
            else:
                st.caption(t("app.tracking.no_current_plan"))
            workbook = st.file_uploader(
                t("app.tracking.start_from_file"),
                type=["xlsx"],
                key="tracking.plan_file",
                max_upload_size=UPLOAD_LIMIT_MB,
            )
            if workbook is not None and st.button(
                t("app.tracking.start_file"), icon=":material/upload_file:"
            ):
                try:
                    data = workbook.getvalue()
                    file_plan = read_plan_workbook(data)
                    new_id = plans.create(
                        TrackedPlan(plan=file_plan, baseline=read_plan_baseline(data)),
                        persist.token(),
                        name=name,
                    )
                except PlannerError as exc:
                    views.show_error(exc)
                else:
                    tracking_view.open_plan(new_id)
                    st.rerun()


def office_view(plans: TrackedPlans, plan_id: str) -> None:
    """The open plan for the Sở Nội vụ: updates, agencies, the review, after the results."""
    try:
        tracked = plans.get(plan_id)
    except StoreError as exc:
        views.show_error(exc)
        return
    m = cache.methodology(tracked.plan.methodology)
    updates_tab, agencies_tab, review_tab, results_tab = st.tabs(
        [
            t("app.tracking.tab.updates"),
            t("app.tracking.tab.agencies"),
            t("app.tracking.tab.review"),
            t("app.tracking.tab.results"),
        ]
    )

    with updates_tab:
        rows_editor(plans, tracked, plan_id, None)
        with st.expander(t("app.tracking.history"), icon=":material/history:"):
            codes = [r.code for r in tracked.rows]
            code = st.selectbox(t("app.tracking.history_row"), codes, key="tracking.history_code")
            history = tracked.history(code) if code else ()
            if history:
                st.dataframe(
                    [
                        {
                            t("app.tracking.col.when"): u.progress.updated_at.strftime("%d/%m/%Y %H:%M")
                            if u.progress.updated_at
                            else "",
                            t("excel.progress.col.status"): tracking_view.status_label(u.progress.status),
                            t("excel.progress.col.percent"): u.progress.effective_percent,
                            t("excel.progress.col.evidence"): u.progress.evidence,
                            t("excel.progress.col.updated_by"): u.progress.updated_by,
                            t("app.tracking.col.source"): t(f"app.tracking.source.{u.source}"),
                            t("app.tracking.col.agency"): u.agency or t("app.tracking.office"),
                        }
                        for u in history
                    ],
                    hide_index=True,
                    width="stretch",
                )
            else:
                st.caption(t("app.tracking.no_history"))

    with agencies_tab:
        st.caption(t("app.tracking.links_help"))
        if st.button(t("app.tracking.issue_links"), icon=":material/link:", key="tracking.issue"):
            try:
                st.session_state[tracking_view.LINKS_KEY] = plans.issue_links(plan_id)
            except PlannerError as exc:
                views.show_error(exc)
        links = st.session_state.get(tracking_view.LINKS_KEY) or {}
        if links:
            st.dataframe(
                [
                    {
                        t("app.tracking.col.agency"): agency,
                        t("app.tracking.col.link"): tracking_view.link(token),
                    }
                    for agency, token in links.items()
                ],
                hide_index=True,
                width="stretch",
                column_config={t("app.tracking.col.link"): st.column_config.LinkColumn()},
            )
            st.caption(t("app.tracking.links_once"))
        st.markdown(t("app.tracking.workbooks"))
        with st.container(horizontal=True):
            for index, agency in enumerate(tracked.agencies(), start=1):
                st.download_button(
                    agency,
                    data=partial(write_agency_workbook, tracked, m, agency, lang(), plan_id=plan_id),
                    file_name=f"{index:02d}-tien-do-{plan_id[:8]}.xlsx",
                    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    icon=":material/download:",
                    key=f"tracking.agency_book.{index}",
                )
        returned_upload(plans, tracked, plan_id, None)

    with review_tab:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            as_of = st.date_input(
                t("app.tracking.as_of"),
                value=tracking_view.as_of_default(tracked),
                format="DD/MM/YYYY",
                key="tracking.as_of",
            )
            rank_default = tracked.plan.target_rank or 0
            target_rank = st.number_input(
                t("app.tracking.target_rank"), 0, 63, rank_default, 1, key="tracking.rank", width=200,
                help=t("app.tracking.target_rank_help"),
            )  # fmt: skip
            projector = st.toggle(t("app.tracking.projector"), key="tracking.projector")
        day = as_of if isinstance(as_of, date) else date.today()
        try:
            review = tracking_view.review_of(tracked, m, day, int(target_rank) or None)
        except PlannerError as exc:
            views.show_error(exc)
            return
        tracking_view.show_review(review, plan_id, large=projector)
        if st.button(t("app.tracking.keep_review"), icon=":material/bookmark_add:", key="tracking.keep"):
            try:
                plans.keep_review(plan_id, review.point())
            except PlannerError as exc:
                views.show_error(exc)
            else:
                st.session_state[tracking_view.NOTICE_KEY] = t(
                    "app.tracking.review_kept", date=day.strftime("%d/%m/%Y")
                )
                st.rerun()
        st.download_button(
            t("app.tracking.download_report"),
            data=partial(write_review_document, review, tracked, lang()),
            file_name=f"bao-cao-so-ket-{day.isoformat()}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/description:",
            type="primary",
            key="tracking.report",
        )

    with results_tab:
        st.caption(t("app.tracking.results_help"))
        published = st.text_input(
            t("app.tracking.published_total"), key="tracking.published", placeholder="83,87"
        )
        appraisal = st.file_uploader(
            t("app.tracking.appraisal_file"),
            type=["xlsx", "csv", "docx", "pdf"],
            key="tracking.appraisal",
            max_upload_size=UPLOAD_LIMIT_MB,
        )
        appraised = None
        if appraisal is not None:
            try:
                appraised = baseline_from_file(appraisal.name, appraisal.getvalue(), m, lang=lang()).scenario
            except PlannerError as exc:
                views.show_error(exc)
        total = state.typed_number(published) if published.strip() else None
        if published.strip() and total is None:
            st.error(t("app.tracking.bad_total", text=published[:20]), icon=":material/error:")
        comparison = compare_with_result(tracked, m, appraised=appraised, published_total=total)
        c1, c2, c3 = st.columns(3)
        c1.metric(t("app.tracking.planned_total"), points(comparison.planned_total))
        c2.metric(t("app.tracking.reported_total"), points(comparison.reported_total))
        shown_total = (
            comparison.published_total
            if comparison.published_total is not None
            else comparison.appraised_total
        )
        if shown_total is not None:
            c3.metric(t("app.tracking.result_total"), points(shown_total))
        st.dataframe(
            [
                {
                    t("word.col.stt"): r.code,
                    t("app.tracking.col.name"): r.name(lang()),
                    t("app.tracking.col.status"): tracking_view.status_label(r.status),
                    t("app.tracking.col.planned"): points(r.planned_points),
                    t("app.tracking.col.reached"): points(r.reached_points),
                    t("app.tracking.col.appraised"): points(r.appraised_points)
                    if r.appraised_points is not None
                    else "–",
                }
                for r in comparison.rows
            ],
            hide_index=True,
            width="stretch",
        )
        if appraised is not None:
            st.caption(
                t(
                    "app.tracking.open_rows",
                    n=len(comparison.open_codes),
                    codes=", ".join(comparison.open_codes) or "–",
                )
            )
            try:
                next_plan, next_baseline = next_year_plan(tracked, m, appraised, comparison)
            except PlannerError as exc:
                views.show_error(exc)
            else:
                with st.container(horizontal=True):
                    st.download_button(
                        t("app.tracking.next_year_download", year=str(next_plan.year or "")),
                        data=partial(write_plan_workbook, next_plan, m, lang(), baseline=next_baseline),
                        file_name=f"ke-hoach-{next_plan.year}.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/download:",
                    )
                    if st.button(t("app.tracking.next_year_track"), icon=":material/arrow_forward:"):
                        next_id = plans.create(
                            TrackedPlan(plan=next_plan, baseline=next_baseline), persist.token()
                        )
                        tracking_view.open_plan(next_id)
                        st.rerun()


def main() -> None:
    repository = tracking_view.plans()
    if repository is None:
        st.error(tracking_view.store_missing_message(persist.store_error()), icon=":material/database:")
        return
    try:
        who = tracking_view.access(repository)
    except StoreError as exc:
        views.show_error(exc)
        return
    notice = st.session_state.pop(tracking_view.NOTICE_KEY, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    if who.agency is not None and who.plan_id is not None:
        agency_view(repository, who.plan_id, who.agency)
        return
    plan_picker(repository, who)
    if who.plan_id is not None:
        office_view(repository, who.plan_id)


main()
