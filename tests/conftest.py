"""Shared pytest fixtures. Each section names its owner; append new sections at the end, do not edit others'.
Imports go in the block below, one group per section."""

from __future__ import annotations

# Section: scenario store
import warnings
from collections.abc import Iterator

import pytest
from postgres_server import REQUIRE_ENV, SKIP_BANNER, PostgresServer, PostgresUnavailable, start_server
from suite_policy import must_run

# ======================================================================================================
# Section: scenario store (owner: scenario-store engineer; used by tests/store/test_store.py, cli/test_cli_store.py)
# A real PostgreSQL server, started once per test process (see tests/postgres_server.py), and a fresh
# database per test. When no server can be started the PostgreSQL cases are skipped, and said loudly: a
# warning, a skip reason starting with POSTGRESQL NOT TESTED, and a banner in the pytest summary. Set
# PAR_PLANNER_REQUIRE_POSTGRES=1 to make that a failure instead.
# ======================================================================================================
_postgres_failure: list[str] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        reason = f"{SKIP_BANNER}: no PostgreSQL server could be started ({exc})"
        if must_run(REQUIRE_ENV):
            pytest.fail(f"{reason}; in CI (CI=true) or with {REQUIRE_ENV} set it must run", pytrace=False)
        warnings.warn(reason, stacklevel=1)
        _postgres_failure.append(reason)
        yield None
        return
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer | None) -> Iterator[str]:
    """A SQLAlchemy URL to an empty schema of its own on the test server (the store sees an empty database)."""
    if postgres_server is None:
        pytest.skip(_postgres_failure[0] if _postgres_failure else f"{SKIP_BANNER}: no server")
    url, schema = postgres_server.fresh_url()
    try:
        yield url
    finally:
        postgres_server.drop_schema(schema)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    hits = [report for report in skipped if SKIP_BANNER in str(getattr(report, "longrepr", ""))]
    if hits:
        terminalreporter.write_sep(
            "!", f"{SKIP_BANNER}: {len(hits)} PostgreSQL store tests were SKIPPED", red=True
        )
        longrepr = hits[0].longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        terminalreporter.write_line(reason, red=True)
        terminalreporter.write_line(
            "Install Debian's postgresql package (CI's .ci/run does) to run them.", red=True
        )


# ======================================================================================================
# (next section goes here)
