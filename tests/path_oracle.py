"""An exact oracle for the path over several years: a dynamic programme over the years, written from the problem
statement (issue 15) and not from planner.optimiser.path, so the tests compare two independent computations.

State: the level every movable item stands on at the end of a year. A year's transition keeps every item at or
above last year's level, within that year's caps and locks, and costs the moves (effort(b) − effort(a), never
below zero) plus the upkeep of items raised in an earlier year. The programme is additive over years, so the
best value of a state in year t is the best value of some state in year t − 1 plus one transition.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from planner.core.text import agency_key
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import item_options, score_scenario
from planner.optimiser.effort import EffortTable


@dataclass(frozen=True)
class Step:
    level: str
    gain: int
    effort: float
    option_index: int


@dataclass(frozen=True)
class Item:
    code: str
    agency: str
    steps: tuple[Step, ...]  # the current level first, then the levels above it by points


@dataclass
class PathSpec:
    """One instance: per year (index) the points to gain over today (None: no target), budgets, limits."""

    needs: list[int | None]
    budgets: list[float | None]
    agency_budgets: list[dict[str, float]]
    upkeep: dict[str, float] = field(default_factory=dict)
    frozen: set[tuple[str, int]] = field(default_factory=set)
    caps: dict[tuple[str, int], int] = field(default_factory=dict)


def items_of(m: Methodology, baseline: Scenario, table: EffortTable) -> list[Item]:
    """The items that can move, each with its levels above today's (user efforts only: the table has them all)."""
    card = score_scenario(m, baseline)
    costs = {(e.code, e.level): e.effort for e in table.entries}
    constraints = {c.code: c for c in table.constraints}
    out: list[Item] = []
    for item, centi in zip(m.scored_items, card.item_centi, strict=True):
        c = constraints.get(item.code)
        if item.is_survey or (c is not None and c.locked):
            continue
        options = item_options(item)
        ids = [o.id for o in options]
        cap = ids.index(c.feasible_max_level) if c is not None and c.feasible_max_level else len(ids) - 1
        current = max((o for o in options if o.centi <= centi), key=lambda o: (o.centi, ids.index(o.id)))
        # the current level as the scorer reads it: the highest option at or below the points
        above = [o for i, o in enumerate(options) if o.centi > centi and i <= cap]
        if not above:
            continue
        above.sort(key=lambda o: (o.centi, ids.index(o.id)))
        steps = [Step(current.id, 0, 0.0, ids.index(current.id))]
        steps += [Step(o.id, o.centi - centi, costs[(item.code, o.id)], ids.index(o.id)) for o in above]
        out.append(
            Item(item.code, agency_key(item.lead_agencies[0]) if item.lead_agencies else "", tuple(steps))
        )
    return out


def _move(item: Item, a: int, b: int) -> float:
    return 0.0 if b <= a else max(0.0, item.steps[b].effort - item.steps[a].effort)


def best_path(items: Sequence[Item], spec: PathSpec) -> tuple[str, tuple[float, ...]]:
    """("feasible", (effort, -final gain)) for the least-effort path meeting every target (ties: most points in
    the final year), else ("infeasible", (-final gain, effort)) for the path with the most final-year points
    within the budgets and limits (ties: least effort)."""
    T = len(spec.needs)
    states = list(itertools.product(*(range(len(i.steps)) for i in items)))
    start = tuple(0 for _ in items)

    def allowed(state: tuple[int, ...], t: int) -> bool:
        for item, j in zip(items, state, strict=True):
            cap = spec.caps.get((item.code, t))
            if j > 0 and cap is not None and item.steps[j].option_index > cap:
                return False
        return True

    def transition(before: tuple[int, ...], after: tuple[int, ...], t: int) -> tuple[float, int] | None:
        cost = 0.0
        by_agency: dict[str, float] = {}
        for item, a, b in zip(items, before, after, strict=True):
            if b < a:
                return None
            if b != a and (item.code, t) in spec.frozen:
                return None
            c = _move(item, a, b) + (spec.upkeep.get(item.code, 0.0) if t > 0 and a > 0 else 0.0)
            cost += c
            by_agency[item.agency] = by_agency.get(item.agency, 0.0) + c
        budget = spec.budgets[t]
        if budget is not None and cost > budget + 1e-9:
            return None
        for agency, limit in spec.agency_budgets[t].items():
            if by_agency.get(agency_key(agency), 0.0) > limit + 1e-9:
                return None
        gain = sum(item.steps[j].gain for item, j in zip(items, after, strict=True))
        return cost, gain

    def run(with_targets: bool) -> dict[tuple[int, ...], float]:
        """The least effort that ends year T in each state (only states meeting every target if asked)."""
        best: dict[tuple[int, ...], float] = {start: 0.0}
        for t in range(T):
            nxt: dict[tuple[int, ...], float] = {}
            for after in states:
                if not allowed(after, t):
                    continue
                for before, effort in best.items():
                    step = transition(before, after, t)
                    if step is None:
                        continue
                    cost, gain = step
                    need = spec.needs[t]
                    if with_targets and need is not None and gain < need:
                        continue
                    total = effort + cost
                    if after not in nxt or total < nxt[after] - 1e-9:
                        nxt[after] = total
            best = nxt
        return best

    def final_gain(state: tuple[int, ...]) -> int:
        return sum(item.steps[j].gain for item, j in zip(items, state, strict=True))

    feasible = run(True)
    if feasible:
        effort, points = min((e, -final_gain(s)) for s, e in feasible.items())
        return "feasible", (effort, points)
    closest = run(False)
    points, effort = min((-final_gain(s), e) for s, e in closest.items())
    return "infeasible", (points, effort)
