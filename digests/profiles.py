"""A group's profile (`/group NAME`) and all its claims ("All claims" button), as Slack messages.

`group_profile` and `group_claims` read the store; the `render_*` functions turn their results
into Block Kit through `digests/templates/group_*.j2`, one template macro per block, so the
words live in the templates and every value is escaped for Slack by the environment.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from jinja2 import Environment
from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from digests.compose import STANCE_ORDER, ClaimView, SourceRef, load_claim_views
from digests.extract.model import GroupEntry
from digests.extract.watchlist import Watchlist, name_key
from digests.messages import SlackMessage
from digests.render import (
    MAX_BLOCKS,
    MAX_HEADER_CHARS,
    MAX_TEXT_CHARS,
    render_macro,
    sections,
    shorten,
)
from digests.store.engine import Store
from digests.store.groups import GroupRecord, all_groups, name_index, suggestions
from digests.store.models import (
    Claim,
    ClaimGroup,
    Document,
    Group,
    GroupClaimCount,
    GroupDocumentCount,
    Mention,
)

RECENT_DAYS = 7
LATEST_PER_STANCE = 3
LINKED_GROUPS = 5
# Groups named alongside a group are counted in its latest documents only (the last
# stored), so that a group named in tens of thousands is answered as fast as any.
LINKED_DOCUMENTS = 1000
SUGGESTIONS = 3
MAX_BUTTON_VALUE = 2000  # Slack's limit on a button's value
# How each watchlist relation reads from the group that has it, and from its target.
_RELATION_PHRASES = {
    "wing_of": ("wing of", "has wing"),
    "affiliate_of": ("affiliate of", "has affiliate"),
    "splinter_of": ("splinter of", "has splinter group"),
    "faction_of": ("faction of", "has faction"),
    "successor_of": ("successor of", "succeeded by"),
}
# Latest documents first; within a document, claims in reading order.
_NEWEST_FIRST = (Document.ingested_at.desc(), Document.id.desc(), Claim.start, Claim.id)
# Below this length a prefix says too little ("ta" starts half the watchlist).
_MIN_PREFIX = 3
_TOKEN_SIMILARITY = 0.8
# How many of the newest (and oldest) documents are asked whether they name a group, for
# when it was last (and first) seen, before the time of each of its documents is read.
_EDGE_DOCUMENTS = 1000
_LOOKS_PER_READ = 3
# The latest claims of each stance are looked for in the newest documents, a window at a
# time, each twice the one before, up to _CLAIM_WALK documents; then among all the claims.
_CLAIM_WINDOW = 250
_CLAIM_WALK = 4000


@dataclass(frozen=True)
class GroupProfile:
    """What sitrep knows about one group: its names, ties, how often it is seen, its claims."""

    name: str
    short: str
    kind: str
    aliases: tuple[str, ...]
    relations: tuple[str, ...]  # readable, both directions: "wing of Baloch Liberation Army"
    on_watchlist: bool
    documents_7d: int
    documents_total: int
    first_seen: datetime | None
    last_seen: datetime | None
    claims_by_stance: tuple[tuple[str, tuple[ClaimView, ...]], ...]  # latest few per stance
    linked_groups: tuple[tuple[str, int], ...]  # (group, documents naming both), most first
    sources: tuple[SourceRef, ...]  # the documents of the claims shown
    stance_counts: tuple[tuple[str, int], ...] = ()  # every claim of the group, per stance
    # linked_groups counts only the group's latest this many documents (it is named in
    # more); None when it counts all of them.
    linked_within: int | None = None


@dataclass(frozen=True)
class GroupNotFound:
    """A name that matches no group, with the groups spelt closest to it."""

    query: str
    suggestions: tuple[str, ...]


# --- reading the store ---------------------------------------------------------------


def group_profile(
    store: Store, query: str, watchlist: Watchlist, *, now: datetime
) -> GroupProfile | GroupNotFound:
    """The profile of the group `query` names (canonical name, short name or alias, any case
    or spelling of punctuation), or GroupNotFound with did-you-mean suggestions."""
    query = " ".join(query.split())
    if not query:
        return GroupNotFound("", ())
    stored = all_groups(store)
    name = _resolve(query, stored, watchlist)
    if name is None:
        return GroupNotFound(query, tuple(suggest_groups(query, _candidates(stored, watchlist))))
    entry = watchlist.by_name.get(name)
    record = next((group for group in stored if group.name == name), None)
    with store.session() as session:
        activity = _activity(session, name, now)
    by_stance = tuple(
        (stance, tuple(claim for claim in activity.latest if claim.stance == stance))
        for stance in STANCE_ORDER
        if any(claim.stance == stance for claim in activity.latest)
    )
    return GroupProfile(
        name=name,
        short=entry.short if entry else (record.short if record else name),
        kind=entry.kind if entry else (record.kind if record else "group"),
        aliases=_other_names(name, entry, record),
        relations=tuple(readable_relations(name, watchlist)),
        on_watchlist=entry is not None,
        documents_7d=activity.documents_recent,
        documents_total=activity.documents_total,
        first_seen=activity.first_seen,
        last_seen=activity.last_seen,
        claims_by_stance=by_stance,
        linked_groups=activity.linked_groups,
        linked_within=activity.linked_within,
        sources=tuple(_documents_of(claim for _, claims in by_stance for claim in claims)),
        stance_counts=tuple(
            (stance, activity.stance_counts[stance])
            for stance in STANCE_ORDER
            if activity.stance_counts.get(stance)
        ),
    )


def group_claims(
    store: Store, name: str, *, offset: int = 0, limit: int = 20
) -> tuple[list[ClaimView], int]:
    """A page of the claims about (or made by) a group, newest first, and how many there are.

    `name` is normally the canonical name from a button; any other name of the group works
    too. An unknown name has no claims.
    """
    stored = all_groups(store)
    group = next((g for g in stored if g.name == name), None)
    group = group or name_index(stored).get(name_key(name))
    if group is None or limit <= 0:
        return [], 0
    claims = claims_of_groups([group.id])
    with store.session() as session:
        total = sum(_stance_counts(session, group.id).values())
        ids = session.scalars(
            select(Claim.id)
            .join(Document, Document.id == Claim.document_id)
            .where(claims)
            .order_by(*_NEWEST_FIRST)
            .offset(max(offset, 0))
            .limit(limit)
        ).all()
        return load_claim_views(session, ids), total


def suggest_groups(
    query: str, groups: Iterable[GroupRecord], limit: int = SUGGESTIONS
) -> list[str]:
    """Groups a reader may have meant: names spelt close to `query` ("Tehrik-e-Talban"),
    then names it begins ("Lashkar") or whose words it shares ("baloch army")."""
    groups = list(groups)
    close = suggestions(query, groups, limit)
    return list(dict.fromkeys([*close, *_partial_matches(query, groups)]))[:limit]


def readable_relations(name: str, watchlist: Watchlist) -> list[str]:
    """The watchlist's ties of a group, both ways: "wing of X", then "has wing Y"."""
    entry = watchlist.by_name.get(name)
    outgoing = [
        f"{_RELATION_PHRASES[relation.kind][0]} {relation.target}"
        for relation in (entry.relations if entry else ())
    ]
    incoming = [
        f"{_RELATION_PHRASES[relation.kind][1]} {other.name}"
        for other in watchlist.groups
        for relation in other.relations
        if relation.target == name
    ]
    return list(dict.fromkeys([*outgoing, *incoming]))


@dataclass(frozen=True)
class _Activity:
    """What the store holds about a group: documents naming it, its claims, its company."""

    documents_recent: int = 0
    documents_total: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    latest: tuple[ClaimView, ...] = ()  # the latest few of each stance
    stance_counts: dict[str, int] = field(default_factory=dict)
    linked_groups: tuple[tuple[str, int], ...] = ()
    linked_within: int | None = None  # linked_groups counted in this many latest documents


def _activity(session: Session, name: str, now: datetime) -> _Activity:
    group_id = session.scalar(select(Group.id).where(Group.name == name))
    if group_id is None:  # on the watchlist, never stored: nothing seen yet
        return _Activity()
    now = now.astimezone(UTC)  # stored times are UTC (SQLite keeps no zone to convert)
    recent, total, first, last = _how_often_seen(
        session, group_id, now - timedelta(days=RECENT_DAYS), now
    )
    stance_counts = _stance_counts(session, group_id)
    return _Activity(
        documents_recent=recent,
        documents_total=total,
        first_seen=first,
        last_seen=last,
        latest=tuple(_latest_claims_by_stance(session, group_id, stance_counts)),
        stance_counts=stance_counts,
        linked_groups=tuple(_linked_groups(session, group_id)),
        linked_within=LINKED_DOCUMENTS if total > LINKED_DOCUMENTS else None,
    )


def _resolve(query: str, stored: Sequence[GroupRecord], watchlist: Watchlist) -> str | None:
    # The watchlist first: it is the configuration in force, and the store may not have
    # been synced with it since it was edited. Then groups first found in documents.
    entry = watchlist.lookup(query)
    if entry is not None:
        return entry.name
    group = name_index(stored).get(name_key(query))
    return group.name if group else None


def _candidates(stored: Sequence[GroupRecord], watchlist: Watchlist) -> list[GroupRecord]:
    """Every group a name could mean: stored ones, and watchlist ones not stored yet."""
    names = {group.name for group in stored}
    # id 0: suggestions only read names, and these groups have no row yet.
    missing = [
        GroupRecord(0, e.name, e.short, e.kind, e.aliases, True)
        for e in watchlist.groups
        if e.name not in names
    ]
    return [*stored, *missing]


def _partial_matches(query: str, groups: Sequence[GroupRecord]) -> list[str]:
    """Groups one of whose names starts with `query`, then those with all its words."""
    key = name_key(query)
    if len(key) < _MIN_PREFIX:
        return []
    words = key.split()
    ranked: list[tuple[int, int, str]] = []
    for group in groups:
        best: tuple[int, int] | None = None
        for form in (group.name, group.short, *group.aliases):
            form_key = name_key(form)
            if form_key.startswith(key):
                score = (0, len(form_key))
            elif all(_word_matches(word, form_key.split()) for word in words):
                score = (1, len(form_key))
            else:
                continue
            best = score if best is None else min(best, score)
        if best is not None:
            ranked.append((*best, group.name))
    return [name for _, _, name in sorted(ranked)]


def _word_matches(word: str, form_words: Sequence[str]) -> bool:
    return any(
        form_word == word
        or (len(word) >= _MIN_PREFIX and form_word.startswith(word))
        or difflib.SequenceMatcher(None, word, form_word).ratio() >= _TOKEN_SIMILARITY
        for form_word in form_words
    )


def _other_names(
    name: str, entry: GroupEntry | None, record: GroupRecord | None
) -> tuple[str, ...]:
    """Aliases that are more than the canonical or short name in another case or spacing."""
    aliases = entry.aliases if entry else (record.aliases if record else ())
    short = entry.short if entry else (record.short if record else "")
    taken = {name_key(name), name_key(short)}
    kept: dict[str, str] = {}
    for alias in aliases:
        if name_key(alias) not in taken:
            kept.setdefault(name_key(alias), alias)
    return tuple(kept.values())


def claims_of_groups(group_ids: Collection[int]) -> ColumnElement[bool]:
    """Claims about one of the groups, or made by one of them, as a condition on Claim rows."""
    about = select(ClaimGroup.claim_id).where(ClaimGroup.group_id.in_(group_ids))
    return or_(Claim.id.in_(about), Claim.speaker_group_id.in_(group_ids))


def _naming_documents(group_id: int) -> Select[tuple[int]]:
    """Documents naming the group; referring back to it ("the group") does not count."""
    return select(Mention.document_id).where(
        Mention.group_id == group_id, Mention.via != "anaphora"
    )


def _names(document_id: ColumnElement[int], group_id: int) -> ColumnElement[bool]:
    """Whether the document names the group: one look in the mentions index."""
    return exists().where(
        Mention.document_id == document_id,
        Mention.group_id == group_id,
        Mention.via != "anaphora",
    )


def _how_often_seen(
    session: Session, group_id: int, since: datetime, now: datetime
) -> tuple[int, int, datetime | None, datetime | None]:
    """(documents in the recent window, documents in all, first and last ingested_at).

    A group named in few documents has the time of each read. For one named in many, the
    documents of the recent window, and the newest and oldest documents, are each asked
    whether they name it, which reads far fewer rows.
    """
    # Kept by the store's triggers (migration 0007): counting them read every mention.
    total = (
        session.scalar(
            select(GroupDocumentCount.documents).where(GroupDocumentCount.group_id == group_id)
        )
        or 0
    )
    if not total:
        return 0, 0, None, None
    in_window = Document.ingested_at.between(since, now)
    window = session.scalar(select(func.count()).select_from(Document).where(in_window)) or 0
    # Reading a document's time costs about as much as _LOOKS_PER_READ looks in an index.
    if total * _LOOKS_PER_READ <= window + 2 * _EDGE_DOCUMENTS:
        return _seen_in_its_documents(session, group_id, since, now)
    last = _edge_sighting(session, group_id, newest=True)
    first = _edge_sighting(session, group_id, newest=False)
    if last is None or first is None:  # not named near either end: read each document
        return _seen_in_its_documents(session, group_id, since, now)
    recent = session.scalar(
        select(func.count()).select_from(Document).where(in_window, _names(Document.id, group_id))
    )
    return recent or 0, total, first, last


def _seen_in_its_documents(
    session: Session, group_id: int, since: datetime, now: datetime
) -> tuple[int, int, datetime | None, datetime | None]:
    """_how_often_seen from the time of each document naming the group."""
    recent = case(
        (Document.ingested_at.between(since, now), Document.id),  # COUNT skips the NULLs
    )
    row = session.execute(
        select(
            func.count(recent),
            func.count(Document.id),
            func.min(Document.ingested_at),
            func.max(Document.ingested_at),
        ).where(Document.id.in_(_naming_documents(group_id)))
    ).one()
    return row[0], row[1], _utc(row[2]), _utc(row[3])


def _edge_sighting(session: Session, group_id: int, *, newest: bool) -> datetime | None:
    """When the group was last (or first) seen, if one of the newest (or oldest)
    _EDGE_DOCUMENTS documents names it: then no document beyond them can be later (earlier).
    None if none of them names it."""
    order = (
        (Document.ingested_at.desc(), Document.id.desc())
        if newest
        else (Document.ingested_at, Document.id)
    )
    edge = (
        select(Document.id, Document.ingested_at).order_by(*order).limit(_EDGE_DOCUMENTS).subquery()
    )
    pick = func.max if newest else func.min
    return _utc(session.scalar(select(pick(edge.c.ingested_at)).where(_names(edge.c.id, group_id))))


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite returns stored times without their zone; sitrep stores them in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _latest_claims_by_stance(
    session: Session, group_id: int, counts: dict[str, int]
) -> list[ClaimView]:
    """The latest few claims of each stance, by the time their document came in.

    `counts` (claims per stance) tells how many each stance can have. The newest documents
    are read back a window at a time until every stance has its few; a stance still short
    after _CLAIM_WALK documents (the group said nothing of the kind lately) has its latest
    found among all the group's claims of that stance.
    """
    wanted = {stance: min(count, LATEST_PER_STANCE) for stance, count in counts.items() if count}
    found: dict[str, list[int]] = {stance: [] for stance in wanted}
    of_group = or_(
        Claim.speaker_group_id == group_id,
        exists().where(ClaimGroup.claim_id == Claim.id, ClaimGroup.group_id == group_id),
    )

    def short() -> list[str]:
        return [stance for stance, count in wanted.items() if len(found[stance]) < count]

    newest_first = (Document.ingested_at.desc(), Document.id.desc())
    walked, size, before = 0, _CLAIM_WINDOW, None
    while short():
        if walked >= _CLAIM_WALK:
            found.update(_latest_of_stances(session, group_id, short()))
            break
        documents = select(Document.id, Document.ingested_at).order_by(*newest_first)
        if before is not None:  # older than the last document read
            documents = documents.where(tuple_(Document.ingested_at, Document.id) < before)
        window = session.execute(documents.limit(size)).all()
        place = {row.id: number for number, row in enumerate(window)}
        rows = session.execute(
            select(Claim.id, Claim.stance, Claim.document_id, Claim.start).where(
                Claim.document_id.in_(list(place)), of_group
            )
        ).all()
        for row in sorted(rows, key=lambda row: (place[row.document_id], row.start, row.id)):
            if row.stance in found and len(found[row.stance]) < wanted[row.stance]:
                found[row.stance].append(row.id)
        if len(window) < size:  # every document read
            break
        walked += size
        size = min(size * 2, _CLAIM_WALK - walked)
        before = (window[-1].ingested_at, window[-1].id)
    return load_claim_views(session, [claim_id for ids in found.values() for claim_id in ids])


def _latest_of_stances(
    session: Session, group_id: int, stances: Collection[str]
) -> dict[str, list[int]]:
    """The latest few claims of each of `stances`, from all the group's claims of them."""
    numbered = (
        select(
            Claim.id,
            Claim.stance,
            func.row_number()
            .over(partition_by=Claim.stance, order_by=_NEWEST_FIRST)
            .label("position"),
        )
        .join(Document, Document.id == Claim.document_id)
        .where(claims_of_groups([group_id]), Claim.stance.in_(stances))
        .subquery()
    )
    latest: dict[str, list[int]] = {stance: [] for stance in stances}
    for claim_id, stance in session.execute(
        select(numbered.c.id, numbered.c.stance)
        .where(numbered.c.position <= LATEST_PER_STANCE)
        .order_by(numbered.c.position)
    ):
        latest[stance].append(claim_id)
    return latest


def _stance_counts(session: Session, group_id: int) -> dict[str, int]:
    """The group's claims per stance, as the store's triggers keep them (migration 0007)."""
    rows = session.execute(
        select(GroupClaimCount.stance, GroupClaimCount.claims).where(
            GroupClaimCount.group_id == group_id, GroupClaimCount.claims > 0
        )
    )
    return {stance: count for stance, count in rows}


def _linked_groups(session: Session, group_id: int) -> list[tuple[str, int]]:
    """The groups most often named in the same documents, with how many documents, among
    the group's latest LINKED_DOCUMENTS documents (the last stored: ids follow storing)."""
    latest = (
        _naming_documents(group_id)
        .distinct()
        .order_by(Mention.document_id.desc())
        .limit(LINKED_DOCUMENTS)
    )
    together = func.count(func.distinct(Mention.document_id))
    rows = session.execute(
        select(Group.name, together)
        .join(Mention, Mention.group_id == Group.id)
        .where(
            Mention.document_id.in_(latest),
            Mention.via != "anaphora",
            Group.id != group_id,
        )
        .group_by(Group.name)
    )
    # Sorted here, not in SQL: ties go by name alike on SQLite and PostgreSQL, whose
    # collations differ ("al-Qaeda"). A group is named alongside a few hundred at most.
    ranked = sorted(rows, key=lambda row: (-row[1], row[0].casefold(), row[0]))
    return [(name, count) for name, count in ranked[:LINKED_GROUPS]]


def _documents_of(claims: Iterable[ClaimView]) -> list[SourceRef]:
    return list({claim.source.document_id: claim.source for claim in claims}.values())


# --- rendering -----------------------------------------------------------------------

PROFILE_TEMPLATE = "group_profile.j2"
NOT_FOUND_TEMPLATE = "group_not_found.j2"
CLAIMS_TEMPLATE = "group_claims.j2"
ALIASES_SHOWN = 6
RELATIONS_SHOWN = 8


def render_group_profile(profile: GroupProfile, environment: Environment) -> SlackMessage:
    """Block Kit: header, facts, the latest claims per stance, linked groups, sources, and
    buttons for all claims ("group_all_claims") and watching ("group_watch")."""

    def part(macro: str, **values: Any) -> str:
        return render_macro(environment, PROFILE_TEMPLATE, macro, profile=profile, **values)

    counts = dict(profile.stance_counts)
    blocks: list[dict[str, Any]] = [_header(part("header"))]
    blocks += sections(
        part(
            "facts",
            aliases=profile.aliases[:ALIASES_SHOWN],
            relations=profile.relations[:RELATIONS_SHOWN],
        )
    )
    for stance, claims in profile.claims_by_stance:
        blocks += sections(
            part("stance", stance=stance, claims=claims, count=counts.get(stance, len(claims)))
        )
    if not profile.claims_by_stance:
        blocks += sections(part("no_claims"))
    if profile.linked_groups:
        blocks += sections(part("linked"))
    if profile.sources:
        blocks += sections(part("sources"))
    value = profile.name[:MAX_BUTTON_VALUE]
    actions = _actions(
        _button("group_all_claims", part("all_claims_label"), value),
        _button("group_watch", part("watch_label"), value),
    )
    blocks = [*blocks[: MAX_BLOCKS - 1], actions]
    return SlackMessage(text=shorten(part("text"), MAX_TEXT_CHARS), blocks=tuple(blocks))


def render_group_not_found(result: GroupNotFound, environment: Environment) -> SlackMessage:
    """ "No group called X. Did you mean: A, B, C?", or how to find a group's name."""
    text = render_macro(environment, NOT_FOUND_TEMPLATE, "message", result=result)
    return SlackMessage(text=shorten(text, MAX_TEXT_CHARS), blocks=tuple(sections(text)[:1]))


def render_group_claims(
    name: str,
    claims: Sequence[ClaimView],
    total: int,
    offset: int,
    environment: Environment,
) -> SlackMessage:
    """A page of a group's claims; a "group_more_claims" button (value "NAME|NEXT_OFFSET")
    when more remain. Claims that would not fit Slack's block limit go to the next page."""

    def part(macro: str, **values: Any) -> str:
        return render_macro(environment, CLAIMS_TEMPLATE, macro, name=name, total=total, **values)

    lines = [part("claim", claim=claim) for claim in claims]
    body, shown = pack_sections(lines, MAX_BLOCKS - 2)  # room for the title and the button
    first, last = offset + 1, offset + shown
    blocks = [*sections(part("title", first=first, last=last))[:1], *body]
    if not claims:
        blocks = sections(part("empty", offset=offset))[:1]
    next_offset = offset + shown
    if claims and next_offset < total:
        more = _button("group_more_claims", part("more_label"), f"{name}|{next_offset}")
        blocks.append(_actions(more))
    text = part("text", first=first, last=last, claims=claims[:shown], offset=offset)
    return SlackMessage(text=shorten(text, MAX_TEXT_CHARS), blocks=tuple(blocks))


def pack_sections(pieces: Sequence[str], max_blocks: int) -> tuple[list[dict[str, Any]], int]:
    """As many of `pieces` (in order) as fit in `max_blocks` section blocks, and how many."""
    blocks: list[dict[str, Any]] = []
    shown = 0
    for count in range(1, len(pieces) + 1):
        candidate = sections("\n\n".join(pieces[:count]))
        if len(candidate) > max_blocks:
            break
        blocks, shown = candidate, count
    return blocks, shown


def _header(text: str) -> dict[str, Any]:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": shorten(text, MAX_HEADER_CHARS)},
    }


def _button(action_id: str, label: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": shorten(label, 75)},
        "value": value,
    }


def _actions(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(buttons)}
