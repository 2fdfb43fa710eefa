"""`optimise` and `plan`: the cheapest way to a target rank or score, from the command line.

    python -m planner optimise SCENARIO.json --year Y --target-rank K [--effort FILE] [--budget B]
        [--confidence P] [--provinces 63|34] --json
    python -m planner optimise SCENARIO.json --target-score S [--greedy] ...
    python -m planner plan SCENARIO.json --year Y --target-rank K --xlsx OUT.xlsx

The JSON keys of `optimise --json` are stable (status, target_score, score, rank, p_reach, effort, changes with
code, from_points, to_points, points_gain, effort, lead_agency); more keys follow them. Without --confidence the
rivals score their projected means (`--rivals fixed` holds them at last year's scores); with --confidence P the
target is the least score whose chance of rank ≤ K is at least P.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli.inputs import (
    add_index_option,
    add_methodology_file_option,
    methodology_for,
    read_effort_file,
)
from planner.cli.output import emit_json
from planner.cli.path import add_path_options, path_of, print_path, run_path, scheme_change_of
from planner.core.errors import OptimiseError
from planner.core.i18n import Lang, format_number, format_percent, t
from planner.core.text import agency_name
from planner.files.scenario_file import read_scenario_file
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.optimiser.chance import DEFAULT_SAMPLES, maximise_probability
from planner.optimiser.competition import Competition, TargetMode, competition_for, default_own_sd
from planner.optimiser.effort import EffortTable, EffortUnit, agency_budgets_from_csv
from planner.optimiser.frontier import frontier
from planner.optimiser.ladder import Ladder, compare_with_exact, greedy_ladder
from planner.optimiser.levers import LeverSet, build_levers
from planner.optimiser.plan_builder import plan_from_result
from planner.optimiser.solver import (
    DEFAULT_TIME_LIMIT,
    OptimiseResult,
    describe_target,
    optimise_for_rank,
    optimise_for_score,
    optimise_within_budget,
)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="baseline scenario: .json or .xlsx")
    parser.add_argument("--year", type=int, help="the year planned for (default: the scenario's year)")
    parser.add_argument("--target-rank", type=int, help="reach rank K or better")
    parser.add_argument("--target-score", type=float, help="reach S points (instead of a rank)")
    parser.add_argument("--effort", help="effort file: CSV code,level_or_points,effort[,locked,feasible_max]")
    parser.add_argument("--unit", choices=("person_days", "million_vnd", "difficulty"), default="person_days")
    parser.add_argument("--agency-budgets", help="CSV agency,budget: a budget per lead agency")
    parser.add_argument("--budget", type=float, help="total effort budget")
    parser.add_argument("--confidence", type=float, help="reach rank K with at least this probability (0-1)")
    parser.add_argument(
        "--rivals", choices=("mean", "fixed"), default="mean", help="how the other provinces move"
    )
    parser.add_argument("--provinces", type=int, choices=(63, 34), default=63)
    parser.add_argument("--province", help="our province (default: the scenario's)")
    parser.add_argument("--survey-sd", type=float, help="uncertainty of our survey points (sd, points)")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds per solve")
    add_index_option(parser, follows_scenario=True)
    add_methodology_file_option(parser)
    add_path_options(parser)


def register(subparsers: Any) -> None:
    optimise = subparsers.add_parser("optimise", help="least effort to a target rank or score (exact)")
    _add_common(optimise)
    optimise.add_argument("--greedy", action="store_true", help="show the greedy points-per-effort ladder")
    optimise.add_argument("--frontier", action="store_true", help="effort for every reachable rank")
    optimise.add_argument("--chance", action="store_true", help="maximise P(rank <= K) within --budget")
    optimise.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, help="sampled fields for --chance")
    optimise.add_argument("--seed", type=int, default=0)
    optimise.add_argument("--json", action="store_true", help="print JSON")
    optimise.set_defaults(run=run_optimise)

    plan = subparsers.add_parser(
        "plan", help="optimise and write the plan workbook (Lào Cai appendix layout)"
    )
    _add_common(plan)
    plan.add_argument("--xlsx", help="the .xlsx file to write (the appendix layout)")
    plan.add_argument("--docx", help="the .docx file to write (the Kế hoạch in the administrative layout)")
    plan.add_argument(
        "--changes-only", action="store_true", help="list only the changed items (default: every item)"
    )
    plan.add_argument("--json", action="store_true", help="also print the plan as JSON")
    plan.set_defaults(run=run_plan)


# ---------------------------------------------------------------------------------------------------------------
# Inputs.
# ---------------------------------------------------------------------------------------------------------------


def _effort_table(args: argparse.Namespace, methodology: Methodology) -> EffortTable:
    unit: EffortUnit = args.unit
    table = read_effort_file(args.effort, methodology, unit) if args.effort else EffortTable(unit=unit)
    if args.agency_budgets:
        budgets = agency_budgets_from_csv(Path(args.agency_budgets).read_bytes())
        table = table.model_copy(update={"agency_budgets": {**table.agency_budgets, **budgets}})
    return table


def _check(args: argparse.Namespace) -> None:
    if args.confidence is not None and not 0 < args.confidence < 1:
        raise OptimiseError("optimise.bad_confidence", p=args.confidence)
    if args.budget is not None and args.budget < 0:
        raise OptimiseError("optimise.bad_budget", budget=args.budget)
    if args.target_rank is not None and args.target_rank < 1:
        raise OptimiseError("optimise.bad_rank", rank=args.target_rank, n=args.provinces)


def _competition(
    args: argparse.Namespace, scenario: Scenario, methodology: Methodology, *, needed: bool
) -> Competition | None:
    """The competition for a rank target; for a score or budget target, when the scenario allows it (so the
    result can still say which rank the score gives)."""
    year = args.year or scenario.year
    province = args.province or scenario.province
    if year is None:
        if needed:
            raise OptimiseError("optimise.year_needed")
        return None
    if province is None:
        if needed:
            raise OptimiseError("optimise.province_needed")
        return None
    mode: TargetMode = "probability" if args.confidence is not None else args.rivals
    own_sd = args.survey_sd if args.survey_sd is not None else default_own_sd(methodology)
    return competition_for(
        year,
        province,
        mode=mode,
        confidence=args.confidence if args.confidence is not None else 0.8,
        provinces=args.provinces,
        own_sd=own_sd,
        index=methodology.index,
    )


def _setup(args: argparse.Namespace) -> tuple[Methodology, Scenario, LeverSet, Competition | None]:
    _check(args)
    methodology, scenario = methodology_for(read_scenario_file(args.scenario), args)
    table = _effort_table(args, methodology)
    levers = build_levers(methodology, scenario, table)
    competition = _competition(args, scenario, methodology, needed=args.target_rank is not None)
    return methodology, scenario, levers, competition


def _solve(args: argparse.Namespace, levers: LeverSet, competition: Competition | None) -> OptimiseResult:
    if args.target_rank is not None:
        assert competition is not None
        return optimise_for_rank(
            levers, competition, args.target_rank, budget=args.budget, time_limit=args.time_limit
        )
    if args.target_score is not None:
        return optimise_for_score(
            levers, args.target_score, budget=args.budget, competition=competition, time_limit=args.time_limit
        )
    if args.budget is not None:
        return optimise_within_budget(
            levers, args.budget, competition=competition, time_limit=args.time_limit
        )
    raise OptimiseError("optimise.target_needed")


# ---------------------------------------------------------------------------------------------------------------
# optimise
# ---------------------------------------------------------------------------------------------------------------


def _path_setup(args: argparse.Namespace) -> tuple[Methodology, Scenario, LeverSet]:
    """What a path over several years needs: the scheme, the baseline and its levers (each year's competition
    is built by planner.cli.path)."""
    _check(args)
    methodology, scenario = methodology_for(read_scenario_file(args.scenario), args)
    return methodology, scenario, build_levers(methodology, scenario, _effort_table(args, methodology))


def run_optimise(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    if args.years:
        return run_path(args, *_path_setup(args))
    _, _, levers, competition = _setup(args)
    if args.chance:
        return _run_chance(args, levers, competition)
    if args.frontier:
        if competition is None:
            raise OptimiseError("optimise.province_needed")
        curve = frontier(
            levers, competition, target_rank=args.target_rank, budget=args.budget, time_limit=args.time_limit
        )
        if args.json:
            emit_json(curve.to_json())
        else:
            _print_frontier(curve.model_dump(), levers, lang)
        return 0
    if args.greedy:
        return _run_greedy(args, levers, competition)
    result = _solve(args, levers, competition)
    if args.json:
        emit_json(result.to_json())
    else:
        _print_result(result, levers, lang)
    return 0


def _run_chance(args: argparse.Namespace, levers: LeverSet, competition: Competition | None) -> int:
    if args.budget is None:
        raise OptimiseError("optimise.budget_needed")
    if args.target_rank is None or competition is None:
        raise OptimiseError("optimise.target_needed")
    chance = maximise_probability(
        levers,
        competition,
        args.target_rank,
        args.budget,
        n_samples=args.samples,
        seed=args.seed,
        time_limit=args.time_limit,
    )
    if args.json:
        emit_json(chance.to_json())
        return 0
    lang: Lang = args.lang
    _print_result(chance.plan, levers, lang)
    sys.stdout.write(
        t(
            "optimise.cli.chance",
            lang,
            k=args.target_rank,
            p=format_percent(100 * chance.p_validation, lang),
            se=format_percent(100 * chance.p_validation_se, lang),
            n=chance.n_samples,
            n_validation=chance.n_validation,
            p_in=format_percent(100 * chance.p_in_sample, lang),
        )
        + "\n"
    )
    return 0


def _run_greedy(args: argparse.Namespace, levers: LeverSet, competition: Competition | None) -> int:
    lang: Lang = args.lang
    ladder = greedy_ladder(levers, competition, args.target_rank, budget=args.budget)
    exact: OptimiseResult | None = None
    if args.target_rank is not None or args.target_score is not None:
        exact = _solve(args, levers, competition)
    comparison = None
    if exact is not None and exact.status != "infeasible" and exact.target_score is not None:
        comparison = compare_with_exact(levers, ladder, exact)
    if args.json:
        data: dict[str, Any] = {
            "status": exact.status if exact is not None else "optimal",
            "target_score": exact.target_score if exact is not None else None,
            **ladder.to_json(),
        }
        if comparison is not None:
            data["comparison"] = {
                **comparison.model_dump(mode="json"),
                "effort_gap": comparison.effort_gap,
                "summary": comparison.summary(lang),
                "explanations": [d.message(lang) for d in comparison.differences],
            }
        if exact is not None:
            data["exact"] = exact.to_json()
        emit_json(data)
        return 0
    _print_ladder(ladder, lang)
    if comparison is not None:
        sys.stdout.write("\n" + comparison.summary(lang) + "\n")
        for difference in comparison.differences:
            sys.stdout.write(f"- {difference.message(lang)}\n")
    return 0


# ---------------------------------------------------------------------------------------------------------------
# plan
# ---------------------------------------------------------------------------------------------------------------


def run_plan(args: argparse.Namespace) -> int:
    """`plan`: the optimised plan as the appendix workbook (--xlsx) and/or the Word Kế hoạch (--docx)."""
    lang: Lang = args.lang
    if not args.xlsx and not args.docx:
        raise OptimiseError("optimise.plan_output_needed")
    if args.years:
        return _run_path_plan(args)
    methodology, scenario, levers, competition = _setup(args)
    result = _solve(args, levers, competition)
    plan = plan_from_result(levers, result, competition=competition)
    every_item = not args.changes_only
    written: dict[str, str] = {}
    if args.xlsx:
        from planner.files.excel.plan import write_plan_workbook

        Path(args.xlsx).write_bytes(
            write_plan_workbook(plan, methodology, lang, every_item=every_item, baseline=scenario)
        )
        written["xlsx"] = str(args.xlsx)
    if args.docx:
        from planner.files.word import write_plan_document

        Path(args.docx).write_bytes(write_plan_document(plan, methodology, lang, every_item=every_item))
        written["docx"] = str(args.docx)
    if args.json:
        emit_json({**result.to_json(), "plan": plan.model_dump(mode="json"), **written})
    else:
        _print_result(result, levers, lang)
        for path in written.values():
            sys.stdout.write(t("optimise.cli.plan_written", lang, path=path, n=len(plan.changes)) + "\n")
    return 0


def _run_path_plan(args: argparse.Namespace) -> int:
    """`plan --years`: the path's yearly plans in one workbook, a sheet per year (--xlsx), and/or one Word
    Kế hoạch for the period with an appendix per year (--docx)."""
    lang: Lang = args.lang
    methodology, scenario, levers = _path_setup(args)
    change = scheme_change_of(args, levers)
    result = path_of(args, methodology, scenario, levers, change)
    written: dict[str, str] = {}
    if args.xlsx:
        try:
            from planner.files.excel.path import write_path_workbook
        except ModuleNotFoundError:
            raise OptimiseError("optimise.excel_unavailable") from None
        Path(args.xlsx).write_bytes(write_path_workbook(levers, result, methodology, lang, change=change))
        written["xlsx"] = str(args.xlsx)
    if args.docx:
        from planner.files.word import write_path_document
        from planner.optimiser.horizon import year_plans

        plans = year_plans(levers, result, change=change)
        schemes = (change.methodology,) if change is not None else ()
        Path(args.docx).write_bytes(write_path_document(plans, methodology, lang, schemes=schemes))
        written["docx"] = str(args.docx)
    if args.json:
        emit_json({**result.to_json(), **written})
    else:
        print_path(result, levers, lang)
        for path in written.values():
            sys.stdout.write(t("path.cli.written", lang, path=path, n=len(result.years)) + "\n")
    return 0


# ---------------------------------------------------------------------------------------------------------------
# Text output.
# ---------------------------------------------------------------------------------------------------------------


def _unit(levers: LeverSet, lang: Lang) -> str:
    return t(f"effort.unit.{levers.unit}", lang)


def _print_result(result: OptimiseResult, levers: LeverSet, lang: Lang) -> None:
    out = sys.stdout
    out.write(t("optimise.cli.target", lang, target=describe_target(result, lang)) + "\n")
    out.write(t(f"optimise.cli.status.{result.status}", lang) + "\n")
    if result.status == "infeasible" and result.target_score is not None:
        out.write(
            t("optimise.cli.shortfall", lang, shortfall=result.shortfall, target=result.target_score) + "\n"
        )
    line = t("optimise.cli.score", lang, before=result.baseline_score, after=result.score)
    if result.rank is not None:
        line += "; " + t(
            "optimise.cli.rank",
            lang,
            before=result.baseline_rank or 0,
            after=result.rank,
            n=result.n_provinces or 0,
        )
    if result.p_reach is not None and result.target_rank is not None:
        line += "; " + t(
            "optimise.cli.p_reach", lang, k=result.target_rank, p=format_percent(100 * result.p_reach, lang)
        )
    out.write(line + "\n")
    out.write(t("optimise.cli.effort", lang, effort=result.effort, unit=_unit(levers, lang)) + "\n")
    agencies: dict[str, list[str]] = {}
    for change in result.changes:
        default = " *" if change.effort_is_default else ""
        agencies.setdefault(agency_name(change.lead_agency) or "-", []).append(
            f"  {change.code:<8} {format_number(change.from_points, lang):>5} → {format_number(change.to_points, lang):<5}"
            f" (+{format_number(change.points_gain, lang)})  {change.to_label_vi if lang == 'vi' else change.to_label_en or change.to_label_vi}"
            f"  [{format_number(change.effort, lang)}{default}]"
        )
    for agency, lines in agencies.items():
        out.write(f"{agency}:\n")
        for text in lines:
            out.write(text + "\n")
    if any(c.effort_is_default for c in result.changes):
        out.write(t("optimise.cli.default_note", lang) + "\n")
    for blocker in result.blockers:
        out.write(f"! {blocker.message(lang)}\n")


def _print_ladder(ladder: Ladder, lang: Lang) -> None:
    out = sys.stdout
    out.write(t("optimise.cli.ladder_head", lang) + "\n")
    for rung in ladder.rungs:
        ratio = "∞" if rung.points_per_effort is None else format_number(rung.points_per_effort, lang, 3)
        extra = ""
        if rung.overtakes:
            extra += "  " + t("optimise.cli.overtakes", lang, names=", ".join(rung.overtakes))
        if rung.p_change is not None:
            extra += f"  ΔP {'+' if rung.p_change >= 0 else ''}{format_number(100 * rung.p_change, lang, 1)}%"
        out.write(
            f"{rung.step:>3}. {rung.code:<8} +{format_number(rung.points_gain, lang):<5} "
            f"[{format_number(rung.effort, lang)}] {ratio:>7}  Σ {format_number(rung.cumulative_effort, lang):>7}  "
            f"{format_number(rung.score, lang, trim=False)}"
            + (f"  #{rung.rank}" if rung.rank is not None else "")
            + extra
            + "\n"
        )


def _print_frontier(data: dict[str, Any], levers: LeverSet, lang: Lang) -> None:
    out = sys.stdout
    out.write(t("optimise.cli.frontier_head", lang, unit=_unit(levers, lang)) + "\n")
    for point in data["ranks"]:
        p = "" if point["p_reach"] is None else f"  P {format_percent(100 * point['p_reach'], lang)}"
        budget = "" if point["within_budget"] else "  " + t("optimise.cli.over_budget", lang)
        out.write(
            f"  #{point['rank']:<3} {format_number(point['target_score'], lang, trim=False):>6}  "
            f"{format_number(point['effort'], lang):>8}{p}{budget}\n"
        )
    for point in data["probabilities"]:
        out.write(
            f"  P ≥ {format_percent(100 * point['probability'], lang, 0):<5} "
            f"{format_number(point['target_score'], lang, trim=False):>6}  {format_number(point['effort'], lang):>8}\n"
        )
