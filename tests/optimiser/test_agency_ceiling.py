"""The agency ceiling by enumeration (planner.optimiser.agency_ceiling) against every combination of paths."""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
import pytest

from planner.optimiser import agency_ceiling
from planner.optimiser.agency_ceiling import most_points


def _random_paths(rng: np.random.Generator, years: int) -> list[npt.NDArray[np.float64]]:
    """A few items, each with a staying path (no points, no spend) and some paths that spend in some years for
    some points; spends on a half-unit grid, so sums tie budgets exactly, and a few with float noise."""
    items = []
    for _ in range(int(rng.integers(2, 7))):
        n = int(rng.integers(1, 9))
        points = rng.integers(0, 60, size=n).astype(float)
        spend = rng.integers(0, 13, size=(n, years)) / 2.0
        spend[rng.random((n, years)) < 0.4] = 0.0
        if rng.random() < 0.3:
            spend = spend + rng.random((n, years)) * 1e-9
        rows = np.column_stack([points, spend])
        items.append(np.vstack([np.zeros((1, 1 + years)), rows]))
    return items


def _combinations(
    items: list[npt.NDArray[np.float64]], limit: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Every combination of one path per item within `limit`, as rows (points, spend per year), summed item by
    item (a partial sum over a budget is dropped: spends are never negative, so it cannot come back under)."""
    sums = np.zeros((1, 1 + len(limit)))
    for rows in items:
        sums = (sums[:, None, :] + rows[None, :, :]).reshape(-1, sums.shape[1])
        sums = sums[np.all(sums[:, 1:] <= limit, axis=1)]
    return sums


def _best_completion(items: list[npt.NDArray[np.float64]], limit: npt.NDArray[np.float64]) -> float:
    """The most points one path per item reaches within `limit` (-inf: none fits), by every combination."""
    sums = _combinations(items, limit)
    return float(sums[:, 0].max()) if len(sums) else -np.inf


def _exhaustive(paths: list[npt.NDArray[np.float64]], budgets: npt.NDArray[np.float64]) -> int | None:
    """The ceiling by every combination (_best_completion) within `budgets` and the same slack; None when no
    combination fits."""
    best = _best_completion(paths, budgets + agency_ceiling.BUDGET_SLACK)
    return round(best) if best > -np.inf else None


@pytest.mark.parametrize("beam", [agency_ceiling.BEAM, 1])
@pytest.mark.parametrize("block", range(3))
def test_the_ceiling_is_the_best_combination_on_300_random_instances(
    block: int, beam: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exact on 300 instances: budgets that bind, that do not, a year without a budget, exact ties. With a beam
    of one partial choice the first answer is poor and the exhaustive passes must find the optimum: the result
    never rests on the heuristic pass."""
    monkeypatch.setattr(agency_ceiling, "BEAM", beam)
    binding = 0
    for seed in range(100 * block, 100 * (block + 1)):
        rng = np.random.default_rng(seed)
        years = int(rng.integers(1, 5))
        paths = _random_paths(rng, years)
        budgets = rng.integers(0, 20, size=years) / 2.0
        if rng.random() < 0.3:
            budgets[int(rng.integers(0, years))] = np.inf
        expected = _exhaustive(paths, budgets)
        assert most_points(paths, budgets) == expected, seed
        binding += expected is not None and expected < sum(float(p[:, 0].max()) for p in paths)
    assert binding >= 50, binding


def test_items_that_must_spend_every_year_are_exact_or_fit_nowhere_on_200_random_instances() -> None:
    """Upkeep makes every path of an item spend, staying too: then some budgets hold no choice at all, and the
    answer must be None exactly when no combination fits, the best combination otherwise."""
    nothing_fits = fits = 0
    for seed in range(200):
        rng = np.random.default_rng(7000 + seed)
        years = int(rng.integers(1, 5))
        paths = [
            p + np.concatenate([[0.0], rng.integers(1, 4, size=years) / 2.0]) if rng.random() < 0.5 else p
            for p in _random_paths(rng, years)
        ]
        budgets = rng.integers(0, 20, size=years) / 2.0
        expected = _exhaustive(paths, budgets)
        assert most_points(paths, budgets) == expected, seed
        nothing_fits += expected is None
        fits += expected is not None
    assert nothing_fits >= 20 and fits >= 20, (nothing_fits, fits)


def test_nothing_fits_too_many_choices_or_no_time_leave_it_to_the_solver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """None when no path of some item fits the budgets (even staying costs, as upkeep can), when the partial
    choices would outgrow MAX_PAIRS, and when the deadline has passed: the caller then asks HiGHS rather than
    get a wrong ceiling."""
    costly = [np.array([[0.0, 3.0], [5.0, 4.0]]), np.array([[0.0, 0.0], [7.0, 1.0]])]
    assert most_points(costly, np.array([2.0])) is None
    # each item must spend 1 in one of two years and each year holds 1,5: the LP fits halves of all three, whole
    # moves never fit, and the summed-spend bound says so before any pass
    either = np.array([[5.0, 1.0, 0.0], [5.0, 0.0, 1.0]])
    assert _exhaustive([either] * 3, np.array([1.5, 1.5])) is None
    assert most_points([either] * 3, np.array([1.5, 1.5])) is None
    rng = np.random.default_rng(3)
    paths = [np.column_stack([rng.integers(0, 50, 12), rng.integers(0, 5, (12, 2)) / 2.0]) for _ in range(5)]
    budgets = np.array([6.0, 6.0])
    expected = _exhaustive(paths, budgets)
    assert expected is not None and most_points(paths, budgets, deadline=time.perf_counter() + 60) == expected
    assert most_points(paths, budgets, deadline=time.perf_counter() - 1) is None
    # four years, tight budgets: the bounds leave partial choices to weigh (with two years the summed-spend
    # bound is the problem itself, and a pair or two is all a step weighs)
    rng = np.random.default_rng(0)
    paths = [np.column_stack([rng.integers(0, 50, 12), rng.integers(0, 5, (12, 4)) / 2.0]) for _ in range(5)]
    budgets = np.full(4, 3.0)
    expected = _exhaustive(paths, budgets)
    assert expected is not None and most_points(paths, budgets) == expected
    monkeypatch.setattr(agency_ceiling, "MAX_PAIRS", 10)
    assert most_points(paths, budgets) is None


def test_whole_moves_bound_what_the_lp_splits() -> None:
    """Two items of 10 points each cost 3 of one budget of 5: the LP takes one and two thirds of the other
    (16,67), the summed-spend tables count whole moves and say 10, which is the answer."""
    items = [np.array([[0.0, 0.0], [10.0, 3.0]]), np.array([[0.0, 0.0], [10.0, 3.0]])]
    limit = np.array([5.0 + agency_ceiling.BUDGET_SLACK])
    prices = agency_ceiling._lp_prices(items, limit)
    assert prices is not None
    bounds = agency_ceiling._Bounds.of(items, limit, np.array([prices]))
    nothing_chosen = np.zeros((1, 2))
    lagrangian = bounds.rest[0, 0] + float(bounds.finite_limit @ prices)
    assert lagrangian == pytest.approx(10 + 10 * 2 / 3)
    assert bounds.summed.most(0, nothing_chosen)[0] == 10.0
    assert bounds.most(0, nothing_chosen)[0] == 10.0
    assert most_points(items, np.array([5.0])) == 10


@pytest.mark.parametrize("grid", ["halves", "thirds"])
def test_the_summed_spend_bound_holds_for_every_partial_choice_and_is_exact_for_the_halves(grid: str) -> None:
    """On 150 random instances, for every item k and every partial choice of items before it, the tables bound
    the best completion within the yearly budgets left. On the efforts' grain (halves) the bound of the empty
    choice is exactly the most points within each half's summed budget; off any grain (thirds) the steps are
    a share of the budget and the bound only has to hold."""
    exact = 0
    for seed in range(150):
        rng = np.random.default_rng(1000 + seed)
        years = int(rng.integers(1, 6))
        items = _random_paths(rng, years)
        if grid == "thirds":
            items = [np.column_stack([p[:, 0], p[:, 1:] * 2 / 3]) for p in items]
        limit = rng.integers(0, 20, size=years) / 2.0 + agency_ceiling.BUDGET_SLACK
        if rng.random() < 0.3:
            limit[int(rng.integers(0, years))] = np.inf
        summed = agency_ceiling._SummedSpend.of(items, limit)
        for k in range(len(items) + 1):
            prefixes = _combinations(items[:k], limit)
            bound = summed.most(k, prefixes)
            for prefix, most in zip(prefixes, bound, strict=True):
                best = prefix[0] + _best_completion(items[k:], limit - prefix[1:])
                assert most >= best - 1e-9, (seed, k)
        if grid == "halves":
            first, second = summed.halves
            summed_limit = np.array([limit[first].sum(), limit[second].sum()])
            by_halves = [
                np.column_stack([p[:, 0], p[:, 1:][:, first].sum(axis=1), p[:, 1:][:, second].sum(axis=1)])
                for p in items
            ]
            assert summed.most(0, np.zeros((1, 1 + years)))[0] == _best_completion(by_halves, summed_limit), (
                seed
            )
            exact += 1
    assert grid == "thirds" or exact == 150


def test_coarse_steps_weaken_the_bound_but_never_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two steps per half (MOST_STEPS = 2) the summed-spend bound says little, and the passes ask down
    from it: the answer is still the best combination, on 100 random instances."""
    monkeypatch.setattr(agency_ceiling, "MOST_STEPS", 2)
    for seed in range(100):
        rng = np.random.default_rng(5000 + seed)
        years = int(rng.integers(1, 5))
        paths = _random_paths(rng, years)
        budgets = rng.integers(0, 20, size=years) / 2.0
        assert most_points(paths, budgets) == _exhaustive(paths, budgets), seed
