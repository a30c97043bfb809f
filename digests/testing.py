"""Testing helpers: a local stand-in for Slack's Web API.

`SlackStandIn` is a real HTTP server on 127.0.0.1 that answers the Web API methods sitrep
uses, checks what it receives the way Slack does, records every call and can be told to
misbehave (rate limits, server errors, hangs, dropped connections, Slack errors). Tests
and `sitrep shell` point slack_sdk's own client at it, so they exercise real HTTP:

    with SlackStandIn(channels=["C0DIGEST"]) as slack:
        client = WebClient(token=slack.token, base_url=slack.base_url)
        client.chat_postMessage(channel="C0DIGEST", text="hello")
        assert [m.text for m in slack.posted("C0DIGEST")] == ["hello"]
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = [
    "EphemeralMessage",
    "PostedMessage",
    "RecordedCall",
    "ResponseUrlMessage",
    "SlackRequests",
    "SlackStandIn",
    "StandInUser",
    "block_kit_problems",
]

_HOST = "127.0.0.1"  # never anything else: the stand-in must not be reachable from outside
_MESSAGE_BLOCK_LIMIT = 50
_VIEW_BLOCK_LIMIT = 100
_MESSAGE_TEXT_LIMIT = 40_000
_JSON_FIELDS = ("blocks", "metadata", "view", "attachments")
_RESPONSE_URL_PATH = "/response_url/"


@dataclass(frozen=True, slots=True)
class StandInUser:
    """A workspace member that users.info knows about."""

    id: str
    name: str = "someone"
    is_admin: bool = False
    is_owner: bool = False
    tz: str = "UTC"


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One Web API call as the stand-in received it.

    `answer` says what the stand-in did: "ok", "error:<code>" (ok: false), "status:<code>"
    (an HTTP error), "hang" or "close".
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]  # names in lower case
    answer: str


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A message the stand-in holds in a channel (top level or in a thread)."""

    channel: str
    ts: str
    text: str
    blocks: tuple[dict[str, Any], ...] = ()
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    user: str = ""
    unfurl_links: bool | None = None
    unfurl_media: bool | None = None
    edited: bool = False

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass(frozen=True, slots=True)
class EphemeralMessage:
    channel: str
    user: str
    text: str
    blocks: tuple[dict[str, Any], ...] = ()
    thread_ts: str | None = None


@dataclass(frozen=True, slots=True)
class ResponseUrlMessage:
    """What an app sent to a response_url (Bolt's `respond`): one per POST."""

    name: str  # the part of the URL after /response_url/
    text: str
    blocks: tuple[dict[str, Any], ...] = ()
    response_type: str | None = None  # "ephemeral" (Slack's default) or "in_channel"
    replace_original: bool | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Fault:
    """How to misbehave on one call."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    hang_seconds: float = 0.0
    close: bool = False
    processed: bool = False  # Slack acted on the call; only its answer is lost

    @property
    def label(self) -> str:
        if self.hang_seconds:
            return "hang"
        if self.close:
            return "close"
        if self.error:
            return f"error:{self.error}"
        return f"status:{self.status}"


class _SlackError(Exception):
    """An `ok: false` answer."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


@dataclass
class _State:
    """Everything the stand-in remembers; guarded by SlackStandIn._lock."""

    calls: list[RecordedCall] = field(default_factory=list)
    messages: dict[str, list[PostedMessage]] = field(default_factory=lambda: defaultdict(list))
    ephemeral: list[EphemeralMessage] = field(default_factory=list)
    responses: list[ResponseUrlMessage] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    faults: dict[str, deque[_Fault | None]] = field(default_factory=lambda: defaultdict(deque))
    last_ts_us: int = 0


class SlackStandIn:
    """A local Slack Web API on 127.0.0.1; use it as a context manager.

    `token=None` accepts any bearer token. `channels=None` accepts any channel id;
    with a list, other channels answer `channel_not_found` as Slack does.
    `first_ts` fixes the first message's ts (seconds); by default ts follow the clock.
    `port` is the port to listen on; 0 (the default) takes any free one each time it
    starts. With a fixed port, stop() and start() again make Slack refuse connections for
    a while and then answer at the same base URL (known while stopped too), with
    everything it held kept.
    """

    def __init__(
        self,
        *,
        token: str | None = "xoxb-sitrep-stand-in",  # noqa: S107 (a made-up test token)
        channels: Iterable[str] | None = None,
        users: Iterable[StandInUser] = (),
        team_id: str = "T0SITREP",
        team_name: str = "sitrep test",
        bot_user_id: str = "U0SITREP",
        bot_id: str = "B0SITREP",
        first_ts: float | None = None,
        port: int = 0,
    ) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0 (any free port) or a port number, not {port}")
        self.token = token
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self._channels = None if channels is None else set(channels)
        self._archived: set[str] = set()
        self._users = {user.id: user for user in users}
        self._fixed_clock = first_ts is not None
        self._lock = threading.Lock()
        self._state = _State()
        if first_ts is not None:
            self._state.last_ts_us = round(first_ts * 1_000_000) - 100
        self._stopping = threading.Event()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = _Server((_HOST, self._port), _Handler)
        server.stand_in = self
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # releases calls told to hang
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the stand-in listens on (on 127.0.0.1); a fixed one also while stopped."""
        if self._server is not None:
            return int(self._server.server_address[1])
        if self._port:
            return self._port
        raise RuntimeError("the Slack stand-in is not running; use it in a `with` block")

    @property
    def base_url(self) -> str:
        """The Web API base URL, for WebClient(base_url=...) or SLACK_API_BASE_URL."""
        return f"http://{_HOST}:{self.port}/api/"

    def response_url(self, name: str = "command") -> str:
        """A response_url to put in a slash command or action payload; what the app sends
        to it is in `responses(name)`."""
        return f"{self.base_url.removesuffix('/api/')}/response_url/{name}"

    # --- set-up --------------------------------------------------------------

    def add_channel(self, channel_id: str) -> None:
        """Make a channel known (when a channel list was given) and not archived."""
        with self._lock:
            if self._channels is not None:
                self._channels.add(channel_id)
            self._archived.discard(channel_id)

    def archive_channel(self, channel_id: str) -> None:
        """Posting to the channel answers `is_archived` from now on."""
        with self._lock:
            self._archived.add(channel_id)

    def add_user(self, user: StandInUser) -> None:
        with self._lock:
            self._users[user.id] = user

    def fail_next(
        self,
        method: str,
        *,
        times: int = 1,
        status: int | None = None,
        retry_after: int | None = None,
        error: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next `times` calls of `method` with an HTTP error or a Slack error.

        `status=429` sends Retry-After (`retry_after`, 1 by default); `error="..."` answers
        HTTP 200 with ok: false, as Slack does for channel_not_found, not_in_channel...
        `after` lets that many calls through first.
        """
        if (status is None) == (error is None):
            raise ValueError("give either status= (an HTTP error) or error= (a Slack error)")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error (400-599), not {status}")
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = _Fault(status=status or 200, error=error, retry_after=retry_after)
        self._add_faults(method, fault, times, after)

    def hang_next(
        self,
        method: str,
        *,
        seconds: float,
        times: int = 1,
        processed: bool = False,
        after: int = 0,
    ) -> None:
        """Say nothing for `seconds` on the next `times` calls of `method`, then hang up.

        With `processed=True` the call takes effect at once and only its answer is lost,
        as when Slack posts a message but the client times out waiting.
        """
        if seconds <= 0:
            raise ValueError("seconds must be positive")
        fault = _Fault(hang_seconds=seconds, processed=processed)
        self._add_faults(method, fault, times, after)

    def close_next(
        self, method: str, *, times: int = 1, processed: bool = False, after: int = 0
    ) -> None:
        """Drop the connection without an answer on the next `times` calls of `method`.

        With `processed=True` the call takes effect first, as in hang_next.
        """
        self._add_faults(method, _Fault(close=True, processed=processed), times, after)

    def _add_faults(self, method: str, fault: _Fault, times: int, after: int) -> None:
        if times < 1 or after < 0:
            raise ValueError("times must be at least 1 and after at least 0")
        with self._lock:
            # None lets a call through, so `after` calls are answered normally first.
            self._state.faults[method].extend([None] * after + [fault] * times)

    # --- what was received ---------------------------------------------------

    @property
    def calls(self) -> tuple[RecordedCall, ...]:
        with self._lock:
            return tuple(self._state.calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def posted(self, channel: str) -> list[PostedMessage]:
        """Every message in `channel`, thread replies included, oldest first."""
        with self._lock:
            return list(self._state.messages.get(channel, ()))

    def top_level(self, channel: str) -> list[PostedMessage]:
        """The channel's messages outside threads, oldest first."""
        return [message for message in self.posted(channel) if not message.is_reply]

    def thread(self, channel: str, ts: str) -> list[PostedMessage]:
        """The replies in the thread of message `ts`, oldest first."""
        return [
            message
            for message in self.posted(channel)
            if message.is_reply and message.thread_ts == ts
        ]

    def ephemeral(self, channel: str | None = None) -> list[EphemeralMessage]:
        with self._lock:
            return [m for m in self._state.ephemeral if channel is None or m.channel == channel]

    def responses(self, name: str | None = None) -> list[ResponseUrlMessage]:
        """What was sent to response_urls (all, or those of `name`), oldest first."""
        with self._lock:
            return [r for r in self._state.responses if name is None or r.name == name]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for `user_id`."""
        with self._lock:
            return self._state.views.get(user_id)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What Slack would warn about without refusing (e.g. blocks without a text fallback)."""
        with self._lock:
            return tuple(self._state.warnings)

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
        user: str | None = None,
    ) -> PostedMessage:
        """Put a message in the channel directly (e.g. one posted before a crash)."""
        with self._lock:
            message = PostedMessage(
                channel=channel,
                ts=self._next_ts(),
                text=text,
                thread_ts=thread_ts,
                metadata=metadata,
                user=user or self.bot_user_id,
            )
            self._state.messages[channel].append(message)
            return message

    # --- answering -----------------------------------------------------------

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            faults = self._state.faults.get(method)
            return faults.popleft() if faults else None

    def _record(self, call: RecordedCall) -> None:
        with self._lock:
            self._state.calls.append(call)

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _answer(
        self, method: str, args: dict[str, Any], headers: dict[str, str], *, record: bool = True
    ) -> dict[str, Any]:
        """The JSON body Slack would send for a well-behaved call; the call is recorded."""
        with self._lock:
            try:
                self._check_auth(headers)
                handler = _METHODS.get(method)
                if handler is None:
                    raise _SlackError("unknown_method")
                body = {"ok": True, **handler(self, args)}
            except _SlackError as error:
                body = {"ok": False, "error": error.code, **error.extra}
            if record:
                answer = "ok" if body["ok"] else f"error:{body['error']}"
                self._state.calls.append(RecordedCall(method, args, headers, answer))
            return body

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        authorization = headers.get("authorization", "")
        if not authorization.startswith("Bearer ") or not authorization[7:].strip():
            raise _SlackError("not_authed")
        if self.token is not None and authorization[7:] != self.token:
            raise _SlackError("invalid_auth")

    def _next_ts(self) -> str:
        # Slack's ts are unique per channel and increase; 100 µs apart here, never behind
        # the clock unless a first_ts was given, so `oldest=` filters work as on Slack.
        step = self._state.last_ts_us + 100
        if not self._fixed_clock:
            step = max(step, time.time_ns() // 1000)
        self._state.last_ts_us = step
        return f"{step // 1_000_000}.{step % 1_000_000:06d}"

    def _check_channel(self, channel: str) -> None:
        if self._channels is not None and channel not in self._channels:
            raise _SlackError("channel_not_found")

    def _check_can_post(self, channel: str) -> None:
        self._check_channel(channel)
        if channel in self._archived:
            raise _SlackError("is_archived")

    def _message_content(self, args: Mapping[str, Any]) -> tuple[str, tuple[dict[str, Any], ...]]:
        text = str(args.get("text") or "")
        blocks = args.get("blocks") or []
        if not isinstance(blocks, list):
            raise _SlackError("invalid_blocks_format")
        if not text and not blocks:
            raise _SlackError("no_text")
        if len(text) > _MESSAGE_TEXT_LIMIT:
            raise _SlackError("msg_too_long")
        problems = block_kit_problems(blocks)
        if problems:
            raise _SlackError("invalid_blocks", errors=problems)
        if blocks and not text:
            self._state.warnings.append("missing_text: blocks without a text fallback")
        return text, tuple(blocks)

    def _find(self, channel: str, ts: str) -> PostedMessage | None:
        for message in self._state.messages.get(channel, ()):
            if message.ts == ts:
                return message
        return None

    def _as_json(self, message: PostedMessage, *, with_metadata: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "ts": message.ts,
            "team": self.team_id,
        }
        if message.user == self.bot_user_id:
            body["bot_id"] = self.bot_id
        if message.blocks:
            body["blocks"] = list(message.blocks)
        if message.thread_ts is not None:
            body["thread_ts"] = message.thread_ts
        if message.edited:
            body["edited"] = {"user": message.user, "ts": message.ts}
        if with_metadata and message.metadata is not None:
            body["metadata"] = message.metadata
        replies = [m for m in self._state.messages.get(message.channel, ()) if m.is_reply]
        count = sum(1 for m in replies if m.thread_ts == message.ts)
        if count:
            body["thread_ts"] = message.ts
            body["reply_count"] = count
        return body


# --- Web API methods ---------------------------------------------------------
# Each takes the stand-in (its lock held) and the call's arguments, and returns the
# answer's fields besides "ok", or raises _SlackError.


def _required(args: Mapping[str, Any], name: str) -> str:
    value = args.get(name)
    if value in (None, ""):
        raise _SlackError("invalid_arguments", response_metadata={"messages": [f"{name} missing"]})
    return str(value)


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _optional_flag(value: Any) -> bool | None:
    return None if value is None else _flag(value)


def _metadata(args: Mapping[str, Any]) -> dict[str, Any] | None:
    metadata = args.get("metadata")
    if metadata is None:
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        raise _SlackError("invalid_metadata_format")
    return metadata


def _post_message(slack: SlackStandIn, args: Mapping[str, Any]) -> dict[str, Any]:
    channel = _required(args, "channel")
    slack._check_can_post(channel)
    text, blocks = slack._message_content(args)
    thread_ts = args.get("thread_ts") or None
    if thread_ts is not None and slack._find(channel, str(thread_ts)) is None:
        slack._state.warnings.append(f"thread_ts {thread_ts} is not a message in {channel}")
    message = PostedMessage(
        channel=channel,
        ts=slack._next_ts(),
        text=text,
        blocks=blocks,
        thread_ts=None if thread_ts is None else str(thread_ts),
        metadata=_metadata(args),
        user=slack.bot_user_id,
        unfurl_links=_optional_flag(args.get("unfurl_links")),
        unfurl_media=_optional_flag(args.get("unfurl_media")),
    )
    slack._state.messages[channel].append(message)
    return {"channel": channel, "ts": message.ts, "message": slack._as_json(message)}


def _update_message(slack: SlackStandIn, args: Mapping[str, Any]) -> dict[str, Any]:
    channel = _required(args, "channel")
    ts = _required(args, "ts")
    slack._check_can_post(channel)
    old = slack._find(channel, ts)
    if old is None:
        raise _SlackError("message_not_found")
    if old.user != slack.bot_user_id:
        raise _SlackError("cant_update_message")
    text, blocks = slack._message_content(args)
    new = replace(old, text=text, blocks=blocks, edited=True)
    if "metadata" in args:
        new = replace(new, metadata=_metadata(args))
    messages = slack._state.messages[channel]
    messages[messages.index(old)] = new
    return {"channel": channel, "ts": ts, "text": text, "message": slack._as_json(new)}


def _post_ephemeral(slack: SlackStandIn, args: Mapping[str, Any]) -> dict[str, Any]:
    channel = _required(args, "channel")
    user = _required(args, "user")
    slack._check_can_post(channel)
    if slack._users and user not in slack._users:
        raise _SlackError("user_not_found")
    text, blocks = slack._message_content(args)
    thread_ts = args.get("thread_ts") or None
    slack._state.ephemeral.append(
        EphemeralMessage(channel, user, text, blocks, None if thread_ts is None else str(thread_ts))
    )
    return {"message_ts": slack._next_ts()}


def _page(
    slack: SlackStandIn, messages: list[PostedMessage], args: Mapping[str, Any]
) -> dict[str, Any]:
    """One page of `messages` (already in answer order), with Slack's cursor paging."""
    with_metadata = _flag(args.get("include_all_metadata"))
    limit = min(max(int(args.get("limit") or 100), 1), 999)
    start = int(str(args.get("cursor") or "offset:0").removeprefix("offset:"))
    page = messages[start : start + limit]
    has_more = start + limit < len(messages)
    answer: dict[str, Any] = {
        "messages": [slack._as_json(m, with_metadata=with_metadata) for m in page],
        "has_more": has_more,
    }
    answer["response_metadata"] = {"next_cursor": f"offset:{start + limit}" if has_more else ""}
    return answer


def _in_range(ts: str, args: Mapping[str, Any]) -> bool:
    inclusive = _flag(args.get("inclusive"))
    value = float(ts)
    oldest, latest = args.get("oldest"), args.get("latest")
    if oldest not in (None, "") and (
        value < float(oldest) or (value == float(oldest) and not inclusive)
    ):
        return False
    return latest in (None, "") or value < float(latest) or (value == float(latest) and inclusive)


def _history(slack: SlackStandIn, args: Mapping[str, Any]) -> dict[str, Any]:
    channel = _required(args, "channel")
    slack._check_channel(channel)
    messages = [
        m
        for m in slack._state.messages.get(channel, ())
        if not m.is_reply and _in_range(m.ts, args)
    ]
    messages.sort(key=lambda m: float(m.ts), reverse=True)  # newest first, as Slack answers
    return _page(slack, messages, args)


def _replies(slack: SlackStandIn, args: Mapping[str, Any]) -> dict[str, Any]:
    channel = _required(args, "channel")
    ts = _required(args, "ts")
    slack._check_channel(channel)
    parent = slack._find(channel, ts)
    if parent is None:
        raise _SlackError("thread_not_found")
    thread = [parent] + [
        m
        for m in slack._state.messages.get(channel, ())
        if m.is_reply and m.thread_ts == ts and _in_range(m.ts, args)
    ]
    return _page(slack, thread, args)


def _auth_test(slack: SlackStandIn, _args: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "url": "https://sitrep-stand-in.slack.com/",
        "team": slack.team_name,
        "user": "sitrep",
        "team_id": slack.team_id,
        "user_id": slack.bot_user_id,
        "bot_id": slack.bot_id,
        "is_enterprise_install": False,
    }


def _user_info(slack: SlackStandIn, args: Mapping[str, Any]) -> dict[str, Any]:
    user = slack._users.get(_required(args, "user"))
    if user is None:
        raise _SlackError("user_not_found")
    return {
        "user": {
            "id": user.id,
            "team_id": slack.team_id,
            "name": user.name,
            "real_name": user.name,
            "deleted": False,
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_bot": False,
            "tz": user.tz,
        }
    }


def _publish_view(slack: SlackStandIn, args: Mapping[str, Any]) -> dict[str, Any]:
    user_id = _required(args, "user_id")
    view = args.get("view")
    if not isinstance(view, dict) or view.get("type") != "home":
        raise _SlackError(
            "invalid_arguments", response_metadata={"messages": ["view.type must be home"]}
        )
    problems = block_kit_problems(view.get("blocks") or [], max_blocks=_VIEW_BLOCK_LIMIT)
    if problems:
        raise _SlackError("invalid_blocks", errors=problems)
    published = {**view, "id": f"V{len(slack._state.views) + 1:08d}", "team_id": slack.team_id}
    slack._state.views[user_id] = published
    return {"view": published}


_METHODS = {
    "chat.postMessage": _post_message,
    "chat.update": _update_message,
    "chat.postEphemeral": _post_ephemeral,
    "conversations.history": _history,
    "conversations.replies": _replies,
    "auth.test": _auth_test,
    "users.info": _user_info,
    "views.publish": _publish_view,
}


# --- Block Kit limits --------------------------------------------------------

_TEXT_TYPES = {"plain_text", "mrkdwn"}
_BLOCK_TYPES = {
    "section",
    "header",
    "context",
    "divider",
    "actions",
    "image",
    "input",
    "rich_text",
    "file",
    "video",
    "markdown",
}


def block_kit_problems(
    blocks: Iterable[Any], *, max_blocks: int = _MESSAGE_BLOCK_LIMIT
) -> list[str]:
    """What Slack would refuse in `blocks`, in Slack's words; empty when they are fine.

    Covers the limits sitrep can run into: block count, section text (3000) and fields
    (10 x 2000), header text (150, plain_text), context elements (10), actions elements
    (25), block ids (255, unique) and text objects.
    """
    problems: list[str] = []
    blocks = list(blocks)
    if len(blocks) > max_blocks:
        problems.append(f"no more than {max_blocks} items allowed [json-pointer:/blocks]")
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, dict) or block.get("type") not in _BLOCK_TYPES:
            problems.append(f"must be a known block type [json-pointer:{where}/type]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if len(str(block_id)) > 255:
                problems.append(f"must be less than 256 characters [json-pointer:{where}/block_id]")
            if block_id in seen_ids:
                problems.append(f"must be unique [json-pointer:{where}/block_id]")
            seen_ids.add(str(block_id))
        problems += _block_problems(block, where)
    return problems


def _block_problems(block: dict[str, Any], where: str) -> list[str]:
    kind = block["type"]
    if kind == "section":
        return _section_problems(block, where)
    if kind == "header":
        return _text_problems(block.get("text"), f"{where}/text", 150, plain_only=True)
    if kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > 10:
            return [f"must have between 1 and 10 items [json-pointer:{where}/elements]"]
    if kind == "actions":
        elements = block.get("elements") or []
        if not elements or len(elements) > 25:
            return [f"must have between 1 and 25 items [json-pointer:{where}/elements]"]
    return []


def _section_problems(block: dict[str, Any], where: str) -> list[str]:
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        return [f"must provide either text or fields [json-pointer:{where}]"]
    problems = [] if text is None else _text_problems(text, f"{where}/text", 3000)
    fields = fields or []
    if len(fields) > 10:
        problems.append(f"no more than 10 items allowed [json-pointer:{where}/fields]")
    for number, item in enumerate(fields):
        problems += _text_problems(item, f"{where}/fields/{number}", 2000)
    return problems


def _text_problems(text: Any, where: str, limit: int, *, plain_only: bool = False) -> list[str]:
    if not isinstance(text, dict) or text.get("type") not in _TEXT_TYPES:
        return [f"must be a text object [json-pointer:{where}]"]
    if plain_only and text["type"] != "plain_text":
        return [f"must be plain_text [json-pointer:{where}/type]"]
    value = text.get("text")
    if not isinstance(value, str) or not value:
        return [f"must be more than 0 characters [json-pointer:{where}/text]"]
    if len(value) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{where}/text]"]
    return []


# --- HTTP ---------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets connections that arrive in a burst,
    # which Slack never does: a load test would count the stand-in's refusals as sitrep's.
    request_queue_size = 128
    stand_in: SlackStandIn


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one call per connection, as urllib makes them

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the calls are recorded instead, and headers may carry tokens."""

    def _handle(self) -> None:
        slack = self.server.stand_in
        url = urlsplit(self.path)
        if not url.path.startswith(("/api/", _RESPONSE_URL_PATH)):
            self._send(HTTPStatus.NOT_FOUND, {"ok": False, "error": "unknown_method"})
            return
        method = url.path.removeprefix("/api/")
        headers = {name.lower(): value for name, value in self.headers.items()}
        if url.path.startswith(_RESPONSE_URL_PATH):
            self._response_url(slack, url.path.removeprefix(_RESPONSE_URL_PATH), headers)
            return
        args = {**dict(parse_qsl(url.query)), **self._body_args(headers)}
        for name in _JSON_FIELDS:
            if isinstance(args.get(name), str):
                # Left as sent when it is not JSON; the method then answers as Slack would.
                with suppress(json.JSONDecodeError):
                    args[name] = json.loads(args[name])
        fault = slack._take_fault(method)
        if fault is None:
            self._send(HTTPStatus.OK, slack._answer(method, args, headers))
            return
        slack._record(RecordedCall(method, args, headers, fault.label))
        self._misbehave(slack, fault, method, args, headers)

    def _response_url(self, slack: SlackStandIn, name: str, headers: dict[str, str]) -> None:
        """A POST to a response_url: JSON in, plain "ok" out, as Slack answers."""
        payload = self._body_args(headers) if self.command == "POST" else {}
        fault = slack._take_fault("response_url")
        label = "ok" if fault is None else fault.label
        slack._record(RecordedCall("response_url", {"name": name, **payload}, headers, label))
        if fault is not None and fault.error is None:
            self._misbehave(slack, fault, "response_url", payload, headers)
            return
        if fault is None:
            message = ResponseUrlMessage(
                name=name,
                text=str(payload.get("text") or ""),
                blocks=tuple(payload.get("blocks") or ()),
                response_type=payload.get("response_type"),
                replace_original=payload.get("replace_original"),
                payload=payload,
            )
            with slack._lock:
                slack._state.responses.append(message)
        data = (fault.error if fault is not None and fault.error else "ok").encode()
        status = HTTPStatus.OK if fault is None else HTTPStatus.NOT_FOUND
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _misbehave(
        self,
        slack: SlackStandIn,
        fault: _Fault,
        method: str,
        args: dict[str, Any],
        headers: dict[str, str],
    ) -> None:
        if fault.processed:
            slack._answer(method, args, headers, record=False)
        if fault.hang_seconds or fault.close:
            slack._wait(fault.hang_seconds)
            self.close_connection = True  # hang up without a word
            return
        if fault.error is not None:
            self._send(HTTPStatus.OK, {"ok": False, "error": fault.error})
            return
        extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        code = "ratelimited" if fault.status == 429 else "fatal_error"
        self._send(fault.status, {"ok": False, "error": code}, extra)

    def _body_args(self, headers: Mapping[str, str]) -> dict[str, Any]:
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        kind = headers.get("content-type", "")
        if kind.startswith("application/json"):
            parsed = json.loads(raw.decode("utf-8"))
            return parsed if isinstance(parsed, dict) else {}
        if kind.startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(raw.decode("utf-8")))
        return {}  # multipart uploads: not used by sitrep

    def _send(
        self, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up first (it timed out): nothing to tell it


# --- Requests as Slack sends them ------------------------------------------------


@dataclass
class SlackRequests:
    """Slash commands, events and button clicks as Slack sends them to an app: bodies and
    headers signed with the signing secret (X-Slack-Signature v0), so the app's request
    verification stays on for the tests and the local shell workspace alike."""

    signing_secret: str
    team_id: str = "T0SITREP"
    api_app_id: str = "A0SITREP"
    bot_user_id: str = "U0SITREP"
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def signature(self, body: str, timestamp: str) -> str:
        base = f"v0:{timestamp}:{body}".encode()
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()

    def headers(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        retry: int | None = None,
    ) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": self.signature(body, stamp),
        }
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return headers

    def command_body(
        self, command: str, text: str, *, user: str, channel: str, response_url: str
    ) -> str:
        return urlencode(
            {
                "token": "unused",
                "team_id": self.team_id,
                "team_domain": "sitrep",
                "channel_id": channel,
                "channel_name": channel.lower(),
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "response_url": response_url,
                "trigger_id": f"{next(self._numbers)}.1.1",
                "api_app_id": self.api_app_id,
            }
        )

    def event_body(self, event: dict[str, Any], *, event_id: str | None = None) -> str:
        number = next(self._numbers)
        return json.dumps(
            {
                "token": "unused",
                "team_id": self.team_id,
                "api_app_id": self.api_app_id,
                "type": "event_callback",
                "event_id": event_id or f"Ev{number:08d}",
                "event_time": int(time.time()),
                "event": {"channel_type": "channel", **event},
                "authorizations": [
                    {"team_id": self.team_id, "user_id": self.bot_user_id, "is_bot": True}
                ],
            }
        )

    def action_body(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str,
        response_url: str,
        block_id: str = "b",
    ) -> str:
        payload = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "sitrep"},
            "user": {"id": user, "team_id": self.team_id},
            "api_app_id": self.api_app_id,
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
            "channel": {"id": channel, "name": channel.lower()},
            "trigger_id": f"{next(self._numbers)}.1.1",
            "response_url": response_url,
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": block_id, "value": value}
            ],
        }
        return urlencode({"payload": json.dumps(payload)})
