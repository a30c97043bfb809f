"""Running the Slack app: HTTP mode behind gunicorn, or Socket Mode with the clock.

`sitrep serve` (the Procfile's web process) answers Slack's HTTP requests; each gunicorn
worker opens its own store and builds its own App after the fork, so no database
connection crosses a fork. `sitrep run` connects to Slack over Socket Mode (no public
URL needed) and runs the digest schedules in the same process.
"""

from __future__ import annotations

import atexit
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.digest_jobs import start_clock
from bot.slack_client import make_web_client
from bot.wsgi import WSGIApplication, make_wsgi_app
from digests.answer_processes import AnswerProcesses
from digests.extract.pipeline import Extractor
from digests.settings import Settings
from digests.store.engine import Store, open_store

log = logging.getLogger("sitrep.serve")

# What each mode needs from the environment, by variable name.
HTTP_VARIABLES = {
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_BOT_TOKEN": "slack_bot_token",
}
SOCKET_MODE_VARIABLES = {"SLACK_APP_TOKEN": "slack_app_token", "SLACK_BOT_TOKEN": "slack_bot_token"}


def missing_variables(settings: Settings, needed: dict[str, str]) -> list[str]:
    """The environment variables of `needed` that are not set (never their values)."""
    return [name for name, key in needed.items() if getattr(settings, key) is None]


def serve_http(
    settings: Settings,
    load_extractor: Callable[[], Extractor],
    *,
    host: str,
    port: int,
    threads: int = 8,
) -> None:
    """Serve /slack/events and /healthz with gunicorn until stopped.

    Workers: $WEB_CONCURRENCY (gunicorn's own variable), 1 by default; each runs `threads`
    request threads, Bolt finishes slow work in its own thread pool after the ack, and
    `web_answer_processes` child processes of each worker work out follow-up answers.
    """

    def load() -> WSGIApplication:
        store = open_store(settings.store_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        answers = None
        if settings.web_answer_processes > 0:
            answers = AnswerProcesses(
                settings,
                processes=settings.web_answer_processes,
                niceness=settings.web_answer_niceness,
                timeout=settings.web_answer_timeout_seconds,
            )
            atexit.register(answers.close)
        app = build_app(settings, store, load_extractor(), answers=answers)
        return make_wsgi_app(app)

    _Gunicorn(
        load,
        {
            "bind": f"{host}:{port}",
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 60,
            "graceful_timeout": 20,
            "accesslog": None,  # Slack's requests carry no secrets in the path, but are many
            "errorlog": "-",
            "loglevel": settings.log_level.lower(),
            "proc_name": "sitrep-web",
        },
    ).run()


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn run from Python: `load` is called in each worker, after the fork."""

    def __init__(self, load: Callable[[], WSGIApplication], options: dict[str, Any]) -> None:
        self._load = load
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApplication:
        return self._load()


def run_socket_mode(settings: Settings, store: Store, extractor: Extractor) -> None:
    """Socket Mode and the digest schedules in one process, until SIGTERM or Ctrl-C."""
    assert settings.slack_app_token is not None  # checked by the command
    client = make_web_client(settings)
    app = build_app(settings, store, extractor, client=client)
    scheduler = start_clock(store, settings, client)
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    handler.connect()
    log.info("connected to Slack over Socket Mode; %d schedules", len(scheduler.jobs()))
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        handler.close()
        scheduler.shutdown()
