"""A province's full PAPI table as the report prints it, for the tests of loading one (issue 13)."""

from __future__ import annotations

import io

import openpyxl

from planner.core.data import data_dir
from planner.field.provinces import province_names
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.model import Methodology
from planner.optimiser.competition import Competition, competition_for, default_own_sd
from planner.optimiser.levers import LeverSet, build_levers

#: Headers as a province's copy of the report may write them: names with and without diacritics, numbers, codes.
HEADERS = [
    "Tỉnh, thành phố",
    "Tham gia của người dân ở cấp cơ sở",
    "Cong khai, minh bach",
    "Vertical accountability towards citizens",
    "Nội dung 4",
    "thủ tục hành chính công",
    "Dimension 6",
    "D7",
    "P8",
    "Tổng điểm PAPI",
    "Xếp hạng",
]


def papi_rows() -> list[list[object]]:
    rows = []
    for k, name in enumerate(province_names(63)):
        dims = [round(6.5 - 0.02 * k + 0.1 * d, 4) for d in range(8)]
        rows.append([name, *dims, round(sum(dims), 4), k + 1])
    return rows


def papi_xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BẢNG KẾT QUẢ PAPI 2024"])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def papi_csv(rows: list[list[object]]) -> bytes:
    lines = [",".join(f'"{h}"' for h in HEADERS)]
    lines += [
        ",".join(f'"{str(v).replace(".", ",")}"' if isinstance(v, float) else f'"{v}"' for v in r)
        for r in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def quang_ngai_cases() -> list[tuple[Methodology, LeverSet, Competition]]:
    """Quảng Ngãi 2025 on both indices (seed 003): the methodology, the levers from the bundled example and the
    competition of 2025, PAR INDEX first."""
    out = []
    for methodology_id, file in (
        ("qd2636-2018", "quang-ngai-2025.json"),
        ("papi-2018", "quang-ngai-papi-2025.json"),
    ):
        m = load_bundled_methodology(methodology_id)
        levers = build_levers(m, read_scenario_file(data_dir() / "examples" / file), None)
        competition = competition_for(2025, "Quảng Ngãi", own_sd=default_own_sd(m), index=m.index)
        out.append((m, levers, competition))
    return out
