"""The Slack stand-in, reached over real HTTP by slack_sdk's own client."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from digests.testing import SlackStandIn, StandInUser, block_kit_problems

CHANNEL = "C0DIGEST"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    users = [StandInUser("U0ADMIN", "ayesha", is_admin=True), StandInUser("U0READER", "bilal")]
    with SlackStandIn(channels=[CHANNEL, "C0OTHER"], users=users) as stand_in:
        yield stand_in


def raw_client(slack: SlackStandIn, *, token: str | None = None, timeout: float = 5) -> WebClient:
    """A client without retries, so each misbehaviour reaches the test as it is."""
    return WebClient(
        token=token or slack.token,
        base_url=slack.base_url,
        timeout=timeout,  # type: ignore[arg-type]
        retry_handlers=[],
    )


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def slack_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def test_serves_on_localhost_under_api(slack: SlackStandIn) -> None:
    assert slack.base_url.startswith("http://127.0.0.1:")
    assert slack.base_url.endswith("/api/")
    assert raw_client(slack).auth_test()["user_id"] == slack.bot_user_id


def test_base_url_needs_a_running_stand_in() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        _ = SlackStandIn().base_url


def test_post_message_answers_like_slack_and_is_recorded(slack: SlackStandIn) -> None:
    client = raw_client(slack)
    first = client.chat_postMessage(channel=CHANNEL, text="one", blocks=[section("*one*")])
    second = client.chat_postMessage(channel=CHANNEL, text="two", unfurl_links=False)
    assert first["ok"] and first["channel"] == CHANNEL
    assert first["message"]["text"] == "one"
    assert first["message"]["bot_id"] == slack.bot_id
    assert float(second["ts"]) > float(first["ts"])
    assert [m.text for m in slack.posted(CHANNEL)] == ["one", "two"]
    assert slack.posted(CHANNEL)[0].blocks == (section("*one*"),)
    assert slack.posted(CHANNEL)[1].unfurl_links is False
    call = slack.calls_to("chat.postMessage")[0]
    assert call.args["channel"] == CHANNEL
    assert call.headers["authorization"] == f"Bearer {slack.token}"
    assert call.answer == "ok"


def test_ts_follow_a_fixed_start_when_given() -> None:
    with SlackStandIn(first_ts=1700000000.0001) as slack:
        client = raw_client(slack)
        tss = [client.chat_postMessage(channel="C1", text=str(n))["ts"] for n in range(3)]
    assert tss == ["1700000000.000100", "1700000000.000200", "1700000000.000300"]


def test_auth_needs_the_bearer_token(slack: SlackStandIn) -> None:
    wrong = slack_error(lambda: raw_client(slack, token="xoxb-wrong").auth_test())
    assert wrong.response["error"] == "invalid_auth"
    anonymous = WebClient(base_url=slack.base_url, retry_handlers=[])
    assert slack_error(anonymous.auth_test).response["error"] == "not_authed"


def test_any_token_is_accepted_when_none_is_configured() -> None:
    with SlackStandIn(token=None) as slack:
        assert raw_client(slack, token="xoxb-anything").auth_test()["ok"]


def test_unknown_and_archived_channels_are_refused(slack: SlackStandIn) -> None:
    client = raw_client(slack)
    unknown = slack_error(lambda: client.chat_postMessage(channel="C0NOWHERE", text="x"))
    assert unknown.response["error"] == "channel_not_found"
    slack.archive_channel("C0OTHER")
    archived = slack_error(lambda: client.chat_postMessage(channel="C0OTHER", text="x"))
    assert archived.response["error"] == "is_archived"
    slack.add_channel("C0OTHER")
    assert client.chat_postMessage(channel="C0OTHER", text="back")["ok"]
    assert slack.calls_to("chat.postMessage")[0].answer == "error:channel_not_found"


def test_history_is_newest_first_without_replies_and_metadata_on_request(
    slack: SlackStandIn,
) -> None:
    client = raw_client(slack)
    tagged = {"event_type": "sitrep_digest", "event_payload": {"run_key": "k"}}
    parent = client.chat_postMessage(channel=CHANNEL, text="digest", metadata=tagged)["ts"]
    client.chat_postMessage(channel=CHANNEL, text="detail", thread_ts=parent)
    client.chat_postMessage(channel=CHANNEL, text="later")

    plain = client.conversations_history(channel=CHANNEL)["messages"]
    assert [m["text"] for m in plain] == ["later", "digest"]
    assert "metadata" not in plain[1]
    assert plain[1]["reply_count"] == 1

    full = client.conversations_history(channel=CHANNEL, include_all_metadata=True)
    assert full["messages"][1]["metadata"] == tagged

    newer = client.conversations_history(channel=CHANNEL, oldest=parent)["messages"]
    assert [m["text"] for m in newer] == ["later"]


def test_history_pages_with_a_cursor(slack: SlackStandIn) -> None:
    client = raw_client(slack)
    for n in range(5):
        client.chat_postMessage(channel=CHANNEL, text=f"m{n}")
    first = client.conversations_history(channel=CHANNEL, limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"]
    assert first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel=CHANNEL, limit=10, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1", "m0"]
    assert not rest["has_more"]


def test_replies_list_the_thread_oldest_first(slack: SlackStandIn) -> None:
    client = raw_client(slack)
    parent = client.chat_postMessage(channel=CHANNEL, text="digest")["ts"]
    for n in range(2):
        client.chat_postMessage(channel=CHANNEL, text=f"reply {n}", thread_ts=parent)
    replies = client.conversations_replies(channel=CHANNEL, ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["digest", "reply 0", "reply 1"]
    assert [m.text for m in slack.thread(CHANNEL, parent)] == ["reply 0", "reply 1"]
    assert [m.text for m in slack.top_level(CHANNEL)] == ["digest"]
    missing = slack_error(lambda: client.conversations_replies(channel=CHANNEL, ts="1.000001"))
    assert missing.response["error"] == "thread_not_found"


def test_update_ephemeral_users_and_home(slack: SlackStandIn) -> None:
    client = raw_client(slack)
    ts = client.chat_postMessage(channel=CHANNEL, text="draft")["ts"]
    assert client.chat_update(channel=CHANNEL, ts=ts, text="final")["text"] == "final"
    assert [(m.text, m.edited) for m in slack.posted(CHANNEL)] == [("final", True)]
    gone = slack_error(lambda: client.chat_update(channel=CHANNEL, ts="1.000001", text="x"))
    assert gone.response["error"] == "message_not_found"

    assert client.chat_postEphemeral(channel=CHANNEL, user="U0READER", text="only you")["ok"]
    assert [m.text for m in slack.ephemeral(CHANNEL)] == ["only you"]

    admin = client.users_info(user="U0ADMIN")["user"]
    assert (admin["is_admin"], admin["is_owner"], admin["name"]) == (True, False, "ayesha")
    assert slack_error(lambda: client.users_info(user="U0NOBODY")).response["error"] == (
        "user_not_found"
    )
    assert slack.calls_to("users.info")[0].args == {"user": "U0ADMIN"}

    view = {"type": "home", "blocks": [section("Welcome")]}
    assert client.views_publish(user_id="U0READER", view=view)["view"]["type"] == "home"
    home = slack.home_view("U0READER")
    assert home is not None and home["blocks"] == [section("Welcome")]


def test_unknown_methods_are_refused(slack: SlackStandIn) -> None:
    error = slack_error(lambda: raw_client(slack).api_call("chat.sendCarrierPigeon"))
    assert error.response["error"] == "unknown_method"


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x")] * 51, "/blocks]"),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "/blocks/0"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}], "/blocks/0/text"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "fields"),
        ([{"type": "context", "elements": []}], "/blocks/0/elements"),
        ([{"type": "banner"}], "/blocks/0/type"),
        ([section("a") | {"block_id": "b"}, section("c") | {"block_id": "b"}], "block_id"),
    ],
)
def test_blocks_beyond_block_kit_limits_are_refused(
    slack: SlackStandIn, blocks: list[dict[str, Any]], pointer: str
) -> None:
    error = slack_error(
        lambda: raw_client(slack).chat_postMessage(channel=CHANNEL, text="t", blocks=blocks)
    )
    assert error.response["error"] == "invalid_blocks"
    assert any(pointer in problem for problem in error.response["errors"])
    assert slack.posted(CHANNEL) == []


def test_blocks_within_limits_pass() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Digest"}},
        section("x" * 3000),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "sources"}]},
        {"type": "divider"},
    ] + [section("line")] * 46
    assert block_kit_problems(blocks) == []


def test_blocks_without_a_text_fallback_are_posted_with_a_warning(slack: SlackStandIn) -> None:
    with pytest.warns(UserWarning):  # slack_sdk warns too
        raw_client(slack).chat_postMessage(channel=CHANNEL, blocks=[section("no fallback")])
    assert len(slack.posted(CHANNEL)) == 1
    assert any("missing_text" in warning for warning in slack.warnings)


def test_rate_limit_answers_429_with_retry_after(slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=7)
    error = slack_error(lambda: raw_client(slack).chat_postMessage(channel=CHANNEL, text="x"))
    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert error.response.headers["Retry-After"] == "7"
    assert slack.calls_to("chat.postMessage")[0].answer == "status:429"
    assert slack.posted(CHANNEL) == []


def test_failures_are_counted_per_method_and_then_it_behaves(slack: SlackStandIn) -> None:
    client = raw_client(slack)
    slack.fail_next("chat.postMessage", times=2, status=500)
    assert client.auth_test()["ok"]  # other methods are not affected
    for _ in range(2):
        error = slack_error(lambda: client.chat_postMessage(channel=CHANNEL, text="x"))
        assert error.response.status_code == 500
    assert client.chat_postMessage(channel=CHANNEL, text="x")["ok"]


def test_slack_errors_and_letting_calls_through_first(slack: SlackStandIn) -> None:
    client = raw_client(slack)
    slack.fail_next("chat.postMessage", error="not_in_channel", after=1)
    assert client.chat_postMessage(channel=CHANNEL, text="first")["ok"]
    error = slack_error(lambda: client.chat_postMessage(channel=CHANNEL, text="second"))
    assert (error.response.status_code, error.response["error"]) == (200, "not_in_channel")
    assert [m.text for m in slack.posted(CHANNEL)] == ["first"]


def test_hang_outlasts_the_client_timeout(slack: SlackStandIn) -> None:
    slack.hang_next("chat.postMessage", seconds=1.0)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        raw_client(slack, timeout=0.2).chat_postMessage(channel=CHANNEL, text="lost")
    assert time.monotonic() - started < 0.9
    assert slack.calls_to("chat.postMessage")[0].answer == "hang"


def test_a_processed_hang_posts_but_the_answer_is_lost(slack: SlackStandIn) -> None:
    slack.hang_next("chat.postMessage", seconds=1.0, processed=True)
    with pytest.raises(TimeoutError):
        raw_client(slack, timeout=0.2).chat_postMessage(channel=CHANNEL, text="posted anyway")
    # The client gave up; the stand-in still posts (on a busy machine, a moment later).
    deadline = time.monotonic() + 5
    while not slack.posted(CHANNEL) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [m.text for m in slack.posted(CHANNEL)] == ["posted anyway"]


def test_closed_connection(slack: SlackStandIn) -> None:
    slack.close_next("chat.postMessage")
    slack.close_next("chat.postMessage", processed=True)
    for _ in range(2):
        with pytest.raises(RemoteDisconnected):
            raw_client(slack).chat_postMessage(channel=CHANNEL, text="x")
    assert len(slack.posted(CHANNEL)) == 1  # only the processed one


def test_fault_arguments_are_checked(slack: SlackStandIn) -> None:
    with pytest.raises(ValueError, match="either"):
        slack.fail_next("chat.postMessage")
    with pytest.raises(ValueError, match="HTTP error"):
        slack.fail_next("chat.postMessage", status=200)
    with pytest.raises(ValueError, match="times"):
        slack.close_next("chat.postMessage", times=0)


def test_many_threads_get_distinct_increasing_ts(slack: SlackStandIn) -> None:
    results: list[str] = []
    lock = threading.Lock()

    def post(worker: int) -> None:
        client = raw_client(slack)
        for n in range(10):
            ts = client.chat_postMessage(channel=CHANNEL, text=f"{worker}-{n}")["ts"]
            with lock:
                results.append(ts)

    threads = [threading.Thread(target=post, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 80
    stored = [m.ts for m in slack.posted(CHANNEL)]
    assert stored == sorted(stored, key=float) and len(stored) == 80


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_fixed_port_refuses_connections_while_stopped_then_answers_again() -> None:
    port = _free_port()
    slack = SlackStandIn(channels=[CHANNEL], port=port)
    assert slack.base_url == f"http://127.0.0.1:{port}/api/"  # known before it starts
    with slack:
        assert slack.port == port
        client = raw_client(slack)
        before = client.chat_postMessage(channel=CHANNEL, text="before")["ts"]
        slack.stop()
        assert slack.base_url == f"http://127.0.0.1:{port}/api/"
        with pytest.raises(URLError) as refused:
            client.chat_postMessage(channel=CHANNEL, text="while stopped")
        assert isinstance(refused.value.reason, ConnectionRefusedError)
        slack.start()
        after = client.chat_postMessage(channel=CHANNEL, text="after")["ts"]
        assert float(after) > float(before)
        history = client.conversations_history(channel=CHANNEL)["messages"]
        assert [m["text"] for m in history] == ["after", "before"]  # kept across the stop
    assert [call.answer for call in slack.calls_to("chat.postMessage")] == ["ok", "ok"]


def test_port_zero_takes_any_free_port_and_bad_ports_are_refused() -> None:
    with SlackStandIn() as slack:
        assert slack.port > 0 and slack.base_url == f"http://127.0.0.1:{slack.port}/api/"
    with pytest.raises(RuntimeError, match="not running"):
        _ = slack.port
    with pytest.raises(ValueError, match="port"):
        SlackStandIn(port=70000)
