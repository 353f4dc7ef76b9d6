"""SLA stages, watchdog state, duplicates, action kinds and the personal-data reveal audit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import data_access.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("categories") as batch_op:
        batch_op.add_column(sa.Column("forward_minutes", sa.Integer(), nullable=False, server_default="60"))
        batch_op.add_column(sa.Column("followup_working_days", sa.Integer(), nullable=False, server_default="5"))
    with op.batch_alter_table("complaints") as batch_op:
        batch_op.add_column(sa.Column("escalated_at", data_access.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("due_state", sa.String(length=10), nullable=False, server_default="tepat"))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("first_response_at", data_access.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_complaints_duplicate_of", "complaints", ["duplicate_of_id"], ["id"])
    # Items answered before this column existed: the earliest of the moves away from `baru`.
    op.execute(
        "UPDATE complaints SET first_response_at = CASE"
        " WHEN read_at IS NOT NULL THEN read_at"
        " WHEN forwarded_at IS NOT NULL THEN forwarded_at"
        " ELSE rejected_at END"
    )
    with op.batch_alter_table("status_changes") as batch_op:
        batch_op.add_column(sa.Column("action", sa.String(length=16), nullable=False, server_default="status"))
    op.create_table(
        "personal_data_views",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("item_kind", sa.String(length=12), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", data_access.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_personal_data_views_item", "personal_data_views", ["item_kind", "item_id"])


def downgrade() -> None:
    op.drop_index("ix_personal_data_views_item", table_name="personal_data_views")
    op.drop_table("personal_data_views")
    with op.batch_alter_table("status_changes") as batch_op:
        batch_op.drop_column("action")
    with op.batch_alter_table("complaints") as batch_op:
        batch_op.drop_constraint("fk_complaints_duplicate_of", type_="foreignkey")
        batch_op.drop_column("first_response_at")
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("due_state")
        batch_op.drop_column("escalated_at")
    with op.batch_alter_table("categories") as batch_op:
        batch_op.drop_column("followup_working_days")
        batch_op.drop_column("forward_minutes")
