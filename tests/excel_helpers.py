"""Helpers shared by the Excel tests (tests/test_excel_*.py, tests/files/test_bad_input.py): fixture paths, the mini
methodology, and small edits of a written workbook, the way a user would make them in Excel."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from planner.methodology.files import methodology_from_yaml
from planner.methodology.model import Methodology
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import item_options
from planner.optimiser.effort import EffortEntry, EffortTable

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
CORPUS = TESTS / "corpus"
#: Good workbooks opened and saved again by LibreOffice Calc (tests/corpus/build_corpus.py --libreoffice).
LIBREOFFICE = CORPUS / "libreoffice"


def mini_methodology() -> Methodology:
    return methodology_from_yaml((FIXTURES / "mini_methodology.yaml").read_text(encoding="utf-8"))


def edited(data: bytes, edit: Callable[[Workbook], object]) -> bytes:
    """`data` opened, changed by `edit` and saved again, as a user editing the file in Excel would."""
    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


#: The scenario the good scenario files of tests/corpus/ hold (the shuffled-columns file must read back to it).
CORPUS_SCENARIO = Scenario(
    name="Kịch bản thử",
    methodology="mini-test",
    province="Lào Cai",
    year=2019,
    items={
        "1.1": ItemSetting(level="yes"),
        "1.2.1": ItemSetting(level="late", note="gửi chậm quý I"),
        "1.2.2": ItemSetting(value=92.5),
        "2.1": ItemSetting(value=31),
    },
)


def libreoffice_effort_table(m: Methodology) -> EffortTable:
    """The effort table behind tests/corpus/libreoffice/effort_qd2636.xlsx: the first 20 items, 1, 2, 3 ... per
    level step."""
    return EffortTable(
        entries=tuple(
            EffortEntry(code=i.code, level=o.id, effort=float(step))
            for i in m.scored_items[:20]
            for step, o in enumerate(item_options(i)[1:], start=1)
        )
    )


def libreoffice_result_scores() -> list[float]:
    """The scores typed into tests/corpus/libreoffice/results_34.xlsx, in the official order of the 34."""
    return [round(92 - offset * 0.37, 2) for offset in range(34)]
