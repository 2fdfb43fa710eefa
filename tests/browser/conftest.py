"""Fixtures for the browser tests: the real app under `streamlit run` on a free port, and Debian's Chromium.

Chromium comes from Debian (`/usr/bin/chromium`, installed by .ci/run), never from `playwright install`. When it
is missing the tests are skipped with a loud reason, not silently passed; in CI (CI=true) or with
PAR_PLANNER_REQUIRE_BROWSER set they fail instead (tests/suite_policy.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, Server, chromium_missing, start_server, stop_server
from suite_policy import must_run

REQUIRE_ENV = "PAR_PLANNER_REQUIRE_BROWSER"


def _missing_part(reason: str) -> None:
    """Skip with `reason`, or fail where the browser suite must run."""
    if must_run(REQUIRE_ENV):
        pytest.fail(f"{reason}; in CI (CI=true) or with {REQUIRE_ENV} set it must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    reason = chromium_missing()
    if reason:
        _missing_part(reason)
    running = start_server(tmp_path_factory.mktemp("app"))
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = chromium_missing()
    if reason:
        _missing_part(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = chromium_missing()
    for item in items:
        if "browser" in item.path.parent.parts[-1:]:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)  # each drives a real server and browser for several seconds
            item.add_marker(pytest.mark.xdist_group("browser"))
            if reason and not must_run(REQUIRE_ENV):
                item.add_marker(pytest.mark.skip(reason=reason))
