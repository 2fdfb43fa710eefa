"""A cold server opened by a whole room at once (issue 11): every session's first run, started in the same
instant, finishes without an exception. Before ui/preload.py, sessions importing pandas together on a fresh
process got a half-initialised module ("partially initialized module 'pandas' has no attribute 'Timestamp'")."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadtest import Session, Stats, _in_own_thread  # noqa: I001 (puts tests/browser on the path)
from browser_support import start_server, stop_server

pytestmark = pytest.mark.xdist_group("load")
PEOPLE = 8


async def _everyone_at_once(url: str, stats: Stats) -> None:
    names = [f"Người {i}" for i in range(PEOPLE)]

    async def one(index: int) -> None:
        session = Session(url, index, (0.0, 0.0), stats, names)
        async with session.connect() as ws:
            session.ws = ws
            await session.rerun()
            await session.rerun(page="scenario")

    await asyncio.gather(*(one(i) for i in range(PEOPLE)))


@pytest.mark.parametrize("attempt", [1, 2])
def test_a_room_opening_a_cold_server_at_once_sees_no_exception(attempt: int) -> None:
    stats = Stats()
    server = start_server(Path(tempfile.mkdtemp(prefix=f"par-cold-{attempt}-")))
    try:
        _in_own_thread(lambda: asyncio.run(_everyone_at_once(server.url, stats)))
    finally:
        stop_server(server)
    assert stats.errors == [] and stats.leaks == [], stats.errors
