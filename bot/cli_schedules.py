"""`sitrep schedule`: add, list and remove channels' digest schedules from the shell.

Registered in bot/cli.py with `cli.add_command(schedule_group)`; the commands get the
settings and the store from the `sitrep` group's context object. Schedules added here
belong to LOCAL_TEAM unless --team names a Slack workspace.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import NoReturn, Protocol

import click

from digests.extract.pipeline import Extractor
from digests.schedules import (
    ScheduleError,
    ScheduleSpec,
    check_timezone,
    describe,
    next_runs,
    parse_when,
    split_zone,
)
from digests.settings import Settings
from digests.store.engine import Store
from digests.store.extractions import sync_watchlist
from digests.store.groups import all_groups, resolve_groups, unknown_groups_message
from digests.store.schedules import (
    add_or_update_schedule,
    get_schedule,
    list_schedules,
    remove_schedule,
)

# The workspace of `sitrep shell` and of schedules added without --team.
LOCAL_TEAM = "T0LOCAL"
EXIT_NOTHING_DONE = 1
EXIT_USAGE = 2


class CommandContext(Protocol):
    """What the `sitrep` group passes down (bot.cli's context object)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def extractor(self) -> Extractor: ...

    def store(self, url: str | None = None) -> AbstractContextManager[Store]: ...


def clock() -> datetime:
    """The time `add` and `list` count next runs from; tests replace it."""
    return datetime.now(UTC)


def _fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"sitrep: {message}", err=True)
    sys.exit(status)


@click.group("schedule")
def schedule_group() -> None:
    """Channels' digest schedules: when each channel gets its digest."""


@schedule_group.command("add")
@click.argument("channel")
@click.argument("when", nargs=-1, required=True)
@click.option(
    "--tz",
    "zone",
    metavar="ZONE",
    help="IANA time zone, e.g. Asia/Karachi [default: as before, or default_timezone]",
)
@click.option(
    "--watch",
    "watch",
    multiple=True,
    metavar="GROUP",
    help="A group the digest follows (repeat, or separate with commas); replaces the list.",
)
@click.option("--team", default=LOCAL_TEAM, show_default=True, help="Slack team (workspace) id.")
@click.option(
    "--notify-empty/--no-notify-empty",
    default=None,
    help="Post 'nothing new' when a digest would be empty [default: no, or as before].",
)
@click.pass_obj
def add_command(
    context: CommandContext,
    channel: str,
    when: tuple[str, ...],
    zone: str | None,
    watch: tuple[str, ...],
    team: str,
    notify_empty: bool | None,
) -> None:
    """Give CHANNEL a digest at WHEN, or change when it gets it.

    WHEN is a plain form or a cron expression (quote the ones with '*'):

    \b
      sitrep schedule add C0123 weekdays 09:00 --tz Asia/Karachi
      sitrep schedule add C0123 "daily 18:30" --watch TTP --watch BLA
      sitrep schedule add C0123 "0 9 * * mon-fri" Europe/London

    A time zone may also end WHEN. Adding again updates the schedule; groups and
    --notify-empty stay as they were unless given.
    """
    try:
        when_text, zone_in_when = split_zone(" ".join(when))
        if zone is not None and zone_in_when and check_timezone(zone) != zone_in_when:
            raise ScheduleError(
                f"two time zones given ({zone_in_when} in WHEN and {zone} with --tz); give one"
            )
        cron = parse_when(when_text)
        given_zone = check_timezone(zone) if zone is not None else zone_in_when
    except ScheduleError as error:
        _fail(f"cannot schedule {channel}: {error}")
    typed = [group.strip() for value in watch for group in value.split(",") if group.strip()]
    with context.store() as store:
        groups = _watched_groups(context, store, typed) if typed else None
        existing = get_schedule(store, team, channel)
        # Changing the time keeps the channel's zone; a new schedule gets the default.
        timezone = given_zone or (
            existing.timezone if existing else context.settings.default_timezone
        )
        try:
            spec = add_or_update_schedule(
                store,
                team,
                channel,
                cron,
                timezone,
                watched=groups,
                notify_empty=notify_empty,
            )
        except ScheduleError as error:
            _fail(f"cannot schedule {channel}: {error}")
    verb = "updated the schedule of" if existing else "scheduled"
    click.echo(f"{verb} {channel}: {describe(spec.cron)} ({spec.timezone})")
    click.echo(f"  next: {_next_run_text(spec)}")
    click.echo(f"  watching: {_watched_text(spec)}")
    if spec.paused:
        click.echo(f"  paused: {spec.pause_reason or 'by a user'} (resume with /digest resume)")


@schedule_group.command("list")
@click.option("--team", default=None, help="Only this Slack team's schedules.")
@click.pass_obj
def list_command(context: CommandContext, team: str | None) -> None:
    """Every channel's schedule: when, zone, next run, watched groups, state."""
    with context.store() as store:
        specs = list_schedules(store, team)
    if not specs:
        click.echo("no schedules yet; add one with `sitrep schedule add CHANNEL weekdays 09:00`")
        return
    show_team = any(spec.team_id != LOCAL_TEAM for spec in specs)
    rows = [_row(spec, show_team) for spec in specs]
    header = ["channel", "when", "zone", "next run", "watching", "state"]
    if show_team:
        header.insert(0, "team")
    for line in _table([header, *rows]):
        click.echo(line)


@schedule_group.command("remove")
@click.argument("channel")
@click.option("--team", default=LOCAL_TEAM, show_default=True, help="Slack team (workspace) id.")
@click.pass_obj
def remove_command(context: CommandContext, channel: str, team: str) -> None:
    """Stop CHANNEL's digests and forget its schedule (exit 1 if it had none)."""
    with context.store() as store:
        removed = remove_schedule(store, team, channel)
    if not removed:
        _fail(
            f"{channel} (team {team}) has no schedule; `sitrep schedule list` shows them",
            EXIT_NOTHING_DONE,
        )
    click.echo(f"removed the schedule of {channel}")


def _watched_groups(context: CommandContext, store: Store, typed: list[str]) -> list[str]:
    """The canonical names of the groups typed after --watch; unknown names stop the command."""
    with store.session(write=True) as session:
        sync_watchlist(session, context.extractor.watchlist)
    resolved = resolve_groups(store, typed)
    if resolved.unknown:
        _fail(unknown_groups_message(resolved.unknown, all_groups(store)))
    return list(resolved.names)


def _row(spec: ScheduleSpec, show_team: bool) -> list[str]:
    state = f"paused: {spec.pause_reason or 'by a user'}" if spec.paused else "active"
    next_run = "-" if spec.paused else _next_run_text(spec)
    row = [spec.channel_id, describe(spec.cron), spec.timezone, next_run, _watched_text(spec)]
    row.append(state)
    return [spec.team_id, *row] if show_team else row


def _next_run_text(spec: ScheduleSpec) -> str:
    try:
        upcoming = next_runs(spec.cron, spec.timezone, clock(), 1)
    except ScheduleError:
        return "never (the stored schedule is not valid)"
    return f"{upcoming[0]:%Y-%m-%d %H:%M %Z}" if upcoming else "never"


def _watched_text(spec: ScheduleSpec) -> str:
    return ", ".join(spec.watched) if spec.watched else "all groups"


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
