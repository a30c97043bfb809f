"""Wiring Slack's ids (commands, events, action ids) to sitrep's callbacks.

Each module's `register(app, services)` binds its callbacks; the callbacks are small:
ack, call digests/, respond.
"""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, home, threads
from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    commands.register(app, services)
    threads.register(app, services)
    home.register(app, services)
    actions.register(app, services)
