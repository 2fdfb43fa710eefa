"""The store's fixtures, for every test of tests/store/: each test runs on a real SQLite file and on the real
PostgreSQL server the session starts (tests/conftest.py), a fresh database each time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.store import ScenarioStore

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[ScenarioStore]:
    with ScenarioStore.open(store_url) as opened:
        yield opened
