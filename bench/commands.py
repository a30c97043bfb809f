"""/group and /claim latency over HTTP, with a large store: request to ack, request to answer.

    python bench/commands.py ../shared/corpus/articles.jsonl [--store-documents 100000]
        [--requests 100]

Fills a SQLite store (bench/_store.py), starts `sitrep serve` on 127.0.0.1 against a
local Slack stand-in, and sends it correctly signed slash commands one after another:
/group with names, aliases and misspellings, /claim with words and figures. For each it
measures the HTTP answer (the ack) and the moment the answer reaches the stand-in's
response_url, and prints p50 and p95 of both per command.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _store import extracted_corpus, fill, filling, new_store

from digests.testing import SlackRequests, SlackStandIn

SECRET = "bench-signing-secret"
GROUP_QUERIES = ("TTP", "Baloch Liberation Army", "ISKP", "al-Qaeda", "Taliban", "Lashkar-e-Tayba")
CLAIM_QUERIES = ("6,000 fighters", "India backs BLA", "propaganda", "claimed responsibility attack")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("sitrep serve did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def send(
    port: int, requests: SlackRequests, slack: SlackStandIn, command: str, text: str, name: str
) -> tuple[float, float]:
    """Seconds to the ack and to the answer at the response_url."""
    body = requests.command_body(
        command, text, user="U0BENCH", channel="C0BENCH", response_url=slack.response_url(name)
    )
    headers = requests.headers(body, "application/x-www-form-urlencoded")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    acked = time.perf_counter() - started
    while not slack.responses(name):
        if time.perf_counter() - started > 30:
            raise SystemExit(f"no answer to {command} {text}")
        time.sleep(0.002)
    return acked, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--store-documents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100, help="per command")
    options = parser.parse_args()
    corpus = extracted_corpus(options.corpus)
    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as slack:
        database = Path(folder) / "bench.db"
        store = new_store(database)
        started = time.perf_counter()
        total = options.store_documents
        with filling(store):
            fill(store, corpus, first=0, count=total, recent=min(1000, total), total=total)
        store.close()
        print(f"filled {total:,} documents in {time.perf_counter() - started:.0f} s")
        port = free_port()
        environment = {
            **os.environ,
            "SITREP_DATABASE_URL": f"sqlite:///{database}",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": slack.token or "",
            "SLACK_API_BASE_URL": slack.base_url,
            "SITREP_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
        )
        try:
            wait_until_up(port)
            requests = SlackRequests(SECRET)
            for command, queries in (("/group", GROUP_QUERIES), ("/claim", CLAIM_QUERIES)):
                send(port, requests, slack, command, queries[0], f"warm{command}")
                acks, answers = [], []
                for number in range(options.requests):
                    ack, answer = send(
                        port,
                        requests,
                        slack,
                        command,
                        queries[number % len(queries)],
                        f"{command[1:]}{number}",
                    )
                    acks.append(ack)
                    answers.append(answer)
                ack_p50, ack_p95 = statistics.median(acks), percentile(acks, 0.95)
                answer_p50, answer_p95 = statistics.median(answers), percentile(answers, 0.95)
                print(
                    f"{command:<7} {options.requests} requests: ack p50 {ack_p50 * 1000:.0f} ms, "
                    f"p95 {ack_p95 * 1000:.0f} ms; answer p50 {answer_p50 * 1000:.0f} ms, "
                    f"p95 {answer_p95 * 1000:.0f} ms"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
