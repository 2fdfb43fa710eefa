"""The path over several years as one workbook: the path year by year, the work by agency and year, and each
year's plan on its own sheet in the appendix layout (planner.files.excel.plan), so each year can be printed and
sent as the plan of that year.

A year's sheet lists the items moved that year, from where they stood at the end of the year before, with that
year's effort (the move and any upkeep is in the path sheet). Every number is a value computed in Python, as in
the one-year plan workbook.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from planner.core.i18n import Lang, format_percent, t
from planner.files.excel import styles
from planner.files.excel.plan import effort_unit_label, write_plan_table
from planner.methodology.model import Methodology
from planner.optimiser.horizon import PathResult, agency_years, year_plans
from planner.optimiser.levers import LeverSet
from planner.optimiser.scheme_change import SchemeChange, levers_in


def write_path_workbook(
    levers: LeverSet,
    result: PathResult,
    methodology: Methodology,
    lang: Lang = "vi",
    *,
    change: SchemeChange | None = None,
) -> bytes:
    """The path as an .xlsx: a path sheet (one row per year, then agencies by year) and a plan sheet per year,
    each on the scheme of its year (`change`: a new scheme inside the horizon)."""
    wb = styles.new_workbook()
    styles.instructions_sheet(
        wb,
        lang,
        "excel.path.instructions.title",
        ("excel.path.instructions.what", "excel.path.instructions.years", "excel.path.instructions.chance"),
    )
    ws = wb.create_sheet(t("excel.sheet.path", lang))
    _write_path_sheet(ws, levers, result, lang)
    for plan in year_plans(levers, result, change=change):
        sheet = wb.create_sheet(t("excel.sheet.year", lang, year=str(plan.year)))
        year_levers = levers_in(levers, change, plan.year) if plan.year is not None else levers
        scheme = methodology if year_levers is levers else year_levers.methodology
        write_plan_table(sheet, plan, scheme, lang)
    return styles.finished_bytes(wb)


def _write_path_sheet(ws: Worksheet, levers: LeverSet, result: PathResult, lang: Lang) -> None:
    title = ws.cell(row=1, column=1)
    province = levers.baseline.province or ""
    years = f"{result.years[0].year}–{result.years[-1].year}"
    title.value = t("excel.path.title", lang, province=province, years=years)
    title.font = styles.TITLE_FONT
    note = ws.cell(row=2, column=1)
    note.value = t(
        f"excel.path.status.{result.status}",
        lang,
        unit=effort_unit_label(levers.unit, lang),
        base=str(result.base_field_year or "–"),
    )
    note.font = styles.NOTE_FONT
    scheme_note = ws.cell(row=3, column=1)
    if result.scheme_change is not None:
        scheme_note.value = result.scheme_change.message(lang)
    elif result.stopped is not None:
        scheme_note.value = result.stopped.message(lang)
    scheme_note.font = styles.NOTE_FONT
    headers = [
        t("excel.path.col.year", lang),
        t("excel.path.col.target", lang),
        t("excel.path.col.target_score", lang),
        t("excel.path.col.score", lang),
        t("excel.path.col.rank", lang),
        t("excel.path.col.p_reach", lang),
        t("excel.path.col.effort", lang),
        t("excel.path.col.budget", lang),
        t("excel.path.col.items", lang),
        t("excel.path.col.met", lang),
    ]
    styles.header_row(ws, 4, headers)
    row = 5
    styles.body_cell(ws.cell(row=row, column=1), t("excel.path.today", lang), user_text=True)
    styles.body_cell(ws.cell(row=row, column=4), result.baseline_score, number_format=styles.NUMBER_FORMAT)
    styles.body_cell(ws.cell(row=row, column=5), result.baseline_rank, number_format=styles.INTEGER_FORMAT)
    for year in result.years:
        row += 1
        values: list[tuple[object, str | None]] = [
            (year.year, styles.INTEGER_FORMAT),
            (year.target.describe(lang) if year.target else "", styles.TEXT_FORMAT),
            (year.target_score, styles.NUMBER_FORMAT),
            (year.score, styles.NUMBER_FORMAT),
            (year.rank, styles.INTEGER_FORMAT),
            (year.p_reach, "0.0%"),
            (year.effort, styles.NUMBER_FORMAT),
            (year.budget, styles.NUMBER_FORMAT),
            (len(year.changes), styles.INTEGER_FORMAT),
            (t("excel.yes" if year.met else "excel.no", lang) if year.target else "", styles.TEXT_FORMAT),
        ]
        for column, (value, number_format) in enumerate(values, start=1):
            styles.body_cell(ws.cell(row=row, column=column), value, number_format=number_format)
    row += 1
    styles.body_cell(ws.cell(row=row, column=1), t("excel.path.total", lang), bold=True)
    styles.body_cell(
        ws.cell(row=row, column=7),
        round(result.effort_total, 6),
        number_format=styles.NUMBER_FORMAT,
        bold=True,
    )
    if result.p_path_low is not None and result.p_path_high is not None:
        row += 2
        cell = ws.cell(row=row, column=1)
        cell.value = t(
            "excel.path.p_path",
            lang,
            low=format_percent(100 * result.p_path_low, lang),
            high=format_percent(100 * result.p_path_high, lang),
        )
        cell.font = styles.NOTE_FONT
    for line in [*(blocker.message(lang) for blocker in result.blockers), *result.caveats(lang)]:
        row += 1
        cell = ws.cell(row=row, column=1)
        cell.value = "! " + line
        cell.font = styles.NOTE_FONT

    row += 2
    heading = ws.cell(row=row, column=1, value=t("excel.path.by_agency", lang))
    heading.font = styles.SUBTITLE_FONT
    row += 1
    year_list = [y.year for y in result.years]
    styles.header_row(
        ws,
        row,
        [
            t("excel.plan.col.lead", lang),
            *(t("excel.path.col.agency_year", lang, year=str(y)) for y in year_list),
            t("excel.path.col.effort", lang),
        ],
    )
    for agency, by_year in agency_years(result):
        row += 1
        styles.body_cell(ws.cell(row=row, column=1), agency or t("excel.plan.no_lead", lang), user_text=True)
        for column, year_value in enumerate(year_list, start=2):
            n, points, effort = by_year.get(year_value, (0, 0.0, 0.0))
            text = "" if n == 0 else t("excel.path.agency_cell", lang, n=n, points=points, effort=effort)
            styles.body_cell(ws.cell(row=row, column=column), text, user_text=True)
        total = round(sum(e for _, _, e in by_year.values()), 6)
        styles.body_cell(
            ws.cell(row=row, column=len(year_list) + 2), total, number_format=styles.NUMBER_FORMAT
        )
    styles.set_widths(ws, {1: 30, 2: 22, 3: 12, 4: 12, 5: 10, 6: 12, 7: 12, 8: 12, 9: 10, 10: 10})
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    styles.protect(ws)
