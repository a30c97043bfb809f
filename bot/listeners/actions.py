"""Buttons: a group's claims (all, then more) and "watch this group" from /group."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.listeners.common import answering, ephemeral, refusal_to_change, refused
from bot.services import Services
from digests.channel_settings import change_watched, error_message
from digests.commands import CommandError
from digests.profiles import group_claims, render_group_claims

CLAIMS_PAGE = 20


def register(app: App, services: Services) -> None:
    def all_claims(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        show_claims(services, respond, action.get("value") or "", offset=0)

    def more_claims(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        name, _, offset = (action.get("value") or "").rpartition("|")
        show_claims(services, respond, name, offset=int(offset) if offset.isdigit() else 0)

    def watch(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        watch_group(services, action, body, respond, client)

    app.action("group_all_claims")(all_claims)
    app.action("group_more_claims")(more_claims)
    app.action("group_watch")(watch)


def show_claims(services: Services, respond: Respond, name: str, *, offset: int) -> None:
    with answering(services, respond, "showing the claims"):
        claims, total = group_claims(services.store, name, offset=offset, limit=CLAIMS_PAGE)
        message = render_group_claims(name, claims, total, offset, services.environment)
        respond(replace_original=False, **ephemeral(message))


def watch_group(
    services: Services,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
) -> None:
    """Watch the button's group in the channel the button was pressed in."""
    name = action.get("value") or ""
    team_id = (body.get("team") or {}).get("id") or body.get("user", {}).get("team_id", "")
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    user_id = (body.get("user") or {}).get("id", "")
    with answering(services, respond, "watching the group"):
        if not channel_id:
            problem = CommandError("this button has no channel to watch the group in",
                                   f"/digest watch {name}")  # fmt: skip
            respond(
                replace_original=False, **ephemeral(error_message(problem, services.environment))
            )
            return
        refusal = refusal_to_change(
            services, client, team_id=team_id, channel_id=channel_id, user_id=user_id
        )
        if refusal is not None:
            respond(replace_original=False, **ephemeral(refused(services, refusal)))
            return
        message = change_watched(
            services.store,
            services.extractor.watchlist,
            services.environment,
            action="watch",
            team_id=team_id,
            channel_id=channel_id,
            names=[name],
            now=services.clock(),
        )
        respond(replace_original=False, **ephemeral(message))
