"""How long reading the documents a province holds takes: a scheme's appendix of about 100 items as .docx and
.pdf, and a results decision of 34 and 63 provinces as .pdf (target: under 2 s each on the 2-core machine).

    .venv/bin/python bench/bench_documents.py

The documents are written by tests/document_builder.py (python-docx, fpdf2): the synthetic 9-area scheme
(87 items) with brackets in a Ghi chú column, the bundled 2018 table (84 items) in the ministry's layout, and
the 2024 field. Prints the median and the slowest of several runs of the whole import (reading the file,
finding the table, building and validating the methodology or the field), and the recovery.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from document_builder import appendix_document, results_document, synthetic_scheme  # noqa: E402

from planner.field.bundled import bundled_field  # noqa: E402
from planner.field.merger import merged_field  # noqa: E402
from planner.field.results_table import read_results_file  # noqa: E402
from planner.files.appendix import methodology_from_document  # noqa: E402
from planner.methodology.catalog import load_bundled_methodology  # noqa: E402

RUNS = 5


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), result


def main() -> None:
    schemes = {
        "synthetic 9-area scheme": synthetic_scheme(),
        "qd2636-2018": load_bundled_methodology("qd2636-2018"),
    }
    for label, scheme in schemes.items():
        for kind in ("docx", "pdf"):
            payload = appendix_document(scheme, "ministry_note", kind)  # type: ignore[arg-type]
            median, worst, result = timed(lambda p=payload, k=kind: methodology_from_document(f"a.{k}", p))
            got = result.methodology  # type: ignore[attr-defined]
            print(
                f"appendix {label} ({len(scheme.scored_items)} items) .{kind} ({len(payload) / 1024:.0f} KB): "
                f"median {median:.2f} s, max {worst:.2f} s; {len(got.scored_items)} items read, "
                f"{len(result.review)} rows for review"  # type: ignore[attr-defined]
            )
    for size in (34, 63):
        source = bundled_field(2024) if size == 63 else merged_field(bundled_field(2024))
        payload = results_document(source, "pdf", year=2024)
        median, worst, field = timed(
            lambda p=payload, n=size: read_results_file(p, "ket-qua.pdf", year=2024, provinces=n)  # type: ignore[arg-type]
        )
        print(
            f"results decision, {size} provinces .pdf ({len(payload) / 1024:.0f} KB): median {median:.2f} s, "
            f"max {worst:.2f} s; {len(field.entries)} provinces read"  # type: ignore[attr-defined]
        )


if __name__ == "__main__":
    main()
