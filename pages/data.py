"""Dữ liệu / Data: where every bundled figure comes from, loading an official results table, and the
reconstruction of past fields with the contradictions found in its sources."""

from __future__ import annotations

import streamlit as st

from planner.core.data import data_dir
from planner.core.errors import PlannerError
from planner.field.bundled import field_for_year, field_years
from planner.field.model import Field
from planner.tables.reading import UPLOAD_LIMIT_MB
from ui import cache, data_view, examples, field_view, methodology_view, position, state
from ui.guard import require_entrypoint
from ui.text import labels, lang, t
from ui.views import md, show_error

require_entrypoint()

st.title(t("app.data.title"))
st.caption(t("app.data.intro"))

# --- the open example and the methodology ----------------------------------------------------------------
st.subheader(t("app.data.example"))
ws = state.workspace()
example = examples.example(ws.example_id) if ws.example_id else None
if example is not None:
    st.markdown(f"**{md(example.name(lang()))}**")
    st.markdown(md(example.description(lang())))
    if example.scenario.notes:
        st.caption(md(example.scenario.notes))
    noted = data_view.item_notes(example.scenario)
    if not noted.empty:
        with st.expander(t("app.data.example_items", n=len(noted))):
            st.dataframe(noted, hide_index=True, width="stretch")
    readme = data_dir() / "examples" / "README.md"
    with st.expander(t("app.data.how_built")):
        # The folder's README is English; the Vietnamese page says the same rule in Vietnamese.
        if lang() == "vi":
            st.markdown(t("app.data.how_built_text"))
        elif readme.exists():
            st.markdown(readme.read_text(encoding="utf-8"))
else:
    st.caption(t("app.data.no_example"))

m = cache.methodology(state.current().methodology)
st.subheader(t("app.data.methodology"))
st.markdown(
    t(
        "app.data.methodology_summary",
        name=md(m.name(lang())),
        assumptions=len(m.assumption_codes()),
        items=len(m.scored_items),
        inferred=len(m.inferred_codes()),
    )
)
if m.source:
    st.caption(md(m.source))

# --- fields of past years ---------------------------------------------------------------------------------
st.subheader(t("app.data.fields"))
index = position.current_index()
years = list(field_years(index))
default_year = position.field_year_for(state.current().year, index)
year = st.selectbox(
    t("app.data.year"),
    years,
    index=years.index(default_year) if default_year in years else len(years) - 1,
    key="data_year",
)
field_view.controls()
f: Field | None
try:
    f = field_for_year(year, position.field_size(), position.loaded_fields().values(), index)
except PlannerError as exc:
    show_error(exc)
    f = None
if f is not None:
    st.caption(
        t("app.ranking.field_caption", year=str(f.year), n=f.n_provinces, kind=t(f"app.provenance.{f.kind}"))
        + " · "
        + field_view.provenance_counts(f)
    )
    st.dataframe(
        field_view.field_frame(f, state.current().province),
        hide_index=True,
        width="stretch",
        height=420,
        column_config=field_view.field_columns(),
    )
    notes = f.note_messages(lang())
    if notes:
        st.markdown("\n".join(f"- {md(note)}" for note in notes))
    st.subheader(t("app.data.contradictions", n=len(f.contradictions)))
    if f.contradictions:
        for c in f.contradictions:
            st.markdown(f"- {md(c.message(lang()))}")
    else:
        st.caption(t("app.data.no_contradictions"))

# --- loading an official table -----------------------------------------------------------------------------
st.subheader(t("app.data.load"))
st.caption(t("app.data.load_help"))
with st.container(horizontal=True, vertical_alignment="bottom"):
    st.number_input(
        t("app.data.load_year"),
        min_value=2012,
        max_value=2100,
        value=max(years),
        step=1,
        key="results_year",
        width=180,
    )
    st.segmented_control(
        t("app.ranking.field_size"),
        options=[63, 34],
        default=63,
        format_func=labels([63, 34], lambda n: t("app.ranking.provinces", n=n)),
        key="results_size",
        required=True,
    )
    st.toggle(t("app.data.allow_partial"), key="results_partial", help=t("app.data.allow_partial_help"))
st.download_button(
    t("app.data.template"),
    data=data_view.results_template(position.field_size(), lang()),
    file_name=f"par-planner-ket-qua-{position.field_size()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table_view:",
    key="results_template",
    help=t("app.data.template_help"),
)
st.file_uploader(
    t("app.data.file"),
    max_upload_size=UPLOAD_LIMIT_MB,
    type=["xlsx", "csv", "docx", "pdf"],
    key="results_upload",
    on_change=data_view.on_results_upload,
    args=("results_upload",),
)
outcome = data_view.last_results_outcome()
if outcome is not None:
    if outcome.error is not None:
        show_error(outcome.error)
    else:
        st.success(t("app.data.loaded", name=outcome.file_name, year=str(outcome.year), n=outcome.n))
        tables = data_view.dimension_tables()
        if (index, outcome.year) in tables:
            st.caption(t("app.data.dimensions_found", n=len(tables[(index, outcome.year)])))
            st.button(
                t("app.data.start_from_table", year=str(outcome.year)),
                key="start_from_table",
                on_click=data_view.start_from_table,
                args=(outcome.year,),
                icon=":material/flag:",
            )
loaded = position.loaded_fields()
if loaded:
    st.markdown(t("app.data.loaded_tables"))
    for (loaded_index, loaded_year, size), loaded_field in sorted(loaded.items()):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.write(
                t(
                    "app.data.loaded_row",
                    year=f"{loaded_field.index.upper()} {loaded_year}",
                    n=size,
                    kind=t(f"app.provenance.{loaded_field.kind}"),
                )
            )
            st.button(
                t("app.data.remove"),
                key=f"remove_field.{loaded_index}.{loaded_year}.{size}",
                on_click=data_view.remove_results,
                args=(loaded_index, loaded_year, size),
            )

st.subheader(t("app.data.appraisal"))
st.caption(
    t("app.data.appraisal_help", methodology=cache.methodology(state.current().methodology).name(lang()))
)
st.file_uploader(
    t("app.data.appraisal_file"),
    max_upload_size=UPLOAD_LIMIT_MB,
    type=["xlsx", "csv", "docx", "pdf"],
    key="appraisal_upload",
    on_change=data_view.on_appraisal_upload,
    args=("appraisal_upload",),
)
appraisal = data_view.last_appraisal_outcome()
if appraisal is not None:
    if appraisal.error is not None:
        show_error(appraisal.error)
    else:
        st.success(appraisal.message)
        if appraisal.unmatched:
            st.dataframe(methodology_view.review_frame(appraisal.unmatched), hide_index=True, width="stretch")
