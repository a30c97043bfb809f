"""Opening the store: engine, SQLite pragmas, and schema upgrades with Alembic."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

_MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same in every sitrep process.
_POSTGRESQL_MIGRATION_LOCK = 0x5175_7265


class StoreError(Exception):
    """The store cannot be opened or upgraded; the message says why and what to do."""


@dataclass(frozen=True)
class Store:
    """An open store: the engine and a session factory bound to it."""

    engine: Engine
    sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        """Where the store is, with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def insert(self, table: Any) -> Any:
        """An INSERT into `table` in the store's own dialect, which has ON CONFLICT."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session that commits on success and rolls back on error.

        `write=True` is for a transaction that reads and then writes what it read
        about: on SQLite it takes the write lock at its start, so another process
        cannot change the rows in between (it waits up to the busy timeout).
        """
        factory = self.write_sessions if write else self.sessions
        with factory.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, busy_timeout_ms: int = 5000, upgrade: bool = True) -> Store:
    """Connect to the store at `url`, creating a SQLite file's folder, and upgrade its schema."""
    parsed = make_url(url)
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot create the folder for the store {database}: {error.strerror}; "
                    "set SITREP_DATABASE_URL or data_dir to a writable place"
                ) from None
        options["connect_args"] = {"timeout": busy_timeout_ms / 1000}
    else:
        options["pool_pre_ping"] = True
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms)
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    store = Store(
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        write_sessions=sessionmaker(writer, expire_on_commit=False),
    )
    if upgrade:
        upgrade_store(store)
    return store


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # sitrep, not the sqlite3 module, begins transactions (see _on_begin), which
        # also makes savepoints work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout makes a second writer wait instead of failing at once. WAL lets
        # readers go on while one process writes.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        _enable_wal(cursor, busy_timeout_ms)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _enable_wal(cursor: Any, busy_timeout_ms: int) -> None:
    """Switch a SQLite file to WAL. Two processes opening a new file at once can both try;
    SQLite answers the second "locked" at once, without its busy timeout, so wait here."""
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_store(store: Store, revision: str = "head") -> None:
    """Bring the schema to `revision` (newest by default); safe from several processes at once."""
    # On SQLite the write lock is taken first, so a second process waits its turn
    # instead of failing when both find an empty store.
    engine = store.engine.execution_options(sqlite_begin="IMMEDIATE")
    try:
        with engine.begin() as connection:
            if store.dialect == "postgresql":
                # Two processes starting at once must not both run the same migration.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRESQL_MIGRATION_LOCK}
                )
            command.upgrade(_alembic_config(connection), revision)
    except OperationalError as error:
        raise StoreError(
            f"cannot open the store at {store.url}: {error.orig}; check SITREP_DATABASE_URL "
            "and that the database is running and writable"
        ) from None


def schema_revision(store: Store) -> str | None:
    """The migration the store is at, or None for an empty store."""
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def newest_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head
