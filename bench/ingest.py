"""Ingestion speed and peak memory: the corpus repeated to N documents into a SQLite store.

    python bench/ingest.py ../shared/corpus/articles.jsonl [--copies 10000] [--runs 3]
        [--extract] [--store-documents 0] [--batch-size 500]

Each run is a separate process (so its peak memory is its own) that loads and stores
the documents exactly as `sitrep ingest` does. Prints documents per second (median
over runs) and peak resident memory, for N and for N/10 documents, and their ratio:
memory that stays flat when the batch grows tenfold shows that nothing is read whole.

With --extract, documents are ingested with extraction (groups, mentions, claims and
links), as `sitrep ingest` does with the configured vocabularies; each run then also
reports the longest time a batch held the store's write lock. With --store-documents
N, every run starts from a store already holding N documents (bench/_store.py's bulk
fill, made once and copied), rather than an empty one.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, SessionTransaction

    from digests.store.engine import Store

STORE_FILE = "bench.db"


def write_copies(corpus: Path, copies: int, target: Path, first: int = 0) -> None:
    """`copies` documents cycling through the corpus, each made distinct by a marker line
    (numbered from `first`, so that samples written with different `first`s differ)."""
    articles = [
        json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    with target.open("w", encoding="utf-8") as out:
        for number in range(first, first + copies):
            article = dict(articles[number % len(articles)])
            article["id"] = f"{article.get('id', 'doc')}-copy{number}"
            article["text"] = f"{article['text']}\n\nBenchmark copy {number}."
            article.pop("origin", None)
            out.write(json.dumps(article) + "\n")


def filled_store(corpus: Path, count: int, folder: Path) -> Path:
    """A SQLite store in `folder` holding `count` copies of the corpus's articles."""
    from _store import extracted_corpus, fill, filling, new_store

    store = new_store(folder / STORE_FILE)
    with filling(store):
        fill(store, extracted_corpus(corpus), first=0, count=count, recent=0, total=count)
    store.close()
    return folder / STORE_FILE


def child(source: Path, store_dir: Path, batch_size: int, extract: bool) -> None:
    from digests.documents import load_sources
    from digests.extract.pipeline import load_extractor
    from digests.ingest import ingest
    from digests.resources import config_dir
    from digests.store.engine import open_store

    store = open_store(f"sqlite:///{store_dir / STORE_FILE}")
    extractor = load_extractor(config_dir()) if extract else None
    locks: list[float] = []
    with timing_write_sessions(store, locks):
        started = time.perf_counter()
        summary = ingest(
            store,
            load_sources([str(source)], max_bytes=5_000_000),
            batch_size=batch_size,
            extractor=extractor,
        )
        elapsed = time.perf_counter() - started
    store.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "ingested": summary.ingested,
                "failed": summary.failed,
                "seconds": elapsed,
                "peak_mib": peak_kib / 1024,
                "longest_lock": max(locks, default=0.0),
            }
        )
    )


@contextmanager
def timing_write_sessions(store: Store, seconds: list[float]) -> Iterator[None]:
    """Append to `seconds` how long each write transaction of `store` lasts, from its
    first statement to its commit (SQLite holds its write lock all that time)."""
    began: dict[int, float] = {}

    def begin(session: Session, *_: object) -> None:
        began.setdefault(id(session), time.perf_counter())

    def end(session: Session, transaction: SessionTransaction) -> None:
        # The outermost transaction's end; a savepoint's (begin_nested) is not the lock's.
        if transaction.parent is None and id(session) in began:
            seconds.append(time.perf_counter() - began.pop(id(session)))

    hooks = {"after_begin": begin, "after_transaction_end": end}
    for name, hook in hooks.items():
        event.listen(store.write_sessions, name, hook)
    try:
        yield
    finally:
        for name, hook in hooks.items():
            event.remove(store.write_sessions, name, hook)


def measure(
    source: Path, batch_size: int, extract: bool, template: Path | None
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as store_dir:
        if template is not None:
            shutil.copyfile(template, Path(store_dir) / STORE_FILE)
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(source),
                store_dir,
                str(batch_size),
                "extract" if extract else "plain",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a .jsonl file of articles with 'text'")
    parser.add_argument("--copies", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--extract", action="store_true", help="ingest with extraction")
    parser.add_argument(
        "--store-documents", type=int, default=0, help="documents in the store to begin with"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        template = None
        if options.store_documents:
            started = time.perf_counter()
            folder = Path(work) / "template"
            folder.mkdir()
            template = filled_store(options.corpus, options.store_documents, folder)
            print(
                f"filled a store of {options.store_documents:,} documents in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        figures = {}
        for count in (options.copies // 10, options.copies):
            source = Path(work) / f"corpus-{count}.jsonl"
            # Numbered past the filled store's copies, so none is a duplicate.
            write_copies(options.corpus, count, source, first=options.store_documents)
            runs = [
                measure(source, options.batch_size, options.extract, template)
                for _ in range(options.runs)
            ]
            assert all(run["ingested"] == count and run["failed"] == 0 for run in runs), runs
            rates = [run["ingested"] / run["seconds"] for run in runs]
            peaks = [run["peak_mib"] for run in runs]
            locks = [run["longest_lock"] for run in runs]
            figures[count] = (statistics.median(rates), statistics.median(peaks))
            print(
                f"{count:>7} documents ({source.stat().st_size / 1e6:.1f} MB): "
                f"median {figures[count][0]:,.0f} documents/s "
                f"(runs: {', '.join(f'{r:,.0f}' for r in rates)}), "
                f"peak memory {figures[count][1]:.0f} MiB, "
                f"longest write lock {statistics.median(locks):.2f} s (median of runs)",
                flush=True,
            )
        small, large = figures[options.copies // 10], figures[options.copies]
        print(
            f"peak memory ratio {options.copies} / {options.copies // 10} documents: "
            f"{large[1] / small[1]:.2f}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "extract")
    else:
        main()
