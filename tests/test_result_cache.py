"""Results kept between requests: given again while the store is unchanged, never after."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from digests.documents import load_sources
from digests.extract.pipeline import Extractor, load_extractor
from digests.ingest import ingest
from digests.resources import config_dir
from digests.result_cache import ResultCache, Shared, store_version
from digests.store.engine import Store
from digests.store.kept import keep_result
from digests.store.models import KeptResult


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(config_dir())


def add_document(store: Store, extractor: Extractor, folder: Path, name: str) -> None:
    path = folder / f"{name}.txt"
    path.write_text(
        f"{name}\n\nA spokesman for the Baloch Liberation Army said on Monday that the "
        f"BLA attacked a checkpoint near {name}.\n",
        encoding="utf-8",
    )
    summary = ingest(store, load_sources([str(path)], max_bytes=100_000), extractor=extractor)
    assert summary.ingested == 1


class Counting:
    """A computation that says how often it ran."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self) -> str:
        self.runs += 1
        return f"result {self.runs}"


def test_kept_while_the_store_is_unchanged_then_computed_again(store, extractor, tmp_path) -> None:
    results, compute = ResultCache(store, size=8, seconds=60), Counting()
    assert results.get("/group BLA", compute) == "result 1"
    assert results.get("/group BLA", compute) == "result 1"
    assert results.get("/group TTP", compute) == "result 2"  # another key
    add_document(store, extractor, tmp_path, "Turbat")
    assert results.get("/group BLA", compute) == "result 3"
    assert results.get("/group BLA", compute) == "result 3"


def test_the_version_grows_with_documents_and_claims(store, extractor, tmp_path) -> None:
    empty = store_version(store)
    assert empty == (0, 0)
    add_document(store, extractor, tmp_path, "Gwadar")
    documents, claims = store_version(store)
    assert documents > 0 and claims > 0


def test_entries_expire(store) -> None:
    now = [0.0]
    results, compute = ResultCache(store, size=8, seconds=60, timer=lambda: now[0]), Counting()
    results.get("q", compute)
    now[0] = 59.0
    assert results.get("q", compute) == "result 1"
    now[0] = 61.0
    assert results.get("q", compute) == "result 2"


def test_size_or_seconds_zero_keeps_nothing(store) -> None:
    for results in (ResultCache(store, size=0, seconds=60), ResultCache(store, size=8, seconds=0)):
        compute = Counting()
        results.get("q", compute)
        assert results.get("q", compute) == "result 2"


def test_a_failure_is_not_kept(store) -> None:
    results, compute = ResultCache(store, size=8, seconds=60), Counting()

    def failing() -> str:
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        results.get("q", failing)
    assert results.get("q", compute) == "result 1"


def test_the_oldest_entries_make_room(store) -> None:
    results, compute = ResultCache(store, size=2, seconds=60), Counting()
    for key in ("a", "b", "c"):
        results.get(key, compute)
    assert results.get("c", compute) == "result 3"
    assert results.get("a", compute) == "result 4"  # made room for c


AS_TEXT: Shared[str] = Shared(lambda result: {"text": result}, lambda value: value["text"])


class Clock:
    """The time of day, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def kept_rows(store: Store) -> int:
    with store.session() as session:
        return session.query(KeptResult).count()


def test_a_shared_result_worked_out_by_one_process_is_given_by_another(
    store, extractor, tmp_path
) -> None:
    # Two caches on one store stand for two web processes.
    first, second = ResultCache(store, size=8, seconds=60), ResultCache(store, size=8, seconds=60)
    compute = Counting()
    assert first.get("who said that?", compute, shared=AS_TEXT) == "result 1"
    assert second.get("who said that?", compute, shared=AS_TEXT) == "result 1"
    assert compute.runs == 1
    # Not shared: each process works its result out.
    assert second.get("/group BLA", compute) == "result 2"
    assert first.get("/group BLA", compute) == "result 3"
    add_document(store, extractor, tmp_path, "Turbat")
    assert second.get("who said that?", compute, shared=AS_TEXT) == "result 4"
    assert first.get("who said that?", compute, shared=AS_TEXT) == "result 4"


def test_a_shared_result_expires_and_old_ones_are_pruned(store) -> None:
    clock = Clock()
    first = ResultCache(store, size=8, seconds=60, clock=clock)
    second = ResultCache(store, size=8, seconds=60, clock=clock)
    compute = Counting()
    first.get("q1", compute, shared=AS_TEXT)
    first.get("q2", compute, shared=AS_TEXT)
    clock.now += timedelta(seconds=59)
    assert second.get("q1", compute, shared=AS_TEXT) == "result 1"
    clock.now += timedelta(seconds=2)
    assert second.get("q2", compute, shared=AS_TEXT) == "result 3"  # kept 61 s ago: expired
    assert kept_rows(store) == 1  # writing q2 again pruned q1's old row


def test_a_kept_result_the_store_cannot_give_is_worked_out_again(store) -> None:
    results, compute = ResultCache(store, size=8, seconds=60), Counting()
    version = ":".join(map(str, store_version(store)))
    for key in ("old format", "not data"):
        hashed = hashlib.sha256(repr(key).encode()).hexdigest()
        keep_result(
            store, hashed, version, {"unexpected": 1}, now=datetime.now(UTC),
            since=datetime.now(UTC) - timedelta(seconds=60),
        )
        assert results.get(key, compute, shared=AS_TEXT).startswith("result")
    assert compute.runs == 2
    with store.session(write=True) as session:
        session.execute(text("DROP TABLE kept_results"))
    # The store failing to give or keep a result costs only its computation.
    assert ResultCache(store, size=8, seconds=60).get("q", compute, shared=AS_TEXT) == "result 3"


def test_at_most_computing_results_are_worked_out_at_once(store) -> None:
    results = ResultCache(store, size=8, seconds=60, computing=2)
    lock, running, most = threading.Lock(), [0], [0]

    def slow() -> str:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.5)
        with lock:
            running[0] -= 1
        return "done"

    threads = [
        threading.Thread(target=results.get, args=(f"q{n}", slow), daemon=True) for n in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert most[0] == 2


def test_a_result_computed_within_another_takes_no_second_turn(store) -> None:
    results = ResultCache(store, size=8, seconds=60, computing=1)
    answers: list[str] = []

    def answer() -> str:
        claims = results.get("the thread's claims", lambda: "claims")
        return f"answer from {claims}"

    thread = threading.Thread(
        target=lambda: answers.append(results.get("question", answer)), daemon=True
    )
    thread.start()
    thread.join(timeout=30)
    assert answers == ["answer from claims"]
