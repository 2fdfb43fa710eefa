"""Schema migrations: every open brings the database to the newest revision, in place, keeping the data.

The revisions live in planner/store/migrations/versions (Alembic), are written by hand and are never
"drop and recreate". The upgrade runs in one transaction that first takes a lock (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory lock), so two processes opening a new database at the same moment do not both create
tables. On SQLite, foreign keys are switched off around the upgrade because a batch migration copies a table
and drops the old one, which would otherwise cascade-delete every version; a foreign key check afterwards
refuses to commit an inconsistent result.

A database stamped with a revision this code does not know was written by a newer PAR Planner: it is refused
with a clear message instead of being "upgraded" by old code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from planner.core.errors import StoreError
from planner.store.engine import is_sqlite, writing

VERSION_TABLE = "par_planner_schema_version"
SCRIPT_LOCATION = "planner.store:migrations"
# An arbitrary constant naming the store's migration lock among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 26_362_018


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migrations found")
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in script_directory().walk_revisions())


def current_revision(connection: Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` to `revision` (normally the newest) inside one locked transaction."""
    known = known_revisions()
    with _migration_connection(engine) as connection:
        current = current_revision(connection)
        if current is not None and current not in known:
            raise StoreError("store.newer_database", revision=current)
        target = head_revision() if revision == "head" else revision
        if current == target:
            return
        command.upgrade(alembic_config(connection), revision)
        if is_sqlite(engine):
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError("store.migration_failed", detail=f"foreign key check: {len(broken)} rows")


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that holds the migration lock; committed when the block ends."""
    with writing(engine).connect() as connection:
        driver: Any = connection.connection.driver_connection
        if is_sqlite(engine):
            driver.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, where SQLite honours it
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
                yield connection
        finally:
            if is_sqlite(engine):
                driver.execute("PRAGMA foreign_keys = ON")
