"""Alembic's environment: runs migrations on the connection sitrep hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from digests.store.models import Base

_config = context.config
_connection = _config.attributes.get("connection")


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
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
