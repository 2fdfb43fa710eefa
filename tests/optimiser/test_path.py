"""The path over several years: the MILP against the dynamic-programming oracle, and the model's rules one by one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from optimiser_fixtures import (
    AGENCIES,
    random_baseline,
    random_effort,
    random_methodology,
    record_ceilings,
    solve_whole,
)
from path_oracle import PathSpec, best_path, items_of

from planner.core.errors import OptimiseError, OptimiseTimeLimit
from planner.core.text import agency_key
from planner.methodology.rules import from_centi
from planner.methodology.scoring import item_options
from planner.optimiser.effort import EffortEntry, EffortTable
from planner.optimiser.horizon import PathSettings, YearTarget, optimise_path, parse_years
from planner.optimiser.levers import build_levers

FIRST = 2031


def _random_instance(seed: int) -> tuple[object, PathSettings, PathSpec]:
    rng = np.random.default_rng(seed)
    m = random_methodology(rng, int(rng.integers(2, 5)), max_levels=4)
    baseline = random_baseline(rng, m)
    table = random_effort(
        rng, m, baseline, cap_share=0.15, zero_share=0.1, decimals=int(rng.choice([0, 1, 2, 4]))
    )
    levers = build_levers(m, baseline, table)
    items = items_of(m, baseline, table)
    T = int(rng.integers(1, 4))
    years = tuple(range(FIRST, FIRST + T))
    headroom = sum(i.steps[-1].gain for i in items)
    spec = PathSpec(needs=[], budgets=[], agency_budgets=[])
    targets: list[YearTarget] = []
    budgets: dict[int, float] = {}
    agency_budgets: dict[int, dict[str, float]] = {}
    for t, year in enumerate(years):
        need: int | None = None
        if rng.random() < 0.7 or t == T - 1:
            need = int(rng.integers(0, max(1, int(headroom * 1.1)) + 1))
            targets.append(
                YearTarget(year=year, kind="score", score=from_centi(levers.baseline_centi + need))
            )
        spec.needs.append(need)
        budget = None
        if rng.random() < 0.5:
            budget = float(round(rng.uniform(0, 60), int(rng.integers(0, 2))))
            budgets[year] = budget
        spec.budgets.append(budget)
        per_agency: dict[str, float] = {}
        if rng.random() < 0.3:
            per_agency[AGENCIES[int(rng.integers(0, len(AGENCIES)))]] = float(rng.integers(0, 40))
            agency_budgets[year] = per_agency
        spec.agency_budgets.append(per_agency)
    upkeep: dict[str, float] = {}
    locked: dict[str, tuple[int, ...]] = {}
    deadlines: dict[str, int] = {}
    caps: dict[str, dict[int, str]] = {}
    for item in items:
        if rng.random() < 0.25:
            upkeep[item.code] = float(rng.integers(1, 6))
        if rng.random() < 0.2:
            year = years[int(rng.integers(0, T))]
            locked[item.code] = (year,)
            spec.frozen.add((item.code, years.index(year)))
        if rng.random() < 0.15:
            deadline = years[int(rng.integers(0, T))]
            deadlines[item.code] = deadline
            spec.frozen |= {(item.code, i) for i, y in enumerate(years) if y > deadline}
        if rng.random() < 0.2:
            options = item_options(m.item(item.code))
            index = int(rng.integers(0, len(options)))
            year = years[int(rng.integers(0, T))]
            caps[item.code] = {year: options[index].id}
            spec.caps[(item.code, years.index(year))] = index
    spec.upkeep = upkeep
    settings = PathSettings(
        years=years,
        targets=tuple(targets),
        budgets=budgets,
        agency_budgets=agency_budgets,
        upkeep=upkeep,
        locked=locked,
        caps=caps,
        deadlines=deadlines,
    )
    return levers, settings, spec


@pytest.mark.parametrize("block", range(6))
def test_the_path_equals_the_dynamic_programme_on_300_random_instances(block: int) -> None:
    statuses = {"optimal": 0, "infeasible": 0}
    for seed in range(block * 50, block * 50 + 50):
        levers, settings, spec = _random_instance(seed)
        items = items_of(levers.methodology, levers.baseline, EffortTable(**_table_fields(levers)))
        kind, value = best_path(items, spec)
        result = optimise_path(levers, settings, bands=False)  # type: ignore[arg-type]
        statuses[result.status] += 1
        _is_the_oracles(result, kind, value, seed)
    # the instances exercise both answers
    assert statuses["optimal"] >= 5 and statuses["infeasible"] >= 5, statuses


def _is_the_oracles(result: Any, kind: str, value: Any, seed: int) -> None:
    """`result` (optimise_path's) is the dynamic programme's answer (path_oracle.best_path's `kind`, `value`)."""
    final_gain = round((result.final.score - result.baseline_score) * 100)
    if kind == "feasible":
        assert result.status == "optimal", seed
        assert result.effort_total == pytest.approx(value[0], abs=1e-6), seed
        assert -final_gain == value[1], seed
        assert all(y.met for y in result.years), seed
    else:
        assert result.status == "infeasible", seed
        assert -final_gain == value[0], seed
        assert result.effort_total == pytest.approx(value[1], abs=1e-6), seed
        assert not all(y.met for y in result.years), seed


def _yes_no_levers(points: Sequence[int], agencies: Sequence[str], efforts: Sequence[float]) -> Any:
    """The levers of a one-criterion scheme of yes/no items, item k worth `points[k]`, led by `agencies[k]`,
    its "yes" costing `efforts[k]`, every item at "no" today."""
    from planner.methodology.files import methodology_from_mapping
    from planner.methodology.scenario import ItemSetting, Scenario

    subs = [
        {
            "code": f"1.1.{k + 1}",
            "name_vi": f"Tiêu chí thành phần {k + 1}",
            "max_points": str(points[k]),
            "rule": {"type": "yes_no", "basis": "source", "source": "test"},
            "lead_agencies": [agencies[k]],
        }
        for k in range(len(points))
    ]
    total = str(sum(points))
    m = methodology_from_mapping(
        {
            "id": "tied-test",
            "name_vi": "Hoà điểm",
            "total_points": total,
            "areas": [
                {
                    "code": "1",
                    "name_vi": "Lĩnh vực 1",
                    "max_points": total,
                    "criteria": [
                        {"code": "1.1", "name_vi": "Tiêu chí", "max_points": total, "sub_criteria": subs}
                    ],
                }
            ],
        }
    )
    items = {i.code: ItemSetting(level=item_options(i)[0].id) for i in m.scored_items}
    entries = tuple(
        EffortEntry(code=i.code, level=item_options(i)[-1].id, effort=effort)
        for i, effort in zip(m.scored_items, efforts, strict=True)
    )
    return build_levers(m, Scenario(methodology=m.id, items=items), EffortTable(entries=entries))


def _tied_instance(
    seed: int, *, need: int = 700, whole: bool = False
) -> tuple[object, PathSettings, PathSpec]:
    """Seven items worth one point each, two levels, random efforts, two years whose budgets fit a few of them,
    and a final target out of reach: the best path has many picks of equal points and one of least effort.
    With a lower `need` (hundredths), `whole` efforts (0-3) and items worth 1-3 points the target is often met,
    by many paths of equal least effort and different points."""
    rng = np.random.default_rng(seed)
    points = [1 + k % 3 if whole else 1 for k in range(7)]
    efforts = [float(rng.integers(0, 4)) if whole else round(float(rng.uniform(1, 10)), 1) for _ in range(7)]
    levers = _yes_no_levers(points, [AGENCIES[k % 2] for k in range(7)], efforts)
    years = (FIRST, FIRST + 1)
    yearly = float(round(rng.uniform(6, 14), 1))
    settings = PathSettings(
        years=years,
        targets=(YearTarget(year=years[-1], kind="score", score=from_centi(levers.baseline_centi + need)),),
        budgets=dict.fromkeys(years, yearly),
    )
    spec = PathSpec(needs=[None, need], budgets=[yearly, yearly], agency_budgets=[{}, {}])
    return levers, settings, spec


def test_a_pick_the_yearly_agency_budgets_cannot_hold_brings_the_ceilings_into_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The least-effort bound sums each budget over the years. Agency A (5 a year) has three moves of 3 for two
    points each and one of 2 for one point: 5 can be spent in a year (3 + 2), so the bound allows 10 over two
    years, but no year holds two moves of 3. For six points its first pick, A's three moves of 3 (9), cannot be
    reached; the agency ceilings are then added (A reaches five points within its yearly budgets, B four), the
    bound says 10 (two of A's moves of 3 and one of B's 4) and that path proves it. Where a ceiling binds, one a
    point too low brings in C's dearer moves (eight points: B's four, 14, would become 20). Against the dynamic
    programme, with no solve of the whole path where a target can be met."""
    from planner.optimiser.path import PathProgramme

    real = PathProgramme._with_ceilings
    tightened: list[bool] = []

    def watched(self: PathProgramme, problem: Any, *args: Any) -> Any:
        tighter = real(self, problem, *args)
        tightened.append(tighter.rows.shape != problem.rows.shape)
        return tighter

    monkeypatch.setattr(PathProgramme, "_with_ceilings", watched)
    proved_both = _watch_shortcut(monkeypatch, "_least_effort_from_final_rungs")
    a, b, c = AGENCIES[:3]
    levers = _yes_no_levers(
        [2, 2, 2, 1, 2, 2, 1, 1, 1],
        [a, a, a, a, b, b, c, c, c],
        [3.0, 3.0, 3.0, 2.0, 4.0, 4.0, 5.0, 5.0, 5.0],
    )
    years = (FIRST, FIRST + 1)
    yearly = {a: 5.0, b: 4.0}
    items = items_of(levers.methodology, levers.baseline, EffortTable(**_table_fields(levers)))
    efforts: dict[int, float] = {}
    for points in (6, 8, 10, 12, 13):
        need = 100 * points
        settings = PathSettings(
            years=years,
            targets=(
                YearTarget(year=years[-1], kind="score", score=from_centi(levers.baseline_centi + need)),
            ),
            agency_budgets=dict.fromkeys(years, yearly),
        )
        spec = PathSpec(needs=[None, need], budgets=[None, None], agency_budgets=[yearly, yearly])
        kind, value = best_path(items, spec)
        result = optimise_path(levers, settings, bands=False, blockers=False)
        _is_the_oracles(result, kind, value, points)
        efforts[points] = result.effort_total
    assert efforts[6] == 10.0 and efforts[8] == 14.0
    assert tightened == [True] * 5, tightened
    assert proved_both == [True, True, True, True, False], proved_both  # thirteen points are out of reach


def _watch_shortcut(monkeypatch: pytest.MonkeyPatch, name: str) -> list[bool]:
    """Whether each call of PathProgramme's final-rungs shortcut `name` proved both objectives, as they come."""
    from planner.optimiser.path import PathProgramme

    shortcut = getattr(PathProgramme, name)
    proved_both: list[bool] = []

    def watched(self: PathProgramme, *args: Any, **kwargs: Any) -> Any:
        found = shortcut(self, *args, **kwargs)
        proved_both.append(found is not None and found[1])
        return found

    monkeypatch.setattr(PathProgramme, name, watched)
    return proved_both


def test_among_paths_of_equal_points_the_best_path_is_the_least_effort_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When no path meets the targets, the answer is the most final-year points and, among the many paths that
    bring them, the least effort. The most-points answer is often proved from each item's final rung alone
    (planner.optimiser.final_rungs) and its least effort by the same bound; here ties are everywhere, so a
    shortcut that kept the first pick it could reach, instead of the cheapest, would show."""
    proved_both = _watch_shortcut(monkeypatch, "_from_final_rungs")
    checked = 0
    for seed in range(40):
        levers, settings, spec = _tied_instance(seed)
        items = items_of(levers.methodology, levers.baseline, EffortTable(**_table_fields(levers)))  # type: ignore[attr-defined]
        kind, value = best_path(items, spec)
        if kind == "feasible":  # every item fitted the budgets: no tie to break
            continue
        checked += 1
        result = optimise_path(levers, settings, bands=False)  # type: ignore[arg-type]
        assert result.status == "infeasible", seed
        assert -round((result.final.score - result.baseline_score) * 100) == value[0], seed
        assert result.effort_total == pytest.approx(value[1], abs=1e-6), seed
    assert checked >= 30
    # the shortcut answered most of them on its own: this test is about it
    assert sum(proved_both) >= 20, proved_both


def test_among_paths_of_least_effort_the_answer_brings_the_most_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When a path meets the targets, the answer is the least effort and, among the paths of that effort, the
    most final-year points. Both are often proved from each item's final rung alone (PathProgramme.
    _least_effort_from_final_rungs); here free items and equal efforts tie many paths, so a shortcut that kept
    the first least-effort path it reached, instead of the one with the most points, would show."""
    proved_both = _watch_shortcut(monkeypatch, "_least_effort_from_final_rungs")
    checked = 0
    for seed in range(60):
        rng = np.random.default_rng(1000 + seed)
        levers, settings, spec = _tied_instance(seed, need=int(rng.integers(1, 6)) * 100, whole=True)
        items = items_of(levers.methodology, levers.baseline, EffortTable(**_table_fields(levers)))  # type: ignore[attr-defined]
        kind, value = best_path(items, spec)
        if kind != "feasible":
            continue
        checked += 1
        result = optimise_path(levers, settings, bands=False)  # type: ignore[arg-type]
        assert result.status == "optimal", seed
        assert result.effort_total == pytest.approx(value[0], abs=1e-6), seed
        assert -round((result.final.score - result.baseline_score) * 100) == value[1], seed
    assert checked >= 30, checked
    # the shortcut answered most of them on its own: this test is about it
    assert sum(proved_both) >= 20, proved_both


def test_no_solve_swaps_the_warning_filters_the_blockers_threads_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The blockers' solves run in threads, and Python's warning filters are one list for the process. scipy
    turns a dense constraint matrix into floats under warnings.catch_warnings with an "error" filter; two
    threads doing it restore each other's lists, and a solve given a cutoff then had scipy's warning about it
    raised as an error (the bench crashed on it). Every matrix handed to scipy is sparse, so none is entered."""
    import warnings

    entered: list[str] = []
    real_enter = warnings.catch_warnings.__enter__

    def watched(self: warnings.catch_warnings) -> Any:  # type: ignore[type-arg]
        entered.append("entered")
        return real_enter(self)

    monkeypatch.setattr(warnings.catch_warnings, "__enter__", watched)
    levers, settings, competitions = _quang_ngai_out_of_reach()
    assert optimise_path(levers, settings, competitions).blockers
    for seed in range(12):
        levers, settings, _ = _tied_instance(seed)
        optimise_path(levers, settings, bands=False)  # type: ignore[arg-type]
        levers, settings, _ = _tied_instance(seed, need=300, whole=True)
        optimise_path(levers, settings, bands=False)  # type: ignore[arg-type]
    assert entered == []


def _item_paths(arcs: Any) -> list[tuple[int, ...]]:
    """Every path of one item's network: its arcs' variables, one per year."""
    paths: list[tuple[tuple[int, ...], int]] = [((), 0)]
    for year_arcs in arcs:
        paths = [((*vs, v), b) for vs, rung in paths for a, b, v in year_arcs if a == rung]
    return [vs for vs, _ in paths]


def test_a_check_of_picked_rungs_is_the_least_effort_path_standing_on_them() -> None:
    """The final-rungs shortcuts check a pick of rungs with PathProgramme._on_rungs, which looks first among
    each item's cheapest ways to its pick (any path found there is of least effort) and only then at every
    arc. Against every combination of the items' paths, on random instances with targets, budgets, upkeep,
    locks and caps: the least effort standing on the picks within every row, or none; the cheapest ways are
    those of the items' cheapest paths; and some checks need the second look (a cheapest way breaks a row)."""
    import itertools
    import time

    from planner.optimiser.horizon import problem_of
    from planner.optimiser.path import compile_path

    rng = np.random.default_rng(2031)
    checked = second_look = none = 0
    for seed in range(200):
        levers, settings, _ = _random_instance(seed)
        problem, _, _ = problem_of(levers, settings)  # type: ignore[arg-type]
        programme = compile_path(problem)
        if programme.n == 0:
            continue
        # the targets' rows as a least-effort check has them, or none as a most-points one
        needs = [(t, need) for t, need in enumerate(problem.need_centi) if need is not None and seed % 2]
        rows = [programme.gain_rows[t] for t, _ in needs]
        lo = [float(need) for _, need in needs]
        budget_rows, limits, _ = programme._budget_rows(problem.budgets, problem.agency_budgets)
        programme_rows = (
            rows + budget_rows,
            lo + [-np.inf] * len(budget_rows),
            [np.inf] * len(rows) + limits,
        )
        matrix = np.vstack([np.zeros(programme.n), *programme_rows[0]])[1:]
        year = int(rng.integers(0, programme.T))
        # a rung each item can stand on in that year: where one of its paths is
        rung_of = {v: b for arcs in programme.arcs for year_arcs in arcs for _, b, v in year_arcs}
        picks = tuple(
            rung_of[paths[int(rng.integers(0, len(paths)))][year]]
            for paths in (_item_paths(arcs) for arcs in programme.arcs)
        )
        standing = []
        for arcs, pick in zip(programme.arcs, picks, strict=True):
            on_pick = {v for _, b, v in arcs[year] if b == pick}
            standing.append([vs for vs in _item_paths(arcs) if vs[year] in on_pick])
        if math.prod(len(paths) for paths in standing) > 20_000:
            continue
        cost = programme._cost
        # the cheapest ways: the arcs of each item's cheapest paths to its pick, every row aside
        expected = np.zeros(programme.n, dtype=bool)
        for paths in standing:
            least = min(sum(cost[v] for v in vs) for vs in paths)
            for vs in paths:
                if sum(cost[v] for v in vs) <= least + 1e-9:
                    expected[list(vs)] = True
        cheapest = programme._cheapest_arcs(year, picks)
        assert cheapest is not None and np.array_equal(cheapest, expected), seed
        best: float | None = None
        best_on_cheapest = False
        for combination in itertools.product(*standing):
            x = np.zeros(programme.n)
            x[[v for vs in combination for v in vs]] = 1.0
            lhs = matrix @ x
            if np.all(lhs >= np.array(programme_rows[1]) - 1e-9) and np.all(
                lhs <= np.array(programme_rows[2]) + 1e-9
            ):
                best = float(cost @ x) if best is None else min(best, float(cost @ x))
                best_on_cheapest = best_on_cheapest or bool(np.all(expected[x == 1.0]))
        found = programme._on_rungs(year, picks, programme_rows, time.perf_counter() + 30.0)
        assert found is not False, seed
        if best is None:
            assert found is None, seed
            none += 1
            continue
        assert found is not None, seed
        assert float(cost @ found) == pytest.approx(best, abs=1e-6), seed
        checked += 1
        second_look += not best_on_cheapest
    assert checked >= 60 and second_look >= 3 and none >= 10, (checked, second_look, none)


def test_each_budget_blocker_holds_back_what_the_dynamic_programme_finds() -> None:
    """A budget blocker's points are the final-year points the best path gains when that one budget is lifted.
    The planner finds them with one solve per budget, two at a time, each told the best path's points as a
    cutoff; the oracle redoes each relaxation from scratch (the final-year target made unreachable, so its
    answer is the most final-year points the other budgets allow)."""
    import dataclasses

    checked = 0
    for seed in range(300):
        levers, settings, spec = _random_instance(seed)
        if not settings.budgets and not settings.agency_budgets:
            continue
        result = optimise_path(levers, settings, bands=False)  # type: ignore[arg-type]
        if result.status != "infeasible":
            continue
        items = items_of(levers.methodology, levers.baseline, EffortTable(**_table_fields(levers)))  # type: ignore[attr-defined]
        unreachable = [None] * (len(spec.needs) - 1) + [10**9]
        _, best = best_path(items, dataclasses.replace(spec, needs=unreachable))
        expected: dict[tuple[str, int, str | None], int] = {}
        for t, year in enumerate(settings.years):
            relaxations: list[tuple[str | None, PathSpec]] = []
            if spec.budgets[t] is not None:
                lifted = [None if i == t else b for i, b in enumerate(spec.budgets)]
                relaxations.append((None, dataclasses.replace(spec, needs=unreachable, budgets=lifted)))
            for agency in spec.agency_budgets[t]:
                others = [dict(b) for b in spec.agency_budgets]
                others[t].pop(agency)
                relaxations.append(
                    (agency, dataclasses.replace(spec, needs=unreachable, agency_budgets=others))
                )
            for agency, relaxed in relaxations:
                _, value = best_path(items, relaxed)
                gained = round(best[0] - value[0])
                if gained > 0:
                    expected[("budget" if agency is None else "agency_budget", year, agency)] = gained
        found = {
            (b.kind, b.year, b.agency or None): round(b.points * 100)
            for b in result.blockers
            if b.kind in ("budget", "agency_budget")
        }
        assert found == expected, seed
        checked += bool(expected)
    assert checked >= 10, checked


def test_blockers_found_after_the_path_are_those_found_with_it() -> None:
    """The page shows the best path first and its blockers when they are found (path_with_blockers): on the
    random instances with budgets that have no path to their targets, the two steps give exactly the result of
    optimise_path with its blockers inline, and a path that meets its targets comes back as it was."""
    from planner.optimiser.horizon import path_with_blockers

    checked = met = 0
    for seed in range(120):
        levers, settings, _ = _random_instance(seed)
        if not settings.budgets and not settings.agency_budgets:
            continue
        inline = optimise_path(levers, settings, bands=False)  # type: ignore[arg-type]
        first = optimise_path(levers, settings, bands=False, blockers=False)  # type: ignore[arg-type]
        later = path_with_blockers(levers, settings, first)  # type: ignore[arg-type]
        if inline.status != "infeasible":
            assert later is first, seed
            met += 1
            continue
        assert first.blockers == (), seed
        assert later.blockers == inline.blockers and later.blockers_complete, seed
        assert later.model_copy(update={"solve_seconds": 0.0}) == inline.model_copy(
            update={"solve_seconds": 0.0}
        )
        checked += bool(inline.blockers)
    assert checked >= 10 and met >= 5, (checked, met)


def test_blockers_are_refused_for_a_path_of_other_settings() -> None:
    """A result read back against settings it was not solved for (here: a year's budget changed, or another
    horizon) is refused with a message in the user's language, not analysed as if it were that path."""
    from planner.core.i18n import t
    from planner.optimiser.horizon import path_with_blockers

    levers, settings, competitions = _quang_ngai_out_of_reach()
    first = optimise_path(levers, settings, competitions, blockers=False)
    assert first.status == "infeasible" and first.final.effort > 0
    final_year = settings.years[-1]
    tighter = settings.model_copy(
        update={"budgets": {**settings.budgets, final_year: first.final.effort / 2}}
    )
    shorter = settings.model_copy(update={"years": settings.years[1:]})
    for other in (tighter, shorter):
        with pytest.raises(OptimiseError) as caught:
            path_with_blockers(levers, other, first, competitions)
        assert caught.value.key == "path.result_mismatch"
        for lang in ("vi", "en"):
            assert "{" not in t(caught.value.key, lang)
    assert path_with_blockers(levers, settings, first, competitions).blockers == (
        optimise_path(levers, settings, competitions).blockers
    )


def _agency_budget_instance(seed: int) -> tuple[object, PathSettings, PathSpec]:
    """A random instance with a budget every year for two agencies and a final target out of reach: its answer
    is the most final-year points, where the agency ceilings are added."""
    import dataclasses

    levers, settings, spec = _random_instance(seed)
    rng = np.random.default_rng(10_000 + seed)
    chosen = [AGENCIES[int(i)] for i in rng.choice(len(AGENCIES), size=2, replace=False)]
    by_year = [{name: float(rng.integers(0, 25)) for name in chosen} for _ in settings.years]
    unreachable = [None] * (len(spec.needs) - 1) + [10**9]
    targets = (YearTarget(year=settings.years[-1], kind="score", score=100.0),)
    settings = settings.model_copy(
        update={"targets": targets, "agency_budgets": dict(zip(settings.years, by_year, strict=True))}
    )
    return levers, settings, dataclasses.replace(spec, needs=unreachable, agency_budgets=by_year)


def _best_path_is_the_oracles(seed: int) -> tuple[list[Any], PathSpec]:
    """Solves instance `seed` of _agency_budget_instance and checks its best path against the dynamic programme;
    returns the oracle's items and the instance."""
    levers, settings, spec = _agency_budget_instance(seed)
    items = items_of(levers.methodology, levers.baseline, EffortTable(**_table_fields(levers)))  # type: ignore[attr-defined]
    result = optimise_path(levers, settings, bands=False, blockers=False)  # type: ignore[arg-type]
    kind, value = best_path(items, spec)
    assert kind == "infeasible" and result.status == "infeasible", seed
    assert round((result.final.score - result.baseline_score) * 100) == -value[0], seed
    assert result.effort_total == pytest.approx(value[1], abs=1e-6), seed
    return items, spec


@pytest.mark.parametrize("how", ["enumerated", "solved"])
def test_an_agency_ceiling_is_the_most_its_items_reach_on_their_own_and_the_best_path_stays_exact(
    monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Each agency's ceiling (a row the most-points solve adds) is exactly what the dynamic programme finds for
    that agency's items alone within that agency's budgets, and the best path with the ceilings in place is
    still the oracle's. A ceiling too high would pass the second check and fail the first; one too low fails
    both. Both ways of proving a ceiling are checked: enumerating the items' paths (what these small networks
    get) and, for networks with too many paths, HiGHS."""
    import dataclasses

    from planner.optimiser import path as path_module

    if how == "solved":
        monkeypatch.setattr(path_module, "_MAX_TRACK_PATHS", 0)
    solver_calls: list[object] = []
    real_bound = path_module.proven_bound

    def counted(*args: Any) -> float | None:
        solver_calls.append(args)
        return real_bound(*args)

    monkeypatch.setattr(path_module, "proven_bound", counted)
    proved = record_ceilings(monkeypatch)
    compared = below_headroom = 0
    for seed in range(100):
        proved.clear()
        items, spec = _best_path_is_the_oracles(seed)
        for (_, key, limits), ceiling in proved:
            own = [item for item in items if item.agency == key]
            alone = dataclasses.replace(
                spec,
                budgets=[None] * len(limits),
                agency_budgets=[
                    {name: v for name, v in per_year.items() if agency_key(name) == key}
                    for per_year in spec.agency_budgets
                ],
            )
            _, most = best_path(own, alone)
            assert ceiling == -most[0], (seed, key)
            compared += 1
            below_headroom += ceiling < sum(item.steps[-1].gain for item in own)
    # the ceilings are many, and most of them hold the agency below what its items could reach unbudgeted
    assert compared >= 40 and below_headroom >= 20, (compared, below_headroom)
    assert len(solver_calls) == (0 if how == "enumerated" else compared)


def _second_solves_run_out(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every solve given a cutoff (the second of a lexicographic pair) stops on its time limit with nothing new;
    the others are the real solves. Returns the cutoffs asked for, as they come."""
    from planner.optimiser import path as path_module

    real = path_module.exact_milp
    cutoffs: list[float] = []

    def second_runs_out(*args: object, **kwargs: object) -> object:
        cutoff = kwargs.get("cutoff")
        if isinstance(cutoff, float):
            cutoffs.append(cutoff)
            raise OptimiseTimeLimit("optimise.time_limit", seconds=1.0)
        return real(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(path_module, "exact_milp", second_runs_out)
    return cutoffs


def test_a_tie_break_stopped_by_the_time_limit_keeps_the_most_points_unproven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The best path is two solves: the most final-year points, then the least effort among paths with them
    (given the first answer's effort as a cutoff). When time runs out in the second, the first answer stands:
    the most points, its effort not proved least, and the result says so."""
    levers, settings, competitions = _quang_ngai_out_of_reach()
    proven = optimise_path(levers, settings, competitions, blockers=False)
    _second_solves_run_out(monkeypatch)
    stopped = optimise_path(levers, settings, competitions, blockers=False)
    assert stopped.status == "infeasible" and not stopped.best_proven
    assert stopped.final.score == proven.final.score
    assert stopped.effort_total >= proven.effort_total - 1e-9


def test_a_blocker_analysis_out_of_time_leaves_out_what_it_could_not_prove_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The blocker analysis has one time limit for all its solves (a relaxed budget can be as hard as the best
    path, and twelve of them once kept the page 80 s). With no time left it lists only what needs no solve,
    and the result says so in the JSON, the CLI and the workbook."""
    import io

    import openpyxl

    from planner.cli.path import print_path
    from planner.core.i18n import t
    from planner.files.excel.path import write_path_workbook
    from planner.optimiser.horizon import path_blockers, problem_of
    from planner.optimiser.path import compile_path

    levers, settings, competitions = _quang_ngai_out_of_reach()
    full = optimise_path(levers, settings, competitions)
    assert full.blockers_complete and full.to_json()["blockers_complete"] is True and full.caveats() == ()
    problem, _, _ = problem_of(levers, settings, competitions)
    programme = compile_path(problem)
    best = programme.solve(
        "max_points", budgets=problem.budgets, agency_budgets=problem.agency_budgets, time_limit=30.0
    )
    assert best is not None
    in_time = path_blockers(problem, programme, best, 30.0)
    assert in_time.complete and in_time.blockers == full.blockers
    late = path_blockers(problem, programme, best, 0.0)
    assert not late.complete
    assert {b.kind for b in late.blockers} == {"survey"}  # held back for good: no solve needed
    assert {"maximum", "budget"} <= {b.kind for b in full.blockers}

    shown = full.model_copy(update={"blockers": late.blockers, "blockers_complete": False})
    assert shown.to_json()["blockers_complete"] is False
    for lang in ("vi", "en"):
        assert shown.caveats(lang) == (t("app.path.blockers_incomplete", lang),)
    print_path(shown, levers, "vi")
    assert t("app.path.blockers_incomplete", "vi") in capsys.readouterr().out
    book = openpyxl.load_workbook(io.BytesIO(write_path_workbook(levers, shown, levers.methodology, "en")))
    notes = [c.value for row in book[t("excel.sheet.path", "en")].iter_rows(max_col=1) for c in row]
    assert "! " + t("app.path.blockers_incomplete", "en") in notes


def _table_fields(levers: object) -> dict[str, object]:
    from planner.optimiser.levers import LeverSet

    assert isinstance(levers, LeverSet)
    table = levers.effort_table()
    return {"entries": table.entries, "constraints": table.constraints, "unit": table.unit}


def _qd2636_levers(effort: EffortTable | None = None):  # type: ignore[no-untyped-def]
    from optimiser_fixtures import qd2636, realistic_baseline

    m = qd2636()
    baseline = realistic_baseline(np.random.default_rng(4), m)
    return build_levers(m, baseline, effort)


def test_a_level_reached_is_kept_and_paid_for_once() -> None:
    levers = _qd2636_levers()
    gain = 300
    settings = PathSettings(
        years=(2031, 2032, 2033),
        targets=tuple(
            YearTarget(year=y, kind="score", score=from_centi(levers.baseline_centi + gain))
            for y in (2031, 2032, 2033)
        ),
    )
    result = optimise_path(levers, settings, bands=False)
    assert result.status == "optimal"
    # everything is done in the first year and kept: the later years cost nothing and move nothing
    assert result.years[1].effort == result.years[2].effort == 0.0
    assert not result.years[1].changes and not result.years[2].changes
    assert result.years[0].score == result.years[2].score >= from_centi(levers.baseline_centi + gain)


def test_upkeep_is_charged_every_later_year() -> None:
    levers = _qd2636_levers()
    target = from_centi(levers.baseline_centi + 100)
    settings = PathSettings(
        years=(2031, 2032, 2033),
        targets=(YearTarget(year=2031, kind="score", score=target),),
    )
    plain = optimise_path(levers, settings, bands=False)
    moved = [c.code for c in plain.years[0].changes]
    with_upkeep = optimise_path(
        levers, settings.model_copy(update={"upkeep": dict.fromkeys(moved, 2.0)}), bands=False
    )
    # the same items may still be best, but each pays 2 a year in 2032 and 2033, or others are chosen
    assert with_upkeep.effort_total >= plain.effort_total
    upkept = sum(2.0 for y in with_upkeep.years[1:] for c in with_upkeep.years[0].changes if c.code in moved)
    assert with_upkeep.years[1].upkeep + with_upkeep.years[2].upkeep == pytest.approx(upkept)


def test_a_move_costs_the_difference_of_the_efforts_from_today() -> None:
    levers = _qd2636_levers()
    lever = next(lv for lv in levers.movable if len(lv.upgrades) >= 2)
    low, high = sorted(lever.upgrades, key=lambda c: c.gain_centi)[:2]
    table = EffortTable(
        entries=(
            EffortEntry(code=lever.code, level=low.level, effort=4.0),
            EffortEntry(code=lever.code, level=high.level, effort=10.0),
        ),
        constraints=tuple(
            {"code": lv.code, "locked": True} for lv in levers.movable if lv.code != lever.code
        ),  # type: ignore[arg-type]
    )
    levers = _qd2636_levers(table)
    base = levers.baseline_centi
    settings = PathSettings(
        years=(2031, 2032),
        targets=(
            YearTarget(year=2031, kind="score", score=from_centi(base + low.gain_centi)),
            YearTarget(year=2032, kind="score", score=from_centi(base + high.gain_centi)),
        ),
        budgets={2031: 5.0, 2032: 6.0},
    )
    result = optimise_path(levers, settings, bands=False)
    assert result.status == "optimal"
    assert [c.effort for c in result.years[0].changes] == [4.0]
    second = result.years[1].changes[0]
    assert (second.from_level, second.to_level, second.effort) == (low.level, high.level, 6.0)
    # one unit less in the second year and the path cannot reach the high level
    tight = optimise_path(
        levers, settings.model_copy(update={"budgets": {2031: 5.0, 2032: 5.0}}), bands=False
    )
    assert tight.status == "infeasible"
    assert [b.kind for b in tight.blockers if b.year == 2032] == ["budget"]


def test_deadlines_and_yearly_locks_hold_items_still() -> None:
    levers = _qd2636_levers()
    settings = PathSettings(
        years=(2031, 2032),
        targets=(YearTarget(year=2032, kind="score", score=from_centi(levers.baseline_centi + 500)),),
    )
    free = optimise_path(levers, settings, bands=False)
    first_year = {c.code for c in free.years[0].changes} | {c.code for c in free.years[1].changes}
    code = sorted(first_year)[0]
    held = optimise_path(levers, settings.model_copy(update={"locked": {code: (2031, 2032)}}), bands=False)
    assert code not in {c.code for y in held.years for c in y.changes}
    late = optimise_path(levers, settings.model_copy(update={"deadlines": {code: 2030}}), bands=False)
    assert code not in {c.code for y in late.years for c in y.changes}


def test_settings_refuse_what_is_not_a_horizon() -> None:
    with pytest.raises(ValueError):
        PathSettings(years=(2031, 2033))
    with pytest.raises(ValueError):
        PathSettings(years=(2031,), budgets={2030: 4.0})
    with pytest.raises(ValueError):
        YearTarget(year=2031, kind="band", rank=20, best_rank=25)
    assert parse_years("2023-2025") == (2023, 2024, 2025)
    assert parse_years("2024") == (2024,)
    for bad in ("2025-2023", "abc", "2020-2040"):
        with pytest.raises(OptimiseError):
            parse_years(bad)


def test_unknown_codes_are_refused() -> None:
    levers = _qd2636_levers()
    with pytest.raises(OptimiseError) as caught:
        optimise_path(levers, PathSettings(years=(2031,), upkeep={"99.9": 1.0}), bands=False)
    assert "99.9" in caught.value.message("vi")


def _quang_ngai():  # type: ignore[no-untyped-def]
    from planner.files.scenario_file import read_scenario_file
    from planner.methodology.catalog import load_bundled_methodology

    scenario = read_scenario_file("data/examples/quang-ngai-2025.json")
    return build_levers(load_bundled_methodology(scenario.methodology), scenario), scenario


QN_BAND = YearTarget(year=2025, kind="band", rank=30, best_rank=25)


def _quang_ngai_in_reach():  # type: ignore[no-untyped-def]
    """Quảng Ngãi 2022-2025: rank 35 in 2023, the 25-30 band in 2025, 12 a year, against the 2021 table."""
    from planner.optimiser.horizon import path_competitions

    levers, scenario = _quang_ngai()
    years = (2022, 2023, 2024, 2025)
    settings = PathSettings(
        years=years,
        targets=(YearTarget(year=2023, kind="rank", rank=35), QN_BAND),
        budgets=dict.fromkeys(years, 12.0),
        rivals="fixed",
    )
    return levers, settings, path_competitions(years, scenario.province, rivals="fixed")


def test_quang_ngai_plans_2022_to_2025_into_the_25_30_band_with_a_budget_per_year() -> None:
    """Seed 003: from 39th of 63 (86,45 in 2021) to 25-30 by 2025. Against the 2021 table (rivals as they stood
    when the plan was written) the band's worse end needs 86,83; each year's budget holds."""
    levers, settings, competitions = _quang_ngai_in_reach()
    result = optimise_path(levers, settings, competitions)
    assert result.status == "optimal"
    assert result.baseline_score == 86.45 and result.baseline_rank == 39 and result.base_field_year == 2021
    final = result.final
    assert (
        final.target_score == 86.83 and final.score >= 86.83 and final.rank is not None and final.rank <= 30
    )
    assert all(y.effort <= 12.0 for y in result.years)
    # each year's competition is projected from the 2021 field, its spread growing with the horizon
    spreads = [competitions[y].drift.drift_sd for y in settings.years]  # type: ignore[union-attr]
    assert spreads == sorted(spreads) and spreads[0] < spreads[-1]
    # a band reports the chance of each end; the whole path's chance lies between the Fréchet bounds
    assert final.p_reach is not None and final.p_best is not None and final.p_best <= final.p_reach
    assert result.p_path_low is not None and result.p_path_high is not None
    assert result.p_path_low <= result.p_path_high <= final.p_reach


def _quang_ngai_out_of_reach():  # type: ignore[no-untyped-def]
    """Quảng Ngãi 2022-2025 into the 25-30 band against the projected field, 40 a year: out of reach."""
    from planner.optimiser.horizon import path_competitions

    levers, scenario = _quang_ngai()
    years = (2022, 2023, 2024, 2025)
    settings = PathSettings(years=years, targets=(QN_BAND,), budgets=dict.fromkeys(years, 40.0))
    return levers, settings, path_competitions(years, scenario.province)


def test_against_the_projected_field_the_band_is_out_of_reach_and_the_path_says_why() -> None:
    levers, settings, competitions = _quang_ngai_out_of_reach()
    result = optimise_path(levers, settings, competitions)
    assert result.status == "infeasible"
    kinds = {b.kind for b in result.blockers}
    assert {"maximum", "survey", "budget"} <= kinds
    for blocker in result.blockers:
        for lang in ("vi", "en"):
            text = blocker.message(lang)
            assert "{" not in text and text
    assert "2025" in next(b for b in result.blockers if b.kind == "maximum").message("vi")
    assert QN_BAND.describe("vi") == "hạng 25–30" and QN_BAND.describe("en") == "rank 25–30"


def test_a_least_effort_tie_break_stopped_by_the_time_limit_keeps_the_least_effort_unproven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A path that meets its targets is two solves as well: the least effort, then the most final-year points
    among paths of that effort, given the first answer as a cutoff. When time runs out in the second, the first
    answer stands: every target met at the least effort, its points not proved most, and the status says the
    time limit stopped it."""

    levers, settings, competitions = _quang_ngai_in_reach()
    proven = optimise_path(levers, settings, competitions, blockers=False)
    # the bound from the final rungs proves this path's points without a second solve: it is left out here
    solve_whole(monkeypatch)
    cutoffs = _second_solves_run_out(monkeypatch)
    stopped = optimise_path(levers, settings, competitions, blockers=False)
    assert len(cutoffs) == 1
    assert proven.status == "optimal" and stopped.status == "time_limit"
    assert stopped.effort_total == pytest.approx(proven.effort_total, abs=1e-9)
    assert all(y.met for y in stopped.years)
    assert stopped.final.score <= proven.final.score


def test_a_best_path_stopped_by_the_time_limit_says_it_is_not_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 82 x 6 x 4 benchmark has instances whose best path takes HiGHS more than 30 s to prove. The solver's
    answer is kept (it fits every budget) but the result must not pass it off as the most points: each solve is
    the real one, marked as stopped by its time limit."""
    from planner.optimiser import path as path_module
    from planner.optimiser.solver import MilpSolution

    levers, settings, competitions = _quang_ngai_out_of_reach()
    proven = optimise_path(levers, settings, competitions, blockers=False)
    assert proven.status == "infeasible" and proven.best_proven and proven.to_json()["best_proven"] is True
    real = path_module.exact_milp

    def stopped(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[call-overload]
        return None if found is None else MilpSolution(found.x, proven=False)

    monkeypatch.setattr(path_module, "exact_milp", stopped)
    unproven = optimise_path(levers, settings, competitions, blockers=False)
    assert unproven.status == "infeasible" and not unproven.best_proven
    assert unproven.to_json()["best_proven"] is False
    assert unproven.final.score == proven.final.score  # the same path, said differently


def test_with_no_time_left_for_agency_ceilings_the_best_path_is_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ceilings only speed the proof up: with no time given to them none is proved or added, and the best
    path is still the dynamic programme's."""
    from planner.optimiser import path as path_module

    monkeypatch.setattr(path_module, "_CEILING_SHARE", 0.0)
    proved = record_ceilings(monkeypatch)
    for seed in range(20):
        _best_path_is_the_oracles(seed)
    assert proved == []
