"""What the `/digest` command does to a channel, and the replies it gets.

Each function takes plain values (ids, parsed requests), changes the store through
digests/store/, and returns the SlackMessage to show the person who asked. Nothing
here knows about Slack's API: bot/listeners/commands.py acks, checks permission,
calls these and responds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from digests.channel_digest import prepare_digest
from digests.commands import EXAMPLES, CommandError, Refusal, is_slack_user_id
from digests.extract.watchlist import Watchlist
from digests.messages import SlackMessage
from digests.render import MAX_TEXT_CHARS, render_text, sections, shorten
from digests.schedules import ScheduleError, ScheduleSpec, describe, next_runs
from digests.settings import Settings
from digests.store.engine import Store
from digests.store.extractions import sync_watchlist
from digests.store.groups import Resolved, all_groups, resolve_groups, unknown_groups_message
from digests.store.runs import FAILED, latest_posted_run, recent_runs
from digests.store.schedules import (
    NoScheduleError,
    add_or_update_schedule,
    get_schedule,
    pause_schedule,
    resume_schedule,
    unwatch_groups,
    watch_groups,
)


def reply(environment: Environment, template: str, **context: Any) -> SlackMessage:
    """A reply rendered from `template` (escaped for Slack), in blocks with a text fallback."""
    text = render_text(environment, template, **context)
    return SlackMessage(text=shorten(text, MAX_TEXT_CHARS), blocks=tuple(sections(text)))


def help_message(command: str, environment: Environment) -> SlackMessage:
    return reply(environment, "command_help.j2", command=command, examples=EXAMPLES[command])


def error_message(error: CommandError, environment: Environment) -> SlackMessage:
    return reply(environment, "command_error.j2", problem=error.problem, example=error.example)


def refusal_message(refusal: Refusal, environment: Environment) -> SlackMessage:
    owner = user_mention(refusal.owner) if refusal.owner else None
    return reply(environment, "command_refused.j2", reason=refusal.reason, owner=owner)


def user_mention(user_id: str) -> Markup | str:
    """`<@U123>` for a well-formed user id (Slack shows the name); anything else as text."""
    return Markup(f"<@{user_id}>") if is_slack_user_id(user_id) else user_id  # noqa: S704


def channel_mention(channel_id: str) -> Markup | str:
    """`<#C123>` for a well-formed channel id; anything else as text (escaped when shown)."""
    well_formed = channel_id.isascii() and channel_id.isalnum() and channel_id[:1] in "CGD"
    return Markup(f"<#{channel_id}>") if well_formed else channel_id  # noqa: S704


def preview_message(
    store: Store,
    settings: Settings,
    environment: Environment,
    *,
    team_id: str,
    channel_id: str,
    now: datetime,
) -> SlackMessage:
    """The digest the channel would get now (its main message), or why there is none."""
    prepared = prepare_digest(store, settings, team_id=team_id, channel_id=channel_id, now=now)
    if prepared.rendered is None:
        return reply(environment, "nothing_to_preview.j2", window=prepared.digest.window)
    main = prepared.rendered.main
    return SlackMessage(text=main.text, blocks=main.blocks)


def schedule_channel(
    store: Store,
    settings: Settings,
    environment: Environment,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    cron: str,
    zone: str | None,
    now: datetime,
) -> SlackMessage:
    """Give the channel its schedule (or change it); the zone stays unless one is given."""
    existing = get_schedule(store, team_id, channel_id)
    timezone = zone or (existing.timezone if existing else settings.default_timezone)
    try:
        spec = add_or_update_schedule(
            store, team_id, channel_id, cron, timezone, created_by=user_id
        )
    except ScheduleError as error:
        return error_message(
            CommandError(str(error), "/digest schedule weekdays 09:00"), environment
        )
    return _changed(environment, "updated" if existing else "scheduled", spec, now)


def pause_channel(
    store: Store,
    environment: Environment,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    now: datetime,
) -> SlackMessage:
    reason = f"paused by {user_id} with /digest pause"
    try:
        spec = pause_schedule(store, team_id, channel_id, reason=reason)
    except NoScheduleError as error:
        return _no_schedule(environment, error)
    return _changed(environment, "paused", spec, now)


def resume_channel(
    store: Store, environment: Environment, *, team_id: str, channel_id: str, now: datetime
) -> SlackMessage:
    try:
        spec = resume_schedule(store, team_id, channel_id)
    except NoScheduleError as error:
        return _no_schedule(environment, error)
    return _changed(environment, "resumed", spec, now)


def change_watched(
    store: Store,
    watchlist: Watchlist,
    environment: Environment,
    *,
    action: str,
    team_id: str,
    channel_id: str,
    names: Sequence[str],
    now: datetime,
) -> SlackMessage:
    """`watch` or `unwatch` the named groups; unknown names change nothing and get
    "did you mean"."""
    if get_schedule(store, team_id, channel_id) is None:
        return _no_schedule(environment, NoScheduleError(team_id, channel_id))
    resolved = resolve_typed_groups(store, watchlist, names)
    if resolved.unknown:
        problem = unknown_groups_message(resolved.unknown, all_groups(store))
        return error_message(CommandError(problem, f"/digest {action} TTP, BLA"), environment)
    change = watch_groups if action == "watch" else unwatch_groups
    before = get_schedule(store, team_id, channel_id)
    try:
        spec = change(store, team_id, channel_id, resolved.names)
    except NoScheduleError as error:  # removed meanwhile
        return _no_schedule(environment, error)
    was_watched = {name.casefold() for name in (before.watched if before else ())}
    untouched = [
        name for name in resolved.names if (name.casefold() in was_watched) == (action == "watch")
    ]
    change_name = "watching" if action == "watch" else "unwatched"
    return _changed(environment, change_name, spec, now, groups=resolved.names, untouched=untouched)


def resolve_typed_groups(store: Store, watchlist: Watchlist, names: Sequence[str]) -> Resolved:
    """The stored groups the typed names mean, with the watchlist's groups in the store.

    "TTP BLA" typed without a comma is read as one name first, then word by word.
    """
    with store.session(write=True) as session:
        sync_watchlist(session, watchlist)
    resolved = resolve_groups(store, list(names))
    if resolved.unknown and len(names) == 1 and len(names[0].split()) > 1:
        by_word = resolve_groups(store, names[0].split())
        if not by_word.unknown:
            return by_word
    return resolved


def status_message(
    store: Store, environment: Environment, *, team_id: str, channel_id: str, now: datetime
) -> SlackMessage:
    """The channel's schedule, watched groups, last digest and failed digests."""
    spec = get_schedule(store, team_id, channel_id)
    last = latest_posted_run(store, team_id, channel_id)
    failed = [
        run
        for run in recent_runs(store, limit=10, team_id=team_id, channel_id=channel_id)
        if run.status == FAILED
    ][:3]
    return reply(
        environment,
        "digest_status.j2",
        spec=spec,
        when=describe(spec.cron) if spec else None,
        next_run=_next_run(spec, now),
        last=last,
        failed=failed,
        channel_id=channel_id,
    )


def _changed(
    environment: Environment,
    change: str,
    spec: ScheduleSpec,
    now: datetime,
    *,
    groups: Sequence[str] = (),
    untouched: Sequence[str] = (),
) -> SlackMessage:
    return reply(
        environment,
        "schedule_changed.j2",
        change=change,
        spec=spec,
        when=describe(spec.cron),
        next_run=_next_run(spec, now),
        groups=list(groups),
        untouched=list(untouched),
    )


def _no_schedule(environment: Environment, error: NoScheduleError) -> SlackMessage:
    return error_message(
        CommandError("this channel has no digest schedule yet", "/digest schedule weekdays 09:00"),
        environment,
    )


def _next_run(spec: ScheduleSpec | None, now: datetime) -> datetime | None:
    if spec is None or spec.paused:
        return None
    try:
        upcoming = next_runs(spec.cron, spec.timezone, now, 1)
    except ScheduleError:
        return None
    return upcoming[0] if upcoming else None
