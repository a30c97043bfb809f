"""Ingestion speed and peak memory: the corpus repeated to N documents into a fresh SQLite store.

    python bench/ingest.py ../shared/corpus/articles.jsonl [--copies 10000] [--runs 3]

Each run is a separate process (so its peak memory is its own) that loads and stores
the documents exactly as `sitrep ingest` does. Prints documents per second (median
over runs) and peak resident memory, for N and for N/10 documents, and their ratio:
memory that stays flat when the batch grows tenfold shows that nothing is read whole.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_copies(corpus: Path, copies: int, target: Path) -> None:
    """`copies` documents cycling through the corpus, each made distinct by a marker line."""
    articles = [
        json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    with target.open("w", encoding="utf-8") as out:
        for number in range(copies):
            article = dict(articles[number % len(articles)])
            article["id"] = f"{article.get('id', 'doc')}-copy{number}"
            article["text"] = f"{article['text']}\n\nBenchmark copy {number}."
            article.pop("origin", None)
            out.write(json.dumps(article) + "\n")


def child(source: Path, store_dir: Path, batch_size: int) -> None:
    from digests.documents import load_sources
    from digests.ingest import ingest
    from digests.store.engine import open_store

    store = open_store(f"sqlite:///{store_dir / 'bench.db'}")
    started = time.perf_counter()
    summary = ingest(store, load_sources([str(source)], max_bytes=5_000_000), batch_size=batch_size)
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
            }
        )
    )


def measure(source: Path, batch_size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as store_dir:
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(source), store_dir, str(batch_size)],
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
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        figures = {}
        for count in (options.copies // 10, options.copies):
            source = Path(work) / f"corpus-{count}.jsonl"
            write_copies(options.corpus, count, source)
            runs = [measure(source, options.batch_size) for _ in range(options.runs)]
            assert all(run["ingested"] == count and run["failed"] == 0 for run in runs), runs
            rates = [run["ingested"] / run["seconds"] for run in runs]
            peaks = [run["peak_mib"] for run in runs]
            figures[count] = (statistics.median(rates), statistics.median(peaks))
            print(
                f"{count:>7} documents ({source.stat().st_size / 1e6:.1f} MB): "
                f"median {figures[count][0]:,.0f} documents/s "
                f"(runs: {', '.join(f'{r:,.0f}' for r in rates)}), "
                f"peak memory {figures[count][1]:.0f} MiB"
            )
        small, large = figures[options.copies // 10], figures[options.copies]
        print(
            f"peak memory ratio {options.copies} / {options.copies // 10} documents: "
            f"{large[1] / small[1]:.2f}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
