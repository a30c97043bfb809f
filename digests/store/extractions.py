"""Writing extraction results (groups, mentions, claims, links) and reading claims back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from digests.extract.links import link_claims as relate_all
from digests.extract.model import Claim, Extraction, FoundGroup
from digests.extract.watchlist import Watchlist, name_key
from digests.store.engine import Store
from digests.store.models import Claim as ClaimRow
from digests.store.models import ClaimGroup, ClaimLink, Group, Mention

# How many earlier claims about the same groups a new claim is compared with.
_LINK_CANDIDATES = 100


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


def save_extraction(
    session: Session,
    document_id: int,
    extraction: Extraction,
    ids: dict[str, int],
    speakers: Mapping[str, int] | None = None,
) -> list[StoredClaim]:
    """Store one document's mentions and claims; `ids` (group name -> id) is kept up to date.

    `speakers` (see speaker_ids) tells which claims a group makes itself; without it only
    a source named exactly as a stored group counts.
    """
    about_names = {name for claim in extraction.claims for name in claim.about}
    mention_names = {mention.group for mention in extraction.mentions}
    _ensure_groups(session, ids, extraction.groups, sorted(about_names | mention_names))
    if extraction.mentions:
        session.execute(
            insert(Mention),
            [
                {
                    "document_id": document_id,
                    "group_id": ids[mention.group],
                    "surface": mention.surface,
                    "start": mention.start,
                    "end": mention.end,
                    "via": mention.via,
                }
                for mention in extraction.mentions
            ],
        )
    stored: list[StoredClaim] = []
    for claim in extraction.claims:
        claim_id = session.execute(
            insert(ClaimRow)
            .values(
                document_id=document_id,
                speaker_group_id=_speaker(claim, ids, speakers),
                **claim_values(claim),
            )
            .returning(ClaimRow.id)
        ).scalar_one()
        if claim.about:
            session.execute(
                insert(ClaimGroup),
                [
                    {"claim_id": claim_id, "group_id": ids[name]}
                    for name in dict.fromkeys(claim.about)
                ],
            )
        stored.append(StoredClaim(claim_id, document_id, claim))
    return stored


def _speaker(claim: Claim, ids: dict[str, int], speakers: Mapping[str, int] | None) -> int | None:
    for source in (claim.claimant_org, claim.claimant):
        if not source:
            continue
        found = ids.get(source) or (speakers or {}).get(name_key(source))
        if found is not None:
            return found
    return None


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
    found = {
        row.id: row for row in session.scalars(select(ClaimRow).where(ClaimRow.id.in_(claim_ids)))
    }
    return [
        StoredClaim(claim_id, found[claim_id].document_id, _claim(found[claim_id], about[claim_id]))
        for claim_id in claim_ids
        if claim_id in found
    ]


def _claim(row: ClaimRow, about: Sequence[str]) -> Claim:
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
    by_document: dict[int, list[StoredClaim]] = defaultdict(list)
    for stored in new_claims:
        by_document[stored.document_id].append(stored)
    linked: set[tuple[int, int]] = set()  # two new documents of one batch meet twice
    for document_id, own in by_document.items():
        about = {ids[name] for stored in own for name in stored.claim.about if name in ids}
        candidates = _earlier_claims(session, document_id, about) if about else []
        pool = [*own, *candidates]
        new_ids = {stored.id for stored in own}
        rows = {}
        for link in relate_all([(str(s.document_id), s.claim) for s in pool]):
            pair = (pool[link.source].id, pool[link.target].id)
            if (pair[0] in new_ids or pair[1] in new_ids) and pair not in linked:
                rows[pair] = link.kind
                linked.add(pair)
        if rows:
            session.execute(
                insert(ClaimLink),
                [
                    {"claim_id": source, "other_claim_id": target, "kind": kind}
                    for (source, target), kind in rows.items()
                ],
            )
    return len(linked)


def _earlier_claims(session: Session, document_id: int, group_ids: set[int]) -> list[StoredClaim]:
    candidate_ids = session.scalars(
        select(ClaimGroup.claim_id)
        .join(ClaimRow, ClaimRow.id == ClaimGroup.claim_id)
        .where(ClaimGroup.group_id.in_(group_ids), ClaimRow.document_id != document_id)
        .group_by(ClaimGroup.claim_id)
        .order_by(ClaimGroup.claim_id.desc())
        .limit(_LINK_CANDIDATES)
    ).all()
    return load_claims(session, candidate_ids)


def replace_extractions(
    store: Store, extractions: Sequence[tuple[int, Extraction]]
) -> tuple[int, int]:
    """Swap these documents' stored extraction for a new one; returns (claims, links) written."""
    with store.session(write=True) as session:
        clear_extractions(session, [document_id for document_id, _ in extractions])
        ids, speakers = group_ids(session), speaker_ids(session)
        new_claims: list[StoredClaim] = []
        for document_id, extraction in extractions:
            new_claims += save_extraction(session, document_id, extraction, ids, speakers)
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
