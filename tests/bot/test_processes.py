"""Scaled out: real `sitrep serve` and `sitrep clock` processes on one PostgreSQL store.

Each test gets a new PostgreSQL database (tests/conftest.py's `postgresql_url`), a
SlackStandIn on a free 127.0.0.1 port picked at run time (SLACK_API_BASE_URL points every
process at it) and starts the processes it needs as subprocesses, each in its own process
group; the `cluster` fixture stops them all when the test ends, however it ends.

What is checked is what Slack holds: every digest run in the store is in its channel
exactly once (one top-level message tagged with the run's key), with each of its thread
replies exactly once, in its thread, and nothing is in Slack that the store does not know.

Time: schedules are "* * * * *". A clock started after a schedule was set catches up on
the current minute's digest at once (bot/scheduler.py), which is what most tests use; the
first test also waits for the next minute to pass, so both clocks' cron jobs fire for it.
The 10-minute lease of a dead deliverer (bot/delivery.py DEFAULT_LEASE) is not a
setting: after killing a clock, the tests move its claim back past the lease instead of
waiting ten minutes.

Crashes: a clock is SIGKILLed at a chosen point, either while Slack holds the answer to
a post it has already taken (SlackStandIn.hang_next(processed=True)), or before it posts
anything, held by a trigger in the test's own database that makes the run's
pending -> posting update wait for an advisory lock the test holds.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text, update

from bot.delivery import DEFAULT_LEASE, DIGEST_EVENT_TYPE, REPLY_EVENT_TYPE
from digests.extract.pipeline import Extractor
from digests.schedules import period_key
from digests.store.engine import Store, open_store
from digests.store.models import DigestRun, Document, Schedule, utc_now
from digests.store.runs import PENDING, POSTED, POSTING, RunRecord, recent_runs
from digests.store.schedules import add_or_update_schedule
from digests.testing import SlackStandIn

TEAM = "T0SITREP"
ADMIN = "U0ADMIN"
READER = "U0READER"
EVERY_MINUTE = "* * * * *"
START_TIMEOUT = 60.0  # seconds for a process to be ready on a busy two-core machine
_names = count(1)
# bot/digest_jobs.py logs each scheduled digest's outcome: "digest for C at TIME: STATUS".
_OUTCOME = re.compile(r"digest for (\S+) at (\S+): (\w+)")
# A direct opener: requests to the processes never go through a proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sitrep(*args: str) -> list[str]:
    return [sys.executable, "-c", "from bot.cli import main; main()", *args]


# --- processes ----------------------------------------------------------------------


@dataclass
class Proc:
    """A sitrep process started by a test, its output in `log`."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    expected_dead: bool = False

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def signal_group(self, signal_number: int) -> None:
        """Signal the process and its children (gunicorn's workers): its process group."""
        with contextlib.suppress(ProcessLookupError):  # already gone, with every child
            os.killpg(self.process.pid, signal_number)

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would stop it: no clean-up of any kind."""
        self.expected_dead = True
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)


@dataclass
class Serve:
    """A `sitrep serve` process (gunicorn, HTTP mode) on its own port."""

    proc: Proc
    url: str
    cluster: Cluster

    def request(
        self, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        data = None if body is None else body.encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            headers=headers or {},
            method="GET" if body is None else "POST",
        )
        try:
            with _OPENER.open(request, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def healthz(self) -> tuple[int, str]:
        return self.request("/healthz")

    def post(self, body: str, content_type: str, *, retry: int | None = None) -> tuple[int, str]:
        headers = self.cluster.as_slack.signed_headers(body, content_type, retry=retry)
        return self.request("/slack/events", body, headers)

    def command(
        self, command: str, words: str, *, channel: str, user: str = ADMIN
    ) -> tuple[int, str, str]:
        """A slash command; (HTTP status, ack body, the name of its response_url)."""
        name = f"p{next(_names)}"
        body = self.cluster.as_slack.command_body(
            command, words, self.cluster.slack.response_url(name), user=user, channel=channel
        )
        status, answer = self.post(body, "application/x-www-form-urlencoded")
        return status, answer, name

    def ask(self, command: str, words: str, *, channel: str, user: str = ADMIN) -> str:
        """A slash command answered after its ack: what it sent to its response_url."""
        status, answer, name = self.command(command, words, channel=channel, user=user)
        assert (status, answer) == (200, ""), f"{self.proc.name}: {command} {words}: {answer}"
        return self.cluster.response(name)

    def event(self, event: dict[str, Any], *, event_id: str, retry: int | None = None) -> int:
        body = self.cluster.as_slack.event_body(event, event_id=event_id)
        return self.post(body, "application/json", retry=retry)[0]


@dataclass
class Cluster:
    """One test's PostgreSQL database, Slack stand-in and sitrep processes."""

    database_url: str
    store: Store
    slack: SlackStandIn
    folder: Path
    as_slack: Any
    extractor: Extractor
    processes: list[Proc] = field(default_factory=list)

    # --- the store ---------------------------------------------------------------

    def ingest(self) -> None:
        """The example documents, ingested an hour ago: in the window of every first digest."""
        self.as_slack.ingest_examples(self.store, self.extractor)
        with self.store.session(write=True) as session:
            session.execute(update(Document).values(ingested_at=utc_now() - timedelta(hours=1)))

    def schedule(self, channel: str, *, notify_empty: bool = False) -> None:
        """A digest every minute, set up ten minutes ago (so a starting clock catches up)."""
        add_or_update_schedule(
            self.store, TEAM, channel, EVERY_MINUTE, "UTC", notify_empty=notify_empty
        )
        with self.store.session(write=True) as session:
            session.execute(
                update(Schedule)
                .where(Schedule.channel_id == channel)
                .values(updated_at=utc_now() - timedelta(minutes=10))
            )

    def runs(self) -> list[RunRecord]:
        return recent_runs(self.store, limit=1000)

    def run_for(self, channel: str) -> RunRecord | None:
        runs = [run for run in self.runs() if run.channel_id == channel]
        assert len(runs) <= 1, f"{channel} has {len(runs)} digest runs: {runs}"
        return runs[0] if runs else None

    def expire_lease(self, run_id: int) -> None:
        """What ten minutes without news from a dead deliverer look like in the store."""
        with self.store.session(write=True) as session:
            session.execute(
                update(DigestRun)
                .where(DigestRun.id == run_id)
                .values(claimed_at=utc_now() - DEFAULT_LEASE - timedelta(minutes=1))
            )

    # --- processes ---------------------------------------------------------------

    def environment(self, **overrides: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SITREP_", "SLACK_")) and "proxy" not in key.lower()
        }
        env.update(
            SLACK_SIGNING_SECRET=self.as_slack.secret,
            SLACK_BOT_TOKEN=self.slack.token or "xoxb-processes",
            SLACK_API_BASE_URL=self.slack.base_url,  # its port is fixed: known while stopped
            SITREP_DATA_DIR=str(self.folder),
            SITREP_DATABASE_URL=self.database_url,
            SITREP_SLACK_MAX_ATTEMPTS="3",
            SITREP_SLACK_TIMEOUT_SECONDS="5",
            SITREP_SCHEDULE_REFRESH_SECONDS="1",
            SITREP_LOG_LEVEL="INFO",
            NO_PROXY="127.0.0.1,localhost",
            PYTHONUNBUFFERED="1",
        )
        env.update(overrides)
        return env

    def _start(self, name: str, args: list[str], env: dict[str, str]) -> Proc:
        log = self.folder / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                _sitrep(*args),
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: gunicorn's workers too
            )
        proc = Proc(name, process, log)
        self.processes.append(proc)
        return proc

    def start_serve(self, name: str) -> Serve:
        port = _free_port()
        proc = self._start(
            name, ["serve", "--host", "127.0.0.1", "--port", str(port)], self.environment()
        )
        return Serve(proc, f"http://127.0.0.1:{port}", self)

    def start_clock(self, name: str, **settings: str) -> Proc:
        return self._start(name, ["clock"], self.environment(**settings))

    def wait_ready(self, *started: Serve | Proc) -> None:
        """Every serve answers /healthz and every clock has caught up and is running."""

        def ready(item: Serve | Proc) -> bool:
            if isinstance(item, Serve):
                try:
                    return item.healthz() == (200, "ok")
                except OSError:
                    return False
            return "sitrep clock:" in item.output()

        waiting = list(started)

        def all_ready() -> bool:
            waiting[:] = [item for item in waiting if not ready(item)]
            return not waiting

        self.wait_until(all_ready, "the processes to start", START_TIMEOUT)

    def stop_all(self) -> None:
        """SIGTERM to every process group, then SIGKILL to what is left after 15 s."""
        for proc in self.processes:
            proc.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            proc.signal_group(signal.SIGKILL)  # the group: any worker left behind too
            proc.process.wait(timeout=10)

    # --- waiting and reporting -----------------------------------------------------

    def check_running(self) -> None:
        for proc in self.processes:
            if not proc.expected_dead and not proc.alive:
                raise AssertionError(
                    f"{proc.name} exited with {proc.process.returncode}:\n{proc.output()[-4000:]}"
                )

    def wait_until(self, condition: Callable[[], Any], what: str, timeout: float) -> Any:
        """The condition's first truthy value, polled; fails saying what was awaited, with
        the processes' and the store's state, after `timeout` seconds or when a process
        dies unexpectedly."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_running()
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"still waiting for {what} after {timeout:.0f} s\n{self.describe()}"
                )
            time.sleep(0.1)

    def response(self, name: str) -> str:
        """The text sent to response_url `name`."""
        found = self.wait_until(
            lambda: self.slack.responses(name), f"an answer at response_url {name}", 30
        )
        return str(found[0].text)

    def describe(self) -> str:
        lines = ["digest runs:"]
        lines += [
            f"  {run.id} {run.key} {run.status} ts={run.ts} replies={run.replies_posted} "
            f"attempts={run.attempts} error={run.error}"
            for run in self.runs()
        ]
        for proc in self.processes:
            state = "running" if proc.alive else f"exited {proc.process.returncode}"
            lines.append(f"--- {proc.name} ({state}), last lines:")
            lines += proc.output().splitlines()[-25:]
        return "\n".join(lines)


@pytest.fixture
def cluster(
    postgresql_url: str, tmp_path: Path, as_slack: Any, extractor: Extractor
) -> Iterator[Cluster]:
    store = open_store(postgresql_url)  # a new database: upgraded here, before any process
    slack = SlackStandIn(users=as_slack.users, port=_free_port())
    started = Cluster(postgresql_url, store, slack, tmp_path, as_slack, extractor)
    try:
        slack.start()
        yield started
    finally:
        try:
            started.stop_all()
        finally:
            slack.stop()
            store.close()


# --- what Slack holds ----------------------------------------------------------------


def delivery_problems(slack: SlackStandIn, runs: list[RunRecord], channels: set[str]) -> list[str]:
    """Why the digests in Slack are not each run of the store posted exactly once."""
    mains: dict[str, list[str]] = defaultdict(list)
    replies: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for channel in channels | {run.channel_id for run in runs}:
        for message in slack.posted(channel):
            metadata = message.metadata or {}
            payload = metadata.get("event_payload") or {}
            key = str(payload.get("run_key"))
            if metadata.get("event_type") == DIGEST_EVENT_TYPE and not message.is_reply:
                mains[key].append(message.ts)
            elif metadata.get("event_type") == REPLY_EVENT_TYPE:
                replies[key].append((int(payload["index"]), message.thread_ts))
    problems = [
        f"{key}: in Slack, unknown to the store" for key in mains.keys() - {run.key for run in runs}
    ]
    for run in runs:
        posts = mains.get(run.key, [])
        if run.status != POSTED:
            problems.append(f"{run.key}: {run.status} in the store ({run.error})")
        if len(posts) != 1:
            problems.append(f"{run.key}: {len(posts)} top-level messages in Slack: {posts}")
            continue
        if run.ts != posts[0]:
            problems.append(f"{run.key}: the store says ts {run.ts}, Slack has {posts[0]}")
        assert run.message is not None
        expected = [(index, posts[0]) for index in range(len(run.message.thread))]
        if sorted(replies.get(run.key, [])) != expected:
            problems.append(
                f"{run.key}: thread replies (index, thread) {sorted(replies.get(run.key, []))}, "
                f"expected {expected}"
            )
    return problems


def assert_each_digest_posted_once(cluster: Cluster, channels: set[str]) -> list[RunRecord]:
    runs = cluster.runs()
    problems = delivery_problems(cluster.slack, runs, channels)
    assert not problems, "\n".join(problems) + "\n" + cluster.describe()
    return runs


def main_posts_of(slack: SlackStandIn, run: RunRecord) -> list[str]:
    """The chat.postMessage calls for the run's main message (answered or not)."""
    return [
        call.answer
        for call in slack.calls_to("chat.postMessage")
        if not call.args.get("thread_ts")
        and ((call.args.get("metadata") or {}).get("event_payload") or {}).get("run_key") == run.key
    ]


def clock_outcomes(clock: Proc) -> dict[tuple[str, str], list[str]]:
    """(channel, period key) -> the outcomes this clock logged for its scheduled digests."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for channel, when, status in _OUTCOME.findall(clock.output()):
        found[(channel, period_key(datetime.fromisoformat(when)))].append(status)
    return found


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


# --- 1. two web and two clock processes -------------------------------------------------


def test_two_web_and_two_clock_processes_post_every_scheduled_digest_once(
    cluster: Cluster,
) -> None:
    channels = {"C0SCHED1", "C0SCHED2", "C0SCHED3"}
    cluster.ingest()
    for channel in sorted(channels):
        cluster.schedule(channel, notify_empty=True)  # "nothing new" is posted too
    web = [cluster.start_serve("web1"), cluster.start_serve("web2")]
    clocks = [cluster.start_clock("clock1"), cluster.start_clock("clock2")]
    cluster.wait_ready(*web, *clocks)
    # Both clocks are running: their jobs fire at the next minute, for the same period.
    now = datetime.now(UTC)
    next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    period = period_key(next_minute)

    # Meanwhile `/digest now` in one channel, at both web processes at once.
    manual = "C0NOW"
    asked = at_once(*(partial(serve.command, "/digest", "now", channel=manual) for serve in web))
    assert [(status, body) for status, body, _ in asked] == [(200, ""), (200, "")]
    answers = sorted(cluster.response(name) for _, _, name in asked)
    manual_runs = [run for run in cluster.runs() if run.channel_id == manual]
    if len(manual_runs) == 1:
        assert answers[0].startswith(":information_source:"), answers  # already posted
        assert "not posted twice" in answers[0]
        assert answers[1].startswith(":white_check_mark: Posted"), answers
    else:  # the two requests fell on either side of a minute: two periods, each posted
        assert len(manual_runs) == 2 and all(a.startswith(":white_check_mark:") for a in answers)

    def cron_period_done() -> bool:
        outcomes = [clock_outcomes(clock) for clock in clocks]
        posted = {
            run.channel_id
            for run in cluster.runs()
            if run.period == period and run.status == POSTED
        }
        return posted == channels and all(
            (channel, period) in found for found in outcomes for channel in channels
        )

    seconds_left = (next_minute - datetime.now(UTC)).total_seconds()
    cluster.wait_until(
        cron_period_done,
        f"both clocks' jobs for {period} and its digests in {sorted(channels)}",
        seconds_left + 45,
    )

    runs = assert_each_digest_posted_once(cluster, channels | {manual})
    for channel in channels:
        scheduled = [run for run in runs if run.channel_id == channel]
        assert len(scheduled) >= 2, f"{channel}: catch-up and {period} expected: {scheduled}"
        # Each clock ran the job for `period`; exactly one of them posted it.
        tried = sorted(s for clock in clocks for s in clock_outcomes(clock)[(channel, period)])
        assert tried == ["already_claimed", "posted"], (channel, tried)
        # And no clock posted any period of the channel twice between them.
        for run in scheduled:
            posted = [s for clock in clocks for s in clock_outcomes(clock)[(channel, run.period)]]
            assert posted.count("posted") <= 1, (run.key, posted)
    for serve in web:
        assert serve.healthz() == (200, "ok")


# --- 2. a redelivered event, at one web process and then the other ------------------------


def test_a_redelivered_event_is_answered_once_by_two_web_processes(cluster: Cluster) -> None:
    cluster.ingest()
    web1, web2 = cluster.start_serve("web1"), cluster.start_serve("web2")
    cluster.wait_ready(web1, web2)
    channel = "C0ASK"

    def mention(ts: str) -> dict[str, Any]:
        return {
            "type": "app_mention",
            "channel": channel,
            "user": READER,
            "text": f"<@{cluster.slack.bot_user_id}> who says India backs the BLA?",
            "ts": ts,
        }

    def answers(ts: str) -> list[Any]:
        return [m for m in cluster.slack.thread(channel, ts) if m.user == cluster.slack.bot_user_id]

    def skipped(serve: Serve, event_id: str) -> bool:
        return f"event {event_id} was already answered" in serve.proc.output()

    # Delivered to web1; Slack did not hear back in time and redelivers to web2, then web1.
    first = mention("1900000010.000100")
    assert web1.event(first, event_id="Ev0PROCESS1") == 200
    [answer] = cluster.wait_until(lambda: answers(first["ts"]), "web1's answer", 30)
    assert answer.text.startswith(":bulb: Shafqat Ali Khan")
    assert web2.event(first, event_id="Ev0PROCESS1", retry=1) == 200
    cluster.wait_until(lambda: skipped(web2, "Ev0PROCESS1"), "web2 to drop the redelivery", 30)
    assert web1.event(first, event_id="Ev0PROCESS1", retry=2) == 200
    cluster.wait_until(lambda: skipped(web1, "Ev0PROCESS1"), "web1 to drop the redelivery", 30)
    assert len(answers(first["ts"])) == 1

    # The delivery and its redelivery reaching both processes at the same moment.
    second = mention("1900000011.000100")
    statuses = at_once(
        lambda: web1.event(second, event_id="Ev0PROCESS2"),
        lambda: web2.event(second, event_id="Ev0PROCESS2", retry=1),
    )
    assert statuses == [200, 200]
    cluster.wait_until(
        lambda: (
            answers(second["ts"]) and (skipped(web1, "Ev0PROCESS2") or skipped(web2, "Ev0PROCESS2"))
        ),
        "one answer, and the other process dropping the event",
        30,
    )
    assert len(answers(second["ts"])) == 1
    assert not (skipped(web1, "Ev0PROCESS2") and skipped(web2, "Ev0PROCESS2"))
    assert len(answers(first["ts"])) == 1


# --- 3. a clock killed in the middle of a digest ---------------------------------------------


_HOLD_LOCK = 42_424_242  # the advisory lock the test holds while a clock waits for it
# Installed in the test's own database: a run going from pending to posting (the moment
# before its message is sent) waits for the advisory lock the test holds.
_HOLD_PENDING = (
    f"""CREATE FUNCTION sitrep_test_hold_posting() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = '{PENDING}' AND NEW.status = '{POSTING}' THEN
            PERFORM pg_advisory_xact_lock({_HOLD_LOCK});
        END IF;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER sitrep_test_hold_posting BEFORE UPDATE ON digest_runs "
    "FOR EACH ROW EXECUTE FUNCTION sitrep_test_hold_posting()",
)
_RELEASE_PENDING = (
    "DROP TRIGGER sitrep_test_hold_posting ON digest_runs",
    "DROP FUNCTION sitrep_test_hold_posting()",
)
_WAITING_FOR_HOLD = text(
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@pytest.mark.parametrize("moment", ["after_posting", "while_pending"])
def test_a_clock_killed_mid_digest_and_restarted_posts_it_once(
    cluster: Cluster, moment: str
) -> None:
    channel = "C0CRASH"
    cluster.ingest()
    cluster.schedule(channel)
    admin = create_engine(cluster.database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as holder:
            if moment == "after_posting":
                # Slack takes the digest (it is in the channel) but its answer never comes.
                cluster.slack.hang_next("chat.postMessage", seconds=300, processed=True)
                first = cluster.start_clock("clock1", SITREP_SLACK_TIMEOUT_SECONDS="120")

                def held() -> RunRecord | None:
                    run = cluster.run_for(channel)
                    calls = [c.answer for c in cluster.slack.calls_to("chat.postMessage")]
                    in_slack = cluster.slack.top_level(channel)
                    return run if calls == ["hang"] and in_slack else None

                run = cluster.wait_until(held, "the clock to wait for Slack's answer", 60)
            else:
                # The clock stops right after writing the run: before it posts anything.
                holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _HOLD_LOCK})
                for statement in _HOLD_PENDING:
                    holder.exec_driver_sql(statement)
                first = cluster.start_clock("clock1")

                def held() -> RunRecord | None:
                    run = cluster.run_for(channel)
                    waiting = holder.execute(_WAITING_FOR_HOLD).all()
                    return run if run is not None and waiting else None

                run = cluster.wait_until(held, "the clock to stop after writing the run", 60)
            first.kill()
            if moment == "while_pending":
                # PostgreSQL ends the dead client's session, as it does once it notices.
                for (pid,) in holder.execute(_WAITING_FOR_HOLD).all():
                    holder.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                cluster.wait_until(
                    lambda: not holder.execute(_WAITING_FOR_HOLD).all(),
                    "the dead clock's session to end",
                    30,
                )
                for statement in _RELEASE_PENDING:
                    holder.exec_driver_sql(statement)
                holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _HOLD_LOCK})
    finally:
        admin.dispose()

    left = cluster.run_for(channel)
    assert left is not None and left.ts is None
    if moment == "after_posting":
        [posted_before] = cluster.slack.top_level(channel)
        assert left.status == POSTING
        assert main_posts_of(cluster.slack, left) == ["hang"]
    else:
        assert left.status == PENDING
        assert cluster.slack.top_level(channel) == []
        assert cluster.slack.calls_to("chat.postMessage") == []

    cluster.expire_lease(left.id)
    second = cluster.start_clock("clock2")
    cluster.wait_until(
        lambda: (run := cluster.run_for(channel)) is not None and run.status == POSTED,
        "the restarted clock to finish the digest",
        60,
    )
    [run] = assert_each_digest_posted_once(cluster, {channel})
    assert run.id == left.id and run.attempts == 2
    history = cluster.slack.calls_to("conversations.history")
    assert history, "recovery must look in the channel before posting"
    if moment == "after_posting":
        assert run.ts == posted_before.ts
        assert main_posts_of(cluster.slack, run) == ["hang"]  # never sent again
    else:
        assert main_posts_of(cluster.slack, run) == ["ok"]
    assert second.alive


# --- 4. Slack rate limiting, failing and unreachable ---------------------------------------


def test_slack_faults_delay_digests_but_each_is_posted_once_and_web_stays_up(
    cluster: Cluster,
) -> None:
    slack = cluster.slack
    scheduled = {"C0FAULT1", "C0FAULT2", "C0FAULT3"}
    cluster.ingest()
    for channel in sorted(scheduled):
        cluster.schedule(channel)
    web1, web2 = cluster.start_serve("web1"), cluster.start_serve("web2")
    cluster.wait_ready(web1, web2)

    # Slack answers 500 to every attempt: the person is told the digest is kept.
    slack.fail_next("chat.postMessage", status=500, times=3)  # SITREP_SLACK_MAX_ATTEMPTS
    kept = web1.ask("/digest", "now", channel="C0NOW500")
    assert kept.startswith(":hourglass: Slack is not answering right now"), kept
    assert "will be posted when it does" in kept
    # Slack rate limits once (Retry-After: 1): the digest is posted after the wait.
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    assert web2.ask("/digest", "now", channel="C0NOW429").startswith(":white_check_mark: Posted")
    assert "status:429" in [call.answer for call in slack.calls_to("chat.postMessage")]

    # Slack goes away: connections are refused. The clocks start meanwhile.
    base_url = slack.base_url
    slack.stop()
    clocks = [cluster.start_clock("clock1"), cluster.start_clock("clock2")]
    for serve in (web1, web2):
        assert serve.healthz() == (200, "ok")
        status, answer, _ = serve.command("/digest", "help", channel="C0DOWN")
        assert status == 200 and "/digest now" in answer  # answered in the ack itself
    status, answer, _ = web2.command("/digest", "now", channel="C0NOWDOWN")
    assert (status, answer) == (200, "")  # acked; its answer has nowhere to go
    expected = scheduled | {"C0NOW500", "C0NOWDOWN"}

    def all_refused() -> bool:
        refused = {
            run.channel_id
            for run in cluster.runs()
            if run.status in (PENDING, POSTING) and "could not be reached" in (run.error or "")
        }
        return refused == expected

    cluster.wait_until(all_refused, f"every digest of {sorted(expected)} to meet Slack down", 60)
    cluster.wait_ready(*clocks)
    for serve in (web1, web2):
        assert serve.healthz() == (200, "ok")

    # Slack comes back on the same address, rate limiting and failing for a while.
    slack.fail_next("conversations.history", status=503)
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.fail_next("chat.postMessage", status=500, times=2)
    slack.fail_next("chat.postMessage", status=502, after=4)  # in some digest's thread
    slack.start()
    assert slack.base_url == base_url

    def all_posted() -> bool:
        runs = cluster.runs()
        return {r.channel_id for r in runs} >= expected and all(r.status == POSTED for r in runs)

    cluster.wait_until(all_posted, "every kept digest to be posted", 60)
    runs = assert_each_digest_posted_once(cluster, expected | {"C0NOW429"})
    assert {run.channel_id for run in runs} == expected | {"C0NOW429"}
    answers = [call.answer for call in slack.calls_to("chat.postMessage")]
    assert {"status:429", "status:500", "status:502"} <= set(answers)

    # Everything is still running and answering.
    for serve in (web1, web2):
        assert serve.healthz() == (200, "ok")
        assert "Tehrik-i-Taliban Pakistan" in serve.ask("/group", "TTP", channel="C0AFTER")
    assert all(clock.alive for clock in clocks)
