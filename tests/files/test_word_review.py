"""The sơ kết report opened back with python-docx: the administrative head, the numbered sections, the agency
tables with the right counts, the late list, the next steps and the forecast chart as a picture."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from planner.files.word_review import write_review_document
from planner.tracking.model import Progress
from planner.tracking.review import review_plan
from planner.tracking.updates import apply_updates
from tests.tracking_fixtures import competition, methodology, tracked_plan


def _quarter_two():  # type: ignore[no-untyped-def]
    tracked, _ = apply_updates(
        tracked_plan(),
        methodology(),
        [
            ("6.2.3", Progress(status="done", evidence="QĐ 55/QĐ-UBND")),
            ("1.5", Progress(status="in_progress", percent=80)),
            ("8.2", Progress(status="in_progress", percent=20)),
        ],
    )
    first = review_plan(tracked, methodology(), date(2019, 3, 31), competition=competition())
    tracked = tracked.with_review(first.point())
    return tracked, review_plan(tracked, methodology(), date(2019, 6, 30), competition=competition())


def test_the_report_reads_as_a_provincial_bao_cao() -> None:
    tracked, review = _quarter_two()
    doc = Document(io.BytesIO(write_review_document(review, tracked, "vi")))
    text = "\n".join(p.text for p in doc.paragraphs)
    head = doc.tables[0].rows[0].cells
    assert (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[1].text and "Độc lập - Tự do - Hạnh phúc" in head[1].text
    )
    assert "ỦY BAN NHÂN DÂN" in head[0].text and "LÀO CAI" in head[0].text and "/BC-UBND" in head[0].text
    assert "BÁO CÁO" in text and "(tính đến ngày 30/06/2019)" in text
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. DỰ BÁO",
        "III. TIẾN ĐỘ THEO CƠ QUAN CHỦ TRÌ",
        "IV. NHIỆM VỤ CHẬM",
        "V. NHIỆM VỤ TRỌNG TÂM",
    ):
        assert heading in text
    assert "1 đã hoàn thành, 2 đang thực hiện, 4 chưa thực hiện" in text
    assert "điểm dự kiến 79,73" in text  # 78,47 + 0,5 + 0,56 + 0,2 (Vietnamese decimals)
    assert "8.2" in text and "đã quá 30 ngày" in text  # 8.2 was due 31/05
    assert "Giả định" in text  # the in-progress rule is stated
    assert len(doc.inline_shapes) == 1  # the forecast chart


def test_the_agency_tables_count_what_the_review_counts() -> None:
    tracked, review = _quarter_two()
    doc = Document(io.BytesIO(write_review_document(review, tracked, "vi")))
    summary = next(t for t in doc.tables if t.rows[0].cells[0].text == "Cơ quan chủ trì")
    body = [[c.text for c in row.cells] for row in summary.rows[1:]]
    assert [row[0] for row in body] == [a.agency for a in review.by_agency]
    tai_chinh = next(row for row in body if row[0] == "Sở Tài chính")
    assert tai_chinh[1:6] == ["3", "1", "0", "2", "0"]
    khdt = next(row for row in body if row[0] == "Sở Kế hoạch và Đầu tư")
    assert khdt[5] == "1"  # one late task
    # one table of rows per agency, each listing exactly that agency's tasks
    row_tables = [t for t in doc.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 7]
    assert len(row_tables) == len(review.by_agency)
    listed = {
        agency.agency: [r.cells[0].text for r in table.rows[1:]]
        for agency, table in zip(review.by_agency, row_tables, strict=True)
    }
    assert listed["Sở Tài chính"] == ["6.2.3", "6.3.1", "6.3.2"]
    assert listed["Sở Nội vụ"] == listed["Sở Khoa học và Công nghệ"] == ["1.5"]  # two leads: in both tables
    assert (
        "QĐ 55/QĐ-UBND" in [r.cells[5].text for r in row_tables[list(listed).index("Sở Tài chính")].rows][1]
    )
    next_table = next(t for t in doc.tables if len(t.columns) == 6)
    assert [r.cells[0].text for r in next_table.rows[1:]] == [s.code for s in review.next]


def test_the_report_in_english() -> None:
    tracked, review = _quarter_two()
    doc = Document(io.BytesIO(write_review_document(review, tracked, "en")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "REPORT" in text and "I. RESULTS SO FAR" in text and "expected 79.73" in text
