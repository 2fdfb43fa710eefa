"""Two schemes side by side: which scored item of one is which of the other, what was added, removed or changed,
and a scenario carried from one to the other.

A new decision renumbers, merges and splits sub-criteria, so codes alone mislead (1.3.2 of 2018 need not be 1.3.2
of 2022) and names alone miss renamed items. Items are paired by how alike their names are (folded, compared
as sequences), with a bonus for an equal code, best pairs first, each item at most once; a pair below
MIN_SIMILARITY is not made. The user can override any pair (`overrides`: code in A → code in B, or None to
unpair). A province moving last year's plan to this year's scheme then starts from what carries over, and sees
what did not.

Carrying a scenario keeps each item's achieved share of its maximum and takes, in the new scheme, the highest
level whose points do not exceed that share of the new maximum (the share itself where the new rule takes any
value, as a survey does): conservative, never more than was achieved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Literal

from planner.core.text import fold
from planner.methodology.model import Methodology, ScoredItem
from planner.methodology.rules import from_centi, to_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import item_options, score_scenario

MIN_SIMILARITY = 0.6
CODE_BONUS = 0.1
#: An equal code with names at least this alike is paired at once, before any other comparison.
SAME_CODE_SIMILARITY = 0.8
MatchedBy = Literal["code", "name", "user"]


@dataclass(frozen=True)
class ItemPair:
    a: str
    b: str
    by: MatchedBy
    similarity: float
    max_a: Decimal
    max_b: Decimal
    rule_changed: bool

    @property
    def changed(self) -> bool:
        return self.max_a != self.max_b or self.rule_changed


@dataclass(frozen=True)
class SchemeMatch:
    """The pairs, and the items of A (removed) and of B (added) left without one."""

    a: Methodology
    b: Methodology
    pairs: tuple[ItemPair, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def changed(self) -> tuple[ItemPair, ...]:
        return tuple(p for p in self.pairs if p.changed)

    def partner(self, code_a: str) -> str | None:
        return next((p.b for p in self.pairs if p.a == code_a), None)


def _rule_shape(item: ScoredItem) -> tuple[int, ...]:
    """What a rule does, to the hundredth: the points of each of its levels (a yes/no and a two-level rule with
    the same points score alike; a proportional rule's levels differ from an all-or-nothing one's)."""
    return tuple(sorted(o.centi for o in item_options(item)))


def _similarity(a: ScoredItem, b: ScoredItem, names_a: dict[str, str], names_b: dict[str, str]) -> float:
    matcher = SequenceMatcher(None, names_a[a.code], names_b[b.code], autojunk=False)
    if matcher.real_quick_ratio() < MIN_SIMILARITY - CODE_BONUS:
        return 0.0
    score = matcher.ratio()
    return score + (CODE_BONUS if a.code == b.code else 0.0)


def match_schemes(
    a: Methodology, b: Methodology, overrides: Mapping[str, str | None] | None = None
) -> SchemeMatch:
    """Pair the scored items of `a` and `b` (see the module docstring); `overrides` wins over the matching."""
    items_a = {i.code: i for i in a.scored_items}
    items_b = {i.code: i for i in b.scored_items}
    names_a = {code: fold(i.node.name_vi) for code, i in items_a.items()}
    names_b = {code: fold(i.node.name_vi) for code, i in items_b.items()}
    chosen: dict[str, tuple[str, MatchedBy, float]] = {}
    taken_b: set[str] = set()
    for code_a, code_b in (overrides or {}).items():
        if code_a in items_a and (code_b is None or code_b in items_b):
            chosen[code_a] = (code_b or "", "user", 1.0)
            if code_b:
                taken_b.add(code_b)
    for code_a in items_a:  # the common case first: the same code and a name alike
        ib = items_b.get(code_a)
        if code_a in chosen or ib is None or code_a in taken_b:
            continue
        if (
            SequenceMatcher(None, names_a[code_a], names_b[code_a], autojunk=False).ratio()
            >= SAME_CODE_SIMILARITY
        ):
            chosen[code_a] = (code_a, "code", 1.0)
            taken_b.add(code_a)
    candidates = []
    for ia in items_a.values():
        if ia.code in chosen:
            continue
        for ib in items_b.values():
            if ib.code in taken_b:
                continue
            score = _similarity(ia, ib, names_a, names_b)
            if score >= MIN_SIMILARITY:
                candidates.append((score, ia.code, ib.code))
    for score, code_a, code_b in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if code_a in chosen or code_b in taken_b:
            continue
        by: MatchedBy = "code" if code_a == code_b else "name"
        chosen[code_a] = (code_b, by, min(1.0, score - (CODE_BONUS if by == "code" else 0.0)))
        taken_b.add(code_b)
    pairs = []
    for code_a in items_a:  # in A's order
        if code_a not in chosen or not chosen[code_a][0]:
            continue
        code_b, by, similarity = chosen[code_a]
        ia, ib = items_a[code_a], items_b[code_b]
        pairs.append(
            ItemPair(
                code_a,
                code_b,
                by,
                round(similarity, 3),
                ia.node.max_points,
                ib.node.max_points,
                _rule_shape(ia) != _rule_shape(ib),
            )
        )
    paired_a = {p.a for p in pairs}
    paired_b = {p.b for p in pairs}
    return SchemeMatch(
        a,
        b,
        tuple(pairs),
        tuple(c for c in items_a if c not in paired_a),
        tuple(c for c in items_b if c not in paired_b),
    )


@dataclass(frozen=True)
class CarriedItem:
    a: str
    b: str
    points_a: float
    points_b: float


@dataclass(frozen=True)
class CarryResult:
    scenario: Scenario
    carried: tuple[CarriedItem, ...]
    not_carried: tuple[str, ...]  # codes of A whose item has no partner in B


def carried_centi(centi_a: int, max_a: int, item_b: ScoredItem) -> int:
    """The points (hundredths) an item of B carries when its partner in A has `centi_a` of `max_a`: the same share
    of B's maximum, down to a level of B's rule unless the rule takes any value (a survey or a proportional rule:
    then the share as it is). The one place the carry rule is written: a scenario carried whole and a path
    carried across a change inside its horizon (planner.optimiser.scheme_change) both use it."""
    share = centi_a / max_a if max_a else 0.0
    allowed = round(share * item_b.max_centi)
    if item_b.rule.takes_value:
        return allowed
    return max((o.centi for o in item_options(item_b) if o.centi <= allowed), default=0)


def carry_scenario(scenario: Scenario, match: SchemeMatch) -> CarryResult:
    """`scenario` (on scheme A) as a scenario on scheme B through `match` (see the module docstring)."""
    card = score_scenario(match.a, scenario)
    items_b = {i.code: i for i in match.b.scored_items}
    settings: dict[str, ItemSetting] = {}
    carried = []
    for pair in match.pairs:
        centi = carried_centi(card.centi_of(pair.a), to_centi(pair.max_a), items_b[pair.b])
        settings[pair.b] = ItemSetting(points=Decimal(centi) / 100)
        carried.append(CarriedItem(pair.a, pair.b, from_centi(card.centi_of(pair.a)), from_centi(centi)))
    moved = scenario.model_copy(update={"methodology": match.b.id, "items": settings, "default": "zero"})
    not_carried = tuple(code for code in match.removed if card.centi_of(code) > 0)
    return CarryResult(Scenario.model_validate(moved.model_dump()), tuple(carried), not_carried)
