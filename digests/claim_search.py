"""Claims matching free words (`/claim WORDS`), and the Slack message that shows them.

Ranking, best first: claims holding all the words, then claims about a group the words
name that hold the other words, then claims holding some of the words; within each,
the full-text rank; and a claim about (or by) a group the words name above one that is
not. "India backs BLA" finds the Foreign Office's accusation about the Baloch Liberation
Army even where its text says "Baloch insurgents", and "TTP" alone finds the latest
claims about the TTP.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from jinja2 import Environment
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from digests.compose import ClaimView, load_claim_views
from digests.extract.watchlist import name_key
from digests.messages import SlackMessage
from digests.render import MAX_BLOCKS, MAX_TEXT_CHARS, render_macro, sections, shorten
from digests.store.engine import Store
from digests.store.groups import GroupRecord, all_groups, name_index
from digests.store.models import Claim, ClaimGroup
from digests.store.search import SearchHit, search

TEMPLATE = "claim_matches.j2"
# Words of a question that say nothing about which claim is meant ("who says ... ?").
_QUESTION_WORDS = frozenset(
    (
        *("a", "an", "the", "of", "to", "is", "are", "was", "were", "be", "do", "does", "did"),
        *("who", "whom", "whose", "what", "which", "when", "where", "why", "how", "that"),
        *("this", "say", "says", "said", "claim", "claims", "about", "any"),
    )
)
# Weights, highest first: all the words; a named group's claim with all the other words;
# some of the words; just about a named group. Rank within a search adds up to 1.
_ALL_WORDS = 3.0
_GROUP_AND_OTHER_WORDS = 2.0
_SOME_WORDS = 1.0
_GROUP_ONLY = 0.5
_ABOUT_NAMED_GROUP = 2.0
_MIN_POOL = 50
# A two-letter short name typed in lower case ("im", "aa") is more likely a word.
_SHORTEST_LOWERCASE_NAME = 3
_TOKEN = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"(\w)['’]s\b")


def search_claims(store: Store, words: str, *, limit: int = 5) -> list[ClaimView]:
    """The claims best matching `words`, whole, with what corroborates or disputes them."""
    words = " ".join(words.split())
    if not words or limit <= 0:
        return []
    named, other_words = named_groups(words, all_groups(store))
    terms = _terms(_TOKEN.findall(words))
    other_terms = _terms(other_words) if other_words else []
    pool = max(limit * 5, _MIN_POOL)
    scores: dict[int, float] = {}
    _score(scores, search(store, " ".join(terms), target="claims", limit=pool), _ALL_WORDS)
    if named and other_terms:
        hits = search(store, " ".join(other_terms), target="claims", limit=pool)
        _score(scores, hits, _GROUP_AND_OTHER_WORDS)
    if len(scores) < limit:  # too few hold every word: rank those holding any of them
        hits = search(store, " ".join(terms), target="claims", limit=pool, match_all=False)
        _score(scores, hits, _SOME_WORDS)
    with store.session() as session:
        if named:
            group_ids = [group.id for group in named]
            if not other_terms:  # only a group's name: its latest claims are candidates too
                latest = _latest_about_groups(session, group_ids, pool)
                _score(scores, [SearchHit(claim_id, 0.0) for claim_id in latest], _GROUP_ONLY)
            for claim_id in _about_groups(session, list(scores), group_ids):
                scores[claim_id] += _ABOUT_NAMED_GROUP
        best = sorted(scores, key=lambda claim_id: (-scores[claim_id], -claim_id))[:limit]
        return load_claim_views(session, best)


def _latest_about_groups(session: Session, group_ids: Sequence[int], limit: int) -> list[int]:
    """The newest `limit` claims about one of the groups or made by one of them.

    Each group's claims and its own statements are read newest first from their indexes,
    `limit` of each: `claims_of_groups` ordered by id would sort every claim of a large
    group first (200 ms for one with 100,000).
    """
    found: set[int] = set()
    about_and_by = ((ClaimGroup.claim_id, ClaimGroup.group_id), (Claim.id, Claim.speaker_group_id))
    for group_id in group_ids:
        for claim_id, group in about_and_by:
            found.update(
                session.scalars(
                    select(claim_id).where(group == group_id).order_by(claim_id.desc()).limit(limit)
                )
            )
    return sorted(found, reverse=True)[:limit]


def _about_groups(
    session: Session, claim_ids: Sequence[int], group_ids: Sequence[int]
) -> set[int]:
    """Which of the claims are about one of the groups, or made by one of them.

    Each candidate is looked up in the claim's own index entries: `claims_of_groups` would
    first list every claim of the group (190 ms for a group with 100,000 of them).
    """
    about = exists().where(ClaimGroup.claim_id == Claim.id, ClaimGroup.group_id.in_(group_ids))
    return set(
        session.scalars(
            select(Claim.id).where(
                Claim.id.in_(claim_ids), or_(about, Claim.speaker_group_id.in_(group_ids))
            )
        )
    )


def named_groups(
    words: str, groups: Sequence[GroupRecord], common_words: frozenset[str] = frozenset()
) -> tuple[list[GroupRecord], list[str]]:
    """The groups `words` name by any of their names ("BLA", "pakistani taliban"), longest
    names first, and the words that are not part of a group's name. A word of
    `common_words` typed in lower case is that word, not a short name: "abt" is about."""
    index = name_index(groups)
    longest = max((len(key.split()) for key in index), default=0)
    # Tokens as name_key cuts them, so "Tehreek-e-Taliban" meets its key "tehreek e taliban";
    # a possessive first dropped, so "BLA's" names the BLA.
    tokens = _TOKEN.findall(_POSSESSIVE.sub(r"\1", words).replace("'", "").replace("’", ""))
    found: dict[str, GroupRecord] = {}
    rest: list[str] = []
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            span = tokens[position : position + size]
            group = index.get(" ".join(token.casefold() for token in span))
            if group is not None and _plausible_name(span, group, common_words):
                found.setdefault(group.name, group)
                position += size
                break
        else:
            rest.append(tokens[position])
            position += 1
    return list(found.values()), rest


def _plausible_name(
    span: Sequence[str], group: GroupRecord, common_words: frozenset[str]
) -> bool:
    """Whether one word typed in lower case names the group: an acronym or a name does
    ("bla" the BLA, "hamas" Hamas), a short name written with capitals inside does not
    ("let" is no LeT)."""
    word = span[0]
    if len(span) > 1 or not word.islower():
        return True
    forms = [form for form in (group.name, group.short, *group.aliases)
             if form and name_key(form) == word.casefold()]
    return (
        len(word) >= _SHORTEST_LOWERCASE_NAME and word not in common_words
        and any(form.isupper() or not any(letter.isupper() for letter in form[1:])
                for form in forms)
    )


def _terms(tokens: Sequence[str]) -> list[str]:
    """Search terms: the tokens without question words, or all of them if nothing is left."""
    meaningful = [token for token in tokens if token.casefold() not in _QUESTION_WORDS]
    return meaningful or list(tokens)


def _score(scores: dict[int, float], hits: Sequence[SearchHit], weight: float) -> None:
    """Keep each claim's best score: `weight`, plus up to 1 for its place in `hits`."""
    for place, hit in enumerate(hits):
        score = weight + 1 - place / len(hits)
        scores[hit.id] = max(scores.get(hit.id, 0.0), score)


def render_claim_matches(
    words: str, claims: Sequence[ClaimView], environment: Environment
) -> SlackMessage:
    """Each claim in full (source, stance, text, hedges, evidence, document) with what
    corroborates or disputes it; or, with none, what to try instead."""
    words = " ".join(words.split())

    def part(macro: str, count: int, **values: Any) -> str:
        return render_macro(environment, TEMPLATE, macro, words=words, count=count, **values)

    if not claims:
        text = part("empty", 0)
        return SlackMessage(text=shorten(text, MAX_TEXT_CHARS), blocks=tuple(sections(text)[:1]))
    body: list[dict[str, Any]] = []
    shown = 0
    for claim in claims:
        divider = [{"type": "divider"}] if body else []
        blocks = [*divider, *sections(part("claim", 0, claim=claim))]
        if 1 + len(body) + len(blocks) > MAX_BLOCKS:  # 1: the title
            break
        body += blocks
        shown += 1
    title = sections(part("title", shown))[:1]
    text = part("text", shown, claims=claims[:shown])
    return SlackMessage(text=shorten(text, MAX_TEXT_CHARS), blocks=(*title, *body))

