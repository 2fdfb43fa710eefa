"""Lộ trình / Path: the exact plan over several years, from where the province is to where its plan says it will
be, year by year, with a target and a budget per year; the timeline against the band of the score the target
rank needs, the path by year and by agency, the workbook with a sheet per year, and the effort against the
final-year rank."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from planner import charts
from planner.core.errors import PlannerError
from planner.optimiser.path import MAX_YEARS
from planner.tables.reading import UPLOAD_LIMIT_MB
from ui import cache, chartview, optimise_view, path_view, state, views
from ui.guard import require_entrypoint
from ui.position import current_position
from ui.text import labels, lang, num, points, prob, t

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

    from planner.optimiser.horizon import PathResult

require_entrypoint()


def _show_blockers(box: DeltaGenerator, result: PathResult) -> None:
    """What keeps the path from its targets, and what the time limit left unproved, in `box`."""
    for blocker in result.blockers:
        box.markdown(f"- {views.md(blocker.message(lang()))}")
    for caveat in result.caveats(lang()):
        box.warning(caveat, icon=":material/timer:")


st.title(t("app.path.title"))
st.caption(t("app.path.intro"))
position = current_position()
m = position.methodology
scenario = state.current()
rev = state.revision()
color = views.slot_color(state.active_slot())
i = path_view.inputs(scenario)

with st.container(border=True):
    st.subheader(t("app.path.horizon"))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        first_key, last_key = f"path.first.{rev}", f"path.last.{rev}"
        st.number_input(
            t("app.path.first"), 2000, 2100, i.first, 1, key=first_key, width=160,
            on_change=path_view.set_years, args=(scenario, first_key, last_key),
        )  # fmt: skip
        st.number_input(
            t("app.path.last"), 2000, 2100, i.last, 1, key=last_key, width=160,
            on_change=path_view.set_years, args=(scenario, first_key, last_key),
        )  # fmt: skip
        rivals_key = f"path.rivals.{rev}"
        st.segmented_control(
            t("app.optimiser.rivals"),
            options=["mean", "fixed"],
            default=i.rivals,
            format_func=labels(["mean", "fixed"], lambda r: t(f"app.optimiser.rivals.{r}")),
            key=rivals_key,
            required=True,
            on_change=lambda: path_view.set_inputs(scenario, rivals=st.session_state[rivals_key]),
            help=t("app.optimiser.rivals_help"),
        )
    st.caption(t("app.path.horizon_help", n=MAX_YEARS))
    rows_key = f"path.rows.{rev}.{i.first}.{i.last}"
    st.data_editor(
        path_view.rows_frame(i),
        key=rows_key,
        hide_index=True,
        disabled=["year"],
        column_config={
            "year": st.column_config.TextColumn(t("app.path.col.year"), width="small"),
            "kind": st.column_config.SelectboxColumn(
                t("app.path.col.kind"),
                options=[t(f"app.path.kind.{k}") for k in path_view.ROW_KINDS],
                required=True,
            ),
            "value": st.column_config.TextColumn(t("app.path.col.value"), help=t("app.path.value_help")),
            "budget": st.column_config.TextColumn(
                t(
                    "app.path.col.budget_unit",
                    unit=optimise_view.unit_label(optimise_view.effort_table().unit),
                ),
                help=t("app.path.budget_help"),
            ),
        },
        on_change=path_view.apply_row_edits,
        args=(scenario, rows_key),
        width="stretch",
    )
    for message in st.session_state.get(path_view.ERRORS_KEY) or []:
        st.error(message, icon=":material/error:")
    with st.expander(t("app.path.more"), icon=":material/tune:"):
        codes = [lv.code for lv in path_view.levers(m, scenario).movable]
        upkeep_key = f"path.upkeep_codes.{rev}"
        st.multiselect(
            t("app.path.upkeep_codes"),
            codes,
            default=[c for c in i.upkeep_codes if c in codes],
            format_func=labels(codes, lambda c: f"{c} {m.item(c).node.name(lang())[:60]}"),
            select_all=False,
            key=upkeep_key,
            on_change=lambda: path_view.set_inputs(
                scenario, upkeep_codes=tuple(st.session_state.get(upkeep_key) or ())
            ),
            placeholder=t("app.path.upkeep_placeholder"),
            help=t("app.path.upkeep_help"),
        )
        effort_key = f"path.upkeep.{rev}"

        def _bind_upkeep(key: str) -> None:
            """The upkeep typed as 1,5 or 1.5; a text that does not read, or is outside 0-1000, keeps the old."""
            value = state.typed_in_range(str(st.session_state.get(key) or "0").strip(), 1000.0)
            if value is not None:
                path_view.set_inputs(scenario, upkeep=value)

        st.text_input(
            t("app.path.upkeep"), num(i.upkeep, 2, trim=True), key=effort_key, width=220,
            on_change=_bind_upkeep, args=(effort_key,),
        )  # fmt: skip
        deadlines_key = f"path.deadlines.{rev}"
        st.toggle(
            t("app.path.use_deadlines"),
            value=i.use_deadlines,
            key=deadlines_key,
            on_change=lambda: path_view.set_inputs(
                scenario, use_deadlines=bool(st.session_state.get(deadlines_key))
            ),
            help=t("app.path.deadlines_help"),
        )
        st.caption(t("app.path.efforts_from_optimiser"))
        st.page_link("pages/optimiser.py", label=t("app.path.to_optimiser"), icon=":material/payments:")

header_warned = scenario.year is not None and scenario.year not in m.index_years  # the header says it already
if m.index_years and not header_warned and (i.first < min(m.index_years) or i.last > max(m.index_years)):
    st.warning(
        t(
            "app.path.scheme_years",
            scheme=m.name(lang()),
            years=", ".join(map(str, m.index_years)),
            first=str(i.first),
            last=str(i.last),
        ),
        icon=":material/warning:",
    )

horizon_break = path_view.horizon_break_of(m, i)
if horizon_break is not None:
    # Options are the labels people read (a name and its id, so two tables of one name stay apart).
    scheme_ids = path_view.next_scheme_choices(m)
    scheme_labels = (
        t("app.path.next_scheme.stop", last=str(horizon_break.year - 1)),
        *(f"{cache.methodology(x).name(lang())} ({x})" for x in scheme_ids),
    )
    scheme_of_label = dict(zip(scheme_labels, ("", *scheme_ids), strict=True))
    next_key = f"path.next_scheme.{rev}"
    chosen = next((label for label, x in scheme_of_label.items() if x == i.next_scheme), scheme_labels[0])
    st.selectbox(
        t(
            "app.path.next_scheme",
            year=str(horizon_break.year),
            decision=horizon_break.decision or t("path.stopped.unknown_decision"),
        ),
        scheme_labels,
        index=scheme_labels.index(chosen),
        key=next_key,
        on_change=lambda: path_view.set_inputs(
            scenario, next_scheme=scheme_of_label.get(st.session_state.get(next_key) or "", "")
        ),
        help=t("app.path.next_scheme_help"),
    )
    if i.next_scheme:
        effort_key = f"path.next_effort.{rev}"
        st.file_uploader(
            t("app.path.next_effort"),
            type=None,
            key=effort_key,
            max_upload_size=UPLOAD_LIMIT_MB,
            on_change=path_view.read_next_effort_upload,
            args=(effort_key, i.next_scheme),
            help=t("app.path.next_effort_help"),
        )
        failed = st.session_state.get(path_view.NEXT_EFFORT_ERROR_KEY)
        if isinstance(failed, PlannerError):
            views.show_error(failed)
        loaded = path_view.next_effort(i.next_scheme)
        if loaded is not None:
            st.caption(t("app.path.next_effort_loaded", n=len(loaded.entries)))

run = st.button(t("app.path.run"), type="primary", icon=":material/route:", key="path_run")
result, fresh = path_view.last_result(m, scenario)
if run:
    try:
        with st.spinner(t("app.path.solving"), show_time=True):
            result = path_view.solve(m, scenario)
        fresh = True
    except PlannerError as exc:
        views.show_error(exc)
        result = None
if result is not None and not fresh:
    st.warning(t("app.optimiser.stale"), icon=":material/update:")

if result is not None:
    final = result.final
    unit = optimise_view.unit_label(result.unit)
    st.subheader(t("app.path.result"))
    # the best path is shown as soon as it is found; what blocks it (one solve per budget) fills this box after
    # the rest of the answer is on screen
    blockers_box = st.container()
    pending = path_view.blockers_pending(fresh)
    if result.status == "infeasible":
        blockers_box.error(t("app.path.infeasible"), icon=":material/block:")
        if not pending:
            _show_blockers(blockers_box, result)
    elif result.status == "time_limit":
        st.warning(t("app.path.time_limit"), icon=":material/timer:")
    if result.stopped is not None:
        st.warning(result.stopped.message(lang()), icon=":material/block:")
    if result.scheme_change is not None:
        note = result.scheme_change
        next_table = path_view.next_effort(i.next_scheme)
        efforts = (
            t("app.path.next_scheme_efforts")
            if next_table is None
            else t("app.path.next_effort_loaded", n=len(next_table.entries))
        )
        st.info(
            note.message(lang(), scheme=cache.methodology(note.to_methodology).name(lang())) + " " + efforts,
            icon=":material/swap_horiz:",
        )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        t("app.path.final_score", year=str(final.year)),
        points(final.score),
        f"+{points(final.score - result.baseline_score)}",
    )
    if final.rank is not None:
        c2.metric(
            t("app.path.final_rank", year=str(final.year)),
            f"{final.rank}/{final.n_provinces}",
            t("app.path.from_rank", rank=result.baseline_rank or "–", year=str(result.years[0].year)),
            delta_color="off",
        )
    if result.p_path_low is not None and result.p_path_high is not None:
        same = abs(result.p_path_high - result.p_path_low) < 1e-9
        c3.metric(
            t("app.path.p_path"),
            prob(result.p_path_high) if same else f"{prob(result.p_path_low)} – {prob(result.p_path_high)}",
            help=t("app.path.p_path_help"),
        )
    c4.metric(t("app.optimiser.effort_total", unit=unit), num(result.effort_total, 1, trim=True))
    if final.p_best is not None and final.target is not None and final.target.best_rank is not None:
        st.caption(
            t(
                "app.path.band_ends",
                best=final.target.best_rank,
                worst=final.target.rank or 0,
                p_best=prob(final.p_best),
                p_worst=prob(final.p_reach),
            )
        )
    timeline = [
        charts.TimelineYear(
            y.year,
            y.score,
            y.needed_band,
            y.target.describe(lang()) if y.target else "",
            y.target_score,
            y.start_score,
            cache.methodology(y.methodology).name(lang()) if y.start_score is not None else "",
        )
        for y in result.years
    ]
    key = path_view.current_key(m, scenario)
    chartview.show(
        ("path", key, lang(), color),
        partial(charts.path_timeline, timeline, result.baseline_score, lang(), color=color),
    )
    st.caption(t("app.path.timeline_help", base=str(result.base_field_year or "–")))
    st.markdown(t("app.path.by_year"))
    st.dataframe(path_view.years_frame(result), hide_index=True, width="stretch")
    agencies = path_view.agency_frame(result)
    if not agencies.empty:
        st.markdown(t("app.path.by_agency"))
        st.dataframe(agencies, hide_index=True, width="stretch")
    for year in result.years:
        if year.changes:
            with st.expander(
                t("app.path.year_changes", year=str(year.year), n=len(year.changes)), icon=":material/event:"
            ):
                st.dataframe(path_view.changes_frame(result, year.year), hide_index=True, width="stretch")
    if pending:
        with blockers_box:
            try:
                with st.spinner(t("app.path.blockers_running"), show_time=True):
                    result = path_view.analyse_blockers(m, scenario)
            except PlannerError as exc:
                views.show_error(exc)
        _show_blockers(blockers_box, result)
    from planner.files.excel.path import write_path_workbook

    levers = path_view.levers(m, scenario)
    change = path_view.change_of(m, scenario) if result.scheme_change is not None else None
    with st.container(horizontal=True):
        st.download_button(
            t("app.path.download"),
            data=partial(write_path_workbook, levers, result, m, lang(), change=change),
            file_name=f"par-planner-lo-trinh-{result.years[0].year}-{final.year}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
        )
        st.download_button(
            t("app.path.download_docx"),
            data=partial(path_view.path_document, levers, result, m, lang(), change),
            file_name=f"par-planner-lo-trinh-{result.years[0].year}-{final.year}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/description:",
            key="path_download_docx",
        )

    st.subheader(t("app.path.frontier"))
    st.caption(t("app.path.frontier_help"))
    if st.button(t("app.path.run_frontier"), icon=":material/show_chart:", key="path_frontier_run"):
        try:
            with st.spinner(t("app.path.solving"), show_time=True):
                path_view.run_frontier(m, scenario, result)
        except PlannerError as exc:
            views.show_error(exc)
    found = path_view.stored_frontier(m, scenario)
    if found:
        frontier_points = [
            charts.FrontierPoint(p.effort_total, p.rank, p.target_score or 0.0, p.p_reach)
            for p in found
            if p.effort_total is not None
        ]
        if frontier_points:
            chartview.show(
                ("path-frontier", key, lang(), color),
                lambda: charts.frontier(frontier_points, lang(), unit=unit, color=color),
            )
        out_of_reach = [p.rank for p in found if p.effort_total is None]
        if out_of_reach:
            st.caption(t("app.path.frontier_unreachable", ranks=", ".join(map(str, out_of_reach))))
