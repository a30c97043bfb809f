"""results kept for every web process

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

Each web process kept the answers it worked out to itself, so the same question asked
through another process (behind a load balancer, one in N) was worked out again. An
answer is now also kept in `kept_results`, by a hash of what was asked, with the store's
version it was worked out at; every process gives it again while the store is unchanged
and the row is recent. Rows are pruned as new ones are written.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_results",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_kept_results")),
    )
    with op.batch_alter_table("kept_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_results_kept_at"), ["kept_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kept_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_results_kept_at"))
    op.drop_table("kept_results")
