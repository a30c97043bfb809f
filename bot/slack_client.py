"""The Slack Web API client sitrep uses, built from the settings.

slack_sdk's own retry handlers do the retrying: rate limits wait for Retry-After,
server errors (5xx) and failed or timed-out connections back off exponentially. In all,
a call is tried at most `slack_max_attempts` times; after that the error reaches the
caller (bot/delivery.py keeps the digest for a later attempt).

One exception: a chat.postMessage that timed out or was cut off after it was sent may
already be in the channel, and a blind retry would post it twice. That error goes to
the caller, which looks in the channel before posting again (bot/delivery.py).
"""

from __future__ import annotations

import random
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    BackoffRetryIntervalCalculator,
    ConnectionErrorRetryHandler,
    HttpRequest,
    HttpResponse,
    Jitter,
    RateLimitErrorRetryHandler,
    RetryState,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from digests.settings import Settings

# urllib wraps a failure to connect or send in URLError; a timeout or a dropped
# connection while waiting for the answer arrives bare, after Slack may have acted.
_CONNECTION_ERRORS: list[type[Exception]] = [URLError, ConnectionError, TimeoutError]
_NOT_SAFE_TO_REPEAT = frozenset({"chat.postMessage"})


def make_web_client(settings: Settings, *, backoff_seconds: float = 0.5) -> WebClient:
    """A WebClient for settings.slack_api_base_url with the bot token and sitrep's retries.

    `backoff_seconds` is the first wait before retrying a 5xx or a connection error; it
    doubles on each retry (tests make it small).
    """
    retries = settings.slack_max_attempts - 1
    backoff = BackoffRetryIntervalCalculator(
        backoff_factor=backoff_seconds, jitter=_ProportionalJitter()
    )
    token = settings.slack_bot_token
    return WebClient(
        token=token.get_secret_value() if token is not None else None,
        base_url=settings.slack_api_base_url,
        timeout=settings.slack_timeout_seconds,  # type: ignore[arg-type] (urllib takes a float)
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=retries),
            _AnyServerErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
            _ConnectionErrorRetryHandler(
                max_retry_count=retries,
                interval_calculator=backoff,
                error_types=_CONNECTION_ERRORS,
            ),
        ],
    )


class _AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retries every 5xx; slack_sdk's own handler only retries 500 and 503."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code <= 599


class _ConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """Retries connection errors, but not a post that may have reached Slack."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = urlsplit(request.url).path.rsplit("/", 1)[-1]
        if method in _NOT_SAFE_TO_REPEAT and not isinstance(error, URLError):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


class _ProportionalJitter(Jitter):
    """Adds up to half the wait; slack_sdk's default adds up to a whole second to every wait."""

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.random() / 2)  # noqa: S311 (spreading retries, not crypto)
