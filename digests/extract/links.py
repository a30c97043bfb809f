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


@dataclass(frozen=True, slots=True)
class ClaimLink:
    """`source` (an index into the claims given) corroborates or disputes `target`."""

    source: int
    target: int
    kind: LinkKind


def relate(a: Claim, b: Claim) -> LinkKind | None:
    """How claim `a` bears on claim `b`: "disputes" (a denies b), "corroborates", or None."""
    if _same_source(a, b):
        return None
    if a.stance == "denial" and b.stance != "denial" and _denial_answers(a, b):
        return "disputes"
    if a.stance == "denial" or b.stance == "denial":
        return None
    shared_groups = set(a.about) & set(b.about)
    if not shared_groups:
        return None
    shared = _content_words(a.text) & _content_words(b.text)
    if len(shared) >= MIN_SHARED_WORDS and _overlap(a.text, b.text) >= CORROBORATION_OVERLAP:
        return "corroborates"
    if set(a.numbers) & set(b.numbers) and len(shared) >= MIN_SHARED_WORDS - 1:
        return "corroborates"  # the same figure ("6,000 fighters") about the same group
    return None


def link_claims(claims: Sequence[tuple[str, Claim]]) -> tuple[ClaimLink, ...]:
    """All links among claims given as (document id, claim) pairs.

    Corroboration only counts across documents (one article repeating itself confirms
    nothing); a denial can dispute a claim in its own document or any other.
    """
    links: list[ClaimLink] = []
    for first, (first_doc, first_claim) in enumerate(claims):
        for second, (second_doc, second_claim) in enumerate(claims):
            if first == second:
                continue
            kind = relate(first_claim, second_claim)
            if kind == "corroborates" and (first_doc == second_doc or first > second):
                continue  # symmetric: report each pair once
            if kind is not None:
                links.append(ClaimLink(first, second, kind))
    return tuple(links)


def _same_source(a: Claim, b: Claim) -> bool:
    first = _norm(a.claimant or a.claimant_org)
    second = _norm(b.claimant or b.claimant_org)
    return bool(first) and first == second


def _denial_answers(denial: Claim, other: Claim) -> bool:
    words = _words(denial.text)
    if words & _CLAIM_NOUNS and any(
        _contains(denial.text, form) for form in _source_forms(other)
    ):
        return True  # "dismissed the UN reports as propaganda" answers the UN
    # The accused answering: a group denying what another source says about it.
    accused = set(other.about) & {denial.claimant_org, denial.claimant}
    return bool(accused) and _overlap(denial.text, other.text) >= DISPUTE_OVERLAP


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


def _contains(text: str, form: str) -> bool:
    return f" {_norm(form)} " in f" {_norm(text.replace('.', ''))} "


def _overlap(first: str, second: str) -> float:
    a, b = _content_words(first), _content_words(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _content_words(text: str) -> set[str]:
    stems = {_stem(word) for word in _words(text) if word not in _STOPWORDS and len(word) > 2}
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
