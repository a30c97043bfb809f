"""Requests as Slack sends them: signed bodies for slash commands, events and actions."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.app import build_app
from digests.documents import load_sources
from digests.extract.pipeline import Extractor, load_extractor
from digests.ingest import ingest
from digests.resources import config_dir, example_documents_dir
from digests.settings import Settings
from digests.store.engine import Store, open_store
from digests.testing import SlackRequests, SlackStandIn, StandInUser

SIGNING_SECRET = "test-signing-secret"
TEAM = "T0SITREP"
CHANNEL = "C0DIGEST"
ADMIN = "U0ADMIN"  # a workspace admin
OWNER = "U0OWNER"  # a workspace owner
READER = "U0READER"  # an ordinary member
SITREP_ADMIN = "U0SITADM"  # in settings.slack_admin_user_ids
USERS = (
    StandInUser(ADMIN, "ayesha", is_admin=True),
    StandInUser(OWNER, "omar", is_owner=True),
    StandInUser(READER, "bilal"),
    StandInUser(SITREP_ADMIN, "sana"),
)
_event_numbers = count(1)


REQUESTS = SlackRequests(SIGNING_SECRET, team_id=TEAM)


def signature(body: str, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    """X-Slack-Signature: v0= HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing secret."""
    return SlackRequests(secret).signature(body, timestamp)


def signed_headers(
    body: str, content_type: str, *, timestamp: int | None = None, retry: int | None = None
) -> dict[str, str]:
    return REQUESTS.headers(body, content_type, timestamp=timestamp, retry=retry)


def command_body(
    command: str, text: str, response_url: str, *, user: str = ADMIN, channel: str = CHANNEL
) -> str:
    return REQUESTS.command_body(
        command, text, user=user, channel=channel, response_url=response_url
    )


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    return REQUESTS.event_body(event, event_id=event_id)


def action_body(
    action_id: str, value: str, response_url: str, *, user: str = ADMIN, channel: str = CHANNEL
) -> str:
    return REQUESTS.action_body(
        action_id, value, user=user, channel=channel, response_url=response_url
    )


def wait_for(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    """The condition's first truthy value; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"still waiting after {timeout} s")


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return load_extractor(config_dir())


def ingest_examples(store: Store, extractor: Extractor, extra: list[Path] = ()) -> None:  # type: ignore[assignment]
    sources = [str(example_documents_dir()), *map(str, extra)]
    summary = ingest(
        store, load_sources(sources, max_bytes=5_000_000, feed_timeout=5), extractor=extractor
    )
    assert not summary.failed


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(users=USERS) as stand_in:
        yield stand_in


@dataclass
class Bot:
    """A built App with its stand-in and store, and helpers to send it signed requests."""

    app: App
    slack: SlackStandIn
    store: Store
    settings: Settings

    def command(self, command: str, text: str, *, user: str = ADMIN, channel: str = CHANNEL) -> Any:
        """Send a slash command; returns (status, ack body) and the response_url's name."""
        name = f"r{next(_event_numbers)}"
        body = command_body(
            command, text, self.slack.response_url(name), user=user, channel=channel
        )
        return self.dispatch(body, "application/x-www-form-urlencoded"), name

    def ask(self, command: str, text: str, *, user: str = ADMIN) -> str:
        """Send a slash command that acks empty, and wait for what it responds."""
        response, name = self.command(command, text, user=user)
        assert (response.status, response.body) == (200, "")
        return self.responses(name)[0].text

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> Any:
        return self.dispatch(event_body(event, event_id=event_id), "application/json", retry=retry)

    def action(self, action_id: str, value: str, *, user: str = ADMIN) -> str:
        name = f"a{next(_event_numbers)}"
        body = action_body(action_id, value, self.slack.response_url(name), user=user)
        response = self.dispatch(body, "application/x-www-form-urlencoded")
        assert response.status == 200
        return name

    def dispatch(self, body: str, content_type: str, *, retry: int | None = None) -> Any:
        headers = signed_headers(body, content_type, retry=retry)
        return self.app.dispatch(BoltRequest(body=body, headers=headers))

    def responses(self, name: str, count: int = 1) -> list[Any]:
        return wait_for(
            lambda: len(self.slack.responses(name)) >= count and self.slack.responses(name)
        )


@pytest.fixture
def bot(slack: SlackStandIn, extractor: Extractor, tmp_path: Path) -> Iterator[Bot]:
    settings = Settings(
        slack_bot_token=SecretStr(slack.token or "xoxb-test"),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_base_url=slack.base_url,
        slack_admin_user_ids=(SITREP_ADMIN,),
        slack_max_attempts=3,
        data_dir=tmp_path,
    )
    store = open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    ingest_examples(store, extractor)
    app = build_app(settings, store, extractor)
    yield Bot(app, slack, store, settings)
    store.close()


@pytest.fixture(scope="session")
def as_slack() -> Any:
    """The request builders above, for test modules (they cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        signature=signature,
        signed_headers=signed_headers,
        command_body=command_body,
        event_body=event_body,
        action_body=action_body,
        wait_for=wait_for,
        ingest_examples=ingest_examples,
        users=USERS,
        secret=SIGNING_SECRET,
    )
