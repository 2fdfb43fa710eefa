"""Saved methodologies: a scheme a province loaded (from its decision's appendix, an Excel or YAML file) kept for
every session of the server, each save a new version.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "methodology_version",
        sa.Column("scheme_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(100), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_methodology_version_version_positive")),
        sa.PrimaryKeyConstraint("scheme_id", "version", name=op.f("pk_methodology_version")),
    )


def downgrade() -> None:
    op.drop_table("methodology_version")
