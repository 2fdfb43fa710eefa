"""What the fault and proxy tests do as one person through the load test's protocol client (bench/loadtest.py):
edit until the autosave has put its token in the address, reopen with that address, read a picker's options.
Not a test module."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from loadtest import Session, Stats, _string, examples

from planner.methodology.scenario import Scenario

NAME = "Một người trong phòng"


async def edit_until_autosaved(
    url: str, stats: Stats, *, example: str = "an-giang-2023", edits: int = 1, cookie: str = ""
) -> tuple[str, Scenario]:
    """Open `example`, change `edits` sub-criteria and wait until the address carries the working-copy token; the
    address and the scenario the session must be showing."""
    session = Session(url, 0, (0.0, 0.0), stats, [NAME], cookie=cookie)
    async with session.connect() as ws:
        session.ws = ws
        run = await session.rerun()
        _, picker = session._find(run, "side.example.")
        name, scenario = examples()[example]
        await session.rerun([_string(picker.id, name)])
        session.scenario = scenario
        run = await session.rerun(page="scenario")
        for _ in range(edits):
            key, box = next(
                (k, w) for k, w in run.widgets.items() if k.startswith("lv_") and len(w.options) > 1
            )
            choice = 0 if box.default != 0 else 1
            session.scenario = session._with_level(key.split("_", 2)[2], choice)
            run = await session.rerun([_string(box.id, box.options[choice])])
        for _ in range(40):
            if "w=" in session.query:
                break
            await asyncio.sleep(0.25)
            await session.rerun()
        assert session.scenario is not None
        return session.query, session.scenario


async def reopen(url: str, query: str, expected: Scenario, stats: Stats, *, cookie: str = "") -> str | None:
    """A new session opened at `query`; every total it is shown is checked against `expected` (into `stats`)."""
    session = Session(url, 0, (0.0, 0.0), stats, [NAME], cookie=cookie)
    async with session.connect() as ws:
        session.ws = ws
        session.scenario = expected
        run = await session.rerun(query=query)
        return run.total


async def offered(url: str, page: str, key: str) -> list[str]:
    """The options of the picker `key` (a key prefix) a new session on `url` sees on `page`."""
    session = Session(url, 0, (0.0, 0.0), Stats(), ["-"])
    async with session.connect() as ws:
        session.ws = ws
        await session.rerun()
        run = await session.rerun(page=page)
        _, picker = session._find(run, key)
        return list(picker.options)
