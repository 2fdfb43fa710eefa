"""`rank`: where a score lands among the other provinces, in a past year or a projected one.

    python -m planner rank --year 2021 --score 88.0 [--province "Lào Cai"] --json
    python -m planner rank --year 2026 --score 90 --project-from 2024 --json
    python -m planner rank --year 2024 --score 90 --field bao_cao_2024.xlsx --json
    python -m planner rank --year 2026 --score 90 --provinces 63 --override "Quảng Ninh=+2" --mode fixed
    python -m planner rank --index papi --year 2024 --score 45.2 --province "Quảng Ngãi" --json

The JSON always carries "index" ("par" or "papi") and "max" (the index's scale: 100 or 80); "group" is the
index's group (A/B/C by score for the PAR INDEX, the quartile 1-4 by rank for PAPI).

A year without a field of its own (a future year) is projected from the latest field year before it unless
--project-from says otherwise. From 2025 on the field has 34 provinces unless --provinces 63 is given.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from planner.cli.inputs import add_index_option, add_methodology_file_option
from planner.cli.output import emit_json
from planner.core.errors import FieldError
from planner.core.i18n import Lang, format_number, parse_number, t
from planner.field.bundled import bundled_field, field_years, latest_field_year
from planner.field.merger import merged_field
from planner.field.model import Field, FieldKind
from planner.field.projection import Projection, project_field
from planner.field.provinces import Era, era_of, match_province
from planner.field.rank_maths import interval_from_distribution, mean_rank, median_rank
from planner.field.ranking import RANK_INTERVAL_LEVEL, group_of, rank_in_field
from planner.field.results_table import read_results_file
from planner.files.methodology_file import load_methodology_file
from planner.methodology.index import get_index
from planner.methodology.rules import to_centi

P_RANK_LEVELS = (1, 3, 5, 10, 20)


def register(subparsers: Any) -> None:
    rank = subparsers.add_parser("rank", help="rank of a score among the provinces (past or projected year)")
    rank.add_argument("--year", type=int, required=True, help="the year to rank in")
    rank.add_argument(
        "--score", type=_number, required=True, help="the score (0-100, PAPI 8-80; 88,5 or 88.5)"
    )
    add_index_option(rank)
    rank.add_argument("--province", help="our province: its own score in the field is replaced by --score")
    rank.add_argument(
        "--project-from", type=int, dest="project_from", help="project the field from this year"
    )
    rank.add_argument(
        "--field",
        help="a results table (.csv, .xlsx, or a results decision as .docx or .pdf: province, score, rank optional)",
    )
    rank.add_argument(
        "--field-kind",
        choices=("official", "custom"),
        default="official",
        dest="field_kind",
        help="what the --field table is: the ministry's official results or a what-if",
    )
    rank.add_argument(
        "--partial", action="store_true", help="accept a partial --field table (the rest is reconstructed)"
    )
    rank.add_argument(
        "--provinces", type=int, choices=(63, 34), help="63- or 34-province field (default: by year)"
    )
    rank.add_argument(
        "--mode", choices=("drift", "fixed"), default="drift", help="projection: drift or others fixed"
    )
    rank.add_argument(
        "--override",
        action="append",
        default=[],
        metavar="PROVINCE=CHANGE",
        help='a rival\'s change in points in the projection, e.g. "Quảng Ninh=+2" (repeatable)',
    )
    rank.add_argument("--json", action="store_true", help="print JSON")
    add_methodology_file_option(rank)  # the score is checked against that scheme's total
    rank.set_defaults(run=run_rank)


def _number(text: str) -> float:
    try:
        return parse_number(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None


def _overrides(items: list[str], era: Era) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        match = re.match(r"^\s*(.+?)\s*[=:]?\s*([+-]?\s*\d+(?:[.,]\d+)?)\s*$", item)
        if match is None:
            raise FieldError("field.cli.bad_override", text=item)
        out[match_province(match.group(1), era=era)] = parse_number(match.group(2).replace(" ", ""))
    return out


def _kind_for_json(field: Field) -> FieldKind:
    """`field` in the JSON says what the rivals' scores are: reconstructed, official, sourced or custom."""
    kind = field.merged_from_kind if field.kind == "projected" and field.merged_from_kind else field.kind
    return "reconstructed" if kind == "projected" else kind


def _base_field(args: argparse.Namespace, base_year: int, era: Era) -> Field:
    if args.field:
        file_era = era_of(base_year)
        field = read_results_file(
            args.field,
            year=base_year,
            provinces=file_era,
            kind=args.field_kind,
            allow_partial=args.partial,
            index=args.index,
        )
        return merged_field(field) if era == 34 and file_era == 63 else field
    return bundled_field(base_year, era, args.index)


def run_rank(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    index = get_index(args.index)
    top = index.max_points
    if args.methodology_file:
        top = float(load_methodology_file(args.methodology_file, lang=lang).methodology.total_points)
    if not 0 <= args.score <= top:
        raise FieldError("field.score_out_of_range", score=args.score, max=top)
    era: Era = args.provinces or era_of(args.year)
    province = match_province(args.province, era=era) if args.province else None
    project_from = args.project_from
    known = field_years(index.id)
    if project_from is None and not args.field and args.year not in known and known and args.year > known[-1]:
        project_from = latest_field_year(before=args.year, index=index.id)
    if project_from is not None:
        if project_from >= args.year:
            raise FieldError("field.target_not_after_base", base=str(project_from), target=str(args.year))
        base = _base_field(args, project_from, era)
        projection = project_field(base, args.year, mode=args.mode, overrides=_overrides(args.override, era))
        data = {
            "index": index.id,
            "max": _whole(index.max_points),
            **_projection_json(projection, base, args.score, province, project_from),
        }
    else:
        if args.override:
            raise FieldError("field.cli.override_needs_projection")
        field = _base_field(args, args.year, era)
        result = rank_in_field(field, args.score, province)
        data = {
            "index": index.id,
            "max": _whole(index.max_points),
            "year": args.year,
            "score": round(args.score, 2),
            "rank": result.rank,
            "n": result.n,
            "field": _kind_for_json(field),
            "ties": list(result.ties),
            "rank_interval": list(result.rank_interval),
            "province": province,
            "provinces": era,
            "group": result.group,
            "region": result.region,
            "region_rank": result.region_rank,
            "region_n": result.region_n,
            "gap_to_next_rank": result.above[0].gap if result.above else 0.0,
            "reconstructed_rivals": result.reconstructed_rivals,
            "contradictions": len(field.contradictions),
        }
    if args.json:
        emit_json(data)
    else:
        _print_text(data, lang)
    return 0


def _projection_json(
    projection: Projection, base: Field, score: float, province: str | None, project_from: int
) -> dict[str, Any]:
    dist = projection.rank_distribution(score, province)
    rank = median_rank(dist)
    ties: list[str] = []
    if projection.mode == "fixed":
        ties = [n for n, s in projection.expected_scores(province).items() if to_centi(s) == to_centi(score)]
    return {
        "year": projection.target_year,
        "score": round(score, 2),
        "rank": rank,
        "n": len(dist),
        "field": _kind_for_json(base),
        "ties": ties,
        "rank_interval": list(interval_from_distribution(dist, RANK_INTERVAL_LEVEL)),
        "province": province,
        "provinces": projection.n_provinces,
        "group": group_of(score, projection.index, rank, len(dist)),
        "project_from": project_from,
        "mode": projection.mode,
        "expected_rank": round(mean_rank(dist), 2),
        "expected_mean": round(projection.expected_mean, 2),
        "p_rank_le": {str(k): round(float(dist[:k].sum()), 4) for k in P_RANK_LEVELS if k <= len(dist)},
    }


def _print_text(data: dict[str, Any], lang: Lang) -> None:
    lo, hi = data["rank_interval"]
    lines = [
        t(
            "field.cli.rank_line",
            lang,
            year=str(data["year"]),
            score=data["score"],
            rank=data["rank"],
            n=data["n"],
            lo=lo,
            hi=hi,
        ),
        t("field.cli.field_kind", lang, kind=t(f"field.provenance.{data['field']}", lang)),
    ]
    if data.get("ties"):
        lines.append(t("field.cli.ties", lang, names=", ".join(data["ties"])))
    if data.get("region_rank") is not None:
        lines.append(
            t("field.cli.region", lang, region=data["region"], rank=data["region_rank"], n=data["region_n"])
        )
    if "p_rank_le" in data:
        lines.append(
            t("field.cli.projected_from", lang, base=str(data["project_from"]), mean=data["expected_mean"])
        )
        for k, p in data["p_rank_le"].items():
            lines.append(t("field.cli.p_rank_le", lang, k=int(k), p=format_number(100 * p, lang, 1)))
    sys.stdout.write("\n".join(lines) + "\n")


def _whole(x: float) -> float | int:
    """80.0 as 80 in the JSON (the scale is a whole number for every index so far)."""
    return int(x) if float(x).is_integer() else x
