"""Writing extraction results (groups, mentions, claims, links) and reading claims back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from digests.extract.links import claim_terms, link_terms
from digests.extract.model import Claim, Extraction, FoundGroup, GroupMention
from digests.extract.watchlist import Watchlist, name_key
from digests.store.engine import Store
from digests.store.models import Claim as ClaimRow
from digests.store.models import ClaimGroup, ClaimLink, Group, Mention

# How many earlier claims about the same groups a new claim is compared with.
_LINK_CANDIDATES = 100
# Sources repeat from claim to claim ("Police", "the Foreign Office"): their keys once.
_source_key = lru_cache(maxsize=4096)(name_key)


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """A claim as stored: its row id and document, and the claim itself."""

    id: int
    document_id: int
    claim: Claim


def sync_watchlist(session: Session, watchlist: Watchlist) -> None:
    """Make the groups table agree with the watchlist: add new groups, update changed ones."""
    stored = {row.name: row for row in session.scalars(select(Group))}
    for entry in watchlist.groups:
        values = {
            "short": entry.short,
            "kind": entry.kind,
            "aliases": list(entry.aliases),
            "on_watchlist": True,
        }
        row = stored.get(entry.name)
        if row is None:
            session.execute(insert(Group).values(name=entry.name, **values))
        elif any(getattr(row, key) != value for key, value in values.items()):
            session.execute(update(Group).where(Group.id == row.id).values(**values))
    listed = {entry.name for entry in watchlist.groups}
    dropped = [row.id for name, row in stored.items() if row.on_watchlist and name not in listed]
    if dropped:  # kept, for their mentions and claims, but no longer on the watchlist
        session.execute(update(Group).where(Group.id.in_(dropped)).values(on_watchlist=False))


def group_ids(session: Session) -> dict[str, int]:
    """Every stored group's name and id."""
    return {name: group_id for name, group_id in session.execute(select(Group.name, Group.id))}


def speaker_ids(session: Session) -> dict[str, int]:
    """Group ids by every name a group may speak under: its name and its aliases (keyed by
    `name_key`). Short names are left out: the watchlist keeps ambiguous ones ("RSF") as
    labels only."""
    index: dict[str, int] = {}
    for group_id, name, aliases in session.execute(select(Group.id, Group.name, Group.aliases)):
        for form in (*aliases, name):  # a canonical name wins over another group's alias
            index[name_key(form)] = group_id
    return index


def _ensure_groups(
    session: Session, ids: dict[str, int], groups: Iterable[FoundGroup], names: Iterable[str]
) -> None:
    """Add groups first seen in a document (not on the watchlist) to the groups table."""
    found = {group.name: group for group in groups}
    for name in [*found, *names]:
        if name in ids:
            continue
        group = found.get(name)
        result = session.execute(
            insert(Group)
            .values(
                name=name,
                short=group.short if group else name,
                kind=group.kind if group else "group",
                aliases=[],
                on_watchlist=False,
            )
            .returning(Group.id)
        )
        ids[name] = result.scalar_one()


def save_extractions(
    session: Session,
    extractions: Sequence[tuple[int, Extraction]],
    ids: dict[str, int],
    speakers: Mapping[str, int] | None = None,
) -> list[StoredClaim]:
    """Store documents' mentions and claims, as (document id, extraction) pairs; `ids`
    (group name -> id) is kept up to date. Returns the claims stored, in the order given.

    Each table gets one multi-row statement for the whole batch (a statement per row
    was most of a batch's time in the store). `speakers` (see speaker_ids) tells which
    claims a group makes itself; without it only a source named exactly as a stored
    group counts.
    """
    mentions: list[dict[str, object]] = []
    claims: list[dict[str, object]] = []
    owners: list[tuple[int, Claim]] = []
    for document_id, extraction in extractions:
        about_names = {name for claim in extraction.claims for name in claim.about}
        mention_names = {mention.group for mention in extraction.mentions}
        _ensure_groups(session, ids, extraction.groups, sorted(about_names | mention_names))
        mentions += [mention_values(document_id, mention, ids) for mention in extraction.mentions]
        for claim in extraction.claims:
            claims.append(
                {
                    "document_id": document_id,
                    "speaker_group_id": _speaker(claim, ids, speakers),
                    **claim_values(claim),
                }
            )
            owners.append((document_id, claim))
    # Core inserts, several rows a statement: the ORM's bulk path costs twice as much.
    if mentions:
        session.execute(insert(Mention.__table__), mentions)
    if not claims:
        return []
    claim_ids = _new_ids(session, ClaimRow.__table__, len(claims))
    session.execute(
        insert(ClaimRow.__table__),
        [{"id": claim_id, **row} for claim_id, row in zip(claim_ids, claims, strict=True)],
    )
    stored = [
        StoredClaim(claim_id, document_id, claim)
        for claim_id, (document_id, claim) in zip(claim_ids, owners, strict=True)
    ]
    about = [
        {"claim_id": item.id, "group_id": ids[name]}
        for item in stored
        for name in dict.fromkeys(item.claim.about)
    ]
    if about:
        session.execute(insert(ClaimGroup.__table__), about)
    return stored


def _new_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids for `count` new rows of `table`, the ones inserting them one by one would give.

    Asking for them first lets the rows go in without RETURNING, which SQLAlchemy and
    psycopg turn into statements with a placeholder per value (most of a batch's time).
    SQLite numbers a new row one past the highest id; the caller holds the write lock
    (a write session), so no one else takes these meanwhile.
    """
    if session.get_bind().dialect.name == "postgresql":
        return sorted(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": table.name, "count": count},
            )
        )
    first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def _speaker(claim: Claim, ids: dict[str, int], speakers: Mapping[str, int] | None) -> int | None:
    for source in (claim.claimant_org, claim.claimant):
        if not source:
            continue
        found = ids.get(source) or (speakers or {}).get(_source_key(source))
        if found is not None:
            return found
    return None


def mention_values(
    document_id: int, mention: GroupMention, ids: Mapping[str, int]
) -> dict[str, object]:
    """A mention's row in the mentions table; `ids` maps group names to their ids."""
    return {
        "document_id": document_id,
        "group_id": ids[mention.group],
        "surface": mention.surface,
        "start": mention.start,
        "end": mention.end,
        "via": mention.via,
    }


def claim_values(claim: Claim) -> dict[str, object]:
    """A claim's columns in the claims table (without its id and document)."""
    return {
        "claimant": claim.claimant,
        "claimant_role": claim.claimant_role,
        "claimant_org": claim.claimant_org,
        "cue": claim.cue,
        "stance": claim.stance,
        "text": claim.text,
        "sentence": claim.sentence,
        "hedges": list(claim.hedges),
        "evidence": list(claim.evidence),
        "numbers": list(claim.numbers),
        "places": list(claim.places),
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
    }


def load_claims(session: Session, claim_ids: Sequence[int]) -> list[StoredClaim]:
    """Stored claims by id, in the order given, with the names of the groups they are about."""
    if not claim_ids:
        return []
    about: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(ClaimGroup.claim_id, Group.name)
        .join(Group, Group.id == ClaimGroup.group_id)
        .where(ClaimGroup.claim_id.in_(claim_ids))
        .order_by(ClaimGroup.claim_id, Group.name)
    )
    for claim_id, name in rows:
        about[claim_id].append(name)
    # Rows rather than ORM objects: a batch's links read a few thousand claims.
    table = ClaimRow.__table__
    found = {row.id: row for row in session.execute(select(table).where(table.c.id.in_(claim_ids)))}
    return [
        StoredClaim(claim_id, found[claim_id].document_id, _claim(found[claim_id], about[claim_id]))
        for claim_id in claim_ids
        if claim_id in found
    ]


def _claim(row: Row[Any], about: Sequence[str]) -> Claim:
    return Claim(
        claimant=row.claimant,
        claimant_role=row.claimant_role,
        claimant_org=row.claimant_org,
        cue=row.cue,
        stance=row.stance,  # type: ignore[arg-type]  # stored from a Stance
        text=row.text,
        sentence=row.sentence,
        about=tuple(about),
        hedges=tuple(row.hedges),
        evidence=tuple(row.evidence),
        numbers=tuple(row.numbers),
        places=tuple(row.places),
        quote=row.quote,
        start=row.start,
        end=row.end,
    )


def link_claims(session: Session, new_claims: Sequence[StoredClaim], ids: dict[str, int]) -> int:
    """Link new claims to each other and to earlier claims they corroborate or dispute.

    Per document, its new claims are weighed against each other (a denial may answer a
    claim in its own article) and against the latest claims of other documents about
    at least one of the same groups, never the whole store. Returns the links written.
    """
    if not new_claims:
        return 0
    by_document: dict[int, list[StoredClaim]] = defaultdict(list)
    for stored in new_claims:
        by_document[stored.document_id].append(stored)
    about = {
        document_id: {ids[name] for stored in own for name in stored.claim.about if name in ids}
        for document_id, own in by_document.items()
    }
    candidates, documents = _earlier_claims(session, about, max(map(len, by_document.values())))
    # Each claim's terms once per batch: the same earlier claims meet many new ones.
    terms = {stored.id: claim_terms(stored.claim) for stored in new_claims}
    documents.update({stored.id: stored.document_id for stored in new_claims})
    older = {claim_id for found in candidates.values() for claim_id in found} - terms.keys()
    for stored in load_claims(session, sorted(older)):
        terms[stored.id] = claim_terms(stored.claim)
    # In the order the links were found, document by document; two new documents of one
    # batch meet twice, and the second meeting adds no link the first made.
    rows: dict[tuple[int, int], str] = {}
    for document_id, own in by_document.items():
        pool = [stored.id for stored in own] + candidates[document_id]
        found = link_terms([(str(documents[i]), terms[i]) for i in pool], new=len(own))
        for link in found:
            rows.setdefault((pool[link.source], pool[link.target]), link.kind)
    if rows:
        session.execute(
            insert(ClaimLink.__table__),
            [
                {"claim_id": source, "other_claim_id": target, "kind": kind}
                for (source, target), kind in rows.items()
            ],
        )
    return len(rows)


def _earlier_claims(
    session: Session, about: Mapping[int, set[int]], most_claims: int
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """For each document (its id -> the ids of the groups its claims are about), the ids of
    the latest `_LINK_CANDIDATES` claims of other documents about one of those groups,
    newest first; and the document of each claim named. `most_claims` is the most claims
    any one of the documents has.

    Fetched once for the whole batch, `_LINK_CANDIDATES + most_claims` latest claims per
    group: a document's own claims may take up to `most_claims` of a group's places, and
    every one of its candidates is among the rest.
    """
    depth = _LINK_CANDIDATES + most_claims
    latest: dict[int, list[tuple[int, int]]] = {}
    documents: dict[int, int] = {}
    for group_id in sorted(set().union(*about.values())):
        rows = session.execute(
            select(ClaimGroup.claim_id, ClaimRow.document_id)
            .join(ClaimRow, ClaimRow.id == ClaimGroup.claim_id)
            .where(ClaimGroup.group_id == group_id)
            .order_by(ClaimGroup.claim_id.desc())
            .limit(depth)
        ).all()
        latest[group_id] = [(claim_id, document_id) for claim_id, document_id in rows]
        documents.update(latest[group_id])
    candidates: dict[int, list[int]] = {}
    for document_id, group_ids in about.items():
        others = {
            claim_id
            for group_id in group_ids
            for claim_id, owner in latest[group_id]
            if owner != document_id
        }
        candidates[document_id] = sorted(others, reverse=True)[:_LINK_CANDIDATES]
    return candidates, documents


def replace_extractions(
    store: Store, extractions: Sequence[tuple[int, Extraction]]
) -> tuple[int, int]:
    """Swap these documents' stored extraction for a new one; returns (claims, links) written."""
    with store.session(write=True) as session:
        clear_extractions(session, [document_id for document_id, _ in extractions])
        ids, speakers = group_ids(session), speaker_ids(session)
        new_claims = save_extractions(session, extractions, ids, speakers)
        return len(new_claims), link_claims(session, new_claims, ids)


def clear_extractions(session: Session, document_ids: Sequence[int]) -> None:
    """Remove the mentions, claims and links of these documents (before extracting again)."""
    claim_ids = select(ClaimRow.id).where(ClaimRow.document_id.in_(document_ids))
    session.execute(
        delete(ClaimLink).where(
            ClaimLink.claim_id.in_(claim_ids) | ClaimLink.other_claim_id.in_(claim_ids)
        )
    )
    session.execute(delete(ClaimGroup).where(ClaimGroup.claim_id.in_(claim_ids)))
    session.execute(delete(ClaimRow).where(ClaimRow.document_id.in_(document_ids)))
    session.execute(delete(Mention).where(Mention.document_id.in_(document_ids)))
