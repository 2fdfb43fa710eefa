"""Uploads are capped in three places that must agree: Streamlit's server, each uploader, and the .xlsx gate."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from planner.core.errors import ImportFileError
from planner.field.results_table import read_results_file
from planner.optimiser.effort import agency_budgets_from_csv
from planner.tables.reading import MAX_UPLOAD_BYTES, UPLOAD_LIMIT_MB

ROOT = Path(__file__).resolve().parents[2]


def uploader_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in [ROOT / "streamlit_app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "file_uploader"
            ):
                calls.append((path.name, node))
    return calls


def test_every_uploader_has_the_per_uploader_limit() -> None:
    calls = uploader_calls()
    assert len(calls) >= 4  # scenario, effort, results, methodology
    missing = [name for name, call in calls if "max_upload_size" not in {k.arg for k in call.keywords}]
    assert missing == []


def test_the_server_limit_equals_the_gate_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == UPLOAD_LIMIT_MB == MAX_UPLOAD_BYTES // 2**20


def test_the_csv_readers_refuse_at_the_same_limit_as_the_xlsx_gate() -> None:
    too_big = b"x" * (MAX_UPLOAD_BYTES + 1)
    readers = (
        lambda: agency_budgets_from_csv(too_big),
        lambda: read_results_file(too_big, "ket_qua.csv", year=2024),
    )
    for read in readers:
        with pytest.raises(ImportFileError) as info:
            read()
        assert (info.value.key, info.value.params["limit_mb"]) == ("excel.too_large", UPLOAD_LIMIT_MB)
