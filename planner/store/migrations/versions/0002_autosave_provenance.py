"""Autosave of each session's working scenario, and where a version or a copy came from.

Adds the `autosave` table, `scenario.copied_from` (the scenario a "save as copy" started from) and
`scenario_version.restored_from` (the old version a restore brought back). Existing rows keep their data; the
new columns are empty for them, which is the truth: they were neither copies nor restores.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "autosave",
        sa.Column("session_key", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("scenario_id", sa.String(36), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_key", name=op.f("pk_autosave")),
    )
    with op.batch_alter_table("scenario") as batch:
        batch.add_column(sa.Column("copied_from", sa.String(36), nullable=True))
    with op.batch_alter_table("scenario_version") as batch:
        batch.add_column(sa.Column("restored_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scenario_version") as batch:
        batch.drop_column("restored_from")
    with op.batch_alter_table("scenario") as batch:
        batch.drop_column("copied_from")
    op.drop_table("autosave")
