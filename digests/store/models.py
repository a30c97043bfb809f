"""The store's tables, as SQLAlchemy 2 typed declarative models.

Schema changes ship as Alembic migrations in `migrations/versions/`; a change here
without a migration is caught by tests/store/test_migrations.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep migrations identical on SQLite and PostgreSQL.
_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        dict[str, Any]: JSON,
        list[str]: JSON,
        datetime: DateTime(timezone=True),
    }


class Document(Base):
    """One ingested document; its text is stored once per distinct content."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(300), index=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(Text)  # file path or feed URL it came from
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class Group(Base):
    """An armed group: from the watchlist, or first found in a document."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    short: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    on_watchlist: Mapped[bool] = mapped_column(Boolean, default=True)
    first_seen: Mapped[datetime] = mapped_column(default=utc_now)


class Mention(Base):
    """A place in a document where a group is named or referred back to."""

    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    surface: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    via: Mapped[str] = mapped_column(String(20))

    # Each index holds all a group's profile reads of a mention (migration 0006): the
    # documents naming a group, and the groups a document names.
    __table_args__ = (
        Index("ix_mentions_document_id_group_id_via", "document_id", "group_id", "via"),
        Index("ix_mentions_group_id_document_id_via", "group_id", "document_id", "via"),
    )


class Claim(Base):
    """An attributed assertion found in a document."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    claimant: Mapped[str] = mapped_column(Text)
    claimant_role: Mapped[str] = mapped_column(Text)
    claimant_org: Mapped[str] = mapped_column(Text)
    # The group making the claim, when its source is one ("the BLA said"); indexed with
    # the stance so a group's profile counts what it says without reading every claim.
    speaker_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL")
    )
    cue: Mapped[str] = mapped_column(String(100))
    stance: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    hedges: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[list[str]] = mapped_column(default=list)
    numbers: Mapped[list[str]] = mapped_column(default=list)
    places: Mapped[list[str]] = mapped_column(default=list)
    quote: Mapped[bool] = mapped_column(Boolean, default=False)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_claims_document_id", "document_id"),
        Index("ix_claims_speaker_group_id_stance", "speaker_group_id", "stance"),
    )


class GroupClaimCount(Base):
    """How many claims are about (or made by) a group, per stance: each claim once per
    group. Kept by triggers on claims and claim_groups (migration 0007), never by sitrep's
    code, so that a group's profile need not count its claims."""

    __tablename__ = "group_claim_counts"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    stance: Mapped[str] = mapped_column(String(20), primary_key=True)
    claims: Mapped[int] = mapped_column(Integer)


class GroupDocumentCount(Base):
    """How many documents name a group (a mention referring back to it does not count).
    Kept by triggers on mentions (migration 0007), never by sitrep's code."""

    __tablename__ = "group_document_counts"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    documents: Mapped[int] = mapped_column(Integer)


class ClaimGroup(Base):
    """Which groups a claim is about."""

    __tablename__ = "claim_groups"

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )

    # A group's claims from the index alone (the primary key starts with claim_id).
    __table_args__ = (Index("ix_claim_groups_group_id_claim_id", "group_id", "claim_id"),)


class ClaimLink(Base):
    """One claim corroborating or disputing another, across documents."""

    __tablename__ = "claim_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    other_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "corroborates" or "disputes"

    __table_args__ = (
        UniqueConstraint("claim_id", "other_claim_id"),
        Index("ix_claim_links_other_claim_id", "other_claim_id"),
    )


class Schedule(Base):
    """When a channel gets its digest, and what it watches."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[str] = mapped_column(String(40))
    cron: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    watched: Mapped[list[str]] = mapped_column(default=list)
    template: Mapped[str] = mapped_column(String(100), default="digest")
    notify_empty: Mapped[bool] = mapped_column(Boolean, default=False)  # post "nothing new"
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)


class DigestRun(Base):
    """A digest for (team, channel, period): written before it is posted (an outbox)."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(20), default="scheduled")  # or "manual"
    # pending -> posting -> posted, or failed (with `error`); see bot/delivery.py
    status: Mapped[str] = mapped_column(String(20), default="pending")
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ts: Mapped[str | None] = mapped_column(String(40))
    replies_posted: Mapped[int] = mapped_column(Integer, default=0)  # thread replies sent
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]  # when a deliverer took the run (a lease)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    posted_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "period"),
        Index("ix_digest_runs_ts", "channel_id", "ts"),
    )


class SeenEvent(Base):
    """A Slack event already handled, so a redelivery is not answered twice."""

    __tablename__ = "seen_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class SitrepPost(Base):
    """A message sitrep posted outside a digest (an answer), and the thread it belongs to,
    so that a reply in that thread is known to be a follow-up question."""

    __tablename__ = "sitrep_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str] = mapped_column(String(40))  # the message sitrep posted
    thread_ts: Mapped[str] = mapped_column(String(40))  # the thread it is in (its root)
    kind: Mapped[str] = mapped_column(String(20))  # "answer"
    question: Mapped[str] = mapped_column(Text)  # what it answered
    run_id: Mapped[int | None] = mapped_column(Integer)  # the digest whose thread it is in
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        UniqueConstraint("channel_id", "ts"),
        Index("ix_sitrep_posts_thread", "channel_id", "thread_ts"),
    )


class KeptResult(Base):
    """A result one web process worked out (a follow-up's answer, as Slack message
    data), for every process to give again while the store is unchanged (see
    digests/result_cache.py)."""

    __tablename__ = "kept_results"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of what was asked
    version: Mapped[str] = mapped_column(String(40))  # the store's version it was worked at
    kept_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
