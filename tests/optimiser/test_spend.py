"""The most a budget row can hold: worked examples, then every combination on random rows.

The path's answers with the limits lowered are checked against its oracle (tests/optimiser/test_path.py): a
limit one grain too low fails it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.optimiser.spend import grain, largest_spend


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        ([0.5, 1.5, 3.0], 0.5),
        ([2.0, 4.0, 6.0], 2.0),
        ([0.1, 0.3, 0.7], 0.1),
        ([0.25, 0.75], 0.25),
        ([0.0, 1.5, 0.0], 1.5),
    ],
)
def test_the_grain_is_what_every_cost_is_a_whole_multiple_of(costs: list[float], expected: float) -> None:
    assert grain(np.array(costs)) == pytest.approx(expected)


def test_costs_with_no_usual_grain_or_none_at_all_have_none() -> None:
    assert grain(np.array([1 / 3, 2 / 3])) is None
    assert grain(np.array([0.0, 0.0])) is None
    # float noise around nothing is nothing spent, not a grain of 0 (a limit divided by it would fail)
    assert grain(np.array([1e-12, 0.0])) is None
    assert largest_spend([np.array([1e-12, 2.0]), np.array([3.0])], 4.5) == 3.0


def test_a_budget_between_two_sums_holds_only_the_lower() -> None:
    # the benchmark's case: costs in halves, a budget of 161,28 holds 161 at most
    assert largest_spend([np.array([0.5, 80.0]), np.array([80.5, 1.0])], 161.28) == 160.5
    # two items of 3 under 5,5: one of them, not 5,5
    assert largest_spend([np.array([3.0]), np.array([3.0])], 5.5) == 3.0


def test_no_item_has_to_spend() -> None:
    # a cost over the limit is never taken; nothing spent is always possible
    assert largest_spend([np.array([7.0])], 5.0) == 0.0
    assert largest_spend([np.array([2.0, 3.0]), np.array([5.0])], 9.0) == 8.0


def test_a_limit_is_kept_when_the_costs_share_no_grain() -> None:
    assert largest_spend([np.array([1 / 3]), np.array([2 / 3])], 0.9) == 0.9
    assert largest_spend([], 4.0) == 4.0


def test_the_largest_spend_equals_every_combination_on_random_rows() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        quantum = float(rng.choice([1.0, 0.5, 0.1, 0.25]))
        items = [
            rng.integers(1, 12, size=int(rng.integers(1, 4))) * quantum
            for _ in range(int(rng.integers(1, 6)))
        ]
        limit = float(rng.uniform(0, 30)) * quantum
        best = max(
            (
                total
                for picks in itertools.product(*[[0.0, *costs] for costs in items])
                if (total := sum(picks)) <= limit + 1e-9
            ),
        )
        assert largest_spend(items, limit) == pytest.approx(best, abs=1e-9)
