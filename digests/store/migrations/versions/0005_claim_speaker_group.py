"""claims know the group that makes them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

A claim whose source is an armed group ("the BLA said") points at that group, with an
index, so a group's profile finds what the group says without reading every claim.
Claims stored before are filled in from their source's organisation or name.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_CLAIM_SEARCH_COLUMNS = "claimant, claimant_org, text, sentence"


def _restore_claim_search_triggers() -> None:
    # SQLite alters a table by copying it, which drops its triggers: put back those that
    # keep claims_fts in step (as migration 0002 made them). The ids are kept, so the
    # index itself still matches.
    new = ", ".join(f"new.{c}" for c in _CLAIM_SEARCH_COLUMNS.split(", "))
    old = ", ".join(f"old.{c}" for c in _CLAIM_SEARCH_COLUMNS.split(", "))
    columns = _CLAIM_SEARCH_COLUMNS
    op.execute(
        "CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN "
        f"INSERT INTO claims_fts(rowid, {columns}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN "
        f"INSERT INTO claims_fts(claims_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        "END"
    )
    op.execute(
        "CREATE TRIGGER claims_fts_update AFTER UPDATE ON claims BEGIN "
        f"INSERT INTO claims_fts(claims_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO claims_fts(rowid, {columns}) VALUES (new.id, {new}); END"
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speaker_group_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_claims_speaker_group_id", ["speaker_group_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_claims_speaker_group_id_groups",
            "groups",
            ["speaker_group_id"],
            ["id"],
            ondelete="SET NULL",
        )
    if sqlite:
        _restore_claim_search_triggers()
    op.execute(
        "UPDATE claims SET speaker_group_id = COALESCE("
        "(SELECT groups.id FROM groups WHERE groups.name = claims.claimant_org), "
        "(SELECT groups.id FROM groups WHERE groups.name = claims.claimant))"
    )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint("fk_claims_speaker_group_id_groups", type_="foreignkey")
        batch_op.drop_index("ix_claims_speaker_group_id")
        batch_op.drop_column("speaker_group_id")
    if op.get_bind().dialect.name == "sqlite":
        _restore_claim_search_triggers()
