"""sitrep's web application for HTTP mode: Slack's requests and a health check.

POST /slack/events   events, slash commands and interactivity (Bolt's WSGI adapter,
                     which verifies each request's signature: 401 when it is wrong
                     or older than five minutes)
GET  /healthz        200 "ok" while the process serves requests
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi_app(bolt_app: App) -> WSGIApplication:
    slack = SlackRequestHandler(bolt_app, path=SLACK_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok"]
        return slack(environ, start_response)

    return application
