"""sitrep posts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

The answers sitrep posts and the threads they are in, so that a reply in the thread
of any sitrep post (not only a digest) reaches sitrep as a follow-up question.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sitrep_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("ts", sa.String(length=40), nullable=False),
        sa.Column("thread_ts", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sitrep_posts")),
        sa.UniqueConstraint("channel_id", "ts", name=op.f("uq_sitrep_posts_channel_id_ts")),
    )
    with op.batch_alter_table("sitrep_posts", schema=None) as batch_op:
        batch_op.create_index("ix_sitrep_posts_thread", ["channel_id", "thread_ts"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sitrep_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_sitrep_posts_thread")
    op.drop_table("sitrep_posts")
