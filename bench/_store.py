"""A large store for benchmarks, filled in minutes rather than hours.

Each corpus article is extracted once; its copies, with their groups, mentions, claims
and links, are written with bulk inserts. While filling, SQLite's full-text triggers are
set aside and the index is rebuilt once at the end, so the store ends exactly as
ingestion would leave it, searchable, with its triggers back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from digests.extract.model import Extraction
from digests.extract.pipeline import load_extractor
from digests.resources import config_dir
from digests.store.engine import Store, open_store
from digests.store.extractions import claim_values, group_ids, mention_values, sync_watchlist
from digests.store.models import Claim, ClaimGroup, ClaimLink, Document, Mention

NOW = datetime.now(UTC)


def new_store(path: Path) -> Store:
    """A fresh SQLite store at `path` with the watchlist's groups."""
    store = open_store(f"sqlite:///{path}")
    with store.session(write=True) as session:
        sync_watchlist(session, load_extractor(config_dir()).watchlist)
    return store


@contextmanager
def filling(store: Store) -> Iterator[None]:
    """Full-text triggers off while bulk writing; the index rebuilt and triggers back after."""
    with store.engine.begin() as connection:
        triggers = connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_fts_%'"
            )
        ).all()
        for name, _ in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with store.engine.begin() as connection:
            for table in ("documents", "claims"):
                connection.exec_driver_sql(
                    f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')"
                )
            for _, sql in triggers:
                connection.exec_driver_sql(sql)


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
                mentions += [
                    mention_values(document_id, mention, ids) for mention in extraction.mentions
                ]
                for index, claim in enumerate(extraction.claims):
                    claim_id = document_id * 100 + index
                    claims.append(
                        {
                            "id": claim_id,
                            "document_id": document_id,
                            "speaker_group_id": ids.get(claim.claimant_org)
                            or ids.get(claim.claimant),
                            **claim_values(claim),
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
            session.execute(insert(Document.__table__), documents)
            if mentions:
                session.execute(insert(Mention.__table__), mentions)
            if claims:
                session.execute(insert(Claim.__table__), claims)
            if about:
                session.execute(insert(ClaimGroup.__table__), about)
            if links:
                session.execute(insert(ClaimLink.__table__), links)
