"""The least effort for every number of points gained, in one pass: what makes the frontier fast.

The frontier asks the same knapsack for up to 62 targets. Each exact MILP solve costs a few milliseconds of
solver set-up even when it is easy, so a province at the bottom of the table (62 ranks to climb) would wait
seconds. Dynamic programming over integer hundredths answers every target at once: best[g] is the least effort
whose chosen levels gain exactly g hundredths, built item by item, with the choice behind each entry kept so a
plan can be read back. For a target of at least `need` hundredths the plan is the least effort over g ≥ need,
and among plans of that effort the one with the most points, the same rule the MILP applies
(planner.optimise.solve), so both give the same effort and points; tests/test_effort_curve.py holds them equal.

The curve carries no budget rows: with agency budgets (a second dimension) the frontier solves each point with
the MILP instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.levers import Choice
from planner.optimise import KnapsackModel, Selection

_TIE = 1e-7


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
        need = max(0, need_centi)
        if need > self.max_gain_centi:
            return None
        tail = self.best[need:]
        least = float(tail.min())
        if not np.isfinite(least):
            return None
        tolerance = 1e-9 * max(1.0, abs(least)) + _TIE
        gain = int(np.flatnonzero(tail <= least + tolerance).max()) + need
        return self._read_back(gain)

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


def effort_curve(model: KnapsackModel) -> EffortCurve:
    """The least effort for every exact gain, over the undominated levels of `model` (budgets ignored)."""
    top = model.max_gain_centi
    best = np.full(top + 1, np.inf)
    best[0] = 0.0
    picks: list[npt.NDArray[np.int32]] = []
    for group in range(len(model.groups)):
        variables = np.flatnonzero(model.group_of == group)
        new = np.full_like(best, np.inf)
        pick = np.full(top + 1, -1, dtype=np.int32)
        for index in variables:  # the "stay" variable comes first, so it wins exact ties
            gain = int(model.gain[index])
            candidate = np.full_like(best, np.inf)
            candidate[gain:] = best[: top + 1 - gain] + model.cost[index]
            better = candidate < new
            new[better] = candidate[better]
            pick[better] = int(index)
        best = new
        picks.append(pick)
    return EffortCurve(model, best, tuple(picks))
