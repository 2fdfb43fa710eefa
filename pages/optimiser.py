"""Tối ưu / Optimiser: the least effort to a target rank (or rank with a probability, or score), or the most
points within a budget; the exact plan, the points-per-effort ladder, the effort-versus-rank frontier and a
waterfall of where the points come from."""

from __future__ import annotations

import streamlit as st

from planner import charts
from planner.core.errors import PlannerError
from planner.optimiser.solver import describe_target
from planner.tables.reading import UPLOAD_LIMIT_MB
from ui import chartview, optimise_view, state, views
from ui.guard import require_entrypoint
from ui.position import current_position
from ui.text import labels, lang, num, points, prob, t

require_entrypoint()

st.title(t("app.optimiser.title"))
st.caption(t("app.optimiser.intro"))
position = current_position()
m = position.methodology
scenario = state.current()
i = optimise_view.inputs()
rev = state.revision()
color = views.slot_color(state.active_slot())


def _bind(field: str, key: str) -> None:
    value = st.session_state.get(key)
    if value is not None:
        optimise_view.set_inputs(**{field: value})


def _bind_percent(key: str) -> None:
    value = st.session_state.get(key)
    if value is not None:
        optimise_view.set_inputs(probability=int(value) / 100)


def _typed(key: str, top: float | None) -> float | None:
    return state.typed_in_range(str(st.session_state.get(key) or "").strip(), top)


def _bind_score(key: str, top: float) -> None:
    value = _typed(key, top)
    if value is not None:
        optimise_view.set_inputs(score=value)


def _bind_budget(key: str) -> None:
    if not str(st.session_state.get(key) or "").strip():
        optimise_view.set_inputs(budget=None)
        return
    value = _typed(key, None)
    if value is not None:
        optimise_view.set_inputs(budget=None if value == 0 else value)


def _bind_locked(key: str) -> None:
    value = st.session_state.get(key) or []
    optimise_view.set_inputs(locked=tuple(str(v) for v in value))


# --- the target ------------------------------------------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("app.optimiser.target"))
    kind_key = f"opt.kind.{rev}"
    st.segmented_control(
        t("app.optimiser.kind"),
        options=list(optimise_view.TARGET_KINDS),
        default=i.kind,
        format_func=labels(optimise_view.TARGET_KINDS, lambda k: t(f"app.optimiser.kind.{k}")),
        key=kind_key,
        required=True,
        on_change=_bind,
        args=("kind", kind_key),
    )
    i = optimise_view.inputs()
    with st.container(horizontal=True, vertical_alignment="bottom"):
        n = position.rank.n if position.rank is not None else 63
        if i.kind == "band":
            key = f"opt.best.{rev}"
            st.number_input(
                t("app.optimiser.best_rank"), 1, n, min(i.best_rank, i.rank, n), 1, key=key,
                on_change=_bind, args=("best_rank", key), width=180,
            )  # fmt: skip
        if i.kind in ("rank", "band", "probability", "budget"):
            key = f"opt.rank.{rev}"
            st.number_input(
                t("app.optimiser.worst_rank") if i.kind == "band" else t("app.optimiser.rank"),
                1,
                n,
                min(i.rank, n),
                1,
                key=key,
                on_change=_bind,
                args=("rank", key),
                width=180,
            )
        if i.kind == "probability":
            key = f"opt.p.{rev}"
            # in whole percent ("80%"): a slider cannot write 0,80 the Vietnamese way
            st.slider(
                t("app.optimiser.probability"), 50, 99, round(100 * i.probability), 1, key=key,
                on_change=_bind_percent, args=(key,), width=260, format="%d%%",
            )  # fmt: skip
        if i.kind == "score":
            key = f"opt.score.{rev}"
            # Text, not st.number_input: Streamlit's number input can only show and take a dot (87.50).
            st.text_input(
                t("app.optimiser.score"), num(i.score, 2), key=key, width=180,
                on_change=_bind_score, args=(key, float(m.total_points)),
            )  # fmt: skip
        if i.kind in ("rank", "band"):
            key = f"opt.rivals.{rev}"
            st.segmented_control(
                t("app.optimiser.rivals"),
                options=["mean", "fixed"],
                default=i.rivals,
                format_func=labels(["mean", "fixed"], lambda r: t(f"app.optimiser.rivals.{r}")),
                key=key,
                required=True,
                on_change=_bind,
                args=("rivals", key),
                help=t("app.optimiser.rivals_help"),
            )
        key = f"opt.budget.{rev}"
        st.text_input(
            t("app.optimiser.budget", unit=optimise_view.unit_label(optimise_view.effort_table().unit)),
            value=num(i.budget, 2, trim=True) if i.budget is not None else "",
            key=key,
            on_change=_bind_budget,
            args=(key,),
            placeholder=t("app.optimiser.no_budget"),
            width=240,
            help=t("app.optimiser.budget_help"),
        )
    codes = [item.code for item in m.scored_items]
    key = f"opt.locked.{rev}"
    st.multiselect(
        t("app.optimiser.locked"),
        codes,
        default=[c for c in i.locked if c in codes],
        format_func=labels(codes, lambda c: f"{c} {m.item(c).node.name(lang())[:60]}"),
        select_all=False,
        key=key,
        on_change=_bind_locked,
        args=(key,),
        help=t("app.optimiser.locked_help"),
        placeholder=t("app.optimiser.locked_placeholder"),
    )

# --- efforts ----------------------------------------------------------------------------------------------------
levers = optimise_view.levers_for(m, scenario)
with st.expander(
    t("app.optimiser.efforts", n=sum(len(lv.upgrades) for lv in levers.movable)), icon=":material/payments:"
):
    st.caption(t("app.optimiser.efforts_help"))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        unit_key = f"opt.unit.{rev}"
        st.selectbox(
            t("app.optimiser.unit"),
            ["person_days", "million_vnd", "difficulty"],
            index=["person_days", "million_vnd", "difficulty"].index(optimise_view.effort_table().unit),
            format_func=labels(["person_days", "million_vnd", "difficulty"], optimise_view.unit_label),
            key=unit_key,
            on_change=optimise_view.set_unit,
            args=(unit_key,),
            width=240,
        )
        st.button(
            t("app.optimiser.reset_efforts"),
            on_click=optimise_view.reset_efforts,
            icon=":material/restart_alt:",
        )
    frame = optimise_view.effort_frame(levers)
    if not frame.empty:
        key = f"efforts.{rev}"
        st.data_editor(
            frame,
            key=key,
            hide_index=True,
            disabled=["code", "name", "agency", "to", "level", "gain", "basis"],
            column_order=["code", "name", "agency", "to", "gain", "effort", "basis"],
            column_config={
                "code": st.column_config.TextColumn(t("app.table.code"), width="small"),
                "name": st.column_config.TextColumn(t("app.table.name"), width="medium"),
                "agency": st.column_config.TextColumn(t("app.optimiser.col.agency")),
                "to": st.column_config.TextColumn(t("app.optimiser.col.to")),
                "gain": st.column_config.TextColumn(t("app.optimiser.col.gain")),
                "effort": st.column_config.TextColumn(t("app.optimiser.col.effort")),
                "basis": st.column_config.TextColumn(t("app.optimiser.col.basis")),
            },
            on_change=optimise_view.apply_effort_edits,
            args=(key, list(zip(frame["code"], frame["level"], strict=True))),
            height=360,
        )
    agencies = optimise_view.agency_frame(levers)
    if not agencies.empty:
        st.markdown(t("app.optimiser.agency_budgets"))
        key = f"agency_budgets.{rev}"
        st.data_editor(
            agencies,
            key=key,
            hide_index=True,
            disabled=["agency"],
            column_config={
                "agency": st.column_config.TextColumn(t("app.optimiser.col.agency")),
                "budget": st.column_config.TextColumn(
                    t("app.optimiser.col.budget"), help=t("app.optimiser.col.budget_help")
                ),
            },
            on_change=optimise_view.apply_budget_edits,
            args=(key, list(agencies["agency"])),
        )
    st.file_uploader(
        t("app.optimiser.effort_file"),
        max_upload_size=UPLOAD_LIMIT_MB,
        type=["csv", "xlsx"],
        key="effort_upload",
        on_change=optimise_view.read_effort_upload,
        args=("effort_upload", m),
        help=t("app.optimiser.effort_file_help"),
    )
    upload_error = st.session_state.get("_effort_upload_error")
    if isinstance(upload_error, PlannerError):
        views.show_error(upload_error)
    from planner.files.excel.effort import write_effort_workbook

    st.download_button(
        t("app.optimiser.effort_template"),
        # Every upgrade's effort, the defaults included and labelled as such, with the locks and budgets.
        data=lambda: write_effort_workbook(m, levers.effort_table(), lang()),
        file_name="par-planner-effort.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )

# --- run ---------------------------------------------------------------------------------------------------------
run = st.button(t("app.optimiser.run"), type="primary", icon=":material/play_arrow:", key="opt_run")
outcome, fresh = optimise_view.last_outcome(m, scenario)
if run:
    try:
        with st.spinner(t("app.optimiser.solving")):
            outcome = optimise_view.solve(m, scenario)
        fresh = True
    except PlannerError as exc:
        views.show_error(exc)
        outcome = None
if outcome is not None and not fresh:
    st.warning(t("app.optimiser.stale"), icon=":material/update:")

if outcome is not None:
    result = outcome.result
    unit = optimise_view.unit_label(result.unit)
    st.subheader(t("app.optimiser.result"))
    st.markdown(t("app.optimiser.target_is", target=describe_target(result, lang())))
    if result.status == "infeasible":
        st.error(t("app.optimiser.infeasible", shortfall=points(result.shortfall)), icon=":material/block:")
        for blocker in result.blockers:
            st.markdown(f"- {views.md(blocker.message(lang()))}")
    elif result.already_met:
        st.success(t("app.optimiser.already_met"), icon=":material/check_circle:")
    if result.status == "time_limit":
        st.warning(
            t("app.optimiser.time_limit", seconds=num(result.solve_seconds, 1)), icon=":material/timer:"
        )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("app.optimiser.score_after"), points(result.score), f"+{points(result.points_gain)}")
    if result.rank is not None:
        c2.metric(
            t("app.optimiser.rank_after"),
            f"{result.rank}/{result.n_provinces}",
            t("app.optimiser.from_rank", rank=result.baseline_rank or "–", year=str(scenario.year or "")),
            delta_color="off",
        )
    if result.p_reach is not None and result.target_rank is not None:
        c3.metric(
            t("app.compare.p_rank_le", k=result.target_rank, year=str(scenario.year)), prob(result.p_reach)
        )
    c4.metric(t("app.optimiser.effort_total", unit=unit), num(result.effort, 1, trim=True))
    ends = optimise_view.band_ends(outcome, m, scenario)
    if ends is not None:
        p_best, p_worst, p_in = ends
        st.markdown(
            t(
                "app.optimiser.band_ends",
                best=i.best_rank,
                worst=i.rank,
                p_best=prob(p_best),
                p_worst=prob(p_worst),
                p_in=prob(p_in),
            )
        )

    if result.changes:
        st.markdown(t("app.optimiser.plan_table"))
        st.dataframe(
            optimise_view.changes_frame(result),
            hide_index=True,
            width="stretch",
        )
        if any(c.effort_is_default for c in result.changes):
            st.caption(t("app.optimiser.defaults_note"))
        with st.container(horizontal=True):
            st.button(
                t("app.optimiser.apply"),
                on_click=optimise_view.apply_plan_as_scenario,
                args=(outcome,),
                icon=":material/add_task:",
                help=t("app.optimiser.apply_help"),
            )
            st.page_link("pages/plan.py", label=t("app.optimiser.to_plan"), icon=":material/checklist:")

    waterfall_col, ladder_col = st.columns(2)
    with waterfall_col:
        st.markdown(t("app.optimiser.waterfall"))
        steps = [charts.WaterfallStep(c.code, c.points_gain) for c in result.changes]
        chartview.show(
            ("waterfall", outcome.key, lang(), color),
            lambda: charts.waterfall(
                t("app.optimiser.now"),
                result.baseline_score,
                steps,
                lang(),
                final_label=t("app.optimiser.planned"),
                color=color,
            ),
        )
    with ladder_col:
        st.markdown(t("app.optimiser.ladder"))
        rungs = [
            charts.LadderStep(
                f"{r.code} → {r.to_label_vi if lang() == 'vi' else (r.to_label_en or r.to_label_vi)}",
                r.points_gain,
                r.effort,
            )
            for r in outcome.ladder.rungs
        ]
        chartview.show(
            ("ppe", outcome.key, lang(), color),
            lambda: charts.points_per_effort_ladder(rungs, lang(), unit=unit, color=color),
        )
        if outcome.comparison is not None:
            st.caption(outcome.comparison.summary(lang()))
            for difference in outcome.comparison.differences[:6]:
                st.caption(f"– {difference.message(lang())}")

# --- long runs ---------------------------------------------------------------------------------------------------
st.subheader(t("app.optimiser.frontier"))
st.caption(t("app.optimiser.frontier_help"))
with st.container(horizontal=True, vertical_alignment="center"):
    go_frontier = st.button(t("app.optimiser.run_frontier"), icon=":material/show_chart:", key="frontier_run")
    go_chance = st.button(
        t("app.optimiser.run_chance"),
        icon=":material/casino:",
        key="chance_run",
        disabled=i.budget is None,
        help=t("app.optimiser.chance_help"),
    )
    samples = st.select_slider(
        t("app.optimiser.samples"),
        options=[500, 2000, 10000, 50000],
        value=2000,
        key="chance_samples",
        width=260,
    )
if go_frontier or go_chance:
    stop = st.empty()
    stop.button(
        t("app.optimiser.stop"),
        on_click=optimise_view.request_stop,
        icon=":material/stop_circle:",
        key="opt_stop",
    )
    bar = st.progress(0.0, text=t("app.optimiser.progress", percent=0))
    try:
        if go_frontier:
            optimise_view.run_frontier(m, scenario, bar)
        else:
            optimise_view.run_chance(m, scenario, bar, int(samples))
    except PlannerError as exc:
        views.show_error(exc)
    bar.empty()
    stop.empty()

curve = optimise_view.stored(optimise_view.FRONTIER_KEY, m, scenario)
if curve is not None:
    unit = optimise_view.unit_label(curve.unit)
    frontier_points = [
        charts.FrontierPoint(p.effort, p.achieved_rank, p.score, p.p_reach) for p in curve.ranks
    ]
    chartview.show(
        ("frontier", optimise_view.fingerprint(m, scenario, i), lang(), color),
        lambda: charts.frontier(frontier_points, lang(), unit=unit, color=color),
    )
    if not curve.complete:
        st.caption(t("app.optimiser.partial"))
    st.caption(
        t(
            "app.optimiser.frontier_summary",
            best=curve.best_rank,
            n=curve.n_provinces,
            score=points(curve.best_score),
        )
    )
chance = optimise_view.stored(optimise_view.CHANCE_KEY, m, scenario)
if chance is not None:
    st.markdown(
        t(
            "app.optimiser.chance_result",
            k=chance.target_rank,
            p=prob(chance.p_validation),
            se=num(100 * chance.p_validation_se, 1),
            n=chance.n_samples,
            n_validation=chance.n_validation,
            effort=num(chance.plan.effort, 1, trim=True),
            score=points(chance.plan.score),
        )
    )
