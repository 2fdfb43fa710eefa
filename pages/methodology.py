"""Phương pháp / Methodology: the tree with maxima, rules, sources and assumptions; load one; known versions."""

from __future__ import annotations

import streamlit as st

from planner import charts
from planner.methodology.catalog import known_scheme_versions
from planner.methodology.model import content_digest
from planner.tables.reading import UPLOAD_LIMIT_MB
from ui import boot, cache, chartview, methodology_view, state
from ui.guard import require_entrypoint
from ui.text import labels, lang, points, t
from ui.views import md, show_error

require_entrypoint()

st.title(t("app.methodology.title"))

ids = cache.available_methodologies()
current_id = state.current().methodology
chosen = st.selectbox(
    t("app.methodology.pick"),
    ids,
    index=ids.index(current_id) if current_id in ids else 0,
    format_func=labels(ids, lambda i: cache.methodology(i).name(lang())),
    key="methodology_pick",
)
m = cache.methodology(chosen)

summary, numbers = st.columns([3, 2])
with summary:
    st.markdown(f"**{md(m.name(lang()))}**  \n{md(m.decision_label(lang()))}")
    if m.notes:
        st.caption(md(m.notes))
    if m.source:
        with st.expander(t("app.methodology.source")):
            st.markdown(md(m.source))
with numbers:
    c1, c2, c3 = st.columns(3)
    c1.metric(t("app.methodology.total"), points(float(m.total_points)))
    c2.metric(t("app.methodology.self_assessed"), points(float(m.self_assessed_points or 0)))
    c3.metric(t("app.methodology.survey"), points(float(m.survey_points or 0)))
    st.caption(
        t(
            "app.methodology.counts",
            areas=len(m.areas),
            criteria=m.criteria_count,
            items=len(m.scored_items),
            assumptions=len(m.assumption_codes()),
            inferred=len(m.inferred_codes()),
        )
    )

st.subheader(t("app.methodology.tree"))
only_assumptions = st.toggle(t("app.methodology.only_assumptions"), key="methodology_only_assumptions")
st.dataframe(
    methodology_view.tree_frame(m, only_assumptions=only_assumptions),
    hide_index=True,
    width="stretch",
    height=560,
    column_config=methodology_view.tree_columns(),
)

if methodology_view.editable(m.id):
    with st.expander(t("app.methodology.edit.title"), icon=":material/edit:"):
        st.caption(t("app.methodology.edit.help"))
        key = methodology_view.edit_key(m.id)
        st.data_editor(
            methodology_view.edit_frame(m),
            key=key,
            num_rows="dynamic",
            hide_index=True,
            column_order=["review", "code", "parent", "name", "max", "survey", "scoring"],
            disabled=["review"],
            column_config={
                "review": st.column_config.TextColumn(t("app.methodology.edit.review"), width="medium"),
                "code": st.column_config.TextColumn(t("app.table.code"), width="small", required=True),
                "parent": st.column_config.TextColumn(t("app.methodology.edit.parent"), width="small"),
                "name": st.column_config.TextColumn(t("app.table.name"), width="large"),
                "max": st.column_config.NumberColumn(t("app.table.max"), min_value=0.0, format="%.2f"),
                "survey": st.column_config.CheckboxColumn(t("app.methodology.edit.survey")),
                "scoring": st.column_config.TextColumn(t("app.methodology.edit.scoring"), width="large"),
            },
            height=420,
        )
        edit_error = methodology_view.last_edit_error()
        if edit_error is not None:
            show_error(edit_error)
        with st.container(horizontal=True):
            st.button(
                t("app.methodology.edit.apply"),
                on_click=methodology_view.apply_tree_edit,
                args=(m.id, key),
                type="primary",
                key="tree_apply",
            )
            st.button(
                t("app.methodology.save"),
                on_click=methodology_view.save_to_store,
                args=(m.id,),
                icon=":material/save:",
                key="tree_save",
            )
else:
    st.button(
        t("app.methodology.copy_to_edit"),
        on_click=methodology_view.copy_to_edit,
        args=(m.id,),
        icon=":material/content_copy:",
        help=t("app.methodology.copy_to_edit_help"),
    )

st.subheader(t("app.methodology.load"))
st.caption(t("app.methodology.load_help"))
with st.container(horizontal=True):
    st.download_button(
        t("app.methodology.download_xlsx"),
        data=methodology_view.workbook_maker(m, lang()),
        file_name=f"par-planner-{m.id}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        key="methodology_download_xlsx",
    )
    st.download_button(
        t("app.methodology.download_yaml"),
        data=methodology_view.yaml_maker(m),
        file_name=f"{m.id}.yaml",
        mime="application/x-yaml",
        icon=":material/data_object:",
        key="methodology_download_yaml",
    )
st.file_uploader(
    t("app.methodology.file"),
    max_upload_size=UPLOAD_LIMIT_MB,
    type=["yaml", "yml", "json", "xlsx", "docx", "pdf"],
    key="methodology_upload",
    on_change=methodology_view.on_upload,
    args=("methodology_upload",),
)
outcome = methodology_view.last_outcome()
if outcome is not None:
    if outcome.error is not None:
        show_error(outcome.error)
    elif outcome.methodology_id is not None:
        loaded = cache.methodology(outcome.methodology_id)
        st.success(
            t(
                "app.methodology.loaded",
                name=loaded.name(lang()),
                items=len(loaded.scored_items),
                total=points(float(loaded.total_points)),
            )
        )
        st.button(
            t("app.methodology.open_blank"),
            on_click=lambda: boot.open_scenario(
                methodology_view.blank_scenario(loaded.id, t("app.methodology.blank_name"))
            ),
            help=t("app.methodology.open_blank_help"),
        )
        st.button(
            t("app.methodology.save"),
            on_click=methodology_view.save_to_store,
            args=(loaded.id,),
            icon=":material/save:",
            help=t("app.methodology.save_help"),
        )
        if outcome.review:
            st.warning(
                t("app.methodology.review.title", n=len(outcome.review)), icon=":material/rate_review:"
            )
            st.dataframe(methodology_view.review_frame(outcome.review), hide_index=True, width="stretch")
        current = cache.methodology(state.current().methodology)
        if current.id != loaded.id:
            match = methodology_view.scheme_match(current, loaded)
            st.subheader(t("app.methodology.diff.title", a=current.name(lang()), b=loaded.name(lang())))
            st.caption(
                t(
                    "app.methodology.diff.summary",
                    matched=len(match.pairs),
                    changed=len(match.changed),
                    added=len(match.added),
                    removed=len(match.removed),
                )
            )
            chartview.show(
                ("scheme_diff", content_digest(current), content_digest(loaded), tuple(match.pairs), lang()),
                lambda: charts.scheme_diff_bars(match, lang()),
            )
            diff = methodology_view.diff_frame(match)
            diff_key = f"diff.{current.id}.{loaded.id}.{state.revision()}"
            st.data_editor(
                diff,
                key=diff_key,
                hide_index=True,
                width="stretch",
                height=320,
                disabled=[c for c in diff.columns if c != t("app.methodology.diff.b")],
                on_change="ignore",  # edits wait for the Apply button, as in the scenario table
            )
            st.caption(t("app.methodology.diff.override_help"))
            st.button(
                t("app.methodology.diff.apply"),
                on_click=methodology_view.apply_pair_edits,
                args=(current.id, loaded.id, diff_key, list(diff[t("app.methodology.diff.a")])),
                key="pairs_apply",
            )
            st.button(
                t("app.methodology.carry"),
                on_click=methodology_view.carry_current,
                args=(loaded.id,),
                help=t("app.methodology.carry_help"),
            )

saved_schemes = cache.saved_schemes()
if saved_schemes:
    st.subheader(t("app.methodology.saved.title"))
    st.dataframe(methodology_view.saved_frame(saved_schemes), hide_index=True, width="stretch")

st.subheader(t("app.methodology.versions"))
st.dataframe(methodology_view.versions_frame(known_scheme_versions()), hide_index=True, width="stretch")
