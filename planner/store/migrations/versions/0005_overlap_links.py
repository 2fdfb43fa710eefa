"""Overlap links: the items of two indices' schemes (PAR INDEX and PAPI) a province says one action serves, kept
for every session rather than for the one that drew them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overlap_link",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("pair", sa.String(300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overlap_link")),
        sa.UniqueConstraint("pair", name=op.f("uq_overlap_link_pair")),
    )


def downgrade() -> None:
    op.drop_table("overlap_link")
