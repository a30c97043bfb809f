"""Full-text search over documents and claims, behind one function for every store kind.

SQLite uses the FTS5 tables (ranked by BM25; claims by the rarity of the words they
hold when any word may match); PostgreSQL its own text search over the
GIN-indexed `text_search` tsvector columns of migration 0007 (ranked by ts_rank). User
text never reaches either query language as syntax: it is cut into words first.
"""

from __future__ import annotations

import json
import math
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
    # claims).
    quoted = [_quoted(word) for word in words]
    with store.engine.connect() as connection:
        if match_all:
            return _ranked_by_bm25(connection, target, [" AND ".join(quoted)], limit, most_ranked)
        if target == "claims":
            return _ranked_by_rarity(connection, target, quoted, limit, most_ranked)
        return _ranked_by_bm25(connection, target, quoted, limit, most_ranked)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _ranked_by_bm25(
    connection: Connection, target: SearchTarget, matches: list[str], limit: int, most: int
) -> list[SearchHit]:
    """The newest `most` rows of each match, ranked by FTS5's BM25. BM25 is a sum over
    the query's words, so when any word may match, each word is a match of its own and
    a row's scores for them are added up."""
    statement = text(
        f"SELECT rowid, bm25({target}_fts) FROM {target}_fts "  # noqa: S608 (constant names)
        f"WHERE {target}_fts MATCH :match ORDER BY rowid DESC LIMIT :most"
    )
    scores: dict[int, float] = {}
    for match in matches:
        for rowid, rank in connection.execute(statement, {"match": match, "most": most}):
            # bm25() is lower for better matches; flipped so callers see higher-is-better.
            scores[rowid] = scores.get(rowid, 0.0) - float(rank)
    best = sorted(scores.items(), key=_best_first)[:limit]
    return [SearchHit(id=rowid, score=score) for rowid, score in best]


def _ranked_by_rarity(
    connection: Connection, target: SearchTarget, quoted: list[str], limit: int, most: int
) -> list[SearchHit]:
    """Rows holding any of the words, those holding more and rarer words first: BM25
    with k1 = 0, which leaves out how often a row repeats a word.

    FTS5's bm25() would weigh each word by counting every row that holds it: a read of
    the word's whole index entry, 20-40 ms for "said" among 1.5 million claims, and a
    question searches for a dozen words. Here each word's newest `most` matches are read
    alone, and a row scores BM25's inverse document frequency of each word it holds, the
    number of rows holding the word counted among those matches or estimated from them
    (_estimated_count). A claim is a sentence,
    where words seldom repeat; documents, with fifteen times fewer rows and words that
    do repeat, keep FTS5's BM25.
    """
    span = _rowid_span(connection, target)
    statement = text(
        f"SELECT rowid FROM {target}_fts "  # noqa: S608 (constant names)
        f"WHERE {target}_fts MATCH :match ORDER BY rowid DESC LIMIT :most"
    )
    scores: dict[int, float] = {}
    for match in quoted:
        rowids = connection.scalars(statement, {"match": match, "most": most}).all()
        holding = (
            _estimated_count(len(rowids), rowids[0], rowids[-1], most, span) if rowids else 0
        )
        weight = math.log(1 + (span.rows - holding + 0.5) / (holding + 0.5))
        for rowid in rowids:
            scores[rowid] = scores.get(rowid, 0.0) + weight
    best = sorted(scores.items(), key=_best_first)[:limit]
    return [SearchHit(id=rowid, score=score) for rowid, score in best]


def _best_first(hit: tuple[int, float]) -> tuple[float, int]:
    """Higher scores first; of equal ones, the newest."""
    return (-hit[1], -hit[0])


@dataclass(frozen=True, slots=True)
class _RowidSpan:
    """The rowids a table's rows lie between, and about how many rows it holds."""

    first: int
    last: int

    @property
    def rows(self) -> int:
        return self.last - self.first + 1


def _rowid_span(connection: Connection, table: str) -> _RowidSpan:
    # Two subqueries: each is one look at the end of the table's b-tree, where
    # "SELECT min(rowid), max(rowid)" would read every row.
    first, last = connection.execute(
        text(
            f"SELECT (SELECT min(rowid) FROM {table}), "  # noqa: S608 (constant names)
            f"(SELECT max(rowid) FROM {table})"
        )
    ).one()
    return _RowidSpan(1, 0) if last is None else _RowidSpan(first, last)  # empty: no rows


def _estimated_count(found: int, newest: int, oldest: int, most: int, span: _RowidSpan) -> int:
    """How many rows hold a word, from its newest `most` matches: `found` of them, at
    rowids `newest` down to `oldest`. Their number, when there are fewer; else as many as
    they are dense among the rows they lie between, over all rows (rowids grow with every
    row stored)."""
    if found < most:
        return found
    if found > 1 and newest > oldest:
        density = (found - 1) / (newest - oldest)
    else:
        density = found / max(span.last - oldest + 1, 1)
    return min(span.rows, max(found, round(density * span.rows)))


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


def stored_documents(store: Store) -> int:
    """About how many documents are stored, to weigh words by: exact on a store that
    never deleted any, without counting them (a count reads every row: 60 ms at 100,000
    documents on PostgreSQL). SQLite: the span of their rowids. PostgreSQL: the planner's
    estimate of the table's rows, once it has one (autovacuum keeps it near)."""
    with store.engine.connect() as connection:
        if store.dialect != "postgresql":
            return _rowid_span(connection, "documents").rows
        estimate = connection.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'documents'::regclass")
        ).scalar_one()
        if estimate is not None and estimate > 0:
            return round(estimate)
        return int(connection.execute(text("SELECT count(*) FROM documents")).scalar_one())


def document_frequencies(store: Store, words: Sequence[str]) -> dict[str, int]:
    """How many documents hold each word (as search matches it: "fighters" counts "fighter").

    A word held by more than COUNTED_EXACTLY documents has its number estimated from the
    newest ones: counting every row would read them all.
    """
    words = list(dict.fromkeys(word for word in words if _WORD.fullmatch(word)))
    if not words:
        return {}
    if store.dialect == "postgresql":
        return _frequencies_postgresql(store, words)
    # Up to COUNTED_EXACTLY matches are counted; a word with more has their number
    # estimated from how densely its newest matches lie (counting reads them all).
    statement = text(
        "SELECT count(*), max(rowid), min(rowid) FROM (SELECT rowid FROM documents_fts "
        "WHERE documents_fts MATCH :w ORDER BY rowid DESC LIMIT :most)"
    )
    with store.engine.connect() as connection:
        span = _rowid_span(connection, "documents")
        frequencies: dict[str, int] = {}
        for word in words:
            found, newest, oldest = connection.execute(
                statement, {"w": _quoted(word), "most": COUNTED_EXACTLY}
            ).one()
            frequencies[word] = _estimated_count(
                found, newest or 0, oldest or 0, COUNTED_EXACTLY, span
            )
        return frequencies


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
