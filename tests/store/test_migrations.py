"""Migrations: an empty store, a store left at the previous migration, models in step."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text

from digests.store.engine import Store, newest_revision, open_store, schema_revision, upgrade_store
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
        # Full-text search (FTS5 tables, PostgreSQL's GIN indexes) belongs to the
        # migrations only; nothing else may differ.
        differences = [
            d
            for d in differences
            if not (d[0] == "remove_table" and "_fts" in d[1].name)
            and not (d[0] == "remove_index" and d[1].name.endswith("_search"))
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
