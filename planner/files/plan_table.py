"""The plan's appendix table as rows, in the order the seed appendices print it: what the Excel and the Word plan
share, so the two documents list the same rows under the same maxima.

An area row, a criterion row for each criterion split into sub-criteria, then the item rows, in the methodology's
order; rows the methodology does not know come last. Area and criterion rows carry the self-assessed maximum
under them (what the appendix prints: QĐ 2636's area 8 is 4,5 there, its SIPAS survey points being elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.core.i18n import Lang
from planner.methodology.model import Methodology
from planner.optimiser.plan import PlanChange

RowKind = str


def table_groups(
    listed: Sequence[PlanChange], methodology: Methodology, lang: Lang
) -> list[tuple[str, str, str, tuple[PlanChange, ...]]]:
    """The rows of the table in methodology order: an area row, criterion rows (only for criteria split into
    sub-criteria) and item rows; rows the methodology does not know come last."""
    order = methodology.item_index
    known = [c for c in listed if c.code in order]
    unknown = [c for c in listed if c.code not in order]
    known.sort(key=lambda c: order[c.code])
    rows: list[tuple[str, str, str, tuple[PlanChange, ...]]] = []
    for area in methodology.areas:
        in_area = tuple(c for c in known if methodology.item(c.code).area.code == area.code)
        if not in_area:
            continue
        name = area.name(lang)
        rows.append(("area", area.code, name.upper() if lang == "vi" else name, in_area))
        for criterion in area.criteria:
            in_criterion = tuple(
                c for c in in_area if methodology.item(c.code).criterion.code == criterion.code
            )
            if not in_criterion:
                continue
            if criterion.sub_criteria:
                rows.append(("criterion", criterion.code, criterion.name(lang), in_criterion))
            rows.extend(("item", c.code, c.name(lang), (c,)) for c in in_criterion)
    rows.extend(("item", c.code, c.name(lang), (c,)) for c in unknown)
    return rows


def self_assessed_max(methodology: Methodology, code: str) -> float:
    """The self-assessed maximum under an area or criterion: what the appendix prints in its rows (area 8 of
    QĐ 2636 shows 4,5, its self-assessed part, not 14,5 with the SIPAS survey), whichever rows the plan lists."""
    centi = sum(
        item.max_centi
        for item in methodology.scored_items
        if not item.is_survey and code in (item.area.code, item.criterion.code, item.code)
    )
    return centi / 100
