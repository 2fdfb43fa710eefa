"""A throw-away PostgreSQL server for the store tests: initdb into a temporary folder, listen on a Unix socket.

Nothing is shared with a system PostgreSQL: the cluster lives in its own folder under /tmp, listens only on a
socket inside that folder (no TCP port to collide with), trusts local connections, and is stopped with
`pg_ctl -m immediate` and deleted at the end. PostgreSQL refuses to run as root, so when the tests run as root
(CI does) the server runs as the `postgres` user that Debian's package creates (else `nobody`) through
`runuser`. Set PAR_PLANNER_TEST_POSTGRES_URL to test against a server of your own instead (a URL of a database
where you may create schemas; each test creates and drops its own schema there).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    import psycopg
    from psycopg import sql
except (
    ImportError
):  # the dev extra is not installed: start_server() says so, the rest of the suite still runs
    psycopg = None  # type: ignore[assignment]
from sqlalchemy.engine import make_url

EXTERNAL_URL_ENV = "PAR_PLANNER_TEST_POSTGRES_URL"
REQUIRE_ENV = "PAR_PLANNER_REQUIRE_POSTGRES"
SKIP_BANNER = "POSTGRESQL NOT TESTED"
RUN_AS_CANDIDATES = ("postgres", "nobody")
PORT = 5432


class PostgresUnavailable(Exception):
    """No server could be started or reached; the message says why."""


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: $PAR_PLANNER_PG_BIN, Debian's newest, or the PATH."""
    override = os.environ.get("PAR_PLANNER_PG_BIN")
    candidates = [Path(override)] if override else []
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    candidates += [Path(p) for p in debian]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _run_as_user() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as, when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in RUN_AS_CANDIDATES:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and no 'postgres' or 'nobody' account to run the server as")


@dataclass
class PostgresServer:
    """A running server; `fresh_url()` gives a URL to an empty schema of its own, `stop()` ends it."""

    admin_url: str
    root: Path | None = None
    bin_dir: Path | None = None
    account: pwd.struct_passwd | None = None
    #: The server's start options (`pg_ctl -o`), so that a fault test can start it again as it was.
    options: str = ""

    def _conninfo(self) -> str:
        url = make_url(self.admin_url)
        parts = {
            "user": url.username,
            "password": url.password,
            "host": url.query.get("host") or url.host,
            "port": url.port,
            "dbname": url.database or "postgres",
        }
        return " ".join(f"{k}={v}" for k, v in parts.items() if v not in (None, ""))

    def fresh_url(self) -> tuple[str, str]:
        """A new empty schema of its own and a SQLAlchemy URL whose connections use only it.

        A schema per test rather than a database per test: CREATE DATABASE copies a template (half a second
        here), CREATE SCHEMA is instant, and it needs no database-creation right on an external server."""
        schema = "par_test_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self._conninfo(), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        url = make_url(self.admin_url)
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False), schema

    def drop_schema(self, schema: str) -> None:
        with psycopg.connect(self._conninfo(), autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))

    def probe(self) -> None:
        with psycopg.connect(self._conninfo(), autocommit=True, connect_timeout=10) as connection:
            connection.execute("SELECT 1")

    def pause(self) -> None:
        """Stop the server (fast shutdown: open connections are cut), as an outage would; `resume` starts it."""
        assert self.root is not None and self.bin_dir is not None
        _run(
            self.account,
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"],
        )

    def resume(self) -> None:
        assert self.root is not None and self.bin_dir is not None
        _run(self.account, [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-l",
                            str(self.root / "server.log"), "-w", "-t", "60", "-o", self.options, "start"])  # fmt: skip

    def stop(self) -> None:
        if self.root is None or self.bin_dir is None:
            return
        _run(
            self.account,
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
        )
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None


def _run(account: pwd.struct_passwd | None, command: Sequence[str], timeout: float = 60) -> None:
    program = Path(command[0]).name
    if account is not None:
        runuser = shutil.which("runuser")
        if runuser:
            command = [runuser, "-u", account.pw_name, "--", *command]
        else:
            su = shutil.which("su") or "su"
            command = [su, "-s", "/bin/sh", account.pw_name, "-c", " ".join(_quote(c) for c in command)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{program}: {exc}") from exc
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise PostgresUnavailable(f"{program} failed: {' | '.join(tail)}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def start_server() -> PostgresServer:
    """A server for this test session: the external one named by the environment, else a fresh cluster."""
    if psycopg is None:
        raise PostgresUnavailable("the psycopg driver is not installed (pip install -e '.[dev]')")
    external = os.environ.get(EXTERNAL_URL_ENV, "").strip()
    if external:
        server = PostgresServer(admin_url=external)
        try:
            server.probe()
        except psycopg.Error as exc:
            raise PostgresUnavailable(f"{EXTERNAL_URL_ENV} is set but unreachable: {exc}") from exc
        return server
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable("no initdb/pg_ctl found (install Debian's postgresql package)")
    account = _run_as_user()
    root = Path(tempfile.mkdtemp(prefix="par-pg-", dir="/tmp"))
    try:
        os.chmod(root, 0o755)
        if account is not None:
            os.chown(root, account.pw_uid, account.pw_gid)
        data = root / "data"
        _run(account, [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                       "--no-locale", "--no-sync"])  # fmt: skip
        options = (
            f"-c listen_addresses='' -k {root} -p {PORT} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        _run(account, [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
                       "-o", options, "start"])  # fmt: skip
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    url = f"postgresql+psycopg://postgres@/postgres?host={root}&port={PORT}"
    server = PostgresServer(admin_url=url, root=root, bin_dir=bin_dir, account=account, options=options)
    try:
        server.probe()
    except psycopg.Error as exc:
        server.stop()
        raise PostgresUnavailable(f"the server started but cannot be reached: {exc}") from exc
    return server
