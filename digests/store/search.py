"""Full-text search over documents and claims, behind one function for every store kind.

SQLite uses the FTS5 tables (ranked by BM25); PostgreSQL its own text search over the
GIN-indexed `text_search` tsvector columns of migration 0007 (ranked by ts_rank). User
text never reaches either query language as syntax: it is cut into words first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, text

from digests.store.engine import Store

SearchTarget = Literal["documents", "claims"]

_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_TERMS = 32
# How many matches of each word a search ranks at most (the newest): twice the largest
# pool a caller asks for (/claim's 50), and half the time of 200 for a question.
MOST_RANKED = 100
# PostgreSQL: a query's matches are read through its GIN index up to this many; a query
# with more has its newest matches read from the newest rows (see _newest_matches).
_FROM_INDEX = 5000
_THROUGH_THE_INDEX = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
_NEWEST_ROWS_FIRST = (
    "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = on; "
    "SET LOCAL enable_bitmapscan = off"
)
_AS_THE_PLANNER_LIKES = "RESET enable_seqscan; RESET enable_indexscan; RESET enable_bitmapscan"
# document_frequencies on PostgreSQL: words held by up to this many documents are counted;
# the others are estimated from the newest _SAMPLED documents.
COUNTED_EXACTLY = 2000
_SAMPLED = 2000


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A matching row: its id in `target`'s table and a score (higher is better)."""

    id: int
    score: float


def search_words(query: str) -> list[str]:
    """The words of a query, lowercased, without repeats, at most 32 of them."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(query.lower()):
        seen.setdefault(word, None)
    return list(seen)[:_MAX_TERMS]


def search(
    store: Store,
    query: str,
    *,
    target: SearchTarget = "documents",
    limit: int = 20,
    match_all: bool = True,
    most_ranked: int = MOST_RANKED,
) -> list[SearchHit]:
    """Rows of `target` matching the words of `query`, best first.

    With `match_all`, every word must occur; otherwise any word may, and rows with
    more (and rarer) words rank higher. Only the newest `most_ranked` matches are ranked
    (the newest of each word, when any may match), so that common words stay fast.
    """
    words = search_words(query)
    if not words or limit <= 0:
        return []
    if store.dialect == "postgresql":
        return _search_postgresql(store, words, target, limit, match_all, most_ranked)
    return _search_sqlite(store, words, target, limit, match_all, most_ranked)


def _search_sqlite(
    store: Store,
    words: list[str],
    target: SearchTarget,
    limit: int,
    match_all: bool,
    most_ranked: int,
) -> list[SearchHit]:
    # Each word is quoted, so FTS5 reads it as a plain string, never as an operator. FTS5
    # reads its matches newest first (by rowid) and stops after `most_ranked`, where
    # ranking every match of a common word would read them all (seconds at 1.5 million
    # claims). BM25 is a sum over the query's words, so when any word may match, each
    # word's newest matches are scored alone and the scores added up.
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    statement = text(
        f"SELECT rowid, bm25({target}_fts) FROM {target}_fts "  # noqa: S608 (constant names)
        f"WHERE {target}_fts MATCH :match ORDER BY rowid DESC LIMIT :most"
    )
    scores: dict[int, float] = {}
    with store.engine.connect() as connection:
        for match in [" AND ".join(quoted)] if match_all else quoted:
            for rowid, rank in connection.execute(statement, {"match": match, "most": most_ranked}):
                # bm25() is lower for better matches; flip it so callers see higher-is-better.
                scores[rowid] = scores.get(rowid, 0.0) - float(rank)
    best = sorted(scores.items(), key=lambda hit: (-hit[1], -hit[0]))[:limit]
    return [SearchHit(id=rowid, score=score) for rowid, score in best]


def _search_postgresql(
    store: Store,
    words: list[str],
    target: SearchTarget,
    limit: int,
    match_all: bool,
    most_ranked: int,
) -> list[SearchHit]:
    # plainto_tsquery per word keeps user text out of the tsquery syntax.
    queries = [f"plainto_tsquery('english', :w{i})" for i in range(len(words))]
    query = "(" + (" && " if match_all else " || ").join(queries) + ")"
    parameters: dict[str, object] = {f"w{i}": word for i, word in enumerate(words)}
    with store.engine.connect() as connection:
        # When any word may match, the newest of each word's own matches: a rare word's
        # rows are never crowded out by a common word's.
        candidates = set().union(
            *(
                _newest_matches(connection, target, one, parameters, most_ranked)
                for one in ([query] if match_all else queries)
            )
        )
        if not candidates:
            return []
        rows = connection.execute(
            text(
                f"SELECT id, ts_rank(text_search, {query}) AS rank FROM {target} "  # noqa: S608
                "WHERE id = ANY(:ids) ORDER BY rank DESC, id DESC LIMIT :limit"
            ),
            {**parameters, "ids": sorted(candidates), "limit": limit},
        ).all()
    return [SearchHit(id=row[0], score=float(row[1])) for row in rows]


def _newest_matches(
    connection: Connection,
    target: SearchTarget,
    query: str,
    parameters: dict[str, object],
    most: int,
) -> list[int]:
    """The ids of the newest `most` rows matching `query` (ids follow storing).

    The GIN index finds matching rows in no useful order, and reading each costs a visit
    to the table: fine for a rare word, not for one in half the rows. So a query the
    planner expects few matches for has them read through the index, up to _FROM_INDEX;
    one with more (expected, or found) has the newest rows read one by one, keeping those
    that match, which soon finds `most` (about most * rows / _FROM_INDEX rows read at
    worst). The planner would choose alike for both (it takes the filter to be cheap), so
    each way is prescribed for its query, for this transaction only.
    """
    matching = f"SELECT id FROM {target} WHERE text_search @@ {query}"  # noqa: S608
    plan = connection.execute(text(f"EXPLAIN (FORMAT JSON) {matching}"), parameters).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    few = plan[0]["Plan"]["Plan Rows"] < _FROM_INDEX
    ids: Sequence[int] = ()
    if few:
        connection.exec_driver_sql(_THROUGH_THE_INDEX)
        ids = connection.scalars(
            text(f"{matching} LIMIT :most"), {**parameters, "most": _FROM_INDEX}
        ).all()
    if few and len(ids) < _FROM_INDEX:
        newest = sorted(ids, reverse=True)[:most]
    else:
        connection.exec_driver_sql(_NEWEST_ROWS_FIRST)
        newest = list(
            connection.scalars(
                text(f"{matching} ORDER BY id DESC LIMIT :most"), {**parameters, "most": most}
            )
        )
    connection.exec_driver_sql(_AS_THE_PLANNER_LIKES)
    return newest


def document_frequencies(store: Store, words: Sequence[str]) -> dict[str, int]:
    """How many documents hold each word (as search matches it: "fighters" counts "fighter").

    On PostgreSQL a word held by more than COUNTED_EXACTLY documents has its number
    estimated from its share of the newest ones: counting every row would read them all.
    """
    words = list(dict.fromkeys(word for word in words if _WORD.fullmatch(word)))
    if not words:
        return {}
    if store.dialect == "postgresql":
        return _frequencies_postgresql(store, words)
    statement = text("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :w")
    with store.engine.connect() as connection:
        return {
            word: int(
                connection.execute(
                    statement, {"w": '"' + word.replace('"', '""') + '"'}
                ).scalar_one()
            )
            for word in words
        }


def _frequencies_postgresql(store: Store, words: list[str]) -> dict[str, int]:
    counted = text(
        "SELECT count(*) FROM (SELECT 1 FROM documents "
        "WHERE text_search @@ plainto_tsquery('english', :w) LIMIT :most) AS held"
    )
    with store.engine.connect() as connection:
        # Through the GIN index, at most COUNTED_EXACTLY visits to the table per word.
        connection.exec_driver_sql(_THROUGH_THE_INDEX)
        frequencies = {
            word: int(
                connection.execute(counted, {"w": word, "most": COUNTED_EXACTLY}).scalar_one()
            )
            for word in words
        }
        connection.exec_driver_sql(_AS_THE_PLANNER_LIKES)
        common = [word for word, count in frequencies.items() if count >= COUNTED_EXACTLY]
        if not common:
            return frequencies
        shares = ", ".join(
            f"count(*) FILTER (WHERE text_search @@ plainto_tsquery('english', :w{i}))"
            for i in range(len(common))
        )
        parameters: dict[str, object] = {f"w{i}": word for i, word in enumerate(common)}
        parameters["sample"] = _SAMPLED
        sample = connection.execute(
            text(
                f"SELECT count(*), {shares} FROM (SELECT text_search FROM documents "  # noqa: S608
                "ORDER BY id DESC LIMIT :sample) AS newest"
            ),
            parameters,
        ).one()
        stored = int(connection.execute(text("SELECT count(*) FROM documents")).scalar_one())
    for word, held in zip(common, sample[1:], strict=True):
        frequencies[word] = max(COUNTED_EXACTLY, round(stored * held / max(sample[0], 1)))
    return frequencies
