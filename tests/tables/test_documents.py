"""The tables of real Word and PDF files come out as rows aligned with their header, and every bad file gets one
clear message: an old .doc, a zip bomb, XML entities, a damaged file, an encrypted PDF, a scan with no text, a
5,000-page PDF."""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest
from document_builder import BOLD, FONT, docx_bytes, pdf_bytes

from planner.core.errors import ImportFileError
from planner.tables.documents import MAX_PDF_PAGES, read_document_rows, read_docx_rows, read_pdf_rows


def refused(key: str, name: str, payload: bytes) -> None:
    with pytest.raises(ImportFileError) as raised:
        read_document_rows(name, payload)
    assert raised.value.key == key
    assert "Traceback" not in raised.value.one_line("vi")


def test_merged_cells_keep_their_text_once_and_the_columns_stay_aligned() -> None:
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "1"
    table.cell(1, 1).text = "Kế hoạch CCHC năm"
    table.cell(2, 1).text = "Báo cáo CCHC"
    table.cell(3, 2).text = "0,5"
    buffer = io.BytesIO()
    document.save(buffer)
    rows = read_docx_rows(buffer.getvalue())
    assert [r.cells for r in rows] == [
        ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "", ""),
        ("1", "Kế hoạch CCHC năm", ""),
        ("", "Báo cáo CCHC", ""),
        ("", "", "0,5"),
    ]
    assert rows[3].where("vi") == "bảng 1, dòng 4" and rows[3].where("en") == "table 1, row 4"


def test_a_pdf_table_over_several_pages_is_one_list_of_rows_with_its_pages() -> None:
    body = [(str(n), f"Tiêu chí số {n} có tên tiếng Việt đầy đủ dấu", "0,5") for n in range(1, 121)]
    rows = read_pdf_rows(pdf_bytes([("STT", "Tiêu chí", "Điểm tối đa")], body, widths=(15, 200, 30)))
    data = [r for r in rows if r.cells[0] not in ("STT",)]
    assert [r.cells for r in data] == [tuple(b) for b in body]
    assert data[0].page == 1 and data[-1].page is not None and data[-1].page >= 3
    assert data[-1].where("vi").startswith(f"trang {data[-1].page}, dòng")
    headers = [r for r in rows if r.cells[0] == "STT"]
    assert len(headers) == data[-1].page  # the header repeated on every page, for the reader to skip


def test_an_old_word_file_or_a_renamed_file_is_refused() -> None:
    refused("document.ole_file", "cu.docx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    refused("document.not_docx", "bang.docx", b"STT;Tieu chi;Diem\n1;A;1\n")
    refused("document.empty_file", "rong.docx", b"")
    refused("document.not_pdf", "bang.pdf", b"<html>not a pdf</html>")
    refused("document.corrupt", "cat.docx", docx_bytes([("A", "B")], [("1", "2")])[:-200])


def test_a_zip_bomb_dressed_as_a_word_file_is_refused_before_it_is_inflated() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 40_000_000 + b"</w:document>")
    started = time.perf_counter()
    refused("document.zip_bomb", "bom.docx", buffer.getvalue())
    assert time.perf_counter() - started < 1


def test_xml_entities_in_a_word_file_are_refused() -> None:
    good = docx_bytes([("STT", "Tiêu chí", "Điểm tối đa")], [("1", "A", "1")])
    source = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/document.xml":
                laughs = (
                    b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                )
                data = data.replace(b"?>", b"?>" + laughs, 1)
            archive.writestr(member, data)
    refused("document.unsafe_xml", "thuc-the.docx", buffer.getvalue())


def test_an_encrypted_pdf_is_refused_with_its_own_message() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="so-noi-vu", user_password="mat-khau")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    pdf.cell(0, 10, "Bảng tiêu chí")
    refused("document.encrypted", "mat-khau.pdf", bytes(pdf.output()))


def test_a_scanned_pdf_with_no_text_layer_says_so() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for row in range(10):  # a table drawn as lines only, as a scanner's image would show it
        pdf.rect(10, 10 + row * 8, 180, 8)
    refused("document.no_text_layer", "ban-quet.pdf", bytes(pdf.output()))


def test_a_pdf_with_thousands_of_pages_is_refused_quickly() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_font("DejaVu", style="B", fname=str(BOLD))
    pdf.set_font("DejaVu", size=8)
    for _ in range(5_000):
        pdf.add_page()
    payload = bytes(pdf.output())
    assert len(payload) < 10 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as raised:
        read_pdf_rows(payload)
    assert raised.value.key == "document.too_many_pages"
    assert raised.value.params["pages"] == 5_000 and raised.value.params["limit"] == MAX_PDF_PAGES
    assert time.perf_counter() - started < 10


def test_an_unknown_kind_of_file_names_the_kinds_read() -> None:
    refused("cli.unsupported_file_type", "bang.odt", b"anything")
