"""The tables of a Word (.docx) or PDF document, as rows of cell text that remember where they came from.

A province holds the ministry's scheme, its results decision and its own appraisal as Word or PDF files; the
readers of planner.files turn their tables into a methodology, a field or a baseline. This module only gets the
text out, safely and without knowing what it means:

- .docx passes the same zip gate as an .xlsx (size, zip bomb, an old .doc or a password-protected file), and
  python-docx parses it with entities off. Every row keeps one cell per column of the grid, so columns line up
  with the header; a cell merged across columns keeps its text in its first column only (python-docx repeats
  it), and a cell merged down rows on its first row only, so an area written once beside its criteria is not
  read again on every row.
- .pdf must be a text PDF: pdfplumber reads the ruled tables of every page (a table split across pages gives
  one list of rows; the reader of the meaning skips a header repeated on each page). An encrypted PDF, one with
  more than MAX_PDF_PAGES pages or one with no text layer (a scan) is refused with its own message.

Each row carries its page (PDF) or table number (Word) and its row, for the messages and the review list.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from planner.core.errors import ImportFileError
from planner.core.i18n import Lang, t
from planner.tables.reading import MAX_UPLOAD_BYTES, check_upload_size
from planner.tables.workbook import check_office_zip

#: A scheme's appendix is 10-30 pages, a results decision 2-5; a longer PDF is not one of those.
MAX_PDF_PAGES = 300
DocumentKind = Literal["docx", "pdf"]
_DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class DocumentRow:
    """One table row: the text of each cell (merged cells once), and where it sits in the document."""

    cells: tuple[str, ...]
    kind: DocumentKind
    table: int
    row: int
    page: int | None = None

    def where(self, lang: Lang = "vi") -> str:
        """'trang 3, dòng 7' for a PDF, 'bảng 2, dòng 7' for a Word document."""
        if self.kind == "pdf" and self.page is not None:
            return t("document.where_page", lang, page=self.page, row=self.row)
        return t("document.where_table", lang, table=self.table, row=self.row)

    @property
    def text(self) -> str:
        return " | ".join(c for c in self.cells if c)


def clean_cell(text: str | None) -> str:
    """A cell's text with runs of spaces folded and blank lines dropped (line breaks are kept: a rule is often
    written on the lines under the item's name)."""
    if not text:
        return ""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def read_document_rows(name: str, payload: bytes) -> list[DocumentRow]:
    """Every table row of a .docx or .pdf file, in document order."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "docx":
        return read_docx_rows(payload)
    if suffix == "pdf":
        return read_pdf_rows(payload)
    raise ImportFileError("cli.unsupported_file_type", suffix=suffix or name, allowed=".docx, .pdf")


# --- Word ---------------------------------------------------------------------------------------------------


def read_docx_rows(payload: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> list[DocumentRow]:
    check_office_zip(
        payload, required_parts=_DOCX_PARTS, prefix="document", foreign="not_docx", max_bytes=max_bytes
    )
    _refuse_doctypes(payload)
    import docx  # python-docx: its XML parser does not resolve entities

    try:
        document = docx.Document(io.BytesIO(payload))
    except Exception:  # damaged parts raise KeyError, XML errors, ValueError ...
        raise ImportFileError("document.corrupt") from None
    rows: list[DocumentRow] = []
    for table_number, table in enumerate(document.tables, start=1):
        above: list[object] = []
        for row_number, row in enumerate(table.rows, start=1):
            cells: list[str] = []
            seen: list[object] = []
            for position, cell in enumerate(row.cells):
                element = cell._tc
                repeated = any(element is other for other in seen)  # merged across columns
                seen.append(element)
                continued = position < len(above) and above[position] is element  # merged down rows
                cells.append("" if repeated or continued else clean_cell(cell.text))
            above = [cell._tc for cell in row.cells]
            if any(cells):
                rows.append(DocumentRow(tuple(cells), "docx", table_number, row_number))
    if not rows:
        raise ImportFileError("document.no_tables")
    return rows


def _refuse_doctypes(payload: bytes) -> None:
    """No part of a real .docx declares a DTD: one that does (entity expansion, external entities) is refused
    before any XML parser sees it. The zip gate has already bounded what decompressing costs."""
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        for member in archive.infolist():
            if member.filename.endswith((".xml", ".rels")):
                head = archive.read(member)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ImportFileError("document.unsafe_xml", part=member.filename)


# --- PDF ------------------------------------------------------------------------------------------------------


def read_pdf_rows(payload: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> list[DocumentRow]:
    check_upload_size(len(payload), max_bytes)
    if not payload:
        raise ImportFileError("document.empty_file")
    if not payload.lstrip()[:5] == b"%PDF-":
        raise ImportFileError("document.not_pdf")
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(payload)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise ImportFileError("document.too_many_pages", pages=len(pdf.pages), limit=MAX_PDF_PAGES)
            rows, text_seen = list(_pdf_rows(pdf)), False
            if not rows:
                text_seen = any((page.extract_text() or "").strip() for page in pdf.pages[:20])
    except ImportFileError:
        raise
    except PDFPasswordIncorrect:
        raise ImportFileError("document.encrypted") from None
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many types on a damaged file
        # pdfplumber wraps pdfminer's errors (PdfminerException(PDFPasswordIncorrect())): look inside
        causes = (exc, *exc.args, exc.__cause__, exc.__context__)
        if any(isinstance(c, PDFPasswordIncorrect) or "PDFEncryption" in type(c).__name__ for c in causes):
            raise ImportFileError("document.encrypted") from None
        raise ImportFileError("document.corrupt") from None
    if not rows:
        raise ImportFileError("document.no_tables" if text_seen else "document.no_text_layer")
    return rows


def _pdf_rows(pdf: object) -> Iterator[DocumentRow]:
    table_number = 0
    for page_number, page in enumerate(getattr(pdf, "pages", []), start=1):
        for table in page.extract_tables():
            table_number += 1
            for row_number, raw in enumerate(table, start=1):
                cells = tuple(clean_cell(cell) for cell in raw)
                if any(cells):
                    yield DocumentRow(cells, "pdf", table_number, row_number, page=page_number)
