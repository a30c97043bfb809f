"""Answering a follow-up question from the stored documents and claims, or saying it cannot.

The question is read (`question.read_question`), the sentences covering it are found
(`evidence.find_passages`), and the answer is taken from the best one: the source for
"who", a figure for "how many", a place for "where", a date for "when", the group for
"which group", the linked and opposing claims for "is it disputed". In a digest's
thread, "that", "this claim" and "the second one" mean what the thread shows, and its
documents rank first. When no sentence covers enough of the question, the answer is
None and the closest claims are offered instead: sitrep never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from digests.claim_search import search_claims
from digests.compose import ClaimView, SourceRef, load_claim_views
from digests.extract.actors import Actors
from digests.qa import facts
from digests.qa.evidence import Passage, find_passages
from digests.qa.question import Question, QuestionKind, read_question, words_of
from digests.qa.vocabulary import Vocabulary, stem
from digests.render import source_name
from digests.store.engine import Store
from digests.store.groups import GroupRecord, all_groups
from digests.store.models import Document

# How many of the best sentences are read for an answer.
_PASSAGES_TRIED = 5
# A question is a sentence or two; a longer text is refused with a message, not read.
MAX_QUESTION_CHARS = 1000
# Below this confidence sitrep says it does not know and offers the closest claims.
MIN_CONFIDENCE = 0.55
# A clause quoted in the answer is kept to about this many words.
_CLAUSE_WORDS = 32
# A claim's content stands for its sentence when it holds most of the sentence's words.
_CLAIM_WHOLE_SHARE = 0.8
_CLOSEST_CLAIMS = 3
_STANCE_VERBS = {
    "accusation": "accuses",
    "denial": "denies",
    "responsibility": "claims responsibility",
    "warning": "warns",
    "demand": "demands",
    "report": "reports",
    "statement": "says",
}
_CLAUSE_BREAK = re.compile(r",\s|;\s|\s[-–—]\s|:\s")


@dataclass(frozen=True, slots=True)
class Citation:
    """A sentence an answer rests on, and where it comes from."""

    document_id: int
    title: str
    url: str | None
    outlet: str | None
    sentence: str
    claimant: str  # who the sentence attributes it to; "" when it reports it plainly

    def as_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "sentence": self.sentence,
            "claimant": self.claimant,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer: the direct reply (None when sitrep does not know), how sure, and why."""

    question: str
    kind: QuestionKind
    text: str | None
    confidence: float
    citations: tuple[Citation, ...] = ()
    claim: ClaimView | None = None  # the claim the answer rests on, with its links
    closest: tuple[ClaimView, ...] = ()  # offered when the answer is None
    empty_question: bool = False  # nothing to search for, and nothing in the thread
    too_long: bool = False  # longer than MAX_QUESTION_CHARS: refused, not read

    def as_json(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "confidence": round(self.confidence, 3),
            "citations": [citation.as_json() for citation in self.citations],
        }


@dataclass(frozen=True, slots=True)
class ThreadClaims:
    """What a thread shows, in order: a digest's claims, or an earlier answer's."""

    claims: tuple[ClaimView, ...] = ()
    document_ids: tuple[int, ...] = field(default_factory=tuple)


def answer_question(
    store: Store,
    text: str,
    *,
    vocabulary: Vocabulary,
    actors: Actors,
    thread: ThreadClaims | None = None,
    groups: Sequence[GroupRecord] | None = None,
) -> Answer:
    """The answer to `text`, asked in a thread showing `thread` (or outside any)."""
    if len(text) > MAX_QUESTION_CHARS:
        return Answer(" ".join(text[:200].split()), "what", None, 0.0, too_long=True)
    question = read_question(text, all_groups(store) if groups is None else groups, vocabulary)
    thread = thread or ThreadClaims()
    referred = _referred_claim(question, thread)
    if referred is not None and not question.terms:
        return _from_claim(store, question, referred)
    if question.is_empty:
        return Answer(question.text, question.kind, None, 0.0, empty_question=True)
    if question.kind == "more" and not question.terms and question.groups:
        return _more_on(store, question)
    passages = find_passages(
        store,
        question,
        vocabulary=vocabulary,
        actors=actors,
        focus_documents=thread.document_ids,
    )
    fallback: Answer | None = None
    for tried, passage in enumerate(passages[:_PASSAGES_TRIED]):
        # Only the best sentence's neighbours are read: further down, a name next to a
        # sentence that merely shares a few words is a guess.
        answer, has_fact = _from_passage(
            store, question, passage, actors, vocabulary, neighbours=tried == 0
        )
        if answer.text is None or answer.confidence < MIN_CONFIDENCE:
            continue
        if has_fact:
            return answer
        # "Is it disputed?": a sentence saying nothing of a dispute answers only when no
        # close runner-up has the denial.
        fallback = fallback or answer
    return fallback or _unsure(store, question)


def _referred_claim(question: Question, thread: ThreadClaims) -> ClaimView | None:
    """The thread's claim a question points at: "the second one", the one about a group
    it names, or the first."""
    claims = thread.claims
    if not claims:
        return None
    if question.ordinal is not None:
        index = question.ordinal - 1 if question.ordinal > 0 else len(claims) - 1
        return claims[index] if 0 <= index < len(claims) else None
    names = {group.name for group in question.groups}
    if names:
        return next((claim for claim in claims if names & set(claim.groups)), None)
    return claims[0]


def _from_claim(store: Store, question: Question, claim: ClaimView) -> Answer:
    """An answer about one claim the thread shows: "who said that?", "is it disputed?"."""
    citation = _citation(claim.source, claim.sentence, claim.claimant)
    kind = question.kind
    if kind == "disputed":
        text = _disputed_text(claim)
    elif kind == "how_many":
        figure = claim.numbers[0] if claim.numbers else None
        text = f"{figure}: {claim.text}" if figure else None
    elif kind == "where":
        text = f"{', '.join(claim.places)}: {claim.text}" if claim.places else None
    elif kind == "source":
        text = _source_text(claim.source, claim)
    else:
        text = _claim_sentence(claim)
    if text is None:
        return _unsure(store, question)
    return Answer(question.text, kind, text, 1.0, (citation,), claim=claim)


def _more_on(store: Store, question: Question) -> Answer:
    """"more on the BLA": its latest claims, the first as the answer."""
    claims = search_claims(store, " ".join(group.name for group in question.groups), limit=3)
    if not claims:
        return _unsure(store, question)
    lead = claims[0]
    text = " ".join(_claim_sentence(claim) for claim in claims)
    citations = tuple(_citation(c.source, c.sentence, c.claimant) for c in claims)
    return Answer(question.text, question.kind, text, 1.0, citations, claim=lead)


def _from_passage(
    store: Store, question: Question, passage: Passage, actors: Actors, vocabulary: Vocabulary,
    *, neighbours: bool = True,
) -> tuple[Answer, bool]:
    """The answer one sentence gives, with how sure sitrep is of it, and whether the
    sentence holds the kind of fact asked for."""
    with store.session() as session:
        claims = load_claim_views(session, passage.claim_ids)
        row = session.execute(
            select(Document.title, Document.outlet, Document.url).where(
                Document.id == passage.document_id
            )
        ).one()
    source = SourceRef(passage.document_id, row.title, row.outlet, row.url)
    claim = _best_claim(claims, passage)
    speakers = tuple(c.speaker_group for c in claims if c.stance == "responsibility")
    speaking = question.about_speaking
    fact = facts.asked_fact(
        question,
        passage.sentence,
        matched=passage.matched,
        groups=(*(name for name in speakers if name), *passage.groups),
        group_spans=passage.group_spans,
        actors=actors,
        vocabulary=vocabulary,
        sources=() if speaking else _other_sources(claims, passage.matched, vocabulary),
    )
    kind = question.kind
    confidence = passage.coverage
    needs_fact = kind in {"how_many", "where", "when", "which_group"}
    # A source the question names ("which commander did Israel say it killed?") is not
    # the one it asks for.
    spoken_by = (
        claim
        if claim is not None and claim.claimant and not _named_in(claim.claimant, question)
        else None
    )
    # "How many?" answered without a figure is no answer, nor "which commander was
    # captured?" with who reported the capture: the sentence next to it may hold the
    # fact ("A team was named. It will be led by ..."), else the next passage is tried.
    if fact is None and (needs_fact or (kind == "who" and (spoken_by is None or not speaking))):
        if not neighbours:
            return Answer(question.text, kind, None, 0.0), False
        return _from_neighbour(question, passage, source, actors, vocabulary), False
    clause = _clause(passage, fact, claim)
    if kind == "disputed":
        text = _disputed_passage_text(claim, fact, clause)
    elif kind == "source" and fact is not None:
        text = f"{fact}. {_capitalised(clause)}"
    elif kind == "source":
        text = _source_text(source, claim)
    elif kind == "who" and spoken_by is not None and (fact is None or speaking):
        text = f"{_speaker(spoken_by)}: {clause}"
    elif fact is not None:
        text = f"{fact}. {_capitalised(clause)}"
    else:
        text = _capitalised(clause)
    citation = _citation(source, passage.sentence, claim.claimant if claim else "")
    answer = Answer(question.text, kind, text, min(confidence, 1.0), (citation,), claim=claim)
    return answer, fact is not None


def _from_neighbour(
    question: Question, passage: Passage, source: SourceRef, actors: Actors,
    vocabulary: Vocabulary,
) -> Answer:
    """The person or group asked for, from the sentence after the passage or the one
    before it; the answer quotes both sentences. Only people and groups: a neighbour
    refers to them ("It will be led by ...", "That attack was claimed by ..."), while a
    figure, place or date in it may be of anything. No answer when neither holds one."""
    if question.kind not in {"who", "which_group"}:
        return Answer(question.text, question.kind, None, 0.0)
    for neighbour in passage.neighbours:
        fact = facts.asked_fact(
            question,
            neighbour.sentence,
            matched=passage.matched,
            groups=neighbour.groups,
            group_spans=neighbour.group_spans,
            actors=actors,
            vocabulary=vocabulary,
            anchored=False,
        )
        if fact is None:
            continue
        both = (passage.sentence, neighbour.sentence)
        quoted = " ".join(both if neighbour.follows else both[::-1])
        text = f"{fact}. {_capitalised(_words_limit(neighbour.sentence))}"
        citation = _citation(source, quoted, "")
        return Answer(question.text, question.kind, text, min(passage.coverage, 1.0), (citation,))
    return Answer(question.text, question.kind, None, 0.0)


def _named_in(name: str, question: Question) -> bool:
    words = set(words_of(name))
    return bool(words) and words <= set(words_of(question.text))


def _other_sources(
    claims: Sequence[ClaimView], matched: tuple[str, ...], vocabulary: Vocabulary
) -> tuple[str, ...]:
    """The sources of the sentence's claims, unless the question describes them ("the NIA
    spokesperson" is the source "NIA spokesman Alok Mittal")."""
    wanted = set(matched).union(*(vocabulary.related(word_stem) for word_stem in matched))
    return tuple(
        claim.claimant
        for claim in claims
        if claim.claimant
        and not wanted
        & {stem(word) for word in words_of(f"{claim.claimant_role} {claim.claimant_org}")}
    )


def _best_claim(claims: Sequence[ClaimView], passage: Passage) -> ClaimView | None:
    """Of the claims made in the sentence, the one whose content holds most question words."""
    if not claims:
        return None
    matched = set(passage.matched)

    def overlap(claim: ClaimView) -> int:
        return len(matched & {stem(word) for word in words_of(claim.text)})

    return max(claims, key=overlap)


def _clause(passage: Passage, fact: str | None, claim: ClaimView | None) -> str:
    """The part of the sentence that answers: the claim's content, or the pieces of the
    sentence around the question's words and the fact, about 32 words at most."""
    # The claim's content alone can lose what the question asked for ("claimed by" whom);
    # the sentence's own words keep it.
    if claim is not None and len(claim.text.split()) >= _CLAIM_WHOLE_SHARE * len(
        passage.sentence.split()
    ):
        return _words_limit(claim.text)
    sentence = passage.sentence
    if len(sentence.split()) <= _CLAUSE_WORDS:
        return sentence.rstrip(".")
    pieces = [piece for piece in _CLAUSE_BREAK.split(sentence) if piece]
    wanted = set(passage.matched)

    def value(piece: str) -> int:
        held = len(wanted & {stem(word) for word in words_of(piece)})
        return held + (3 if fact and fact in piece else 0)

    best = max(range(len(pieces)), key=lambda index: value(pieces[index]))
    chosen = [pieces[best]]
    left, right = best - 1, best + 1
    while True:
        words = sum(len(piece.split()) for piece in chosen)
        options = []
        if left >= 0 and words + len(pieces[left].split()) <= _CLAUSE_WORDS:
            options.append(("left", value(pieces[left])))
        if right < len(pieces) and words + len(pieces[right].split()) <= _CLAUSE_WORDS:
            options.append(("right", value(pieces[right])))
        if not options:
            break
        side = max(options, key=lambda option: option[1])[0]
        if side == "left":
            chosen.insert(0, pieces[left])
            left -= 1
        else:
            chosen.append(pieces[right])
            right += 1
    return _words_limit(", ".join(chosen).rstrip("."))


def _words_limit(text: str) -> str:
    text = text.rstrip(" .")
    words = text.split()
    if len(words) <= _CLAUSE_WORDS + 8:
        return text
    return " ".join(words[:_CLAUSE_WORDS]) + " …"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _speaker(claim: ClaimView) -> str:
    """"Jiand Baloch (a spokesman for the BLA)": the source with what the text says of them."""
    name = source_name(claim)
    more = [part for part in (claim.claimant_role, claim.claimant_org) if part and part != name]
    return f"{name} ({', '.join(dict.fromkeys(more))})" if more else name


def _claim_sentence(claim: ClaimView) -> str:
    verb = _STANCE_VERBS.get(claim.stance, "says")
    return f"{_speaker(claim)} {verb}: {_words_limit(claim.text)}."


def _disputed_passage_text(claim: ClaimView | None, dispute_word: str | None, clause: str) -> str:
    """Is it disputed, from one sentence: its claim's links or stance, else its own words."""
    if claim is not None and (claim.disputed_by or claim.disputes or claim.stance == "denial"):
        return _disputed_text(claim)
    if dispute_word is not None:
        return f"Disputed: {clause}."
    if claim is not None:
        return _disputed_text(claim)
    return f"No stored document disputes it. {_capitalised(clause)}."


def _disputed_text(claim: ClaimView) -> str:
    """Whether a claim is disputed and by whom; or what it disputes, when it is the denial."""
    parts: list[str] = []
    for other in claim.disputed_by[:2]:
        parts.append(
            f"Yes: {other.claimant or 'an unnamed source'} disputes it ({other.stance}): "
            f"{_words_limit(other.text)}."
        )
    for other in claim.disputes[:2]:
        verb = claim.cue or _STANCE_VERBS.get(claim.stance, "says")
        parts.append(
            f"Yes, disputed: {_speaker(claim)} {verb} "
            f"{other.claimant or 'an unnamed source'}'s {other.stance}: "
            f"{_words_limit(claim.text)}."
        )
    if claim.stance == "denial" and not claim.disputes:
        parts.append(f"Yes, denied: {_speaker(claim)}: {_words_limit(claim.text)}.")
    if not parts:
        parts.append(f"No stored document disputes it. {_claim_sentence(claim)}")
    elif claim.corroborated_by:
        parts.append(f"Corroborated by {claim.corroborated_by[0].claimant or 'another source'}.")
    return " ".join(parts)


def _source_text(source: SourceRef, claim: ClaimView | None) -> str:
    where = f"{source.outlet}, in “{source.title}”" if source.outlet else f"“{source.title}”"
    if claim is not None and (claim.claimant or claim.claimant_org):
        return f"{_speaker(claim)}, as reported by {where}."
    return f"Reported by {where}."


def _citation(source: SourceRef, sentence: str, claimant: str) -> Citation:
    return Citation(
        document_id=source.document_id,
        title=source.title,
        url=source.url,
        outlet=source.outlet,
        sentence=sentence,
        claimant=claimant,
    )


def _unsure(store: Store, question: Question) -> Answer:
    """No sentence answers well enough: say so, with the closest claims."""
    words = " ".join([*question.terms, *(group.name for group in question.groups)])
    closest = tuple(search_claims(store, words, limit=_CLOSEST_CLAIMS)) if words else ()
    return Answer(question.text, question.kind, None, 0.0, closest=closest)
