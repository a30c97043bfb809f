"""Which groups the documents of a period name most (App Home's "most in the news")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from digests.store.engine import Store
from digests.store.models import Document, Group, Mention


@dataclass(frozen=True, slots=True)
class GroupInTheNews:
    name: str
    short: str
    documents: int  # documents ingested since the period's start that name the group


def groups_in_the_news(store: Store, *, since: datetime, limit: int = 5) -> list[GroupInTheNews]:
    """The groups named by the most documents ingested since `since`, most first."""
    documents = func.count(func.distinct(Mention.document_id))
    query = (
        select(Group.name, Group.short, documents.label("documents"))
        .join(Mention, Mention.group_id == Group.id)
        .join(Document, Document.id == Mention.document_id)
        .where(Document.ingested_at >= since)
        .group_by(Group.id, Group.name, Group.short)
        .order_by(documents.desc(), Group.name)
        .limit(limit)
    )
    with store.session() as session:
        return [
            GroupInTheNews(row.name, row.short, row.documents) for row in session.execute(query)
        ]
