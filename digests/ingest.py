"""Ingestion: documents from files, folders and feeds into the store, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from digests.documents import LoadedDocument, LoadFailure, LoadResult
from digests.extract.pipeline import Extractor
from digests.store.documents import document_texts, save_documents
from digests.store.engine import Store
from digests.store.extractions import replace_extractions, sync_watchlist

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
    extractor: Extractor | None = None,
) -> IngestSummary:
    """Store every loaded document; report each outcome as it happens; count them.

    With an `extractor`, each new document's groups and claims are stored with it.
    """
    counts = {"ingested": 0, "duplicate": 0, "failed": 0}
    if extractor is not None:
        with store.session(write=True) as session:
            sync_watchlist(session, extractor.watchlist)

    def report(outcome: IngestOutcome) -> None:
        counts[outcome.kind] += 1
        if on_outcome is not None:
            on_outcome(outcome)

    for batch in _batches(results, batch_size):
        documents = [item for item in batch if isinstance(item, LoadedDocument)]
        for item in batch:
            if isinstance(item, LoadFailure):
                report(IngestOutcome("failed", item.where, item.reason))
        for saved in save_documents(store, documents, extractor) if documents else []:
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


@dataclass(frozen=True, slots=True)
class ReextractSummary:
    documents: int
    mentions: int
    claims: int
    links: int

    @property
    def line(self) -> str:
        return (
            f"re-extracted {self.documents} documents: {self.mentions} group mentions, "
            f"{self.claims} claims, {self.links} links between claims"
        )


def reextract(
    store: Store,
    extractor: Extractor,
    *,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
) -> ReextractSummary:
    """Extract every stored document again (after the vocabularies changed).

    Documents are redone in the order they were stored, a batch per transaction, so
    each batch's claims are linked to the already redone claims before them.
    """
    with store.session(write=True) as session:
        sync_watchlist(session, extractor.watchlist)
    totals = {"documents": 0, "mentions": 0, "claims": 0, "links": 0}
    after_id = 0
    while batch := document_texts(store, after_id=after_id, limit=batch_size):
        extractions = [(document_id, extractor.extract(text)) for document_id, text in batch]
        claims, links = replace_extractions(store, extractions)
        totals["documents"] += len(batch)
        totals["mentions"] += sum(len(extraction.mentions) for _, extraction in extractions)
        totals["claims"] += claims
        totals["links"] += links
        after_id = batch[-1][0]
        if on_batch is not None:
            on_batch(len(batch))
    return ReextractSummary(**totals)
