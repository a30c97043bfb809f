"""What goes into a digest: the new documents and claims of a window, ranked and clustered.

`compose_digest` reads only the window's rows (documents ingested in it, their claims,
mentions and links), so its cost follows the window, not the size of the store.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from digests.store.engine import Store
from digests.store.models import Claim, ClaimGroup, ClaimLink, Document, Group, Mention

# Stances in the order a reader cares about them, most telling first.
STANCE_ORDER = (
    "responsibility",
    "accusation",
    "denial",
    "report",
    "warning",
    "demand",
    "statement",
)
_STANCE_WEIGHT = {stance: len(STANCE_ORDER) - rank for rank, stance in enumerate(STANCE_ORDER)}
# Two claims tell the same story when this share of their content words is common.
_SAME_STORY_OVERLAP = 0.5
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
_STOPWORDS = frozenset(
    (
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "may",
        "might",
        "not",
        "no",
        "he",
        "she",
        "they",
        "their",
        "his",
        "her",
        "we",
        "our",
        "said",
        "says",
        "say",
        "told",
        "also",
    )
)


@dataclass(frozen=True, slots=True)
class Window:
    """The documents ingested after `start` and up to `end`, both held in UTC.

    The store compares times as written (SQLite keeps no offset), so a window made in
    a schedule's zone ("09:00 Asia/Karachi") is turned into UTC here, once.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None:
                raise ValueError(f"a window's {name} needs a time zone: {value.isoformat()}")
            object.__setattr__(self, name, value.astimezone(UTC))


class WindowError(ValueError):
    """A --since value sitrep cannot read; the message shows forms it can."""


_RELATIVE = re.compile(r"^\s*(\d+)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now: datetime) -> datetime:
    """The start of a window from "24h", "90m", "7d", "2w", "2026-11-01" or an ISO time."""
    relative = _RELATIVE.match(text.lower())
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)[0]
        return now - timedelta(seconds=amount * _UNIT_SECONDS[unit])
    try:
        start = datetime.fromisoformat(text.strip())
    except ValueError:
        raise WindowError(
            f"cannot read --since {text!r}; try '24h', '90m', '7d', '2026-11-01' "
            "or '2026-11-01T09:00+05:00'"
        ) from None
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    if start >= now:
        raise WindowError(f"--since {text!r} is in the future; give a time before now")
    return start


def concerned_groups(about: tuple[str, ...], speaker_group: str | None) -> tuple[str, ...]:
    """A claim's groups: those its content is about, then the group making it, if any."""
    if speaker_group and speaker_group not in about:
        return (*about, speaker_group)
    return about


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A document cited as a source."""

    document_id: int
    title: str
    outlet: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class LinkedClaim:
    """A claim on the other side of a link, shortly."""

    id: int
    claimant: str
    stance: str
    text: str
    source: SourceRef


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim as a digest shows it."""

    id: int
    claimant: str
    claimant_role: str
    claimant_org: str
    cue: str
    stance: str
    text: str
    sentence: str
    about: tuple[str, ...]
    hedges: tuple[str, ...]
    evidence: tuple[str, ...]
    numbers: tuple[str, ...]
    places: tuple[str, ...]
    quote: bool
    source: SourceRef
    speaker_group: str | None = None  # the group making the claim, when a group speaks
    also_in: tuple[SourceRef, ...] = ()  # the same story from other documents
    corroborated_by: tuple[LinkedClaim, ...] = ()
    disputed_by: tuple[LinkedClaim, ...] = ()
    disputes: tuple[LinkedClaim, ...] = ()

    @property
    def contested(self) -> bool:
        return bool(self.disputed_by or self.disputes)

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups the claim concerns: those it is about, and the group speaking."""
        return concerned_groups(self.about, self.speaker_group)

    @property
    def source_count(self) -> int:
        return 1 + len(self.also_in) + len(self.corroborated_by)


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group in focus: how much it was in the news, and its strongest claim."""

    name: str
    short: str
    kind: str
    watched: bool
    new: bool
    documents: int
    claims: int
    stances: tuple[tuple[str, int], ...]  # (stance, count), in STANCE_ORDER
    lead: ClaimView | None
    contested: bool


@dataclass(frozen=True, slots=True)
class Digest:
    """A composed digest, ready to render."""

    channel_id: str
    window: Window
    documents: int
    claims_total: int
    groups: tuple[GroupView, ...]  # in focus, in the message
    more_groups: tuple[GroupView, ...]  # beyond the cap, in the thread
    claims: tuple[ClaimView, ...]  # ranked, same stories collapsed, within the cap
    more_claims: tuple[ClaimView, ...]  # beyond the cap, in the thread
    contested: tuple[ClaimView, ...]  # claims that dispute or are disputed
    sources: tuple[SourceRef, ...]
    watched: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return self.documents == 0


# The group a claim's source is (claims.speaker_group_id), joined to read its name.
_SPEAKER = aliased(Group, name="speaker")

# The thread under a digest gives detail for the busiest groups, a few claims each: a
# reader scrolls a thread, not an archive (that is what /group's "All claims" is for).
THREAD_GROUPS = 16
THREAD_CLAIMS_PER_GROUP = 8

# What ranking reads of a claim, computed by the database: its evidence, figures and
# hedges are JSON lists that only need to be non-empty, never parsed into Python.
_EVIDENCE = func.json_array_length(Claim.evidence)
_NUMBERS = func.json_array_length(Claim.numbers)
_HEDGES = func.json_array_length(Claim.hedges)
_RANKING_COLUMNS = (Claim.id, Claim.document_id, Claim.stance, _EVIDENCE, _NUMBERS, _HEDGES)
_STANCE_WEIGHT_SQL = case(_STANCE_WEIGHT, value=Claim.stance, else_=0)

# A claim's place in the ranking, as a sort key whose last item is the claim's id (see
# _rank_key). A window holds thousands of claims, and ranking keeps only plain tuples of
# numbers and names for each: the garbage collector stops tracking those, whereas
# thousands of objects (rows, named tuples) outliving a collection bring on the next
# full collection sooner, and one costs tens of milliseconds in a large process.
_RankKey = tuple[bool, int, int, bool, bool, bool, bool, int]
# A claim as a group's lead candidate: _lead_rank, then its rank key.
_LeadKey = tuple[int, bool, int, _RankKey]
_NO_LINKS = (0, 0, 0)


def _rank_key(
    claim_id: int,
    stance: str,
    evidence: int,
    numbers: int,
    hedges: int,
    has_groups: bool,
    links: tuple[int, int, int],
) -> _RankKey:
    """Sort key, best first: claims about a group, then what the claim does (a claim of
    responsibility or an accusation before a statement), then how well it is supported.

    Watched groups come first too, but a watched channel's digest holds only claims
    about its watched groups, so that never tells two claims of one digest apart.
    """
    corroborations, disputes, disputed = links
    return (
        not has_groups,
        -_STANCE_WEIGHT.get(stance, 0),
        -corroborations,
        not (disputes or disputed),
        not evidence,
        not numbers,
        bool(hedges),
        claim_id,
    )


@dataclass(slots=True)
class _GroupClaims:
    """A group's claims in the digest: their keys, and the tallies its line shows."""

    ranks: list[_RankKey] = field(default_factory=list)
    leads: list[_LeadKey] = field(default_factory=list)
    stances: Counter[str] = field(default_factory=Counter)
    contested: bool = False  # one of its claims disputes or is disputed
    corroborated: int = 0  # the most claims corroborating one of its claims


@dataclass(slots=True)
class _Ranking:
    """The claims a digest ranks (those of the window, or about its watched groups)."""

    ranks: list[_RankKey] = field(default_factory=list)
    by_group: dict[str, _GroupClaims] = field(default_factory=lambda: defaultdict(_GroupClaims))
    disputing: list[_RankKey] = field(default_factory=list)  # claims disputing another
    document_ids: set[int] = field(default_factory=set)


def compose_digest(
    store: Store,
    *,
    channel_id: str,
    window: Window,
    watched: Sequence[str] = (),
    max_groups: int = 8,
    max_claims: int = 12,
) -> Digest:
    """The digest of `window` for a channel, filtered to `watched` groups when given.

    The database counts the window's claims, links and mentions and lists the claims
    that concern a group; those are ranked from a few columns as tuples of numbers.
    Claims about no group are read only when the digest can show them (they dispute a
    claim, or too few claims concern a group to fill the message), and only the claims
    the digest shows (the message, each group's thread section, the contested line) are
    read whole, so a window of a thousand documents costs a few queries, not thousands.
    """
    watched_set = frozenset(watched)
    in_window = select(Document.id).where(
        Document.ingested_at > window.start, Document.ingested_at <= window.end
    )
    with store.session() as session:
        connection = session.connection()
        documents = {
            row.id: SourceRef(row.id, row.title, row.outlet, row.url)
            for row in connection.execute(
                select(Document.id, Document.title, Document.outlet, Document.url)
                .where(Document.id.in_(in_window))
                .order_by(Document.ingested_at.desc(), Document.id.desc())
            )
        }
        links = _link_counts(connection, in_window)
        concerning = _concerning(connection, in_window)
        document_counts = _group_document_counts(connection, in_window)
        group_ids = {i for about, speaker, *_ in concerning.values() for i in (*about, speaker)}
        groups = _groups(connection, (group_ids | set(document_counts)) - {None})
        ranking = _rank_grouped(concerning, groups, links, watched_set)
        mention_counts = {groups[i].name: n for i, n in document_counts.items() if i in groups}
        if watched_set:
            claims_total = len(ranking.ranks)
            mention_counts = {n: count for n, count in mention_counts.items() if n in watched_set}
            naming = _documents_naming(connection, in_window, watched_set)
            naming |= ranking.document_ids
            documents = {i: ref for i, ref in documents.items() if i in naming}
        else:
            claims_total = connection.execute(
                select(func.count(Claim.id)).where(Claim.document_id.in_(in_window))
            ).scalar_one()
        ranking.ranks.sort()
        if not watched_set:  # claims about no group rank last
            room = max(0, max_claims * 3 - len(ranking.ranks))
            _add_ungrouped(connection, in_window, ranking, links, room)
        group_views = _group_views(
            ranking.by_group,
            mention_counts,
            {info.name: info for info in groups.values()},
            watched_set,
        )
        wanted = _claims_to_show(ranking, group_views, max_claims)
        views = _claim_views(connection, [key[-1] for key in sorted(wanted)], documents)
    shown = collapse_same_story(views)
    group_views = _with_leads(group_views, _by_group(shown))
    cited = _cited_sources(shown[:max_claims], group_views[:max_groups], documents)
    return Digest(
        channel_id=channel_id,
        window=window,
        documents=len(documents),
        claims_total=claims_total,
        groups=tuple(group_views[:max_groups]),
        more_groups=tuple(group_views[max_groups:]),
        claims=tuple(shown[:max_claims]),
        more_claims=tuple(shown[max_claims:]),
        contested=tuple(claim for claim in shown if claim.disputes),
        sources=cited,
        watched=tuple(sorted(watched_set)),
    )


def _link_counts(
    connection: Connection, in_window: Select[tuple[int]]
) -> dict[int, tuple[int, int, int]]:
    """For each claim of the window with links: how many claims corroborate it (either
    way), how many it disputes, and how many dispute it."""
    outgoing = (
        select(ClaimLink.claim_id, ClaimLink.kind, literal_column("1"))
        .join(Claim, Claim.id == ClaimLink.claim_id)
        .where(Claim.document_id.in_(in_window))
    )
    incoming = (
        select(ClaimLink.other_claim_id, ClaimLink.kind, literal_column("0"))
        .join(Claim, Claim.id == ClaimLink.other_claim_id)
        .where(Claim.document_id.in_(in_window))
    )
    counts: dict[int, tuple[int, int, int]] = {}
    for claim_id, kind, out in connection.execute(union_all(outgoing, incoming)):
        corroborations, disputes, disputed = counts.get(claim_id, _NO_LINKS)
        if kind != "disputes":  # corroboration goes both ways
            corroborations += 1
        elif out:
            disputes += 1
        else:
            disputed += 1
        counts[claim_id] = (corroborations, disputes, disputed)
    return counts


def _concerning(
    connection: Connection, in_window: Select[tuple[int]]
) -> dict[int, tuple[Any, ...]]:
    """The window's claims that concern a group: for each, the ids of the groups it is
    about, the id of the group speaking (or None), then `_RANKING_COLUMNS` but the id.

    Rows are read as they come and only plain tuples are kept of them (see _RankKey).
    """
    claims: dict[int, tuple[Any, ...]] = {}
    rows = connection.execute(
        select(ClaimGroup.group_id, Claim.speaker_group_id, *_RANKING_COLUMNS)
        .outerjoin(ClaimGroup, ClaimGroup.claim_id == Claim.id)
        .where(
            Claim.document_id.in_(in_window),
            or_(ClaimGroup.group_id.is_not(None), Claim.speaker_group_id.is_not(None)),
        )
    )
    for about_id, speaker_id, claim_id, document_id, stance, evidence, numbers, hedges in rows:
        about = () if about_id is None else (about_id,)
        known = claims.get(claim_id)
        if known is not None:  # one row for each group it is about
            about = known[0] + about
        claims[claim_id] = (about, speaker_id, document_id, stance, evidence, numbers, hedges)
    return claims


def _rank_grouped(
    concerning: dict[int, tuple[Any, ...]],
    groups: dict[int, _GroupInfo],
    links: dict[int, tuple[int, int, int]],
    watched: frozenset[str],
) -> _Ranking:
    """The claims that concern a group (a watched one, when given), unsorted, with each
    group's claims and tallies: one pass, keeping only keys and counts."""
    name_of = {group_id: info.name for group_id, info in groups.items()}
    ranking = _Ranking()
    by_group = ranking.by_group
    for claim_id, (about, speaker_id, document_id, stance, *support) in concerning.items():
        names = tuple([name_of[i] for i in about if i in name_of])
        speaker = name_of.get(speaker_id)
        if speaker is not None and speaker not in names:
            names += (speaker,)
        if not names or (watched and watched.isdisjoint(names)):
            continue
        claim_links = links.get(claim_id, _NO_LINKS)
        rank = _rank_key(claim_id, stance, *support, True, claim_links)
        lead = (rank[1], rank[4], len(names), rank)  # see _lead_rank
        ranking.ranks.append(rank)
        ranking.document_ids.add(document_id)
        corroborations, disputes, disputed = claim_links
        if disputes:
            ranking.disputing.append(rank)
        for name in names:
            group = by_group[name]
            group.ranks.append(rank)
            group.leads.append(lead)
            group.stances[stance] += 1
            if disputes or disputed:
                group.contested = True
            if corroborations > group.corroborated:
                group.corroborated = corroborations
    return ranking


def _add_ungrouped(
    connection: Connection,
    in_window: Select[tuple[int]],
    ranking: _Ranking,
    links: dict[int, tuple[int, int, int]],
    room: int,
) -> None:
    """Rank, after the others, the window's claims about no group that a digest may show:
    those disputing a claim, and the best `room`, which fill the top of the ranking when
    too few claims concern a group.

    Claims without links rank among themselves by what the database can sort on, so
    the best `room` are among those with links (read by id) and the best `room` without.
    """
    grouped_ids = {key[-1] for key in ranking.ranks}
    linked = [
        claim_id
        for claim_id, (_, disputes, _) in links.items()
        if claim_id not in grouped_ids and (room or disputes)
    ]
    rows = []
    if linked:
        rows += connection.execute(select(*_RANKING_COLUMNS).where(Claim.id.in_(linked))).all()
    if room:
        rows += connection.execute(
            select(*_RANKING_COLUMNS)
            .where(
                Claim.document_id.in_(in_window),
                Claim.id.not_in(grouped_ids),
                ~exists().where(ClaimLink.claim_id == Claim.id),
                ~exists().where(ClaimLink.other_claim_id == Claim.id),
            )
            .order_by(
                _STANCE_WEIGHT_SQL.desc(),
                (_EVIDENCE > 0).desc(),
                (_NUMBERS > 0).desc(),
                _HEDGES > 0,
                Claim.id,
            )
            .limit(room)
        ).all()
    keys = []
    for claim_id, _, stance, evidence, numbers, hedges in rows:
        claim_links = links.get(claim_id, _NO_LINKS)
        keys.append(_rank_key(claim_id, stance, evidence, numbers, hedges, False, claim_links))
        if claim_links[1]:
            ranking.disputing.append(keys[-1])
    ranking.ranks += sorted(keys)


def _claim_views(
    connection: Connection | Session,
    claim_ids: Sequence[int],
    documents: dict[int, SourceRef] | None = None,
) -> list[ClaimView]:
    """Claims by id, whole, with the claims they are linked to, in the order given; ids
    not in the store are left out. Their documents are read unless given."""
    if not claim_ids:
        return []
    rows = {
        row.id: row
        for row in connection.execute(
            select(
                Claim.id,
                Claim.document_id,
                Claim.claimant,
                Claim.claimant_role,
                Claim.claimant_org,
                Claim.cue,
                Claim.stance,
                Claim.text,
                Claim.sentence,
                Claim.hedges,
                Claim.evidence,
                Claim.numbers,
                Claim.places,
                Claim.quote,
                _SPEAKER.name.label("speaker"),
            )
            .outerjoin(_SPEAKER, _SPEAKER.id == Claim.speaker_group_id)
            .where(Claim.id.in_(claim_ids))
        )
    }
    found = [rows[claim_id] for claim_id in claim_ids if claim_id in rows]
    if not found:
        return []
    about: dict[int, list[str]] = defaultdict(list)
    for claim_id, name in connection.execute(
        select(ClaimGroup.claim_id, Group.name)
        .join(Group, Group.id == ClaimGroup.group_id)
        .where(ClaimGroup.claim_id.in_(list(rows)))
    ):
        about[claim_id].append(name)
    if documents is None:
        documents = {
            row.id: SourceRef(row.id, row.title, row.outlet, row.url)
            for row in connection.execute(
                select(Document.id, Document.title, Document.outlet, Document.url).where(
                    Document.id.in_({row.document_id for row in found})
                )
            )
        }
    links = _links(connection, list(rows))
    views = []
    for row in found:
        linked = links.get(row.id, {})
        views.append(
            ClaimView(
                id=row.id,
                claimant=row.claimant,
                claimant_role=row.claimant_role,
                claimant_org=row.claimant_org,
                cue=row.cue,
                stance=row.stance,
                text=row.text,
                sentence=row.sentence,
                about=tuple(sorted(about.get(row.id, ()))),
                hedges=tuple(row.hedges),
                evidence=tuple(row.evidence),
                numbers=tuple(row.numbers),
                places=tuple(row.places),
                quote=row.quote,
                source=documents[row.document_id],
                speaker_group=row.speaker,
                corroborated_by=tuple(linked.get("corroborated_by", ())),
                disputed_by=tuple(linked.get("disputed_by", ())),
                disputes=tuple(linked.get("disputes", ())),
            )
        )
    return views


def load_claim_views(session: Session, claim_ids: Sequence[int]) -> list[ClaimView]:
    """Claims by id, whole: the groups they are about, the group speaking, and the claims
    corroborating or disputing them; in the order given, ids not in the store left out."""
    return _claim_views(session, list(dict.fromkeys(claim_ids)))


def _links(
    connection: Connection | Session, claim_ids: list[int]
) -> dict[int, dict[str, list[LinkedClaim]]]:
    """For each claim: the claims corroborating it, disputing it, and that it disputes."""
    links = connection.execute(
        select(ClaimLink.claim_id, ClaimLink.other_claim_id, ClaimLink.kind).where(
            or_(ClaimLink.claim_id.in_(claim_ids), ClaimLink.other_claim_id.in_(claim_ids))
        )
    ).all()
    if not links:
        return {}
    other_ids = {a for a, _, _ in links} | {b for _, b, _ in links}
    others = {
        row.id: LinkedClaim(
            row.id,
            row.claimant or row.claimant_org,
            row.stance,
            row.text,
            SourceRef(row.document_id, row.title, row.outlet, row.url),
        )
        for row in connection.execute(
            select(
                Claim.id,
                Claim.claimant,
                Claim.claimant_org,
                Claim.stance,
                Claim.text,
                Claim.document_id,
                Document.title,
                Document.outlet,
                Document.url,
            )
            .join(Document, Document.id == Claim.document_id)
            .where(Claim.id.in_(other_ids))
        )
    }
    wanted = set(claim_ids)
    result: dict[int, dict[str, list[LinkedClaim]]] = defaultdict(lambda: defaultdict(list))
    for source, target, kind in links:
        if kind == "disputes":
            if source in wanted:
                result[source]["disputes"].append(others[target])
            if target in wanted:
                result[target]["disputed_by"].append(others[source])
        else:
            if source in wanted:
                result[source]["corroborated_by"].append(others[target])
            if target in wanted:
                result[target]["corroborated_by"].append(others[source])
    return result


def _group_document_counts(connection: Connection, in_window: Select[tuple[int]]) -> dict[int, int]:
    """For each group named in the window (not only referred back to): its documents."""
    rows = connection.execute(
        select(Mention.group_id, func.count(func.distinct(Mention.document_id)))
        .where(Mention.document_id.in_(in_window), Mention.via != "anaphora")
        .group_by(Mention.group_id)
    )
    return {group_id: count for group_id, count in rows}


@dataclass(frozen=True, slots=True)
class _GroupInfo:
    name: str
    short: str
    kind: str
    on_watchlist: bool


def _groups(connection: Connection, ids: set[int]) -> dict[int, _GroupInfo]:
    if not ids:
        return {}
    rows = connection.execute(
        select(Group.id, Group.name, Group.short, Group.kind, Group.on_watchlist).where(
            Group.id.in_(ids)
        )
    )
    return {row.id: _GroupInfo(row.name, row.short, row.kind, row.on_watchlist) for row in rows}


def _documents_naming(
    connection: Connection, in_window: Select[tuple[int]], names: frozenset[str]
) -> set[int]:
    return set(
        connection.scalars(
            select(Mention.document_id)
            .join(Group, Group.id == Mention.group_id)
            .where(Mention.document_id.in_(in_window), Group.name.in_(names))
            .distinct()
        )
    )


def _lead_rank(claim: ClaimView) -> tuple[object, ...]:
    """Of a group's claims, the most telling, and of equals the one most about it alone."""
    return (-_STANCE_WEIGHT.get(claim.stance, 0), not claim.evidence, len(claim.groups))


def _claims_to_show(
    ranking: _Ranking, groups: Sequence[GroupView], max_claims: int
) -> set[_RankKey]:
    """Keys of the claims a digest can show: the best overall (with room for stories that
    collapse into one), each group's best for its line and thread, and the disputes."""
    wanted = set(ranking.ranks[: max_claims * 3])
    for group in groups[:THREAD_GROUPS]:
        claims = ranking.by_group.get(group.name)
        if claims is None:
            continue
        wanted.update(heapq.nsmallest(THREAD_CLAIMS_PER_GROUP, claims.ranks))
        # Its lead (see _with_leads) is among its three most telling, best ranked first.
        wanted.update(lead[-1] for lead in heapq.nsmallest(3, claims.leads))
    wanted.update(ranking.disputing)
    return wanted


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)


def collapse_same_story(ranked: Iterable[ClaimView]) -> list[ClaimView]:
    """Claims telling the same story in several documents, as one item with "also in".

    Same story: same stance, same groups, and most content words in common. The first
    (best ranked) telling stays; the others' documents become its `also_in`.
    """
    kept: list[ClaimView] = []
    words: list[frozenset[str]] = []
    by_key: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
    for claim in ranked:
        claim_words = content_words(claim.text)
        key = (claim.stance, claim.about)
        match = None
        if claim.about:
            for index in by_key[key]:
                if kept[index].source.document_id == claim.source.document_id:
                    continue
                if _overlap(words[index], claim_words) >= _SAME_STORY_OVERLAP:
                    match = index
                    break
        if match is None:
            by_key[key].append(len(kept))
            kept.append(claim)
            words.append(claim_words)
        else:
            primary = kept[match]
            if claim.source not in primary.also_in:
                kept[match] = replace(primary, also_in=(*primary.also_in, claim.source))
    return kept


def _overlap(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _group_views(
    by_group: dict[str, _GroupClaims],
    mention_counts: dict[str, int],
    groups: dict[str, _GroupInfo],
    watched: frozenset[str],
) -> list[GroupView]:
    """Every group of the window, best first: watched, contested, corroborated, new, busy."""
    names = set(mention_counts) | set(by_group)
    if watched:
        names &= watched
    views = []
    for name in names:
        info = groups.get(name)
        claims = by_group.get(name) or _GroupClaims()
        views.append(
            GroupView(
                name=name,
                short=info.short if info else name,
                kind=info.kind if info else "group",
                watched=name in watched,
                new=bool(info and not info.on_watchlist),
                documents=mention_counts.get(name, 0),
                claims=len(claims.ranks),
                stances=tuple((s, claims.stances[s]) for s in STANCE_ORDER if claims.stances[s]),
                lead=None,
                contested=claims.contested,
            )
        )
    corroborated = {name: claims.corroborated for name, claims in by_group.items()}
    views.sort(
        key=lambda g: (
            not g.watched,
            not g.contested,
            -corroborated.get(g.name, 0),
            not g.new,
            -g.documents,
            -g.claims,
            g.name,
        )
    )
    return views


def _by_group(claims: Sequence[ClaimView]) -> dict[str, list[ClaimView]]:
    by_group: dict[str, list[ClaimView]] = defaultdict(list)
    for claim in claims:
        for name in claim.groups:
            by_group[name].append(claim)
    return by_group


def _with_leads(
    views: list[GroupView], claims_by_group: dict[str, list[ClaimView]]
) -> list[GroupView]:
    """Give each group its best claim, one that no other group leads with where possible.

    Groups with fewer claims choose first, so a group whose only claim is shared with
    another keeps it, and the other group leads with its next best.
    """
    used: set[int] = set()
    leads: dict[str, ClaimView] = {}
    for view in sorted(views, key=lambda v: len(claims_by_group.get(v.name, []))):
        candidates = sorted(claims_by_group.get(view.name, []), key=_lead_rank)
        lead = next((c for c in candidates if c.id not in used), None)
        lead = lead or (candidates[0] if candidates else None)
        if lead is not None:
            used.add(lead.id)
            leads[view.name] = lead
    return [replace(view, lead=leads.get(view.name)) for view in views]


def _cited_sources(
    claims: Sequence[ClaimView], groups: Sequence[GroupView], documents: dict[int, SourceRef]
) -> tuple[SourceRef, ...]:
    """The documents behind what the message shows, most cited first, then the rest."""
    cited: Counter[int] = Counter()
    for claim in [*claims, *(g.lead for g in groups if g.lead)]:
        cited[claim.source.document_id] += 2
        for other in claim.also_in:
            cited[other.document_id] += 1
    ordered = [documents[i] for i, _ in cited.most_common() if i in documents]
    ordered += [ref for i, ref in documents.items() if i not in cited]
    return tuple(ordered)
