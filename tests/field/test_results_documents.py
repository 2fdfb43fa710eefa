"""The ministry's results decision as Word or PDF becomes the field, as a CSV or Excel table does: real files of
63 and 34 provinces written by tests/document_builder.py, read back through the same tolerant name matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_planner
from document_builder import docx_bytes, results_document

from planner.core.errors import FieldError
from planner.field.bundled import bundled_field
from planner.field.merger import merged_field
from planner.field.results_table import read_results_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("size", [63, 34])
def test_a_results_decision_gives_the_same_scores_and_ranks(kind: str, size: int) -> None:
    source = bundled_field(2024) if size == 63 else merged_field(bundled_field(2024))
    payload = results_document(source, kind, year=2024)  # type: ignore[arg-type]
    field = read_results_file(payload, f"qd-ket-qua.{kind}", year=2024, provinces=size)  # type: ignore[arg-type]
    assert field.kind == "official" and field.n_provinces == size
    assert {e.province: e.score for e in field.entries} == {
        e.province: round(e.score, 2) for e in source.entries
    }
    assert field.contradictions == ()  # the written ranks agree with the scores
    assert any(n.key == "field.note.rows_skipped" for n in field.notes)  # the national mean row


def test_a_cell_that_is_not_a_number_is_named_with_its_page_or_table() -> None:
    header = [("STT", "Tỉnh, thành phố", "Chỉ số PAR INDEX 2024", "Xếp hạng")]
    rows = [("1", "Hải Phòng", "91,5", "1"), ("2", "Lào Cai", "tám mươi", "2")]
    with pytest.raises(FieldError) as raised:
        read_results_file(docx_bytes(header, rows), "bang.docx", year=2024, allow_partial=True)
    assert "bảng 1, dòng 3: “tám mươi” không phải là số" in raised.value.one_line("vi")


def test_rank_reads_a_results_pdf_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "QD-ket-qua-2024.pdf"
    path.write_bytes(results_document(bundled_field(2024), "pdf", year=2024))
    done = run_planner("rank", "--year", "2024", "--score", "85", "--field", str(path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    expected = 1 + sum(1 for e in bundled_field(2024).entries if round(e.score, 2) > 85)
    assert data["rank"] == expected and data["field"] == "official"
