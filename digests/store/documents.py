"""Writing documents to the store and reading them back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from digests.documents import LoadedDocument, word_count
from digests.extract.model import Extraction
from digests.store.engine import Store
from digests.store.extractions import group_ids, link_claims, save_extractions, speaker_ids
from digests.store.models import Document

if TYPE_CHECKING:
    from digests.extract.pipeline import Extractor


@dataclass(frozen=True, slots=True)
class Saved:
    """What became of one document: stored as `document_id`, or a duplicate of it."""

    document: LoadedDocument
    document_id: int
    duplicate_title: str | None = None  # set when the content was already stored

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_title is not None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: int
    title: str
    outlet: str | None
    published: datetime | None
    ingested_at: datetime
    word_count: int
    source: str
    external_id: str | None


def _row(document: LoadedDocument) -> dict[str, object]:
    return {
        "content_hash": document.content_hash,
        "external_id": document.external_id,
        "title": document.title,
        "url": document.url,
        "outlet": document.outlet,
        "published": document.published,
        "source": document.source,
        "text": document.text,
        "word_count": word_count(document.text),
    }


def _stored_by_hash(session: Session, hashes: Sequence[str]) -> dict[str, tuple[int, str]]:
    rows = session.execute(
        select(Document.content_hash, Document.id, Document.title).where(
            Document.content_hash.in_(hashes)
        )
    )
    return {content_hash: (document_id, title) for content_hash, document_id, title in rows}


def save_documents(
    store: Store, documents: Sequence[LoadedDocument], extractor: Extractor | None = None
) -> list[Saved]:
    """Store a batch in one transaction; content already stored is reported as a duplicate.

    With an `extractor`, each new document's groups, mentions and claims are stored in
    the same transaction, and its claims linked to earlier ones.
    """
    extractions: dict[str, Extraction] = {}
    if extractor is not None:
        # Extract before taking the write lock, so other writers wait as little as possible.
        with store.session() as session:
            stored = _stored_by_hash(session, list({doc.content_hash for doc in documents}))
        for document in documents:
            if document.content_hash not in stored and document.content_hash not in extractions:
                extractions[document.content_hash] = extractor.extract(document.text)
    with store.session(write=True) as session:
        known = _stored_by_hash(session, list({doc.content_hash for doc in documents}))
        fresh: dict[str, LoadedDocument] = {}
        for document in documents:
            if document.content_hash not in known:
                fresh.setdefault(document.content_hash, document)
        try:
            with session.begin_nested():
                new_ids = _insert(session, list(fresh.values()))
        except IntegrityError:
            # Another process stored some of these meanwhile: go one by one.
            new_ids = {}
            for content_hash, document in fresh.items():
                try:
                    with session.begin_nested():
                        new_ids.update(_insert(session, [document]))
                except IntegrityError:
                    known.update(_stored_by_hash(session, [content_hash]))
        if extractor is not None and new_ids:
            _save_extractions(session, extractor, fresh, new_ids, extractions)
        return _outcomes(documents, fresh, new_ids, known)


def _save_extractions(
    session: Session,
    extractor: Extractor,
    fresh: dict[str, LoadedDocument],
    new_ids: dict[str, int],
    extractions: dict[str, Extraction],
) -> None:
    ids, speakers = group_ids(session), speaker_ids(session)
    batch = [
        (document_id, extractions.get(content_hash) or extractor.extract(fresh[content_hash].text))
        for content_hash, document_id in new_ids.items()
    ]
    link_claims(session, save_extractions(session, batch, ids, speakers), ids)


def _outcomes(
    documents: Sequence[LoadedDocument],
    fresh: dict[str, LoadedDocument],
    new_ids: dict[str, int],
    known: dict[str, tuple[int, str]],
) -> list[Saved]:
    outcomes = []
    for document in documents:
        new_id = new_ids.get(document.content_hash)
        if new_id is not None and fresh.get(document.content_hash) is document:
            outcomes.append(Saved(document, new_id))
        elif document.content_hash in known:
            document_id, title = known[document.content_hash]
            outcomes.append(Saved(document, document_id, duplicate_title=title))
        else:  # the same content twice in this batch: the first one was stored
            outcomes.append(
                Saved(
                    document,
                    new_ids[document.content_hash],
                    duplicate_title=fresh[document.content_hash].title,
                )
            )
    return outcomes


def _insert(session: Session, documents: Sequence[LoadedDocument]) -> dict[str, int]:
    if not documents:
        return {}
    result = session.execute(
        insert(Document).returning(Document.content_hash, Document.id),
        [_row(document) for document in documents],
    )
    return {content_hash: document_id for content_hash, document_id in result}


def recent_documents(store: Store, limit: int = 20) -> list[DocumentSummary]:
    """The most recently ingested documents, newest first."""
    with store.session() as session:
        rows = session.scalars(
            select(Document).order_by(Document.ingested_at.desc(), Document.id.desc()).limit(limit)
        ).all()
        return [_summary(row) for row in rows]


def documents_by_id(store: Store, ids: Sequence[int]) -> list[DocumentSummary]:
    """Documents in the order of `ids` (ids not found are left out)."""
    with store.session() as session:
        rows = {
            row.id: row for row in session.scalars(select(Document).where(Document.id.in_(ids)))
        }
        return [_summary(rows[i]) for i in ids if i in rows]


def document_texts(store: Store, *, after_id: int, limit: int) -> list[tuple[int, str]]:
    """(id, text) of up to `limit` documents with ids above `after_id`, in id order."""
    with store.session() as session:
        rows = session.execute(
            select(Document.id, Document.text)
            .where(Document.id > after_id)
            .order_by(Document.id)
            .limit(limit)
        )
        return [(document_id, text) for document_id, text in rows]


def count_documents(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def _summary(row: Document) -> DocumentSummary:
    return DocumentSummary(
        id=row.id,
        title=row.title,
        outlet=row.outlet,
        published=row.published,
        ingested_at=row.ingested_at,
        word_count=row.word_count,
        source=row.source,
        external_id=row.external_id,
    )
