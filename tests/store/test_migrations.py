"""Migrations: an empty store, a store left at the previous migration, models in step."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text

from digests.store.engine import (
    Store,
    _alembic_config,
    newest_revision,
    open_store,
    schema_revision,
    upgrade_store,
)
from digests.store.models import Base, Document
from digests.store.search import search


def test_empty_store_is_upgraded_to_the_newest_schema(store_url: str) -> None:
    store = open_store(store_url)
    try:
        assert schema_revision(store) == newest_revision()
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "documents",
            "groups",
            "mentions",
            "claims",
            "claim_groups",
            "claim_links",
            "schedules",
            "digest_runs",
            "seen_events",
        } <= tables
    finally:
        store.close()


def test_models_and_migrations_agree(store_url: str) -> None:
    store = open_store(store_url)
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        # Full-text search (FTS5 tables, PostgreSQL's search columns and GIN indexes)
        # belongs to the migrations only; nothing else may differ.
        differences = [
            d
            for d in differences
            if not (d[0] == "remove_table" and "_fts" in d[1].name)
            and not (d[0] == "remove_index" and d[1].name.endswith("_search"))
            and not (d[0] == "remove_column" and d[3].name.endswith("_search"))
        ]
        assert differences == []
    finally:
        store.close()


def test_store_at_the_previous_migration_keeps_its_documents(store_url: str) -> None:
    store = open_store(store_url, upgrade=False)
    try:
        upgrade_store(store, "0001")
        assert schema_revision(store) == "0001"
        with store.session() as session:
            session.execute(
                insert(Document),
                [
                    {
                        "content_hash": "a" * 64,
                        "title": "Old document",
                        "source": "old.txt",
                        "text": "Stored before full-text search existed: Majeed Brigade.",
                        "word_count": 7,
                        "ingested_at": datetime(2026, 1, 1, tzinfo=UTC),
                    }
                ],
            )
        upgrade_store(store)
        assert schema_revision(store) == newest_revision()
        with store.session() as session:
            assert session.scalars(select(Document.title)).all() == ["Old document"]
        # Documents stored before the upgrade are searchable after it.
        assert [hit.id for hit in search(store, "majeed brigade")] == [1]
    finally:
        store.close()


def test_upgrading_twice_changes_nothing(store_url: str) -> None:
    store = open_store(store_url)
    try:
        upgrade_store(store)
        upgrade_store(store)
        assert schema_revision(store) == newest_revision()
    finally:
        store.close()


def test_sqlite_store_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    store = open_store(sqlite_url, busy_timeout_ms=1234)
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 1234
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.close()


def test_claims_stored_before_0005_learn_which_group_speaks(store_url: str) -> None:
    store = open_store(store_url, upgrade=False)
    try:
        upgrade_store(store, "0004")
        with store.session() as session:
            session.execute(
                text(
                    "INSERT INTO groups (name, short, kind, aliases, on_watchlist, first_seen) "
                    "VALUES ('Baloch Liberation Army', 'BLA', 'separatist', '[]', true, :now)"
                ),
                {"now": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            session.execute(
                insert(Document),
                [
                    {
                        "content_hash": "b" * 64,
                        "title": "t",
                        "source": "s",
                        "text": "The BLA said it attacked.",
                        "word_count": 5,
                        "ingested_at": datetime(2026, 1, 1, tzinfo=UTC),
                    }
                ],
            )
            for claimant, org in (("Jiand Baloch", "Baloch Liberation Army"), ("Police", "")):
                session.execute(
                    text(
                        "INSERT INTO claims (document_id, claimant, claimant_role, claimant_org, "
                        "cue, stance, text, sentence, hedges, evidence, numbers, places, quote, "
                        "start, \"end\") VALUES (1, :claimant, '', :org, 'said', 'statement', "
                        "'x', 'x', '[]', '[]', '[]', '[]', false, 0, 1)"
                    ),
                    {"claimant": claimant, "org": org},
                )
        upgrade_store(store)
        with store.session() as session:
            speakers = session.execute(
                text(
                    "SELECT claims.claimant, groups.name FROM claims "
                    "LEFT JOIN groups ON groups.id = claims.speaker_group_id ORDER BY claims.id"
                )
            ).all()
        assert [tuple(row) for row in speakers] == [
            ("Jiand Baloch", "Baloch Liberation Army"),
            ("Police", None),
        ]
    finally:
        store.close()


def test_full_text_search_keeps_working_after_every_migration(store: Store) -> None:
    # SQLite copies a table to alter it, which drops its triggers: a migration that forgot
    # to put them back would leave new claims unsearchable.
    with store.session() as session:
        session.execute(
            insert(Document),
            [
                {
                    "content_hash": "c" * 64,
                    "title": "t",
                    "source": "s",
                    "text": "Officials said the Majeed Brigade attacked.",
                    "word_count": 6,
                    "ingested_at": datetime(2026, 1, 1, tzinfo=UTC),
                }
            ],
        )
        session.execute(
            text(
                "INSERT INTO claims (document_id, claimant, claimant_role, claimant_org, cue, "
                "stance, text, sentence, hedges, evidence, numbers, places, quote, start, "
                "\"end\") VALUES (1, 'Officials', '', '', 'said', 'statement', "
                "'the Majeed Brigade attacked', 'x', '[]', '[]', '[]', '[]', false, 0, 1)"
            )
        )
    assert [hit.id for hit in search(store, "Majeed", target="claims")] == [1]
    assert [hit.id for hit in search(store, "Majeed", target="documents")] == [1]


def _search_schema(store: Store) -> tuple[set[str], set[str]]:
    """(documents' and claims' columns named *_search, their indexes named *_search)."""
    inspector = inspect(store.engine)
    columns = {
        f"{table}.{column['name']}"
        for table in ("documents", "claims")
        for column in inspector.get_columns(table)
        if column["name"].endswith("_search")
    }
    indexes = {
        index["name"]
        for table in ("documents", "claims")
        for index in inspector.get_indexes(table)
        if str(index["name"]).endswith("_search")
    }
    return columns, indexes


def _store_document_and_claim(store: Store, text_of_claim: str) -> None:
    with store.session() as session:
        number = session.scalar(text("SELECT count(*) FROM documents")) + 1
        session.execute(
            insert(Document),
            [
                {
                    "content_hash": str(number) * 64,
                    "title": f"Report {number}",
                    "source": "s",
                    "text": f"Officials said {text_of_claim}.",
                    "word_count": 6,
                    "ingested_at": datetime(2026, 1, number, tzinfo=UTC),
                }
            ],
        )
        session.execute(
            text(
                "INSERT INTO claims (document_id, claimant, claimant_role, claimant_org, cue, "
                "stance, text, sentence, hedges, evidence, numbers, places, quote, start, "
                "\"end\") VALUES (:document, 'Officials', '', '', 'said', 'statement', "
                ":text, 'x', '[]', '[]', '[]', '[]', false, 0, 1)"
            ),
            {"document": number, "text": text_of_claim},
        )


def test_0007_stores_search_vectors_on_postgresql_only(store_url: str) -> None:
    store = open_store(store_url, upgrade=False)
    try:
        upgrade_store(store, "0006")
        _store_document_and_claim(store, "the Majeed Brigade attacked a convoy")
        with store.session() as session:
            session.execute(
                text(
                    "INSERT INTO groups (name, short, kind, aliases, on_watchlist, first_seen) "
                    "VALUES ('Majeed Brigade', 'MB', 'militant', '[]', true, :now)"
                ),
                {"now": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            session.execute(text("INSERT INTO claim_groups (claim_id, group_id) VALUES (1, 1)"))
            session.execute(
                text(
                    'INSERT INTO mentions (document_id, group_id, surface, start, "end", via) '
                    "VALUES (1, 1, 'Majeed Brigade', 0, 14, 'name'), "
                    "(1, 1, 'the group', 20, 29, 'anaphora')"
                )
            )
        upgrade_store(store, "0007")
        # What was stored before is counted: the claim about the group, the document naming it.
        with store.session() as session:
            claims = session.execute(
                text("SELECT group_id, stance, claims FROM group_claim_counts")
            )
            documents = session.execute(
                text("SELECT group_id, documents FROM group_document_counts")
            )
            assert [tuple(row) for row in claims] == [(1, "statement", 1)]
            assert [tuple(row) for row in documents] == [(1, 1)]
        columns, indexes = _search_schema(store)
        if store.dialect == "postgresql":
            assert columns == {"documents.text_search", "claims.text_search"}
            # The expression indexes of 0002 gave way to indexes on the columns.
            assert indexes == {"ix_documents_text_search", "ix_claims_text_search"}
        else:
            assert columns == set()
        # Rows stored before the upgrade are found, and so are rows stored after it.
        _store_document_and_claim(store, "the Majeed Brigade denied it")
        assert [hit.id for hit in search(store, "majeed convoy")] == [1]
        assert [hit.id for hit in search(store, "majeed denied", target="claims")] == [2]
        assert {hit.id for hit in search(store, "brigade", target="claims")} == {1, 2}
    finally:
        store.close()


def test_0007_downgrades_to_0006_and_back(store_url: str) -> None:
    store = open_store(store_url)
    try:
        _store_document_and_claim(store, "the Majeed Brigade attacked a convoy")
        with store.engine.begin() as connection:
            command.downgrade(_alembic_config(connection), "0006")
        assert schema_revision(store) == "0006"
        columns, indexes = _search_schema(store)
        assert columns == set()
        if store.dialect == "postgresql":
            assert indexes == {"ix_documents_search", "ix_claims_search"}
        upgrade_store(store)
        assert schema_revision(store) == newest_revision()
        assert [hit.id for hit in search(store, "convoy", target="claims")] == [1]
    finally:
        store.close()
