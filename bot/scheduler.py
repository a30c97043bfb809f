"""The clock: channels' schedules in the store become APScheduler jobs that run digests.

One job per active schedule (id "digest:TEAM:CHANNEL", a time-zone-aware CronTrigger).
A refresh job re-reads the store every `schedule_refresh_seconds` and adds, replaces or
removes jobs, so a schedule changed by a slash command in another process takes effect
without a restart. Jobs call the injected `run_digest(spec, scheduled_for)`, which owns
exactly-once delivery, keyed by period_key(scheduled_for): two clocks may both call it.

Missed digests: APScheduler's memory job store forgets everything on restart, so start()
catches up explicitly. For each active schedule only the latest fire time up to now is
considered; it is run if it is within `missed_digest_grace_minutes`, later than the
schedule's last change, and the store has no digest run for its period. Older ones are
skipped and logged: after three days down a daily digest is posted once, not three times.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from digests.schedules import (
    ScheduleError,
    ScheduleSpec,
    cron_trigger,
    period_key,
    previous_run,
)
from digests.settings import Settings
from digests.store.engine import Store
from digests.store.schedules import digest_run_exists, get_schedule, list_schedules

RunDigest = Callable[[ScheduleSpec, datetime], None]
Clock = Callable[[], datetime]

REFRESH_JOB_ID = "digest-schedules:refresh"
# A digest that starts this late is still on time: thread pool start-up, a slow refresh.
_ON_TIME_SLACK = timedelta(seconds=60)

_log = logging.getLogger(__name__)


_DIGEST_JOB_PREFIX = "digest:"


def job_id(team_id: str, channel_id: str) -> str:
    return f"{_DIGEST_JOB_PREFIX}{team_id}:{channel_id}"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A channel's digest job as the scheduler holds it."""

    team_id: str
    channel_id: str
    cron: str
    timezone: str
    next_run: datetime | None


@dataclass(frozen=True, slots=True)
class _Installed:
    """What a channel's job was built from; a different one means the job must change."""

    cron: str
    timezone: str
    paused: bool
    updated_at: datetime


class DigestScheduler:
    """Runs every channel's digest on its schedule, following the store's changes."""

    def __init__(
        self,
        store: Store,
        run_digest: RunDigest,
        *,
        missed_digest_grace_minutes: int = 120,
        schedule_refresh_seconds: float = 30.0,
        now: Clock = utc_now,
    ) -> None:
        self._store = store
        self._run_digest = run_digest
        self._grace = timedelta(minutes=missed_digest_grace_minutes)
        self._refresh_every = timedelta(seconds=schedule_refresh_seconds)
        self._now = now
        # A job started late by up to the grace still runs (coalesced to one run); so
        # does one added by a refresh just after its time, whatever the grace.
        self._misfire_grace = max(self._grace, self._refresh_every + _ON_TIME_SLACK)
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._installed: dict[tuple[str, str], _Installed] = {}
        self._started_at: datetime | None = None
        self._lock = threading.Lock()  # refresh runs in a worker thread, and on demand

    @classmethod
    def from_settings(
        cls, store: Store, settings: Settings, run_digest: RunDigest, *, now: Clock = utc_now
    ) -> DigestScheduler:
        return cls(
            store,
            run_digest,
            missed_digest_grace_minutes=settings.missed_digest_grace_minutes,
            schedule_refresh_seconds=settings.schedule_refresh_seconds,
            now=now,
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    @property
    def apscheduler(self) -> BackgroundScheduler:
        """The underlying APScheduler scheduler, for inspection."""
        return self._scheduler

    def start(self, *, paused: bool = False) -> None:
        """Catch up on a missed digest per channel, build the jobs, and start running them.

        The catch-up runs here, before any job, and its run_digest calls are made in this
        thread. `paused=True` builds everything but runs no job (tests, dry runs).
        """
        with self._lock:
            if self._started_at is not None:
                raise RuntimeError("the digest scheduler has already been started")
            now = self._now()
            specs = list_schedules(self._store)
            # Jobs run fire times after `now`; the catch-up looks at those up to `now`.
            self._started_at = now
            self._catch_up(specs, now)
            self._apply(specs)
        self._scheduler.add_job(
            self.refresh,
            IntervalTrigger(seconds=self._refresh_every.total_seconds(), timezone=UTC),
            id=REFRESH_JOB_ID,
            name="re-read the digest schedules",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        self._scheduler.start(paused=paused)
        _log.info("digest scheduler started with %d channel job(s)", len(self.jobs()))

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop running jobs; with `wait`, let running digests finish first."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    def refresh(self) -> None:
        """Bring the jobs in line with the store's schedules; a store error keeps the old jobs."""
        if self._started_at is None:
            raise RuntimeError("start the digest scheduler before refreshing it")
        try:
            specs = list_schedules(self._store)
        except Exception:
            _log.exception("cannot read the digest schedules; keeping the current jobs")
            return
        with self._lock:
            self._apply(specs)

    def jobs(self) -> list[ScheduledJob]:
        """The channels' digest jobs, by team and channel."""
        found = []
        for job in self._scheduler.get_jobs():
            if not job.id.startswith(_DIGEST_JOB_PREFIX):
                continue  # the refresh, or a job another part of sitrep added (recovery)
            team_id, channel_id, cron, timezone = job.args
            found.append(ScheduledJob(team_id, channel_id, cron, timezone, _next_run_time(job)))
        return sorted(found, key=lambda job: (job.team_id, job.channel_id))

    # --- catch-up ------------------------------------------------------------

    def _catch_up(self, specs: list[ScheduleSpec], now: datetime) -> None:
        for spec in specs:
            if spec.paused:
                continue
            try:
                due = self._missed_run(spec, now)
            except ScheduleError as error:
                _log.error("%s: cannot use the stored schedule: %s", _where(spec), error)
                continue
            except Exception:
                _log.exception("%s: cannot tell whether a digest was missed", _where(spec))
                continue
            if due is not None:
                _log.info(
                    "%s: posting the digest missed at %s (%s late)",
                    _where(spec),
                    due.isoformat(),
                    _minutes(now - due),
                )
                self._call_run_digest(spec, due)

    def _missed_run(self, spec: ScheduleSpec, now: datetime) -> datetime | None:
        """The latest fire time up to `now`, if it has no digest run and is within the grace."""
        due = previous_run(spec.cron, spec.timezone, now)
        # A time before the schedule's last change was not this schedule's to run: it
        # did not exist yet, ran at another time, or was paused then.
        if due is None or due <= spec.updated_at:
            return None
        if digest_run_exists(self._store, spec.team_id, spec.channel_id, period_key(due)):
            return None
        if now - due > self._grace:
            _log.warning(
                "%s: skipping the digest due at %s: missed by %s, more than the %s grace",
                _where(spec),
                due.isoformat(),
                _minutes(now - due),
                _minutes(self._grace),
            )
            return None
        return due

    # --- keeping jobs in line with the store -----------------------------------

    def _apply(self, specs: list[ScheduleSpec]) -> None:
        wanted = {(spec.team_id, spec.channel_id): spec for spec in specs}
        for key in self._installed.keys() - wanted.keys():
            _log.info("digest:%s:%s: schedule removed", *key)
            self._remove_job(*key)
            del self._installed[key]
        for key, spec in wanted.items():
            installed = _Installed(spec.cron, spec.timezone, spec.paused, spec.updated_at)
            before = self._installed.get(key)
            if before == installed:
                continue
            self._installed[key] = installed
            if spec.paused:
                if before is not None and not before.paused:
                    _log.info("%s: paused (%s)", _where(spec), spec.pause_reason or "no reason")
                self._remove_job(*key)
            elif (
                before is not None
                and not before.paused
                and (before.cron, before.timezone) == (spec.cron, spec.timezone)
            ):
                # Same times: the job reads the rest of the schedule when it fires, and
                # keeping it keeps its next run time.
                continue
            else:
                self._add_job(spec, replacing=before is not None)

    def _add_job(self, spec: ScheduleSpec, *, replacing: bool) -> None:
        try:
            trigger = cron_trigger(spec.cron, spec.timezone)
        except ScheduleError as error:
            _log.error("%s: cannot use the stored schedule: %s", _where(spec), error)
            self._remove_job(spec.team_id, spec.channel_id)
            return
        # A time that passed between the change and this refresh still runs (late):
        # count from the change, never from before start (the catch-up covered that).
        assert self._started_at is not None
        since = max(self._started_at, spec.updated_at)
        next_run = trigger.get_next_fire_time(None, since + timedelta(microseconds=1))
        self._scheduler.add_job(
            self._fire,
            trigger,
            args=(spec.team_id, spec.channel_id, spec.cron, spec.timezone),
            id=job_id(spec.team_id, spec.channel_id),
            name=f"digest for {spec.channel_id} ({spec.cron}, {spec.timezone})",
            replace_existing=True,
            coalesce=True,  # after a stall, one digest, not one per missed time
            max_instances=1,
            misfire_grace_time=int(self._misfire_grace.total_seconds()),
            next_run_time=next_run,
        )
        _log.info(
            "%s: %s; next at %s",
            _where(spec),
            "schedule changed" if replacing else "scheduled",
            next_run.isoformat() if next_run else "never",
        )

    def _remove_job(self, team_id: str, channel_id: str) -> None:
        with suppress(JobLookupError):  # a paused or broken schedule has no job
            self._scheduler.remove_job(job_id(team_id, channel_id))

    # --- running a digest ----------------------------------------------------

    def _fire(self, team_id: str, channel_id: str, cron: str, timezone: str) -> None:
        """A channel's job: run the digest for the fire time it was started for.

        APScheduler 3 does not tell a job its scheduled time; with coalescing it runs
        for the latest one that has passed, which is what previous_run finds.
        """
        where = f"digest:{team_id}:{channel_id}"
        try:
            scheduled_for = previous_run(cron, timezone, self._now())
            if scheduled_for is None:
                return
            spec = get_schedule(self._store, team_id, channel_id)
            if spec is None or spec.paused:
                _log.info("%s: not run: the schedule was removed or paused", where)
                return
            if (spec.cron, spec.timezone) != (cron, timezone) and previous_run(
                spec.cron, spec.timezone, scheduled_for
            ) != scheduled_for:
                _log.info("%s: not run: the schedule changed to %s", where, spec.cron)
                return
        except Exception:
            _log.exception("%s: cannot start the scheduled digest", where)
            return
        self._call_run_digest(spec, scheduled_for)

    def _call_run_digest(self, spec: ScheduleSpec, scheduled_for: datetime) -> None:
        # A failing digest is logged; it must never stop the scheduler or other channels.
        try:
            self._run_digest(spec, scheduled_for)
        except Exception:
            _log.exception("%s: the digest for %s failed", _where(spec), period_key(scheduled_for))


def _next_run_time(job: Job) -> datetime | None:
    # A job added before the scheduler starts has no next_run_time attribute yet.
    return getattr(job, "next_run_time", None)


def _where(spec: ScheduleSpec) -> str:
    return job_id(spec.team_id, spec.channel_id)


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"
