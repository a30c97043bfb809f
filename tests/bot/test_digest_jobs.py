"""Posting digests from the command line and the scheduler, against the local Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.cli
from bot.digest_jobs import manual_period, scheduled_digests, start_clock
from bot.slack_client import make_web_client
from digests.schedules import period_key
from digests.settings import load_settings
from digests.store.engine import open_store
from digests.store.runs import recent_runs
from digests.store.schedules import add_or_update_schedule, get_schedule
from digests.testing import SlackStandIn

BRIEF = (
    "Foreign Office spokesperson Shafqat Ali Khan said the TTP and BLA are operating from "
    "Afghan soil. The Taliban dismissed the claims as propaganda."
)


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackStandIn]:
    with SlackStandIn(channels=["C0DESK"]) as stand_in:
        monkeypatch.setenv("SLACK_BOT_TOKEN", stand_in.token or "")
        monkeypatch.setenv("SLACK_API_BASE_URL", stand_in.base_url)
        monkeypatch.setenv("SITREP_SLACK_MAX_ATTEMPTS", "2")
        yield stand_in


@pytest.fixture
def ingested(sitrep, tmp_path: Path) -> None:
    (tmp_path / "brief.txt").write_text(BRIEF)
    assert sitrep("ingest", str(tmp_path))[0] == 0


def test_digest_now_posts_once_per_minute(
    sitrep, slack: SlackStandIn, ingested: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every command of this test falls in one minute, whenever it runs.
    monkeypatch.setattr(bot.cli, "manual_period", lambda now: "manual-2026-11-29T08:00Z")
    code, out, _ = sitrep("digest", "--channel", "C0DESK")
    assert code == 0
    assert out.startswith("posted the digest of C0DESK (run 1, ts ")
    [message] = slack.top_level("C0DESK")
    assert message.blocks[0]["type"] == "header"
    assert "Shafqat Ali Khan" in str(message.blocks)
    assert message.metadata is not None
    assert message.metadata["event_type"] == "sitrep_digest"
    call = slack.calls_to("chat.postMessage")[0]
    assert call.args.get("unfurl_links") in (False, "false", "0")
    # Again at once: the window starts where the digest ended, so there is nothing new.
    code, out, _ = sitrep("digest", "--channel", "C0DESK")
    assert (code, out.strip()) == (0, "nothing new for C0DESK: no digest posted")
    # Something new within the same minute: still one digest (a retried or doubled command).
    (tmp_path / "later.txt").write_text("Police said the BLA attacked a convoy in Kech.")
    sitrep("ingest", str(tmp_path / "later.txt"))
    code, out, _ = sitrep("digest", "--channel", "C0DESK")
    assert code == 0
    assert "already posted" in out
    assert len(slack.top_level("C0DESK")) == 1
    code, out, _ = sitrep("runs")
    assert "C0DESK" in out
    assert " posted " in out


def test_a_permanent_error_fails_the_run_and_resend_posts_it(
    sitrep, slack: SlackStandIn, ingested: None
) -> None:
    sitrep("schedule", "add", "C0GONE", "daily 09:00")
    code, _, err = sitrep("digest", "--channel", "C0GONE")
    assert code == 1
    assert "was not posted (run 1): channel_not_found" in err
    assert slack.top_level("C0GONE") == []
    code, out, _ = sitrep("runs")
    assert "failed" in out
    code, out, _ = sitrep("status")
    assert "digest runs  1 (1 failed)" in out
    assert "failed: run 1 to C0GONE: channel_not_found" in out
    assert "sitrep digest --resend 1" in out
    # The channel's schedule is paused until someone fixes it, and status says why.
    assert "C0GONE  daily at 09:00 (UTC)  paused: channel_not_found" in out
    slack.add_channel("C0GONE")
    code, out, _ = sitrep("digest", "--resend", "1")
    assert code == 0
    assert len(slack.top_level("C0GONE")) == 1
    code, _, err = sitrep("digest", "--resend", "1")
    assert code == 2  # a posted run is not posted twice
    assert len(slack.top_level("C0GONE")) == 1


def test_posting_needs_a_token(sitrep, ingested: None) -> None:
    code, _, err = sitrep("digest", "--channel", "C0DESK")
    assert code == 2
    assert "set SLACK_BOT_TOKEN" in err


def test_nothing_new_posts_nothing(sitrep, slack: SlackStandIn) -> None:
    code, out, _ = sitrep("digest", "--channel", "C0DESK")
    assert code == 0
    assert out.strip() == "nothing new for C0DESK: no digest posted"
    assert slack.top_level("C0DESK") == []


def test_a_scheduled_time_is_posted_once_by_two_clocks(
    sitrep, slack: SlackStandIn, ingested: None
) -> None:
    settings = load_settings()
    first, second = open_store(settings.store_url), open_store(settings.store_url)
    try:
        add_or_update_schedule(first, "T0LOCAL", "C0DESK", "0 9 * * *", "UTC")
        spec = get_schedule(first, "T0LOCAL", "C0DESK")
        assert spec is not None
        due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        for store in (first, second):  # two clock processes firing for the same time
            scheduled_digests(store, settings, make_web_client(settings))(spec, due)
        assert len(slack.top_level("C0DESK")) == 1
        [run_record] = recent_runs(first)
        assert run_record.period == period_key(due)
        assert run_record.trigger == "scheduled"
        # The next window starts where this digest ended.
        assert run_record.window_end == due
    finally:
        first.close()
        second.close()


def test_manual_periods_are_per_minute() -> None:
    at = datetime(2026, 11, 29, 8, 15, 42, tzinfo=UTC)
    assert manual_period(at) == manual_period(at.replace(second=3))
    assert manual_period(at) != manual_period(at + timedelta(minutes=1))


def test_the_clock_lists_its_channels_beside_its_recovery_job(
    sitrep, slack: SlackStandIn, ingested: None
) -> None:
    settings = load_settings()
    store = open_store(settings.store_url)
    add_or_update_schedule(store, "T0LOCAL", "C0DESK", "0 9 * * *", "UTC")
    scheduler = start_clock(store, settings, make_web_client(settings))
    try:
        # The recovery pass runs in the same scheduler and is no channel's job.
        assert [(job.team_id, job.channel_id) for job in scheduler.jobs()] == [
            ("T0LOCAL", "C0DESK")
        ]
    finally:
        scheduler.shutdown(wait=False)
        store.close()


def test_a_digest_kept_through_an_outage_is_not_repeated_by_the_next_one(
    sitrep, slack: SlackStandIn, ingested: None
) -> None:
    settings = load_settings()
    store = open_store(settings.store_url)
    try:
        add_or_update_schedule(store, "T0LOCAL", "C0DESK", "0 9 * * *", "UTC")
        spec = get_schedule(store, "T0LOCAL", "C0DESK")
        assert spec is not None
        run = scheduled_digests(store, settings, make_web_client(settings))
        first = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        slack.fail_next("chat.postMessage", status=500, times=2)  # SITREP_SLACK_MAX_ATTEMPTS
        run(spec, first)
        assert slack.top_level("C0DESK") == []
        [kept] = recent_runs(store)
        assert kept.status in ("pending", "posting")  # kept to be posted when Slack answers
        # The next scheduled time: nothing arrived since the kept digest, so nothing new.
        run(spec, first + timedelta(minutes=1))
        assert [r.period for r in recent_runs(store)] == [kept.period]
    finally:
        store.close()
