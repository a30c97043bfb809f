"""Results kept between requests: given again while the store is unchanged, never after."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from digests.documents import load_sources
from digests.extract.pipeline import Extractor, load_extractor
from digests.ingest import ingest
from digests.resources import config_dir
from digests.result_cache import ResultCache, store_version
from digests.store.engine import Store


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
