"""Reading a scenario from a file the user gives: JSON, or a filled-in Excel scenario template."""

from __future__ import annotations

from pathlib import Path

from planner.core.errors import ImportFileError
from planner.methodology.scenario import Scenario, scenario_from_json

SCENARIO_SUFFIXES = (".json", ".xlsx")


def read_scenario_file(path: str | Path) -> Scenario:
    """The scenario in `path` (.json, or .xlsx written from the scenario template), validated."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".json":
        return scenario_from_json(file.read_bytes())
    if suffix == ".xlsx":
        from planner.files.excel.scenario import read_scenario_workbook

        return read_scenario_workbook(file.read_bytes())
    raise ImportFileError(
        "cli.unsupported_file_type", suffix=suffix or "-", allowed=", ".join(SCENARIO_SUFFIXES)
    )
