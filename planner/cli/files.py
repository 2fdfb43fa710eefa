"""`template`: write the Excel templates users download, from the command line.

    python -m planner template scenario OUT.xlsx [--methodology ID] [--from SCENARIO]
    python -m planner template effort OUT.xlsx [--methodology ID]
    python -m planner template methodology OUT.xlsx [--methodology ID]
    python -m planner template results OUT.xlsx [--provinces 63|34]

The methodology template is blank unless --methodology names a bundled scheme (then it is that scheme, filled:
the example committed under data/templates/). `--from` fills the scenario template with a scenario file (.json
or .xlsx), which makes the command a JSON-to-Excel converter too. Errors exit 2 with one line (planner.cli).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.core.errors import ImportFileError
from planner.core.i18n import Lang, t
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scenario import DEFAULT_METHODOLOGY_ID

TEMPLATE_KINDS = ("scenario", "effort", "methodology", "results")


def register(subparsers: Any) -> None:
    template = subparsers.add_parser(
        "template", help="write an Excel template: scenario, effort, methodology or results"
    )
    template.add_argument("kind", choices=TEMPLATE_KINDS, help="which template")
    template.add_argument("out", help="the .xlsx file to write")
    template.add_argument(
        "--methodology",
        default=None,
        help=f"bundled methodology id (scenario/effort: default {DEFAULT_METHODOLOGY_ID}; methodology: "
        "fill the template with it instead of writing it blank)",
    )
    template.add_argument("--provinces", type=int, choices=(63, 34), default=63, help="results: 63 or 34")
    template.add_argument(
        "--from",
        dest="source",
        default=None,
        help="scenario: fill the template with this scenario (.json/.xlsx)",
    )
    template.set_defaults(run=run_template)


def template_bytes(
    kind: str,
    *,
    methodology_id: str | None = None,
    provinces: int = 63,
    source: str | None = None,
    lang: Lang = "vi",
) -> bytes:
    """The bytes of one template, exactly as the command writes them (the committed templates are compared
    with this)."""
    if kind == "methodology":
        from planner.files.excel.methodology import write_methodology_workbook

        m = load_bundled_methodology(methodology_id) if methodology_id else None
        return write_methodology_workbook(m, lang)
    if kind == "results":
        from planner.files.excel.results import write_results_workbook

        return write_results_workbook(63 if provinces == 63 else 34, lang=lang)
    if kind == "effort":
        from planner.files.excel.effort import write_effort_workbook

        return write_effort_workbook(
            load_bundled_methodology(methodology_id or DEFAULT_METHODOLOGY_ID), lang=lang
        )
    from planner.files.excel.scenario import write_scenario_workbook
    from planner.files.scenario_file import read_scenario_file

    scenario = read_scenario_file(source) if source else None
    chosen = methodology_id or (scenario.methodology if scenario is not None else DEFAULT_METHODOLOGY_ID)
    return write_scenario_workbook(load_bundled_methodology(chosen), scenario, lang)


def run_template(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise ImportFileError("cli.unsupported_file_type", suffix=out.suffix or "-", allowed=".xlsx")
    data = template_bytes(
        args.kind, methodology_id=args.methodology, provinces=args.provinces, source=args.source, lang=lang
    )
    out.write_bytes(data)
    sys.stdout.write(
        t("excel.template.written", lang, kind=t(f"excel.template.kind.{args.kind}", lang), path=str(out))
        + "\n"
    )
    return 0
