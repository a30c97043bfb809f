"""Ingestion: documents from files, folders and feeds into the store, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from digests.documents import LoadedDocument, LoadFailure, LoadResult
from digests.store.documents import save_documents
from digests.store.engine import Store

OutcomeKind = Literal["ingested", "duplicate", "failed"]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one document (or to a file that could not be read)."""

    kind: OutcomeKind
    where: str  # file, and line or item where it applies
    detail: str  # the title, what it duplicates, or why it failed
    document_id: int | None = None


@dataclass(frozen=True, slots=True)
class IngestSummary:
    ingested: int
    duplicates: int
    failed: int

    @property
    def line(self) -> str:
        return f"ingested {self.ingested}, duplicates {self.duplicates}, failed {self.failed}"


def _batches(results: Iterable[LoadResult], size: int) -> Iterator[list[LoadResult]]:
    iterator = iter(results)
    while batch := list(islice(iterator, size)):
        yield batch


def ingest(
    store: Store,
    results: Iterable[LoadResult],
    *,
    batch_size: int = 500,
    on_outcome: Callable[[IngestOutcome], None] | None = None,
) -> IngestSummary:
    """Store every loaded document; report each outcome as it happens; count them."""
    counts = {"ingested": 0, "duplicate": 0, "failed": 0}

    def report(outcome: IngestOutcome) -> None:
        counts[outcome.kind] += 1
        if on_outcome is not None:
            on_outcome(outcome)

    for batch in _batches(results, batch_size):
        documents = [item for item in batch if isinstance(item, LoadedDocument)]
        for item in batch:
            if isinstance(item, LoadFailure):
                report(IngestOutcome("failed", item.where, item.reason))
        for saved in save_documents(store, documents) if documents else []:
            if saved.is_duplicate:
                detail = f"duplicate of document {saved.document_id} ({saved.duplicate_title})"
                report(IngestOutcome("duplicate", saved.document.where, detail, saved.document_id))
            else:
                report(
                    IngestOutcome(
                        "ingested", saved.document.where, saved.document.title, saved.document_id
                    )
                )
    return IngestSummary(counts["ingested"], counts["duplicate"], counts["failed"])
