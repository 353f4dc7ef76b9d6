"""Audit of administrators' changes (users, agencies, categories and SLA policy, responder posts)

Revision ID: 0004a
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import data_access.types

revision = "0004a"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", data_access.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_admin_changes_entity", "admin_changes", ["entity", "entity_key", "at"])


def downgrade() -> None:
    op.drop_index("ix_admin_changes_entity", table_name="admin_changes")
    op.drop_table("admin_changes")
