"""status_changes.announce_pending: the outbox for bcc:actions entries held back by a Redis outage

Revision ID: 0005
Revises: 0004a
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_changes") as batch_op:
        batch_op.add_column(sa.Column("announce_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(
        "ix_status_changes_announce_pending",
        "status_changes",
        ["id"],
        postgresql_where=sa.text("announce_pending"),
        sqlite_where=sa.text("announce_pending"),
    )


def downgrade() -> None:
    op.drop_index("ix_status_changes_announce_pending", table_name="status_changes")
    with op.batch_alter_table("status_changes") as batch_op:
        batch_op.drop_column("announce_pending")
