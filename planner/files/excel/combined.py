"""The combined plan as a workbook: one sheet, tasks by lead agency, PAR INDEX and PAPI rows side by side.

Laid out like the Quảng Ngãi plan's section II (one block per agency) with the appendix columns: index, code,
content, points now and planned, maximum, partners, deadline, and "also serves" where one action serves both
indices. The totals above the table are each index's own (never a sum across indices).
"""

from __future__ import annotations

from planner.core.i18n import Lang, format_number, t
from planner.files.excel import styles
from planner.optimiser.combined import CombinedPlan

COLUMNS: tuple[tuple[str, float], ...] = (
    ("excel.combined.col.no", 6),
    ("excel.combined.col.index", 11),
    ("excel.col.code", 9),
    ("excel.combined.col.content", 46),
    ("excel.combined.col.from", 10),
    ("excel.combined.col.to", 10),
    ("excel.col.max_points", 9),
    ("excel.plan.col.partners", 28),
    ("excel.plan.col.deadline", 20),
    ("excel.combined.col.also", 40),
)


def write_combined_workbook(plan: CombinedPlan, lang: Lang = "vi") -> bytes:
    wb = styles.new_workbook()
    ws = wb.create_sheet(t("excel.combined.sheet", lang)[:31])
    ws.cell(
        row=1,
        column=1,
        value=t("excel.combined.title", lang, province=plan.province or "–", year=str(plan.year or "")),
    )
    ws.cell(row=1, column=1).font = styles.HEADER_FONT
    row = 2
    for total in plan.totals:
        target = total.target_vi if lang == "vi" else (total.target_en or total.target_vi)
        ws.cell(
            row=row,
            column=1,
            value=t(
                "excel.combined.total_line",
                lang,
                index=total.short,
                baseline=format_number(total.baseline, lang, 2),
                planned=format_number(total.planned, lang, 2),
                max=format_number(total.max_points, lang, 0),
                target=target or "–",
            ),
        )
        row += 1
    ws.cell(row=row, column=1, value=t("excel.combined.no_double_count", lang))
    row += 2
    header = row
    styles.header_row(ws, header, [t(key, lang) for key, _ in COLUMNS])
    styles.set_widths(ws, {k: width for k, (_, width) in enumerate(COLUMNS, start=1)})
    row += 1
    for agency, rows in plan.by_agency():
        cell = ws.cell(row=row, column=1)
        styles.body_cell(
            cell,
            agency or t("excel.combined.no_lead", lang),
            user_text=True,
            bold=True,
            fill=styles.AREA_FILL,
        )
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
        row += 1
        for number, combined in enumerate(rows, start=1):
            change = combined.change
            values: list[object] = [
                number,
                combined.index_short,
                change.code,
                change.name(lang),
                change.from_points,
                change.to_points,
                change.max_points,
                "; ".join(change.partner_agencies),
                change.deadline,
                "; ".join((*combined.also_serves, *combined.notes)),
            ]
            for column, value in enumerate(values, start=1):
                styles.body_cell(
                    ws.cell(row=row, column=column),
                    value,
                    user_text=isinstance(value, str),
                    number_format="0.00" if column in (5, 6, 7) else None,
                )
            row += 1
    styles.freeze_below(ws, header)
    styles.fit_row_heights(ws, header + 1, row - 1)
    return styles.finished_bytes(wb)
