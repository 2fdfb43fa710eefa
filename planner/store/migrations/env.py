"""Alembic environment for the scenario store, run programmatically by planner.store.migrate.

The caller hands over an open connection (already inside a transaction holding the migration lock) through
`config.attributes["connection"]`; there is no alembic.ini and no offline mode, because migrations only ever
run when the store opens its database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from planner.store.migrate import VERSION_TABLE
from planner.store.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("the store's migrations run only through planner.store.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
