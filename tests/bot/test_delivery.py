"""Delivery, end to end: slack_sdk's client over real HTTP to the Slack stand-in on
127.0.0.1, and the store on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from slack_sdk import WebClient

from bot.delivery import (
    DIGEST_EVENT_TYPE,
    REPLY_EVENT_TYPE,
    Deliverer,
    DeliveryRefused,
    DeliveryResult,
)
from bot.slack_client import make_web_client
from digests.messages import RenderedDigest, SlackMessage
from digests.settings import Settings
from digests.store.engine import Store, open_store
from digests.store.models import Schedule, utc_now
from digests.store.runs import (
    FAILED,
    PENDING,
    POSTED,
    POSTING,
    RunRecord,
    claim_run,
    get_run,
    mark_posting,
    record_main_posted,
    record_reply_posted,
)
from digests.testing import SlackStandIn

TEAM = "T0SITREP"
CHANNEL = "C0DIGEST"
PERIOD = "2026-03-02T09:00"
KEY = f"{TEAM}:{CHANNEL}:{PERIOD}"
PERSON = "U0PERSON"
HEADER = {"type": "header", "text": {"type": "plain_text", "text": "Digest: TTP, BLA"}}
DIGEST = RenderedDigest(
    main=SlackMessage(
        "Digest: TTP, BLA — 3 claims",
        (HEADER, {"type": "section", "text": {"type": "mrkdwn", "text": "*TTP* ~6,000"}}),
    ),
    thread=(
        SlackMessage("Contested: the Taliban dismiss the UN report as propaganda"),
        SlackMessage("Sources: Dawn, UN Monitoring Team"),
        SlackMessage("Reply in this thread to ask"),
    ),
)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(channels=[CHANNEL]) as stand_in:
        yield stand_in


def settings_for(slack: SlackStandIn) -> Settings:
    return Settings(
        slack_api_base_url=slack.base_url,
        slack_bot_token=SecretStr(slack.token or ""),
        slack_max_attempts=3,
        slack_timeout_seconds=0.5,
    )


def client_for(slack: SlackStandIn) -> WebClient:
    return make_web_client(settings_for(slack), backoff_seconds=0.02)


@pytest.fixture
def deliverer(store: Store, slack: SlackStandIn) -> Deliverer:
    return Deliverer(store, client_for(slack))


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    """For what does not depend on the database (the `store` fixture covers both)."""
    opened = open_store(sqlite_url)
    yield opened
    opened.close()


def deliver(deliverer: Deliverer, period: str = PERIOD) -> DeliveryResult:
    return deliverer.deliver(TEAM, CHANNEL, period, DIGEST, window_end=utc_now())


def main_messages(slack: SlackStandIn) -> list[str]:
    return [message.ts for message in slack.top_level(CHANNEL)]


def run_of(store: Store, result: DeliveryResult) -> RunRecord:
    assert result.run_id is not None
    run = get_run(store, result.run_id)
    assert run is not None
    return run


def add_schedule(store: Store) -> None:
    with store.session(write=True) as session:
        session.add(Schedule(team_id=TEAM, channel_id=CHANNEL, cron="0 9 * * *"))


def schedule(store: Store) -> tuple[bool, str | None]:
    with store.session() as session:
        row = session.query(Schedule).filter_by(channel_id=CHANNEL).one()
        return row.paused, row.pause_reason


def assert_posted_once(slack: SlackStandIn, run: RunRecord) -> None:
    """One main message for the run, and each thread reply once, in order, in its thread."""
    [main] = [m for m in slack.top_level(CHANNEL) if m.user == slack.bot_user_id]
    assert (run.status, run.ts, run.replies_posted) == (POSTED, main.ts, len(DIGEST.thread))
    assert main.metadata == tag(run)
    thread = slack.thread(CHANNEL, main.ts)
    assert [reply.text for reply in thread] == [reply.text for reply in DIGEST.thread]
    assert [reply.metadata["event_payload"]["index"] for reply in thread] == [0, 1, 2]  # type: ignore[index]


def test_a_digest_is_posted_once_with_metadata_unfurls_off_and_replies_in_its_thread(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    result = deliver(deliverer)
    assert result.status == "posted" and result.error is None
    run = run_of(store, result)
    assert run.ts == result.ts and run.key == KEY
    assert_posted_once(slack, run)
    assert all(m.unfurl_links is False and m.unfurl_media is False for m in slack.posted(CHANNEL))
    assert slack.top_level(CHANNEL)[0].blocks == DIGEST.main.blocks
    assert all(m.metadata["event_type"] == REPLY_EVENT_TYPE for m in slack.thread(CHANNEL, run.ts))  # type: ignore[arg-type,index]

    again = deliver(deliverer)
    assert (again.status, again.run_id, again.ts) == ("already_claimed", run.id, run.ts)
    assert len(slack.posted(CHANNEL)) == 4


def test_rate_limited_then_posted_once(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    result = deliver(deliverer)
    assert result.status == "posted"
    assert_posted_once(slack, run_of(store, result))
    assert [call.answer for call in slack.calls_to("chat.postMessage")][:2] == ["status:429", "ok"]


def test_server_errors_then_posted_once(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    slack.fail_next("chat.postMessage", times=2, status=500)
    slack.fail_next("chat.postMessage", status=502, after=1)  # on a thread reply too
    result = deliver(deliverer)
    assert result.status == "posted"
    assert_posted_once(slack, run_of(store, result))


def test_a_hang_past_the_timeout_then_posted_once(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    slack.hang_next("chat.postMessage", seconds=1.0)
    result = deliver(deliverer)
    assert result.status == "posted"
    assert_posted_once(slack, run_of(store, result))


@pytest.mark.parametrize("lost", ["hang", "close"])
def test_a_post_whose_answer_was_lost_is_not_posted_again(
    store: Store, slack: SlackStandIn, deliverer: Deliverer, lost: str
) -> None:
    # Slack posted it but the answer never came: a blind retry would post it twice.
    if lost == "hang":
        slack.hang_next("chat.postMessage", seconds=1.0, processed=True)
        slack.hang_next("chat.postMessage", seconds=1.0, processed=True, after=1)  # a reply
    else:
        slack.close_next("chat.postMessage", processed=True)
        slack.close_next("chat.postMessage", processed=True, after=1)
    result = deliver(deliverer)
    assert result.status == "posted"
    assert_posted_once(slack, run_of(store, result))


def test_retries_run_out_and_the_run_waits_for_recovery(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    slack.fail_next("chat.postMessage", times=3, status=503)  # slack_max_attempts is 3
    kept = deliver(deliverer)
    assert kept.status == "retry_later"
    assert kept.error is not None and "503" in kept.error
    run = run_of(store, kept)
    assert (run.status, run.attempts, run.error, run.ts) == (POSTING, 1, kept.error, None)
    assert main_messages(slack) == []
    assert deliver(deliverer).status == "already_claimed"  # the clock firing again

    [recovered] = deliverer.recover()
    assert (recovered.status, recovered.run_id) == ("posted", run.id)
    run = run_of(store, recovered)
    assert run.attempts == 2 and run.error is None
    assert_posted_once(slack, run)
    assert deliverer.recover() == []


def test_dropped_connections_run_out_then_recovery_posts_once(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    slack.close_next("conversations.history", times=3)
    slack.close_next("chat.postMessage", times=3)
    kept = deliver(deliverer)
    assert kept.status == "retry_later"
    assert run_of(store, kept).status == POSTING
    [recovered] = deliverer.recover()
    assert recovered.status == "posted"
    assert_posted_once(slack, run_of(store, recovered))


def test_a_failure_mid_thread_resumes_the_thread_without_repeating(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    slack.fail_next("chat.postMessage", times=3, status=503, after=2)  # the second reply
    kept = deliver(deliverer)
    assert kept.status == "retry_later"
    run = run_of(store, kept)
    assert (run.status, run.replies_posted) == (POSTING, 1)
    assert run.ts is not None
    [recovered] = deliverer.recover()
    assert recovered.status == "posted"
    assert_posted_once(slack, run_of(store, recovered))


def test_a_permanent_error_fails_the_run_and_pauses_the_channel(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    assert_fails_and_pauses(store, slack, deliverer, "channel_not_found")


@pytest.mark.parametrize(
    "error", ["not_in_channel", "is_archived", "invalid_auth", "token_revoked", "missing_scope"]
)
def test_every_permanent_error_fails_and_pauses(
    sqlite_store: Store, slack: SlackStandIn, error: str
) -> None:
    assert_fails_and_pauses(sqlite_store, slack, Deliverer(sqlite_store, client_for(slack)), error)


def assert_fails_and_pauses(
    store: Store, slack: SlackStandIn, deliverer: Deliverer, error: str
) -> None:
    add_schedule(store)
    slack.fail_next("chat.postMessage", error=error)
    result = deliver(deliverer)
    assert result.status == "failed"
    assert result.error is not None and result.error.startswith(f"{error}: ")
    assert "/digest resume" in result.error
    run = run_of(store, result)
    assert (run.status, run.error) == (FAILED, result.error)
    assert schedule(store) == (True, result.error)
    assert main_messages(slack) == []
    assert deliverer.recover() == []  # a failed run waits for a person, not a retry


def test_resend_after_fixing_posts_once_and_a_posted_run_is_refused(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    add_schedule(store)
    slack.fail_next("chat.postMessage", error="not_in_channel")
    failed = deliver(deliverer)
    assert failed.status == "failed"
    # Someone invites sitrep to the channel, then resends.
    resent = deliverer.resend(failed.run_id)  # type: ignore[arg-type]
    assert (resent.status, resent.run_id) == ("posted", failed.run_id)
    assert_posted_once(slack, run_of(store, resent))
    with pytest.raises(DeliveryRefused, match="already posted"):
        deliverer.resend(failed.run_id)  # type: ignore[arg-type]
    with pytest.raises(DeliveryRefused, match="no digest run 999"):
        deliverer.resend(999)
    assert len(slack.posted(CHANNEL)) == 4


def test_a_refused_message_fails_without_pausing_the_channel(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    add_schedule(store)
    too_many = RenderedDigest(main=SlackMessage("long", (HEADER,) * 51))
    result = deliverer.deliver(TEAM, CHANNEL, PERIOD, too_many)
    assert result.status == "failed"
    assert result.error == "Slack refused the digest: invalid_blocks"
    assert schedule(store) == (False, None)


def test_deliverers_racing_for_one_run_post_it_once(store_url: str, slack: SlackStandIn) -> None:
    deliverers = [Deliverer(open_store(store_url), client_for(slack)) for _ in range(4)]
    barrier = threading.Barrier(len(deliverers))
    results: list[DeliveryResult] = []

    def race(own: Deliverer) -> None:
        barrier.wait()
        results.append(deliver(own))

    threads = [threading.Thread(target=race, args=(own,)) for own in deliverers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result.status for result in results) == ["already_claimed"] * 3 + ["posted"]
    assert len({result.run_id for result in results}) == 1
    assert_posted_once(slack, run_of(deliverers[0].store, results[0]))
    for own in deliverers:
        own.store.close()


def crashed_run(store: Store, *, minutes_ago: int = 60) -> RunRecord:
    """A run whose process died after marking it posting, `minutes_ago`."""
    then = utc_now() - timedelta(minutes=minutes_ago)
    claimed = claim_run(
        store,
        TEAM,
        CHANNEL,
        PERIOD,
        trigger="scheduled",
        window_start=None,
        window_end=then,
        message=DIGEST,
        now=then,
    )
    assert claimed is not None
    assert mark_posting(store, claimed.run.id, attempt=claimed.attempt, now=then)
    run = get_run(store, claimed.run.id)
    assert run is not None
    return run


def tag(run: RunRecord, index: int | None = None) -> dict[str, object]:
    payload: dict[str, object] = {"run_key": run.key, "run_id": run.id}
    if index is None:
        return {"event_type": DIGEST_EVENT_TYPE, "event_payload": payload}
    return {"event_type": REPLY_EVENT_TYPE, "event_payload": payload | {"index": index}}


def test_recovery_finds_a_post_made_before_the_crash_and_does_not_repeat_it(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    run = crashed_run(store)
    slack.add_message(CHANNEL, "chatter", user=PERSON)
    posted = slack.add_message(CHANNEL, DIGEST.main.text, metadata=tag(run))
    slack.add_message(CHANNEL, "more chatter", user=PERSON)

    [recovered] = deliverer.recover()
    assert (recovered.status, recovered.ts) == ("posted", posted.ts)
    assert [m.ts for m in slack.top_level(CHANNEL) if m.metadata] == [posted.ts]
    assert len(slack.thread(CHANNEL, posted.ts)) == len(DIGEST.thread)
    history = slack.calls_to("conversations.history")[0].args
    assert history["include_all_metadata"] in ("1", "true", True)


def test_recovery_posts_once_when_the_crash_came_before_the_post(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    run = crashed_run(store)
    other = claim_run(
        store,
        TEAM,
        CHANNEL,
        "another period",
        trigger="scheduled",
        window_start=None,
        window_end=None,
        message=DIGEST,
    )
    assert other is not None  # held by a live deliverer: left alone
    slack.add_message(
        CHANNEL,
        "another app's message",
        metadata=tag(run) | {"event_type": "other_app"},
        user="U0OTHERAPP",
    )

    [recovered] = deliverer.recover()
    assert (recovered.status, recovered.run_id) == ("posted", run.id)
    assert_posted_once(slack, run_of(store, recovered))


def test_recovery_resumes_a_thread_cut_short_by_a_crash(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    run = crashed_run(store)
    then = utc_now() - timedelta(minutes=59)
    main = slack.add_message(CHANNEL, DIGEST.main.text, metadata=tag(run))
    record_main_posted(store, run.id, main.ts, attempt=run.attempts, now=then)
    for index in range(2):  # the second reply went out but the crash beat its record
        slack.add_message(
            CHANNEL, DIGEST.thread[index].text, thread_ts=main.ts, metadata=tag(run, index)
        )
    record_reply_posted(store, run.id, 1, attempt=run.attempts, now=then)

    [recovered] = deliverer.recover()
    assert recovered.status == "posted"
    assert slack.calls_to("conversations.history") == []  # the ts was known
    assert [m.text for m in slack.thread(CHANNEL, main.ts)] == [m.text for m in DIGEST.thread]
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_recovery_leaves_runs_held_by_a_live_deliverer(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    run = crashed_run(store, minutes_ago=2)  # within the 10-minute lease
    assert deliverer.recover() == []
    assert main_messages(slack) == []
    assert run_of(store, DeliveryResult("posted", run.id)).status == POSTING
    later = Deliverer(store, deliverer.client, now=lambda: utc_now() + timedelta(minutes=9))
    assert [result.status for result in later.recover()] == ["posted"]


def test_recoverers_racing_for_a_crashed_run_post_it_once(
    store_url: str, slack: SlackStandIn
) -> None:
    setup = open_store(store_url)
    run = crashed_run(setup)
    setup.close()
    deliverers = [Deliverer(open_store(store_url), client_for(slack)) for _ in range(3)]
    barrier = threading.Barrier(len(deliverers))
    results: list[DeliveryResult] = []

    def race(own: Deliverer) -> None:
        barrier.wait()
        results.extend(own.recover())

    threads = [threading.Thread(target=race, args=(own,)) for own in deliverers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [result.status for result in results] == ["posted"]
    assert_posted_once(slack, run_of(deliverers[0].store, results[0]))
    assert run_of(deliverers[0].store, results[0]).id == run.id
    for own in deliverers:
        own.store.close()


def test_resend_of_a_run_left_pending_checks_nothing_is_lost(
    store: Store, slack: SlackStandIn, deliverer: Deliverer
) -> None:
    run = crashed_run(store)
    assert run.status == POSTING
    resent = deliverer.resend(run.id)
    assert resent.status == "posted"
    assert_posted_once(slack, run_of(store, resent))
    assert run_of(store, resent).status != PENDING


def test_the_client_honours_the_settings(slack: SlackStandIn) -> None:
    settings = settings_for(slack)
    client = make_web_client(settings)
    assert client.base_url == slack.base_url
    assert client.timeout == 0.5
    assert client.token == slack.token
    assert [handler.max_retry_count for handler in client.retry_handlers] == [2, 2, 2]
    assert client.auth_test()["ok"]


def test_the_token_is_never_logged(
    sqlite_store: Store, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.fail_next("chat.postMessage", status=500)
    slack.fail_next("chat.postMessage", error="invalid_auth", after=1)
    deliver(Deliverer(sqlite_store, client_for(slack)))
    assert "invalid_auth" in caplog.text
    assert slack.token and slack.token not in caplog.text
