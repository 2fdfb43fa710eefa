"""A server killed in the middle of a session (issue 11, item 3): the person reconnects to the restarted server
with the address their browser kept and finds the scenario they were editing, every autosaved edit in it.

Driven by the load test's light client (bench/loadtest.py), so the test speaks the same protocol as a browser
without needing one."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from loadtest import Stats, _in_own_thread  # noqa: E402, I001 (puts tests/browser on the path)
from browser_support import start_server, stop_server  # noqa: E402
from session_client import edit_until_autosaved, reopen  # noqa: E402


def test_a_killed_server_restarted_gives_back_the_autosaved_scenario(tmp_path: Path) -> None:
    stats = Stats()
    found: dict[str, object] = {}
    first = start_server(tmp_path)
    try:
        _in_own_thread(
            lambda: found.update(edit=asyncio.run(edit_until_autosaved(first.url, stats, edits=2)))
        )
    finally:
        first.process.kill()  # no clean shutdown: what a power cut or an OOM kill does
        first.process.wait(timeout=30)
    query, expected = found["edit"]  # type: ignore[misc]
    assert "w=" in query, query
    second = start_server(tmp_path)  # the same store file
    try:
        _in_own_thread(lambda: found.update(total=asyncio.run(reopen(second.url, query, expected, stats))))
    finally:
        stop_server(second)
    assert found["total"] is not None
    assert stats.errors == [], stats.errors  # the reopened header total is the edited scenario's


def test_a_dropped_connection_reconnects_to_the_same_scenario(tmp_path: Path) -> None:
    """A browser whose connection drops (Wi-Fi in a meeting room) opens a new session with the address it kept:
    the scenario it was editing comes back from the autosave, on the same server."""
    stats = Stats()
    found: dict[str, object] = {}
    server = start_server(tmp_path)
    try:
        _in_own_thread(
            lambda: found.update(edit=asyncio.run(edit_until_autosaved(server.url, stats, edits=2)))
        )
        query, expected = found["edit"]  # type: ignore[misc]
        _in_own_thread(lambda: found.update(total=asyncio.run(reopen(server.url, query, expected, stats))))
    finally:
        stop_server(server)
    assert found["total"] is not None
    assert stats.errors == [], stats.errors
