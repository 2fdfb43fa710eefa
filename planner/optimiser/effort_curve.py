"""The least effort for every number of points gained, in one pass: what makes the frontier fast.

The frontier asks the same knapsack for up to 62 targets. Each exact MILP solve costs a few milliseconds of
solver set-up even when it is easy, so a province at the bottom of the table (62 ranks to climb) would wait
seconds. Dynamic programming over integer hundredths answers every target at once: best[g] is the least effort
whose chosen levels gain exactly g hundredths, built item by item, with the choice behind each entry kept so a
plan can be read back. For a target of at least `need` hundredths the plan is the least effort over g ≥ need,
and among plans of that effort the one with the most points, the same rule the MILP applies
(planner.optimiser.solver.solve), so both give the same effort and points; tests/optimiser/test_effort_curve.py holds them equal.

Agency budgets keep it exact (`budgeted_effort_curve`): an item's effort counts against one agency only (its
first lead), so the budgets are separable. Each budgeted agency gets its own curve over its items, cut off where
its effort passes its budget; the agencies' curves are then combined by a min-plus convolution (the least total
effort for each total gain), and the unbudgeted items follow as ordinary steps. Every total gain keeps what
produced it, so a plan is read back exactly as without budgets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from planner.optimiser.levers import Choice
from planner.optimiser.solver import KnapsackModel, Selection

_TIE = 1e-7


def _best_gain(best: npt.NDArray[np.float64], need_centi: int) -> int | None:
    """The exact gain of the plan to read for "at least `need_centi`": the least effort over every gain from
    `need_centi` up and, among gains at that effort, the largest (the MILP's tie-break); None if unreachable."""
    need = max(0, need_centi)
    if need >= len(best):
        return None
    tail = best[need:]
    least = float(tail.min())
    if not np.isfinite(least):
        return None
    tolerance = 1e-9 * max(1.0, abs(least)) + _TIE
    return int(np.flatnonzero(tail <= least + tolerance).max()) + need


@dataclass(frozen=True)
class EffortCurve:
    """best[g] and the choice per item behind it, for one compiled knapsack."""

    model: KnapsackModel
    best: npt.NDArray[np.float64]
    #: choice_index[i][g]: the variable index chosen for group i when the first i+1 groups gain exactly g.
    choice_index: tuple[npt.NDArray[np.int32], ...]

    @property
    def max_gain_centi(self) -> int:
        return len(self.best) - 1

    def selection_for(self, need_centi: int) -> Selection | None:
        """The least-effort plan gaining at least `need_centi` (then the most points at that effort)."""
        gain = _best_gain(self.best, need_centi)
        return None if gain is None else self._read_back(gain)

    def _read_back(self, gain: int) -> Selection:
        chosen: dict[str, Choice] = {}
        effort = 0.0
        g = gain
        for group in range(len(self.model.groups) - 1, -1, -1):
            index = int(self.choice_index[group][g])
            choice = self.model.choices[index]
            if choice is not None:
                chosen[self.model.groups[group].code] = choice
                g -= choice.gain_centi
                effort += choice.effort
        assert g == 0
        return Selection(chosen, gain, effort)


def _item_step(
    model: KnapsackModel, best: npt.NDArray[np.float64], group: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32]]:
    """`best` extended by one item (group): the least effort for every exact gain, and the level chosen for it."""
    top = len(best) - 1
    new = np.full_like(best, np.inf)
    pick = np.full(top + 1, -1, dtype=np.int32)
    for index in np.flatnonzero(model.group_of == group):  # the "stay" variable comes first, so it wins ties
        gain = int(model.gain[index])
        if gain > top:
            continue
        candidate = np.full_like(best, np.inf)
        candidate[gain:] = best[: top + 1 - gain] + model.cost[index]
        better = candidate < new
        new[better] = candidate[better]
        pick[better] = int(index)
    return new, pick


def effort_curve(model: KnapsackModel) -> EffortCurve:
    """The least effort for every exact gain, over the undominated levels of `model` (budgets ignored)."""
    best = np.full(model.max_gain_centi + 1, np.inf)
    best[0] = 0.0
    picks: list[npt.NDArray[np.int32]] = []
    for group in range(len(model.groups)):
        best, pick = _item_step(model, best, group)
        picks.append(pick)
    return EffortCurve(model, best, tuple(picks))


@dataclass(frozen=True)
class _AgencyBlock:
    """One budgeted agency's items: its own curve's choices, and, per total gain, the gain it contributes."""

    groups: tuple[int, ...]
    picks: tuple[npt.NDArray[np.int32], ...]
    share: npt.NDArray[np.int64]


@dataclass(frozen=True)
class BudgetedCurve:
    """Like EffortCurve, with every agency budget kept: the same `selection_for`."""

    model: KnapsackModel
    best: npt.NDArray[np.float64]
    blocks: tuple[_AgencyBlock, ...]
    free_groups: tuple[int, ...]
    free_picks: tuple[npt.NDArray[np.int32], ...] = field(default=())

    @property
    def max_gain_centi(self) -> int:
        finite = np.flatnonzero(np.isfinite(self.best))
        return int(finite.max()) if finite.size else 0

    def selection_for(self, need_centi: int) -> Selection | None:
        gain = _best_gain(self.best, need_centi)
        return None if gain is None else self._read_back(gain)

    def _read_back(self, gain: int) -> Selection:
        chosen: dict[str, Choice] = {}
        g = gain
        for group, pick in zip(reversed(self.free_groups), reversed(self.free_picks), strict=True):
            g -= self._take(chosen, group, int(pick[g]))
        for block in reversed(self.blocks):
            own = int(block.share[g])
            g -= own
            for group, pick in zip(reversed(block.groups), reversed(block.picks), strict=True):
                own -= self._take(chosen, group, int(pick[own]))
            assert own == 0
        assert g == 0
        return Selection(chosen, gain, sum(c.effort for c in chosen.values()))

    def _take(self, chosen: dict[str, Choice], group: int, index: int) -> int:
        choice = self.model.choices[index]
        if choice is None:
            return 0
        chosen[self.model.groups[group].code] = choice
        return choice.gain_centi


def budgeted_effort_curve(model: KnapsackModel, budgets: Mapping[str, float]) -> BudgetedCurve:
    """The least effort for every exact gain with each agency's efforts within its budget.

    `budgets` maps agency keys (`LeverSet.budgets_by_key`) to budgets; an item counts against the budget of
    its `Lever.budget_key`, as in planner.optimiser.solver.
    """
    top = model.max_gain_centi
    by_agency: dict[str, list[int]] = {}
    free: list[int] = []
    for group, lever in enumerate(model.groups):
        key = lever.budget_key
        (by_agency.setdefault(key, []) if key in budgets else free).append(group)
    total = np.full(top + 1, np.inf)
    total[0] = 0.0
    blocks: list[_AgencyBlock] = []
    for key, groups in by_agency.items():
        own = np.full(top + 1, np.inf)
        own[0] = 0.0
        picks: list[npt.NDArray[np.int32]] = []
        for group in groups:
            own, pick = _item_step(model, own, group)
            picks.append(pick)
        own[own > budgets[key] + 1e-7] = np.inf  # the agency's plans over its budget are not allowed
        combined = np.full(top + 1, np.inf)
        share = np.zeros(top + 1, dtype=np.int64)
        for g_own in np.flatnonzero(np.isfinite(own)):  # min-plus convolution, zero share first to win ties
            candidate = np.full(top + 1, np.inf)
            candidate[g_own:] = total[: top + 1 - g_own] + own[g_own]
            better = candidate < combined
            combined[better] = candidate[better]
            share[better] = g_own
        total = combined
        blocks.append(_AgencyBlock(tuple(groups), tuple(picks), share))
    free_picks: list[npt.NDArray[np.int32]] = []
    for group in free:
        total, pick = _item_step(model, total, group)
        free_picks.append(pick)
    return BudgetedCurve(model, total, tuple(blocks), tuple(free), tuple(free_picks))
