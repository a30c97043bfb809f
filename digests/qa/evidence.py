"""Finding the sentences that answer a question.

Full-text search (BM25 on SQLite, ts_rank on PostgreSQL) picks candidate documents and
claims; then every sentence of those documents is scored by how much of the question
it covers: each search word weighs its inverse document frequency (a rare word such as
"Kandahar" counts more than "attack"), a synonym from `config/answers.yaml` counts
nearly as much as the word, and a group the question names counts when the sentence
(or the one before it) mentions it. Sentences of documents the thread is about, and
sentences holding the kind of fact asked for (a figure for "how many"), rank higher.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from sqlalchemy import select

from digests.extract.actors import Actors
from digests.extract.sentences import Sentence, split_sentences
from digests.qa import facts
from digests.qa.question import Question, words_of
from digests.qa.vocabulary import Vocabulary, stem
from digests.store.engine import Store
from digests.store.models import Claim, Document, Group, Mention
from digests.store.search import document_frequencies, search, stored_documents

# How many documents and claims full-text search proposes.
_DOCUMENT_POOL = 12
_CLAIM_POOL = 20
# What a synonym of a question's word is worth, against the word itself.
_SYNONYM_CREDIT = 0.8
# A group named in the question weighs like a rare word; mentioned only in the
# sentence before, it counts half (the sentence may say "the group" or "they").
_GROUP_WEIGHT = 4.5
_PREVIOUS_SENTENCE_CREDIT = 0.5
# A word no stored document holds is most often a chat abbreviation or a misspelling
# ("veg", "okd"): it tells no document from another, so it weighs half as much as a
# rare word (leave-one-file-out over the question files: 0.4 to 0.6 did best).
_UNKNOWN_WORD_SHARE = 0.5
# How much of a passage's coverage is the sentence's own; the rest is its document's.
_SENTENCE_SHARE = 0.5
# Bonuses added to the share of the question a sentence covers.
_FACT_BONUS = 0.05  # holds the kind of fact asked for
_FOCUS_BONUS = 0.1  # from a document the thread is about
_CLAIM_BONUS = 0.05  # carries an attributed claim
_DOCUMENT_RANK_BONUS = 0.1  # the best full-text match among the documents
_PHRASE_BONUS = 0.06  # for each two words of the question standing together in it
_MAX_PHRASES = 3
# A document of fewer sentences tells too little of which words it is about.
_FEW_SENTENCES = 4
# At most how much of a word's weight is lost, among its document's sentences, when
# every one of them holds it.
_TOPIC_DISCOUNT = 0.5
# Float sums in another order may differ by this much; a sentence this close is read.
_ROUNDING = 1e-9


@dataclass(frozen=True, slots=True)
class Neighbour:
    """The sentence just before or after a passage: the answer often stands there ("A
    team was named. It will be led by Abdul Salam Rahimi.")."""

    sentence: str
    groups: tuple[str, ...]
    group_spans: tuple[tuple[int, int], ...]  # offsets in `sentence`
    follows: bool  # comes after the passage
    span_groups: tuple[str, ...] = ()  # the group each of `group_spans` names


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence that may answer the question, and how well it covers it."""

    document_id: int
    sentence: str
    start: int  # offsets in the document text
    end: int
    coverage: float  # share of the question's weight the sentence holds, 0 to 1
    score: float  # coverage plus bonuses; passages are ranked by it
    groups: tuple[str, ...]  # canonical names of the groups the sentence mentions
    group_spans: tuple[tuple[int, int], ...]  # where, as offsets in the sentence
    span_groups: tuple[str, ...]  # the group each of `group_spans` names
    claim_ids: tuple[int, ...]  # claims made in this sentence
    matched: tuple[str, ...]  # the question's words the sentence holds (or a synonym of)
    neighbours: tuple[Neighbour, ...] = ()  # the sentence after, then the one before
    # Each question word's stem and its share of the question's weight: how close a
    # fact stands to the heavy words says how well it answers (`facts.support`).
    term_shares: tuple[tuple[str, float], ...] = ()
    sentence_coverage: float = 0.0  # the share the sentence holds by itself, 0 to 1
    document_rank: float = 0.0  # 1 for full-text search's best document, down to 0


@dataclass(frozen=True, slots=True)
class _Weights:
    terms: dict[str, float]  # question stem -> weight
    related: dict[str, frozenset[str]]  # question stem -> synonym stems
    total: float
    phrases: frozenset[tuple[str, str]]  # stems of the question's neighbouring search words


def find_passages(
    store: Store,
    question: Question,
    *,
    vocabulary: Vocabulary,
    actors: Actors,
    focus_documents: Collection[int] = (),
    limit: int = 8,
) -> list[Passage]:
    """The sentences best covering `question`, best first."""
    if question.is_empty:
        return []
    weights = _weights(store, question, vocabulary)
    expanded = [*question.terms, *_group_words(question)]
    for stems in weights.related.values():
        expanded.extend(stems)
    document_hits = search(store, " ".join(expanded), limit=_DOCUMENT_POOL, match_all=False)
    claim_hits = search(
        store, " ".join(expanded), target="claims", limit=_CLAIM_POOL, match_all=False
    )
    document_rank = {hit.id: 1 - place / len(document_hits) for place, hit in
                     enumerate(document_hits)}
    with store.session() as session:
        claim_documents = dict(
            session.execute(
                select(Claim.id, Claim.document_id).where(
                    Claim.id.in_([hit.id for hit in claim_hits])
                )
            ).all()
        )
        candidates = list(
            dict.fromkeys([*document_rank, *claim_documents.values(), *focus_documents])
        )
        texts = dict(
            session.execute(
                select(Document.id, Document.text).where(Document.id.in_(candidates))
            ).all()
        )
        mentions: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for document_id, start, end, name in session.execute(
            select(Mention.document_id, Mention.start, Mention.end, Group.name)
            .join(Group, Group.id == Mention.group_id)
            .where(Mention.document_id.in_(candidates))
        ):
            mentions[document_id].append((start, end, name))
        claims_at: dict[tuple[int, int], list[int]] = defaultdict(list)
        for claim_id, document_id, start in session.execute(
            select(Claim.id, Claim.document_id, Claim.start).where(
                Claim.document_id.in_(candidates)
            )
        ):
            claims_at[(document_id, start)].append(claim_id)
    named = {group.name for group in question.groups}
    term_shares = tuple(
        (term_stem, weight / weights.total) for term_stem, weight in weights.terms.items()
    )
    scored: list[_Scored] = []
    for document_id, text in texts.items():
        sentences, stemmed = _sentences_of(text)
        document_groups = {name for _, _, name in mentions.get(document_id, ())}
        document_coverage, _ = _coverage(
            set().union(*stemmed), document_groups, set(), named, weights
        )
        previous_groups: set[str] = set()
        previous_matched: tuple[str, ...] = ()
        insides = [
            [
                (start - sentence.start, end - sentence.start, name)
                for start, end, name in mentions.get(document_id, ())
                if sentence.start <= start and end <= sentence.end
            ]
            for sentence in sentences
        ]
        sentence_weights = _within_document(weights, stemmed)
        for index, sentence_stems in enumerate(stemmed):
            inside = insides[index]
            groups = {name for _, _, name in inside}
            sentence_coverage, matched = _coverage(
                set(sentence_stems), groups, previous_groups, named, sentence_weights,
                previous_matched,
            )
            previous_groups = groups
            previous_matched = matched
            if sentence_coverage <= 0:
                continue
            # A sentence answers in its document's context: "the raid" is the Turbat raid
            # when the document is about Turbat.
            coverage = (
                _SENTENCE_SHARE * sentence_coverage + (1 - _SENTENCE_SHARE) * document_coverage
            )
            claim_ids = tuple(claims_at.get((document_id, sentences[index].start), ()))
            bonuses = (
                (_FOCUS_BONUS if document_id in focus_documents else 0.0),
                (_CLAIM_BONUS if claim_ids else 0.0),
                _DOCUMENT_RANK_BONUS * document_rank.get(document_id, 0.0),
                _PHRASE_BONUS * min(_phrases(sentence_stems, weights.phrases), _MAX_PHRASES),
            )
            scored.append(_Scored(
                _score(coverage, 0.0, bonuses), bonuses, document_id, index, sentences,
                insides, groups, claim_ids, matched, coverage, sentence_coverage,
            ))
    # Only a sentence within the fact bonus of the last place can reach the best `limit`:
    # whether the others hold a fact, the costliest test here, cannot change the ranking.
    bases = sorted((item.score for item in scored), reverse=True)
    last_place = bases[limit - 1] if len(bases) >= limit else -math.inf
    passages: list[Passage] = []
    for item in scored:
        if item.score + _FACT_BONUS < last_place - _ROUNDING:
            continue
        sentence = item.sentences[item.index]
        inside = item.insides[item.index]
        spans, span_groups = _spans_and_groups(inside)
        holds = _holds_fact(
            question, sentence.text, item.matched, spans, span_groups, item.groups, actors,
            vocabulary, item.claim_ids,
        )
        passages.append(
            Passage(
                document_id=item.document_id,
                sentence=sentence.text,
                start=sentence.start,
                end=sentence.end,
                coverage=item.coverage,
                score=_score(item.coverage, _FACT_BONUS if holds else 0.0, item.bonuses),
                groups=tuple(sorted(item.groups)),
                group_spans=spans,
                span_groups=span_groups,
                claim_ids=item.claim_ids,
                matched=item.matched,
                neighbours=tuple(
                    _neighbour(item.sentences[other].text, item.insides[other],
                               other > item.index)
                    for other in (item.index + 1, item.index - 1)
                    if 0 <= other < len(item.sentences)
                ),
                term_shares=term_shares,
                sentence_coverage=item.sentence_coverage,
                document_rank=document_rank.get(item.document_id, 0.0),
            )
        )
    passages.sort(key=lambda passage: (-passage.score, passage.document_id, passage.start))
    return passages[:limit]


@dataclass(frozen=True, slots=True)
class _Scored:
    """A sentence's score before the fact bonus, and what makes it a passage."""

    score: float
    bonuses: tuple[float, ...]  # all but the fact bonus (`_score`)
    document_id: int
    index: int  # in `sentences`
    sentences: Sequence[Sentence]
    insides: list[list[tuple[int, int, str]]]  # each sentence's group mentions
    groups: set[str]
    claim_ids: tuple[int, ...]
    matched: tuple[str, ...]
    coverage: float
    sentence_coverage: float


def _score(coverage: float, fact_bonus: float, bonuses: tuple[float, ...]) -> float:
    """A sentence's rank score, always summed in one order: the same sentence scores the
    same to the last bit however it was reached."""
    total = coverage + fact_bonus
    for bonus in bonuses:
        total += bonus
    return total


@lru_cache(maxsize=facts.CACHED_DOCUMENTS)
def _sentences_of(text: str) -> tuple[tuple[Sentence, ...], tuple[tuple[str, ...], ...]]:
    """A document's sentences and each one's word stems: split and stemmed once, not once
    for every question that reads the document."""
    sentences = tuple(split_sentences(text))
    return sentences, tuple(
        tuple(stem(word) for word in words_of(sentence.text)) for sentence in sentences
    )


def _neighbour(sentence: str, inside: list[tuple[int, int, str]], follows: bool) -> Neighbour:
    spans, span_groups = _spans_and_groups(inside)
    return Neighbour(
        sentence=sentence,
        groups=tuple(sorted(set(span_groups))),
        group_spans=spans,
        span_groups=span_groups,
        follows=follows,
    )


def _spans_and_groups(
    inside: list[tuple[int, int, str]],
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """A sentence's group mentions as their offsets and, in the same order, their groups."""
    return (
        tuple((start, end) for start, end, _ in inside),
        tuple(name for _, _, name in inside),
    )


def _group_words(question: Question) -> list[str]:
    return [word for group in question.groups for word in (group.short, group.name)]


def _weights(store: Store, question: Question, vocabulary: Vocabulary) -> _Weights:
    """Each search word's weight: log of how rare it is among the stored documents."""
    total_documents = max(stored_documents(store), 1)
    frequencies = document_frequencies(store, list(question.terms))
    terms: dict[str, float] = {}
    related: dict[str, frozenset[str]] = {}
    for term in question.terms:
        term_stem = stem(term)
        frequency = frequencies.get(term, 0)
        weight = math.log((total_documents + 1) / (frequency + 0.5))
        if not frequency:
            weight *= _UNKNOWN_WORD_SHARE
        terms[term_stem] = max(terms.get(term_stem, 0.0), weight, 0.1)
        related[term_stem] = vocabulary.related(term_stem)
    total = sum(terms.values()) + _GROUP_WEIGHT * len(question.groups)
    stems = [stem(term) for term in question.terms]
    phrases = frozenset(pairwise(stems))
    return _Weights(terms=terms, related=related, total=total, phrases=phrases)


def _within_document(
    weights: _Weights, stemmed: Sequence[Sequence[str]]
) -> _Weights:
    """The weights for telling a document's sentences apart: a word most of its sentences
    hold is what the document is about ("Nasrallah" in a story of his death), and says
    little of which sentence answers; a word few hold says much ("Iran")."""
    count = len(stemmed)
    if count < _FEW_SENTENCES:
        return weights
    held = [set(sentence) for sentence in stemmed]
    top = math.log((count + 1) / 0.5)
    terms: dict[str, float] = {}
    for term_stem, weight in weights.terms.items():
        wanted = {term_stem} | weights.related[term_stem]
        frequency = sum(bool(wanted & sentence) for sentence in held)
        rarity = math.log((count + 1) / (frequency + 0.5)) / top  # 0 to 1
        terms[term_stem] = weight * (1 - _TOPIC_DISCOUNT + _TOPIC_DISCOUNT * rarity)
    total = sum(terms.values()) + weights.total - sum(weights.terms.values())
    return dataclasses.replace(weights, terms=terms, total=total)


def _phrases(stems: list[str], phrases: frozenset[tuple[str, str]]) -> int:
    """How many of the question's word pairs stand together in the sentence (its stems)."""
    return len(phrases & set(pairwise(stems))) if phrases else 0


def _coverage(
    stems: set[str],
    groups: set[str],
    previous_groups: set[str],
    named: set[str],
    weights: _Weights,
    previous_matched: tuple[str, ...] = (),
) -> tuple[float, tuple[str, ...]]:
    """The share of the question's weight a text (its `stems`) holds, and the words it
    holds. Words the sentence before holds count in part: "It will be led by ..." follows
    the sentence naming the team it is about."""
    if weights.total <= 0:
        return 0.0, ()
    held = 0.0
    matched: list[str] = []
    for term_stem, weight in weights.terms.items():
        if term_stem in stems:
            held += weight
            matched.append(term_stem)
        elif weights.related[term_stem] & stems:
            held += weight * _SYNONYM_CREDIT
            matched.append(term_stem)
        elif term_stem in previous_matched:
            held += weight * _PREVIOUS_SENTENCE_CREDIT
    for name in named:
        if name in groups:
            held += _GROUP_WEIGHT
        elif name in previous_groups:
            held += _GROUP_WEIGHT * _PREVIOUS_SENTENCE_CREDIT
    return held / weights.total, tuple(matched)


def _holds_fact(
    question: Question,
    sentence: str,
    matched: tuple[str, ...],
    group_spans: tuple[tuple[int, int], ...],
    span_groups: tuple[str, ...],
    groups: set[str],
    actors: Actors,
    vocabulary: Vocabulary,
    claim_ids: Sequence[int],
) -> bool:
    """Whether the sentence holds the kind of fact the question asks for, near its words
    (for "who", a claim's source counts too)."""
    if question.kind == "who" and claim_ids:
        return True
    found = facts.asked_fact(
        question,
        sentence,
        matched=matched,
        groups=tuple(sorted(groups)),
        group_spans=group_spans,
        span_groups=span_groups,
        actors=actors,
        vocabulary=vocabulary,
    )
    return found is not None
