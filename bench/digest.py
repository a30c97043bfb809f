"""Digest composition and rendering: a window of new documents in a large store.

    python bench/digest.py ../shared/corpus/articles.jsonl [--store-documents 100000]
        [--window-documents 1000] [--runs 20]

Fills a fresh SQLite store with the corpus's documents and their extracted groups,
mentions, claims and links, repeated to --store-documents (each article is extracted
once; the copies are written with bulk inserts, so filling takes minutes, not hours).
The newest --window-documents documents fall in the last hour. Then it composes and
renders the last hour's digest --runs times and prints the median and p95 time and the
peak memory of one digest; it does so first with a tenth of the store and again with
all of it, so the ratio shows whether the cost follows the window or the store.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from digests.compose import Window, compose_digest
from digests.extract.model import Extraction
from digests.extract.pipeline import load_extractor
from digests.render import make_environment, render_digest
from digests.resources import config_dir
from digests.store.engine import Store, open_store
from digests.store.extractions import group_ids, sync_watchlist
from digests.store.models import Claim, ClaimGroup, ClaimLink, Document, Mention

NOW = datetime.now(UTC)


def extracted_corpus(corpus: Path) -> list[tuple[dict[str, str], Extraction]]:
    extractor = load_extractor(config_dir())
    articles = [
        json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [(article, extractor.extract(article["text"])) for article in articles]


def fill(
    store: Store,
    corpus: list[tuple[dict[str, str], Extraction]],
    *,
    first: int,
    count: int,
    recent: int,
    total: int,
) -> None:
    """Documents first..first+count-1; the last `recent` of all `total` fall in the last hour."""
    with store.session(write=True) as session:
        ids = group_ids(session)
    batch = 2000
    for start in range(first, first + count, batch):
        numbers = range(start, min(start + batch, first + count))
        with store.session(write=True) as session:
            documents, mentions, claims, about, links = [], [], [], [], []
            for number in numbers:
                article, extraction = corpus[number % len(corpus)]
                document_id = number + 1
                age = (
                    timedelta(minutes=50 * (total - number) / recent)
                    if number >= total - recent
                    else timedelta(days=60 * (total - number) / total, hours=2)
                )
                text = f"{article['text'][:600]} (copy {number})"
                documents.append(
                    {
                        "id": document_id,
                        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                        "external_id": f"{article['id']}-{number}",
                        "title": article.get("title") or article["id"],
                        "url": article.get("url"),
                        "outlet": article.get("outlet"),
                        "published": None,
                        "source": "bench",
                        "text": text,
                        "word_count": len(text.split()),
                        "ingested_at": NOW - age,
                    }
                )
                for mention in extraction.mentions:
                    mentions.append(
                        {
                            "document_id": document_id,
                            "group_id": ids[mention.group],
                            "surface": mention.surface,
                            "start": mention.start,
                            "end": mention.end,
                            "via": mention.via,
                        }
                    )
                for index, claim in enumerate(extraction.claims):
                    claim_id = document_id * 100 + index
                    claims.append(
                        {
                            "id": claim_id,
                            "document_id": document_id,
                            "claimant": claim.claimant,
                            "claimant_role": claim.claimant_role,
                            "claimant_org": claim.claimant_org,
                            "cue": claim.cue,
                            "stance": claim.stance,
                            "text": claim.text,
                            "sentence": claim.sentence,
                            "hedges": list(claim.hedges),
                            "evidence": list(claim.evidence),
                            "numbers": list(claim.numbers),
                            "places": list(claim.places),
                            "quote": claim.quote,
                            "start": claim.start,
                            "end": claim.end,
                        }
                    )
                    about += [
                        {"claim_id": claim_id, "group_id": ids[name]}
                        for name in dict.fromkeys(claim.about)
                        if name in ids
                    ]
                    # The same article one corpus round earlier tells the same story.
                    if number - len(corpus) >= first and index == 0:
                        earlier = (number - len(corpus) + 1) * 100
                        links.append(
                            {
                                "claim_id": claim_id,
                                "other_claim_id": earlier,
                                "kind": "corroborates",
                            }
                        )
            session.execute(insert(Document), documents)
            if mentions:
                session.execute(insert(Mention), mentions)
            if claims:
                session.execute(insert(Claim), claims)
            if about:
                session.execute(insert(ClaimGroup), about)
            if links:
                session.execute(insert(ClaimLink), links)


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
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        with store.session(write=True) as session:
            sync_watchlist(session, load_extractor(config_dir()).watchlist)
        # A tenth of the store first (old documents only), then the window, then the rest.
        tenth = total // 10
        old = total - recent
        figures = []
        started = time.perf_counter()
        fill(store, corpus, first=0, count=tenth - recent, recent=recent, total=total)
        fill(store, corpus, first=old, count=recent, recent=recent, total=total)
        figures.append((tenth, *measure(store, options.runs)))
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
