"""The load test with a real browser among the light sessions (issue 11, item 1): the end-to-end figure, edit →
total on screen in Chromium, is measured while other sessions work, and nothing goes wrong for either kind."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from loadtest import run_load  # noqa: E402


def test_a_chromium_session_among_light_ones_sees_every_change_on_screen() -> None:
    stats, _ = run_load(3, think=(0.2, 0.5), browsers=1, browser_changes=3)
    assert stats.errors == [] and stats.leaks == []
    assert len(stats.edits_ms) == 8  # the two light sessions' timed edits
    assert len(stats.browser_ms) == 3 and all(0 < ms < 30_000 for ms in stats.browser_ms)
