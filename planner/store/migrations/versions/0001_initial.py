"""The first schema: named scenarios and their append-only version history.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("methodology", sa.String(100), nullable=False),
        sa.Column("province", sa.String(100), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.CheckConstraint("current_version >= 1", name=op.f("ck_scenario_current_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario")),
    )
    op.create_index("ix_scenario_owner", "scenario", ["owner"])
    op.create_index("ix_scenario_updated_at", "scenario", ["updated_at"])
    op.create_table(
        "scenario_version",
        sa.Column("scenario_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(100), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_scenario_version_version_positive")),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenario.id"],
            name=op.f("fk_scenario_version_scenario_id_scenario"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scenario_id", "version", name=op.f("pk_scenario_version")),
    )


def downgrade() -> None:
    op.drop_table("scenario_version")
    op.drop_index("ix_scenario_updated_at", table_name="scenario")
    op.drop_index("ix_scenario_owner", table_name="scenario")
    op.drop_table("scenario")
