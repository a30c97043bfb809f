"""The clock process: jobs built from the store, following its changes, catching up once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

import bot.scheduler
from bot.scheduler import REFRESH_JOB_ID, DigestScheduler, ScheduledJob, job_id
from digests.schedules import ScheduleSpec, period_key
from digests.settings import load_settings
from digests.store.engine import Store
from digests.store.models import DigestRun, Schedule
from digests.store.schedules import (
    add_or_update_schedule,
    pause_schedule,
    remove_schedule,
    resume_schedule,
    watch_groups,
)

KARACHI = ZoneInfo("Asia/Karachi")
# Schedules in these tests were last changed long before the times the clock shows.
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RecordingDigests:
    """A run_digest that remembers its calls; fails for channels in `failing`."""

    calls: list[tuple[ScheduleSpec, datetime]] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)
    called: threading.Event = field(default_factory=threading.Event)

    def __call__(self, spec: ScheduleSpec, scheduled_for: datetime) -> None:
        self.calls.append((spec, scheduled_for))
        self.called.set()
        if spec.channel_id in self.failing:
            raise RuntimeError("Slack is down")

    @property
    def runs(self) -> list[tuple[str, datetime]]:
        return [(spec.channel_id, scheduled_for) for spec, scheduled_for in self.calls]


@pytest.fixture
def digests() -> RecordingDigests:
    return RecordingDigests()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 2, 10, 30, tzinfo=UTC))  # a Wednesday


@pytest.fixture
def make_scheduler(
    store: Store, digests: RecordingDigests, clock: FakeClock
) -> Iterator[Callable[..., DigestScheduler]]:
    made: list[DigestScheduler] = []

    def make(grace_minutes: int = 120, refresh_seconds: float = 3600) -> DigestScheduler:
        scheduler = DigestScheduler(
            store,
            digests,
            missed_digest_grace_minutes=grace_minutes,
            schedule_refresh_seconds=refresh_seconds,
            now=clock,
        )
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.shutdown(wait=False)


def schedule(
    store: Store,
    channel: str,
    when: str,
    zone: str = "UTC",
    changed_at: datetime = LONG_AGO,
    **options: object,
) -> None:
    """Add or change a channel's schedule, as if it had been done at `changed_at`."""
    add_or_update_schedule(store, "T1", channel, when, zone, **options)  # type: ignore[arg-type]
    stamp(store, channel, changed_at)


def stamp(store: Store, channel: str, changed_at: datetime) -> None:
    with store.session(write=True) as session:
        session.execute(
            update(Schedule)
            .where(Schedule.team_id == "T1", Schedule.channel_id == channel)
            .values(updated_at=changed_at)
        )


def jobs_by_channel(scheduler: DigestScheduler) -> dict[str, ScheduledJob]:
    return {job.channel_id: job for job in scheduler.jobs()}


def fire(scheduler: DigestScheduler, channel: str) -> None:
    """Run a channel's job as APScheduler would when its time comes."""
    job = scheduler.apscheduler.get_job(job_id("T1", channel))
    assert job is not None, f"no job for {channel}"
    job.func(*job.args, **job.kwargs)


# --- jobs built from the store ---------------------------------------------------


def test_jobs_are_built_from_the_stores_active_schedules(store, make_scheduler) -> None:
    schedule(store, "C1", "weekdays 09:00", "Asia/Karachi")
    schedule(store, "C2", "daily 18:30")
    schedule(store, "C3", "daily 07:00")
    pause_schedule(store, "T1", "C3", "holiday")
    scheduler = make_scheduler()
    scheduler.start(paused=True)

    jobs = jobs_by_channel(scheduler)
    assert set(jobs) == {"C1", "C2"}  # a paused schedule has no job
    assert jobs["C1"] == ScheduledJob(
        "T1", "C1", "0 9 * * mon-fri", "Asia/Karachi", datetime(2026, 12, 3, 9, 0, tzinfo=KARACHI)
    )
    assert jobs["C2"].next_run == datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
    job = scheduler.apscheduler.get_job("digest:T1:C1")
    assert job is not None
    assert job.trigger.timezone == KARACHI
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 120 * 60)
    assert scheduler.apscheduler.get_job(REFRESH_JOB_ID) is not None


def test_a_short_grace_still_lets_a_digest_start_a_little_late(store, make_scheduler) -> None:
    schedule(store, "C1", "daily 18:30")
    scheduler = make_scheduler(grace_minutes=0, refresh_seconds=30)
    scheduler.start(paused=True)
    job = scheduler.apscheduler.get_job("digest:T1:C1")
    assert job is not None
    assert job.misfire_grace_time == 90  # the refresh interval and a minute


def test_from_settings_takes_the_grace_and_refresh_interval(store, digests) -> None:
    settings = load_settings(
        environ={
            "SITREP_MISSED_DIGEST_GRACE_MINUTES": "15",
            "SITREP_SCHEDULE_REFRESH_SECONDS": "5",
        }
    )
    scheduler = DigestScheduler.from_settings(store, settings, digests)
    schedule(store, "C1", "daily 18:30")
    scheduler.start(paused=True)
    try:
        job = scheduler.apscheduler.get_job("digest:T1:C1")
        assert job is not None and job.misfire_grace_time == 15 * 60
        refresh = scheduler.apscheduler.get_job(REFRESH_JOB_ID)
        assert refresh is not None and refresh.trigger.interval == timedelta(seconds=5)
    finally:
        scheduler.shutdown(wait=False)


def test_start_twice_is_refused(store, make_scheduler) -> None:
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    with pytest.raises(RuntimeError, match="already been started"):
        scheduler.start(paused=True)


def test_refresh_before_start_is_refused(make_scheduler) -> None:
    with pytest.raises(RuntimeError, match="start the digest scheduler"):
        make_scheduler().refresh()


# --- following the store without a restart ------------------------------------------


def test_a_schedule_added_later_is_picked_up_by_refresh(store, make_scheduler, clock) -> None:
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    assert scheduler.jobs() == []

    clock.now += timedelta(minutes=5)
    schedule(store, "C1", "daily 18:30", changed_at=clock.now)
    scheduler.refresh()
    assert jobs_by_channel(scheduler)["C1"].next_run == datetime(2026, 12, 2, 18, 30, tzinfo=UTC)


def test_a_changed_time_or_zone_replaces_the_job(store, make_scheduler, clock) -> None:
    schedule(store, "C1", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)

    clock.now += timedelta(minutes=5)
    schedule(store, "C1", "weekdays 09:00", "Asia/Karachi", changed_at=clock.now)
    scheduler.refresh()
    job = jobs_by_channel(scheduler)["C1"]
    assert (job.cron, job.timezone) == ("0 9 * * mon-fri", "Asia/Karachi")
    assert job.next_run == datetime(2026, 12, 3, 9, 0, tzinfo=KARACHI)


def test_a_time_that_passed_before_the_refresh_still_runs(store, make_scheduler, clock) -> None:
    # Changed at 10:35 to 10:40; the refresh only comes at 10:41: the job is due already,
    # and APScheduler runs a due job at once (within the misfire grace).
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    schedule(store, "C1", "daily 10:40", changed_at=clock.now + timedelta(minutes=5))
    clock.now += timedelta(minutes=11)
    scheduler.refresh()
    assert jobs_by_channel(scheduler)["C1"].next_run == datetime(2026, 12, 2, 10, 40, tzinfo=UTC)


def test_pause_removes_the_job_and_resume_brings_it_back(store, make_scheduler, clock) -> None:
    schedule(store, "C1", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)

    pause_schedule(store, "T1", "C1", "holiday")
    stamp(store, "C1", clock.now)
    scheduler.refresh()
    assert scheduler.jobs() == []

    # Resumed after 18:30: the paused time is not made up for.
    clock.now = datetime(2026, 12, 2, 19, 0, tzinfo=UTC)
    resume_schedule(store, "T1", "C1")
    stamp(store, "C1", clock.now)
    scheduler.refresh()
    assert jobs_by_channel(scheduler)["C1"].next_run == datetime(2026, 12, 3, 18, 30, tzinfo=UTC)


def test_a_removed_schedule_loses_its_job(store, make_scheduler) -> None:
    schedule(store, "C1", "daily 18:30")
    schedule(store, "C2", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    remove_schedule(store, "T1", "C1")
    scheduler.refresh()
    assert set(jobs_by_channel(scheduler)) == {"C2"}
    assert scheduler.apscheduler.get_job("digest:T1:C1") is None


def test_other_changes_keep_the_job_and_reach_the_digest(
    store, make_scheduler, clock, digests
) -> None:
    schedule(store, "C1", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    job_before = scheduler.apscheduler.get_job("digest:T1:C1")

    watch_groups(store, "T1", "C1", ["TTP"])
    scheduler.refresh()
    assert scheduler.apscheduler.get_job("digest:T1:C1") is job_before

    clock.now = datetime(2026, 12, 2, 18, 30, 0, 200_000, tzinfo=UTC)
    fire(scheduler, "C1")  # before any refresh could have run: the job reads the store
    [(spec, scheduled_for)] = digests.calls
    assert spec.watched == ("TTP",)
    assert scheduled_for == datetime(2026, 12, 2, 18, 30, tzinfo=UTC)


def test_refresh_keeps_the_jobs_when_the_store_cannot_be_read(
    store, make_scheduler, monkeypatch, caplog
) -> None:
    schedule(store, "C1", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)

    def broken(*_args: object, **_kwargs: object) -> list[ScheduleSpec]:
        raise ConnectionError("database is restarting")

    monkeypatch.setattr(bot.scheduler, "list_schedules", broken)
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        scheduler.refresh()
    assert set(jobs_by_channel(scheduler)) == {"C1"}
    assert "cannot read the digest schedules; keeping the current jobs" in caplog.text


def test_a_broken_stored_schedule_is_logged_and_skipped(store, make_scheduler, caplog) -> None:
    schedule(store, "C1", "daily 18:30")
    schedule(store, "C2", "daily 18:30")
    with store.session(write=True) as session:
        session.execute(update(Schedule).where(Schedule.channel_id == "C1").values(cron="soon"))
    scheduler = make_scheduler()
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        scheduler.start(paused=True)
    assert set(jobs_by_channel(scheduler)) == {"C2"}
    assert "digest:T1:C1: cannot use the stored schedule" in caplog.text


# --- firing ----------------------------------------------------------------------


def test_a_job_runs_the_digest_for_its_scheduled_time(store, make_scheduler, clock, digests):
    schedule(store, "C1", "weekdays 09:00", "Asia/Karachi", watched=["TTP", "BLA"])
    scheduler = make_scheduler()
    scheduler.start(paused=True)

    clock.now = datetime(2026, 12, 3, 4, 0, 0, 300_000, tzinfo=UTC)  # 09:00:00.3 in Karachi
    fire(scheduler, "C1")
    [(spec, scheduled_for)] = digests.calls
    assert (spec.team_id, spec.channel_id, spec.watched) == ("T1", "C1", ("TTP", "BLA"))
    assert scheduled_for == datetime(2026, 12, 3, 9, 0, tzinfo=KARACHI)
    assert period_key(scheduled_for) == "2026-12-03T04:00Z"


def test_a_late_job_runs_for_the_time_it_was_due(store, make_scheduler, clock, digests) -> None:
    schedule(store, "C1", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    clock.now = datetime(2026, 12, 2, 18, 47, tzinfo=UTC)  # the process was busy
    fire(scheduler, "C1")
    assert digests.runs == [("C1", datetime(2026, 12, 2, 18, 30, tzinfo=UTC))]


def test_a_job_whose_schedule_went_away_does_nothing(store, make_scheduler, clock, digests):
    schedule(store, "C1", "daily 18:30")
    schedule(store, "C2", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    remove_schedule(store, "T1", "C1")
    pause_schedule(store, "T1", "C2", "holiday")
    clock.now = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
    fire(scheduler, "C1")  # the refresh that removes these jobs has not run yet
    fire(scheduler, "C2")
    assert digests.calls == []


def test_a_job_for_a_time_the_schedule_no_longer_has_does_nothing(
    store, make_scheduler, clock, digests
) -> None:
    schedule(store, "C1", "daily 18:30")
    schedule(store, "C2", "daily 18:30")
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    schedule(store, "C1", "daily 19:00")
    schedule(store, "C2", "weekdays 18:30")  # still due on a Wednesday at 18:30
    clock.now = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
    fire(scheduler, "C1")
    fire(scheduler, "C2")
    assert digests.runs == [("C2", datetime(2026, 12, 2, 18, 30, tzinfo=UTC))]


def test_a_failing_digest_is_logged_and_the_next_one_runs(
    store, make_scheduler, clock, digests, caplog
) -> None:
    schedule(store, "C1", "daily 18:30")
    schedule(store, "C2", "daily 18:30")
    digests.failing.add("C1")
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    clock.now = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        fire(scheduler, "C1")
        fire(scheduler, "C2")
    assert [channel for channel, _ in digests.runs] == ["C1", "C2"]
    assert "digest:T1:C1: the digest for 2026-12-02T18:30Z failed" in caplog.text
    assert "Slack is down" in caplog.text


def test_apscheduler_really_runs_a_due_job(store, digests) -> None:
    # The clock says 29 February 2040, 09:00:30; the job is made due now, in real time.
    clock = FakeClock(datetime(2040, 2, 29, 9, 0, 30, tzinfo=UTC))
    schedule(store, "C1", "0 9 29 2 *")
    scheduler = DigestScheduler(store, digests, now=clock)
    scheduler.start()
    try:
        scheduler.apscheduler.modify_job("digest:T1:C1", next_run_time=datetime.now(UTC))
        assert digests.called.wait(timeout=10), "the job did not run"
    finally:
        scheduler.shutdown()
    assert digests.runs == [("C1", datetime(2040, 2, 29, 9, 0, tzinfo=UTC))]


def test_the_refresh_job_follows_the_store_on_its_own(store, digests) -> None:
    clock = FakeClock(datetime(2040, 1, 1, tzinfo=UTC))
    scheduler = DigestScheduler(store, digests, schedule_refresh_seconds=0.1, now=clock)
    scheduler.start()
    try:
        schedule(store, "C1", "daily 18:30")
        deadline = time.monotonic() + 10
        while not scheduler.jobs() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [job.channel_id for job in scheduler.jobs()] == ["C1"]
    finally:
        scheduler.shutdown()
    assert digests.calls == []


# --- catching up after downtime --------------------------------------------------


def test_after_three_days_down_one_digest_is_posted_for_the_latest_time(
    store, make_scheduler, clock, digests
) -> None:
    schedule(store, "C1", "daily 09:00")  # due 29 Nov, 30 Nov, 1 Dec and 2 Dec, all missed
    clock.now = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    make_scheduler(grace_minutes=120).start(paused=True)
    assert digests.runs == [("C1", datetime(2026, 12, 2, 9, 0, tzinfo=UTC))]


def test_a_missed_digest_older_than_the_grace_is_skipped_and_logged(
    store, make_scheduler, clock, digests, caplog
) -> None:
    schedule(store, "C1", "daily 09:00")
    clock.now = datetime(2026, 12, 2, 11, 1, tzinfo=UTC)  # 121 minutes late
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        make_scheduler(grace_minutes=120).start(paused=True)
    assert digests.calls == []
    assert (
        "digest:T1:C1: skipping the digest due at 2026-12-02T09:00:00+00:00: missed by "
        "121 min, more than the 120 min grace" in caplog.text
    )


def test_no_catch_up_when_the_digest_run_is_already_in_the_store(
    store, make_scheduler, clock, digests
) -> None:
    schedule(store, "C1", "daily 09:00")
    schedule(store, "C2", "daily 09:00")
    with store.session(write=True) as session:
        session.add(DigestRun(team_id="T1", channel_id="C1", period="2026-12-02T09:00Z"))
    make_scheduler().start(paused=True)
    assert digests.runs == [("C2", datetime(2026, 12, 2, 9, 0, tzinfo=UTC))]


def test_catch_up_reads_the_schedule_in_its_zone(store, make_scheduler, clock, digests) -> None:
    schedule(store, "C1", "weekdays 09:00", "Asia/Karachi")
    clock.now = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 10:00 in Karachi
    make_scheduler().start(paused=True)
    [(_, scheduled_for)] = digests.calls
    assert scheduled_for == datetime(2026, 12, 2, 9, 0, tzinfo=KARACHI)
    assert period_key(scheduled_for) == "2026-12-02T04:00Z"


def test_no_catch_up_for_paused_schedules_or_times_before_a_change(
    store, make_scheduler, clock, digests
) -> None:
    schedule(store, "C1", "daily 09:00")
    pause_schedule(store, "T1", "C1", "holiday")
    # Added (or resumed) at 09:30: the 09:00 digest was never this schedule's.
    schedule(store, "C2", "daily 09:00", changed_at=datetime(2026, 12, 2, 9, 30, tzinfo=UTC))
    make_scheduler().start(paused=True)
    assert digests.calls == []


def test_catch_up_does_not_repeat_what_the_jobs_will_run(store, make_scheduler, clock, digests):
    schedule(store, "C1", "daily 10:30")  # due exactly now
    scheduler = make_scheduler()
    scheduler.start(paused=True)
    assert digests.runs == [("C1", datetime(2026, 12, 2, 10, 30, tzinfo=UTC))]
    assert jobs_by_channel(scheduler)["C1"].next_run == datetime(2026, 12, 3, 10, 30, tzinfo=UTC)


def test_a_failing_catch_up_does_not_stop_the_others_or_the_start(
    store, make_scheduler, clock, digests, caplog
) -> None:
    schedule(store, "C1", "daily 09:00")
    schedule(store, "C2", "daily 09:00")
    digests.failing.add("C1")
    scheduler = make_scheduler()
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        scheduler.start(paused=True)
    assert [channel for channel, _ in digests.runs] == ["C1", "C2"]
    assert set(jobs_by_channel(scheduler)) == {"C1", "C2"}
    assert "digest:T1:C1: the digest for 2026-12-02T09:00Z failed" in caplog.text
