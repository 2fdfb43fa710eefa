"""`methodologies` and `score`: the foundation's stable commands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.cli.output import emit_json
from planner.core.i18n import Lang, format_number, t
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import bundled_methodology_ids, load_bundled_methodology
from planner.methodology.scoring import ScoreCard, score_scenario


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("methodologies", help="list the bundled methodologies (id<TAB>name)")
    listing.set_defaults(run=run_methodologies)

    score = subparsers.add_parser("score", help="score a scenario (.json or filled .xlsx template)")
    score.add_argument("scenario", help="scenario file: .json or .xlsx")
    score.add_argument("--json", action="store_true", help="print JSON instead of a table")
    score.set_defaults(run=run_score)


def run_methodologies(args: argparse.Namespace) -> int:
    for methodology_id in bundled_methodology_ids():
        m = load_bundled_methodology(methodology_id)
        sys.stdout.write(f"{m.id}\t{m.name(args.lang)}\n")
    return 0


def score_card_json(card: ScoreCard, lang: Lang) -> dict[str, Any]:
    """The stable JSON form of a score card (the `score` command's output)."""
    return {
        "methodology": card.methodology.id,
        "total": card.total,
        "self_assessed": card.self_assessed,
        "survey": card.survey,
        "max_total": card.max_total,
        "percent": round(card.percent, 2),
        "areas": [
            {"code": a.code, "name": a.name(lang), "points": a.points, "max": a.max_points}
            for a in card.areas()
        ],
        "assumptions": list(card.assumptions),
    }


def run_score(args: argparse.Namespace) -> int:
    scenario = read_scenario_file(args.scenario)
    methodology = load_bundled_methodology(scenario.methodology)
    card = score_scenario(methodology, scenario)
    if args.json:
        emit_json(score_card_json(card, args.lang))
        return 0
    lang: Lang = args.lang
    width = max(len(a.name(lang)) for a in card.areas())
    for area in card.areas():
        sys.stdout.write(
            f"{area.code:>4}  {area.name(lang):<{width}}  {format_number(area.points, lang):>7} / "
            f"{format_number(area.max_points, lang)}\n"
        )
    sys.stdout.write(
        f"{t('score.total', lang)}: {format_number(card.total, lang)} / {format_number(card.max_total, lang)} "
        f"({t('score.self_assessed', lang)} {format_number(card.self_assessed, lang)}, "
        f"{t('score.survey', lang)} {format_number(card.survey, lang)})\n"
    )
    return 0
