"""Two PAR Planner processes behind nginx, sharing one PostgreSQL (issue 11, item 2), with deploy/'s own proxy
configuration: the load test runs through the proxy and spreads over both processes, a scenario saved on one is
listed on the other, and when one process is killed its people reconnect through the proxy to the other and get
their autosaved scenarios back.

nginx comes from Debian (`.ci/run` installs it). Without it the test skips loudly; in CI, or with
PAR_PLANNER_REQUIRE_PROXY set, it fails instead."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from loadtest import Stats, _in_own_thread, run_load, session_names  # noqa: E402, I001
from browser_support import Server, free_port, start_server, stop_server  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402
from session_client import edit_until_autosaved, offered, reopen  # noqa: E402
from excel_helpers import mini_methodology  # noqa: E402
from suite_policy import must_run  # noqa: E402

from planner.store import ScenarioStore  # noqa: E402

REQUIRE_ENV = "PAR_PLANNER_REQUIRE_PROXY"
SESSIONS = 8

pytestmark = pytest.mark.xdist_group("proxy")


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        reason = "PROXY NOT TESTED: no nginx (install Debian's nginx package; .ci/run does)"
        if must_run(REQUIRE_ENV):
            pytest.fail(f"{reason}; in CI (CI=true) or with {REQUIRE_ENV} set it must run", pytrace=False)
        pytest.skip(reason)
    return found


def proxy_config(tmp: Path, listen: int, backends: list[int]) -> str:
    """deploy/nginx-par-planner.conf as a whole nginx.conf on loopback: its own ports, files under `tmp`."""
    snippet = (ROOT / "deploy" / "nginx-par-planner.conf").read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in backends)
    snippet = re.sub(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", servers, snippet)
    snippet = snippet.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    temp = "\n".join(
        f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
daemon off;
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"};
events {{ worker_connections 1024; }}
http {{
    log_format upstreams '$upstream_addr $request_uri $status';
    access_log {tmp / "access.log"} upstreams;
{temp}
{snippet}
}}
"""


def _wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture
def farm(
    postgres_server: PostgresServer | None, tmp_path: Path
) -> Iterator[tuple[str, list[Server], Path, str]]:
    nginx = _nginx()
    if postgres_server is None:
        pytest.skip("needs PostgreSQL")
    url, schema = postgres_server.fresh_url()
    servers = []
    for i in (0, 1):
        folder = tmp_path / f"p{i}"
        folder.mkdir()
        servers.append(start_server(folder, database_url=url))
    listen = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        proxy_config(tmp_path, listen, [int(s.url.rsplit(":", 1)[1]) for s in servers]), encoding="utf-8"
    )
    proxy = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.PIPE)
    try:
        _wait_for_port(listen)
        yield f"http://127.0.0.1:{listen}", servers, tmp_path / "access.log", url
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        for server in servers:
            if server.process.poll() is None:
                stop_server(server)
        postgres_server.drop_schema(schema)


def _backends(log: Path, uri_prefix: str) -> list[str]:
    """The backend ("127.0.0.1:port") of each request under `uri_prefix`, in the order of the proxy's access log;
    when the proxy had to try a second backend, the one that answered."""
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        upstream, uri, _ = line.split(" ", 2)
        if uri.startswith(uri_prefix):
            found.append(upstream.split(",")[-1].strip())
    return found


def _logged(log: Path, uri_prefix: str, count: int, timeout: float = 30.0) -> list[str]:
    """`_backends`, once the proxy has logged at least `count` such requests or `timeout` seconds have passed.

    nginx writes a request's line in its log phase, after the answer has gone out, so a client that has read
    its answer can look at the log before the line is there: one run in CI found 63 of 64 health checks. A
    WebSocket's line comes later still, when the connection closes. The caller asserts on what it gets."""
    deadline = time.monotonic() + timeout
    found = _backends(log, uri_prefix)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.1)
        found = _backends(log, uri_prefix)
    return found


def _sessions(log: Path, count: int) -> list[str]:
    """The backend of each WebSocket session, in order, once `count` have closed (nginx logs one when it
    closes)."""
    return _logged(log, "/_stcore/stream", count)


def _keys_on_each_backend(proxy: str, log: Path, per_backend: int) -> tuple[list[str], list[str]]:
    """Sticky keys, `per_backend` of them hashed to each process, with the process each goes to.

    nginx's consistent hash places the processes on its ring by their addresses, and the test's ports are new
    on every run, so which process a fixed key reaches changes from run to run (eight fixed keys all landed on
    one process in about one run in twenty). The proxy itself is asked: a plain request per candidate key,
    and its access log says where each went."""
    candidates = [f"room-{i}" for i in range(64)]
    for key in candidates:
        ask = urllib.request.Request(f"{proxy}/_stcore/health", headers={"Cookie": f"par_node={key}"})
        with urllib.request.urlopen(ask, timeout=10) as answer:
            answer.read()
    went = _logged(log, "/_stcore/health", len(candidates))
    assert len(went) == len(candidates), went
    assert len(set(went)) == 2, went
    first, second = (
        [key for key, b in zip(candidates, went, strict=True) if b == backend][:per_backend]
        for backend in sorted(set(went))
    )
    assert len(first) == len(second) == per_backend, went
    # alternating, so any leading share of the keys (the people who go on editing) is on both processes
    keys = [key for pair in zip(first, second, strict=True) for key in pair]
    return keys, [went[candidates.index(key)] for key in keys]


def test_two_processes_behind_nginx_share_the_work_and_survive_losing_one(
    farm: tuple[str, list[Server], Path, str],
) -> None:
    proxy, servers, access_log, database = farm
    with ScenarioStore.open(database) as store:  # a scheme the province loaded, saved once
        scheme = mini_methodology()
        store.save_methodology(scheme.model_copy(update={"id": "so-do-phong-hop"}), "Sở Nội vụ")
    keys, expected = _keys_on_each_backend(proxy, access_log, SESSIONS // 2)
    cookies = [f"par_node={key}" for key in keys]
    stats, _ = run_load(SESSIONS, think=(0.1, 0.3), url=proxy, cookies=cookies)
    assert stats.errors == [] and stats.leaks == [], (stats.errors, stats.leaks)
    spread = _sessions(access_log, SESSIONS)
    # both processes served sessions, each session the process its key was hashed to (nginx logs a WebSocket
    # when it closes, so the log's order is not the sessions')
    assert sorted(spread) == sorted(expected) and len(set(spread)) == 2, (spread, expected)
    # a scenario saved through one process is offered by the other (one PostgreSQL behind both)
    names = session_names(SESSIONS)
    for server in servers:
        saved: list[str] = []
        _in_own_thread(
            lambda s=server, out=saved: out.extend(asyncio.run(offered(s.url, "scenario", "open_stored.")))
        )
        assert all(any(name in option for option in saved) for name in names), saved
        schemes: list[str] = []
        _in_own_thread(
            lambda s=server, out=schemes: out.extend(
                asyncio.run(offered(s.url, "methodology", "methodology_pick"))
            )
        )
        assert mini_methodology().name("vi") in schemes, schemes  # the saved scheme, on both processes

    # people editing through the proxy; then one process dies
    moved = Stats()
    kept: list[tuple[str, str, object]] = []
    for cookie in cookies[:4]:
        _in_own_thread(
            lambda cookie=cookie: kept.append(
                (
                    cookie,
                    *asyncio.run(
                        edit_until_autosaved(proxy, moved, example="quang-ngai-2025", cookie=cookie)
                    ),
                )
            )
        )
    assert all("w=" in query for _, query, _ in kept)
    served = _sessions(access_log, SESSIONS + 4)[SESSIONS:]
    assert len(served) == 4
    victim = next(s for s in servers if s.url.endswith(served[0].rsplit(":", 1)[1]))  # the first person's
    victim.process.kill()
    victim.process.wait(timeout=30)
    totals: list[str | None] = []
    for cookie, query, expected in kept:
        _in_own_thread(
            lambda c=cookie, q=query, e=expected: totals.append(
                asyncio.run(reopen(proxy, q, e, moved, cookie=c))
            )
        )
    assert all(total is not None for total in totals)
    assert moved.errors == [], moved.errors  # every reopened total is the person's own autosaved scenario
    survivor = next(s for s in servers if s is not victim).url.removeprefix("http://")
    reconnected = _sessions(access_log, SESSIONS + 8)[SESSIONS + 4 :]
    assert reconnected and all(backend == survivor for backend in reconnected), (
        reconnected
    )  # all of them now on the other process
