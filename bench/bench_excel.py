"""How long the Excel round trips and the upload gate take, on the bundled methodology (qd2636-2018).

    .venv/bin/python bench/bench_excel.py

Prints the median of several runs for writing and reading each workbook, their sizes, and the time the gate
takes to refuse hostile files (a 50 MB upload, a zip bomb, a stray cell at the end of the grid).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from planner.core.data import data_dir  # noqa: E402
from planner.core.errors import PlannerError  # noqa: E402
from planner.field.results_table import read_results_file  # noqa: E402
from planner.files.excel.effort import read_effort_workbook, write_effort_workbook  # noqa: E402
from planner.files.excel.methodology import read_methodology_workbook, write_methodology_workbook  # noqa: E402
from planner.files.excel.plan import read_plan_workbook, write_plan_workbook  # noqa: E402
from planner.files.excel.results import write_results_workbook  # noqa: E402
from planner.files.excel.scenario import read_scenario_workbook, write_scenario_workbook  # noqa: E402
from planner.methodology.catalog import load_bundled_methodology  # noqa: E402
from planner.methodology.scenario import scenario_from_json  # noqa: E402
from planner.methodology.scoring import item_options  # noqa: E402
from planner.optimiser.effort import EffortEntry, EffortTable  # noqa: E402
from planner.optimiser.plan import Plan, PlanChange  # noqa: E402

RUNS = 5


def median_ms(action: Callable[[], Any], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def refused_ms(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    try:
        action()
    except PlannerError:
        return 1000 * (time.perf_counter() - started)
    raise AssertionError("the hostile file was accepted")


def full_plan(m: Any) -> Plan:
    changes = []
    for item in m.scored_items:
        low, high = item_options(item)[0], item_options(item)[-1]
        changes.append(
            PlanChange(
                code=item.code,
                name_vi=item.node.name_vi,
                area_code=item.area.code,
                criterion_code=item.criterion.code,
                max_points=float(item.node.max_points),
                from_level=low.id,
                to_level=high.id,
                from_points=low.points,
                to_points=high.points,
                effort=5.0,
                lead_agencies=item.node.lead_agencies,
            )
        )
    return Plan(methodology=m.id, baseline_total=0, planned_total=100, changes=tuple(changes))


def main() -> None:
    m = load_bundled_methodology("qd2636-2018")
    scenario = scenario_from_json((data_dir() / "examples" / "lao-cai-2019.json").read_bytes())
    entries = tuple(
        EffortEntry(code=i.code, level=o.id, effort=3.0) for i in m.scored_items for o in item_options(i)[1:]
    )
    effort = EffortTable(entries=entries)
    plan = full_plan(m)
    field = read_results_file(_filled_results(), year=2024)
    cases: list[tuple[str, Callable[[], bytes], Callable[[bytes], Any]]] = [
        ("methodology (qd2636-2018)", lambda: write_methodology_workbook(m), read_methodology_workbook),
        (
            "methodology, blank",
            lambda: write_methodology_workbook(None),
            lambda d: load_workbook(io.BytesIO(d)),
        ),
        (
            f"scenario (Lào Cai 2019, {len(m.scored_items)} items)",
            lambda: write_scenario_workbook(m, scenario),
            read_scenario_workbook,
        ),
        (
            f"effort ({len(entries)} entries)",
            lambda: write_effort_workbook(m, effort),
            lambda d: read_effort_workbook(d, m),
        ),
        (f"plan (all {len(plan.changes)} items)", lambda: write_plan_workbook(plan, m), read_plan_workbook),
        (
            "results (63 provinces)",
            lambda: write_results_workbook(field=field),
            lambda d: read_results_file(d, year=2024),
        ),
    ]
    print(f"{'workbook':38} {'write ms':>9} {'read ms':>9} {'size KB':>8}")
    for name, write, read in cases:
        data = write()
        print(
            f"{name:38} {median_ms(write):9.0f} {median_ms(lambda read=read, data=data: read(data)):9.0f} {len(data) / 1024:8.1f}"
        )

    print()
    template = write_scenario_workbook(m)
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}

    def rezip(extra: dict[str, bytes], compression: int) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression) as archive:
            for name, content in {**parts, **extra}.items():
                archive.writestr(name, content)
        return out.getvalue()

    big = rezip({"xl/media/photo.jpeg": os.urandom(50 * 1024 * 1024)}, zipfile.ZIP_STORED)
    bomb = rezip({"xl/worksheets/sheet9.xml": bytes(512 * 1024 * 1024)}, zipfile.ZIP_DEFLATED)
    wb = load_workbook(io.BytesIO(template))
    wb.worksheets[1]["XFD1048576"] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    print(f"refuse a 50 MB upload: {refused_ms(lambda: read_scenario_workbook(big)):.1f} ms")
    print(
        f"refuse a zip bomb ({len(bomb) / 1024:.0f} KB -> 512 MB): "
        f"{refused_ms(lambda: read_scenario_workbook(bomb)):.1f} ms"
    )
    started = time.perf_counter()
    read_scenario_workbook(buffer.getvalue())
    print(
        f"read a template with a stray value in XFD1048576: {1000 * (time.perf_counter() - started):.0f} ms"
    )


def _filled_results() -> bytes:
    wb = load_workbook(io.BytesIO(write_results_workbook(63)))
    ws = wb["Kết quả"]
    for offset in range(63):
        ws.cell(row=4 + offset, column=3).value = 90 - offset * 0.2
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
