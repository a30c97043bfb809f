"""Alembic's environment: runs migrations on the connection sitrep hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from digests.store.models import Base

_config = context.config
_connection = _config.attributes.get("connection")


def _include(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # Full-text search tables and indexes are written by hand in migration 0002.
    return not (name and ("_fts" in name or name.endswith("_search")))


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=_include,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if _connection is not None:
    _run(_connection)
else:  # the `alembic` command line, used when writing a new migration
    with create_engine(_config.get_main_option("sqlalchemy.url") or "").connect() as connection:
        _run(connection)
