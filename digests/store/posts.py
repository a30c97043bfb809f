"""Answers sitrep posted, and the threads they are in.

A digest's thread is found through its run (digests/store/runs.py, `find_run_by_ts`);
every other message sitrep posts is recorded here with the root of its thread, so a
reply anywhere in that thread is known to be a follow-up about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select

from digests.store.engine import Store
from digests.store.models import SitrepPost, utc_now

ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class PostRecord:
    """A message sitrep posted: where, in which thread, and what question it answered."""

    id: int
    team_id: str
    channel_id: str
    ts: str
    thread_ts: str
    kind: str
    question: str
    run_id: int | None
    created_at: datetime


def record_post(
    store: Store,
    *,
    team_id: str,
    channel_id: str,
    ts: str,
    thread_ts: str | None,
    question: str,
    kind: str = ANSWER,
    run_id: int | None = None,
) -> None:
    """Remember a message sitrep posted; `thread_ts` None means it starts its own thread.

    Recording the same message twice keeps the first record.
    """
    with store.session(write=True) as session:
        session.execute(
            store.insert(SitrepPost)
            .values(
                team_id=team_id,
                channel_id=channel_id,
                ts=ts,
                thread_ts=thread_ts or ts,
                kind=kind,
                question=question,
                run_id=run_id,
                created_at=utc_now(),
            )
            # Already recorded (a retried answer): the first record stays.
            .on_conflict_do_nothing(index_elements=[SitrepPost.channel_id, SitrepPost.ts])
        )


def find_thread_post(store: Store, channel_id: str, thread_ts: str) -> PostRecord | None:
    """The first sitrep post in the thread rooted at `thread_ts`, or that is its root."""
    with store.session() as session:
        row = session.scalar(
            select(SitrepPost)
            .where(
                SitrepPost.channel_id == channel_id,
                or_(SitrepPost.thread_ts == thread_ts, SitrepPost.ts == thread_ts),
            )
            .order_by(SitrepPost.created_at, SitrepPost.id)
            .limit(1)
        )
        return None if row is None else _record(row)


def _record(row: SitrepPost) -> PostRecord:
    created = row.created_at
    return PostRecord(
        id=row.id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        ts=row.ts,
        thread_ts=row.thread_ts,
        kind=row.kind,
        question=row.question,
        run_id=row.run_id,
        created_at=created.replace(tzinfo=UTC) if created.tzinfo is None else created,
    )
