"""A new methodology inside a path's horizon: where it starts, and the items carried across it.

The ministry changes the scheme every few years (2636 for 2018-2019, 1149 for 2020-2021, 876 for 2022-2023, 892
from 2024 or 2025). A province planning 2023-2025 on the 876 table knows that its 2024 and 2025 scores follow
another table. The path then has two parts: the years its scheme scores, and the years the next one does, the
levels reached before the change carried into the new scheme by the methodology matching (planner.methodology.
matching: items paired by name and code, each item keeping its achieved share of its maximum, never more).

Without the next scheme's table the planner cannot score the later years, so the horizon stops before the change
and says so (`horizon_break`). A scheme used outside its own years (the 2018 table standing in for 2022-2025, as
the Quảng Ngãi example does, labelled) is already an assumption for every year of the horizon: there is nothing
to break.

In the programme each item is a Track (planner.optimiser.path): the old ladder before the change year, the new one
from it, and at the change the new rung each old rung carries to. An item the new scheme removes stops counting;
one it adds starts from its carried baseline. Both parts are one MILP, solved exactly as a path under one scheme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.core.errors import OptimiseError
from planner.methodology.index import get_index
from planner.methodology.matching import (
    CarryResult,
    SchemeMatch,
    carried_centi,
    carry_scenario,
    match_schemes,
)
from planner.methodology.model import Methodology
from planner.methodology.scoring import item_options
from planner.optimiser.effort import EffortTable
from planner.optimiser.levers import Lever, LeverSet, build_levers
from planner.optimiser.path import Ladder, Rung, Track, ladders_of, uniform_tracks


@dataclass(frozen=True)
class HorizonBreak:
    """The first year of a horizon its scheme does not score, and what the index registry knows of that year."""

    year: int
    #: The decision that scores `year` (data/indices/indices.yaml), "" when the registry does not say.
    decision: str
    #: Its bundled methodology, if one is bundled.
    methodology: str | None


def horizon_break(methodology: Methodology, years: Sequence[int]) -> HorizonBreak | None:
    """Where the horizon leaves its scheme: the first year the scheme does not score and the index registry
    (data/indices/indices.yaml) gives to another decision. None when the scheme does not score the first year
    (a stand-in for the whole horizon, warned about as such), or when the registry knows of no other decision in
    the horizon (the scheme is taken to continue, as the path page's warning says)."""
    own = set(methodology.index_years)
    if not own or not years or years[0] not in own:
        return None
    index = get_index(methodology.index)
    first = index.scheme_for(years[0])
    for year in years:
        if year in own:
            continue
        scheme = index.scheme_for(year)
        if scheme is not None and (first is None or scheme.decision != first.decision):
            return HorizonBreak(year, scheme.decision, scheme.methodology)
    return None


@dataclass(frozen=True)
class SchemeChange:
    """The next scheme from `year`: the match, today's scenario carried into it, and its levers on that."""

    year: int
    match: SchemeMatch
    carried: CarryResult
    levers: LeverSet

    @property
    def methodology(self) -> Methodology:
        return self.match.b


def scheme_change(
    levers: LeverSet,
    year: int,
    methodology: Methodology,
    effort: EffortTable | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> SchemeChange:
    """The change to `methodology` from `year` for a path planned on `levers`: today's scenario carried across
    (the new scheme's baseline) and the new scheme's levers on it, costed by `effort` (defaults where silent)."""
    if methodology.index != levers.methodology.index:
        raise OptimiseError(
            "optimise.change_index",
            scheme=methodology.id,
            index=methodology.index,
            ours=levers.methodology.index,
        )
    match = match_schemes(levers.methodology, methodology, overrides)
    carried = carry_scenario(levers.baseline, match)
    return SchemeChange(year, match, carried, build_levers(methodology, carried.scenario, effort))


def _still(lever: Lever) -> Ladder:
    """A one-rung ladder: the item stands where it is (no points to gain, no move)."""
    options = [o.id for o in item_options(lever.item)]
    index = options.index(lever.current_level) if lever.current_level in options else 0
    return Ladder(lever, (Rung(lever.current_level, 0, 0.0, index, None),))


def tracks_across(levers: LeverSet, change: SchemeChange, years: Sequence[int]) -> tuple[Track, ...]:
    """Every item's track over `years` with the scheme changing at `change.year` (see the module docstring)."""
    n = len(years)
    k = years.index(change.year)
    before = ladders_of(levers)
    after = {ladder.lever.code: ladder for ladder in ladders_of(change.levers)}
    if k == 0:  # the new scheme scores every year: plan on it alone
        return uniform_tracks(tuple(after.values()), n)
    items_a = {i.code: i for i in levers.methodology.scored_items}
    items_b = {i.code: i for i in change.methodology.scored_items}
    partner = {p.a: p.b for p in change.match.pairs}
    tracks: list[Track] = []
    used_b: set[str] = set()
    for ladder in before:
        code_b = partner.get(ladder.lever.code)
        if code_b is None or code_b not in after:  # removed, or held where it stands in the new scheme
            gone = _still(change.levers.by_code[code_b]) if code_b is not None else _still(ladder.lever)
            entry = (0,) * len(ladder.rungs)
            tracks.append(Track((ladder,) * k + (gone,) * (n - k), k, entry))
            if code_b is not None:
                used_b.add(code_b)
            continue
        new = after[code_b]
        used_b.add(code_b)
        item_a, item_b = items_a[ladder.lever.code], items_b[code_b]
        base_b = new.lever.current_centi
        entry_list = []
        for rung in ladder.rungs:
            centi = carried_centi(ladder.lever.current_centi + rung.gain_centi, item_a.max_centi, item_b)
            entry_list.append(
                max(r for r, step in enumerate(new.rungs) if base_b + step.gain_centi <= centi or r == 0)
            )
        tracks.append(Track((ladder,) * k + (new,) * (n - k), k, tuple(entry_list)))
    for code_b, new in after.items():  # added by the new scheme, or not movable in the old one
        if code_b in used_b:
            continue
        tracks.append(Track((_still(new.lever),) * k + (new,) * (n - k), k, (0,)))
    return tuple(tracks)


def levers_in(levers: LeverSet, change: SchemeChange | None, year: int) -> LeverSet:
    """The levers of the scheme that scores `year`: the new scheme's from the change year on, else `levers`. The
    one place that says which scheme a year of the path is on."""
    return change.levers if change is not None and year >= change.year else levers


def baseline_centi_by_year(
    levers: LeverSet, change: SchemeChange | None, years: Sequence[int]
) -> tuple[int, ...]:
    """Today's score in the terms of each year's scheme: the old baseline before the change, the carried one from
    it (the points each year's gains are counted from)."""
    return tuple(levers_in(levers, change, year).baseline_centi for year in years)


__all__ = [
    "HorizonBreak",
    "SchemeChange",
    "baseline_centi_by_year",
    "horizon_break",
    "levers_in",
    "scheme_change",
    "tracks_across",
]
