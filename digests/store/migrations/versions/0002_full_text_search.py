"""full-text search over documents and claims

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

SQLite: FTS5 tables that mirror documents and claims through triggers (external
content, so the text is stored once). PostgreSQL: GIN indexes over the same
to_tsvector expressions that digests.store.search queries.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> columns indexed for search
_SEARCHED = {
    "documents": ("title", "text"),
    "claims": ("claimant", "claimant_org", "text", "sentence"),
}


def _sqlite_upgrade() -> None:
    for table, columns in _SEARCHED.items():
        listed = ", ".join(columns)
        new_values = ", ".join(f"new.{column}" for column in columns)
        old_values = ", ".join(f"old.{column}" for column in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {table}_fts USING fts5({listed}, content='{table}', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {table}_fts(rowid, {listed}) VALUES (new.id, {new_values}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {table}_fts({table}_fts, rowid, {listed}) "
            f"VALUES ('delete', old.id, {old_values}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_update AFTER UPDATE ON {table} BEGIN "
            f"INSERT INTO {table}_fts({table}_fts, rowid, {listed}) "
            f"VALUES ('delete', old.id, {old_values}); "
            f"INSERT INTO {table}_fts(rowid, {listed}) VALUES (new.id, {new_values}); END"
        )
        # Rows stored before this migration become searchable too.
        op.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def _postgresql_upgrade() -> None:
    for table, columns in _SEARCHED.items():
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin ({_vector(columns)})")


def _vector(columns: Sequence[str]) -> str:
    # Must stay the text of digests.store.search.postgresql_vector, or searches miss the index.
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"to_tsvector('english', {joined})"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in _SEARCHED:
        if dialect == "sqlite":
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{event}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
