"""Channels' digest schedules in the store, and whether a scheduled digest already ran.

Every function validates before it writes (a bad schedule or zone raises ScheduleError
and changes nothing) and every write sets `updated_at`, which is how the clock process
notices a change without a restart. Watched groups belong to a schedule: watching or
unwatching in a channel without one raises NoScheduleError, because a watchlist that no
digest reads would look like it works while doing nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from digests.schedules import ScheduleError, ScheduleSpec, check_timezone, parse_when
from digests.store.engine import Store
from digests.store.models import DigestRun, Schedule, utc_now

# Two processes adding the first schedule of a channel at once: the loser retries as an update.
_INSERT_ATTEMPTS = 3
_ID_LENGTH = 40


class NoScheduleError(LookupError):
    """The channel has no schedule; the message says how to add one."""

    def __init__(self, team_id: str, channel_id: str) -> None:
        self.team_id = team_id
        self.channel_id = channel_id
        super().__init__(
            f"channel {channel_id} has no digest schedule; add one first with "
            f"`/digest schedule weekdays 09:00` in the channel or "
            f"`sitrep schedule add {channel_id} weekdays 09:00`"
        )


def add_or_update_schedule(
    store: Store,
    team_id: str,
    channel_id: str,
    cron: str,
    timezone: str,
    watched: Sequence[str] | None = None,
    created_by: str | None = None,
    template: str | None = None,
    notify_empty: bool | None = None,
) -> ScheduleSpec:
    """Set when a channel gets its digest; returns the schedule as stored.

    `cron` may be any form parse_when reads; it is stored normalised. On an update,
    `watched`, `template` and `notify_empty` left as None keep their stored values
    (a new schedule gets no groups, "digest" and False), the paused state is kept
    (resume_schedule resumes), and `created_by` stays the first creator's.
    """
    _check_id(team_id, "team", "T0123456789")
    _check_id(channel_id, "channel", "C0123456789")
    normalised = parse_when(cron)
    zone = check_timezone(timezone)
    groups = _clean_groups(watched) if watched is not None else None
    for attempt in range(_INSERT_ATTEMPTS):
        try:
            with store.session(write=True) as session:
                row = _find(session, team_id, channel_id)
                if row is None:
                    row = Schedule(
                        team_id=team_id,
                        channel_id=channel_id,
                        watched=[],
                        template="digest",
                        notify_empty=False,
                        paused=False,
                        created_by=created_by,
                    )
                    session.add(row)
                row.cron = normalised
                row.timezone = zone
                if groups is not None:
                    row.watched = list(groups)
                if template is not None:
                    row.template = template
                if notify_empty is not None:
                    row.notify_empty = notify_empty
                if row.created_by is None:
                    row.created_by = created_by
                row.updated_at = utc_now()
                session.flush()
                return _spec(row)
        except IntegrityError:
            if attempt == _INSERT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # the loop returns or raises


def remove_schedule(store: Store, team_id: str, channel_id: str) -> bool:
    """Remove a channel's schedule; False when it had none. Its past digest runs stay."""
    with store.session(write=True) as session:
        result = session.execute(
            delete(Schedule).where(Schedule.team_id == team_id, Schedule.channel_id == channel_id)
        )
        return bool(result.rowcount)


def get_schedule(store: Store, team_id: str, channel_id: str) -> ScheduleSpec | None:
    with store.session() as session:
        row = _find(session, team_id, channel_id)
        return _spec(row) if row is not None else None


def list_schedules(store: Store, team_id: str | None = None) -> list[ScheduleSpec]:
    """Every schedule (or one team's), by team then channel."""
    query = select(Schedule).order_by(Schedule.team_id, Schedule.channel_id)
    if team_id is not None:
        query = query.where(Schedule.team_id == team_id)
    with store.session() as session:
        return [_spec(row) for row in session.scalars(query)]


def pause_schedule(
    store: Store, team_id: str, channel_id: str, reason: str | None = None
) -> ScheduleSpec:
    """Stop a channel's digests until resume_schedule; `reason` is shown in status."""

    def pause(row: Schedule) -> None:
        row.paused = True
        row.pause_reason = reason

    return _change(store, team_id, channel_id, pause)


def resume_schedule(store: Store, team_id: str, channel_id: str) -> ScheduleSpec:
    """Start a paused channel's digests again, from the next scheduled time (no catch-up)."""

    def resume(row: Schedule) -> None:
        row.paused = False
        row.pause_reason = None

    return _change(store, team_id, channel_id, resume)


def set_watched(store: Store, team_id: str, channel_id: str, groups: Iterable[str]) -> ScheduleSpec:
    """Replace the groups a channel's digest watches (empty: every group)."""
    cleaned = _clean_groups(groups)

    def replace(row: Schedule) -> None:
        row.watched = list(cleaned)

    return _change(store, team_id, channel_id, replace)


def watch_groups(
    store: Store, team_id: str, channel_id: str, groups: Iterable[str]
) -> ScheduleSpec:
    """Add groups to those a channel's digest watches; ones already watched stay once."""
    adding = _clean_groups(groups)

    def add(row: Schedule) -> None:
        row.watched = list(_clean_groups([*row.watched, *adding]))

    return _change(store, team_id, channel_id, add)


def unwatch_groups(
    store: Store, team_id: str, channel_id: str, groups: Iterable[str]
) -> ScheduleSpec:
    """Stop watching groups (compared without regard to case); unknown ones are ignored."""
    dropping = {group.casefold() for group in _clean_groups(groups)}

    def drop(row: Schedule) -> None:
        row.watched = [group for group in row.watched if group.casefold() not in dropping]

    return _change(store, team_id, channel_id, drop)


def digest_run_exists(store: Store, team_id: str, channel_id: str, period: str) -> bool:
    """Whether a digest run for (team, channel, period) is in the store, in any state."""
    with store.session() as session:
        return bool(
            session.scalar(
                select(
                    exists().where(
                        DigestRun.team_id == team_id,
                        DigestRun.channel_id == channel_id,
                        DigestRun.period == period,
                    )
                )
            )
        )


def _change(
    store: Store, team_id: str, channel_id: str, change: Callable[[Schedule], None]
) -> ScheduleSpec:
    with store.session(write=True) as session:
        row = _find(session, team_id, channel_id)
        if row is None:
            raise NoScheduleError(team_id, channel_id)
        change(row)
        # Set even when nothing else changed, so the scheduler re-reads the schedule.
        row.updated_at = utc_now()
        session.flush()
        return _spec(row)


def _check_id(value: str, kind: str, example: str) -> None:
    # The columns hold 40 characters; Slack's ids are about a dozen, with no spaces.
    if not value or len(value) > _ID_LENGTH or any(char.isspace() for char in value):
        raise ScheduleError(
            f"{value!r} is not a Slack {kind} id (one word of at most {_ID_LENGTH} "
            f"characters, such as {example})"
        )


def _find(session: Session, team_id: str, channel_id: str) -> Schedule | None:
    return session.scalar(
        select(Schedule).where(Schedule.team_id == team_id, Schedule.channel_id == channel_id)
    )


def _clean_groups(groups: Iterable[str]) -> tuple[str, ...]:
    """Names trimmed, empty ones dropped, each group once (the first spelling wins)."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for group in groups:
        name = " ".join(group.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(name)
    return tuple(cleaned)


def _spec(row: Schedule) -> ScheduleSpec:
    return ScheduleSpec(
        team_id=row.team_id,
        channel_id=row.channel_id,
        cron=row.cron,
        timezone=row.timezone,
        watched=tuple(row.watched or ()),
        template=row.template,
        notify_empty=row.notify_empty,
        paused=row.paused,
        pause_reason=row.pause_reason,
        created_by=row.created_by,
        updated_at=_aware(row.updated_at),
    )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; sitrep writes them in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
