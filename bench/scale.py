"""sitrep at 100,000 documents in PostgreSQL: ingestion with extraction, commands, digests.

    python bench/scale.py ../shared/corpus/articles.jsonl [--store-documents 100000]
        [--ingest-documents 500] [--ingest-runs 1] [--requests 100] [--runs 20]
        [--only-ingest] [--profile FILE] [--sqlite]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Creates a fresh database on the PostgreSQL server of --database-url (the database named
in the URL is only used to create and drop it) and fills it with --store-documents
documents: the corpus's articles with their extracted groups, mentions, claims and links,
repeated, the newest 1,000 in the last hour (bench/_store.py's bulk path). Then, on that
store, it measures:

- /group and /claim: the listeners' work after the ack (profile or claim search, and
  rendering), called in-process with the queries of bench/commands.py, --requests each:
  p50 and p95;
- the last hour's digest, composed and rendered --runs times as in bench/digest.py: p50
  and p95;
- follow-up questions: the 159 of bench/questions/dev.jsonl, each worked out anew by
  digests.qa.answer_question (no goal: a question's answer is posted after the ack, and
  the web process works it out in an answering process): p50, p90 and p95;
- ingestion with extraction: --ingest-documents more documents (the corpus repeated, each
  made distinct, so none is a duplicate) through digests.ingest.ingest with the extractor,
  read from a .jsonl file as `sitrep ingest` reads it, in batches of ingest_batch_size:
  documents per second, and beside it the extractor's own rate on the same texts. With
  --ingest-runs N it ingests N such samples one after the other (the store grows by each)
  and reports the median rate.

--only-ingest skips the commands and the digest and measures ingestion alone; --profile
writes a cProfile of the (first) ingestion run to FILE.

With --sqlite the store is a SQLite file in a temporary folder instead (its commands and
questions measured the same way). The database is dropped at the end, whatever happens.
Only 127.0.0.1 (or a local socket) is accepted as the server.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _store import extracted_corpus, fill, filling, new_store
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from digests.extract.pipeline import load_extractor
from digests.resources import config_dir
from digests.store.engine import Store, open_store
from digests.store.extractions import sync_watchlist

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}
RECENT = 1_000  # documents in the last hour, as bench/digest.py's default window
QUESTIONS = Path(__file__).resolve().parent / "questions" / "dev.jsonl"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def milliseconds(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1000:.0f} ms, "
        f"p95 {percentile(values, 0.95) * 1000:.0f} ms"
    )


# --- Stores ------------------------------------------------------------------------


def check_local(url: str) -> None:
    """Stop unless `url` is a PostgreSQL server on this machine (127.0.0.1 or a socket)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit(f"--database-url must be a PostgreSQL URL, not {parsed.drivername}")
    if parsed.host not in LOCAL_HOSTS:
        raise SystemExit(f"--database-url must name a server on 127.0.0.1, not {parsed.host}")


@contextmanager
def fresh_sqlite() -> Iterator[str]:
    """The URL of a SQLite file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'scale.db'}"


@contextmanager
def fresh_postgresql(server_url: str) -> Iterator[str]:
    """The URL of a new, empty database on the server of `server_url`, dropped afterwards."""
    check_local(server_url)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"sitrep_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def fill_store(url: str, corpus: list[Any], total: int, recent: int = RECENT) -> Store:
    """Open the empty store at `url` (SQLite or PostgreSQL) and bulk fill it to `total`."""
    if make_url(url).get_backend_name() == "sqlite":
        store = new_store(Path(make_url(url).database or ""))
        with filling(store):
            fill(store, corpus, first=0, count=total, recent=recent, total=total)
        return store
    store = open_store(url)
    with store.session(write=True) as session:
        sync_watchlist(session, load_extractor(config_dir()).watchlist)
    fill(store, corpus, first=0, count=total, recent=recent, total=total)
    with store.engine.begin() as connection:
        # fill() writes its own document and claim ids: move their sequences past them,
        # so that later inserts (real ingestion, the app's writes) get new ones.
        for table in ("documents", "claims"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # What autovacuum would do soon after a fill: done before measuring, not during.
        connection.exec_driver_sql("VACUUM ANALYZE")
    return store


# --- Measurements --------------------------------------------------------------------


def command_times(store: Store, requests: int) -> dict[str, list[float]]:
    """Seconds of /group's and /claim's work after the ack, through their listeners."""
    from commands import CLAIM_QUERIES, GROUP_QUERIES

    from bot.listeners.commands import claim_command, group_command
    from bot.services import Services
    from digests.channel_digest import template_environment
    from digests.result_cache import ResultCache
    from digests.settings import load_settings

    settings = load_settings(None, environ={})
    services = Services(
        settings=settings,
        store=store,
        extractor=load_extractor(config_dir()),
        environment=template_environment(settings),
        # Nothing kept: the same few queries come round again and again here, and each
        # is to be measured as a first asking.
        results=ResultCache(store, size=0, seconds=0),
    )
    answers: list[dict[str, Any]] = []

    def ack(**_: Any) -> None:
        pass

    def respond(**message: Any) -> None:
        answers.append(message)

    listeners: dict[str, tuple[Callable[..., None], tuple[str, ...]]] = {
        "/group": (group_command, GROUP_QUERIES),
        "/claim": (claim_command, CLAIM_QUERIES),
    }
    times: dict[str, list[float]] = {}
    for name, (listener, queries) in listeners.items():
        times[name] = []
        for number in range(requests + 1):  # the first one warms up and is not counted
            command = {
                "team_id": "T0BENCH",
                "channel_id": "C0BENCH",
                "user_id": "U0BENCH",
                "command": name,
                "text": queries[number % len(queries)],
            }
            started = time.perf_counter()
            listener(services, ack, command, respond)
            if number:
                times[name].append(time.perf_counter() - started)
        if any("went wrong" in str(answer.get("text")) for answer in answers):
            raise SystemExit(f"{name} failed; see the log above")
    return times


def question_times(store: Store) -> list[float]:
    """Seconds to answer each question of QUESTIONS, nothing kept between them; one asked
    first to warm up is not counted."""
    from digests.qa.answer import answer_question
    from digests.qa.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(config_dir())
    actors = load_extractor(config_dir()).actors
    questions = [
        json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line
    ]
    times = []
    for number, question in enumerate([questions[0], *questions]):
        started = time.perf_counter()
        answer_question(store, question, vocabulary=vocabulary, actors=actors)
        if number:
            times.append(time.perf_counter() - started)
    return times


def ingest_rate(
    store: Store,
    corpus_path: Path,
    count: int,
    batch_size: int,
    run: int = 0,
    profile: Path | None = None,
) -> dict[str, float]:
    """Documents per second through digests.ingest.ingest with the extractor, and the
    extractor's own rate on the same texts. `run` numbers the sample, so that later runs
    ingest new documents rather than duplicates."""
    from ingest import write_copies

    from digests.documents import LoadedDocument, load_sources
    from digests.ingest import ingest

    extractor = load_extractor(config_dir())
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sample.jsonl"
        # The corpus repeated, each copy ending in its own marker line (no duplicates).
        write_copies(corpus_path, count, source, first=run * count)
        texts = [
            item.text
            for item in load_sources([str(source)], max_bytes=5_000_000)
            if isinstance(item, LoadedDocument)
        ]
        started = time.perf_counter()
        for document in texts:
            extractor.extract(document)
        extract_seconds = time.perf_counter() - started
        profiler = cProfile.Profile() if profile is not None else None
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        summary = ingest(
            store,
            load_sources([str(source)], max_bytes=5_000_000),
            batch_size=batch_size,
            extractor=extractor,
        )
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
    if summary.ingested != count or summary.duplicates or summary.failed:
        raise SystemExit(f"the sample did not go in whole: {summary.line}")
    return {
        "ingested": summary.ingested,
        "seconds": seconds,
        "rate": summary.ingested / seconds,
        "extract_rate": len(texts) / extract_seconds,
    }


def measure_commands(store: Store, options: argparse.Namespace) -> list[tuple[str, bool]]:
    """/group, /claim and the digest on `store`: prints their figures, returns their goals."""
    from digest import measure

    times = command_times(store, options.requests)
    for name, values in times.items():
        print(f"{name:<7} {len(values)} requests: {milliseconds(values)}", flush=True)
    median, p95, peak, documents = measure(store, options.runs)
    print(
        f"digest  {options.runs} runs, window {documents:,} documents: compose+render "
        f"p50 {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, peak memory {peak:.1f} MiB",
        flush=True,
    )
    questions = question_times(store)
    print(
        f"question {len(questions)} asked: {milliseconds(questions)}, "
        f"p90 {percentile(questions, 0.9) * 1000:.0f} ms",
        flush=True,
    )
    return [
        ("/group p95 < 300 ms", percentile(times["/group"], 0.95) < 0.3),
        ("/claim p95 < 300 ms", percentile(times["/claim"], 0.95) < 0.3),
        ("digest p95 < 300 ms", p95 < 0.3),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a .jsonl file of articles with 'text'")
    parser.add_argument("--store-documents", type=int, default=100_000)
    parser.add_argument("--ingest-documents", type=int, default=500)
    parser.add_argument("--ingest-runs", type=int, default=1, help="ingestion samples")
    parser.add_argument(
        "--only-ingest", action="store_true", help="measure ingestion only (no commands, digest)"
    )
    parser.add_argument("--profile", type=Path, help="cProfile output of the first ingestion")
    parser.add_argument("--requests", type=int, default=100, help="per command")
    parser.add_argument("--runs", type=int, default=20, help="digests composed")
    parser.add_argument("--batch-size", type=int, default=500, help="ingest_batch_size")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="the PostgreSQL server to create the benchmark's database on (default: %(default)s)",
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="a SQLite file in a temporary folder instead"
    )
    options = parser.parse_args()
    total = options.store_documents
    corpus = extracted_corpus(options.corpus)
    print(
        f"{'SQLite' if options.sqlite else 'PostgreSQL'}, {total:,} documents "
        f"(the newest {min(RECENT, total):,} in the last hour); "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; python {sys.version.split()[0]}",
        flush=True,
    )
    fresh = fresh_sqlite() if options.sqlite else fresh_postgresql(options.database_url)
    with fresh as url:
        started = time.perf_counter()
        store = fill_store(url, corpus, total, min(RECENT, total))
        print(f"filled {total:,} documents in {time.perf_counter() - started:.0f} s", flush=True)
        try:
            goals = [] if options.only_ingest else measure_commands(store, options)
            rates = []
            for run in range(options.ingest_runs):
                rate = ingest_rate(
                    store,
                    options.corpus,
                    options.ingest_documents,
                    options.batch_size,
                    run,
                    options.profile if run == 0 else None,
                )
                rates.append(rate["rate"])
                print(
                    f"ingest  {rate['ingested']:,.0f} documents with extraction into the store "
                    f"of {total + run * options.ingest_documents:,}: {rate['seconds']:.1f} s, "
                    f"{rate['rate']:,.0f} documents/s "
                    f"(extraction alone: {rate['extract_rate']:,.0f} documents/s)",
                    flush=True,
                )
            if len(rates) > 1:
                print(
                    f"ingest  median of {len(rates)} runs: {statistics.median(rates):,.0f} "
                    f"documents/s (runs: {', '.join(f'{r:,.0f}' for r in rates)})",
                    flush=True,
                )
        finally:
            store.close()
    goals.append(
        (
            "ingestion with extraction >= 100 documents/s",
            statistics.median(rates) >= 100,
        )
    )
    for goal, met in goals:
        print(f"{'met' if met else 'MISSED'}: {goal}")


if __name__ == "__main__":
    main()
