"""Extraction speed and memory over a corpus repeated to at least N words.

    python bench/extract_speed.py ARTICLES.jsonl [--words 1000000] [--runs 5] [--config-dir config]

Prints, for each run, words per second by the wall clock and by process CPU time, then
the medians and the peak memory that tracemalloc saw while extracting (Python
allocations only), measured in a separate pass because tracemalloc slows Python down.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from digests.extract.pipeline import Extractor, load_extractor


def load_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def corpus_of(texts: list[str], words: int) -> tuple[list[str], int]:
    """The texts repeated until they hold at least `words` words."""
    per_round = sum(len(text.split()) for text in texts)
    if per_round == 0:
        raise SystemExit("the corpus has no words")
    rounds = -(-words // per_round)
    return texts * rounds, per_round * rounds


def timed_run(extractor: Extractor, documents: list[str], words: int) -> tuple[float, float]:
    """Words per second by the wall clock and by this process's CPU time (which other
    processes on a shared machine do not inflate)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    for text in documents:
        extractor.extract(text)
    wall = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    return words / wall, words / cpu


def peak_memory(extractor: Extractor, documents: list[str]) -> tuple[int, int]:
    """Peak traced memory over the first and over all documents: flat memory keeps them close."""
    tracemalloc.start()
    first_peak = 0
    for number, text in enumerate(documents):
        extractor.extract(text)
        if number == len(documents) // 10:
            first_peak = tracemalloc.get_traced_memory()[1]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return first_peak, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--config-dir", type=Path, default=Path("config"))
    args = parser.parse_args(argv)

    extractor = load_extractor(args.config_dir)
    documents, words = corpus_of(load_texts(args.articles), args.words)
    extractor.extract(documents[0])  # build the watchlist matcher once, outside the timing
    speeds, cpu_speeds = [], []
    for run in range(1, args.runs + 1):
        speed, cpu_speed = timed_run(extractor, documents, words)
        speeds.append(speed)
        cpu_speeds.append(cpu_speed)
        print(
            f"run {run}: {speed:,.0f} words/s wall, {cpu_speed:,.0f} words/s CPU, over "
            f"{words:,} words in {len(documents):,} docs"
        )
    first_peak, peak = peak_memory(extractor, documents)
    print(
        f"median  {statistics.median(speeds):,.0f} words/s wall, "
        f"{statistics.median(cpu_speeds):,.0f} words/s CPU ({args.runs} runs)"
    )
    print(
        f"memory  peak {peak / 1e6:.1f} MB traced (after 10% of the documents: "
        f"{first_peak / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
