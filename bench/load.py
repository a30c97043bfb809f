"""`sitrep serve` under load: several gunicorn workers, signed commands and events at a rate.

    python bench/load.py ../shared/corpus/articles.jsonl [--workers 4] [--rate 200]
        [--requests 6000] [--seconds 30] [--concurrency 64] [--store-documents 100000]
        [--kinds /group,/claim,...] [--server-log PATH]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Fills a store with the corpus (bench/_store.py: a SQLite file by default; with
--database-url, a fresh database on that PostgreSQL server, dropped at the end), starts
a local Slack Web API stand-in (digests/testing.py, in a process of its own) and
`sitrep serve --host 127.0.0.1` with --workers gunicorn workers (WEB_CONCURRENCY), and
posts a digest with `/digest now` so that thread replies have a digest to ask about.

Then it sends correctly signed requests to /slack/events, one connection each, at
--rate requests per second (open loop: a request is due at its time whether or not the
earlier ones were answered; --rate 0 sends back to back from --concurrency clients),
until --requests were sent or --seconds passed; a request still waiting for a free client
then is not sent, and counted as an error. Out of every 20: 5 /group, 5 /claim,
3 `/digest status`, 4 replies in the digest's thread, 3 `@sitrep` mentions (--kinds keeps
some of them, or sends `/group help` alone, which is answered in the ack); the
questions are those of bench/questions/dev.jsonl. --warmup requests of the whole mix go
first and are not measured.

It prints the throughput (answered requests per second), p50 and p95 of the HTTP
response time (from the moment a request was due to the end of its answer, so a
request that waited for a free client counts that wait), and the errors (answers other
than 200, and exceptions). Slack only needs the HTTP answer (the ack) within three
seconds; the work happens after it, so the answers that then reach the stand-in
(response_url for commands, chat.postMessage for events) are counted too, with their
time from the request, after up to --drain seconds for the last ones. CPU seconds used
by the server (gunicorn, its workers and their answering processes), the stand-in, the
generator, the store's PostgreSQL backends (not their parallel query workers, which count
among "other processes") and everything else on the machine show where the time went;
the HTTP response times' p95 by 5 seconds of sending shows whether the first seconds (new
questions worked out) or the whole run made it.
Every process it starts is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from _store import extracted_corpus
from commands import CLAIM_QUERIES, GROUP_QUERIES, free_port, wait_until_up
from scale import fill_store, fresh_postgresql, percentile
from sqlalchemy.engine import make_url

from digests.testing import RecordedCall, SlackRequests, SlackStandIn

SECRET = "bench-signing-secret"
CHANNEL = "C0LOAD"
ASKER = "U0ASKER"
QUESTIONS = Path(__file__).resolve().parent / "questions" / "dev.jsonl"
# Out of every 20 requests.
MIX = (
    "/group",
    "/claim",
    "thread",
    "/digest status",
    "mention",
    "/group",
    "/claim",
    "thread",
    "/group",
    "/claim",
    "/digest status",
    "mention",
    "/group",
    "/claim",
    "thread",
    "/group",
    "/claim",
    "thread",
    "/digest status",
    "mention",
)
KINDS = ("/group", "/claim", "/digest status", "thread", "mention")
ACK_ONLY = "/group help"  # `/group` alone: its help, answered in the ack, nothing after
ALL_KINDS = (*KINDS, ACK_ONLY)


def mix_of(kinds: list[str]) -> tuple[str, ...]:
    """MIX with only `kinds` (in its proportions), or ACK_ONLY alone."""
    unknown = set(kinds) - set(ALL_KINDS)
    if unknown:
        raise SystemExit(f"unknown kinds {sorted(unknown)}; known: {', '.join(ALL_KINDS)}")
    return tuple(kind for kind in MIX if kind in kinds) + ((ACK_ONLY,) if ACK_ONLY in kinds else ())


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SLACK_WAITS = 3.0  # seconds Slack waits for an answer before it calls the request failed


# --- The Slack stand-in, in a process of its own ---------------------------------------


class TimedStandIn(SlackStandIn):
    """The stand-in, noting when each answer arrives: (time.monotonic(), key), where key
    is "response_url/<name>" or "post/<channel>/<thread_ts>". CLOCK_MONOTONIC is one
    clock for every process of the machine, so these compare with the generator's."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, str]] = []

    def _record(self, call: RecordedCall) -> None:
        if call.method == "response_url":
            self.arrivals.append((time.monotonic(), f"response_url/{call.args.get('name')}"))
        super()._record(call)

    def _answer(
        self, method: str, args: dict[str, Any], headers: dict[str, str], *, record: bool = True
    ) -> dict[str, Any]:
        body = super()._answer(method, args, headers, record=record)
        if method == "chat.postMessage" and body.get("ok"):
            key = f"post/{args.get('channel')}/{args.get('thread_ts') or ''}"
            self.arrivals.append((time.monotonic(), key))
        return body


def stand_in_process(connection: Connection) -> None:
    """Serve the stand-in and answer the bench's questions about it until told to stop."""
    with TimedStandIn() as slack:
        connection.send((slack.base_url, slack.token))
        while (request := connection.recv()) != "stop":
            match request:
                case ("arrivals", since):
                    connection.send([item for item in slack.arrivals if item[0] >= since])
                case ("calls", method):
                    connection.send(len(slack.calls_to(method)))
                case ("top_level", channel):
                    connection.send([message.ts for message in slack.top_level(channel)])
                case ("pid",):
                    connection.send(os.getpid())


class StandIn:
    """The parent's handle on the stand-in process."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")  # before any thread or connection
        self._connection, child = context.Pipe()
        self.process = context.Process(target=stand_in_process, args=(child,), daemon=True)
        self.process.start()
        self._lock = threading.Lock()
        self.base_url, self.token = self._connection.recv()

    def ask(self, *request: Any) -> Any:
        with self._lock:
            self._connection.send(request)
            return self._connection.recv()

    def response_url(self, name: str) -> str:
        return f"{self.base_url.removesuffix('/api/')}/response_url/{name}"

    def stop(self) -> None:
        with suppress(OSError):
            self._connection.send("stop")
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=10)


# --- The server ------------------------------------------------------------------------


@contextmanager
def serving(
    database_url: str, stand_in: StandIn, workers: int, log: Path
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`sitrep serve` on 127.0.0.1 with `workers` workers, stopped on the way out."""
    port = free_port()
    environment = {
        **os.environ,
        "SITREP_DATABASE_URL": database_url,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": stand_in.token or "",
        "SLACK_API_BASE_URL": stand_in.base_url,
        "SITREP_LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(workers),
    }
    with log.open("wb") as errors:
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stderr=errors,
            cwd=Path(__file__).resolve().parent.parent,
        )
    try:
        wait_until_up(port)
        # Each worker's App calls auth.test once when it is built.
        deadline = time.monotonic() + 120
        while stand_in.ask("calls", "auth.test") < workers:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"not all {workers} workers started; see {log}")
            time.sleep(0.2)
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def cpu_by_process(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds used so far by each of these processes still running."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return used


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_process(pids).values())


def database_backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving the store's database (none for SQLite)."""
    database = make_url(database_url).database
    if make_url(database_url).get_backend_name() != "postgresql" or not database:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if command.startswith("postgres:") and f" {database} " in command:
                found.append(int(entry.name))
    return found


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (every process, every core)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (a web worker's answering processes)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(OSError):  # a thread that ended since
            for child in (task / "children").read_text().split():
                found += [int(child), *children(int(child))]
    return found


# --- Requests --------------------------------------------------------------------------


@dataclass
class Sent:
    kind: str
    answer_key: str  # what the stand-in will note when the answer arrives
    due: float
    started: float
    finished: float
    status: int | None
    error: str | None


class Traffic:
    """The n-th request of the mix, signed at the moment it is sent."""

    def __init__(
        self, stand_in: StandIn, digest_ts: str, label: str, mix: tuple[str, ...] = MIX
    ) -> None:
        self.mix = mix
        self.requests = SlackRequests(SECRET)
        self.stand_in = stand_in
        self.digest_ts = digest_ts
        self.label = label  # keeps names and ts apart between the warm-up and the run
        self.questions = [
            json.loads(line)["question"]
            for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]

    def build(self, number: int) -> tuple[str, str, dict[str, str], str]:
        """(kind, body, headers, answer key) of request `number` ("" when nothing follows
        the ack)."""
        kind = self.mix[number % len(self.mix)]
        question = self.questions[number % len(self.questions)]
        if kind.startswith("/"):
            command, _, text = kind.partition(" ")
            if kind == ACK_ONLY:
                text = ""
            elif command == "/group":
                text = GROUP_QUERIES[number % len(GROUP_QUERIES)]
            elif command == "/claim":
                text = CLAIM_QUERIES[number % len(CLAIM_QUERIES)]
            name = f"{self.label}{number}"
            body = self.requests.command_body(
                command,
                text,
                user=ASKER,
                channel=CHANNEL,
                response_url=self.stand_in.response_url(name),
            )
            headers = self.requests.headers(body, "application/x-www-form-urlencoded")
            return kind, body, headers, "" if kind == ACK_ONLY else f"response_url/{name}"
        ts = f"{self.label}{number:06d}.000100"  # unique, and never a digest's ts
        event: dict[str, Any] = {
            "type": "message",
            "user": ASKER,
            "text": question,
            "ts": ts,
            "thread_ts": self.digest_ts,
            "channel": CHANNEL,
        }
        if kind == "mention":
            event = {**event, "type": "app_mention", "text": f"<@U0SITREP> {question}"}
            del event["thread_ts"]
        body = self.requests.event_body(event, event_id=f"Ev{self.label}{number:08d}")
        headers = self.requests.headers(body, "application/json")
        # A mention is answered in a thread of its own; a reply, in the digest's thread.
        thread = ts if kind == "mention" else self.digest_ts
        return kind, body, headers, f"post/{CHANNEL}/{thread}"


NOT_SENT = "not sent"


def send(port: int, traffic: Traffic, number: int, due: float, end: float | None = None) -> Sent:
    """Request `number`, due at `due`; not sent at all when no client was free before `end`."""
    kind, body, headers, key = traffic.build(number)
    if end is not None and time.monotonic() > end:
        now = time.monotonic()
        return Sent(kind, key, due, now, now, None, NOT_SENT)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.monotonic()
    status, error = None, None
    try:
        connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as problem:
        error = type(problem).__name__
    finally:
        connection.close()
    return Sent(kind, key, due, started, time.monotonic(), status, error)


def generate(
    port: int, traffic: Traffic, *, rate: float, requests: int, seconds: float, concurrency: int
) -> list[Sent]:
    """Send the requests (open loop at `rate`, or back to back when it is 0)."""
    start = time.monotonic() + 0.05
    end = start + seconds
    with ThreadPoolExecutor(concurrency, thread_name_prefix="client") as pool:
        if rate > 0:
            futures = []
            for number in range(requests):
                due = start + number / rate
                if due >= end:
                    break
                if (wait := due - time.monotonic()) > 0:
                    time.sleep(wait)
                # The last requests, due just before the end, are started a moment after it
                # without having waited for a client: a second's grace keeps them sent.
                futures.append(pool.submit(send, port, traffic, number, due, end + 1.0))
            return [future.result() for future in futures]
        numbers = iter(range(requests))
        lock = threading.Lock()

        def client() -> list[Sent]:
            sent = []
            while time.monotonic() < end:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    break
                sent.append(send(port, traffic, number, time.monotonic()))
            return sent

        return [item for done in pool.map(lambda _: client(), range(concurrency)) for item in done]


def answers(stand_in: StandIn, sent: list[Sent], since: float, drain: float) -> dict[str, Any]:
    """Wait up to `drain` seconds for the answers to `sent`, then match them."""
    expected = Counter(item.answer_key for item in sent if item.status == 200 and item.answer_key)
    deadline = time.monotonic() + drain
    while True:
        arrivals = stand_in.ask("arrivals", since)
        got = Counter(key for _, key in arrivals)
        if all(got[key] >= count for key, count in expected.items()):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    first_arrival = {}
    for when, key in arrivals:
        first_arrival.setdefault(key, when)
    by_kind: dict[str, list[float]] = defaultdict(list)
    counts: Counter[str] = Counter()
    for item in sent:
        if item.status != 200 or not item.answer_key:
            continue
        if item.kind == "thread":
            continue  # every reply goes to the same thread: counted below, not matched
        if item.answer_key in first_arrival:
            counts[item.kind] += 1
            by_kind[item.kind].append(first_arrival[item.answer_key] - item.started)
    thread_key = next((item.answer_key for item in sent if item.kind == "thread"), None)
    counts["thread"] = min(got[thread_key], expected[thread_key]) if thread_key else 0
    last = max((when for when, _ in arrivals), default=since)
    return {"times": by_kind, "counts": counts, "last": last}


# --- Running ---------------------------------------------------------------------------


def load_figures(sent: list[Sent]) -> dict[str, Any]:
    went = [item for item in sent if item.error != NOT_SENT]
    ok = [item for item in went if item.status == 200]
    span = max(item.finished for item in went) - min(item.due for item in went)
    return {
        "due": len(sent),
        "sent": len(went),
        "ok": len(ok),
        "errors": Counter(
            f"{item.kind}: {item.error or f'HTTP {item.status}'}"
            for item in sent
            if item.status != 200
        ),
        "throughput": len(ok) / span,
        "span": span,
        "times": [item.finished - item.due for item in ok],
        "late": sum(1 for item in ok if item.finished - item.due > SLACK_WAITS),
        "service": [item.finished - item.started for item in ok],
        "by_kind": {
            kind: [item.finished - item.due for item in ok if item.kind == kind]
            for kind in ALL_KINDS
        },
        "by_slice": by_slice(ok),
    }


def by_slice(ok: list[Sent], seconds: float = 5.0) -> dict[int, list[float]]:
    """HTTP response times by the `seconds` of sending their requests were due in: a
    p95 made by the first seconds (new questions worked out) shows apart from the rest."""
    first = min((item.due for item in ok), default=0.0)
    slices: dict[int, list[float]] = defaultdict(list)
    for item in ok:
        slices[int((item.due - first) // seconds)].append(item.finished - item.due)
    return dict(sorted(slices.items()))


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.0f} ms" if values else "-"


def post_digest(port: int, stand_in: StandIn) -> str:
    """/digest now in the bench channel; the digest's ts, once its thread is complete."""
    requests = SlackRequests(SECRET)
    body = requests.command_body(
        "/digest", "now", user=ASKER, channel=CHANNEL, response_url=stand_in.response_url("now")
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/slack/events",
        body=body.encode(),
        headers=requests.headers(body, "application/x-www-form-urlencoded"),
    )
    status = connection.getresponse().status
    connection.close()
    deadline = time.monotonic() + 60
    while not (posted := stand_in.ask("top_level", CHANNEL)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if status != 200 or not posted:
        raise SystemExit(f"/digest now did not post a digest (HTTP {status})")
    settle(stand_in)
    return str(posted[0])


def idle(pids: list[int], longest: float = 300.0) -> None:
    """Wait until these processes stop working (under 5% of a core for a second): the
    warm-up's answers may still be computed after the stand-in has gone quiet."""
    deadline = time.monotonic() + longest
    used = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = cpu_seconds(pids)
        if now - used < 0.05:
            return
        used = now


def settle(stand_in: StandIn, quiet: float = 2.0, longest: float = 120.0) -> None:
    """Wait until nothing has reached the stand-in for `quiet` seconds."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        recent = stand_in.ask("arrivals", time.monotonic() - quiet)
        if not recent:
            return
        time.sleep(0.5)


def log_problems(server_log: Path, offset: int) -> Counter[str]:
    """The server's warnings and errors after `offset` bytes, without their times, counted."""
    problems: Counter[str] = Counter()
    with server_log.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    for line in lines:
        for level in (" WARNING ", " ERROR ", " CRITICAL ", "[ERROR]", "[CRITICAL]"):
            if level in line:
                problems[level.strip(" []") + " " + line.split(level, 1)[1][:120]] += 1
    return problems


def report(
    figures: dict[str, Any],
    answered: dict[str, Any],
    options: argparse.Namespace,
    cpu: dict[str, float],
    server_log: tuple[Path, int],
) -> bool:
    times, errors = figures["times"], figures["errors"]
    print(
        f"{figures['due']:,} requests due over {options.seconds:.0f} s at most; "
        f"sent {figures['sent']:,}; answered 200: {figures['ok']:,}; "
        f"errors: {sum(errors.values()):,}"
        + (f" ({', '.join(f'{k} {v:,}' for k, v in errors.items())})" if errors else "")
    )
    print(
        f"throughput {figures['throughput']:.1f} requests/s; HTTP response time "
        f"p50 {ms(times, 0.5)}, p95 {ms(times, 0.95)}, p99 {ms(times, 0.99)}, "
        f"max {ms(times, 1.0)}; answered 200 but after Slack's {SLACK_WAITS:.0f} s: "
        f"{figures['late']:,} (from the send alone, without the wait for a free client: "
        f"p50 {ms(figures['service'], 0.5)}, p95 {ms(figures['service'], 0.95)})"
    )
    print(
        "  p95 by 5 s of sending: "
        + ", ".join(
            f"{index * 5}-{index * 5 + 5} s {ms(values, 0.95)}"
            for index, values in figures["by_slice"].items()
        )
    )
    for kind in ALL_KINDS:
        values = figures["by_kind"][kind]
        if not values:
            continue
        after = answered["times"].get(kind, [])
        line = (
            f"  {kind:<15} {len(values):>6,} acked: p50 {ms(values, 0.5):>8}, "
            f"p95 {ms(values, 0.95):>8}"
        )
        if kind != ACK_ONLY:
            line += f"; answered afterwards {answered['counts'][kind]:,}/{len(values):,}"
        if after:
            line += f", request to answer p50 {ms(after, 0.5)}, p95 {ms(after, 0.95)}"
        print(line)
    elapsed = max(answered["last"], answered["start"] + figures["span"]) - answered["start"]
    print(
        f"last answer arrived {elapsed:.1f} s after the first request was due "
        f"(sending took {figures['span']:.1f} s)"
    )
    print(
        "CPU seconds while sending and answering: "
        + ", ".join(f"{name} {value:.1f}" for name, value in cpu.items())
        + f" (the machine had {os.cpu_count()} cores x {elapsed:.1f} s)"
    )
    working = cpu["server"] + cpu.get("PostgreSQL", 0.0)
    print(
        f"CPU per request answered 200 (server{' + PostgreSQL' if 'PostgreSQL' in cpu else ''}, "
        f"its work after the ack included): {working / max(1, figures['ok']) * 1000:.0f} ms"
    )
    problems = log_problems(*server_log)
    print(
        f"server log while measuring: {sum(problems.values()):,} warnings and errors"
        + "".join(f"\n  {count:>6,} x {line}" for line, count in problems.most_common(6))
    )
    notes = []
    if options.kinds != ",".join(KINDS):
        notes.append(f"only {options.kinds}")
    if options.rate != 200:
        notes.append(f"{options.rate or 'as many as possible'} requests/s offered")
    met = (
        figures["throughput"] >= 200 * 0.98
        and percentile(times, 0.95) < 0.3
        and not errors
        and not problems
    )
    print(
        f"{'met' if met else 'MISSED'}: 200 requests/s with p95 under 300 ms and no errors"
        + (f" (this run: {'; '.join(notes)})" if notes else "")
    )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a .jsonl file of articles with 'text'")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--rate", type=float, default=200, help="requests/s; 0: back to back")
    parser.add_argument("--requests", type=int, default=6_000, help="at most this many")
    parser.add_argument("--seconds", type=float, default=30, help="for at most this long")
    parser.add_argument("--concurrency", type=int, default=64, help="clients at once")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring")
    parser.add_argument("--drain", type=float, default=60, help="seconds to wait for answers")
    parser.add_argument("--store-documents", type=int, default=100_000)
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help=f"only these kinds of request, in the mix's proportions: {','.join(ALL_KINDS)} "
        "('/group help' is answered in the ack alone)",
    )
    parser.add_argument("--server-log", type=Path, help="keep the server's log here")
    parser.add_argument(
        "--store-copy",
        type=Path,
        help="SQLite only: start from a copy of this store file when it exists (it must hold "
        "--store-documents documents), and keep a copy of the filled store there when not",
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to create the store's database on (default: a SQLite file)",
    )
    options = parser.parse_args()

    stand_in = StandIn()  # forked first, before any thread or database connection
    with ExitStack() as stack:
        stack.callback(stand_in.stop)
        corpus = extracted_corpus(options.corpus)
        if options.database_url:
            url = stack.enter_context(fresh_postgresql(options.database_url))
            where = "PostgreSQL"
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            where = "SQLite"
        started = time.monotonic()
        database = make_url(url).database or ""
        if options.store_copy and options.store_copy.exists() and not options.database_url:
            shutil.copyfile(options.store_copy, database)
            print(f"SQLite store copied from {options.store_copy.name}", flush=True)
        else:
            fill_store(url, corpus, options.store_documents).close()
            print(
                f"{where} store of {options.store_documents:,} documents filled in "
                f"{time.monotonic() - started:.0f} s",
                flush=True,
            )
            if options.store_copy and not options.database_url:
                shutil.copyfile(database, options.store_copy)
        log = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "serve.log"
        port, server = stack.enter_context(serving(url, stand_in, options.workers, log))
        digest_ts = post_digest(port, stand_in)
        settle(stand_in)
        warmup = Traffic(stand_in, digest_ts, "w")
        generate(
            port,
            warmup,
            rate=0,
            requests=options.warmup,
            seconds=60,
            concurrency=options.workers * 2,
        )
        settle(stand_in)
        idle([server.pid, *children(server.pid)])
        print(
            f"sitrep serve: {options.workers} workers x 8 threads on 127.0.0.1; "
            f"offering {options.rate or 'as many as possible'} requests/s "
            f"for up to {options.seconds:.0f} s or {options.requests:,} requests",
            flush=True,
        )
        processes = {
            "server": lambda: [server.pid, *children(server.pid)],
            "stand-in": lambda: [stand_in.ask("pid")],
        }
        if options.database_url:
            processes["PostgreSQL"] = lambda: database_backends(url)
        before = {name: cpu_by_process(pids()) for name, pids in processes.items()}
        log_offset = log.stat().st_size
        machine_before = machine_cpu_seconds()
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.monotonic()
        sent = generate(
            port,
            Traffic(stand_in, digest_ts, "r", mix_of(options.kinds.split(","))),
            rate=options.rate,
            requests=options.requests,
            seconds=options.seconds,
            concurrency=options.concurrency,
        )
        answered = answers(stand_in, sent, start, options.drain)
        answered["start"] = start
        cpu = {
            name: sum(
                used - before[name].get(pid, 0.0) for pid, used in cpu_by_process(pids()).items()
            )
            for name, pids in processes.items()
        }
        own = resource.getrusage(resource.RUSAGE_SELF)
        cpu["generator"] = own.ru_utime - own_before.ru_utime + own.ru_stime - own_before.ru_stime
        workers = [int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children")
                   .read_text().split()]
        memory = [resident_mib(pid) for pid in workers]
        answering = [
            resident_mib(pid)
            for pid in children(server.pid)
            if pid not in workers  # multiprocessing's resource tracker is no answerer
            and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        cpu["other processes"] = max(
            0.0, machine_cpu_seconds() - machine_before - sum(cpu.values())
        )
        if options.server_log:
            shutil.copyfile(log, options.server_log)
        print(
            f"server memory: {len(memory)} workers of {min(memory):.0f}-{max(memory):.0f} MiB "
            f"resident, the gunicorn master {resident_mib(server.pid):.0f} MiB, and "
            + (
                f"{len(answering)} answering processes of "
                f"{min(answering):.0f}-{max(answering):.0f} MiB"
                if answering
                else "no answering processes"
            )
        )
        report(load_figures(sent), answered, options, cpu, (log, log_offset))


if __name__ == "__main__":
    main()
