"""The Slack app: build a Bolt App from the settings and register sitrep's listeners.

Request verification (the X-Slack-Signature check) stays on: Bolt's default. Listeners
ack first and do their work after the ack (Bolt runs them in its thread pool while the
HTTP answer goes back to Slack), so every request is acknowledged within three seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient

from bot.listeners import register_listeners
from bot.services import Services, utc_now
from bot.slack_client import make_web_client
from digests.answer_processes import AnswerProcesses
from digests.channel_digest import template_environment
from digests.extract.pipeline import Extractor
from digests.result_cache import ResultCache
from digests.settings import Settings
from digests.store.engine import Store


def build_app(
    settings: Settings,
    store: Store,
    extractor: Extractor,
    *,
    client: WebClient | None = None,
    clock: Callable[[], datetime] = utc_now,
    process_before_response: bool = False,
    answers: AnswerProcesses | None = None,
) -> App:
    """A Bolt App for the workspace of settings.slack_bot_token, with sitrep's listeners.

    `client` defaults to bot/slack_client's (SLACK_API_BASE_URL, rate limits retried).
    Building calls auth.test once, so a wrong token or base URL shows at start.
    `process_before_response` finishes every listener before the request is answered:
    right for the local shell workspace, which shows each answer as it is typed.
    `answers` works out follow-up answers in other processes (bot/serve.py's workers).
    """
    secret = settings.slack_signing_secret
    app = App(
        name="sitrep",
        client=client or make_web_client(settings),
        signing_secret=secret.get_secret_value() if secret is not None else "",
        logger=logging.getLogger("sitrep.slack"),
        process_before_response=process_before_response,
        # Bolt's default pool of 5 threads fills with slow questions, and then even a
        # command's ack waits for a free thread: past Slack's 3 seconds.
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.web_listener_threads, thread_name_prefix="sitrep-listener"
        ),
    )
    services = Services(
        settings=settings,
        store=store,
        extractor=extractor,
        environment=template_environment(settings),
        results=ResultCache(
            store,
            size=settings.result_cache_size,
            seconds=settings.result_cache_seconds,
            computing=settings.web_answers_at_once,
        ),
        clock=clock,
        answers=answers,
    )
    register_listeners(app, services)
    return app
