"""The plan as a Word document in the administrative layout of the seeds (python-docx).

A Sở Nội vụ circulates a plan as a Kế hoạch of the Ủy ban nhân dân tỉnh: the authority and number on the left
and the national motto on the right of the first lines, the title, numbered sections (I. Mục đích, yêu cầu; II.
Nhiệm vụ, giải pháp by lead agency; III. Tổ chức thực hiện), the signature block, and the appendix table
(Phụ lục) on landscape pages, as An Giang's 876/KH-UBND and Lào Cai's 221/KH-UBND are laid out. The number, the
date and the legal bases are left as dotted blanks for the office that issues it; everything the planner knows
(target, baseline, rank, the changes by agency and every item of the table) is filled in.

The appendix lists the same rows as the Excel plan (planner.files.plan_table), its header row repeated on every
page, its rows never split across pages, widths set so it fits a landscape A4 page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table, _Row

from planner.core.i18n import Lang, format_number, format_percent, t
from planner.core.text import agency_name
from planner.files import word_parts as parts
from planner.files.plan_table import self_assessed_max, table_groups
from planner.methodology.index import get_index
from planner.methodology.model import Methodology
from planner.optimiser.plan import Plan, PlanChange

#: The appendix's columns and their widths on a landscape A4 page (27,7 cm between 1,5 cm margins).
APPENDIX_COLUMNS: tuple[tuple[str, float], ...] = (
    ("word.col.stt", 1.4),
    ("word.col.name", 7.0),
    ("word.col.max", 1.6),
    ("word.col.target", 3.2),
    ("word.col.evidence", 5.5),
    ("word.col.deadline", 2.6),
    ("word.col.lead", 3.2),
    ("word.col.partners", 3.2),
)
CHANGED_SHADE = "E2EFDA"
AREA_SHADE = "FCE4D6"


def write_plan_document(
    plan: Plan, methodology: Methodology, lang: Lang = "vi", *, every_item: bool = True
) -> bytes:
    """The plan as a .docx: the Kế hoạch, then its appendix table (every self-assessed item, the changes marked,
    unless `every_item` is False)."""
    doc = parts.portrait_document()
    parts.heading_block(
        doc, plan.province, t("word.number", lang), str(plan.year - 1) if plan.year else "……", lang
    )
    _title(doc, plan, methodology, lang)
    _purpose(doc, plan, methodology, lang)
    _tasks(doc, plan, lang)
    _organisation(doc, lang)
    _signature(doc, lang)
    _appendix(doc, plan, methodology, lang, every_item=every_item)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_path_document(
    plans: Sequence[Plan],
    methodology: Methodology,
    lang: Lang = "vi",
    *,
    schemes: Sequence[Methodology] = (),
) -> bytes:
    """A path over several years as one Kế hoạch for the period (issue 15): the goal of every year, the tasks
    year by year and, within a year, by lead agency, then one appendix per year listing that year's moves (the
    same rows as the path workbook's sheet of that year), each in the order of the scheme of its year
    (`schemes`: the other methodologies a path across a change uses, matched by each plan's methodology id)."""
    if not plans:
        raise ValueError("a path has at least one year")
    first, last = plans[0], plans[-1]
    doc = parts.portrait_document()
    parts.heading_block(
        doc, first.province, t("word.number", lang), str(first.year - 1) if first.year else "……", lang
    )
    _title(doc, first, methodology, lang, period=f"{first.year}–{last.year}")
    index = get_index(methodology.index)
    parts.paragraph(doc, t("word.section.purpose", lang), bold=True)
    parts.paragraph(doc, t("word.purpose.goal_heading", lang), bold=True, indent=True)
    parts.paragraph(doc, t("word.purpose.start", lang, baseline=first.baseline_total), indent=True)
    for plan in plans:
        target = (plan.target_vi if lang == "vi" else plan.target_en or plan.target_vi) or t(
            "word.no_target", lang
        )
        line = t("word.path.year_goal", lang, year=str(plan.year), planned=plan.planned_total, target=target)
        if plan.rank_after is not None:
            line += " " + t("word.path.year_rank", lang, rank=plan.rank_after)
        parts.paragraph(doc, "- " + line, indent=True)
    parts.paragraph(doc, t("word.purpose.requirements_heading", lang), bold=True, indent=True)
    requirements = (
        "word.purpose.requirements_survey" if index.survey_is_lever else "word.purpose.requirements"
    )
    parts.paragraph(doc, t(requirements, lang, index=index.short), indent=True)
    parts.paragraph(doc, t("word.section.tasks", lang), bold=True)
    for plan in plans:
        parts.paragraph(
            doc,
            t("word.path.year_tasks", lang, year=str(plan.year), n=len(plan.changes)),
            bold=True,
            indent=True,
        )
        _tasks(doc, plan, lang, heading=False)
    _organisation(doc, lang)
    _signature(doc, lang)
    by_id = {m.id: m for m in schemes}
    for plan in plans:
        if plan.changes:
            _appendix(doc, plan, by_id.get(plan.methodology, methodology), lang, every_item=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------- the letter


def _title(
    doc: object, plan: Plan, methodology: Methodology, lang: Lang, *, period: str | None = None
) -> None:
    """Title, subtitle ("… năm 2019", or "… giai đoạn 2022–2025" for a path) and the bases."""
    parts.paragraph(doc, t("word.title", lang), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14))
    year = str(plan.year) if plan.year else "……"
    index = get_index(methodology.index)
    name = index.plan_name(lang)
    subtitle = (
        t("word.subtitle_period", lang, period=period, index=name)
        if period
        else t("word.subtitle", lang, year=year, index=name)
    )
    parts.paragraph(doc, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    # A survey index is not scored under a ministry decision: its plan rests on the published results instead.
    bases = "word.bases_survey" if index.survey_is_lever else "word.bases"
    parts.paragraph(
        doc,
        t(bases, lang, scheme=methodology.decision_label(lang), index=name, publisher=index.publisher(lang)),
        italic=True,
        indent=True,
    )


def _purpose(doc: object, plan: Plan, methodology: Methodology, lang: Lang) -> None:
    index = get_index(methodology.index)
    parts.paragraph(doc, t("word.section.purpose", lang), bold=True)
    parts.paragraph(doc, t("word.purpose.goal_heading", lang), bold=True, indent=True)
    target = (plan.target_vi if lang == "vi" else plan.target_en or plan.target_vi) or t(
        "word.no_target", lang
    )
    parts.paragraph(
        doc,
        t(
            "word.purpose.goal",
            lang,
            year=str(plan.year or "……"),
            planned=plan.planned_total,
            target=target,
            index=index.plan_name(lang),
        ),
        indent=True,
    )
    start = t("word.purpose.start", lang, baseline=plan.baseline_total)
    if plan.rank_before is not None:
        start += " " + t("word.purpose.start_rank", lang, rank=plan.rank_before)
    parts.paragraph(doc, start, indent=True)
    if plan.p_reach is not None and plan.target_rank is not None:
        parts.paragraph(
            doc,
            t(
                "word.purpose.chance",
                lang,
                rank=plan.rank_after or 0,
                k=plan.target_rank,
                p=format_percent(100 * plan.p_reach, lang),
            ),
            indent=True,
        )
    parts.paragraph(doc, t("word.purpose.requirements_heading", lang), bold=True, indent=True)
    requirements = (
        "word.purpose.requirements_survey" if index.survey_is_lever else "word.purpose.requirements"
    )
    parts.paragraph(doc, t(requirements, lang, index=index.short), indent=True)


def _tasks(doc: object, plan: Plan, lang: Lang, *, heading: bool = True) -> None:
    if heading:
        parts.paragraph(doc, t("word.section.tasks", lang), bold=True)
    groups = plan.by_lead_agency()
    if not groups:
        parts.paragraph(doc, t("word.tasks.none", lang), indent=True)
    for number, (agency, changes) in enumerate(groups, start=1):
        gain = round(sum(c.points_gain for c in changes), 2)
        parts.paragraph(
            doc,
            t("word.tasks.agency", lang, n=number, agency=agency or t("word.no_lead", lang), points=gain),
            bold=True,
            indent=True,
        )
        for change in changes:
            parts.paragraph(doc, "- " + _task_line(change, lang), indent=True)


def _task_line(change: PlanChange, lang: Lang) -> str:
    to_label = change.to_label_vi if lang == "vi" else (change.to_label_en or change.to_label_vi)
    from_label = change.from_label_vi if lang == "vi" else (change.from_label_en or change.from_label_vi)
    line = t(
        "word.tasks.item",
        lang,
        code=change.code,
        name=change.name(lang),
        from_label=from_label or "–",
        to_label=to_label,
        gain=change.points_gain,
    )
    evidence = "; ".join(x for x in (change.evidence_document, change.evidence_content) if x.strip())
    if evidence:
        line += " " + t("word.tasks.evidence", lang, evidence=evidence)
    if change.partner_agencies:
        line += " " + t("word.tasks.partners", lang, partners=", ".join(change.partner_agencies))
    if change.deadline.strip():
        line += " " + t("word.tasks.deadline", lang, deadline=change.deadline.strip())
    return line


def _organisation(doc: object, lang: Lang) -> None:
    parts.paragraph(doc, t("word.section.organisation", lang), bold=True)
    for key in ("word.organisation.home_affairs", "word.organisation.leads", "word.organisation.reporting"):
        parts.paragraph(doc, t(key, lang), indent=True)


def _signature(doc: object, lang: Lang) -> None:
    table: Table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8.0), Cm(8.0)
    parts.cell_lines(
        left,
        [(t("word.recipients", lang), True, True), (t("word.recipients_list", lang), False, False)],
    )
    for paragraph in left.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    parts.cell_lines(
        right,
        [
            (t("word.signature_for", lang), True, False),
            (t("word.signature_title", lang), True, False),
            ("", False, False),
            ("", False, False),
            (t("word.signature_name", lang), True, False),
        ],
    )


# --------------------------------------------------------------------------------------------------- appendix


def _appendix(doc: object, plan: Plan, methodology: Methodology, lang: Lang, *, every_item: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.0)
    section.top_margin = section.bottom_margin = Cm(1.5)
    parts.paragraph(doc, t("word.appendix.title", lang), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    index = get_index(methodology.index).plan_name(lang)
    parts.paragraph(
        doc,
        t("word.appendix.subtitle", lang, year=str(plan.year or "……"), index=index.upper()),
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    parts.paragraph(doc, t("word.appendix.attached", lang), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    listed = (*plan.changes, *plan.unchanged) if every_item else plan.changes
    changed = {id(c) for c in plan.changes}
    groups = table_groups(listed, methodology, lang)
    table: Table = doc.add_table(rows=1, cols=len(APPENDIX_COLUMNS))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    parts.repeat_as_header(header)
    for cell, (key, width) in zip(header.cells, APPENDIX_COLUMNS, strict=True):
        parts.table_text(cell, t(key, lang), bold=True, center=True)
        parts.shade(cell, "F2DCDB")
        cell.width = Cm(width)
    for kind, code, name, rows in groups:
        row = table.add_row()  # type: ignore[no-untyped-call]
        parts.keep_together(row)
        if kind == "item":
            change = rows[0]
            _item_row(row, change, lang, marked=id(change) in changed and every_item)
        else:
            maximum = self_assessed_max(methodology, code)
            values = [code, name, format_number(maximum, lang), "", "", "", "", ""]
            for cell, value in zip(row.cells, values, strict=True):
                parts.table_text(cell, value, bold=True)
                parts.shade(cell, AREA_SHADE if kind == "area" else "FBF1EC")
        for cell, (_, width) in zip(row.cells, APPENDIX_COLUMNS, strict=True):
            cell.width = Cm(width)
    total = table.add_row()  # type: ignore[no-untyped-call]
    areas = {c.area_code for c in listed}
    maximum = sum(self_assessed_max(methodology, a.code) for a in methodology.areas if a.code in areas)
    for cell, value in zip(
        total.cells,
        ["", t("word.appendix.total", lang), format_number(maximum, lang), "", "", "", "", ""],
        strict=True,
    ):
        parts.table_text(cell, value, bold=True)
    if every_item and plan.changes:
        parts.paragraph(doc, t("word.appendix.marked", lang), italic=True, size=Pt(10))


def _item_row(row: _Row, change: PlanChange, lang: Lang, *, marked: bool) -> None:
    to_label = change.to_label_vi if lang == "vi" else (change.to_label_en or change.to_label_vi)
    target = f"{to_label} ({format_number(change.to_points, lang)})"
    evidence = "; ".join(
        x for x in (change.evidence_document, change.evidence_content, change.completion_target) if x.strip()
    )
    values = [
        change.code,
        change.name(lang),
        format_number(change.max_points, lang),
        target,
        evidence,
        change.deadline,
        ", ".join(agency_name(a) for a in change.lead_agencies),
        ", ".join(change.partner_agencies),
    ]
    for cell, value in zip(row.cells, values, strict=True):
        parts.table_text(cell, value, bold=marked and value in (change.code, target))
        if marked:
            parts.shade(cell, CHANGED_SHADE)
