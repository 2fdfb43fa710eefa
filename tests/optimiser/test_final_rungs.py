"""The bound from each item's rung in the scored year alone, on a network small enough to check by hand.

Two items over two years, one rung up each: item 0 costs 6, item 1 costs 5. Its answers against the whole path
are checked by the path's oracle tests (tests/optimiser/test_path.py), where a bound one tenth too tight fails."""

from __future__ import annotations

import numpy as np

from planner.optimiser.final_rungs import FinalRungs, best_rungs, columns_of, final_rungs

#: [track][year] -> (from rung, to rung, variable)
ARCS = (
    (((0, 0, 0), (0, 1, 1)), ((0, 0, 2), (0, 1, 3), (1, 1, 4))),
    (((0, 0, 5), (0, 1, 6)), ((0, 0, 7), (0, 1, 8), (1, 1, 9))),
)
COST = np.array([0, 6, 0, 6, 0, 0, 5, 0, 5, 0], dtype=np.float64)
#: the points of each arc in the final year (one point on rung 1)
GAIN = np.array([0, 0, 0, 100, 100, 0, 0, 0, 100, 100], dtype=np.float64)


def _bound(yearly: float) -> FinalRungs:
    problem = final_rungs(ARCS, 1, GAIN, [(COST, 2 * yearly)], yearly >= COST, COST)
    assert problem is not None
    return problem


def test_a_rung_reachable_only_through_a_move_over_its_years_budget_is_not_offered() -> None:
    # 5,5 a year: item 0's one move (6) fits no year, though the two years' 11 would hold it
    problem = _bound(5.5)
    assert best_rungs(problem, [], 5.0) == (100.0, (0, 1))


def test_both_rungs_are_offered_when_each_move_fits_a_year() -> None:
    problem = _bound(6.0)
    assert best_rungs(problem, [], 5.0) == (200.0, (1, 1))
    # the least effort at 100 points: item 1's move
    assert best_rungs(problem, [], 5.0, least_effort_at=100) == (5.0, (0, 1))


def test_a_pick_cut_off_is_not_offered_again() -> None:
    problem = _bound(6.0)
    cut = columns_of(problem, (1, 1))
    found = best_rungs(problem, [cut], 5.0)
    assert found and found[0] == 100.0 and found[1] in ((1, 0), (0, 1))
    # nothing left is said apart from a bound not proved in time (None): every pick is then known checked
    everything = [columns_of(problem, p) for p in ((1, 1), (1, 0), (0, 1), (0, 0))]
    assert best_rungs(problem, everything, 5.0) is False
    assert best_rungs(problem, [], 5.0, least_effort_at=300) is False


def test_an_item_that_cannot_stand_on_any_rung_leaves_the_answer_to_the_path_solve() -> None:
    # no arc of item 1's first year fits: not even staying put (the path solve says what is wrong)
    admissible = COST <= 6.0
    admissible[[5, 6]] = False
    assert final_rungs(ARCS, 1, GAIN, [(COST, 12.0)], admissible, COST) is None
