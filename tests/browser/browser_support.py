"""Starting the real app under `streamlit run` for the browser tests and the benchmark, and finding Debian's
Chromium. Not a test module (tests/browser/conftest.py and bench/bench_app.py use it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PAR_PLANNER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Where the browser tests put their screenshots: docs/screenshots/ (the README's) when PAR_PLANNER_SCREENSHOTS
#: is set (`python3 tasks.py screenshots`), else a scratch folder, so a test run leaves the checkout clean.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("PAR_PLANNER_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "par-planner-screenshots"
)


def chromium_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"BROWSER TESTS NOT RUN: Debian's Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "BROWSER TESTS NOT RUN: the playwright package is not installed"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    started_in: float


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, even if it is killed (no stray servers)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def server_options(port: int) -> list[str]:
    return ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]


def start_server(tmp: Path, *, timeout: float = 60.0, database_url: str | None = None) -> Server:
    """`streamlit run streamlit_app.py` on a free port with a throw-away store (or `database_url`, shared by
    several servers); returns once /healthz answers."""
    port = free_port()
    log = tmp / f"streamlit-{port}.log"
    url = database_url or "sqlite:///" + (tmp / "store.sqlite3").as_posix()
    env = dict(os.environ, PAR_PLANNER_DATABASE_URL=url)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", *server_options(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return Server(url, process, log, time.perf_counter() - started)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("streamlit did not start in time")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the app's ui/ package, for the tests that read its registry
