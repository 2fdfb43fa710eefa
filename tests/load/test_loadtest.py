"""The load test, short (issue 11, item 1): three light sessions on a fresh server on loopback, each loading its
own example, renaming, editing, switching pages, optimising and saving. No errors (every header total is the one
the session's own scenario scores), no session ever sent another's name, every edit timed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadtest import percentile, run_load, summary_line

pytestmark = pytest.mark.xdist_group("load")


def test_three_sessions_share_one_server_without_errors_or_leaks() -> None:
    stats, rss = run_load(3, think=(0.2, 0.6))
    print(summary_line(3, stats, rss))
    assert stats.errors == []
    assert stats.leaks == []
    assert len(stats.edits_ms) == 12
    assert (
        percentile(stats.edits_ms, 0.95) < 10_000
    )  # generous: CI machines are shared; the README has figures
    assert 50 < rss < 4_000
