#!/usr/bin/env python3
"""One entry point for a fresh machine with only Python 3.11: set up, start, test, benchmark.

    python3 tasks.py start     # create .venv, install what the app needs, start it on the bundled data
    python3 tasks.py test      # create .venv, install the app and the dev tools, lint, type-check, run every test
    python3 tasks.py lock      # write constraints.txt: the exact versions the tests ran with
    python3 tasks.py wheelhouse   # download every package the app needs into wheelhouse/ (for a room offline)
    python3 tasks.py start --offline  # install from wheelhouse/ only (no network), then start
    python3 tasks.py loadtest --sessions 30 [--stress] [--browsers 2]   # a room of N people on one server, on loopback
    python3 tasks.py fuzz      # every file reader fuzzed, 1,000 cases per target (PAR_PLANNER_FUZZ_EXAMPLES)
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
CONSTRAINTS = ROOT / "constraints.txt"
WHEELHOUSE = ROOT / "wheelhouse"
#: What an isolated build of the project needs (pyproject's build-system), kept in the wheelhouse too.
BUILD_TOOLS = ("setuptools>=77", "wheel")
#: What each profile installs: the app alone (start) or with the test and lint tools (test, bench, screenshots).
PROFILES = {"app": ".", "dev": ".[dev]"}


def run(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def install_args(profile: str, *, offline: bool = False, wheels: Path = WHEELHOUSE) -> list[str]:
    """The pip arguments installing `profile`, held to the tested versions in constraints.txt; `offline` takes
    every package from wheelhouse/ and never touches the network."""
    args = ["install", "--quiet", "-e", PROFILES[profile]]
    if CONSTRAINTS.exists():
        args += ["-c", str(CONSTRAINTS)]
    if offline:
        args += ["--no-index", "--find-links", str(wheels)]
    return args


def wheelhouse(extra: list[str]) -> None:
    """wheelhouse/ (or the folder given): every package the app needs at its pinned version, and the build tools,
    so a laptop in a room without internet installs with `start --offline`."""
    target = Path(extra[0]) if extra else WHEELHOUSE
    target.mkdir(parents=True, exist_ok=True)
    pins = ["-c", str(CONSTRAINTS)] if CONSTRAINTS.exists() else []
    run(sys.executable, "-m", "pip", "download", "--quiet", "--dest", target, *pins, ".")
    run(sys.executable, "-m", "pip", "download", "--quiet", "--dest", target, *BUILD_TOOLS)
    print(f"{target}: {len(list(target.iterdir()))} files")


def _stamp(profile: str) -> Path:
    return VENV / f".installed-{profile}"


def _digest(profile: str) -> str:
    parts = [
        (ROOT / "pyproject.toml").read_bytes(),
        CONSTRAINTS.read_bytes() if CONSTRAINTS.exists() else b"",
    ]
    return hashlib.sha256(b"\0".join([*parts, profile.encode()])).hexdigest()


def setup(profile: str = "dev", *, offline: bool = False) -> None:
    """Create .venv and install `profile` ("app": what the app needs; "dev": with pytest, ruff, mypy, Playwright),
    again only when pyproject.toml or constraints.txt changed. A dev install serves the app too."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py runs on whatever python3 the user has
        sys.exit("PAR Planner needs Python 3.11 or newer.")
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    for done in ("dev", profile) if profile == "app" else (profile,):
        stamp = _stamp(done)
        if stamp.exists() and stamp.read_text() == _digest(done):
            return
    if not offline:
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", *install_args(profile, offline=offline))
    _stamp(profile).write_text(_digest(profile))


def lock() -> None:
    """constraints.txt from the dev environment: every installed distribution at its version (the project, pip
    and setuptools excluded), so a fresh machine installs what the tests ran with."""
    setup("dev")
    frozen = subprocess.run(
        [str(PY), "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    skip = ("pip==", "setuptools==", "wheel==", "par-planner==", "par_planner==")
    pins = sorted(
        (line for line in frozen if "==" in line and not line.lower().startswith(skip)), key=str.lower
    )
    header = (
        "# The versions the test suite ran with; written by `python3 tasks.py lock`, used by every install.\n"
    )
    CONSTRAINTS.write_text(header + "\n".join(pins) + "\n", encoding="utf-8")
    print(f"constraints.txt: {len(pins)} pins")


def start(extra: list[str]) -> None:
    offline = "--offline" in extra
    extra = [a for a in extra if a != "--offline"]
    setup("app", offline=offline)
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


def fuzz(extra: list[str]) -> None:
    """The readers under Hypothesis with many more cases than the normal run (tests/fuzz)."""
    setup()
    env = {**os.environ, "PAR_PLANNER_FUZZ_EXAMPLES": os.environ.get("PAR_PLANNER_FUZZ_EXAMPLES", "1000")}
    workers = os.environ.get("PAR_TEST_WORKERS", "2")
    args = [
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-n",
        workers,
        "--hypothesis-show-statistics",
        "tests/fuzz",
    ]
    run(PY, *args, *extra, env=env)


def loadtest(extra: list[str]) -> None:
    """N light sessions against a fresh server on loopback (bench/loadtest.py says what they do and measure)."""
    setup()
    run(PY, ROOT / "bench" / "loadtest.py", *extra)


def bench(extra: list[str]) -> None:
    setup()
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        if extra and not any(name in script.name for name in extra):
            continue
        run(PY, script)


def main() -> None:
    command, *extra = sys.argv[1:] or ["help"]
    if command == "setup":
        setup(*extra[:1])
    elif command == "start":
        start(extra)
    elif command == "test":
        test(extra)
    elif command == "wheelhouse":
        wheelhouse(extra)
    elif command == "loadtest":
        loadtest(extra)
    elif command == "fuzz":
        fuzz(extra)
    elif command == "lock":
        lock()
    elif command == "bench":
        bench(extra)
    elif command == "screenshots":
        screenshots(extra)
    else:
        print(__doc__)
        sys.exit(0 if command in ("help", "-h", "--help") else 2)


if __name__ == "__main__":
    main()
