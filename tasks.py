#!/usr/bin/env python3
"""One entry point for a fresh machine with only Python 3.11: set up, start, test, benchmark.

    python3 tasks.py start     # create .venv, install, start the app on the bundled data
    python3 tasks.py test      # create .venv, install, lint, type-check, run every test
    python3 tasks.py bench     # run the benchmarks under bench/ and print their numbers
    python3 tasks.py screenshots  # browser tests writing docs/screenshots/ (the README's pictures)

Only the standard library is used here, so it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".installed"


def run(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def setup() -> None:
    """Create .venv and install the project with its dev extras, again only when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py runs on whatever python3 the user has
        sys.exit("PAR Planner needs Python 3.11 or newer.")
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(digest)


def start(extra: list[str]) -> None:
    setup()
    port = os.environ.get("PORT", "8501")
    os.execv(str(PY), [str(PY), "-m", "streamlit", "run", "streamlit_app.py", "--server.port", port, *extra])


def test(extra: list[str]) -> None:
    setup()
    run(PY, "-m", "ruff", "check", ".")
    run(PY, "-m", "ruff", "format", "--check", ".")
    run(PY, "-m", "mypy")
    workers = os.environ.get("PAR_TEST_WORKERS", "2")
    run(PY, "-m", "pytest", "-n", workers, "--dist", "loadgroup", *extra)


def screenshots(extra: list[str]) -> None:
    """Run the browser tests with their screenshots going to docs/screenshots/ (the README's pictures)."""
    setup()
    env = {**os.environ, "PAR_PLANNER_SCREENSHOTS": "1"}
    run(PY, "-m", "pytest", "-p", "no:cacheprovider", "tests/browser", *extra, env=env)


def bench(extra: list[str]) -> None:
    setup()
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        if extra and not any(name in script.name for name in extra):
            continue
        run(PY, script)


def main() -> None:
    command, *extra = sys.argv[1:] or ["help"]
    if command == "setup":
        setup()
    elif command == "start":
        start(extra)
    elif command == "test":
        test(extra)
    elif command == "bench":
        bench(extra)
    elif command == "screenshots":
        screenshots(extra)
    else:
        print(__doc__)
        sys.exit(0 if command in ("help", "-h", "--help") else 2)


if __name__ == "__main__":
    main()
