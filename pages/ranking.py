"""Xếp hạng / Ranking: the field with each score's provenance, the rank ladder around us, next year's projected
rank distribution, and the rivals' projected changes (which the user may override)."""

from __future__ import annotations

import streamlit as st

from planner import charts
from planner.field.model import Field
from planner.field.rank_maths import median_rank
from planner.field.ranking import RankResult
from ui import chartview, field_view, state, views
from ui.compare import target_k
from ui.guard import require_entrypoint
from ui.position import Position, current_position, field_key, rival_overrides
from ui.text import lang, num, points, prob, t

require_entrypoint()

st.title(t("app.ranking.title"))
field_view.controls()
position = current_position()


def show(position: Position, f: Field, rank: RankResult) -> None:
    """The ladder, the projected distribution, the rivals' overrides and the field table."""
    card = position.card
    ours = rank.province
    color = views.slot_color(state.active_slot())
    st.caption(
        t("app.ranking.field_caption", year=str(f.year), n=f.n_provinces, kind=t(f"app.provenance.{f.kind}"))
        + " · "
        + field_view.provenance_counts(f)
    )

    ladder, projected = st.columns(2)
    with ladder:
        st.subheader(t("app.ranking.ladder", year=str(f.year)))
        rungs = field_view.ladder_rungs(f, rank)
        chartview.show(
            ("ladder", field_key(f), card.total_centi, ours, lang(), color),
            lambda: charts.rank_ladder(rungs, lang(), color=color),
        )
        lo, hi = rank.rank_interval
        st.caption(t("app.ranking.ladder_help", rank=rank.rank, n=rank.n, lo=lo, hi=hi))

    with projected:
        outlook = position.outlook
        if outlook is None:
            st.info(t("app.ranking.no_projection"))
        else:
            projection = outlook.projection
            st.subheader(t("app.ranking.projected", year=str(projection.target_year)))
            k = target_k()
            overrides = tuple(sorted(rival_overrides().items()))
            p = outlook.distribution
            if p.size:
                m1, m2, m3 = st.columns(3)
                m1.metric(t("app.ranking.p_le", k=k), prob(outlook.p_rank_le(k)))
                lo, hi = outlook.interval(0.8)
                m2.metric(t("app.ranking.interval80"), f"{lo}–{hi}")
                # the median, the one definition every projected rank of the app uses (header, optimiser, path)
                m3.metric(
                    t("app.ranking.median_rank", year=str(projection.target_year)),
                    str(median_rank(p)),
                    help=t("app.ranking.median_rank_help", mean=num(outlook.expected_rank(), 1)),
                )
                chartview.show(
                    (
                        "dist",
                        field_key(f),
                        projection.target_year,
                        projection.mode,
                        overrides,
                        card.total_centi,
                        k,
                        lang(),
                        color,
                    ),
                    lambda: charts.rank_distribution(p, lang(), target_rank=k, color=color),
                )
                needed = outlook.score_for_rank(k, 0.8)
                if needed is None:
                    st.caption(t("app.ranking.unreachable", k=k))
                else:
                    st.caption(
                        t(
                            "app.ranking.needed",
                            k=k,
                            score=points(needed),
                            gap=points(max(0.0, needed - card.total)),
                            mode=t(f"app.ranking.mode.{projection.mode}"),
                        )
                    )
                if outlook.competition is not None:
                    st.caption(t("app.ranking.own_uncertainty", sd=points(outlook.competition.own_sd)))

    if position.projection is not None:
        with st.expander(t("app.ranking.overrides"), icon=":material/tune:"):
            st.caption(t("app.ranking.overrides_help"))
            frame = field_view.overrides_frame(position.projection, ours)
            key = f"overrides.{state.revision()}"
            st.data_editor(
                frame,
                key=key,
                hide_index=True,
                disabled=["province", "base", "expected"],
                column_config={
                    "province": st.column_config.TextColumn(t("app.ranking.col.province")),
                    "base": st.column_config.TextColumn(t("app.ranking.col.base", year=str(f.year))),
                    "expected": st.column_config.TextColumn(
                        t("app.ranking.col.expected", year=str(position.projection.target_year))
                    ),
                    "change": st.column_config.TextColumn(
                        t("app.ranking.col.change"), help=t("app.ranking.col.change_help")
                    ),
                },
                on_change=field_view.apply_overrides,
                args=(key, list(frame["province"])),
                height=360,
            )
            if rival_overrides():
                st.button(t("app.ranking.clear_overrides"), on_click=field_view.clear_overrides)

    st.subheader(t("app.ranking.table", year=str(f.year)))
    st.dataframe(
        field_view.field_frame(f, ours),
        hide_index=True,
        width="stretch",
        height=520,
        column_config=field_view.field_columns(),
    )
    if f.kind == "reconstructed":
        st.caption(t("app.ranking.reconstructed_note"))


if position.field is None or position.rank is None:
    st.info(t("app.header.no_field"))
else:
    show(position, position.field, position.rank)
