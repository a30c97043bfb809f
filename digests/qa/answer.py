"""Answering a follow-up question from the stored documents and claims, or saying it cannot.

The question is read (`question.read_question`), the sentences covering it are found
(`evidence.find_passages`), and the answer is taken from the best one: the source for
"who", a figure for "how many", a place for "where", a date for "when", the group for
"which group", the linked and opposing claims for "is it disputed". In a digest's
thread, "that", "this claim" and "the second one" mean what the thread shows, and its
documents rank first. Each of the best sentences gives a candidate answer; `choice`
weighs them with learnt weights and takes the likeliest. When none is likely enough, the
answer is None and the closest claims are offered instead: sitrep never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from digests.claim_search import search_claims
from digests.compose import ClaimView, SourceRef, load_claim_views
from digests.extract.actors import Actors
from digests.qa import facts
from digests.qa.choice import ASKED_KINDS, Candidate, choose
from digests.qa.evidence import Passage, find_passages
from digests.qa.question import Question, QuestionKind, read_question, words_of
from digests.qa.vocabulary import Vocabulary, stem, stems_of
from digests.render import source_name
from digests.store.engine import Store
from digests.store.groups import GroupRecord, all_groups
from digests.store.models import Document
from digests.store.search import search

# How many of the best sentences are read for an answer.
_PASSAGES_TRIED = 12
# A sentence and its document holding less of the question's weight than this answer
# something else: "who leads the Lord's Resistance Army?" is not answered by "It will be
# led by Zahid Mengal" (no right answer of the dev questions covers less than 0.3).
_LEAST_COVERAGE = 0.33
# The fixed rule behind the "preferred" measure (`_preference`): what a fact standing
# right by all the question's words adds to its sentence's score,
_SUPPORT_WEIGHT = 0.5
# what a person described by the role a "who" question asks for ("which spokesman") adds,
_ROLE_BONUS = 0.3
# and what a country for "where" or "next month" for "when" loses against a town or a day.
_VAGUE_PENALTY = 0.2
# A question is a sentence or two; a longer text is refused with a message, not read.
MAX_QUESTION_CHARS = 1000
# A clause quoted in the answer is kept to about this many words.
_CLAUSE_WORDS = 32
# A claim's content stands for its sentence when it holds most of the sentence's words.
_CLAIM_WHOLE_SHARE = 0.8
_CLOSEST_CLAIMS = 3
# A figure written in digits: "107", "6,000".
_FIGURE_WORD = re.compile(r"(?<![\w.,])\d{2,}(?:,\d{3})*(?![\w])")
# A year the question names ("the 2008 Marriott bombing") is as specific as a name.
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Words before a person read for what they speak for ("Pentagon spokesman ...").
_DESCRIPTION_WORDS = 4
# Words between a role and the group it is of, in a question ("TTP military spokesman").
_ROLE_GROUP_REACH = 3
# Documents read to learn whether a question word is a name, when no passage holds it.
_NAME_LOOKUPS = 2
# The kinds of question a sentence answers only with a fact of that kind in it.
_FACT_KINDS = frozenset({"how_many", "how_far", "how_old", "where", "when"})
_STANCE_VERBS = {
    "accusation": "accuses",
    "denial": "denies",
    "responsibility": "claims responsibility",
    "warning": "warns",
    "demand": "demands",
    "report": "reports",
    "statement": "says",
}
_REFERS_BACK_AT_START = re.compile(
    r"^(?:It|They|He|She|This|These|Those|Its|Their|His|Her|The (?:group|attack|team))\b"
)
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
    candidates = _candidates(store, question, actors, vocabulary, thread.document_ids)
    chosen = choose(candidates, vocabulary.weights)
    return chosen if chosen is not None else _unsure(store, question)


def answer_candidates(
    store: Store,
    text: str,
    *,
    vocabulary: Vocabulary,
    actors: Actors,
    groups: Sequence[GroupRecord] | None = None,
) -> list[Candidate]:
    """The answers the best sentences give to `text`, asked outside any thread, each with
    what is weighed to choose among them (for training those weights)."""
    question = read_question(text, all_groups(store) if groups is None else groups, vocabulary)
    if question.is_empty or len(text) > MAX_QUESTION_CHARS:
        return []
    return _candidates(store, question, actors, vocabulary)


def _candidates(
    store: Store, question: Question, actors: Actors, vocabulary: Vocabulary,
    focus_documents: Sequence[int] = (),
) -> list[Candidate]:
    """The best sentences' answers (those of `focus_documents`, a thread's, ranking
    higher), with the measures `choice.choose` weighs: how well
    the sentence covers the question, whether it holds a fact of the kind asked for and
    how close that fact stands to the question's words, whether the person is described
    by the role asked for. Answers failing a check (the document names whom the question
    names, the relative asked about is in the sentence) are left out."""
    tried = find_passages(
        store, question, vocabulary=vocabulary, actors=actors,
        focus_documents=focus_documents, limit=_PASSAGES_TRIED,
    )
    roles = facts.asked_roles(question, actors, vocabulary)
    qualifiers = facts.role_qualifiers(question, actors, vocabulary)
    loaded = _load(store, tried, question, actors)
    names = _NamesAsked(store, question, loaded.texts, actors, vocabulary)
    role_of_group = bool(roles) and _role_of_named_group(question, roles, vocabulary)
    best_score = tried[0].score if tried else 0.0
    focus = _focus_stems(question, actors, vocabulary)
    asked_countries = _countries_named(question, actors, vocabulary)
    direction = facts.asked_direction(question)
    # A figure the question gives ("who put the number injured at 107?") is as telling as
    # a rare word, whatever the sentence's words.
    asked_figures = {
        figure for figure in _FIGURE_WORD.findall(question.text) if not _YEAR.match(figure)
    }
    # The question's longer words as typed, found as parts of the sentence's words ("kill"
    # in "killed"): plain overlap, each word counting alike, beside the coverage that
    # weighs words by their rarity.
    typed = [word for word in question.terms if len(word) > _PLAIN_WORD_LENGTH]
    drafts: list[tuple[Answer, str | None, dict[str, float]]] = []
    for place, passage in enumerate(tried):
        if passage.coverage < _LEAST_COVERAGE:
            continue
        # A document that never names whom or what the question is about ("Hamza bin
        # Laden", "the 2008 bombing") answers about someone or something else.
        if names.missing_from(passage.document_id) or not _names_groups_asked(
            loaded.texts.get(passage.document_id, ""), question
        ):
            continue
        answer, fact, context = _from_passage(
            loaded, question, passage, actors, vocabulary, roles
        )
        if answer.text is None:
            continue
        features = _measures(
            question, passage, answer, fact, context, actors, vocabulary, roles,
            role_of_group=role_of_group, qualifiers=qualifiers,
        )
        if features is None:
            continue
        features["behind_best"] = passage.score - best_score
        features["first"] = float(place == 0)
        features["rank"] = 1 / (1 + place)
        features["best_document"] = float(passage.document_id == tried[0].document_id)
        features["focus_near"] = float(_focus_near(focus, context, fact))
        features["direction"] = float(
            direction is not None and fact is not None and fact in context
            and facts.direction_at(context, context.index(fact)) == direction
        )
        features["conflicts"] = float(
            _conflicts(question, passage.sentence, asked_countries, actors)
        )
        features["figure_asked"] = float(
            bool(asked_figures & set(_FIGURE_WORD.findall(passage.sentence)))
        )
        lowered = passage.sentence.lower()
        features["plain_words"] = float(sum(word in lowered for word in typed))
        drafts.append((answer, fact, features))
    # "next month" is no answer to "when" where the same document gives a day ("August
    # 8"), nor a country to "where" where it gives the town.
    precise_in = {
        answer.citations[0].document_id
        for answer, fact, features in drafts
        if fact is not None and not features["vague"]
    }
    drafts = [
        (answer, fact, features) for answer, fact, features in drafts
        if not (features["vague"] and answer.citations[0].document_id in precise_in)
    ]
    # A fact several sentences give is likelier the answer than one only one gives; the
    # fact standing closest to the question's words, likelier than those further off.
    most_typed = max((features["plain_words"] for _, _, features in drafts), default=0.0)
    for _, _, features in drafts:
        features["plain_words"] = features["plain_words"] / most_typed if most_typed else 0.0
    given = [fact for _, fact, _ in drafts]
    closest = max((features["support"] for _, _, features in drafts), default=0.0)
    for _, fact, features in drafts:
        features["agreement"] = given.count(fact) / len(given) if fact is not None else 0.0
        features["closest"] = float(0 < closest == features["support"])
    # The one a fixed rule prefers: of those holding a fact of the kind asked for, the
    # best-ranked once the fact's closeness and description are added.
    if drafts:
        max(drafts, key=lambda draft: _preference(draft[2]))[2]["preferred"] = 1.0
    return [
        Candidate(answer, features, None if fact is None else facts.fact_key(fact))
        for answer, fact, features in drafts
    ]


class _NamesAsked:
    """The question's words that name someone or something (written with a capital in
    the stored documents, not a title, country or people's adjective), its years and the
    countries it names; and whether a document holds them all."""

    def __init__(
        self, store: Store, question: Question, texts: dict[int, str], actors: Actors,
        vocabulary: Vocabulary,
    ) -> None:
        self._store = store
        self._texts = texts
        self._actors = actors
        self._vocabulary = vocabulary
        # A word for a body or a group ("union", "front") may be capitalised in every
        # document naming one, yet names nothing by itself.
        generic = vocabulary.title_words | vocabulary.not_person_words | vocabulary.group_words
        self._terms = [term for term in question.terms if len(term) > 2 and term not in generic]
        self._names: list[str] | None = None
        self._stems: dict[int, set[str]] = {}
        self._countries = _countries_named(question, actors, vocabulary)
        self._document_countries: dict[int, set[str]] = {}

    def missing_from(self, document_id: int) -> bool:
        text = self._texts.get(document_id)
        if text is None:
            return False
        if self._countries:
            # "how much aid did the UK give Syria?" is not answered from a document about
            # aid to Afghanistan: a country the question names, the document names too (by
            # its name, capital or people: "Syrian").
            if document_id not in self._document_countries:
                self._document_countries[document_id] = {
                    mention.country or mention.name for mention in self._actors.find(text)
                    if mention.kind in _COUNTRY_KINDS
                }
            if not self._countries <= self._document_countries[document_id]:
                return True
        if not self._terms or not self.names():
            return False
        if document_id not in self._stems:
            self._stems[document_id] = stems_of(words_of(text))
        held = self._stems[document_id]
        return any(
            stem(name) not in held and not self._vocabulary.related(stem(name)) & held
            and not _spelt_out(name, text)
            for name in self.names()
        )

    def names(self) -> list[str]:
        if self._names is None:
            self._names = [term for term in self._terms if self._is_name(term)]
        return self._names

    def _is_name(self, term: str) -> bool:
        if _YEAR.match(term):
            return True
        if term.isdigit() or any(
            mention.kind in {"country", "demonym"} for mention in self._actors.find(term.title())
        ):
            return False  # "Pakistani", "Afghanistan": where, not whom
        pattern = re.compile(rf"(?<![\w'’-]){re.escape(term)}(?![\w'’-])", re.IGNORECASE)
        written = [match for text in self._texts.values() for match in pattern.finditer(text)]
        if not written:
            hits = search(self._store, term, limit=_NAME_LOOKUPS)
            with self._store.session() as session:
                texts = session.execute(
                    select(Document.text).where(Document.id.in_([hit.id for hit in hits]))
                ).scalars().all()
            written = [match for text in texts for match in pattern.finditer(text)]
        # A word the documents write only with a capital, once at least inside a
        # sentence, is a name: "Hamza", "Galaxy Leader"; "attack" or "Attack" is not.
        return bool(written) and all(match.group()[0].isupper() for match in written) and any(
            re.search(r"[a-z,;]\s+$", match.string[max(match.start() - 3, 0) : match.start()])
            for match in written
        )


_COUNTRY_KINDS = frozenset({"country", "demonym", "capital"})


def _countries_named(question: Question, actors: Actors, vocabulary: Vocabulary) -> set[str]:
    """The countries a question names by name or people ("uk", "sri lanka", "syrian"), as
    `actors` calls them; "us" only when typed "US"."""
    words = [word for word in question.text.split()
             if word.isupper() or word.lower() not in vocabulary.stop_words]
    phrases = [" ".join(words[start : start + size]) for size in (1, 2, 3)
               for start in range(len(words) - size + 1)]
    found: set[str] = set()
    for phrase in phrases:
        bare = phrase.strip("?!.,;:'’\"()")
        for form in {bare.title(), bare.upper()} if bare else ():
            found.update(
                mention.country or mention.name for mention in actors.find(form)
                if mention.kind in {"country", "demonym"} and mention.surface == form
            )
    return found


_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
# Months as typed ("aug") and written, each to its full name; not "may" nor "march",
# which are words too.
_MONTH_WORD = {
    **{name: name for name in (
        "january", "february", "april", "june", "july", "august", "september", "october",
        "november", "december",
    )},
    "jan": "january", "feb": "february", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october",
    "nov": "november", "dec": "december",
}
_MONTHS = frozenset(_MONTH_WORD)


def _conflicts(
    question: Question, sentence: str, asked_countries: set[str], actors: Actors
) -> bool:
    """Whether the sentence speaks of another day, month or country than the question
    names: "how many soldiers died on Sunday?" - "two were killed on Saturday"; "how many days
    of mourning did Iran call?" - "the Iraqi cleric announced three days in Iraq"."""
    for named_in, known in ((_WEEKDAYS, None), (_MONTHS, _MONTH_WORD)):
        asked = {known.get(word, word) if known else word
                 for word in words_of(question.text) if word in named_in}
        if asked and question.kind != "when":
            given = {known.get(word, word) if known else word
                     for word in words_of(sentence) if word in named_in}
            if given and not given & asked:
                return True
    if asked_countries:
        named = {
            mention.country or mention.name for mention in actors.find(sentence)
            if mention.kind in _COUNTRY_KINDS
        }
        if named and not named & asked_countries:
            return True
    return False


def _spelt_out(abbreviation: str, text: str) -> bool:
    """Whether `text` writes out an abbreviation the question uses: "UAE" as "United Arab
    Emirates", "AU" as "African Union"."""
    if not 2 <= len(abbreviation) <= 5 or not abbreviation.isalpha():
        return False
    joiner = r"\s+(?:(?:of|the|and|for|al|el)\s+)*"
    pattern = joiner.join(rf"{letter.upper()}[\w’'-]+" for letter in abbreviation)
    return re.search(rf"\b{pattern}", text) is not None


def _measures(
    question: Question, passage: Passage, answer: Answer, fact: str | None, context: str,
    actors: Actors, vocabulary: Vocabulary, roles: frozenset[str], *, role_of_group: bool,
    qualifiers: frozenset[str] = frozenset(),
) -> dict[str, float] | None:
    """A candidate's own measures (see FEATURES in `choice`); None when it fails a check a
    right answer passes, whatever its weight: "how old is Malala's father?" is not
    answered by a sentence saying nothing of a father; "the Houthi spokesman" is someone
    the text calls a spokesman, not of a body beside the group ("Pentagon spokesman
    Patrick Ryder")."""
    claimant_role = (
        stems_of(words_of(answer.claim.claimant_role))
        if answer.claim is not None and fact == answer.claim.claimant else set()
    )
    # A person named in the sentence next to one speaking of a role-holder by no name ("A
    # politician representing the Sikh community was killed. Officials said Awtar Singh
    # Khalsa ... was dead") is described by it.
    introduced = (
        stems_of(words_of(passage.sentence))
        if fact is not None and context != passage.sentence
        and not facts.people(passage.sentence, actors, list(passage.group_spans))
        and not _own_role_after(context, fact, actors)
        else set()
    )
    # "the police chief" is described as a chief and as of the police: a rebel chief is
    # another chief.
    described = fact is not None and all(
        wanted and (facts.described_as(context, fact, wanted)
                    or bool(wanted & claimant_role) or bool(wanted & introduced))
        for wanted in (roles, *((qualifiers,) if qualifiers else ()))
    )
    beside = _groups_beside(passage, context, fact) if described else set()
    if not _holds_kin_asked(question, answer, vocabulary) or (
        fact is not None and role_of_group
        and (
            not described or _described_by_body(context, fact, actors)
            # "Nur Misuari, founding chairman of the MNLF" chairs no MILF.
            or (bool(beside) and not beside & {group.name for group in question.groups})
        )
    ):
        return None
    in_sentence = fact is not None and context == passage.sentence
    return {
        # The same for every candidate of a question: how readily a question of its kind
        # is answered at all (a "what" question's answers hold no fact to weigh).
        **{f"asks_{kind}": float(question.kind == kind) for kind in ASKED_KINDS},
        "score": passage.score,
        "coverage": passage.coverage,
        "sentence_coverage": passage.sentence_coverage,
        "document_rank": passage.document_rank,
        "fact": float(in_sentence),
        "fact_beside": float(fact is not None and not in_sentence),
        "support": (
            facts.support(context, fact, passage.term_shares, vocabulary)
            if fact is not None and in_sentence else 0.0
        ),
        "vague": float(fact is not None and not facts.is_specific(question.kind, fact, actors)),
        "figure_place_date": float(in_sentence and question.kind in _FACT_KINDS),
        "fact_in_question": float(fact is not None and _named_in(fact, question)),
        "claim": float(bool(passage.claim_ids)),
        "role_described": float(described),
        "role_of_group": float(described and bool(question.groups) and facts.described_as(
            context, fact or "", _group_stems(question, vocabulary)
        )),
    }


_WH = re.compile(r"\b(?:who|whom|whose|what|which|where|when|how)\b", re.IGNORECASE)
# "What kind of kit": the word after it is what the question asks about.
_NOT_FOCUS = frozenset({"kind", "type", "sort", "sorts", "kinds", "types"})
# Question words this short ("war", "ISW") are not looked for inside others (`plain_words`).
_PLAIN_WORD_LENGTH = 3
# Words between the fact and the word the question asks about, at most.
_FOCUS_REACH = 5


def _focus_stems(
    question: Question, actors: Actors, vocabulary: Vocabulary
) -> frozenset[str]:
    """The stem of the first word the question searches for after its "how many", "which"
    or "where" ("how many *soldiers* died", "which *charity*"), and its synonyms; empty
    when there is none; "what kind of *kit*". Not a country or place: "where in Kenya
    was she *kidnapped*?" asks about somewhere in Kenya, not near the word."""
    found = _WH.search(question.text)
    after = [] if found is None else [
        word for word in words_of(question.text[found.end() :])
        if word in question.terms and word not in _NOT_FOCUS
        and not actors.find(word.capitalize())
    ]
    if not after:
        return frozenset()
    return frozenset({stem(after[0])} | vocabulary.related(stem(after[0])))


def _focus_near(focus: frozenset[str], sentence: str, fact: str | None) -> bool:
    """Whether a word of `focus` (`_focus_stems`) stands within a few words of the fact;
    or anywhere in the sentence when there is no fact in it."""
    if not focus:
        return False
    words = [stem(word) for word in words_of(sentence)]
    place = sentence.find(fact) if fact is not None else -1
    if place < 0:
        return bool(focus & set(words))
    start = len(words_of(sentence[:place]))
    end = start + len(words_of(fact or ""))
    return bool(focus & set(words[max(start - _FOCUS_REACH, 0) : end + _FOCUS_REACH]))


def _preference(features: dict[str, float]) -> float:
    """The fixed rule's value of a candidate (see FEATURES in `choice`): its sentence's
    score, more when its fact stands by the question's words or is described by the role
    asked for, less when the fact is vague; a candidate without its own fact ranks last."""
    if not features["fact"]:
        return features["score"] - 1.0
    return (
        features["score"]
        + _SUPPORT_WEIGHT * features["support"]
        + _ROLE_BONUS * (features["role_described"] + features["role_of_group"])
        - _VAGUE_PENALTY * features["vague"]
    )


def _names_groups_asked(text: str, question: Question) -> bool:
    """Whether a document names every group the question names, by its name, short name
    or an alias: "how many fighters does Boko Haram have?" is not answered from a
    document about the TTP."""
    return all(
        any(
            re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text,
                      0 if name.isupper() else re.IGNORECASE)
            for name in (group.name, group.short, *group.aliases) if name
        )
        for group in question.groups
    )


def _group_stems(question: Question, vocabulary: Vocabulary) -> frozenset[str]:
    """The stems of the words naming the groups a question names ("milf", "moro",
    "bangsamoro"), without particles ("al") and words any group's name may hold
    ("movement", "front")."""
    names = [name for group in question.groups
             for name in (group.name, group.short, *group.aliases)]
    return frozenset(stems_of(
        word for name in names for word in words_of(name)
        if len(word) > 2 and word not in vocabulary.stop_words
        and word not in vocabulary.group_words
    ))


# Words tying a role noun to the group after it: "spokesman *for* the TTP".
_ROLE_TIES = frozenset({"of", "for", "from", "at", "in"})


def _own_role_after(sentence: str, person: str, actors: Actors) -> bool:
    """Whether the sentence gives a person a role of their own just after the name: "said
    Dejan Panic, coordinator in Afghanistan for ..."."""
    start = sentence.find(person)
    after = _APPOSITION.match(sentence, start + len(person)) if start >= 0 else None
    return after is not None and bool(actors.role_forms & set(words_of(after.group(1))))


# ", the coordinator in Afghanistan": the words of an apposition after a name.
_APPOSITION = re.compile(r",\s+((?:[\w’'-]+\s+){0,3}[\w’'-]+)")


def _groups_beside(passage: Passage, sentence: str, person: str | None) -> set[str]:
    """The watchlist groups named within a few words of a person in the passage's own
    sentence: those a role describing the person may be of. Only by name: "the group"
    refers to a group, maybe not the one it is taken for."""
    if person is None or sentence != passage.sentence or person not in sentence:
        return set()
    start = sentence.index(person)
    end = start + len(person)
    return {
        name for (group_start, group_end), name
        in zip(passage.group_spans, passage.span_groups, strict=True)
        if sentence[group_start:group_end][:1].isupper()
        and len(words_of(sentence[end:group_start] if group_start >= end
                        else sentence[group_end:start])) <= _DESCRIPTION_WORDS
    }


def _role_of_named_group(
    question: Question, roles: frozenset[str], vocabulary: Vocabulary
) -> bool:
    """Whether the role asked for is one of a group the question names: "the houthi
    military spokesman" (not "which al jazeera reporter did Hamas name")."""
    if not question.groups:
        return False
    group_stems = _group_stems(question, vocabulary)
    typed = words_of(question.text)
    words = [stem(word) for word in typed]

    def of_group(place: int) -> bool:
        # "the houthi military spokesman", "spokesman for the TTP", "who leads the BIFF";
        # not "which analyst reckons al shabab has no successor": what is spoken of.
        before = words[max(place - _ROLE_GROUP_REACH, 0) : place]
        after = words[place + 1 : place + _ROLE_GROUP_REACH + 1]
        governs = typed[place] in vocabulary.role_verbs or (bool(after) and after[0] in _ROLE_TIES)
        return bool(group_stems & set(before)) or (governs and bool(group_stems & set(after)))

    return any(of_group(place) for place, word in enumerate(words) if word in roles)


def _described_by_body(sentence: str, person: str, actors: Actors) -> bool:
    """Whether a body, institution or outlet stands just before a person as what they speak
    for ("Pentagon spokesman Maj-Gen Patrick Ryder", "CIA spokesman Jonathan Liu"), or
    after, as what their role is of: "Cirilito Sobejana, the commander of the Army's 6th
    Infantry Division" commands no armed group."""
    start = sentence.find(person)
    if start < 0:
        return False
    before = " ".join(sentence[:start].split()[-_DESCRIPTION_WORDS:])
    role_of = _ROLE_OF_AFTER.match(sentence, start + len(person))
    # "Esmatullah Muradi, a spokesman for the governor of Kunduz" speaks for an office.
    if role_of and role_of.group(1).split()[0].lower() in actors.role_forms:
        return True
    return any(
        mention.kind in {"body", "institution", "media"}
        for text in (before, role_of.group(1) if role_of else "")
        for mention in actors.find(text)
    )


# ", the commander of the Army's 6th Infantry Division", ", a spokesman for the governor":
# what or whom a role after a name is of.
_ROLE_OF_AFTER = re.compile(
    r",\s+(?:(?:the|a|an)\s+)?(?:[\w-]+\s+){1,3}(?:of|for)\s+(?:the\s+)?([^,.;]{1,40})"
)


# Kinds of question asking who someone is or something of them ("how old is he?").
_ASKS_OF_A_PERSON = frozenset({"who", "what", "how_old"})


def _holds_kin_asked(question: Question, answer: Answer, vocabulary: Vocabulary) -> bool:
    """Whether the sentences an answer quotes speak of the relative the question asks
    about ("father", "son"), when it asks about one. Only who the relative is or what
    of them: "when were Roy and his wife attacked?" is answered by "attacked her on
    Feb. 26"."""
    kin = {stem(word) for word in question.terms if word in vocabulary.kin_words}
    if not kin or not answer.citations or question.kind not in _ASKS_OF_A_PERSON:
        return True
    wanted = kin.union(*(vocabulary.related(word_stem) for word_stem in kin))
    return bool(wanted & stems_of(words_of(answer.citations[0].sentence)))


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


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The claims and documents of the passages tried, read from the store at once."""

    claims: dict[int, ClaimView]
    sources: dict[int, SourceRef]
    texts: dict[int, str]
    # Each document's people by surname (`facts.people_by_surname`), read for "who".
    surnames: dict[int, Mapping[str, str]] = field(default_factory=dict)


def _load(
    store: Store, passages: Sequence[Passage], question: Question, actors: Actors
) -> _Loaded:
    """One session for all the passages tried, not one each: answers stay fast."""
    claim_ids = [claim_id for passage in passages for claim_id in passage.claim_ids]
    document_ids = {passage.document_id for passage in passages}
    with store.session() as session:
        claims = {claim.id: claim for claim in load_claim_views(session, claim_ids)}
        rows = session.execute(
            select(
                Document.id, Document.title, Document.outlet, Document.url, Document.text
            ).where(Document.id.in_(document_ids))
        ).all()
    sources = {row.id: SourceRef(row.id, row.title, row.outlet, row.url) for row in rows}
    texts = {row.id: row.text for row in rows}
    surnames = (
        {document: facts.people_by_surname(text, actors) for document, text in texts.items()}
        if question.kind == "who" else {}
    )
    return _Loaded(claims=claims, sources=sources, texts=texts, surnames=surnames)


def _from_passage(
    loaded: _Loaded, question: Question, passage: Passage, actors: Actors,
    vocabulary: Vocabulary, roles: frozenset[str],
) -> tuple[Answer, str | None, str]:
    """The answer one sentence gives, the fact of the kind asked for that it holds (None
    when it holds none), and the sentence holding that fact: the passage's, or a
    neighbour's. The answer's text is None when the sentence answers nothing."""
    claims = [loaded.claims[claim_id] for claim_id in passage.claim_ids
              if claim_id in loaded.claims]
    source = loaded.sources[passage.document_id]
    surnames = loaded.surnames.get(passage.document_id)
    claim = _best_claim(claims, passage)
    speakers = tuple(c.speaker_group for c in claims if c.stance == "responsibility")
    speaking = question.about_speaking
    fact = facts.asked_fact(
        question,
        passage.sentence,
        matched=passage.matched,
        groups=(*(name for name in speakers if name), *passage.groups),
        group_spans=passage.group_spans,
        span_groups=passage.span_groups,
        actors=actors,
        vocabulary=vocabulary,
        sources=() if speaking else _other_sources(claims, passage, roles, vocabulary),
        surnames=surnames,
    )
    kind = question.kind
    needs_fact = kind in _FACT_KINDS or kind == "which_group"
    # A source the question names ("which commander did Israel say it killed?") is not
    # the one it asks for.
    # Nor is a group the question names ("who's the TTP spokesman that claimed it?" asks
    # for the spokesman, not the TTP).
    spoken_by = (
        claim
        if claim is not None
        and claim.claimant
        and not _named_in(claim.claimant, question)
        and claim.speaker_group not in {group.name for group in question.groups}
        # "which spokesman?" asks for a name: "a spokesman for the Houthis" is none.
        and not (roles and not facts.names_a_person(
            claim.claimant, actors, vocabulary, (claim.speaker_group, *passage.groups)
        ))
        else None
    )
    # "How many?" answered without a figure is no answer, nor "which commander was
    # captured?" with who reported the capture: the sentence next to it may hold the
    # fact ("A team was named. It will be led by ..."), else the next passage is tried.
    if fact is None and (needs_fact or (kind == "who" and (spoken_by is None or not speaking))):
        return _from_neighbour(question, passage, source, actors, vocabulary, surnames)
    if fact is None and facts.asks_name(question):
        # "The Taliban launched their spring offensive. Their Operation Al Khandaq ...":
        # the name may stand in the next sentence; else the sentence itself answers.
        named = _from_neighbour(question, passage, source, actors, vocabulary, surnames)
        if named[0].text is not None:
            return named
    clause = _clause(passage, fact, claim)
    if kind == "disputed":
        text = _disputed_passage_text(claim, fact, clause)
    elif kind == "source" and fact is not None:
        text = f"{fact}. {_capitalised(clause)}"
    elif kind == "source":
        text = _source_text(source, claim)
    elif kind == "who" and spoken_by is not None and (fact is None or speaking):
        text = f"{_speaker(spoken_by)}: {clause}"
        fact = spoken_by.claimant  # "who said ...?": the source is the fact asked for
    elif kind == "when" and fact is not None:
        dated = facts.with_dateline(fact, loaded.texts[passage.document_id])
        text = f"{dated}. {_capitalised(clause)}"
    elif fact is not None:
        text = f"{fact}. {_capitalised(clause)}"
    else:
        text = _capitalised(clause)
    citation = _citation(source, _in_context(passage), claim.claimant if claim else "")
    answer = Answer(
        question.text, kind, text, min(passage.coverage, 1.0), (citation,), claim=claim
    )
    return answer, fact, passage.sentence


def _from_neighbour(
    question: Question, passage: Passage, source: SourceRef, actors: Actors,
    vocabulary: Vocabulary, surnames: Mapping[str, str] | None = None,
) -> tuple[Answer, str | None, str]:
    """The person, group or name asked for, from the sentence after the passage or the
    one before it, that fact and that sentence; the answer quotes both sentences. Only
    people, groups and names given: a neighbour refers to them ("It will be led by ...",
    "That attack was claimed by ...", "Their Operation Al Khandaq ..."), while a figure,
    place or date in it may be of anything. No answer when neither holds one."""
    if question.kind not in {"who", "which_group"} and not facts.asks_name(question):
        return Answer(question.text, question.kind, None, 0.0), None, ""
    for neighbour in passage.neighbours:
        fact = facts.asked_fact(
            question,
            neighbour.sentence,
            matched=passage.matched,
            groups=neighbour.groups,
            group_spans=neighbour.group_spans,
            span_groups=neighbour.span_groups,
            actors=actors,
            vocabulary=vocabulary,
            anchored=False,
            surnames=surnames,
        )
        if fact is None:
            continue
        both = (passage.sentence, neighbour.sentence)
        quoted = " ".join(both if neighbour.follows else both[::-1])
        text = f"{fact}. {_capitalised(_words_limit(neighbour.sentence))}"
        citation = _citation(source, quoted, "")
        answer = Answer(
            question.text, question.kind, text, min(passage.coverage, 1.0), (citation,)
        )
        return answer, fact, neighbour.sentence
    return Answer(question.text, question.kind, None, 0.0), None, ""


def _in_context(passage: Passage) -> str:
    """The sentence to quote: with the one before when it opens by referring back ("It
    will be led by Zahid Mengal" says what "it" is only after "A committee was named")."""
    if not _REFERS_BACK_AT_START.match(passage.sentence):
        return passage.sentence
    before = [neighbour for neighbour in passage.neighbours if not neighbour.follows]
    return f"{before[0].sentence} {passage.sentence}" if before else passage.sentence


_SHORT_FORM = re.compile(r"\s*[()]\s*")


def _named_in(name: str, question: Question) -> bool:
    """Whether the question names `name`, or either of its forms "Israel Defence Forces
    (IDF)" gives: "the IDF claim" names the IDF."""
    asked = set(words_of(question.text))
    forms = [name, *_SHORT_FORM.split(name)]
    return any(words and words <= asked for words in (set(words_of(form)) for form in forms))


def _other_sources(
    claims: Sequence[ClaimView], passage: Passage, roles: frozenset[str],
    vocabulary: Vocabulary,
) -> tuple[str, ...]:
    """The sources of the sentence's claims, unless the question describes them ("the NIA
    spokesperson" is the source "NIA spokesman Alok Mittal"), or the sentence calls them
    what the question asks for ("which tribal elder?": "Satar Hussaini, a tribal elder")."""
    matched = passage.matched
    wanted = set(matched).union(*(vocabulary.related(word_stem) for word_stem in matched))
    return tuple(
        claim.claimant
        for claim in claims
        if claim.claimant
        and not wanted
        & {stem(word) for word in words_of(f"{claim.claimant_role} {claim.claimant_org}")}
        and not facts.described_as(passage.sentence, claim.claimant, roles)
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
    # Not what the name already says: "Israel Defence Forces (IDF)", not "... (IDF)
    # (Israel Defence Forces)".
    more = [part for part in (claim.claimant_role, claim.claimant_org)
            if part and part.casefold() not in name.casefold()]
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
