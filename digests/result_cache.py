"""Results kept between requests: a group's profile, a claim search, a follow-up answer.

Each is computed from the store alone, so it stays right while the store holds the same
documents and claims. Every entry carries the store's version (its newest document and
claim ids, read in one cheap query per use) and is computed again once that changes. It
also expires after `seconds`, for what the version cannot see: a re-extraction that only
removed claims, and the "3 hours ago" a message says. A team asking about the same
groups all morning then costs the store one lookup per request instead of a profile.

A result that can be written as JSON data (a follow-up's answer, `shared=`) is also kept
in the store (digests/store/kept.py), so that the other web processes give it too instead
of working it out again: behind a load balancer, a question asked again reaches another
process N-1 times in N.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from cachetools import TTLCache
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from digests.store.engine import Store
from digests.store.kept import keep_result, kept_result
from digests.store.models import Claim, Document, utc_now

T = TypeVar("T")

StoreVersion = tuple[int, int]

log = logging.getLogger("sitrep.results")


@dataclass(frozen=True, slots=True)
class Shared(Generic[T]):
    """How a result is written to the store as JSON data, and read back."""

    encode: Callable[[T], dict[str, Any]]
    decode: Callable[[dict[str, Any]], T]


def store_version(store: Store) -> StoreVersion:
    """The newest document and claim ids: both grow with every ingest and re-extraction."""
    with store.session() as session:
        documents, claims = session.execute(
            select(
                select(func.max(Document.id)).scalar_subquery(),
                select(func.max(Claim.id)).scalar_subquery(),
            )
        ).one()
    return (documents or 0, claims or 0)


class ResultCache:
    """Up to `size` results, each for at most `seconds` and while the store is unchanged.

    Thread-safe; `size=0` or `seconds=0` keeps nothing. At most `computing` results are
    computed at once (a result computed within another's computation counts once): the
    others wait their turn without taking a share of the interpreter, so that the threads
    acknowledging Slack's requests and giving kept results get it quickly. A result is
    computed outside the lock, so two threads asking the same new question may both
    compute it.
    """

    def __init__(
        self,
        store: Store,
        *,
        size: int,
        seconds: float,
        computing: int = 2,
        timer: Callable[[], float] = time.monotonic,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._turns = threading.BoundedSemaphore(computing)
        self._in_turn = threading.local()
        self._entries: TTLCache[Hashable, tuple[StoreVersion, object]] | None = (
            TTLCache(maxsize=size, ttl=seconds, timer=timer) if size > 0 and seconds > 0 else None
        )
        self._lock = threading.Lock()
        self._seconds = seconds
        self._clock = clock  # the time of day, for results kept in the store

    def get(self, key: Hashable, compute: Callable[[], T], *, shared: Shared[T] | None = None) -> T:
        """The result kept for `key` at the store's current version, or `compute()`'s.

        With `shared`, a result another process kept in the store is taken too, and a
        result computed here is kept there for the others. The store failing to give or
        keep one only costs the computation.
        """
        if self._entries is None:
            return self._in_its_turn(compute)
        version = store_version(self._store)
        with self._lock:
            kept = self._entries.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]  # type: ignore[return-value]  # stored by this key's compute
        result = self._from_store(key, version, shared) if shared else None
        if result is None:
            result = self._in_its_turn(compute)
            if shared:
                self._to_store(key, version, shared.encode(result))
        with self._lock:
            self._entries[key] = (version, result)
        return result

    def _from_store(self, key: Hashable, version: StoreVersion, shared: Shared[T]) -> T | None:
        since = self._clock() - timedelta(seconds=self._seconds)
        try:
            value = kept_result(self._store, _hashed(key), _written(version), since=since)
            return None if value is None else shared.decode(value)
        except (SQLAlchemyError, KeyError, TypeError, ValueError):
            log.warning("a result kept in the store could not be read", exc_info=True)
            return None

    def _to_store(self, key: Hashable, version: StoreVersion, value: dict[str, Any]) -> None:
        now = self._clock()
        try:
            keep_result(
                self._store, _hashed(key), _written(version), value,
                now=now, since=now - timedelta(seconds=self._seconds),
            )
        except SQLAlchemyError:
            log.warning("a result could not be kept in the store", exc_info=True)

    def _in_its_turn(self, compute: Callable[[], T]) -> T:
        if getattr(self._in_turn, "held", False):
            return compute()  # within another result's computation, in its turn
        with self._turns:
            self._in_turn.held = True
            try:
                return compute()
            finally:
                self._in_turn.held = False

    def clear(self) -> None:
        if self._entries is not None:
            with self._lock:
                self._entries.clear()


def _hashed(key: Hashable) -> str:
    """A key as the store keeps it: the same in every process (repr, not hash())."""
    return hashlib.sha256(repr(key).encode()).hexdigest()


def _written(version: StoreVersion) -> str:
    return f"{version[0]}:{version[1]}"
