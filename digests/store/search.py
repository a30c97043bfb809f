"""Full-text search over documents and claims, behind one function for every store kind.

SQLite uses the FTS5 tables (ranked by BM25); PostgreSQL its own text search over the
GIN-indexed tsvector expressions that migration 0002 creates (ranked by ts_rank).
User text never reaches either query language as syntax: it is cut into words first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import text

from digests.store.engine import Store

SearchTarget = Literal["documents", "claims"]

_WORD = re.compile(r"\w+", re.UNICODE)
_COLUMNS: dict[SearchTarget, tuple[str, ...]] = {
    "documents": ("title", "text"),
    "claims": ("claimant", "claimant_org", "text", "sentence"),
}
_MAX_TERMS = 32


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A matching row: its id in `target`'s table and a score (higher is better)."""

    id: int
    score: float


def postgresql_vector(columns: tuple[str, ...]) -> str:
    """The tsvector expression searched; migration 0002 indexes exactly this text."""
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"to_tsvector('english', {joined})"


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
) -> list[SearchHit]:
    """Rows of `target` matching the words of `query`, best first.

    With `match_all`, every word must occur; otherwise any word may, and rows with
    more (and rarer) words rank higher.
    """
    words = search_words(query)
    if not words or limit <= 0:
        return []
    if store.dialect == "postgresql":
        return _search_postgresql(store, words, target, limit, match_all)
    return _search_sqlite(store, words, target, limit, match_all)


def _search_sqlite(
    store: Store, words: list[str], target: SearchTarget, limit: int, match_all: bool
) -> list[SearchHit]:
    # Each word is quoted, so FTS5 reads it as a plain string, never as an operator.
    joiner = " AND " if match_all else " OR "
    match = joiner.join('"' + word.replace('"', '""') + '"' for word in words)
    statement = text(
        f"SELECT rowid, bm25({target}_fts) AS rank FROM {target}_fts "  # noqa: S608 (constant names)
        f"WHERE {target}_fts MATCH :match ORDER BY rank LIMIT :limit"
    )
    with store.engine.connect() as connection:
        rows = connection.execute(statement, {"match": match, "limit": limit}).all()
    # bm25() is lower for better matches; flip it so callers see higher-is-better.
    return [SearchHit(id=row[0], score=-float(row[1])) for row in rows]


def _search_postgresql(
    store: Store, words: list[str], target: SearchTarget, limit: int, match_all: bool
) -> list[SearchHit]:
    vector = postgresql_vector(_COLUMNS[target])
    operator = " && " if match_all else " || "
    # plainto_tsquery per word keeps user text out of the tsquery syntax.
    query = operator.join(f"plainto_tsquery('english', :w{i})" for i in range(len(words)))
    statement = text(
        f"SELECT id, ts_rank({vector}, q) AS rank FROM {target}, ({'SELECT ' + query}) AS t(q) "  # noqa: S608
        f"WHERE {vector} @@ q ORDER BY rank DESC LIMIT :limit"
    )
    parameters: dict[str, object] = {f"w{i}": word for i, word in enumerate(words)}
    parameters["limit"] = limit
    with store.engine.connect() as connection:
        rows = connection.execute(statement, parameters).all()
    return [SearchHit(id=row[0], score=float(row[1])) for row in rows]


def document_frequencies(store: Store, words: Sequence[str]) -> dict[str, int]:
    """How many documents hold each word (as search matches it: "fighters" counts "fighter")."""
    words = list(dict.fromkeys(word for word in words if _WORD.fullmatch(word)))
    if not words:
        return {}
    if store.dialect == "postgresql":
        vector = postgresql_vector(_COLUMNS["documents"])
        statement = text(
            f"SELECT count(*) FROM documents WHERE {vector} @@ plainto_tsquery('english', :w)"  # noqa: S608
        )
        parameters = {word: word for word in words}
    else:
        statement = text("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :w")
        parameters = {word: '"' + word.replace('"', '""') + '"' for word in words}
    with store.engine.connect() as connection:
        return {
            word: int(connection.execute(statement, {"w": match}).scalar_one())
            for word, match in parameters.items()
        }
