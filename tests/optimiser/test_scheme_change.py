"""A new methodology inside a path's horizon (issue 15, item 4): the horizon stops before a scheme it has no table
for, and with the new table the levels reached carry across, exactly, checked against an oracle over years that
is written from the rule (same share of the maximum, never more) and not from planner.optimiser.path."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cli_support import run_planner
from optimiser_fixtures import random_baseline, random_effort, random_methodology, record_ceilings
from path_oracle import Item, items_of
from scheme_fixtures import redone

from planner.core.errors import OptimiseError
from planner.core.i18n import format_number
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_mapping, methodology_to_mapping
from planner.methodology.matching import carry_scenario, match_schemes
from planner.methodology.model import Methodology
from planner.methodology.rules import from_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import item_options, score_scenario
from planner.optimiser.effort import EffortTable
from planner.optimiser.horizon import PathSettings, YearTarget, optimise_path, year_plans
from planner.optimiser.levers import build_levers
from planner.optimiser.scheme_change import horizon_break, scheme_change

ROOT = Path(__file__).resolve().parents[2]
QD2636 = load_bundled_methodology("qd2636-2018")
LAO_CAI = read_scenario_file(ROOT / "data" / "examples" / "lao-cai-2019.json")


def with_years(m: Methodology, years: tuple[int, ...]) -> Methodology:
    return m.model_copy(update={"index_years": years})


# -- where a horizon leaves its scheme ---------------------------------------------------------------------------


def test_a_horizon_that_runs_into_the_next_decision_breaks_at_its_first_year() -> None:
    found = horizon_break(QD2636, (2019, 2020, 2021))
    assert found is not None and (found.year, found.decision) == (2020, "1149/QĐ-BNV")
    qd876 = with_years(QD2636, (2022, 2023))  # a province's own 876 table, as loaded
    found = horizon_break(qd876, (2023, 2024, 2025))
    assert found is not None and (found.year, found.decision) == (2024, "892/QĐ-BNV")


def test_no_break_inside_the_scheme_for_a_stand_in_or_past_what_the_registry_knows() -> None:
    assert horizon_break(QD2636, (2018, 2019)) is None
    assert horizon_break(QD2636, (2022, 2023, 2024, 2025)) is None  # the 2018 table stands in for every year
    papi = load_bundled_methodology("papi-2018")
    assert horizon_break(papi, (2024, 2025, 2026, 2027)) is None  # no other PAPI scheme is known after 2025


def test_without_the_next_table_the_path_stops_before_it_and_says_so() -> None:
    levers = build_levers(QD2636, LAO_CAI)
    settings = PathSettings(
        years=(2019, 2020, 2021),
        targets=(
            YearTarget(year=2019, kind="score", score=80),
            YearTarget(year=2021, kind="score", score=86),
        ),
        budgets={2019: 200.0, 2021: 100.0},
    )
    result = optimise_path(levers, settings, bands=False)
    assert [y.year for y in result.years] == [2019]
    assert result.stopped is not None and result.stopped.dropped == (2020, 2021)
    assert result.final.score >= 80 and result.status == "optimal"
    message = result.stopped.message("vi")
    assert "1149/QĐ-BNV" in message and "2019" in message and "2.0" not in message  # years are not numbers
    assert result.to_json()["stopped"]["year"] == 2020


# -- across the change: the Lào Cai example onto a redone scheme ------------------------------------------------


@pytest.fixture(scope="module")
def across() -> tuple[Any, Any, Any, PathSettings]:
    levers = build_levers(QD2636, LAO_CAI)
    change = scheme_change(levers, 2020, redone(QD2636, "qd-moi", (2020, 2021)))
    settings = PathSettings(
        years=(2019, 2020, 2021),
        targets=(
            YearTarget(year=2019, kind="score", score=80),
            YearTarget(year=2021, kind="score", score=86),
        ),
        budgets={2019: 200.0, 2020: 200.0, 2021: 200.0},
    )
    return levers, change, optimise_path(levers, settings, bands=False, change=change), settings


def test_each_year_is_scored_on_its_own_scheme_and_meets_its_target(across: Any) -> None:
    _, change, result, _ = across
    assert result.status == "optimal" and result.stopped is None
    assert [y.methodology for y in result.years] == ["qd2636-2018", "qd-moi", "qd-moi"]
    assert result.years[0].score >= 80 and result.final.score >= 86
    note = result.scheme_change
    assert note.year == 2020 and note.to_methodology == "qd-moi"
    assert note.carried_baseline == score_scenario(change.methodology, change.carried.scenario).total
    assert note.added == ("1.2.3",)


def test_the_rivals_assumption_across_the_change_is_said_with_the_carrys_shift(across: Any) -> None:
    """The field has no year on the new scheme to learn from: the note says the rivals are projected as if
    nothing changed, and by how much the carry moved this province's own score (the size and sign of the
    error should the others be carried as it is)."""
    levers, change, result, _ = across
    note = result.scheme_change
    assert note.baseline_before == levers.baseline_score
    assert note.shift == round(change.levers.baseline_score - levers.baseline_score, 2)
    assert note.shift < 0  # the redone scheme cuts 1.1 to yes/no and drops 1.2.3: levels are lost
    signed = format_number(note.shift, "vi", trim=False)
    vi, en = note.message("vi"), note.message("en")
    assert "GIẢ ĐỊNH" in vi and signed in vi and format_number(note.carried_baseline, "vi", trim=False) in vi
    assert "ASSUMPTION" in en and format_number(note.shift, "en", trim=False) in en
    assert note.message("vi", scheme="Bộ mới").count("Bộ mới") == 1


def test_the_change_year_starts_from_what_was_reached_carried_across(across: Any) -> None:
    levers, change, result, _ = across
    reached = levers.baseline.with_items(
        {c.code: ItemSetting(level=c.to_level) for c in result.years[0].changes}
    )
    carried = carry_scenario(reached, change.match).scenario
    assert result.years[1].start_score == score_scenario(change.methodology, carried).total
    # never more than was achieved: the new scheme drops 1.2.3 and cuts 1.1 to yes/no
    assert result.years[1].start_score <= result.years[0].score


def test_the_yearly_plans_follow_the_scheme_of_their_year(across: Any) -> None:
    levers, change, result, _ = across
    plans = year_plans(levers, result, change=change)
    assert [p.methodology for p in plans] == ["qd2636-2018", "qd-moi", "qd-moi"]
    assert plans[1].baseline_total == result.years[1].start_score
    for plan, year in zip(plans, result.years, strict=True):
        assert round(plan.baseline_total + plan.points_gain, 2) == year.score


def test_a_change_year_outside_the_horizon_is_refused() -> None:
    levers = build_levers(QD2636, LAO_CAI)
    change = scheme_change(levers, 2024, redone(QD2636, "qd-moi"))
    with pytest.raises(OptimiseError) as caught:
        optimise_path(levers, PathSettings(years=(2019, 2020)), bands=False, change=change)
    assert "2024" in caught.value.message("vi")


# -- the oracle: every path over the years, from the rule -------------------------------------------------------


def _next_scheme(rng: np.random.Generator, a: Methodology) -> Methodology:
    """Another random scheme with the same codes and names (paired by code, with new maxima and rules), some
    items renamed beyond recognition (removed from A, added in B)."""
    n_items = len(a.scored_items)
    data = methodology_to_mapping(random_methodology(rng, n_items, max_levels=3))
    data["id"] = "random-next"
    for area in data["areas"]:
        for criterion in area["criteria"]:
            for sub in criterion.get("sub_criteria", []):
                if rng.random() < 0.25:
                    sub["name_vi"] = f"Nhiệm vụ hoàn toàn khác số {int(rng.integers(1000, 9999))} về số hoá"
    return methodology_from_mapping(data)


def _entry(
    points_a: int,
    max_a: int,
    item_b: Item,
    base_b: int,
    max_b: int,
    takes_value: bool,
    centi_levels: list[int],
) -> int:
    allowed = round(points_a / max_a * max_b) if max_a else 0
    carried = allowed if takes_value else max((c for c in centi_levels if c <= allowed), default=0)
    return max(j for j, step in enumerate(item_b.steps) if base_b + step.gain <= carried or j == 0)


def _oracle(
    a_items: list[Item],
    b_items: list[Item],
    entries: dict[int, list[int] | None],
    partners: list[int | None],
    k: int,
    needs: list[int | None],
    budgets: list[float | None],
) -> tuple[str, tuple[float, int]]:
    """Every path, year by year: A's states before year index k, B's from it. For B item j, partners[j] is its
    movable partner among A's items and entries[j] the step each step of that partner carries to (None: no
    movable partner, it starts at its first step)."""
    T = len(needs)
    a_states = list(itertools.product(*(range(len(i.steps)) for i in a_items)))
    b_states = list(itertools.product(*(range(len(i.steps)) for i in b_items)))
    partner_of = {j: a for j, a in enumerate(partners) if a is not None}

    def move(item: Item, frm: int, to: int) -> float:
        return max(0.0, item.steps[to].effort - item.steps[frm].effort)

    def step(before: tuple[int, ...] | None, after: tuple[int, ...], t: int) -> float | None:
        if t < k or t > k:
            items = a_items if t < k else b_items
            base = before if before is not None else (0,) * len(items)
            if any(b < a for a, b in zip(base, after, strict=True)):
                return None
            cost = sum(move(i, a, b) for i, a, b in zip(items, base, after, strict=True))
        else:
            assert before is not None
            cost = 0.0
            for j, item in enumerate(b_items):
                source = entries[j][before[partner_of[j]]] if j in partner_of else 0  # type: ignore[index]
                if after[j] < source:
                    return None
                cost += move(item, source, after[j])
        if budgets[t] is not None and cost > budgets[t] + 1e-9:  # type: ignore[operator]
            return None
        return cost

    def gain(state: tuple[int, ...], t: int) -> int:
        items = a_items if t < k else b_items
        return sum(i.steps[s].gain for i, s in zip(items, state, strict=True))

    def run(with_targets: bool) -> dict[tuple[int, ...], float]:
        best: dict[tuple[int, ...] | None, float] = {None: 0.0}
        for t in range(T):
            nxt: dict[tuple[int, ...], float] = {}
            for after in a_states if t < k else b_states:
                if with_targets and needs[t] is not None and gain(after, t) < needs[t]:  # type: ignore[operator]
                    continue
                for before, effort in best.items():
                    cost = step(before, after, t)
                    if cost is not None and (after not in nxt or effort + cost < nxt[after] - 1e-9):
                        nxt[after] = effort + cost
            best = nxt  # type: ignore[assignment]
        return best  # type: ignore[return-value]

    met = run(True)
    if met:
        least = min(met.values())
        return "feasible", (least, max(gain(s, T - 1) for s, e in met.items() if e <= least + 1e-9))
    fits = run(False)
    most = max(gain(s, T - 1) for s in fits)
    return "infeasible", (min(e for s, e in fits.items() if gain(s, T - 1) == most), most)


def _instance(seed: int) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    a = random_methodology(rng, int(rng.integers(2, 4)), max_levels=3)
    baseline = random_baseline(rng, a)
    table_a = random_effort(rng, a, baseline, decimals=1)
    b = _next_scheme(rng, a)
    match = match_schemes(a, b)
    carried = carry_scenario(baseline, match).scenario
    table_b = random_effort(rng, b, carried, decimals=1)
    levers = build_levers(a, baseline, table_a)
    T = int(rng.integers(2, 4))
    k = int(rng.integers(1, T))
    years = tuple(range(2031, 2031 + T))
    change = scheme_change(levers, years[k], b, table_b)
    a_items = items_of(a, baseline, table_a)
    b_items = items_of(b, carried, table_b)
    card_a, card_b = score_scenario(a, baseline), score_scenario(b, carried)
    position = {item.code: n for n, item in enumerate(a_items)}
    partners: list[int | None] = []
    entries: dict[int, list[int] | None] = {}
    for j, item_b in enumerate(b_items):
        code_a = next((p.a for p in match.pairs if p.b == item_b.code), None)
        if code_a is None or code_a not in position:
            partners.append(None)
            entries[j] = None
            continue
        item_a = a_items[position[code_a]]
        node_a, node_b = a.item(code_a), b.item(item_b.code)
        levels_b = [o.centi for o in item_options(node_b)]
        entries[j] = [
            _entry(card_a.centi_of(code_a) + s.gain, node_a.max_centi, item_b, card_b.centi_of(item_b.code),
                   node_b.max_centi, node_b.rule.takes_value, levels_b)
            for s in item_a.steps
        ]  # fmt: skip
        partners.append(position[code_a])
    needs: list[int | None] = []
    budgets: list[float | None] = []
    targets: list[YearTarget] = []
    for t, year in enumerate(years):
        items, base = (a_items, card_a.total_centi) if t < k else (b_items, card_b.total_centi)
        headroom = sum(i.steps[-1].gain for i in items)
        need: int | None = None
        if rng.random() < 0.6 or t == T - 1:
            need = int(rng.integers(0, max(1, int(headroom * 1.1)) + 1))
            targets.append(YearTarget(year=year, kind="score", score=from_centi(base + need)))
        needs.append(need)
        budget = float(round(rng.uniform(0, 60), 1)) if rng.random() < 0.5 else None
        budgets.append(budget)
    settings = PathSettings(
        years=years, targets=tuple(targets), budgets={y: b for y, b in zip(years, budgets, strict=True) if b is not None}
    )  # fmt: skip
    return (
        levers,
        change,
        settings,
        a_items,
        b_items,
        entries,
        partners,
        k,
        needs,
        budgets,
        card_b.total_centi,
    )


@pytest.mark.parametrize("block", range(3))
def test_the_path_across_a_change_equals_the_oracle_on_150_random_instances(block: int) -> None:
    statuses = {"optimal": 0, "infeasible": 0}
    carrying = 0  # instances where a raised level carries to a higher starting level in the new scheme
    for seed in range(block * 50, block * 50 + 50):
        levers, change, settings, a_items, b_items, entries, partners, k, needs, budgets, base_b = _instance(
            seed
        )
        carrying += any(e is not None and max(e) > 0 for e in entries.values())
        kind, (effort, final_gain) = _oracle(a_items, b_items, entries, partners, k, needs, budgets)
        result = optimise_path(levers, settings, bands=False, change=change)
        statuses[result.status] += 1
        gained = round(result.final.score * 100) - base_b
        if kind == "feasible":
            assert result.status == "optimal", seed
            assert result.effort_total == pytest.approx(effort, abs=1e-6), seed
            assert gained == final_gain, seed
        else:
            assert result.status == "infeasible", seed
            assert gained == final_gain, seed
            assert result.effort_total == pytest.approx(effort, abs=1e-6), seed
    assert statuses["optimal"] >= 5 and statuses["infeasible"] >= 5, statuses
    assert carrying >= 10, carrying


def test_blockers_found_after_the_path_across_a_change_are_those_found_with_it() -> None:
    """Across a change the path read back from its result walks each year's own scheme (the carry at the change
    included): the blockers found afterwards are the ones optimise_path finds inline."""
    from planner.optimiser.horizon import path_with_blockers

    checked = 0
    for seed in range(60):
        levers, change, settings, *_ = _instance(seed)
        first = optimise_path(levers, settings, bands=False, blockers=False, change=change)
        if first.status != "infeasible":
            continue
        inline = optimise_path(levers, settings, bands=False, change=change)
        later = path_with_blockers(levers, settings, first, change=change)
        assert later.blockers == inline.blockers and later.blockers_complete, seed
        checked += bool(inline.blockers)
    assert checked >= 10, checked


def test_agency_ceilings_across_a_change_change_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Across a change an item's lead agency can differ between the schemes, so an agency's ceiling is proved
    on every item that is that agency's in some year. The best path with the ceilings is the one without them
    (the programme the oracles check, across a change above and with agency budgets in test_path), on
    instances with a budget every year for each item's agency."""
    from planner.optimiser import path as path_module

    proved = record_ceilings(monkeypatch)
    compared = 0
    for seed in range(80):
        levers, change, settings, a_items, b_items, *_ = _instance(seed)
        agencies = sorted(
            {lead for item in (*a_items, *b_items) for lead in [_lead_of(levers, change, item)] if lead}
        )
        if len(agencies) < 2:
            continue
        rng = np.random.default_rng(seed)
        asked = settings.model_copy(
            update={
                "targets": (YearTarget(year=settings.years[-1], kind="score", score=100.0),),
                "agency_budgets": {
                    y: {a: float(rng.integers(0, 20)) for a in agencies} for y in settings.years
                },
            }
        )
        with_ceilings = optimise_path(levers, asked, bands=False, blockers=False, change=change)
        with monkeypatch.context() as no_time:
            no_time.setattr(path_module, "_CEILING_SHARE", 0.0)
            without = optimise_path(levers, asked, bands=False, blockers=False, change=change)
        assert with_ceilings.final.score == without.final.score, seed
        assert with_ceilings.effort_total == pytest.approx(without.effort_total, abs=1e-6), seed
        compared += 1
    found = sum(ceiling is not None for _, ceiling in proved)
    assert compared >= 30 and found >= 30, (compared, found)


def _lead_of(levers: Any, change: Any, item: Item) -> str:
    """The lead agency's name of a path item, in whichever scheme has its code."""
    for scheme in (levers.methodology, change.methodology):
        if item.code in scheme.item_index:
            node = scheme.item(item.code)
            return str(node.lead_agencies[0]) if node.lead_agencies else ""
    return ""


# -- the CLI -----------------------------------------------------------------------------------------------------


def test_the_cli_plans_across_a_change_and_says_where_it_stops_without_one(tmp_path: Path) -> None:
    scheme = tmp_path / "qd-moi.json"
    scheme.write_text(json.dumps(methodology_to_mapping(redone(QD2636, "qd-moi", (2020, 2021)))), "utf-8")
    scenario = ROOT / "data" / "examples" / "lao-cai-2019.json"
    common = ["optimise", str(scenario), "--years", "2019-2021", "--path-scores", "2019:80,2021:86", "--json"]
    stopped = run_planner(*common)
    assert stopped.returncode == 0, stopped.stderr
    out = json.loads(stopped.stdout)
    assert [y["year"] for y in out["years"]] == [2019] and out["stopped"]["dropped"] == [2020, 2021]
    across = run_planner(*common, "--scheme-from", f"2020:{scheme}")
    assert across.returncode == 0, across.stderr
    out = json.loads(across.stdout)
    assert [y["methodology"] for y in out["years"]] == ["qd2636-2018", "qd-moi", "qd-moi"]
    assert out["scheme_change"]["year"] == 2020 and out["years"][-1]["score"] >= 86
    assert out["scheme_change"]["baseline_before"] > out["scheme_change"]["carried_baseline"]
    text = run_planner(*common[:-1], "--scheme-from", f"2020:{scheme}", "--lang", "en")
    assert text.returncode == 0, text.stderr
    assert "ASSUMPTION: the other provinces are projected as if the scheme had not changed" in text.stdout
    bad = run_planner(*common, "--scheme-from", "2020")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_an_empty_scenario_carries_into_an_empty_one() -> None:
    scenario = Scenario(methodology="qd2636-2018")
    levers = build_levers(QD2636, scenario, EffortTable())
    change = scheme_change(levers, 2020, redone(QD2636, "qd-moi"))
    assert change.levers.baseline_score <= levers.baseline_score


def test_the_plan_command_writes_each_year_on_its_scheme(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    scheme = tmp_path / "qd-moi.json"
    scheme.write_text(json.dumps(methodology_to_mapping(redone(QD2636, "qd-moi", (2020, 2021)))), "utf-8")
    out = tmp_path / "path.xlsx"
    done = run_planner(
        "plan", str(ROOT / "data" / "examples" / "lao-cai-2019.json"), "--years", "2019-2021",
        "--path-scores", "2019:80,2021:86", "--scheme-from", f"2020:{scheme}", "--xlsx", str(out),
        "--docx", str(tmp_path / "path.docx"), "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    workbook = load_workbook(out)
    assert workbook.sheetnames[-3:] == ["Năm 2019", "Năm 2020", "Năm 2021"]  # a sheet per year
    note = str(workbook["Lộ trình"]["A3"].value)
    assert "2020" in note and "qd-moi" in note  # the path sheet says where the new scheme starts
    assert "GIẢ ĐỊNH" in note  # and what the rivals' projection assumes from there
    assert json.loads(done.stdout)["scheme_change"]["to_methodology"] == "qd-moi"


def test_a_second_change_inside_the_horizon_stops_the_path_there() -> None:
    levers = build_levers(QD2636, LAO_CAI)
    change = scheme_change(levers, 2020, redone(QD2636, "qd1149", (2020, 2021)))  # 876 scores 2022
    settings = PathSettings(
        years=(2019, 2020, 2021, 2022), targets=(YearTarget(year=2021, kind="score", score=84),)
    )
    result = optimise_path(levers, settings, bands=False, change=change)
    assert [y.year for y in result.years] == [2019, 2020, 2021]
    assert result.stopped is not None and result.stopped.decision == "876/QĐ-BNV"
    assert result.scheme_change is not None and result.final.score >= 84


def test_a_change_in_the_first_year_plans_every_year_on_the_new_scheme() -> None:
    levers = build_levers(QD2636, LAO_CAI)
    change = scheme_change(levers, 2020, redone(QD2636, "qd-moi", (2020, 2021)))
    settings = PathSettings(years=(2020, 2021), targets=(YearTarget(year=2021, kind="score", score=84),))
    result = optimise_path(levers, settings, bands=False, change=change)
    assert [y.methodology for y in result.years] == ["qd-moi", "qd-moi"]
    assert result.years[0].start_score == change.levers.baseline_score  # today's score on the new scheme
    plans = year_plans(levers, result, change=change)
    assert plans[0].baseline_total == change.levers.baseline_score
    for plan, year in zip(plans, result.years, strict=True):
        assert round(plan.baseline_total + plan.points_gain, 2) == year.score


def test_a_scheme_of_another_index_is_refused() -> None:
    levers = build_levers(QD2636, LAO_CAI)
    with pytest.raises(OptimiseError) as caught:
        scheme_change(levers, 2020, load_bundled_methodology("papi-2018"))
    assert "papi" in caught.value.message("vi")
