"""search vectors stored with their rows (PostgreSQL); each group's claims and documents counted

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

Search (PostgreSQL only). Migration 0002 indexed the expression to_tsvector(...) over
documents and claims: the index finds the matching rows, but ranking them (ts_rank)
parsed each matching row's text again, most of a second per search at 100,000 documents.
Each table now gets a `text_search` column that PostgreSQL computes from the same text
whenever a row is written (GENERATED ALWAYS ... STORED, PostgreSQL 12 or later), with a
GIN index, and the expression indexes go. SQLite's FTS5 tables (0002) already store what
they rank. The column is not in the models: PostgreSQL alone writes it and no ORM query
reads it (names ending in "_search" are left out of autogenerate, as 0002's indexes are).

Counts. A group's profile shows how many claims are about (or made by) the group, per
stance, and how many documents name it: counting them read up to a hundred thousand
claims and several hundred thousand mentions per profile. `group_claim_counts` and
`group_document_counts` hold those numbers, kept by triggers on claims, claim_groups and
mentions on both databases, so every way of writing them (ingestion, re-extraction,
deletion, bulk loads) keeps them right. A claim counts once per group, whether it is
about the group, made by it, or both; a document once per group it names (a mention
referring back, "the group", does not name it). Counts are filled from what is stored.
Concurrent writers of the same group's rows wait for each other's transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> columns searched, as in migration 0002
_SEARCHED = {
    "documents": ("title", "text"),
    "claims": ("claimant", "claimant_org", "text", "sentence"),
}
_OLDEST_SERVER = 120000  # generated columns came with PostgreSQL 12

# The groups a claim counts for: those it is about, and the one making it.
_GROUPS_OF = (
    "SELECT group_id FROM claim_groups WHERE claim_id = {row}.id "
    "UNION SELECT {row}.speaker_group_id WHERE {row}.speaker_group_id IS NOT NULL"
)


def _vector(columns: Sequence[str]) -> str:
    # The text of 0002's expression indexes, so search finds the same rows as before.
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"to_tsvector('english', {joined})"


def _add(groups: str, stance: str, step: int) -> str:
    """SQL adding `step` to the count of each of `groups` (a SELECT of group ids) for
    `stance`. A group being deleted (gone already) gets no new row."""
    return (
        "INSERT INTO group_claim_counts (group_id, stance, claims) "
        f"SELECT groups.id, {stance}, {step} FROM groups WHERE groups.id IN ({groups}) "
        "ON CONFLICT (group_id, stance) DO UPDATE "
        "SET claims = group_claim_counts.claims + excluded.claims"
    )


def _trigger_bodies(differs: str) -> dict[tuple[str, str, str], str]:
    """(table, timing and event, name) -> the statements a trigger runs, in SQL both
    databases read; `differs` is the null-safe "is not" of the dialect."""
    groups_old = _GROUPS_OF.format(row="OLD")
    groups_new = _GROUPS_OF.format(row="NEW")
    return {
        # A claim's groups arrive after it; the group making it was counted with it.
        ("claim_groups", "AFTER INSERT", "group_claim_counts_about_insert"): _add(
            "SELECT NEW.group_id FROM claims WHERE claims.id = NEW.claim_id "
            f"AND claims.speaker_group_id {differs} NEW.group_id",
            "(SELECT stance FROM claims WHERE claims.id = NEW.claim_id)",
            1,
        ),
        # Gone with its claim: the claim's own trigger has counted it off already.
        ("claim_groups", "AFTER DELETE", "group_claim_counts_about_delete"): (
            "UPDATE group_claim_counts SET claims = claims - 1 "
            "WHERE group_id = OLD.group_id AND stance = (SELECT stance FROM claims "
            f"WHERE claims.id = OLD.claim_id AND claims.speaker_group_id {differs} OLD.group_id)"
        ),
        ("claims", "AFTER INSERT", "group_claim_counts_claim_insert"): _add(
            "SELECT NEW.speaker_group_id", "NEW.stance", 1
        ),
        # Its groups go first, each counted off by the trigger above while the claim is
        # still there to say its stance and who made it; then the group making it.
        ("claims", "BEFORE DELETE", "group_claim_counts_claim_delete"): (
            "DELETE FROM claim_groups WHERE claim_id = OLD.id; "
            "UPDATE group_claim_counts SET claims = claims - 1 "
            "WHERE group_id = OLD.speaker_group_id AND stance = OLD.stance"
        ),
        ("claims", "AFTER UPDATE OF stance, speaker_group_id", "group_claim_counts_claim_update"): (
            "UPDATE group_claim_counts SET claims = claims - 1 "
            f"WHERE stance = OLD.stance AND group_id IN ({groups_old}); "
            + _add(groups_new, "NEW.stance", 1)
        ),
        ("claim_groups", "AFTER UPDATE", "group_claim_counts_about_update"): (
            "UPDATE group_claim_counts SET claims = claims - 1 "
            "WHERE group_id = OLD.group_id AND stance = (SELECT stance FROM claims "
            f"WHERE claims.id = OLD.claim_id AND claims.speaker_group_id {differs} OLD.group_id); "
            + _add(
                "SELECT NEW.group_id FROM claims WHERE claims.id = NEW.claim_id "
                f"AND claims.speaker_group_id {differs} NEW.group_id",
                "(SELECT stance FROM claims WHERE claims.id = NEW.claim_id)",
                1,
            )
        ),
    }


def _create_counts() -> None:
    op.create_table(
        "group_claim_counts",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_claim_counts_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "stance", name=op.f("pk_group_claim_counts")),
    )
    op.create_table(
        "group_document_counts",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_document_counts_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_document_counts")),
    )
    # What is stored so far: each claim once per group it is about or made by; each
    # document once per group it names.
    op.execute(
        "INSERT INTO group_claim_counts (group_id, stance, claims) "
        "SELECT counted.group_id, claims.stance, count(*) FROM ("
        "SELECT claim_id, group_id FROM claim_groups "
        "UNION SELECT id, speaker_group_id FROM claims WHERE speaker_group_id IS NOT NULL"
        ") AS counted JOIN claims ON claims.id = counted.claim_id "
        "GROUP BY counted.group_id, claims.stance"
    )
    op.execute(
        "INSERT INTO group_document_counts (group_id, documents) "
        f"SELECT group_id, count(DISTINCT document_id) FROM mentions WHERE {_NAMING} "
        "GROUP BY group_id"
    )


# A mention that names its group (one referring back to it, "the group", does not count).
_NAMING = "via <> 'anaphora'"


def _names_pair(document: str, group: str) -> str:
    """SQL: the mentions of `group` in `document` that name it."""
    return (
        f"SELECT 1 FROM mentions WHERE mentions.document_id = {document} "
        f"AND mentions.group_id = {group} AND mentions.{_NAMING}"
    )


def _sqlite_document_triggers() -> dict[str, tuple[str, str, str]]:
    """Row by row: SQLite runs a row's trigger before it changes the next row, so "no
    other mention left" and "the first mention" can be asked of the table itself."""
    counted_off = (
        "UPDATE group_document_counts SET documents = documents - 1 "
        "WHERE group_id = OLD.group_id AND OLD.via <> 'anaphora' "
        f"AND NOT EXISTS ({_names_pair('OLD.document_id', 'OLD.group_id')})"
    )
    counted_on = (
        "INSERT INTO group_document_counts (group_id, documents) "
        "SELECT groups.id, 1 FROM groups WHERE groups.id = NEW.group_id "
        "AND NEW.via <> 'anaphora' "
        f"AND (SELECT count(*) FROM ({_names_pair('NEW.document_id', 'NEW.group_id')})) = 1 "
        "ON CONFLICT (group_id) DO UPDATE "
        "SET documents = group_document_counts.documents + excluded.documents"
    )
    moved = (
        "WHEN OLD.document_id IS NOT NEW.document_id OR OLD.group_id IS NOT NEW.group_id "
        "OR (OLD.via = 'anaphora') IS NOT (NEW.via = 'anaphora')"
    )
    return {
        "group_document_counts_mention_insert": ("mentions", "AFTER INSERT", counted_on),
        "group_document_counts_mention_delete": ("mentions", "AFTER DELETE", counted_off),
        "group_document_counts_mention_update": (
            "mentions",
            f"AFTER UPDATE OF document_id, group_id, via ON mentions FOR EACH ROW {moved}",
            f"{counted_off}; {counted_on}",
        ),
    }


def _postgresql_document_triggers() -> dict[str, tuple[str, str, str]]:
    """Per statement: PostgreSQL's row triggers all see the table as the whole statement
    left it, so each statement's mentions are counted at once, from its transition
    tables."""
    return {
        "group_document_counts_mention_insert": (
            "mentions",
            "AFTER INSERT ON mentions REFERENCING NEW TABLE AS added FOR EACH STATEMENT",
            "INSERT INTO group_document_counts (group_id, documents) "
            "SELECT pairs.group_id, count(*) FROM (SELECT document_id, group_id, "
            f"count(*) AS n FROM added WHERE {_NAMING} GROUP BY document_id, group_id) "
            "AS pairs JOIN groups ON groups.id = pairs.group_id "
            f"WHERE (SELECT count(*) FROM ({_names_pair('pairs.document_id', 'pairs.group_id')})"
            " AS named) = pairs.n "  # no mention of the pair before this statement's
            "GROUP BY pairs.group_id ORDER BY 1 "
            "ON CONFLICT (group_id) DO UPDATE "
            "SET documents = group_document_counts.documents + excluded.documents",
        ),
        "group_document_counts_mention_delete": (
            "mentions",
            "AFTER DELETE ON mentions REFERENCING OLD TABLE AS removed FOR EACH STATEMENT",
            "UPDATE group_document_counts SET documents = group_document_counts.documents - gone.n "
            "FROM (SELECT pairs.group_id, count(*) AS n FROM (SELECT DISTINCT document_id, "
            f"group_id FROM removed WHERE {_NAMING}) AS pairs "
            f"WHERE NOT EXISTS ({_names_pair('pairs.document_id', 'pairs.group_id')}) "
            "GROUP BY pairs.group_id) AS gone WHERE group_document_counts.group_id = gone.group_id",
        ),
        # Mentions are never changed in place by sitrep; should one be, its groups are
        # counted again.
        "group_document_counts_mention_update": (
            "mentions",
            "AFTER UPDATE ON mentions REFERENCING OLD TABLE AS removed NEW TABLE AS added "
            "FOR EACH STATEMENT",
            "INSERT INTO group_document_counts (group_id, documents) "
            "SELECT groups.id, (SELECT count(DISTINCT document_id) FROM mentions "
            f"WHERE mentions.group_id = groups.id AND mentions.{_NAMING}) FROM groups "
            "WHERE groups.id IN (SELECT group_id FROM removed UNION SELECT group_id FROM added) "
            "ON CONFLICT (group_id) DO UPDATE SET documents = excluded.documents",
        ),
    }


def _sqlite_triggers() -> None:
    for (table, when, name), body in _trigger_bodies("IS NOT").items():
        op.execute(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW BEGIN {body}; END")
    for name, (table, when, body) in _sqlite_document_triggers().items():
        on = "" if " ON " in when else f" ON {table} FOR EACH ROW"
        op.execute(f"CREATE TRIGGER {name} {when}{on} BEGIN {body}; END")


def _postgresql_triggers() -> None:
    bodies = _trigger_bodies("IS DISTINCT FROM")
    # Rows come in by the thousand (ingestion, bulk loads): PostgreSQL counts each
    # statement's new rows at once, from its transition table, rather than row by row.
    # Ordered by group, so that two writers take the rows they update in the same order.
    bodies[("claims", "AFTER INSERT", "group_claim_counts_claim_insert")] = (
        "INSERT INTO group_claim_counts (group_id, stance, claims) "
        "SELECT added.speaker_group_id, added.stance, count(*) FROM added "
        "JOIN groups ON groups.id = added.speaker_group_id "
        "GROUP BY added.speaker_group_id, added.stance ORDER BY 1, 2 "
        "ON CONFLICT (group_id, stance) DO UPDATE "
        "SET claims = group_claim_counts.claims + excluded.claims"
    )
    bodies[("claim_groups", "AFTER INSERT", "group_claim_counts_about_insert")] = (
        "INSERT INTO group_claim_counts (group_id, stance, claims) "
        "SELECT added.group_id, claims.stance, count(*) FROM added "
        "JOIN claims ON claims.id = added.claim_id JOIN groups ON groups.id = added.group_id "
        "WHERE claims.speaker_group_id IS DISTINCT FROM added.group_id "
        "GROUP BY added.group_id, claims.stance ORDER BY 1, 2 "
        "ON CONFLICT (group_id, stance) DO UPDATE "
        "SET claims = group_claim_counts.claims + excluded.claims"
    )
    triggers = {
        name: (
            table,
            f"{when} ON {table} REFERENCING NEW TABLE AS added FOR EACH STATEMENT"
            if when == "AFTER INSERT"
            else f"{when} ON {table} FOR EACH ROW",
            body,
        )
        for (table, when, name), body in bodies.items()
    }
    triggers.update(_postgresql_document_triggers())
    for name, (_, when, body) in triggers.items():
        per_statement = "FOR EACH STATEMENT" in when
        returned = "NULL" if per_statement else ("OLD" if "DELETE" in when else "NEW")
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN {returned}; END $$"
        )
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {name}()")


def _postgresql_search() -> None:
    version = int(op.get_bind().exec_driver_sql("SHOW server_version_num").scalar_one())
    if version < _OLDEST_SERVER:
        raise RuntimeError(
            f"sitrep needs PostgreSQL 12 or later for its search columns (this server: "
            f"{version // 10000})"
        )
    for table, columns in _SEARCHED.items():
        # Adding a stored generated column rewrites the table once, computing every vector.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN text_search tsvector "
            f"GENERATED ALWAYS AS ({_vector(columns)}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_text_search ON {table} USING gin (text_search)")
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        # The planner's statistics for the new column: whether a search reads the GIN
        # index or the newest rows first depends on how common its words are.
        op.execute(f"ANALYZE {table}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _postgresql_search()
    _create_counts()
    if dialect == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    triggers = [(table, name) for table, _, name in _trigger_bodies("")]
    triggers += [(table, name) for name, (table, _, _) in _sqlite_document_triggers().items()]
    for table, name in triggers:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("group_document_counts")
    op.drop_table("group_claim_counts")
    if not postgresql:
        return
    for table, columns in _SEARCHED.items():
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin ({_vector(columns)})")
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_text_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS text_search")
