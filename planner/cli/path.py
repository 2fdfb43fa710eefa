"""`optimise --years`: the exact path over several years, from the command line.

    python -m planner optimise SCENARIO --years 2023-2025
        (--path-ranks 2023:35,2024:32,2025:30 | --path-scores 2023:84,2024:86,2025:88 | --path-bands 2025:25-30
         | --target-rank K | --target-score S)
        [--budget-per-year 2023:40,2024:40,2025:40] [--path-settings FILE.json] [--confidence P]
        [--rivals mean|fixed] [--effort FILE] [--scheme-from YEAR:SCHEME [--scheme-effort FILE]] --json

A horizon that runs into the years of another decision (data/indices/indices.yaml) stops before them and says so
("stopped" in the JSON). `--scheme-from 2024:FILE` gives the new scheme (a bundled id or a methodology file)
from that year: the levels reached before it carry across (planner.optimiser.scheme_change), each year is scored
on its own scheme ("methodology" per year, "scheme_change" in the JSON), and `--scheme-effort` costs the new
scheme's items (defaults where silent).

`--path-settings` is a JSON file of planner.optimiser.horizon.PathSettings fields (upkeep, locked, caps,
deadlines, agency_budgets, ...) for what the flags do not say; the flags win where both do. The JSON keys of
`--json` are stable: status, effort_total, years [year, target, score, rank, p_reach, effort, changes [code,
from_level, to_level, effort]]; more keys follow them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.cli.inputs import read_effort_file, scheme
from planner.cli.output import emit_json
from planner.core.errors import OptimiseError
from planner.core.i18n import Lang, format_number, format_percent, t
from planner.core.json_text import parse_json, where_json_fails
from planner.core.text import agency_name
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.methodology.target import parse_target
from planner.optimiser.competition import default_own_sd
from planner.optimiser.horizon import (
    PathResult,
    PathSettings,
    optimise_path,
    parse_years,
    path_competitions,
)
from planner.optimiser.levers import LeverSet
from planner.optimiser.scheme_change import SchemeChange, scheme_change


def add_path_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--years", help="plan a path over these years, e.g. 2023-2025")
    parser.add_argument("--path-ranks", help="rank targets per year, e.g. 2023:35,2024:32,2025:30")
    parser.add_argument("--path-scores", help="score targets per year, e.g. 2023:84,2024:86")
    parser.add_argument("--path-bands", help="rank bands per year, e.g. 2025:25-30")
    parser.add_argument("--budget-per-year", help="effort budget per year, e.g. 2023:40,2024:40")
    parser.add_argument(
        "--path-settings", help="JSON file of further path settings (upkeep, locks, deadlines)"
    )
    parser.add_argument(
        "--scheme-from",
        help="a new methodology from a year of the path: YEAR:ID_OR_FILE, e.g. 2024:qd892.docx",
    )
    parser.add_argument("--scheme-effort", help="effort file (CSV or .xlsx) for the new methodology's items")


def scheme_change_of(args: argparse.Namespace, levers: LeverSet) -> SchemeChange | None:
    """The change `--scheme-from` asks for (None without it); OptimiseError for a malformed value."""
    text = getattr(args, "scheme_from", None)
    if not text:
        return None
    pairs = _pairs(text, "--scheme-from")
    if len(pairs) != 1:
        raise OptimiseError("path.bad_option", option="--scheme-from", text=text)
    ((year, reference),) = pairs
    methodology = scheme(reference, args.lang)
    effort = (
        read_effort_file(args.scheme_effort, methodology, levers.unit)
        if getattr(args, "scheme_effort", None)
        else None
    )
    return scheme_change(levers, year, methodology, effort)


def _pairs(text: str | None, option: str) -> list[tuple[int, str]]:
    """ "2023:35,2024:32" as [(2023, "35"), (2024, "32")]."""
    if not text:
        return []
    out: list[tuple[int, str]] = []
    for part in text.split(","):
        year, sep, value = part.strip().partition(":")
        try:
            if not sep or not value.strip():
                raise ValueError
            out.append((int(year), value.strip()))
        except ValueError:
            raise OptimiseError("path.bad_option", option=option, text=part.strip()) from None
    return out


def _number(text: str, option: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise OptimiseError("path.bad_option", option=option, text=text) from None


def _rank(text: str, option: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise OptimiseError("path.bad_option", option=option, text=text) from None


def settings_from_args(args: argparse.Namespace) -> PathSettings:
    """The path settings the flags (and --path-settings) describe; OptimiseError for anything malformed."""
    years = parse_years(args.years)
    base: dict[str, Any] = {}
    if args.path_settings:
        try:
            base = parse_json(Path(args.path_settings).read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            kind, where = where_json_fails(exc)
            raise OptimiseError(f"path.settings_{kind}", path=args.path_settings, **where) from None
        if not isinstance(base, dict):
            raise OptimiseError("path.bad_settings_file", path=args.path_settings)
    targets: dict[int, dict[str, Any]] = {
        int(x["year"]): dict(x) for x in base.get("targets", []) if isinstance(x, dict) and "year" in x
    }
    probability = args.confidence
    for year, value in _pairs(args.path_ranks, "--path-ranks"):
        rank = _rank(value, "--path-ranks")
        kind = "probability" if probability is not None else "rank"
        targets[year] = {"year": year, "kind": kind, "rank": rank, "probability": probability}
    for year, value in _pairs(args.path_scores, "--path-scores"):
        targets[year] = {"year": year, "kind": "score", "score": _number(value, "--path-scores")}
    for year, value in _pairs(args.path_bands, "--path-bands"):
        try:
            band = parse_target("band", value)
        except ValueError:
            raise OptimiseError("path.bad_option", option="--path-bands", text=value) from None
        targets[year] = {"year": year, **band.model_dump()}
    last = years[-1]
    if args.target_rank is not None and last not in targets:
        kind = "probability" if probability is not None else "rank"
        targets[last] = {"year": last, "kind": kind, "rank": args.target_rank, "probability": probability}
    if args.target_score is not None and last not in targets:
        targets[last] = {"year": last, "kind": "score", "score": args.target_score}
    budgets = {int(k): v for k, v in dict(base.get("budgets", {})).items()}
    for year, value in _pairs(args.budget_per_year, "--budget-per-year"):
        budgets[year] = _number(value, "--budget-per-year")
    fields = {
        **base,
        "years": years,
        "targets": tuple(targets[y] for y in sorted(targets)),
        "budgets": budgets,
        "rivals": args.rivals,
    }
    try:
        return PathSettings.model_validate(fields)
    except ValidationError as exc:
        detail = "; ".join(str(e.get("msg", "")) for e in exc.errors()[:3])
        raise OptimiseError("path.bad_setting", detail=detail) from None


def run_path(args: argparse.Namespace, methodology: Methodology, scenario: Scenario, levers: LeverSet) -> int:
    """Solve and print the path the arguments describe."""
    result = path_of(args, methodology, scenario, levers, scheme_change_of(args, levers))
    if args.json:
        emit_json(result.to_json())
    else:
        print_path(result, levers, args.lang)
    return 0


def path_of(
    args: argparse.Namespace,
    methodology: Methodology,
    scenario: Scenario,
    levers: LeverSet,
    change: SchemeChange | None = None,
) -> PathResult:
    """The exact path the arguments ask for, each year's competition projected from one base field (the years
    from `change` on scored on its scheme)."""
    settings = settings_from_args(args)
    competitions = None
    province = args.province or scenario.province
    if province is not None:
        own_sd = args.survey_sd if args.survey_sd is not None else default_own_sd(methodology)
        competitions = path_competitions(
            settings.years,
            province,
            rivals=settings.rivals,
            provinces=args.provinces,
            own_sd=own_sd,
            confidence=args.confidence if args.confidence is not None else 0.8,
            index=methodology.index,
        )
    elif settings.ranked:
        raise OptimiseError("optimise.province_needed")
    return optimise_path(levers, settings, competitions, time_limit=args.time_limit, change=change)


def print_path(result: PathResult, levers: LeverSet, lang: Lang) -> None:
    out = sys.stdout
    out.write(t(f"path.cli.status.{result.status}", lang) + "\n")
    for caveat in result.caveats(lang):
        out.write(caveat + "\n")
    out.write(
        t(
            "path.cli.total",
            lang,
            effort=result.effort_total,
            unit=t(f"effort.unit.{levers.unit}", lang),
            before=result.baseline_score,
        )
        + "\n"
    )
    if result.scheme_change is not None:
        out.write(result.scheme_change.message(lang) + "\n")
    for year in result.years:
        target = year.target.describe(lang) if year.target else "–"
        line = f"{year.year}: {target} | {format_number(year.score, lang, trim=False)}"
        if year.rank is not None:
            line += f" | #{year.rank}/{year.n_provinces}"
        if year.p_reach is not None:
            line += f" | P {format_percent(100 * year.p_reach, lang)}"
        line += f" | {t('path.cli.effort', lang, effort=year.effort)}"
        if not year.met:
            line += " | " + t("path.cli.short", lang, points=year.shortfall)
        out.write(line + "\n")
        for change in year.changes:
            label = change.to_label_vi if lang == "vi" else (change.to_label_en or change.to_label_vi)
            out.write(
                f"  {change.code:<8} +{format_number(change.points_gain, lang):<5} {label}"
                f"  [{format_number(change.effort, lang)}]  {agency_name(change.lead_agency)}\n"
            )
    if result.p_path_low is not None and result.p_path_high is not None:
        out.write(
            t(
                "path.cli.p_path",
                lang,
                low=format_percent(100 * result.p_path_low, lang),
                high=format_percent(100 * result.p_path_high, lang),
            )
            + "\n"
        )
    for blocker in result.blockers:
        out.write(f"! {blocker.message(lang)}\n")
    if result.stopped is not None:
        out.write(f"! {result.stopped.message(lang)}\n")
