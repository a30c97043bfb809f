"""Slash commands: /digest, /group, /claim.

Help and unreadable commands are answered in the ack itself (instant, only to the
person who typed them); everything else acks at once and responds when done.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.digest_jobs import manual_period, post_digest
from bot.listeners.common import answering, ephemeral, refusal_to_change, refused
from bot.services import Services
from digests.channel_settings import (
    change_watched,
    error_message,
    help_message,
    pause_channel,
    preview_message,
    reply,
    resume_channel,
    schedule_channel,
    status_message,
)
from digests.claim_search import render_claim_matches, search_claims
from digests.commands import CommandError, DigestRequest, parse_digest, parse_lookup
from digests.messages import SlackMessage
from digests.profiles import (
    GroupProfile,
    group_profile,
    render_group_not_found,
    render_group_profile,
)


def register(app: App, services: Services) -> None:
    def digest(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        digest_command(services, ack, command, respond, client)

    def group(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        group_command(services, ack, command, respond)

    def claim(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        claim_command(services, ack, command, respond)

    app.command("/digest")(digest)
    app.command("/group")(group)
    app.command("/claim")(claim)


def digest_command(
    services: Services, ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient
) -> None:
    try:
        request = parse_digest(command.get("text") or "")
    except CommandError as error:
        ack(**ephemeral(error_message(error, services.environment)))
        return
    if request.action == "help":
        ack(**ephemeral(help_message("/digest", services.environment)))
        return
    ack()  # the rest reads the store and may call Slack: after the ack
    with answering(services, respond, f"/digest {request.action}"):
        respond(**ephemeral(carry_out_digest(services, request, command, client)))


def carry_out_digest(
    services: Services, request: DigestRequest, command: dict[str, Any], client: WebClient
) -> SlackMessage:
    """The reply to a readable /digest command, after checking permission for changes."""
    team_id, channel_id, user_id = command["team_id"], command["channel_id"], command["user_id"]
    store, environment, now = services.store, services.environment, services.clock()
    if request.changes_schedule:
        refusal = refusal_to_change(
            services, client, team_id=team_id, channel_id=channel_id, user_id=user_id
        )
        if refusal is not None:
            return refused(services, refusal)
    where = {"team_id": team_id, "channel_id": channel_id}
    match request.action:
        case "now":
            result = post_digest(
                store,
                services.settings,
                client,
                period=manual_period(now),
                trigger="manual",
                window_end=now,
                **where,
            )
            status, error = (None, None) if result is None else (result.status, result.error)
            return reply(environment, "digest_now.j2", status=status, error=error)
        case "preview":
            return preview_message(store, services.settings, environment, now=now, **where)
        case "status":
            return status_message(store, environment, now=now, **where)
        case "schedule":
            assert request.cron is not None  # parse_digest gives a schedule its cron
            return schedule_channel(
                store,
                services.settings,
                environment,
                user_id=user_id,
                cron=request.cron,
                zone=request.zone,
                now=now,
                **where,
            )
        case "pause":
            return pause_channel(store, environment, user_id=user_id, now=now, **where)
        case "resume":
            return resume_channel(store, environment, now=now, **where)
        case "watch" | "unwatch":
            return change_watched(
                store,
                services.extractor.watchlist,
                environment,
                action=request.action,
                names=request.groups,
                now=now,
                **where,
            )
    raise AssertionError(f"unhandled /digest action {request.action!r}")


def group_command(services: Services, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
    words = _lookup_words(services, ack, "/group", command)
    if words is None:
        return
    with answering(services, respond, "/group"):
        message = services.results.get(("/group", words), lambda: _profile(services, words))
        respond(**ephemeral(message))


def _profile(services: Services, words: str) -> SlackMessage:
    watchlist = services.extractor.watchlist
    result = group_profile(services.store, words, watchlist, now=services.clock())
    if isinstance(result, GroupProfile):
        return render_group_profile(result, services.environment)
    return render_group_not_found(result, services.environment)


def claim_command(services: Services, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
    words = _lookup_words(services, ack, "/claim", command)
    if words is None:
        return
    with answering(services, respond, "/claim"):
        message = services.results.get(("/claim", words), lambda: _matches(services, words))
        respond(**ephemeral(message))


def _matches(services: Services, words: str) -> SlackMessage:
    claims = search_claims(services.store, words)
    return render_claim_matches(words, claims, services.environment)


def _lookup_words(services: Services, ack: Ack, name: str, command: dict[str, Any]) -> str | None:
    """The words to look up, acked; None when help or an error was the whole answer."""
    try:
        words = parse_lookup(name, command.get("text") or "")
    except CommandError as error:
        ack(**ephemeral(error_message(error, services.environment)))
        return None
    if words is None:
        ack(**ephemeral(help_message(name, services.environment)))
        return None
    ack()
    return words
