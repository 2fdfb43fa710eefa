"""Fuzzing every reader a user can feed (issue 11, item 4): methodology files, scenario JSON, effort and results
tables, and workbooks built from random structures. Whatever comes in, a reader returns a value or raises one of
the project's own errors (`PlannerError` and its family, each with a message in the user's language); anything
else (a KeyError, a ValueError from pydantic, a RecursionError, an openpyxl traceback) fails the test.

Inputs are structure-aware, not only random bytes: a valid document is written first (the bundled scheme's own
files, the templates, a real plan workbook) and then damaged at random places with random values, so the fuzzer
reaches the readers' inner checks instead of stopping at "not a zip file".

    python3 tasks.py fuzz            # 1,000 inputs per target: 11,000 inputs, 18,000 reader calls
    PAR_PLANNER_FUZZ_EXAMPLES=30 python -m pytest tests/fuzz   # what the normal test run does
"""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from planner.core.errors import PlannerError
from planner.field.results_table import read_results_file
from planner.files.excel.effort import read_effort_workbook, write_effort_workbook
from planner.files.excel.methodology import read_methodology_workbook, write_methodology_workbook
from planner.files.excel.plan import read_plan_baseline, read_plan_workbook, write_plan_workbook
from planner.files.excel.progress import read_progress_workbook
from planner.files.excel.results import write_results_workbook
from planner.files.excel.scenario import read_scenario_workbook, write_scenario_workbook
from planner.files.methodology_file import import_methodology
from planner.methodology.files import methodology_from_json, methodology_to_json
from planner.methodology.model import Methodology
from planner.methodology.scenario import scenario_from_json
from planner.optimiser.effort import agency_budgets_from_csv, effort_table_from_csv
from tests.excel_helpers import mini_methodology
from tests.tracking_fixtures import lao_cai_baseline, lao_cai_plan, methodology

EXAMPLES = int(os.environ.get("PAR_PLANNER_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    derandomize=EXAMPLES <= 30,  # the normal run is repeatable; the fuzz command explores
)

#: Text the readers meet in real files: Vietnamese, both decimal styles, list separators, formulas, control
#: characters, very long runs.
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e309",
        "nan",
        "83,87",
        "83.87",
        "1.234,5",
        "=1+1",
        '=HYPERLINK("http://x")',
        "Có",
        "không",
        "Đúng hạn",
        "Sở Tài chính; Sở Nội vụ",
        "1.1",
        "9.9.9",
        "ge_70",
        "\x00",
        "\u202e",
        "Quý III",
        "x" * 5000,
    ]
)
TEXT = st.one_of(TRICKY, st.text(max_size=40))
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


def only_our_errors(read: Callable[[], object]) -> None:
    """Run a reader; its own errors are fine (and must render in both languages), nothing else is."""
    try:
        read()
    except PlannerError as exc:
        assert exc.messages("vi") and exc.messages("en")


# ------------------------------------------------------------------------------------------- structured JSON


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def damaged(draw: st.DrawFn, original: Any) -> Any:
    """`original` (a JSON-like document) with a few places replaced, removed or duplicated."""
    doc = copy.deepcopy(original)
    paths = _paths(doc)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = doc
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            action = draw(st.sampled_from(["replace", "delete", "scalar", "wrap"]))
            if action == "delete" and isinstance(parent, dict):
                parent.pop(last, None)
            elif action == "wrap":
                parent[last] = [parent[last], parent[last]]
            elif action == "scalar":
                parent[last] = draw(SCALAR)
            else:
                parent[last] = draw(JSON_VALUE)
        except (KeyError, IndexError, TypeError):
            continue
    return doc


@cache
def mini_dict() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(methodology_to_json(mini_methodology()))
    return data


@cache
def scenario_dict() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(lao_cai_baseline().to_json())
    return data


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True, default=str)


@FUZZ
@given(doc=damaged(mini_dict()))
def test_methodology_json_and_yaml(doc: Any) -> None:
    only_our_errors(lambda: methodology_from_json(_dumps(doc)))
    only_our_errors(
        lambda: import_methodology("scheme.yaml", yaml.safe_dump(doc, allow_unicode=True).encode())
    )


@FUZZ
@given(doc=damaged(scenario_dict()))
def test_scenario_json(doc: Any) -> None:
    only_our_errors(lambda: scenario_from_json(_dumps(doc)))


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), JSON_VALUE.map(_dumps).map(str.encode)))
def test_any_bytes_as_json_or_yaml(raw: bytes) -> None:
    only_our_errors(lambda: scenario_from_json(raw))
    only_our_errors(lambda: methodology_from_json(raw))
    only_our_errors(lambda: import_methodology("scheme.yaml", raw))


# ------------------------------------------------------------------------------------------------ CSV tables


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


CELLS = st.lists(st.lists(TEXT, min_size=0, max_size=6), max_size=8)


@FUZZ
@given(
    header=st.permutations(["code", "level", "effort", "locked", "feasible_max"]).map(list),
    rows=CELLS,
)
def test_effort_csv(header: list[str], rows: list[list[str]]) -> None:
    m = mini_methodology()
    only_our_errors(lambda: effort_table_from_csv(_csv(header, rows), m))
    only_our_errors(lambda: agency_budgets_from_csv(_csv(["agency", "budget"], rows)))


@FUZZ
@given(
    header=st.permutations(["province", "score", "rank", "source"]).map(list),
    rows=CELLS,
    year=st.sampled_from([2019, 2024, 2026]),
)
def test_results_csv(header: list[str], rows: list[list[str]], year: int) -> None:
    only_our_errors(lambda: read_results_file(_csv(header, rows), "ket-qua.csv", year=year))


# -------------------------------------------------------------------------------------------------- workbooks


@st.composite
def workbook_edits(draw: st.DrawFn) -> list[tuple[int, int, int, Any]]:
    """Edits (sheet index, row, column, value) to apply to a written workbook."""
    value = st.one_of(
        SCALAR.filter(lambda v: not (isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10**15)),
        st.just(datetime(2019, 6, 30)),
        st.just("=SUM(A1:A3)"),
    )
    return draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.integers(1, 40), st.integers(1, 30), value),
            min_size=1,
            max_size=12,
        )
    )


def _edited(data: bytes, edits: list[tuple[int, int, int, Any]], drop_sheet: int | None) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for sheet, row, column, value in edits:
        ws = wb.worksheets[sheet % len(wb.worksheets)]
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            value = str(value)  # openpyxl cannot store NaN or infinity; a user's cell would hold the text
        try:
            ws.cell(row=row, column=column).value = value
        except (AttributeError, ValueError, IllegalCharacterError):
            continue  # a merged cell or a character Excel cannot hold: a user cannot type it either
    if drop_sheet is not None and len(wb.worksheets) > 1:
        wb.remove(wb.worksheets[drop_sheet % len(wb.worksheets)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@cache
def written() -> dict[str, bytes]:
    mini: Methodology = mini_methodology()
    lao = methodology()
    return {
        "scenario": write_scenario_workbook(lao, lao_cai_baseline()),
        "effort": write_effort_workbook(mini),
        "methodology": write_methodology_workbook(mini),
        "results": write_results_workbook(63),
        "plan": write_plan_workbook(lao_cai_plan(), lao, baseline=lao_cai_baseline()),
    }


DROP = st.one_of(st.none(), st.integers(0, 8))


@FUZZ
@given(edits=workbook_edits(), drop=DROP)
def test_scenario_workbook(edits: list[tuple[int, int, int, Any]], drop: int | None) -> None:
    data = _edited(written()["scenario"], edits, drop)
    only_our_errors(lambda: read_scenario_workbook(data))


@FUZZ
@given(edits=workbook_edits(), drop=DROP)
def test_effort_workbook(edits: list[tuple[int, int, int, Any]], drop: int | None) -> None:
    data = _edited(written()["effort"], edits, drop)
    only_our_errors(lambda: read_effort_workbook(data, mini_methodology()))


@FUZZ
@given(edits=workbook_edits(), drop=DROP)
def test_methodology_workbook(edits: list[tuple[int, int, int, Any]], drop: int | None) -> None:
    data = _edited(written()["methodology"], edits, drop)
    only_our_errors(lambda: read_methodology_workbook(data))


@FUZZ
@given(edits=workbook_edits(), drop=DROP, year=st.sampled_from([2019, 2025]))
def test_results_workbook(edits: list[tuple[int, int, int, Any]], drop: int | None, year: int) -> None:
    data = _edited(written()["results"], edits, drop)
    only_our_errors(lambda: read_results_file(data, "ket-qua.xlsx", year=year))


@FUZZ
@given(edits=workbook_edits(), drop=DROP)
def test_plan_and_progress_workbook(edits: list[tuple[int, int, int, Any]], drop: int | None) -> None:
    data = _edited(written()["plan"], edits, drop)
    only_our_errors(lambda: read_plan_workbook(data))
    only_our_errors(lambda: read_plan_baseline(data))
    only_our_errors(lambda: read_progress_workbook(data, methodology()))


@FUZZ
@given(raw=st.binary(max_size=2000), name=st.sampled_from(["a.xlsx", "a.docx", "a.pdf", "a.csv", "a.json"]))
def test_any_bytes_as_a_document(raw: bytes, name: str) -> None:
    only_our_errors(lambda: import_methodology(name, raw))
    only_our_errors(lambda: read_results_file(raw, name, year=2019))
