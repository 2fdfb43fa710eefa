"""What several commands read the same way: the methodology a scenario is scored on, from `--methodology-file`
(any format `methodology import` reads) or the bundled scheme the scenario names."""

from __future__ import annotations

import argparse

from planner.files.methodology_file import load_methodology_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario


def add_methodology_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--methodology-file",
        help="score against this methodology (.docx, .pdf, .xlsx, .yaml, .json) instead of a bundled one",
    )


def methodology_for(scenario: Scenario, args: argparse.Namespace) -> tuple[Methodology, Scenario]:
    """The methodology a command uses for `scenario`: --methodology-file when given (the scenario is then read
    against it), else the bundled one the scenario names."""
    path = getattr(args, "methodology_file", None)
    if not path:
        return load_bundled_methodology(scenario.methodology), scenario
    m = load_methodology_file(path, lang=args.lang).methodology
    if scenario.methodology != m.id:
        scenario = scenario.model_copy(update={"methodology": m.id})
    return m, scenario
