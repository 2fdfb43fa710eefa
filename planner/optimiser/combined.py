"""One plan for two indices: the PAR INDEX's sub-criteria and PAPI's dimensions together, by lead agency.

The Quảng Ngãi plan (seed 003) is written this way: one list of tasks per agency, some for the PAR INDEX, some for
PAPI, a few serving both (the one-stop shop, online public services). This module merges the plans of several
indices into that list. Each row keeps its index and is scored only there: the totals per index are each plan's
own, so nothing is counted twice. Where a documented mapping (data/indices/overlaps.yaml) or the user links a
row to an item of the other index, the row says so, as a note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache

from pydantic import Field

from planner.core.data import data_dir
from planner.core.i18n import Lang
from planner.core.model import FrozenModel
from planner.core.text import agency_name
from planner.core.yaml_text import read_yaml
from planner.methodology.index import get_index
from planner.methodology.model import Methodology, ScoredItem
from planner.optimiser.plan import Plan, PlanChange


class Side(FrozenModel):
    methodology: str
    #: Item, criterion or area codes of that methodology.
    codes: tuple[str, ...] = Field(min_length=1)


class Overlap(FrozenModel):
    """Items of two methodologies served by the same actions (a note, never a transfer of points)."""

    left: Side
    right: Side
    note_vi: str
    note_en: str = ""
    #: Where the link comes from: the documented mapping's source, or "user".
    basis: str = "user"

    def note(self, lang: Lang = "vi") -> str:
        return self.note_vi if lang == "vi" else (self.note_en or self.note_vi)


@cache
def documented_overlaps() -> tuple[Overlap, ...]:
    """The mapping in data/indices/overlaps.yaml, validated once per process."""
    raw = read_yaml((data_dir() / "indices" / "overlaps.yaml").read_text(encoding="utf-8")) or {}
    return tuple(Overlap.model_validate(row) for row in raw.get("overlaps", []))


class CombinedRow(FrozenModel):
    """One task of the combined plan: an item of one index moved by its lead agency."""

    agency: str
    index: str
    index_short: str
    methodology: str
    change: PlanChange
    #: "PAPI P5 Thủ tục hành chính công" for each item of another index the same action serves.
    also_serves: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class IndexTotals(FrozenModel):
    index: str
    short: str
    methodology: str
    baseline: float
    planned: float
    max_points: float
    target_vi: str = ""
    target_en: str = ""
    rank_before: int | None = None
    rank_after: int | None = None
    p_reach: float | None = None


class CombinedPlan(FrozenModel):
    province: str | None
    year: int | None
    totals: tuple[IndexTotals, ...]
    rows: tuple[CombinedRow, ...]

    def by_agency(self) -> list[tuple[str, tuple[CombinedRow, ...]]]:
        groups: dict[str, list[CombinedRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.agency].append(row)
        return [(agency, tuple(rows)) for agency, rows in groups.items()]


def _matches(item: ScoredItem, codes: Iterable[str]) -> bool:
    own = {item.code, item.criterion.code, item.area.code}
    return any(code in own for code in codes)


def _label(m: Methodology, codes: Sequence[str], lang: Lang) -> list[str]:
    """The linked nodes as the row names them: "PAR INDEX 7 Hiện đại hóa hành chính", "PAPI P5 ..."."""
    short = get_index(m.index).short
    nodes = m.nodes_by_code
    return [f"{short} {code} {nodes[code].name(lang)}" for code in codes if code in nodes]


def combine_plans(
    plans: Sequence[tuple[Methodology, Plan]],
    *,
    overlaps: Iterable[Overlap] | None = None,
    lang: Lang = "vi",
) -> CombinedPlan:
    """The plans of several indices as one list by lead agency (see the module docstring). `overlaps` defaults
    to the documented mapping; a user's links are added to it by the caller."""
    links = tuple(documented_overlaps() if overlaps is None else overlaps)
    by_id = {m.id: m for m, _ in plans}
    rows: list[CombinedRow] = []
    totals: list[IndexTotals] = []
    for methodology, plan in plans:
        index = get_index(methodology.index)
        totals.append(
            IndexTotals(
                index=index.id,
                short=index.short,
                methodology=methodology.id,
                baseline=plan.baseline_total,
                planned=plan.planned_total,
                max_points=index.max_points,
                target_vi=plan.target_vi,
                target_en=plan.target_en,
                rank_before=plan.rank_before,
                rank_after=plan.rank_after,
                p_reach=plan.p_reach,
            )
        )
        for change in plan.changes:
            item = methodology.item(change.code) if change.code in methodology.item_index else None
            serves: list[str] = []
            notes: list[str] = []
            if item is not None:
                for link in links:
                    for mine, theirs in ((link.left, link.right), (link.right, link.left)):
                        other = by_id.get(theirs.methodology)
                        if (
                            mine.methodology == methodology.id
                            and other is not None
                            and _matches(item, mine.codes)
                        ):
                            serves.extend(_label(other, theirs.codes, lang))
                            notes.append(link.note(lang))
            leads = dict.fromkeys(agency_name(a) for a in change.lead_agencies) or {"": None}
            for agency in leads:
                rows.append(
                    CombinedRow(
                        agency=agency,
                        index=index.id,
                        index_short=index.short,
                        methodology=methodology.id,
                        change=change,
                        also_serves=tuple(dict.fromkeys(serves)),
                        notes=tuple(dict.fromkeys(notes)),
                    )
                )
    # Agencies in the order the plans first name them (the PAR plan's, then PAPI's), as a plan text lists them.
    first_seen = {agency: k for k, agency in enumerate(dict.fromkeys(r.agency for r in rows))}
    first = plans[0][1] if plans else None
    return CombinedPlan(
        province=first.province if first else None,
        year=max((p.year for _, p in plans if p.year is not None), default=None),
        totals=tuple(totals),
        rows=tuple(sorted(rows, key=lambda r: (r.agency == "", first_seen[r.agency], _order(by_id, r)))),
    )


def _order(by_id: dict[str, Methodology], row: CombinedRow) -> tuple[int, int]:
    """Within an agency: the indices in the order given, each in its table order."""
    ids = list(by_id)
    return ids.index(row.methodology), by_id[row.methodology].item_index.get(row.change.code, 10_000)
