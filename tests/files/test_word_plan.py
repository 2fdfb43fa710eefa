"""The plan as a Word Kế hoạch (issue 14): the administrative layout of the seeds, written with python-docx and
read back with it: motto, title, numbered sections, tasks by lead agency, the appendix table with every item on
landscape pages, its header repeated and its rows kept whole."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from planner.core.data import data_dir
from planner.files.word import APPENDIX_COLUMNS, write_plan_document
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scenario import scenario_from_json
from planner.optimiser.levers import build_levers
from planner.optimiser.plan import Plan
from planner.optimiser.plan_builder import build_plan

M = load_bundled_methodology("qd2636-2018")


def _plan() -> Plan:
    baseline = scenario_from_json((data_dir() / "examples" / "lao-cai-2019.json").read_bytes())
    levers = build_levers(M, baseline)
    chosen = {lv.code: lv.upgrades[-1].level for lv in levers.movable if lv.item.area.code in ("2", "6")}
    return build_plan(levers, chosen, target_rank=20, target_vi="hạng ≤ 20", target_en="rank ≤ 20")


def _text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_plan_reads_as_a_provincial_ke_hoach() -> None:
    plan = _plan()
    document = docx.Document(io.BytesIO(write_plan_document(plan, M)))
    text = _text(document)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "TỈNH LÀO CAI",
        "Số: ……/KH-UBND",
        "KẾ HOẠCH",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NHIỆM VỤ, GIẢI PHÁP",
        "III. TỔ CHỨC THỰC HIỆN",
        "PHỤ LỤC",
        "2636/QĐ-BNV ngày 10/12/2018",
        "hạng ≤ 20",
        "78,47",
    ):
        assert words in text, words
    assert "{" not in text and "}" not in text
    # a heading per lead agency, each change under it
    for agency, changes in plan.by_lead_agency():
        assert any(p.text.endswith(")") and agency in p.text for p in document.paragraphs)
        for change in changes:
            assert any(p.text.startswith(f"- Tiêu chí {change.code} ") for p in document.paragraphs)


def test_the_appendix_lists_every_item_on_landscape_pages_and_prints_whole() -> None:
    plan = _plan()
    document = docx.Document(io.BytesIO(write_plan_document(plan, M)))
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells][:3] == [
        "STT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
    ]
    codes = [row.cells[0].text for row in appendix.rows[1:]]
    items = [i.code for i in M.scored_items if not i.is_survey]
    assert set(items) <= set(codes)
    rows = {row.cells[0].text: row for row in appendix.rows[1:]}
    assert rows["2"].cells[2].text == "5" and rows["8"].cells[2].text == "4,5"  # true self-assessed maxima
    assert appendix.rows[-1].cells[2].text == "64,5"
    section = document.sections[-1]
    assert section.page_width > section.page_height  # landscape
    usable = section.page_width - section.left_margin - section.right_margin
    assert sum(Cm(width) for _, width in APPENDIX_COLUMNS) <= usable
    header = appendix.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in appendix.rows[1:-1])
    changed = {c.code for c in plan.changes}
    shaded = {
        row.cells[0].text
        for row in appendix.rows[1:]
        if (shade := row.cells[0]._tc.tcPr.find(qn("w:shd"))) is not None
        and shade.get(qn("w:fill")) == "E2EFDA"
    }
    assert shaded == changed


@pytest.mark.parametrize("every_item", [True, False])
def test_the_english_plan_and_the_changes_only_appendix(every_item: bool) -> None:
    plan = _plan()
    document = docx.Document(io.BytesIO(write_plan_document(plan, M, "en", every_item=every_item)))
    text = _text(document)
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text and "2636/QĐ-BNV of 10/12/2018" in text
    assert "rank ≤ 20" in text and "78.47" in text
    codes = {row.cells[0].text for row in document.tables[-1].rows[1:]}
    assert ("1.1" in codes) is every_item
