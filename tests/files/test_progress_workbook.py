"""The per-agency progress workbook: written, filled in as an agency would in Excel, read back; refused when it
is another plan's or another agency's; the agency sees only its own rows."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from planner.core.errors import ImportFileError, TrackingError
from planner.files.excel.progress import (
    check_returned,
    read_progress_workbook,
    write_agency_workbook,
)
from planner.tracking.model import Progress
from planner.tracking.updates import apply_updates
from tests.excel_helpers import edited
from tests.tracking_fixtures import methodology, tracked_plan

AGENCY = "Sở Tài chính"


def _sheet(wb: Workbook) -> object:
    return wb["Tiến độ"]


def _column(ws: object, header: str) -> int:
    for cell in ws[4]:  # type: ignore[index]
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(header)


def _fill(rows: dict[str, dict[str, object]]):  # type: ignore[no-untyped-def]
    def edit(wb: Workbook) -> None:
        ws = _sheet(wb)
        columns = {
            h: _column(ws, h)
            for h in (
                "Mã",
                "Trạng thái",
                "% hoàn thành",
                "Mức đạt được",
                "Minh chứng, ghi chú",
                "Người cập nhật",
            )
        }
        for r in range(5, ws.max_row + 1):  # type: ignore[attr-defined]
            code = ws.cell(row=r, column=columns["Mã"]).value  # type: ignore[attr-defined]
            for header, value in rows.get(code, {}).items():
                ws.cell(row=r, column=columns[header]).value = value  # type: ignore[attr-defined]

    return edit


def test_the_agency_workbook_lists_only_its_rows_with_drop_downs_and_locked_columns() -> None:
    tracked = tracked_plan()
    data = write_agency_workbook(tracked, methodology(), AGENCY, plan_id="plan-1")
    wb = load_workbook(io.BytesIO(data))
    ws = _sheet(wb)
    codes = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    assert codes == ["6.2.3", "6.3.1", "6.3.2"]
    assert ws.protection.sheet
    status, percent, name = (
        _column(ws, "Trạng thái"),
        _column(ws, "% hoàn thành"),
        _column(ws, "Tiêu chí / tiêu chí thành phần"),
    )
    assert not ws.cell(row=5, column=status).protection.locked
    assert not ws.cell(row=5, column=percent).protection.locked
    assert ws.cell(row=5, column=name).protection.locked
    kinds = sorted(v.type for v in ws.data_validations.dataValidation)
    assert kinds.count("list") == 4  # the status list and one level list per row
    assert "whole" in kinds
    assert ws.cell(row=5, column=status).value == "Chưa thực hiện"
    assert wb["Thông tin biểu"].sheet_state == "hidden"


def test_a_filled_in_workbook_round_trips_into_the_plan() -> None:
    tracked = tracked_plan()
    data = write_agency_workbook(tracked, methodology(), AGENCY, plan_id="plan-1")
    filled = edited(
        data,
        _fill(
            {
                "6.2.3": {
                    "Trạng thái": "Hoàn thành",
                    "Minh chứng, ghi chú": "QĐ 123/QĐ-UBND",
                    "Người cập nhật": "Lê C",
                },
                "6.3.1": {"Trạng thái": "Đang thực hiện", "% hoàn thành": 40},
                "6.3.2": {"Trạng thái": "not achieved", "Mức đạt được": "Không tăng"},
            }
        ),
    )
    returned = read_progress_workbook(filled, methodology())
    assert returned.agency == AGENCY and returned.plan_id == "plan-1"
    check_returned(returned, tracked, plan_id="plan-1", agency=AGENCY)
    updated, fresh = apply_updates(tracked, methodology(), returned.reports, agency=AGENCY, source="workbook")
    assert len(fresh) == 3
    assert updated.progress("6.2.3").evidence == "QĐ 123/QĐ-UBND"
    assert updated.progress("6.2.3").updated_by == "Lê C"
    assert (updated.progress("6.3.1").status, updated.progress("6.3.1").percent) == ("in_progress", 40)
    assert updated.progress("6.3.2").status == "failed"
    # written again from the updated plan, the workbook shows what was read
    again = read_progress_workbook(
        write_agency_workbook(updated, methodology(), AGENCY, plan_id="plan-1"), methodology()
    )
    assert dict(again.reports)["6.3.1"].percent == 40
    assert dict(again.reports)["6.2.3"].status == "done"


def test_a_workbook_from_another_agency_or_plan_is_refused_and_changes_nothing() -> None:
    tracked = tracked_plan()
    data = write_agency_workbook(tracked, methodology(), AGENCY, plan_id="plan-1")
    returned = read_progress_workbook(data, methodology())
    with pytest.raises(TrackingError) as wrong_agency:
        check_returned(returned, tracked, plan_id="plan-1", agency="Sở Tư pháp")
    assert wrong_agency.value.key == "tracking.wrong_agency"
    assert "Sở Tài chính" in wrong_agency.value.message("vi") and "Sở Tư pháp" in wrong_agency.value.message(
        "vi"
    )
    with pytest.raises(TrackingError) as wrong_id:
        check_returned(returned, tracked, plan_id="plan-2", agency=AGENCY)
    assert wrong_id.value.key == "tracking.wrong_plan"
    other_plan = tracked_plan(rank=10)
    with pytest.raises(TrackingError) as wrong_plan:
        check_returned(returned, other_plan, agency=AGENCY)
    assert wrong_plan.value.key == "tracking.wrong_plan"


def test_a_row_moved_into_another_agencys_code_is_refused_whole() -> None:
    tracked = tracked_plan()
    data = write_agency_workbook(tracked, methodology(), AGENCY)

    def take_over(wb: Workbook) -> None:
        ws = _sheet(wb)
        ws.protection.sheet = False
        ws.cell(row=5, column=1).value = "8.2"  # a Sở KH&ĐT row
        ws.cell(row=5, column=_column(ws, "Trạng thái")).value = "Hoàn thành"

    returned = read_progress_workbook(edited(data, take_over), methodology())
    check_returned(returned, tracked, agency=AGENCY)
    with pytest.raises(TrackingError) as caught:
        apply_updates(tracked, methodology(), returned.reports, agency=returned.agency)
    assert [p.key for p in caught.value.problems] == ["tracking.not_your_row"]


def test_bad_cells_are_each_reported_with_their_place() -> None:
    tracked = tracked_plan()
    data = write_agency_workbook(tracked, methodology(), AGENCY)
    bad = edited(
        data,
        _fill(
            {
                "6.2.3": {"% hoàn thành": 150},
                "6.3.1": {"Trạng thái": "sắp xong"},
                "6.3.2": {"Mức đạt được": "mức 9"},
            }
        ),
    )
    with pytest.raises(ImportFileError) as caught:
        read_progress_workbook(bad, methodology())
    messages = caught.value.messages("vi")
    assert len(messages) == 4
    assert any("150" in m and "0 đến 100" in m for m in messages)
    assert any("sắp xong" in m for m in messages)
    assert any("mức 9" in m for m in messages)


def test_a_workbook_that_is_not_a_progress_workbook_is_named_as_such() -> None:
    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(TrackingError) as caught:
        read_progress_workbook(buffer.getvalue(), methodology())
    assert caught.value.key == "tracking.not_progress_workbook"


def test_private_notes_of_another_agency_never_reach_a_workbook() -> None:
    tracked, _ = apply_updates(
        tracked_plan(),
        methodology(),
        [("8.2", Progress(status="in_progress", evidence="ghi chú nội bộ KH&ĐT"))],
    )
    for agency in tracked.agencies():
        data = write_agency_workbook(tracked, methodology(), agency)
        text = " ".join(
            str(c.value) for row in load_workbook(io.BytesIO(data))["Tiến độ"].iter_rows() for c in row
        )
        assert ("ghi chú nội bộ KH&ĐT" in text) == (agency == "Sở Kế hoạch và Đầu tư")


def test_an_agency_with_no_rows_gets_no_workbook() -> None:
    with pytest.raises(TrackingError) as caught:
        write_agency_workbook(tracked_plan(), methodology(), "Sở Y tế")
    assert caught.value.key == "tracking.agency_has_no_rows"
