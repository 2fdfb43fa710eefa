"""The shared workbook look and mechanics, and the promise every writer keeps: user text never becomes a formula,
every template opens on its instructions, every text key exists in both languages."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from excel_helpers import mini_methodology
from openpyxl import Workbook, load_workbook

from planner.core.i18n import translations
from planner.files.excel import styles
from planner.files.excel.effort import write_effort_workbook
from planner.files.excel.methodology import write_methodology_workbook
from planner.files.excel.plan import write_plan_workbook
from planner.files.excel.results import write_results_workbook
from planner.files.excel.scenario import write_scenario_workbook
from planner.methodology.model import Methodology
from planner.methodology.scenario import ItemSetting, Scenario
from planner.optimiser.effort import EffortEntry, EffortTable
from planner.optimiser.plan import Plan, PlanChange
from planner.tables.workbook import write_text

ROOT = Path(__file__).resolve().parents[2]
MINI = mini_methodology()
ATTACKS = ('=HYPERLINK("http://evil","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1")


def _hostile_methodology() -> Methodology:
    data = MINI.model_dump(mode="json", exclude_defaults=True)
    data["name_vi"] = ATTACKS[0]
    data["notes"] = ATTACKS[1]
    area = data["areas"][0]
    area["name_vi"] = ATTACKS[2]
    area["lead_agencies"] = [ATTACKS[3]]
    area["criteria"][0]["evidence_content"] = ATTACKS[4]
    area["criteria"][1]["sub_criteria"][0]["rule"]["levels"][0]["label_vi"] = ATTACKS[5]
    return Methodology.model_validate(data)


def _all_writers() -> dict[str, bytes]:
    m = _hostile_methodology()
    scenario = Scenario(
        methodology=m.id,
        name=ATTACKS[0],
        province=ATTACKS[1],
        notes=ATTACKS[2],
        items={"1.1": ItemSetting(level="yes", note=ATTACKS[3]), "1.2.3": ItemSetting(points=Decimal("0.5"))},
    )
    effort = EffortTable(
        entries=(EffortEntry(code="1.1", level="yes", effort=3, note=ATTACKS[4]),),
        agency_budgets={ATTACKS[5]: 3.0},
        notes=ATTACKS[0],
    )
    change = PlanChange(
        code="1.1",
        name_vi=ATTACKS[0],
        area_code="1",
        criterion_code="1.1",
        max_points=1.25,
        to_level="yes",
        to_label_vi=ATTACKS[1],
        from_points=0,
        to_points=1.25,
        lead_agencies=(ATTACKS[2],),
        evidence_document=ATTACKS[3],
        deadline=ATTACKS[4],
    )
    plan = Plan(
        methodology=m.id,
        province=ATTACKS[5],
        scenario_name=ATTACKS[0],
        target_vi=ATTACKS[1],
        baseline_total=1,
        planned_total=2.25,
        changes=(change,),
    )
    return {
        "scenario": write_scenario_workbook(m, scenario),
        "effort": write_effort_workbook(m, effort),
        "methodology": write_methodology_workbook(m),
        "plan": write_plan_workbook(plan, m),
        "results": write_results_workbook(34),
    }


#: Our own formula cells: the methodology sheet's two helper columns (tier and sum of children).
OWN_FORMULA = re.compile(r'^(IF\(\w+="","",IF\(|IF\(OR\(\w+="",COUNTIF\()')


@pytest.mark.parametrize(("kind", "data"), sorted(_all_writers().items()))
def test_user_text_never_becomes_a_formula_in_any_workbook(kind: str, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        formulas = [f for n in sheets for f in re.findall(rb"<f>(.*?)</f>", archive.read(n))]
    assert all(OWN_FORMULA.match(f.decode()) for f in formulas), formulas[:3]
    wb = load_workbook(io.BytesIO(data))
    texts = {
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    }
    if kind != "results":
        assert texts & set(ATTACKS), "the hostile texts are written, as text"


@pytest.mark.parametrize(("kind", "data"), sorted(_all_writers().items()))
def test_every_workbook_opens_on_its_instructions_in_both_languages(kind: str, data: bytes) -> None:
    wb = load_workbook(io.BytesIO(data))
    first = wb.worksheets[0]
    assert first.title == "Hướng dẫn" and wb.active.title == "Hướng dẫn"
    text = "\n".join(str(c.value) for c in first["B"] if c.value)
    assert re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", text)  # Vietnamese, with diacritics
    assert " the " in text  # and the English version below it
    for ws in wb.worksheets:
        assert ws.protection.sheet and ws.protection.password is None, ws.title


def test_write_text_keeps_formula_like_text_as_text() -> None:
    wb = Workbook()
    for attack in ATTACKS:
        cell = wb.active.cell(row=ATTACKS.index(attack) + 1, column=1)
        write_text(cell, attack)
        assert cell.data_type == "s" and cell.quotePrefix
    write_text(wb.active["B1"], "Sở Nội vụ")
    assert wb.active["B1"].quotePrefix is False


def test_styles_are_shared_per_workbook_and_cells_keep_their_own_values() -> None:
    wb = styles.new_workbook()
    ws = wb.create_sheet("x")
    styles.body_cell(ws["A1"], "a", editable=True)
    styles.body_cell(ws["A2"], "b", editable=True)
    styles.body_cell(ws["A3"], 1.5, number_format=styles.NUMBER_FORMAT, bold=True)
    assert ws["A1"].fill.fgColor.rgb == ws["A2"].fill.fgColor.rgb == "00FFF9E5"
    assert not ws["A1"].protection.locked and ws["A3"].protection.locked
    assert ws["A3"].font.b and ws["A3"].number_format == "0.00" and ws["A2"].number_format == "General"
    assert (ws["A1"].value, ws["A2"].value, ws["A3"].value) == ("a", "b", 1.5)


def test_written_bytes_do_not_depend_on_the_clock() -> None:
    first = write_results_workbook(63)
    second = write_results_workbook(63)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert b"2025-01-01T00:00:00Z" in archive.read("docProps/core.xml")
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


EXCEL_SOURCES = sorted(
    [*(ROOT / "planner" / "files" / "excel").glob("*.py"), ROOT / "planner" / "cli" / "files.py"]
)
LITERAL = re.compile(r"""["']((?:excel|scenario|methodology|cli|errors)\.[A-Za-z0-9_.]+[A-Za-z0-9])["']""")
DYNAMIC = re.compile(r"""f["']((?:excel)\.[A-Za-z0-9_.]*)\{""")


def test_every_text_key_of_the_excel_code_exists_in_both_languages() -> None:
    keys = {key for path in EXCEL_SOURCES for key in LITERAL.findall(path.read_text(encoding="utf-8"))}
    prefixes = {p for path in EXCEL_SOURCES for p in DYNAMIC.findall(path.read_text(encoding="utf-8"))}
    assert all(path.is_file() for path in EXCEL_SOURCES) and len(EXCEL_SOURCES) >= 8
    assert len(keys) > 150 and prefixes
    entries = translations()
    missing = sorted(
        k for k in keys if k not in entries or not entries[k].get("vi") or not entries[k].get("en")
    )
    assert missing == []
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in entries), prefix
