"""What the store holds, for `sitrep status` and the App Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from digests.store.engine import Store
from digests.store.models import Claim, DigestRun, Document, Group, Mention, Schedule


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    channel_id: str
    cron: str
    timezone: str
    paused: bool
    pause_reason: str | None


@dataclass(frozen=True, slots=True)
class StoreCounts:
    documents: int
    groups: int
    mentions: int
    claims: int
    digest_runs: int
    runs_by_status: tuple[tuple[str, int], ...]
    failed_runs: tuple[tuple[int, str, str], ...]  # (run id, channel, error), newest first
    latest_ingested: datetime | None
    schedules: tuple[ScheduleLine, ...]


def store_counts(store: Store) -> StoreCounts:
    """How many of each thing the store holds, and its schedules."""
    with store.session() as session:

        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        schedules = session.execute(
            select(
                Schedule.channel_id,
                Schedule.cron,
                Schedule.timezone,
                Schedule.paused,
                Schedule.pause_reason,
            ).order_by(Schedule.channel_id)
        ).all()
        return StoreCounts(
            documents=count(Document),
            groups=count(Group),
            mentions=count(Mention),
            claims=count(Claim),
            digest_runs=count(DigestRun),
            runs_by_status=tuple(
                (status, number)
                for status, number in session.execute(
                    select(DigestRun.status, func.count())
                    .group_by(DigestRun.status)
                    .order_by(DigestRun.status)
                )
            ),
            failed_runs=tuple(
                (run_id, channel_id, error or "")
                for run_id, channel_id, error in session.execute(
                    select(DigestRun.id, DigestRun.channel_id, DigestRun.error)
                    .where(DigestRun.status == "failed")
                    .order_by(DigestRun.id.desc())
                    .limit(5)
                )
            ),
            latest_ingested=session.scalar(select(func.max(Document.ingested_at))),
            schedules=tuple(ScheduleLine(*row) for row in schedules),
        )
