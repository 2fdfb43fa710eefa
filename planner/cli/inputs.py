"""What several commands read the same way: the methodology a scenario is scored on, from `--methodology-file`
(any format `methodology import` reads) or the bundled scheme the scenario names."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.core.errors import ImportFileError, MethodologyError
from planner.core.i18n import Lang
from planner.files.methodology_file import load_methodology_file
from planner.methodology.catalog import bundled_methodology_ids, load_bundled_methodology
from planner.methodology.index import DEFAULT_INDEX, index_ids
from planner.methodology.model import Methodology
from planner.methodology.scenario import Scenario
from planner.optimiser.effort import EffortTable, EffortUnit, effort_table_from_csv


def add_index_option(parser: argparse.ArgumentParser, *, follows_scenario: bool = False) -> None:
    """`--index par|papi`: which index a command works on. For a command that reads a scenario the index
    follows the scenario's methodology and `--index`, when given, is checked against it."""
    parser.add_argument(
        "--index",
        choices=index_ids(),
        default=None if follows_scenario else DEFAULT_INDEX,
        help="the index: par (PAR INDEX, default) or papi"
        + (" (default: the scenario's methodology's)" if follows_scenario else ""),
    )


def check_index(m: Methodology, args: argparse.Namespace) -> None:
    """Refuse a scenario on one index's methodology run as another (`score --index papi` on a PAR case)."""
    wanted = getattr(args, "index", None)
    if wanted is not None and wanted != m.index:
        raise MethodologyError("methodology.index_mismatch", id=m.id, index=m.index, wanted=wanted)


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
        m = load_bundled_methodology(scenario.methodology)
        check_index(m, args)
        return m, scenario
    m = load_methodology_file(path, lang=args.lang).methodology
    check_index(m, args)
    return m, read_against(scenario, m)


def read_against(scenario: Scenario, m: Methodology) -> Scenario:
    """`scenario` as a scenario on `m`: the user named the scheme, so its id replaces the one the file carries
    (items that do not fit are then reported by the scorer, item by item)."""
    return scenario if scenario.methodology == m.id else scenario.model_copy(update={"methodology": m.id})


def scheme(reference: str, lang: Lang) -> Methodology:
    """A bundled methodology by id, or one read from a file (any format `methodology import` reads)."""
    if reference in bundled_methodology_ids():
        return load_bundled_methodology(reference)
    return load_methodology_file(reference, lang=lang).methodology


def read_effort_file(path_text: str, methodology: Methodology, unit: EffortUnit) -> EffortTable:
    """An effort table from a CSV file or the filled Excel effort template, for `methodology`."""
    path = Path(path_text)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return effort_table_from_csv(path.read_bytes(), methodology, unit=unit)
    if suffix == ".xlsx":
        try:
            from planner.files.excel.effort import read_effort_workbook
        except ModuleNotFoundError:
            raise ImportFileError("cli.unsupported_file_type", suffix=".xlsx", allowed=".csv") from None
        return read_effort_workbook(path.read_bytes(), methodology)
    raise ImportFileError("cli.unsupported_file_type", suffix=suffix or "-", allowed=".csv, .xlsx")
