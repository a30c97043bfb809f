"""Digest runs in the store: the outbox's claims, leases, fences and queries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from digests.messages import RenderedDigest, SlackMessage
from digests.store.engine import Store, open_store
from digests.store.models import Schedule
from digests.store.runs import (
    FAILED,
    PENDING,
    POSTED,
    POSTING,
    ClaimedRun,
    claim_run,
    covered_until,
    find_run_by_ts,
    get_run,
    get_run_by_key,
    latest_posted_run,
    mark_posting,
    recent_runs,
    reclaim_run,
    record_failed,
    record_main_posted,
    record_posted,
    record_reply_posted,
    record_retry_later,
    runs_needing_delivery,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DIGEST = RenderedDigest(
    main=SlackMessage("TTP and BLA: 3 claims", ({"type": "divider"},)),
    thread=(SlackMessage("Sources: Dawn"),),
)


def claim(
    store: Store, period: str = "2026-03-02", *, channel: str = "C1", now: datetime = NOW
) -> ClaimedRun:
    claimed = claim_run(
        store,
        "T1",
        channel,
        period,
        trigger="scheduled",
        window_start=now - timedelta(days=1),
        window_end=now,
        message=DIGEST,
        now=now,
    )
    assert claimed is not None
    return claimed


def add_schedule(store: Store, channel: str = "C1") -> None:
    with store.session(write=True) as session:
        session.add(Schedule(team_id="T1", channel_id=channel, cron="0 9 * * *"))


def schedule_of(store: Store, channel: str = "C1") -> Schedule:
    with store.session() as session:
        found = session.query(Schedule).filter_by(channel_id=channel).one()
        session.expunge(found)
        return found


def test_a_claim_writes_the_run_before_anything_is_posted(store: Store) -> None:
    claimed = claim(store)
    assert claimed.fresh and claimed.attempt == 1
    run = get_run(store, claimed.run.id)
    assert run is not None
    assert (run.status, run.ts, run.replies_posted, run.trigger) == (PENDING, None, 0, "scheduled")
    assert run.message == DIGEST
    assert run.key == "T1:C1:2026-03-02"
    assert run.window_end == NOW and run.claimed_at == NOW and run.created_at == NOW
    assert get_run_by_key(store, "T1", "C1", "2026-03-02") == run


def test_the_same_key_is_claimed_once(store: Store) -> None:
    first = claim(store)
    again = claim_run(
        store,
        "T1",
        "C1",
        "2026-03-02",
        trigger="manual",
        window_start=None,
        window_end=None,
        message=DIGEST,
    )
    assert again is None
    assert [run.id for run in recent_runs(store)] == [first.run.id]
    assert claim(store, "2026-03-03").run.id != first.run.id  # another period is another run


def test_processes_racing_for_one_key_get_one_claim(store_url: str) -> None:
    stores = [open_store(store_url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    claims: list[ClaimedRun | None] = []

    def race(own: Store) -> None:
        barrier.wait()
        claims.append(
            claim_run(
                own,
                "T1",
                "C1",
                "2026-03-02",
                trigger="scheduled",
                window_start=None,
                window_end=None,
                message=DIGEST,
            )
        )

    threads = [threading.Thread(target=race, args=(own,)) for own in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for own in stores:
        own.close()
    assert len(claims) == 4
    assert sum(claimed is not None for claimed in claims) == 1


def test_a_run_goes_from_pending_through_posting_to_posted(store: Store) -> None:
    run_id = claim(store).run.id
    assert mark_posting(store, run_id, attempt=1)
    assert record_main_posted(store, run_id, "1700000000.000100", attempt=1)
    assert get_run(store, run_id).status == POSTING  # type: ignore[union-attr]
    assert record_reply_posted(store, run_id, 1, attempt=1)
    later = NOW + timedelta(minutes=1)
    assert record_posted(store, run_id, "1700000000.000100", attempt=1, now=later)
    run = get_run(store, run_id)
    assert run is not None
    assert (run.status, run.ts, run.replies_posted) == (POSTED, "1700000000.000100", 1)
    assert (run.posted_at, run.claimed_at, run.error) == (later, None, None)
    # A posted run is finished: nothing changes it any more.
    assert not mark_posting(store, run_id)
    assert not record_failed(store, run_id, "late", permanent=True)


def test_progress_renews_the_lease(store: Store) -> None:
    run_id = claim(store).run.id
    later = NOW + timedelta(minutes=30)
    record_reply_posted(store, run_id, 1, attempt=1, now=later)
    assert get_run(store, run_id).claimed_at == later  # type: ignore[union-attr]


def test_runs_needing_delivery_are_unfinished_and_unheld(store: Store) -> None:
    held = claim(store, "held", now=NOW)
    claim(store, "stale", now=NOW - timedelta(hours=1))
    released = claim(store, "released", now=NOW)
    record_retry_later(store, released.run.id, "Slack kept answering HTTP 503", attempt=1)
    posted = claim(store, "posted", now=NOW - timedelta(hours=2))
    record_posted(store, posted.run.id, "1.000100", attempt=1)
    failed = claim(store, "failed", now=NOW - timedelta(hours=2))
    record_failed(store, failed.run.id, "channel_not_found", permanent=False, attempt=1)

    waiting = runs_needing_delivery(store, older_than=NOW - timedelta(minutes=10))
    assert [run.period for run in waiting] == ["stale", "released"]
    assert waiting[1].error == "Slack kept answering HTTP 503"
    assert held.run.id not in {run.id for run in waiting}


def test_a_stale_run_is_reclaimed_once_and_fences_the_old_deliverer(store: Store) -> None:
    old = claim(store, now=NOW - timedelta(hours=1))
    assert mark_posting(store, old.run.id, attempt=old.attempt, now=NOW - timedelta(hours=1))
    stale_before = NOW - timedelta(minutes=10)
    taken = reclaim_run(store, old.run.id, stale_before=stale_before, now=NOW)
    assert taken is not None and not taken.fresh
    assert (taken.attempt, taken.run.status, taken.run.claimed_at) == (2, POSTING, NOW)
    assert reclaim_run(store, old.run.id, stale_before=stale_before, now=NOW) is None
    # The first deliverer, slow but alive, can no longer write.
    assert not record_main_posted(store, old.run.id, "1.000100", attempt=old.attempt)
    assert record_main_posted(store, old.run.id, "1.000200", attempt=taken.attempt)


def test_reclaiming_racers_get_one_claim(store_url: str) -> None:
    setup = open_store(store_url)
    run_id = claim(setup, now=NOW - timedelta(hours=1)).run.id
    setup.close()
    stores = [open_store(store_url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    claims: list[ClaimedRun | None] = []

    def race(own: Store) -> None:
        barrier.wait()
        claims.append(reclaim_run(own, run_id, stale_before=NOW - timedelta(minutes=10), now=NOW))

    threads = [threading.Thread(target=race, args=(own,)) for own in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for own in stores:
        own.close()
    assert sum(claimed is not None for claimed in claims) == 1


def test_a_failed_run_can_be_reclaimed_but_a_posted_one_cannot(store: Store) -> None:
    failed = claim(store, "failed")
    record_failed(store, failed.run.id, "is_archived", permanent=False, attempt=1)
    half = claim(store, "half")
    record_main_posted(store, half.run.id, "1.000100", attempt=1)
    record_failed(store, half.run.id, "is_archived", permanent=False, attempt=1)
    posted = claim(store, "posted")
    record_posted(store, posted.run.id, "1.000200", attempt=1)

    fresh_lease = NOW - timedelta(minutes=10)  # failed runs hold no lease
    again = reclaim_run(store, failed.run.id, stale_before=fresh_lease, now=NOW)
    assert again is not None and again.run.status == PENDING
    resumed = reclaim_run(store, half.run.id, stale_before=fresh_lease, now=NOW)
    assert resumed is not None and resumed.run.status == POSTING
    assert reclaim_run(store, posted.run.id, stale_before=NOW + timedelta(days=1)) is None
    assert reclaim_run(store, 999_999, stale_before=NOW) is None


def test_a_permanent_failure_pauses_the_channel_schedule(store: Store) -> None:
    add_schedule(store, "C1")
    add_schedule(store, "C2")
    run_id = claim(store, channel="C1").run.id
    reason = "not_in_channel: sitrep is not a member of the channel"
    assert record_failed(store, run_id, reason, permanent=True, attempt=1)
    run = get_run(store, run_id)
    assert run is not None and (run.status, run.error, run.claimed_at) == (FAILED, reason, None)
    assert (schedule_of(store, "C1").paused, schedule_of(store, "C1").pause_reason) == (
        True,
        reason,
    )
    assert not schedule_of(store, "C2").paused


def test_a_message_problem_fails_the_run_without_pausing(store: Store) -> None:
    add_schedule(store)
    run_id = claim(store).run.id
    record_failed(store, run_id, "Slack refused the digest: invalid_blocks", attempt=1)
    assert get_run(store, run_id).status == FAILED  # type: ignore[union-attr]
    assert not schedule_of(store).paused


def test_find_by_ts_and_latest_posted(store: Store) -> None:
    first = claim(store, "2026-03-01", now=NOW - timedelta(days=1))
    record_posted(store, first.run.id, "1.000100", attempt=1, now=NOW - timedelta(days=1))
    second = claim(store, "2026-03-02")
    record_posted(store, second.run.id, "2.000100", attempt=1, now=NOW)
    unfinished = claim(store, "2026-03-03", now=NOW + timedelta(days=1))
    record_main_posted(store, unfinished.run.id, "3.000100", attempt=1)

    assert find_run_by_ts(store, "C1", "1.000100").id == first.run.id  # type: ignore[union-attr]
    assert find_run_by_ts(store, "C1", "3.000100").id == unfinished.run.id  # type: ignore[union-attr]
    assert find_run_by_ts(store, "C2", "1.000100") is None
    latest = latest_posted_run(store, "T1", "C1")
    assert latest is not None and latest.period == "2026-03-02"
    assert latest_posted_run(store, "T1", "C9") is None


def test_digests_cover_until_the_last_run_posted_or_kept_to_post(store: Store) -> None:
    assert covered_until(store, "T1", "C1") is None
    posted = claim(store, "2026-03-01", now=NOW - timedelta(days=1))
    record_posted(store, posted.run.id, "1.000100", attempt=1)
    assert covered_until(store, "T1", "C1") == NOW - timedelta(days=1)
    kept = claim(store, "2026-03-02", now=NOW)  # Slack was down: pending, posted later
    record_retry_later(store, kept.run.id, "Slack could not be reached", attempt=1)
    assert covered_until(store, "T1", "C1") == NOW
    failed = claim(store, "2026-03-03", now=NOW + timedelta(days=1))
    record_failed(store, failed.run.id, "not_in_channel", permanent=True, attempt=1)
    # A failed digest's documents come again in the next one (unless it is re-sent).
    assert covered_until(store, "T1", "C1") == NOW
    assert covered_until(store, "T1", "C9") is None


def test_recent_runs_newest_first_and_filtered(store: Store) -> None:
    for day, channel in [(1, "C1"), (2, "C2"), (3, "C1")]:
        claim(store, f"2026-03-0{day}", channel=channel, now=NOW + timedelta(days=day))
    assert [run.period for run in recent_runs(store)] == ["2026-03-03", "2026-03-02", "2026-03-01"]
    assert [run.period for run in recent_runs(store, channel_id="C1", limit=1)] == ["2026-03-03"]
    assert recent_runs(store, team_id="T9") == []


@pytest.mark.parametrize(
    ("team", "channel", "period"), [("", "C1", "p"), ("T1", "", "p"), ("T1", "C1", "x" * 65)]
)
def test_a_bad_key_is_refused(store: Store, team: str, channel: str, period: str) -> None:
    with pytest.raises(ValueError, match=r"period|team"):
        claim_run(
            store,
            team,
            channel,
            period,
            trigger="manual",
            window_start=None,
            window_end=None,
            message=DIGEST,
        )
