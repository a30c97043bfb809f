"""App Home: published each time someone opens sitrep's Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.services import Services
from digests.home import home_view


def register(app: App, services: Services) -> None:
    def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        publish_home(services, event, client, team_id=context.team_id or "")

    app.event("app_home_opened")(home_opened)


def publish_home(
    services: Services, event: dict[str, Any], client: WebClient, *, team_id: str
) -> None:
    if event.get("tab", "home") != "home":
        return  # the Messages tab: nothing to publish
    view = home_view(services.store, services.environment, team_id=team_id, now=services.clock())
    client.views_publish(user_id=event["user"], view=view)
