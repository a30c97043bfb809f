"""What sitrep's listeners use, handed to them when they are registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from jinja2 import Environment

from digests.answer_processes import AnswerProcesses
from digests.extract.pipeline import Extractor
from digests.result_cache import ResultCache
from digests.settings import Settings
from digests.store.engine import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """The settings, the store, the extractor (its watchlist), the templates, the results
    kept between requests, a clock, and the processes that work out follow-up answers
    (None: the listener's own thread does)."""

    settings: Settings
    store: Store
    extractor: Extractor
    environment: Environment
    results: ResultCache
    clock: Callable[[], datetime] = utc_now
    answers: AnswerProcesses | None = None
