"""digest delivery and schedule options

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Digest runs learn how they were triggered, how many thread replies went out and when
a deliverer took them; schedules learn whether to post "nothing new".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("trigger", sa.String(length=20), nullable=False, server_default="scheduled")
        )
        batch_op.add_column(
            sa.Column("replies_posted", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notify_empty", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_column("notify_empty")
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("replies_posted")
        batch_op.drop_column("trigger")
