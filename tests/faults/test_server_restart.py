"""A server killed in the middle of a session (issue 11, item 3): the person reconnects to the restarted server
with the address their browser kept and finds the scenario they were editing, every autosaved edit in it.

Driven by the load test's light client (bench/loadtest.py), so the test speaks the same protocol as a browser
without needing one."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from loadtest import Session, Stats, _in_own_thread, _string, examples  # noqa: E402, I001 (puts tests/browser on the path)
from browser_support import start_server, stop_server  # noqa: E402

from planner.methodology.scenario import Scenario  # noqa: E402


def _ws(url: str) -> str:
    return url.replace("http", "ws", 1) + "/_stcore/stream"


async def _edit_until_autosaved(url: str, stats: Stats) -> tuple[str, Scenario]:
    async with websockets.connect(_ws(url), subprotocols=["streamlit"], max_size=None) as ws:
        session = Session(url, 0, (0.0, 0.0), stats, ["Phiên khởi động lại"])
        session.ws = ws
        run = await session.rerun()
        _, picker = session._find(run, "side.example.")
        name, scenario = examples()["an-giang-2023"]
        await session.rerun([_string(picker.id, name)])
        session.scenario = scenario
        run = await session.rerun(page="scenario")
        for _ in range(2):  # two edits
            key, box = next(
                (k, w) for k, w in run.widgets.items() if k.startswith("lv_") and len(w.options) > 1
            )
            choice = 0 if box.default != 0 else 1
            session.scenario = session._with_level(key.split("_", 2)[2], choice)
            run = await session.rerun([_string(box.id, box.options[choice])])
        for _ in range(40):  # the autosave puts the working-copy token in the address
            if "w=" in session.query:
                break
            await asyncio.sleep(0.25)
            await session.rerun()
        assert session.scenario is not None
        return session.query, session.scenario


async def _reopen(url: str, query: str, expected: Scenario, stats: Stats) -> str | None:
    async with websockets.connect(_ws(url), subprotocols=["streamlit"], max_size=None) as ws:
        session = Session(url, 0, (0.0, 0.0), stats, ["Phiên khởi động lại"])
        session.ws = ws
        session.scenario = expected  # every total it is shown must be this scenario's
        run = await session.rerun(query=query)
        return run.total


def test_a_killed_server_restarted_gives_back_the_autosaved_scenario(tmp_path: Path) -> None:
    stats = Stats()
    found: dict[str, object] = {}
    first = start_server(tmp_path)
    try:
        _in_own_thread(lambda: found.update(edit=asyncio.run(_edit_until_autosaved(first.url, stats))))
    finally:
        first.process.kill()  # no clean shutdown: what a power cut or an OOM kill does
        first.process.wait(timeout=30)
    query, expected = found["edit"]  # type: ignore[misc]
    assert "w=" in query, query
    second = start_server(tmp_path)  # the same store file
    try:
        _in_own_thread(lambda: found.update(total=asyncio.run(_reopen(second.url, query, expected, stats))))
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
        _in_own_thread(lambda: found.update(edit=asyncio.run(_edit_until_autosaved(server.url, stats))))
        query, expected = found["edit"]  # type: ignore[misc]
        _in_own_thread(lambda: found.update(total=asyncio.run(_reopen(server.url, query, expected, stats))))
    finally:
        stop_server(server)
    assert found["total"] is not None
    assert stats.errors == [], stats.errors
