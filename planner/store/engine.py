"""Engines for the scenario store: SQLite tuned for a small multi-user server, PostgreSQL as it comes.

SQLite is used in WAL mode (readers never block the writer, and a killed process leaves the last committed
state intact), with `synchronous=FULL` (a commit that returned is on disk, so "saved" means saved even on a power
cut), foreign keys enforced and a busy timeout so that concurrent writers wait instead of failing. Python's
sqlite3 module starts transactions lazily and only before writes, which lets two read-then-write transactions
deadlock into "database is locked"; we take transaction control away from it and emit BEGIN ourselves, and the
store's writing sessions use BEGIN IMMEDIATE so that a writer takes the write lock before it reads the version
it is about to increment.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from planner.core.errors import StoreError

BUSY_TIMEOUT_MS = 15_000
SQLITE_BEGIN_OPTION = "par_sqlite_begin"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def shown_url(url: str) -> str:
    """The URL as it may be shown to a user or written to a log: the password is masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"


def normalised_url(url: str) -> URL:
    """`url` parsed, with PostgreSQL pointed at psycopg 3, the driver we ship (plain postgresql:// would mean
    psycopg2, which is not installed)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError("store.bad_url", url=shown_url(url), detail="-") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str) -> Engine:
    """An engine for `url` with the store's connection settings applied (see the module docstring)."""
    full = normalised_url(url)
    kwargs: dict[str, Any] = {}
    if full.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        if full.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool  # one in-memory database shared by every thread, for experiments
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(full, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StoreError("store.bad_url", url=shown_url(url), detail=str(exc)) from None
    if is_sqlite(engine):
        _tune_sqlite(engine)
    return engine


def writing(engine: Engine) -> Engine:
    """The same engine (same pool), but its transactions take SQLite's write lock at BEGIN."""
    if not is_sqlite(engine):
        return engine
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def _tune_sqlite(engine: Engine) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")
