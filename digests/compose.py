"""What goes into a digest: the new documents and claims of a window, ranked and clustered.

`compose_digest` reads only the window's rows (documents ingested in it, their claims,
mentions and links), so its cost follows the window, not the size of the store.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Select, func, or_, select
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


class _Ranked(NamedTuple):
    """A window claim with only what ranking needs; a window may hold thousands, so this
    is a named tuple (several times quicker to make than a frozen dataclass)."""

    id: int
    document_id: int
    stance: str
    speaker_group: str | None  # the group making the claim, as stored with it
    has_evidence: bool
    has_numbers: bool
    hedged: bool
    about: tuple[str, ...] = ()
    corroborations: int = 0
    disputes: int = 0
    disputed: int = 0

    @property
    def groups(self) -> tuple[str, ...]:
        return concerned_groups(self.about, self.speaker_group)

    @property
    def contested(self) -> bool:
        return bool(self.disputes or self.disputed)


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

    Every claim of the window is ranked from a few columns; only the claims the digest
    can show (the message, each group's thread section, the contested line) are read
    whole, so a window of a thousand documents costs a few queries, not thousands.
    """
    watched_set = frozenset(watched)
    in_window = select(Document.id).where(
        Document.ingested_at > window.start, Document.ingested_at <= window.end
    )
    with store.session() as session:
        documents = {
            row.id: SourceRef(row.id, row.title, row.outlet, row.url)
            for row in session.execute(
                select(Document.id, Document.title, Document.outlet, Document.url)
                .where(Document.id.in_(in_window))
                .order_by(Document.ingested_at.desc(), Document.id.desc())
            )
        }
        ranked = _ranked_claims(session, in_window)
        mention_counts = _group_document_counts(session, in_window)
        speakers = {c.speaker_group for c in ranked if c.speaker_group}
        groups = _groups(
            session, set(mention_counts) | {n for c in ranked for n in c.about} | speakers
        )
        if watched_set:
            ranked = [claim for claim in ranked if watched_set & set(claim.groups)]
            mention_counts = {n: count for n, count in mention_counts.items() if n in watched_set}
            naming = _documents_naming(session, in_window, watched_set)
            naming |= {claim.document_id for claim in ranked}
            documents = {i: ref for i, ref in documents.items() if i in naming}
        ranked.sort(key=lambda claim: _claim_rank(claim, watched_set))
        group_views = _group_views(ranked, mention_counts, groups, watched_set)
        wanted = _claims_to_show(ranked, group_views, max_claims)
        views = _claim_views(session, [claim for claim in ranked if claim.id in wanted], documents)
    shown = collapse_same_story(views)
    group_views = _with_leads(group_views, _by_group(shown))
    cited = _cited_sources(shown[:max_claims], group_views[:max_groups], documents)
    return Digest(
        channel_id=channel_id,
        window=window,
        documents=len(documents),
        claims_total=len(ranked),
        groups=tuple(group_views[:max_groups]),
        more_groups=tuple(group_views[max_groups:]),
        claims=tuple(shown[:max_claims]),
        more_claims=tuple(shown[max_claims:]),
        contested=tuple(claim for claim in shown if claim.disputes),
        sources=cited,
        watched=tuple(sorted(watched_set)),
    )


def _ranked_claims(session: Session, in_window: Select[tuple[int]]) -> list[_Ranked]:
    """Every claim of the window, with its groups and link counts, but not its text."""
    window_claims = select(Claim.id).where(Claim.document_id.in_(in_window))
    about: dict[int, list[str]] = defaultdict(list)
    for claim_id, name in session.execute(
        select(ClaimGroup.claim_id, Group.name)
        .join(Group, Group.id == ClaimGroup.group_id)
        .where(ClaimGroup.claim_id.in_(window_claims))
    ):
        about[claim_id].append(name)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for claim_id, other_id, kind in session.execute(
        select(ClaimLink.claim_id, ClaimLink.other_claim_id, ClaimLink.kind).where(
            or_(
                ClaimLink.claim_id.in_(window_claims),
                ClaimLink.other_claim_id.in_(window_claims),
            )
        )
    ):
        if kind == "disputes":
            counts[claim_id]["disputes"] += 1
            counts[other_id]["disputed"] += 1
        else:  # corroboration goes both ways
            counts[claim_id]["corroborations"] += 1
            counts[other_id]["corroborations"] += 1
    rows = session.execute(
        select(
            Claim.id,
            Claim.document_id,
            Claim.stance,
            _SPEAKER.name,
            func.json_array_length(Claim.evidence) > 0,
            func.json_array_length(Claim.numbers) > 0,
            func.json_array_length(Claim.hedges) > 0,
        )
        .outerjoin(_SPEAKER, _SPEAKER.id == Claim.speaker_group_id)
        .where(Claim.document_id.in_(in_window))
    )
    no_links: Counter[str] = Counter()
    ranked = []
    for row in rows:
        claim_id = row[0]
        linked = counts.get(claim_id, no_links)
        ranked.append(
            _Ranked(
                *row,
                tuple(sorted(about[claim_id])) if claim_id in about else (),
                linked["corroborations"],
                linked["disputes"],
                linked["disputed"],
            )
        )
    return ranked


def _claim_views(
    session: Session, ranked: Sequence[_Ranked], documents: dict[int, SourceRef]
) -> list[ClaimView]:
    """The claims to show, whole, with the claims they are linked to, in `ranked` order."""
    ids = [claim.id for claim in ranked]
    if not ids:
        return []
    rows = {row.id: row for row in session.scalars(select(Claim).where(Claim.id.in_(ids)))}
    links = _links(session, ids)
    views = []
    for claim in ranked:
        row = rows[claim.id]
        linked = links.get(claim.id, {})
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
                about=claim.about,
                hedges=tuple(row.hedges),
                evidence=tuple(row.evidence),
                numbers=tuple(row.numbers),
                places=tuple(row.places),
                quote=row.quote,
                source=documents[row.document_id],
                speaker_group=claim.speaker_group,
                corroborated_by=tuple(linked.get("corroborated_by", ())),
                disputed_by=tuple(linked.get("disputed_by", ())),
                disputes=tuple(linked.get("disputes", ())),
            )
        )
    return views


def load_claim_views(session: Session, claim_ids: Sequence[int]) -> list[ClaimView]:
    """Claims by id, whole: the groups they are about, the group speaking, and the claims
    corroborating or disputing them; in the order given, ids not in the store left out."""
    ids = list(dict.fromkeys(claim_ids))
    if not ids:
        return []
    about: dict[int, list[str]] = defaultdict(list)
    for claim_id, name in session.execute(
        select(ClaimGroup.claim_id, Group.name)
        .join(Group, Group.id == ClaimGroup.group_id)
        .where(ClaimGroup.claim_id.in_(ids))
    ):
        about[claim_id].append(name)
    rows = {
        row.id: row
        for row in session.execute(
            select(Claim.id, Claim.document_id, Claim.stance, _SPEAKER.name.label("speaker"))
            .outerjoin(_SPEAKER, _SPEAKER.id == Claim.speaker_group_id)
            .where(Claim.id.in_(ids))
        )
    }
    found = [rows[claim_id] for claim_id in ids if claim_id in rows]
    # Only the id, the groups and the speaker of each _Ranked matter to _claim_views.
    ranked = [
        _Ranked(
            row.id,
            row.document_id,
            row.stance,
            row.speaker,
            False,
            False,
            False,
            tuple(sorted(about[row.id])),
        )
        for row in found
    ]
    documents = {
        row.id: SourceRef(row.id, row.title, row.outlet, row.url)
        for row in session.execute(
            select(Document.id, Document.title, Document.outlet, Document.url).where(
                Document.id.in_({row.document_id for row in found})
            )
        )
    }
    return _claim_views(session, ranked, documents)


def _links(session: Session, claim_ids: list[int]) -> dict[int, dict[str, list[LinkedClaim]]]:
    """For each claim: the claims corroborating it, disputing it, and that it disputes."""
    links = session.execute(
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
        for row in session.execute(
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


def _group_document_counts(session: Session, in_window: Select[tuple[int]]) -> dict[str, int]:
    rows = session.execute(
        select(Group.name, func.count(func.distinct(Mention.document_id)))
        .join(Mention, Mention.group_id == Group.id)
        .where(Mention.document_id.in_(in_window), Mention.via != "anaphora")
        .group_by(Group.name)
    )
    return {name: count for name, count in rows}


@dataclass(frozen=True, slots=True)
class _GroupInfo:
    short: str
    kind: str
    on_watchlist: bool


def _groups(session: Session, names: set[str]) -> dict[str, _GroupInfo]:
    if not names:
        return {}
    rows = session.execute(
        select(Group.name, Group.short, Group.kind, Group.on_watchlist).where(Group.name.in_(names))
    )
    return {row.name: _GroupInfo(row.short, row.kind, row.on_watchlist) for row in rows}


def _documents_naming(
    session: Session, in_window: Select[tuple[int]], names: frozenset[str]
) -> set[int]:
    return set(
        session.scalars(
            select(Mention.document_id)
            .join(Group, Group.id == Mention.group_id)
            .where(Mention.document_id.in_(in_window), Group.name.in_(names))
            .distinct()
        )
    )


def _claim_rank(claim: _Ranked, watched: frozenset[str]) -> tuple[object, ...]:
    """Sort key, best first: watched groups, then what the claim does (a claim of
    responsibility or an accusation before a statement), then how well it is supported."""
    return (
        not (watched & set(claim.groups)),
        not claim.groups,
        -_STANCE_WEIGHT.get(claim.stance, 0),
        -claim.corroborations,
        not claim.contested,
        not claim.has_evidence,
        not claim.has_numbers,
        claim.hedged,
        claim.id,
    )


def _lead_rank(claim: _Ranked | ClaimView) -> tuple[object, ...]:
    """Of a group's claims, the most telling, and of equals the one most about it alone."""
    evidence = claim.has_evidence if isinstance(claim, _Ranked) else bool(claim.evidence)
    return (-_STANCE_WEIGHT.get(claim.stance, 0), not evidence, len(claim.groups))


def _claims_to_show(
    ranked: Sequence[_Ranked], groups: Sequence[GroupView], max_claims: int
) -> set[int]:
    """Ids of the claims a digest can show: the best overall (with room for stories that
    collapse into one), each group's best for its line and thread, and the disputes."""
    wanted = {claim.id for claim in ranked[: max_claims * 3]}
    by_group: dict[str, list[_Ranked]] = defaultdict(list)
    for claim in ranked:
        for name in claim.groups:
            by_group[name].append(claim)
    for group in groups[:THREAD_GROUPS]:
        claims = by_group.get(group.name, [])
        wanted.update(claim.id for claim in claims[:THREAD_CLAIMS_PER_GROUP])
        wanted.update(claim.id for claim in sorted(claims, key=_lead_rank)[:3])
    wanted.update(claim.id for claim in ranked if claim.disputes)
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
    ranked: Sequence[_Ranked],
    mention_counts: dict[str, int],
    groups: dict[str, _GroupInfo],
    watched: frozenset[str],
) -> list[GroupView]:
    """Every group of the window, best first: watched, contested, corroborated, new, busy."""
    by_group: dict[str, list[_Ranked]] = defaultdict(list)
    for claim in ranked:
        for name in claim.groups:
            by_group[name].append(claim)
    names = set(mention_counts) | set(by_group)
    if watched:
        names &= watched
    views = []
    for name in names:
        info = groups.get(name)
        claims = by_group.get(name, [])
        stance_counts = Counter(claim.stance for claim in claims)
        views.append(
            GroupView(
                name=name,
                short=info.short if info else name,
                kind=info.kind if info else "group",
                watched=name in watched,
                new=bool(info and not info.on_watchlist),
                documents=mention_counts.get(name, 0),
                claims=len(claims),
                stances=tuple((s, stance_counts[s]) for s in STANCE_ORDER if stance_counts[s]),
                lead=None,
                contested=any(claim.contested for claim in claims),
            )
        )
    corroborated = {
        name: max((claim.corroborations for claim in claims), default=0)
        for name, claims in by_group.items()
    }
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
