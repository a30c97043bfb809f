"""indexes that answer a group's profile from the index alone

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

A group's profile (`/group NAME`) counts the documents naming a group, the groups named
alongside it and its claims per stance. Each single-column index below becomes one that
also holds what those questions read, so they are answered without visiting the wide
rows of documents and claims:

- mentions (group_id, document_id, via): the documents naming a group, in order;
- mentions (document_id, group_id, via): the groups a document names;
- claim_groups (group_id, claim_id): the claims about a group;
- claims (speaker_group_id, stance): the claims a group makes, per stance.

The new indexes begin with the columns of the ones they replace, so every other query
keeps its index. Plain CREATE/DROP INDEX: no table is copied (SQLite's batch mode
would drop the full-text triggers).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, old index, its columns, new index, its columns)
_REPLACED = (
    (
        "mentions",
        "ix_mentions_group_id",
        ["group_id"],
        "ix_mentions_group_id_document_id_via",
        ["group_id", "document_id", "via"],
    ),
    (
        "mentions",
        "ix_mentions_document_id",
        ["document_id"],
        "ix_mentions_document_id_group_id_via",
        ["document_id", "group_id", "via"],
    ),
    (
        "claim_groups",
        "ix_claim_groups_group_id",
        ["group_id"],
        "ix_claim_groups_group_id_claim_id",
        ["group_id", "claim_id"],
    ),
    (
        "claims",
        "ix_claims_speaker_group_id",
        ["speaker_group_id"],
        "ix_claims_speaker_group_id_stance",
        ["speaker_group_id", "stance"],
    ),
)


def upgrade() -> None:
    for table, old, _, new, columns in _REPLACED:
        op.create_index(new, table, columns, unique=False)
        op.drop_index(old, table_name=table)


def downgrade() -> None:
    for table, old, old_columns, new, _ in reversed(_REPLACED):
        op.create_index(old, table, old_columns, unique=False)
        op.drop_index(new, table_name=table)
