"""The pieces every Word document of the planner is built from (python-docx): the Times New Roman body, the
heading block with the national motto, justified and indented paragraphs, table cells, shading, header rows that
repeat on each page and rows that never split. The plan (planner.files.word) and the quarterly report
(planner.files.word_review) are both made of them, so the two read as documents of the same office.
"""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from planner.core.i18n import Lang, t

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
TABLE_SIZE = Pt(10.5)


def portrait_document() -> Any:
    """A new A4 portrait document with the administrative margins (3 cm left, 2 cm elsewhere) and body style."""
    doc = Document()
    base_style(doc)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    return doc


def base_style(doc: object) -> None:
    style = doc.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = FONT
    style.font.size = BODY_SIZE
    # East Asian and complex-script fonts too, so Word does not substitute one for Vietnamese letters
    fonts = style.element.rPr.rFonts
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(6)


def paragraph(
    doc: object,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: Pt | None = None,
    indent: bool = False,
) -> Paragraph:
    paragraph: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = size
    if align is not None:
        paragraph.alignment = align
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.0)
    return paragraph


def cell_lines(cell: _Cell, lines: list[tuple[str, bool, bool]]) -> None:
    """Centred lines in a cell of the heading block: (text, bold, italic)."""
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(12.5)


def heading_block(doc: object, province: str | None, number: str, year: str, lang: Lang) -> None:
    """Authority and number on the left, the national motto and the place and date on the right: the first
    lines of every document the provincial People's Committee issues."""
    table: Table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    place = province or t("word.province_blank", lang)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    cell_lines(
        left,
        [
            (t("word.authority", lang), True, False),
            (
                t("word.authority_province", lang, province=place.upper() if lang == "vi" else place),
                True,
                False,
            ),
            ("-------", False, False),
            (number, False, False),
        ],
    )
    cell_lines(
        right,
        [
            (t("word.motto_state", lang), True, False),
            (t("word.motto", lang), True, False),
            ("---------------", False, False),
            (t("word.place_date", lang, province=place, year=year), False, True),
        ],
    )
    paragraph(doc)


def table_text(cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = TABLE_SIZE
    run.font.color.rgb = RGBColor(0, 0, 0)


def shade(cell: _Cell, color: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color)
    properties.append(shading)


def repeat_as_header(row: _Row) -> None:
    """The header row is repeated at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def keep_together(row: _Row) -> None:
    """A row is never split across two pages (a clipped evidence cell reads as a different requirement)."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:cantSplit")
    flag.set(qn("w:val"), "true")
    properties.append(flag)
