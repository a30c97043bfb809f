"""Digest runs: the store side of delivery, an outbox. Nothing here talks to Slack.

A run is keyed by (team, channel, period) and written before anything is posted.
Whoever inserts the row owns it: `claim_run` answers None to every later caller, in
this process or another, so a digest is posted once even if two clocks fire.

    pending -> posting -> posted   mark_posting, record_main_posted / record_reply_posted,
                                   record_posted
    pending or posting -> failed   record_failed; reclaim_run (resend) takes it back

A deliverer holds a lease on its run (`claimed_at`, renewed as it makes progress); a
run whose lease went stale was left by a crashed process and `runs_needing_delivery`
lists it. `attempts` counts the deliveries and fences writes: pass the `attempt` of
your claim and a write is refused (False) once another deliverer has taken the run over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Update, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from digests.messages import RenderedDigest
from digests.store.engine import Store
from digests.store.models import DigestRun, Schedule, utc_now

PENDING = "pending"  # written, not posted yet
POSTING = "posting"  # the main message may be in Slack: look before posting it again
POSTED = "posted"  # the main message and every thread reply are in Slack
FAILED = "failed"  # Slack refused it for good; `error` says why
UNFINISHED = (PENDING, POSTING)  # someone still has to post (part of) it
_PERIOD_LENGTH = 64  # DigestRun.period


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A digest run as the store holds it."""

    id: int
    team_id: str
    channel_id: str
    period: str
    trigger: str
    status: str
    window_start: datetime | None
    window_end: datetime | None
    message: RenderedDigest | None
    ts: str | None
    replies_posted: int
    error: str | None
    attempts: int
    claimed_at: datetime | None
    created_at: datetime
    posted_at: datetime | None

    @property
    def key(self) -> str:
        return run_key(self.team_id, self.channel_id, self.period)


@dataclass(frozen=True, slots=True)
class ClaimedRun:
    """A run this caller may deliver now.

    `fresh` means the caller has just written it: nobody can have posted any of it yet.
    """

    run: RunRecord
    fresh: bool

    @property
    def attempt(self) -> int:
        """The fence for this claim's writes."""
        return self.run.attempts


def run_key(team_id: str, channel_id: str, period: str) -> str:
    """The run's key as it is written into the Slack message's metadata."""
    return f"{team_id}:{channel_id}:{period}"


def claim_run(
    store: Store,
    team_id: str,
    channel_id: str,
    period: str,
    *,
    trigger: str,
    window_start: datetime | None,
    window_end: datetime | None,
    message: RenderedDigest,
    now: datetime | None = None,
) -> ClaimedRun | None:
    """Write the run for (team, channel, period) and own it, or None if it already exists."""
    _check_key(team_id, channel_id, period)
    now = _utc(now or utc_now())
    try:
        with store.session(write=True) as session:
            if session.scalar(_by_key(team_id, channel_id, period)) is not None:
                return None
            row = DigestRun(
                team_id=team_id,
                channel_id=channel_id,
                period=period,
                trigger=trigger,
                status=PENDING,
                window_start=window_start,
                window_end=window_end,
                message=message.as_json(),
                replies_posted=0,
                attempts=1,
                claimed_at=now,
                created_at=now,
            )
            session.add(row)
            session.flush()
            return ClaimedRun(_record(row), fresh=True)
    except IntegrityError:
        # On PostgreSQL another process can insert the same key between our look and our
        # insert; the unique constraint makes it theirs.
        return None


def reclaim_run(
    store: Store, run_id: int, *, stale_before: datetime, now: datetime | None = None
) -> ClaimedRun | None:
    """Take over a run nobody is delivering, or None if it is posted or in other hands.

    Nobody is delivering a failed run, nor a pending or posting one whose lease was
    released or taken before `stale_before`. A failed run goes back to pending (posting
    if its main message is in Slack).
    """
    now = _utc(now or utc_now())
    with store.session(write=True) as session:
        # FOR UPDATE makes a second process on PostgreSQL wait and then see our claim;
        # on SQLite the write session's lock does the same.
        row = session.scalar(select(DigestRun).where(DigestRun.id == run_id).with_for_update())
        if row is None or not _nobody_delivers(row, _utc(stale_before)):
            return None
        if row.status == FAILED:
            row.status = POSTING if row.ts else PENDING
        row.attempts += 1
        row.claimed_at = now
        session.flush()
        return ClaimedRun(_record(row), fresh=False)


def mark_posting(
    store: Store, run_id: int, *, attempt: int | None = None, now: datetime | None = None
) -> bool:
    """The main message is about to be sent: from now on it may be in Slack."""
    return _change(store, run_id, attempt, {"status": POSTING}, now=now)


def record_main_posted(
    store: Store, run_id: int, ts: str, *, attempt: int | None = None, now: datetime | None = None
) -> bool:
    """The main message is in Slack at `ts`; the thread replies may follow."""
    return _change(store, run_id, attempt, {"status": POSTING, "ts": ts}, now=now)


def record_reply_posted(
    store: Store,
    run_id: int,
    count: int,
    *,
    attempt: int | None = None,
    now: datetime | None = None,
) -> bool:
    """The first `count` thread replies are in Slack."""
    return _change(store, run_id, attempt, {"replies_posted": count}, now=now)


def record_posted(
    store: Store, run_id: int, ts: str, *, attempt: int | None = None, now: datetime | None = None
) -> bool:
    """The whole digest is in Slack: done."""
    now = _utc(now or utc_now())
    values = {"status": POSTED, "ts": ts, "error": None, "claimed_at": None, "posted_at": now}
    return _change(store, run_id, attempt, values, now=now, renew=False)


def record_retry_later(
    store: Store, run_id: int, error: str, *, attempt: int | None = None
) -> bool:
    """Slack could not be reached or kept failing: keep the run for `runs_needing_delivery`.

    The lease is released, so the next recovery takes the run without waiting for it to
    go stale.
    """
    return _change(store, run_id, attempt, {"error": error, "claimed_at": None}, renew=False)


def record_failed(
    store: Store,
    run_id: int,
    error: str,
    *,
    permanent: bool = False,
    attempt: int | None = None,
) -> bool:
    """Slack refused the run. A `permanent` error (the channel or the token is unusable)
    also pauses the channel's schedule with `error` as the reason, so the next digests do
    not fail the same way unseen; `sitrep status` shows it."""
    with store.session(write=True) as session:
        changed = session.execute(
            _fenced(run_id, attempt).values(status=FAILED, error=error, claimed_at=None)
        ).rowcount
        if changed and permanent:
            row = session.get(DigestRun, run_id)
            assert row is not None
            session.execute(
                update(Schedule)
                .where(Schedule.team_id == row.team_id, Schedule.channel_id == row.channel_id)
                .values(paused=True, pause_reason=error)
                .execution_options(synchronize_session=False)
            )
        return bool(changed)


def get_run(store: Store, run_id: int) -> RunRecord | None:
    with store.session() as session:
        row = session.get(DigestRun, run_id)
        return None if row is None else _record(row)


def get_run_by_key(store: Store, team_id: str, channel_id: str, period: str) -> RunRecord | None:
    with store.session() as session:
        row = session.scalar(_by_key(team_id, channel_id, period))
        return None if row is None else _record(row)


def runs_needing_delivery(store: Store, older_than: datetime) -> list[RunRecord]:
    """Pending or posting runs nobody holds: lease released, or taken before `older_than`
    (the process that took it has died). Oldest first."""
    with store.session() as session:
        rows = session.scalars(
            select(DigestRun)
            .where(
                DigestRun.status.in_(UNFINISHED),
                or_(DigestRun.claimed_at.is_(None), DigestRun.claimed_at < _utc(older_than)),
            )
            .order_by(DigestRun.created_at, DigestRun.id)
        )
        return [_record(row) for row in rows]


def find_run_by_ts(store: Store, channel_id: str, ts: str) -> RunRecord | None:
    """The run whose main message is `ts` in `channel_id` (a thread question's digest)."""
    with store.session() as session:
        row = session.scalar(
            select(DigestRun).where(DigestRun.channel_id == channel_id, DigestRun.ts == ts)
        )
        return None if row is None else _record(row)


def covered_until(store: Store, team_id: str, channel_id: str) -> datetime | None:
    """Where the channel's digests so far end: the latest window of a run posted or still
    to be posted. A digest kept for later (Slack was down) counts, so the next one does not
    repeat it; a failed one does not, so its documents come again until it is re-sent."""
    with store.session() as session:
        end = session.scalar(
            select(func.max(DigestRun.window_end)).where(
                DigestRun.team_id == team_id,
                DigestRun.channel_id == channel_id,
                DigestRun.status.in_((*UNFINISHED, POSTED)),
            )
        )
    return _optional_utc(end)


def latest_posted_run(store: Store, team_id: str, channel_id: str) -> RunRecord | None:
    """The channel's most recently posted digest ("since the last digest")."""
    with store.session() as session:
        row = session.scalar(
            select(DigestRun)
            .where(
                DigestRun.team_id == team_id,
                DigestRun.channel_id == channel_id,
                DigestRun.status == POSTED,
            )
            .order_by(DigestRun.posted_at.desc(), DigestRun.id.desc())
            .limit(1)
        )
        return None if row is None else _record(row)


def recent_runs(
    store: Store,
    *,
    limit: int = 20,
    team_id: str | None = None,
    channel_id: str | None = None,
) -> list[RunRecord]:
    """The newest runs first, optionally of one team or channel."""
    query = select(DigestRun).order_by(DigestRun.created_at.desc(), DigestRun.id.desc())
    if team_id is not None:
        query = query.where(DigestRun.team_id == team_id)
    if channel_id is not None:
        query = query.where(DigestRun.channel_id == channel_id)
    with store.session() as session:
        return [_record(row) for row in session.scalars(query.limit(limit))]


# --- helpers -----------------------------------------------------------------


def _check_key(team_id: str, channel_id: str, period: str) -> None:
    if not team_id or not channel_id or not period:
        raise ValueError("a digest run needs a team id, a channel id and a period")
    if len(period) > _PERIOD_LENGTH:
        raise ValueError(
            f"a digest run's period is at most {_PERIOD_LENGTH} characters: {period!r}"
        )


def _by_key(team_id: str, channel_id: str, period: str) -> Select[tuple[DigestRun]]:
    return select(DigestRun).where(
        DigestRun.team_id == team_id,
        DigestRun.channel_id == channel_id,
        DigestRun.period == period,
    )


def _fenced(run_id: int, attempt: int | None) -> Update:
    """UPDATE of an unfinished run, refused if another deliverer took it over since `attempt`."""
    statement = update(DigestRun).where(DigestRun.id == run_id)
    if attempt is not None:
        statement = statement.where(DigestRun.attempts == attempt)
    return statement.where(DigestRun.status.in_(UNFINISHED)).execution_options(
        synchronize_session=False
    )


def _change(
    store: Store,
    run_id: int,
    attempt: int | None,
    values: dict[str, Any],
    *,
    now: datetime | None = None,
    renew: bool = True,
) -> bool:
    if renew:  # progress renews the lease, so a long thread does not look abandoned
        values = {**values, "claimed_at": _utc(now or utc_now())}
    with store.session(write=True) as session:
        return bool(session.execute(_fenced(run_id, attempt).values(**values)).rowcount)


def _nobody_delivers(row: DigestRun, stale_before: datetime) -> bool:
    if row.status == FAILED:
        return True
    if row.status not in UNFINISHED:
        return False
    return row.claimed_at is None or _utc(row.claimed_at) < stale_before


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything sitrep writes is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _optional_utc(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def _record(row: DigestRun) -> RunRecord:
    return RunRecord(
        id=row.id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        period=row.period,
        trigger=row.trigger,
        status=row.status,
        window_start=_optional_utc(row.window_start),
        window_end=_optional_utc(row.window_end),
        message=None if row.message is None else RenderedDigest.from_json(row.message),
        ts=row.ts,
        replies_posted=row.replies_posted,
        error=row.error,
        attempts=row.attempts,
        claimed_at=_optional_utc(row.claimed_at),
        created_at=_utc(row.created_at),
        posted_at=_optional_utc(row.posted_at),
    )
