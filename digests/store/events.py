"""Slack events already handled, so a redelivered event is answered once.

Slack delivers an event again (same `event_id`, header X-Slack-Retry-Num) when it did
not get an answer in time, and more than one sitrep process may serve events. The
`seen_events` table's primary key settles it: whichever process inserts the event id
first handles the event; every later delivery, here or elsewhere, finds it and stops.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from digests.store.engine import Store
from digests.store.models import SeenEvent, utc_now

# Slack retries for about an hour at most; a day covers that with room to spare.
KEEP_SEEN_EVENTS = timedelta(days=1)
_EVENT_ID_LENGTH = 100  # SeenEvent.event_id


def first_time(
    store: Store, event_id: str, *, now: datetime | None = None, keep: timedelta = KEEP_SEEN_EVENTS
) -> bool:
    """True the first time `event_id` is offered (from any process), False ever after.

    Rows older than `keep` are pruned in the same transaction, so the table stays small
    without a separate job; the `seen_at` index makes that a short range scan.
    """
    if not event_id or len(event_id) > _EVENT_ID_LENGTH:
        raise ValueError(f"an event id is 1 to {_EVENT_ID_LENGTH} characters: {event_id!r}")
    now = now or utc_now()
    with store.session(write=True) as session:
        # One statement settles it, on either database, however many processes race:
        # the primary key lets one insert the id, and the others' inserts do nothing.
        inserted = session.execute(
            store.insert(SeenEvent)
            .values(event_id=event_id, seen_at=now)
            .on_conflict_do_nothing(index_elements=[SeenEvent.event_id])
            .returning(SeenEvent.event_id)
        ).scalar()
        session.execute(delete(SeenEvent).where(SeenEvent.seen_at < now - keep))
    return inserted is not None


def prune_seen_events(store: Store, *, older_than: datetime) -> int:
    """Forget events seen before `older_than`; returns how many were forgotten."""
    with store.session(write=True) as session:
        result = session.execute(delete(SeenEvent).where(SeenEvent.seen_at < older_than))
        return int(result.rowcount or 0)


def seen_event_count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(SeenEvent)) or 0)
