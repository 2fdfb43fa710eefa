"""`methodologies`, `score` and `methodology import`: the scheme's commands.

`methodology import FILE --json` prints {"id", "name", "areas", "criteria", "items", "self_max", "survey_max",
"total", "rules": {"source", "assumption"}, "review": [{"where", "text", "problem"}]}: `items` counts every
scored item, self-assessed and survey (qd2636-2018 has 84). It exits 0 when a valid methodology came out (review
rows are warnings) and 2 when nothing usable did; `--out` writes the methodology as YAML that loads back equal.
`score` and the other commands that take a scenario accept `--methodology-file FILE` in any of these formats.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from planner.cli.inputs import (
    add_index_option,
    add_methodology_file_option,
    methodology_for,
    read_against,
    scheme,
)
from planner.cli.output import emit_json
from planner.core.errors import MethodologyError
from planner.core.i18n import Lang, format_number, t
from planner.field.dimension_table import read_dimension_table
from planner.field.index_baseline import index_baseline
from planner.field.model import Field
from planner.field.provinces import era_of, match_province
from planner.field.results_table import read_results_file
from planner.files.appendix import MethodologyImport
from planner.files.appraisal import baseline_from_file, baseline_json
from planner.files.methodology_file import load_methodology_file
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import bundled_methodology_ids, load_bundled_methodology
from planner.methodology.files import methodology_to_yaml
from planner.methodology.index import index_ids
from planner.methodology.matching import SchemeMatch, carry_scenario, match_schemes
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.methodology.scoring import ScoreCard, score_scenario
from planner.tables.reading import check_upload_size


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("methodologies", help="list the bundled methodologies (id<TAB>name)")
    listing.add_argument(
        "--index", choices=index_ids(), help="only the methodologies of this index (par, papi)"
    )
    listing.set_defaults(run=run_methodologies)

    score = subparsers.add_parser("score", help="score a scenario (.json or filled .xlsx template)")
    score.add_argument("scenario", help="scenario file: .json or .xlsx")
    score.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_methodology_file_option(score)
    add_index_option(score, follows_scenario=True)
    score.set_defaults(run=run_score)

    methodology = subparsers.add_parser("methodology", help="read a methodology from a file")
    actions = methodology.add_subparsers(dest="action", required=True)
    importing = actions.add_parser(
        "import", help="read a methodology (.docx, .pdf, .xlsx, .yaml, .json) and list what needs review"
    )
    importing.add_argument("file", help="the decision's appendix (.docx, .pdf) or a methodology file")
    importing.add_argument("--out", help="write the methodology as YAML to this file")
    importing.add_argument(
        "--id", dest="methodology_id", help="the methodology's id (default: from the file name)"
    )
    importing.add_argument("--json", action="store_true", help="print the summary as JSON")
    importing.set_defaults(run=run_import)

    diff = actions.add_parser("diff", help="compare two methodologies (bundled ids or files)")
    diff.add_argument("a", help="the older scheme: a bundled id or a file")
    diff.add_argument("b", help="the newer scheme: a bundled id or a file")
    diff.add_argument("--json", action="store_true", help="print JSON")
    diff.set_defaults(run=run_diff)

    carry = actions.add_parser("carry", help="carry a scenario to another methodology through the matching")
    carry.add_argument("scenario", help="the scenario (.json or .xlsx) on its methodology")
    carry.add_argument("--to", required=True, help="the new scheme: a bundled id or a file")
    carry.add_argument("--from", dest="source", help="the scenario's scheme, when it is a file")
    carry.add_argument("--out", required=True, help="write the carried scenario (JSON) here")
    carry.add_argument("--json", action="store_true", help="print what was carried as JSON")
    carry.set_defaults(run=run_carry)

    baseline = subparsers.add_parser(
        "baseline",
        help="a baseline scenario from an appraisal table (.docx, .pdf, .xlsx, .csv: item, points)",
    )
    baseline.add_argument(
        "file", nargs="?", help="the appraisal result: a table of points per item (not with --from-results)"
    )
    baseline.add_argument(
        "--from-results",
        type=int,
        dest="from_results",
        metavar="YEAR",
        help="a survey index (PAPI): start from the province's published YEAR figures instead of an appraisal",
    )
    baseline.add_argument(
        "--table",
        help="with --from-results: the province's full results table of YEAR (.xlsx/.csv: totals, dimensions)",
    )
    chosen = baseline.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--methodology", help="a bundled methodology id")
    chosen.add_argument("--methodology-file", help="a methodology file (.docx, .pdf, .xlsx, .yaml, .json)")
    baseline.add_argument("--out", required=True, help="write the baseline scenario (JSON) here")
    baseline.add_argument("--province", help="the province the baseline is for")
    baseline.add_argument("--year", type=int, help="the year the scenario plans for")
    baseline.add_argument("--json", action="store_true", help="print what was matched as JSON")
    baseline.set_defaults(run=run_baseline)


def import_json(result: MethodologyImport, lang: Lang) -> dict[str, Any]:
    """The stable JSON summary of `methodology import`."""
    m = result.methodology
    rules = Counter(item.rule.basis for item in m.scored_items)
    return {
        "id": m.id,
        "name": m.name(lang),
        "areas": len(m.areas),
        "criteria": sum(len(a.criteria) for a in m.areas),
        "items": len(m.scored_items),
        "self_max": float(m.self_assessed_points or 0),
        "survey_max": float(m.survey_points or 0),
        "total": float(m.total_points),
        "rules": {"source": rules.get("source", 0), "assumption": rules.get("assumption", 0)},
        "review": [row.as_json(lang) for row in result.review],
    }


def run_baseline(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    if args.methodology_file:
        m = load_methodology_file(args.methodology_file, lang=lang).methodology
    else:
        m = load_bundled_methodology(args.methodology)
    if args.from_results is not None:
        return _baseline_from_results(args, m)
    if not args.file:
        raise MethodologyError("baseline.file_or_results")
    source = Path(args.file)
    check_upload_size(source.stat().st_size)
    result = baseline_from_file(source.name, source.read_bytes(), m, lang=lang)
    scenario = result.scenario
    if args.province or args.year:
        updates: dict[str, Any] = {}
        if args.province:
            updates["province"] = match_province(args.province, era=era_of(args.year or 0))
        if args.year:
            updates["year"] = args.year
        scenario = Scenario.model_validate({**scenario.model_dump(), **updates})
    card = score_scenario(m, scenario)
    Path(args.out).write_text(scenario.to_json(), encoding="utf-8")
    summary = baseline_json(result, card.total, lang)
    if args.json:
        emit_json(summary)
        return 0
    sys.stdout.write(f"{summary['message']}; {t('score.total', lang)}: {format_number(card.total, lang)}\n")
    for row in summary["unmatched"]:  # type: ignore[attr-defined]
        sys.stdout.write(f"  {row['where']}: {row['problem']}\n")
    return 0


def _baseline_from_results(args: argparse.Namespace, m: Methodology) -> int:
    """`baseline --from-results YEAR`: a survey index's starting scenario from published figures (and the
    province's own table when given), every dimension labelled by where it comes from."""
    lang: Lang = args.lang
    if args.file:
        raise MethodologyError("baseline.file_or_results")
    if not args.province:
        raise MethodologyError("baseline.province_needed")
    year = args.from_results
    loaded: tuple[Field, ...] = ()
    dimensions = None
    if args.table:
        table = Path(args.table)
        data = table.read_bytes()
        loaded = (read_results_file(data, table.name, year=year, index=m.index, allow_partial=True),)
        if table.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".docx", ".pdf"):
            found = read_dimension_table(data, table.name, m)
            dimensions = found.get(match_province(args.province, era=63))
    start = index_baseline(
        m, args.province, year, args.year or year + 1, loaded=loaded, dimensions=dimensions, lang=lang
    )
    Path(args.out).write_text(start.scenario.to_json(), encoding="utf-8")
    total = score_scenario(m, start.scenario).total
    summary = {
        "methodology": m.id,
        "index": m.index,
        "province": start.scenario.province,
        "field_year": year,
        "total": total,
        "total_provenance": start.total_provenance,
        "dimensions": [{"code": d.code, "value": d.value, "origin": d.origin} for d in start.dimensions],
    }
    if args.json:
        emit_json(summary)
    else:
        sys.stdout.write(start.scenario.notes + "\n")
    return 0


def diff_json(match: SchemeMatch) -> dict[str, Any]:
    """The stable JSON of `methodology diff`."""
    return {
        "added": list(match.added),
        "removed": list(match.removed),
        "changed": [
            {
                "a": p.a,
                "b": p.b,
                "max_a": float(p.max_a),
                "max_b": float(p.max_b),
                "rule_changed": p.rule_changed,
            }
            for p in match.changed
        ],
        "matched": len(match.pairs),
        "moved": [
            {"a": p.a, "b": p.b, "by": p.by, "similarity": p.similarity} for p in match.pairs if p.a != p.b
        ],
    }


def run_diff(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    match = match_schemes(scheme(args.a, lang), scheme(args.b, lang))
    data = diff_json(match)
    if args.json:
        emit_json(data)
        return 0
    sys.stdout.write(
        t(
            "cli.methodology.diff",
            lang,
            matched=data["matched"],
            changed=len(data["changed"]),
            added=len(data["added"]),
            removed=len(data["removed"]),
        )
        + "\n"
    )
    for pair in match.changed:
        sys.stdout.write(
            f"  {pair.a} → {pair.b}: {format_number(float(pair.max_a), lang)} → {format_number(float(pair.max_b), lang)}"
            + (f" ({t('cli.methodology.rule_changed', lang)})" if pair.rule_changed else "")
            + "\n"
        )
    return 0


def run_carry(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    scenario = read_scenario_file(args.scenario)
    source = scheme(args.source, lang) if args.source else load_bundled_methodology(scenario.methodology)
    scenario = read_against(scenario, source)
    target = scheme(args.to, lang)
    result = carry_scenario(scenario, match_schemes(source, target))
    Path(args.out).write_text(result.scenario.to_json(), encoding="utf-8")
    before = score_scenario(source, scenario).total
    after = score_scenario(target, result.scenario).total
    data = {
        "from": source.id,
        "to": target.id,
        "total_before": before,
        "total_after": after,
        "carried": len(result.carried),
        "not_carried": list(result.not_carried),
        "lost": [
            {"a": c.a, "b": c.b, "points_a": c.points_a, "points_b": c.points_b}
            for c in result.carried
            if c.points_b < c.points_a - 1e-9
        ],
    }
    if args.json:
        emit_json(data)
        return 0
    sys.stdout.write(
        t(
            "cli.methodology.carried",
            lang,
            carried=data["carried"],
            before=format_number(before, lang),
            after=format_number(after, lang),
            missing=len(result.not_carried),
        )
        + "\n"
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    result = load_methodology_file(args.file, methodology_id=args.methodology_id, lang=lang)
    if args.out:
        Path(args.out).write_text(methodology_to_yaml(result.methodology), encoding="utf-8")
    summary = import_json(result, lang)
    if args.json:
        emit_json(summary)
        return 0
    sys.stdout.write(
        t("cli.methodology.imported", lang, **{k: v for k, v in summary.items() if k != "review"}) + "\n"
    )
    for row in summary["review"]:
        sys.stdout.write(f"  {row['where']}: {row['problem']}\n")
    return 0


def run_methodologies(args: argparse.Namespace) -> int:
    for methodology_id in bundled_methodology_ids():
        m = load_bundled_methodology(methodology_id)
        if args.index is None or m.index == args.index:
            sys.stdout.write(f"{m.id}\t{m.name(args.lang)}\n")
    return 0


def score_card_json(card: ScoreCard, lang: Lang) -> dict[str, Any]:
    """The stable JSON form of a score card (the `score` command's output)."""
    return {
        "methodology": card.methodology.id,
        "index": card.methodology.index,
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
    methodology, scenario = methodology_for(read_scenario_file(args.scenario), args)
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
