"""Links between claims: one claim corroborates or disputes another.

- Corroborates: two sources (in different documents) say the same thing about the same
  groups: their `about` sets meet, neither is a denial, and their content shares enough
  content words (or the same figure).
- Disputes: a denial answers another claim, either by naming its source ("dismissed the
  UN reports as propaganda" disputes what the UN reported) or by denying, about the same
  groups, what the other asserts.

Pure functions over `Claim`s; storing the links is the store's business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digests.extract.model import Claim, LinkKind

# Content words two claims must share (Jaccard) to state the same proposition.
CORROBORATION_OVERLAP = 0.25
# A denial about the same groups must share this much with what it denies.
DISPUTE_OVERLAP = 0.15

_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
# Word lists read better as paragraphs than a word a line.
# fmt: off
_STOPWORDS = frozenset(
    (
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for",
        "from", "with", "without", "into", "onto", "over", "under", "about", "as", "than",
        "that", "this", "these", "those", "it", "its", "it's", "they", "them", "their",
        "there", "here", "he", "she", "his", "her", "we", "our", "us", "you", "your", "i",
        "me", "my", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
        "do", "does", "did", "will", "would", "can", "could", "may", "might", "must",
        "should", "shall", "not", "no", "nor", "so", "such", "very", "also", "only", "just",
        "more", "most", "some", "any", "all", "each", "both", "other", "another", "which",
        "who", "whom", "whose", "what", "when", "where", "why", "how", "if", "then",
        "while", "after", "before", "since", "until", "because", "said", "says", "say",
        "told", "according", "reported", "reportedly"
    )
)
# Words every claim in this domain uses: sharing them says nothing about the proposition.
_GENERIC = frozenset({"attack", "claim", "claimed", "responsibility", "group", "killed",
                      "people", "statement", "militant", "fighter", "week", "year", "day"})
MIN_SHARED_WORDS = 3
# Nouns a denial uses for the claims it rejects: "dismissed the UN reports as propaganda".
_CLAIM_NOUNS = frozenset({"report", "reports", "claim", "claims", "allegation", "allegations",
                          "accusation", "accusations", "suggestion", "suggestions", "finding",
                          "findings", "assertion", "assertions", "charge", "charges"})
# fmt: on


@dataclass(frozen=True, slots=True)
class ClaimLink:
    """`source` (an index into the claims given) corroborates or disputes `target`."""

    source: int
    target: int
    kind: LinkKind


@dataclass(frozen=True, slots=True)
class ClaimTerms:
    """What `relate` weighs of one claim, worked out once: a claim is weighed against a
    hundred others, and stemming its text for each of them was most of ingestion's time."""

    denial: bool
    source: str  # its claimant (or organisation) normalised; "" when it names none
    about: frozenset[str]
    content: frozenset[str]  # content-word stems (see _content_stems)
    numbers: frozenset[str]
    forms: frozenset[str]  # ways a text may name its source, padded (see _padded)
    names_claims: bool  # its text says "report", "claims", ... (a denial naming a source)
    padded_text: str  # its text normalised and padded, to look for another claim's forms
    speakers: frozenset[str]  # its claimant and organisation as written


def claim_terms(claim: Claim) -> ClaimTerms:
    """The terms `relate` weighs of `claim` (pass them to `relate_terms` or `link_terms`)."""
    words = _words(claim.text)
    denial = claim.stance == "denial"
    return ClaimTerms(
        denial=denial,
        source=_norm(claim.claimant or claim.claimant_org),
        about=frozenset(claim.about),
        content=frozenset(_content_stems(words)),
        numbers=frozenset(claim.numbers),
        forms=frozenset(_padded(form) for form in _source_forms(claim)),
        # Only a denial's own text is searched for names.
        names_claims=denial and bool(words & _CLAIM_NOUNS),
        padded_text=_padded(claim.text.replace(".", "")) if denial else "",
        speakers=frozenset((claim.claimant_org, claim.claimant)),
    )


def relate(a: Claim, b: Claim) -> LinkKind | None:
    """How claim `a` bears on claim `b`: "disputes" (a denies b), "corroborates", or None."""
    return relate_terms(claim_terms(a), claim_terms(b))


def relate_terms(a: ClaimTerms, b: ClaimTerms) -> LinkKind | None:
    """`relate` over the claims' terms."""
    if a.source and a.source == b.source:
        return None  # the same source says nothing new about itself
    if a.denial and not b.denial and _denial_answers(a, b):
        return "disputes"
    if a.denial or b.denial:
        return None
    if not a.about & b.about:
        return None
    shared = len(a.content & b.content)
    if shared >= MIN_SHARED_WORDS and _overlap(a.content, b.content) >= CORROBORATION_OVERLAP:
        return "corroborates"
    if a.numbers & b.numbers and shared >= MIN_SHARED_WORDS - 1:
        return "corroborates"  # the same figure ("6,000 fighters") about the same group
    return None


def link_claims(
    claims: Sequence[tuple[str, Claim]], new: int | None = None
) -> tuple[ClaimLink, ...]:
    """All links among claims given as (document id, claim) pairs.

    Corroboration only counts across documents (one article repeating itself confirms
    nothing); a denial can dispute a claim in its own document or any other. With `new`,
    only the links that involve one of the first `new` claims.
    """
    return link_terms([(document, claim_terms(claim)) for document, claim in claims], new)


def link_terms(
    claims: Sequence[tuple[str, ClaimTerms]], new: int | None = None
) -> tuple[ClaimLink, ...]:
    """`link_claims` over the claims' terms, in the same order."""
    count = len(claims) if new is None else new
    documents = [document for document, _ in claims]
    terms = [claim for _, claim in claims]
    links: list[ClaimLink] = []
    for first, a in enumerate(terms):
        if first >= count and not a.denial:
            # An older claim's links to a new one: only disputes are kept (corroboration is
            # reported once, from the new claim), and only a denial disputes.
            continue
        for second in range(len(terms) if first < count else count):
            b = terms[second]
            if first == second or (not a.denial and (b.denial or a.about.isdisjoint(b.about))):
                continue  # what relate_terms says at once, without the call: nothing
            kind = relate_terms(a, b)
            if kind == "corroborates" and (documents[first] == documents[second] or first > second):
                continue  # symmetric: report each pair once
            if kind is not None:
                links.append(ClaimLink(first, second, kind))
    return tuple(links)


def _denial_answers(denial: ClaimTerms, other: ClaimTerms) -> bool:
    if denial.names_claims and any(form in denial.padded_text for form in other.forms):
        return True  # "dismissed the UN reports as propaganda" answers the UN
    # The accused answering: a group denying what another source says about it.
    accused = other.about & denial.speakers
    return bool(accused) and _overlap(denial.content, other.content) >= DISPUTE_OVERLAP


def _source_forms(claim: Claim) -> set[str]:
    """Ways a text may name a claim's source: "United Nations", "UN", "UN monitoring teams"."""
    forms: set[str] = set()
    # The organisation stands for the claim only when a person spoke for it.
    names = (claim.claimant, claim.claimant_org) if claim.claimant_role else (claim.claimant,)
    for name in names:
        tokens = name.replace(".", "").split()
        if not tokens:
            continue
        forms.add(" ".join(tokens))
        capitals = [token for token in tokens if token[:1].isupper()]
        if len(capitals) >= 2:
            forms.add("".join(token[0] for token in capitals))  # "United Nations" -> "UN"
        if tokens[0].isupper() and len(tokens[0]) >= 2:
            forms.add(tokens[0])  # "UN monitoring teams" -> "UN"
    return {form for form in forms if _norm(form) not in _CLAIM_NOUNS | _STOPWORDS}


def _padded(text: str) -> str:
    """`text` normalised with a space either side: `_padded(form) in _padded(text)` finds
    a name only as whole words."""
    return f" {_norm(text)} "


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _content_stems(words: set[str]) -> set[str]:
    stems = {_stem(word) for word in words if word not in _STOPWORDS and len(word) > 2}
    return stems - _GENERIC


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _norm(name: str) -> str:
    return " ".join(_WORD.findall(name.lower()))
