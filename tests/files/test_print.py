"""The plan prints legibly (issue 14, deliverable 3): the .xlsx plan sheet and the Word Kế hoạch rendered through
LibreOffice headless to PDF, then read back with pdfplumber.

What is checked on the PDF, not on the file's settings: every page landscape and one page wide (the first and the
last column headers on every page of the table), the header rows repeated on every page, and no wrapped cell
clipped: every word of every text cell of the table is in the PDF as many times as the table has it (a row
printed too short loses the words below its edge). Outside CI the suite skips loudly without LibreOffice; in CI,
or with PAR_PLANNER_REQUIRE_LIBREOFFICE=1, it must run (`.ci/run` installs it).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from suite_policy import must_run

from planner.core.data import data_dir
from planner.files.excel.plan import HEADER_BOTTOM, HEADER_TOP, PLAN_COLUMNS, write_plan_workbook
from planner.files.word import write_plan_document
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scenario import scenario_from_json
from planner.optimiser.levers import build_levers
from planner.optimiser.plan import Plan
from planner.optimiser.plan_builder import build_plan

REQUIRE_ENV = "PAR_PLANNER_REQUIRE_LIBREOFFICE"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
M = load_bundled_methodology("qd2636-2018")


@pytest.fixture(scope="module")
def soffice() -> str:
    if SOFFICE is None:
        reason = "LIBREOFFICE NOT TESTED: no soffice on this machine (apt-get install libreoffice-calc-nogui)"
        if must_run(REQUIRE_ENV):
            pytest.fail(f"{reason}; in CI or with {REQUIRE_ENV} set it must run", pytrace=False)
        pytest.skip(reason)
    return SOFFICE


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Lào Cai 2019 with every movable item of areas 2, 3 and 7 raised: long evidence texts, every area."""
    baseline = scenario_from_json((data_dir() / "examples" / "lao-cai-2019.json").read_bytes())
    levers = build_levers(M, baseline)
    chosen = {lv.code: lv.upgrades[-1].level for lv in levers.movable if lv.item.area.code in ("2", "3", "7")}
    return build_plan(levers, chosen)


def to_pdf(soffice: str, source: Path) -> Path:
    """`source` converted by LibreOffice headless, with a profile of its own (parallel workers never share one)."""
    profile = source.parent / f"profile-{source.stem}"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    out = source.with_suffix(".pdf")
    assert out.exists(), f"LibreOffice wrote no PDF for {source.name}"
    return out


def letters(text: str) -> Counter[str]:
    """The letters of a text, counted. A PDF's text glues neighbouring cells ("1.25Kế hoạch") and interleaves the
    lines of wrapped cells side by side, so words and lines cannot be compared; letters can: a clipped line
    takes its letters with it. Digits and punctuation are left out (numbers print in the viewer's own style)."""
    return Counter(ch for ch in unicodedata.normalize("NFC", text) if ch.isalpha())


def pages_text(pdf: Path) -> tuple[list[str], list[tuple[float, float]]]:
    with pdfplumber.open(pdf) as doc:
        return [p.extract_text() or "" for p in doc.pages], [
            (float(p.width), float(p.height)) for p in doc.pages
        ]


def missing(expected: Counter[str], printed: Counter[str]) -> dict[str, int]:
    """What the table has and the PDF lacks, letter by letter (empty when nothing is clipped)."""
    return {ch: n - printed[ch] for ch, n in expected.items() if printed[ch] < n}


def test_the_plan_sheet_prints_landscape_one_page_wide_with_nothing_clipped(
    soffice: str, plan: Plan, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(write_plan_workbook(plan, M, "vi")))
    for name in wb.sheetnames:
        if name != "Kế hoạch":
            del wb[name]  # the plan sheet alone, as it is written: its own print settings, rows and widths
    ws = wb["Kế hoạch"]
    source = tmp_path / "ke-hoach.xlsx"
    wb.save(source)
    texts, sizes = pages_text(to_pdf(soffice, source))
    assert len(texts) >= 2 and all(width > height for width, height in sizes), sizes
    last_column = max(i + 1 for i, c in enumerate(PLAN_COLUMNS) if not c.hidden)
    headers = [
        ws.cell(row=HEADER_BOTTOM, column=c).value or ws.cell(row=HEADER_TOP, column=c).value
        for c in range(1, last_column + 1)
    ]
    first, last = str(headers[0]), str(headers[-1])
    for number, text in enumerate(texts, start=1):
        assert first in text and last in text, f"page {number}: the header is not repeated one page wide"
    # What the PDF must show: the title rows once, the header rows on every page, the table's text once.
    expected: Counter[str] = Counter()
    for row in ws.iter_rows(min_row=1, max_col=last_column):
        for cell in row:
            if isinstance(cell.value, str):
                repeat = len(texts) if HEADER_TOP <= cell.row <= HEADER_BOTTOM else 1
                for _ in range(repeat):
                    expected.update(letters(cell.value))
    assert sum(expected.values()) > 20_000  # the long evidence and content texts are there to be clipped
    printed = letters("".join(texts))
    assert missing(expected, printed) == {}
    # and nothing else is printed: the two counts agree to the letter
    assert sum(printed.values()) == sum(expected.values())


def test_the_word_plan_prints_with_its_appendix_header_on_every_page_and_nothing_clipped(
    soffice: str, plan: Plan, tmp_path: Path
) -> None:
    from docx import Document

    data = write_plan_document(plan, M, "vi")
    source = tmp_path / "ke-hoach.docx"
    source.write_bytes(data)
    texts, sizes = pages_text(to_pdf(soffice, source))
    document = Document(io.BytesIO(data))
    appendix = document.tables[-1]
    header = [cell.text for cell in appendix.rows[0].cells]
    # the appendix starts on the page that opens with its title (the letter before it is portrait)
    start = next(n for n, text in enumerate(texts) if text.lstrip().startswith("PHỤ LỤC"))
    table_pages = list(range(start, len(texts)))
    assert len(table_pages) >= 2
    assert all(width < height for width, height in sizes[:start]), "the letter is portrait"
    for n in table_pages:
        assert sizes[n][0] > sizes[n][1], f"page {n + 1} of the appendix is not landscape"
        page = letters(texts[n])
        assert missing(letters(header[1] + header[-1]), page) == {}, (
            f"page {n + 1}: the header is not repeated"
        )
    # What the PDF must show: every paragraph and every table cell once (a merged cell once), and the appendix's
    # header row again on each further page of the appendix.
    expected: Counter[str] = Counter()
    for paragraph in document.paragraphs:
        expected.update(letters(paragraph.text))
    for table in document.tables:
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:  # a merged cell is listed once per grid column
                    seen.add(id(cell._tc))
                    expected.update(letters(cell.text))
    for _ in table_pages[1:]:
        seen = set()
        for cell in appendix.rows[0].cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                expected.update(letters(cell.text))
    assert sum(expected.values()) > 10_000
    printed = letters("".join(texts))
    assert missing(expected, printed) == {}
    assert sum(printed.values()) == sum(expected.values())
