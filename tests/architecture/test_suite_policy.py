"""In CI the PostgreSQL and browser suites run or fail: a missing server or browser is never a quiet skip.

Each case runs one real test of the suite in a pytest subprocess with the part made unavailable (an unreachable
PostgreSQL URL, a Chromium path that does not exist) and reads the outcome pytest reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TEST = "tests/browser/test_app_browser.py::test_every_page_opens_without_an_exception"
POSTGRES_TEST = (
    "tests/store/test_store.py::test_a_created_scenario_reads_back_identically_with_its_metadata[postgresql]"
)
NO_POSTGRES = "postgresql+psycopg://nobody@/nothing?host=/nonexistent-socket-folder"


def outcome(test: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CI", "PAR_PLANNER_REQUIRE_POSTGRES", "PAR_PLANNER_REQUIRE_BROWSER")
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.parametrize(
    ("test", "env"),
    [
        (BROWSER_TEST, {"PAR_PLANNER_CHROMIUM": "/nonexistent/chromium"}),
        (POSTGRES_TEST, {"PAR_PLANNER_TEST_POSTGRES_URL": NO_POSTGRES}),
    ],
    ids=["browser", "postgres"],
)
def test_a_missing_part_fails_the_suite_in_ci_and_skips_it_elsewhere(test: str, env: dict[str, str]) -> None:
    in_ci = outcome(test, CI="true", **env)
    assert in_ci.returncode != 0, in_ci.stdout[-2000:]
    assert "NOT RUN" in in_ci.stdout or "NOT TESTED" in in_ci.stdout
    assert " skipped" not in in_ci.stdout.splitlines()[-1]
    elsewhere = outcome(test, **env)
    assert elsewhere.returncode == 0, elsewhere.stdout[-2000:]
    assert "1 skipped" in elsewhere.stdout.splitlines()[-1]
