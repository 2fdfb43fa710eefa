"""`review`: the quarterly review of a plan workbook that was filled in, for batch use and the standing office.

    python -m planner review PLAN.xlsx [--as-of YYYY-MM-DD] [--target-rank K] [--json] [--docx OUT.docx]
    python -m planner review PLAN.xlsx --agency-workbooks DIR       # one workbook per lead agency, to send out
    python -m planner review PLAN.xlsx --returned A.xlsx B.xlsx ... # read returned agency workbooks first

PLAN.xlsx is a workbook written by `plan --xlsx`: its plan sheet gives the tasks, its progress sheet the status
of each (filled in by the Sở Nội vụ, or merged from the agencies' returned workbooks), its hidden sheet the
baseline scenario the next steps are re-optimised from. The JSON keys are stable:
{"expected_score", "p_target", "done", "in_progress", "not_started", "late", "by_agency": [{"agency", "rows",
"done", "late", "points_at_stake"}...], "next": [{"code", "to_level", "effort"}...]} plus detail keys after them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from planner.cli.inputs import add_methodology_file_option
from planner.cli.output import emit_json
from planner.core.errors import TrackingError
from planner.core.i18n import Lang, format_percent, t
from planner.core.text import fold
from planner.files.excel.plan import read_plan_baseline, read_plan_workbook
from planner.files.excel.progress import (
    check_returned,
    read_progress_workbook,
    write_agency_workbook,
)
from planner.files.methodology_file import load_methodology_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.model import Methodology
from planner.optimiser.competition import Competition, competition_for, default_own_sd
from planner.tracking.model import TrackedPlan
from planner.tracking.review import Review, review_plan
from planner.tracking.updates import apply_updates


def register(subparsers: Any) -> None:
    review = subparsers.add_parser("review", help="quarterly review of a filled-in plan workbook")
    review.add_argument(
        "plan", help="the plan workbook written by `plan --xlsx`, with its progress filled in"
    )
    review.add_argument("--as-of", help="the review date, YYYY-MM-DD (default: today)")
    review.add_argument("--target-rank", type=int, help="rank K to forecast (default: the plan's)")
    review.add_argument("--provinces", type=int, choices=(63, 34), default=63)
    review.add_argument(
        "--returned", nargs="+", default=(), help="agency workbooks returned, read before review"
    )
    review.add_argument(
        "--agency-workbooks", help="write one progress workbook per lead agency into this folder"
    )
    review.add_argument("--docx", help="write the report for the meeting (.docx)")
    review.add_argument("--json", action="store_true", help="print JSON")
    add_methodology_file_option(review)
    review.set_defaults(run=run_review)


def parse_as_of(text: str | None) -> date:
    """The review date typed as YYYY-MM-DD (or DD/MM/YYYY, as a Vietnamese office writes it)."""
    if not text:
        return date.today()
    cleaned = text.strip()
    try:
        if "/" in cleaned:
            day, month, year = (int(p) for p in cleaned.split("/"))
            return date(year, month, day)
        return date.fromisoformat(cleaned)
    except ValueError:
        raise TrackingError("tracking.bad_date", text=cleaned[:40]) from None


def _methodology(args: argparse.Namespace, scheme_id: str) -> Methodology:
    if getattr(args, "methodology_file", None):
        return load_methodology_file(args.methodology_file, lang=args.lang).methodology
    return load_bundled_methodology(scheme_id)


def competition_of(tracked: TrackedPlan, methodology: Methodology, provinces: int) -> Competition | None:
    """The field the plan's year faces, when the plan names its province and year."""
    plan = tracked.plan
    if plan.year is None or plan.province is None:
        return None
    return competition_for(
        plan.year,
        plan.province,
        provinces=63 if provinces == 63 else 34,
        own_sd=default_own_sd(methodology),
        index=methodology.index,
    )


def run_review(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    data = Path(args.plan).read_bytes()
    plan = read_plan_workbook(data)
    methodology = _methodology(args, plan.methodology)
    tracked = TrackedPlan(plan=plan, baseline=read_plan_baseline(data))
    own = read_progress_workbook(data, methodology)
    check_returned(own, tracked, agency="")
    tracked, _ = apply_updates(tracked, methodology, own.reports, source="cli")
    for path in args.returned:
        returned = read_progress_workbook(Path(path).read_bytes(), methodology)
        check_returned(returned, tracked)
        tracked, _ = apply_updates(
            tracked, methodology, returned.reports, agency=returned.agency or None, source="workbook"
        )
    if args.agency_workbooks:
        folder = Path(args.agency_workbooks)
        folder.mkdir(parents=True, exist_ok=True)
        for index, agency in enumerate(tracked.agencies(), start=1):
            target = folder / f"{index:02d}-{_file_stem(agency)}.xlsx"
            target.write_bytes(write_agency_workbook(tracked, methodology, agency, lang))
    review = review_plan(
        tracked,
        methodology,
        parse_as_of(args.as_of),
        competition=competition_of(tracked, methodology, args.provinces),
        target_rank=args.target_rank,
    )
    if args.docx:
        from planner.files.word_review import write_review_document

        Path(args.docx).write_bytes(write_review_document(review, tracked, lang))
    if args.json:
        out = review.to_json()
        if args.docx:
            out["docx"] = str(args.docx)
        emit_json(out)
    else:
        _print(review, lang)
    return 0


def _file_stem(agency: str) -> str:
    """An agency's name as a file name: folded to ASCII, words joined by dashes."""
    return "-".join(fold(agency).replace("/", " ").split())[:60] or "agency"


def _print(review: Review, lang: Lang) -> None:
    lines = [
        t(
            "tracking.cli.headline",
            lang,
            date=review.as_of.strftime("%d/%m/%Y"),
            expected=review.expected_score,
        ),
        t(
            "tracking.cli.counts",
            lang,
            done=review.done,
            in_progress=review.in_progress,
            not_started=review.not_started,
            late=len(review.late),
        ),
    ]
    if review.p_target is not None and review.target_rank is not None:
        lines.append(
            t(
                "tracking.cli.chance",
                lang,
                k=review.target_rank,
                p=format_percent(100 * review.p_target, lang),
            )
        )
    for step in review.next:
        lines.append(
            "  → " + t("tracking.cli.next", lang, code=step.code, level=step.to_level, effort=step.effort)
        )
    if review.late:
        lines.append(t("tracking.cli.late", lang, codes=", ".join(review.late)))
    lines.append(t("tracking.rule.in_progress", lang))
    sys.stdout.write("\n".join(lines) + "\n")
