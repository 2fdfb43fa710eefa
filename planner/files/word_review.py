"""The quarterly review as the Word report a Ban chỉ đạo CCHC meeting reads (python-docx).

The Hà Giang seed (004) is the model: a Báo cáo of the provincial People's Committee, the national motto at the
head, numbered sections (I. results so far; II. the forecast of the index, with its chart; III. progress by
agency, a table for each; IV. late and at-risk tasks; V. what to do next), and the assumptions said where the
figures they shape are given. The forecast chart is the app's own (planner.charts.review_forecast) drawn to PNG,
so the meeting sees the picture the screen shows.
"""

from __future__ import annotations

import io

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from planner.charts import review_forecast
from planner.core.i18n import Lang, format_number, format_percent, t
from planner.core.text import agency_key
from planner.files import word_parts as parts
from planner.files.chart_image import chart_png
from planner.tracking.model import TrackedPlan, status_key
from planner.tracking.review import Review, RowReview

AGENCY_COLUMNS: tuple[tuple[str, float], ...] = (
    ("word.review.col.agency", 6.5),
    ("word.review.col.rows", 1.8),
    ("word.review.col.done", 1.8),
    ("word.review.col.in_progress", 2.0),
    ("word.review.col.not_started", 2.0),
    ("word.review.col.late", 1.8),
    ("word.review.col.at_stake", 2.2),
)
ROW_COLUMNS: tuple[tuple[str, float], ...] = (
    ("word.col.stt", 1.4),
    ("word.col.name", 8.0),
    ("word.review.col.deadline", 3.0),
    ("word.review.col.status", 3.0),
    ("word.review.col.percent", 1.8),
    ("word.review.col.evidence", 6.5),
    ("word.col.lead", 3.5),
)
NEXT_COLUMNS: tuple[tuple[str, float], ...] = (
    ("word.col.stt", 1.4),
    ("word.col.name", 9.0),
    ("word.review.col.to_level", 5.0),
    ("word.review.col.points", 2.0),
    ("word.review.col.effort", 2.5),
    ("word.col.lead", 4.0),
)
LATE_SHADE = "F8CBAD"
RISK_SHADE = "FFE699"


def write_review_document(review: Review, tracked: TrackedPlan, lang: Lang = "vi") -> bytes:
    """The sơ kết report of `review` (of `tracked`) as a .docx."""
    doc = parts.portrait_document()
    as_of = review.as_of.strftime("%d/%m/%Y")
    parts.heading_block(doc, review.province, t("word.review.number", lang), str(review.as_of.year), lang)
    parts.paragraph(
        doc, t("word.review.title", lang), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14)
    )
    parts.paragraph(
        doc,
        t("word.review.subtitle", lang, year=str(review.year or "……"), date=as_of),
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _results(doc, review, lang)
    _forecast(doc, review, lang)
    _agencies(doc, review, tracked, lang)
    _late(doc, review, lang)
    _next(doc, review, lang)
    _assumptions(doc, review, lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _results(doc: object, review: Review, lang: Lang) -> None:
    parts.paragraph(doc, t("word.review.section.results", lang), bold=True)
    total = len(review.rows)
    parts.paragraph(
        doc,
        t("word.review.results.counts", lang, total=total, **review.counts()),
        indent=True,
    )
    parts.paragraph(
        doc,
        t(
            "word.review.results.scores",
            lang,
            baseline=review.baseline_score,
            secured=review.secured_score,
            expected=review.expected_score,
            planned=review.planned_score,
        ),
        indent=True,
    )


def _forecast(doc: object, review: Review, lang: Lang) -> None:
    parts.paragraph(doc, t("word.review.section.forecast", lang), bold=True)
    if review.target_rank is not None and review.p_target is not None:
        text = t(
            "word.review.forecast.chance",
            lang,
            k=review.target_rank,
            p=format_percent(100 * review.p_target, lang),
            rank=review.rank_expected or 0,
        )
        if review.score_needed is not None:
            text += " " + t(
                "word.review.forecast.needed",
                lang,
                needed=review.score_needed,
                gap=review.gap or 0.0,
            )
        parts.paragraph(doc, text, indent=True)
    else:
        parts.paragraph(doc, t("word.review.forecast.no_target", lang), indent=True)
    chart = review_forecast(
        review.forecast,
        lang,
        baseline=review.baseline_score,
        planned=review.planned_score,
        needed=review.score_needed,
    )
    doc.add_picture(io.BytesIO(chart_png(chart)), width=Cm(15.5))  # type: ignore[attr-defined]
    parts.paragraph(
        doc, t("word.review.forecast.caption", lang), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )


def _table(doc: object, columns: tuple[tuple[str, float], ...], lang: Lang) -> object:
    table = doc.add_table(rows=1, cols=len(columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    parts.repeat_as_header(header)
    for cell, (key, width) in zip(header.cells, columns, strict=True):
        cell.width = Cm(width)
        parts.table_text(cell, t(key, lang), bold=True, center=True)
        parts.shade(cell, "F2DCDB")
    return table


def _add_row(
    table: object, columns: tuple[tuple[str, float], ...], values: list[str], shade: str = ""
) -> None:
    row = table.add_row()  # type: ignore[attr-defined]
    parts.keep_together(row)
    for cell, value, (_, width) in zip(row.cells, values, columns, strict=True):
        cell.width = Cm(width)
        parts.table_text(cell, value)
        if shade:
            parts.shade(cell, shade)


def _agencies(doc: object, review: Review, tracked: TrackedPlan, lang: Lang) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    parts.paragraph(doc, t("word.review.section.agencies", lang), bold=True)
    table = _table(doc, AGENCY_COLUMNS, lang)
    for agency in review.by_agency:
        _add_row(
            table,
            AGENCY_COLUMNS,
            [
                agency.agency or t("word.no_lead", lang),
                str(agency.rows),
                str(agency.done),
                str(agency.in_progress),
                str(agency.not_started),
                str(agency.late),
                format_number(agency.points_at_stake, lang),
            ],
            LATE_SHADE if agency.late else "",
        )
    for number, agency in enumerate(review.by_agency, start=1):
        parts.paragraph(
            doc, t("word.review.agency_heading", lang, n=number, agency=agency.agency or "–"), bold=True
        )
        table = _table(doc, ROW_COLUMNS, lang)
        key = agency_key(agency.agency)
        for row in review.rows:
            if key not in {agency_key(a) for a in row.lead_agencies} and (key or row.lead_agencies):
                continue
            _add_row(table, ROW_COLUMNS, _row_values(row, tracked, lang), _row_shade(row))


def _row_values(row: RowReview, tracked: TrackedPlan, lang: Lang) -> list[str]:
    plan_row = tracked.row(row.code)
    due = row.due.strftime("%d/%m/%Y")
    deadline = f"{row.deadline}\n({due})" if row.deadline.strip() else f"({due})"
    return [
        row.code,
        row.name(lang)
        + (f" → {plan_row.to_label_vi if lang == 'vi' else plan_row.to_label_en}" if plan_row else ""),
        deadline,
        t(status_key(row.status), lang) + (" – " + t("word.review.late", lang) if row.late else ""),
        f"{row.percent}%",
        row.evidence,
        "; ".join(row.lead_agencies),
    ]


def _row_shade(row: RowReview) -> str:
    if row.late:
        return LATE_SHADE
    return RISK_SHADE if row.at_risk else ""


def _late(doc: object, review: Review, lang: Lang) -> None:
    parts.paragraph(doc, t("word.review.section.late", lang), bold=True)
    late = [r for r in review.rows if r.late or r.at_risk]
    if not late:
        parts.paragraph(doc, t("word.review.none_late", lang), indent=True)
        return
    for row in late:
        key = "word.review.late_line" if row.late else "word.review.risk_line"
        parts.paragraph(
            doc,
            "- "
            + t(
                key,
                lang,
                code=row.code,
                name=row.name(lang),
                lead="; ".join(row.lead_agencies) or "–",
                due=row.due.strftime("%d/%m/%Y"),
                days=abs(row.days_left),
            ),
            indent=True,
        )


def _next(doc: object, review: Review, lang: Lang) -> None:
    parts.paragraph(doc, t("word.review.section.next", lang), bold=True)
    parts.paragraph(
        doc, t(f"word.review.next.{review.next_status}", lang, effort=review.next_effort), indent=True
    )
    if not review.next:
        return
    table = _table(doc, NEXT_COLUMNS, lang)
    for step in review.next:
        label = step.to_label_vi if lang == "vi" else (step.to_label_en or step.to_label_vi)
        _add_row(
            table,
            NEXT_COLUMNS,
            [
                step.code,
                step.name(lang),
                label or step.to_level,
                format_number(step.points_gain, lang),
                format_number(step.effort, lang),
                "; ".join(step.lead_agencies),
            ],
        )


def _assumptions(doc: object, review: Review, lang: Lang) -> None:
    parts.paragraph(doc, t("word.review.section.assumptions", lang), bold=True)
    parts.paragraph(doc, "- " + t("tracking.rule.in_progress", lang), indent=True)
    if review.assumed_due:
        parts.paragraph(
            doc, "- " + t("word.review.assumed_due", lang, codes=", ".join(review.assumed_due)), indent=True
        )
    parts.paragraph(doc, "- " + t("word.review.field_note", lang), indent=True)
