"""Digest composition and rendering: a window of new documents in a large store.

    python bench/digest.py ../shared/corpus/articles.jsonl [--store-documents 100000]
        [--window-documents 1000] [--runs 20]

Fills a fresh SQLite store with the corpus's documents and their extracted groups,
mentions, claims and links, repeated to --store-documents (see bench/_store.py).
The newest --window-documents documents fall in the last hour. Then it composes and
renders the last hour's digest --runs times and prints the median and p95 time and the
peak memory of one digest; it does so first with a tenth of the store and again with
all of it, so the ratio shows whether the cost follows the window or the store.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from _store import NOW, extracted_corpus, fill, filling, new_store

from digests.compose import Window, compose_digest
from digests.render import make_environment, render_digest
from digests.store.engine import Store


def measure(store: Store, runs: int) -> tuple[float, float, float, int]:
    """Median and p95 seconds of compose + render, peak MiB of one, documents in the window."""
    environment = make_environment()
    window = Window(NOW - timedelta(hours=1), NOW + timedelta(minutes=1))
    times = []
    documents = 0
    for _ in range(runs):
        started = time.perf_counter()
        digest = compose_digest(store, channel_id="CBENCH", window=window)
        rendered = render_digest(digest, environment=environment)
        times.append(time.perf_counter() - started)
        documents = digest.documents
        assert rendered is not None
    tracemalloc.start()
    render_digest(
        compose_digest(store, channel_id="CBENCH", window=window), environment=environment
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, peak / 2**20, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--store-documents", type=int, default=100_000)
    parser.add_argument("--window-documents", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    total, recent = options.store_documents, options.window_documents
    corpus = extracted_corpus(options.corpus)
    with tempfile.TemporaryDirectory() as folder:
        store = new_store(Path(folder) / "bench.db")
        # A tenth of the store first (old documents only), then the window, then the rest.
        tenth = total // 10
        old = total - recent
        figures = []
        started = time.perf_counter()
        with filling(store):
            fill(store, corpus, first=0, count=tenth - recent, recent=recent, total=total)
            fill(store, corpus, first=old, count=recent, recent=recent, total=total)
        figures.append((tenth, *measure(store, options.runs)))
        with filling(store):
            fill(
                store,
                corpus,
                first=tenth - recent,
                count=old - (tenth - recent),
                recent=recent,
                total=total,
            )
        print(f"filled {total:,} documents in {time.perf_counter() - started:.0f} s")
        figures.append((total, *measure(store, options.runs)))
        store.close()
    for size, median, p95, peak, documents in figures:
        print(
            f"store {size:>7,} documents, window {documents:,}: compose+render median "
            f"{median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, peak memory {peak:.1f} MiB"
        )
    (small, *_), (large, *_) = figures
    print(
        f"ratio {large:,} / {small:,} documents: time {figures[1][1] / figures[0][1]:.2f}, "
        f"memory {figures[1][3] / figures[0][3]:.2f}"
    )


if __name__ == "__main__":
    main()
