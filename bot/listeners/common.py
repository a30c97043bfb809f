"""What several listeners share: message payloads, the permission check, error replies."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.services import Services
from digests.channel_settings import refusal_message, reply
from digests.commands import Refusal, change_refusal
from digests.messages import SlackMessage
from digests.store.schedules import get_schedule

log = logging.getLogger("sitrep.slack")


def ephemeral(message: SlackMessage) -> dict[str, Any]:
    """Arguments for ack() or respond(): a message only the person who asked sees."""
    return {"text": message.text, "blocks": list(message.blocks), "response_type": "ephemeral"}


def refusal_to_change(
    services: Services, client: WebClient, *, team_id: str, channel_id: str, user_id: str
) -> Refusal | None:
    """Why `user_id` may not change the channel's schedule, or None when they may.

    users.info (is_admin / is_owner) is asked only when the settings and the schedule
    do not already allow it; if Slack cannot say, the user is treated as no admin.
    """
    schedule = get_schedule(services.store, team_id, channel_id)
    admins = services.settings.slack_admin_user_ids

    def refusal(is_workspace_admin: bool) -> Refusal | None:
        return change_refusal(
            user_id, admin_user_ids=admins, is_workspace_admin=is_workspace_admin, schedule=schedule
        )

    if refusal(False) is None:
        return None
    return refusal(_is_workspace_admin(client, user_id))


def _is_workspace_admin(client: WebClient, user_id: str) -> bool:
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("users.info for %s failed (%s); treating them as no admin", user_id, error)
        return False
    return bool(user.get("is_admin") or user.get("is_owner"))


def refused(services: Services, refusal: Refusal) -> SlackMessage:
    return refusal_message(refusal, services.environment)


@contextmanager
def answering(services: Services, respond: Callable[..., Any], what: str) -> Iterator[None]:
    """Tell the person when their request failed on sitrep's side instead of going quiet."""
    try:
        yield
    except Exception:
        log.exception("%s failed", what)
        message = reply(services.environment, "something_went_wrong.j2", what=what)
        try:
            respond(**ephemeral(message))
        except Exception:
            log.exception("could not tell the user that %s failed", what)
