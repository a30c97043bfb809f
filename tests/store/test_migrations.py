"""Migrations: an empty store, a store left at the previous migration, models in step."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text

from digests.store.engine import newest_revision, open_store, schema_revision, upgrade_store
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
