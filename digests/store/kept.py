"""Results kept in the store, so that every web process can give what one worked out.

A row holds a result as JSON data, under a hash of what was asked, with the version of
the store it was worked out at (digests/result_cache.py says what that is). A reader
takes it only at the same version and while it is recent; writing a result prunes the
rows that are no longer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from digests.store.engine import Store
from digests.store.models import KeptResult


def kept_result(store: Store, key: str, version: str, *, since: datetime) -> dict[str, Any] | None:
    """The value kept for `key` at `version` since `since`, or None."""
    with store.session() as session:
        return session.scalar(
            select(KeptResult.value).where(
                KeptResult.key == key, KeptResult.version == version, KeptResult.kept_at >= since
            )
        )


def keep_result(
    store: Store, key: str, version: str, value: dict[str, Any], *, now: datetime, since: datetime
) -> None:
    """Keep `value` for `key` at `version` (replacing what was kept), and forget the rows
    kept before `since`."""
    row = {"key": key, "version": version, "kept_at": now, "value": value}
    with store.session(write=True) as session:
        session.execute(delete(KeptResult).where(KeptResult.kept_at < since))
        statement = store.insert(KeptResult).values(**row)
        # Two processes may work out the same result at once: the last one written stays.
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[KeptResult.key],
                set_={name: statement.excluded[name] for name in ("version", "kept_at", "value")},
            )
        )
