"""`combine`: one plan for two indices, by lead agency (issue 13).

    python -m planner plan quang-ngai-2025.json --target-rank 30 --xlsx par.xlsx
    python -m planner plan quang-ngai-papi-2025.json --target-rank 30 --xlsx papi.xlsx
    python -m planner combine par.xlsx papi.xlsx --xlsx ke-hoach-chung.xlsx --json

Each input is a plan workbook (`plan --xlsx`) or a plan's JSON (the `plan` key of `plan --json`, or a bare plan).
`--json` prints {"province", "year", "totals": [{"index", "methodology", "baseline", "planned", "max"}],
"agencies": [{"agency", "rows": [{"index", "code", "name", "from", "to", "also_serves"}]}]}: the totals are each
index's own, never summed; "also_serves" names the items of the other index the same action serves
(data/indices/overlaps.yaml), a note only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from planner.cli.inputs import scheme
from planner.cli.output import emit_json
from planner.core.errors import ImportFileError
from planner.core.i18n import Lang, format_number, t
from planner.optimiser.combined import CombinedPlan, combine_plans
from planner.optimiser.plan import Plan
from planner.tables.reading import check_upload_size


def register(subparsers: Any) -> None:
    combine = subparsers.add_parser(
        "combine", help="one plan by lead agency from the plans of several indices"
    )
    combine.add_argument(
        "plans", nargs="+", help="plan workbooks (.xlsx from `plan --xlsx`) or plan JSON files"
    )
    combine.add_argument("--xlsx", help="write the combined plan to this workbook")
    combine.add_argument("--json", action="store_true", help="print the combined plan as JSON")
    combine.set_defaults(run=run_combine)


def _read_plan(path: Path) -> Plan:
    check_upload_size(path.stat().st_size)
    data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from planner.files.excel.plan import read_plan_workbook

        return read_plan_workbook(data)
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ImportFileError("combine.not_a_plan", path=str(path)) from None
    raw = raw.get("plan", raw) if isinstance(raw, dict) else raw
    try:
        return Plan.model_validate(raw)
    except ValueError:
        raise ImportFileError("combine.not_a_plan", path=str(path)) from None


def combined_json(plan: CombinedPlan, lang: Lang) -> dict[str, Any]:
    return {
        "province": plan.province,
        "year": plan.year,
        "totals": [
            {
                "index": x.index,
                "methodology": x.methodology,
                "baseline": x.baseline,
                "planned": x.planned,
                "max": x.max_points,
            }
            for x in plan.totals
        ],
        "agencies": [
            {
                "agency": agency,
                "rows": [
                    {
                        "index": r.index,
                        "code": r.change.code,
                        "name": r.change.name(lang),
                        "from": r.change.from_points,
                        "to": r.change.to_points,
                        "also_serves": list(r.also_serves),
                    }
                    for r in rows
                ],
            }
            for agency, rows in plan.by_agency()
        ],
    }


def run_combine(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    plans = [_read_plan(Path(p)) for p in args.plans]
    pairs = [(scheme(plan.methodology, lang), plan) for plan in plans]
    combined = combine_plans(pairs, lang=lang)
    if args.xlsx:
        from planner.files.excel.combined import write_combined_workbook

        Path(args.xlsx).write_bytes(write_combined_workbook(combined, lang))
    if args.json:
        emit_json(combined_json(combined, lang))
        return 0
    out = sys.stdout
    for total in combined.totals:
        out.write(
            f"{total.short}: {format_number(total.baseline, lang, 2)} → {format_number(total.planned, lang, 2)}"
            f" / {format_number(total.max_points, lang, 0)}\n"
        )
    for agency, rows in combined.by_agency():
        out.write(f"{agency or '–'}\n")
        for r in rows:
            also = f"  ({'; '.join(r.also_serves)})" if r.also_serves else ""
            out.write(f"  {r.index_short} {r.change.code} {r.change.name(lang)}{also}\n")
    if args.xlsx:
        out.write(t("combine.written", lang, path=args.xlsx) + "\n")
    return 0
