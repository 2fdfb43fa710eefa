"""Tracked plans: the plan a province adopted, every progress report on its rows (never updated or deleted),
the quarterly review points, and the agency links (only a hash of each token is kept).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracked_plan",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("province", sa.String(100), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_plan")),
    )
    op.create_table(
        "tracked_update",
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_tracked_update_seq_positive")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["tracked_plan.id"],
            name=op.f("fk_tracked_update_plan_id_tracked_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "seq", name=op.f("pk_tracked_update")),
    )
    op.create_table(
        "tracked_review",
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["tracked_plan.id"],
            name=op.f("fk_tracked_review_plan_id_tracked_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "as_of", name=op.f("pk_tracked_review")),
    )
    op.create_table(
        "agency_link",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["tracked_plan.id"],
            name=op.f("fk_agency_link_plan_id_tracked_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_agency_link")),
    )
    op.create_index("ix_agency_link_plan", "agency_link", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_agency_link_plan", table_name="agency_link")
    op.drop_table("agency_link")
    op.drop_table("tracked_review")
    op.drop_table("tracked_update")
    op.drop_table("tracked_plan")
