"""The facts a sentence holds that a question may ask for: figures, places and dates.

Each finder returns `Fact`s with offsets into the sentence, so the answerer can pick the
one nearest the words the question asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digests.extract.actors import Actors
from digests.qa.question import Question, words_of
from digests.qa.vocabulary import Vocabulary, stem

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|a hundred|a dozen|dozens|scores|hundreds|thousands"
)
_FIGURE = re.compile(
    r"(?<![\w.,])(?:(?:about|around|nearly|almost|some|at least|more than|over|up to|roughly|"
    r"approximately|an estimated|as many as|fewer than|less than|only|just)\s+)?"
    r"(?:(?:US|U\.S\.|A|C)?[$€£]\s?)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\b(?:" + _NUMBER_WORDS + r")\b)"
    r"(?:\s*(?:-|–|to|and|or)\s*(?:\d{1,3}(?:,\d{3})+|\d+))?"
    r"(?:\s+(?:million|thousand|hundred))?(?![\w%])",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATE = re.compile(
    r"\b(?:(?:on|last|this|early|late|since|until|by)\s+)?"
    r"(?:" + _WEEKDAY + r"(?:\s*\(\s*" + _MONTH + r"\s+\d{1,2}\s*\))?"
    r"(?:\s+(?:morning|afternoon|evening|night))?"
    r"|" + _MONTH + r"\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+" + _MONTH + r"(?:,?\s+\d{4})?"
    r"|(?:in\s+)?" + _MONTH + r"\s+\d{4}|(?:in\s+)?(?:19|20)\d{2}"
    r"|yesterday|today|(?:last|this|next) (?:week|month|year|weekend)"
    r"|(?:earlier|later) this (?:week|month|year))(?!\w)"
)
# Years, dates and times are not figures of people or things.
_NOT_A_FIGURE_AFTER = re.compile(r"^\s*(?:%|per ?cent|percent|years? old|am\b|pm\b|GMT)", re.I)
_NOT_A_FIGURE_BEFORE = re.compile(_MONTH + r"\s*$|\b(?:19|20)\d\d\s*$")
_PLACE_WORDS = r"(?:province|district|region|state|city|valley|county|governorate|area|town)"
_PLACE_NAME = r"[A-Z][\w’'-]+(?:\s(?:al-|el-)?[A-Z][\w’'-]+)*"
_NAMED_PLACE = re.compile(
    _PLACE_NAME + r"\s" + _PLACE_WORDS + r"\b|\b(?:the\s)?" + _PLACE_WORDS + r"\sof\s" + _PLACE_NAME
)
_PLACE_AFTER = re.compile(
    r"\b(?:in|at|near|outside|across|from|into|inside)\s(?:the\s)?(" + _PLACE_NAME + r")"
)
_NOT_PLACES = re.compile(
    r"^(?:" + _MONTH + r"|" + _WEEKDAY + r"|The|A|An|His|Her|Their|Its|This|That|Mr|Ms|Dr)$"
)


# Capitalised words that start a sentence or clause, never a name: "In October", "But Ghani".
_NOT_A_NAME_WORD = re.compile(
    r"^(?:" + _MONTH + r"|" + _WEEKDAY + r"|The|A|An|His|Her|Their|Its|This|That|These|Those|"
    r"In|On|At|By|For|From|With|After|Before|During|Since|Until|When|While|But|And|Or|If|"
    r"As|Of|To|Last|Next|Earlier|Later|Yesterday|Today|Meanwhile|However|Also|Then)$"
)
_PERSON = re.compile(
    r"\b[A-Z][a-z’'-]+(?:\s(?:(?:bin|ibn|al|el|ul|de|van|abu|abd|abdul)[\s-])?[A-Z][a-z’'-]+){1,3}\b"
)
# A group the watchlist does not know: capitalised words joined by "of", "ul", "e", ...
# holding a word groups name themselves by ("Harkat ul Harb-e-Islam", "Deccan Mujahideen",
# "Bangsamoro Islamic Freedom Fighters").
_NAME_RUN = re.compile(
    r"\b[A-Z][\w’'-]*(?:\s(?:(?:of|the|for|and|in|al|el|ul|e|i|wal)\s)?[A-Z][\w’'-]*)*"
)
_POSSESSIVE_AFTER = re.compile(r"^['’]s\b")
_COUNTED = re.compile(r"\bhow (?:many|much)\b|\bnumber of\b", re.IGNORECASE)
_FIGURE_NOUN_REACH = 5  # words between a figure and the noun it counts
_REACH = 60  # characters between a person or date and a word of the question
_PLACE_REACH = 120  # a place often ends the sentence: "... beheaded a couple ... in Sumisip town"
_FACT_KINDS = frozenset({"how_many", "where", "when", "which_group", "who", "disputed", "source"})


@dataclass(frozen=True, slots=True)
class Fact:
    """A figure, place or date as a sentence writes it, with its offsets in the sentence."""

    text: str
    start: int
    end: int


def figures(sentence: str) -> list[Fact]:
    """Figures of people or things: "nearly 100", "6,000", "at least 28", "three"."""
    found = []
    for match in _FIGURE.finditer(sentence):
        value = match.group().strip()
        digits = value.replace(",", "")
        if digits.isdigit() and len(digits) == 4 and digits[:2] in {"19", "20"}:
            continue  # a year
        if _NOT_A_FIGURE_AFTER.match(sentence[match.end() :]):
            continue
        if _NOT_A_FIGURE_BEFORE.search(sentence[: match.start()]):
            continue
        if value.lower() in {"one"} and not sentence[match.end() :].lstrip()[:1].isalpha():
            continue  # "one" as a pronoun
        found.append(Fact(value, match.start(), match.end()))
    return found


def dates(sentence: str) -> list[Fact]:
    """Dates and days: "on Wednesday (Dec 26)", "last month", "in 2017"."""
    return [Fact(match.group(), match.start(), match.end()) for match in _DATE.finditer(sentence)]


def places(sentence: str, actors: Actors, group_spans: list[tuple[int, int]]) -> list[Fact]:
    """Countries, cities and named places; not the names of groups (`group_spans`)."""
    found: dict[tuple[int, int], Fact] = {}

    def add(text: str, start: int, end: int) -> None:
        if any(start < g_end and g_start < end for g_start, g_end in group_spans):
            return
        if _NOT_PLACES.match(text):
            return
        found.setdefault((start, end), Fact(text, start, end))

    for mention in actors.find(sentence):
        if mention.kind in {"country", "capital", "place"}:
            add(mention.surface, mention.start, mention.end)
    for match in _NAMED_PLACE.finditer(sentence):
        add(match.group(), match.start(), match.end())
    for match in _PLACE_AFTER.finditer(sentence):
        add(match.group(1), match.start(1), match.end(1))
    # Longer places first, so "Kandahar province" wins over "Kandahar" inside it.
    ordered = sorted(found.values(), key=lambda fact: (fact.start, -(fact.end - fact.start)))
    kept: list[Fact] = []
    for fact in ordered:
        if kept and fact.start < kept[-1].end:
            continue
        kept.append(fact)
    return kept


def unlisted_groups(
    sentence: str, actors: Actors, group_spans: list[tuple[int, int]], vocabulary: Vocabulary
) -> list[Fact]:
    """Names of groups the watchlist does not hold, by the words groups name themselves
    with (`vocabulary.group_words`); not a state, body, outlet or place (`actors`) nor a
    watchlist group (`group_spans`)."""
    taken = [(m.start, m.end) for m in actors.find(sentence)] + list(group_spans)
    found = []
    for match in _NAME_RUN.finditer(sentence):
        words = match.group().split()
        if any(_NOT_A_NAME_WORD.match(word) for word in words[:1]):
            words = words[1:]  # "The Deccan Mujahideen": the name without its article
        if not words:
            continue
        start = match.end() - len(" ".join(words))
        if any(start < end and begin < match.end() for begin, end in taken):
            continue
        parts = [part for word in words for part in word.split("-")]
        # One plain word is rarely a group's whole name ("Islamic militants"), and a bare
        # acronym may be anything ("CCTV", "IDF"): a name of two parts or more, with a word
        # groups name themselves by.
        named = len(parts) > 1 and any(part.lower() in vocabulary.group_words for part in parts)
        if named:
            found.append(Fact(" ".join(words), start, match.end()))
    return found


def people(sentence: str, actors: Actors, group_spans: list[tuple[int, int]]) -> list[Fact]:
    """Names of people: two to four capitalised words ("Mohammad Khurasani", "Hamza bin
    Laden"), not a state, body, place or group."""
    taken = [(m.start, m.end) for m in actors.find(sentence)] + list(group_spans)
    found = []
    for match in _PERSON.finditer(sentence):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        if any(_NOT_A_NAME_WORD.match(word) for word in match.group().split()):
            continue
        found.append(Fact(match.group(), match.start(), match.end()))
    return found


def asked_fact(
    question: Question,
    sentence: str,
    *,
    matched: tuple[str, ...],
    groups: tuple[str, ...],
    group_spans: tuple[tuple[int, int], ...],
    actors: Actors,
    vocabulary: Vocabulary,
    sources: tuple[str, ...] = (),
    anchored: bool = True,
) -> str | None:
    """The figure, place, date, group or person `question` asks for, as `sentence` gives
    it near the question's words (`matched` stems); None when it gives none. A person
    who is only the sentence's source (`sources`) is not the one asked about. Not
    `anchored` (a sentence next to the one holding the question's words), the first
    fact counts: "It will be led by Abdul Salam Rahimi"."""
    kind = question.kind
    if kind not in _FACT_KINDS:
        return None
    asked = set(words_of(question.text))
    if kind == "disputed":
        # The word by which the sentence disputes something: "denied", "baseless".
        return next(
            (
                match.group()
                for match in re.finditer(r"[^\W_]+", sentence)
                if stem(match.group().lower()) in vocabulary.dispute_stems
            ),
            None,
        )
    if kind == "source":
        # An outlet the sentence names ("the Washington Post has spoken to ...").
        outlets = [m for m in actors.find(sentence) if m.kind == "media"]
        return outlets[0].surface if outlets else None
    spans = list(group_spans)
    if kind == "which_group":
        named = {group.name for group in question.groups}
        others = [name for name in groups if name not in named]
        if others:
            return others[0]
        found = [
            fact
            for fact in unlisted_groups(sentence, actors, spans, vocabulary)
            if not set(words_of(fact.text)) <= asked
        ]
    elif kind == "how_many":
        found = figures(sentence)
        counted = _counted_stems(question, vocabulary)
        if counted:  # "how many fighters": a figure of fighters (or members), not of pagers
            found = [fact for fact in found if _counts(sentence, fact, counted)]
    elif kind == "where":
        found = [
            fact
            for fact in places(sentence, actors, spans)
            # "Afghanistan's president" is no location; nor is a place the question names.
            if not _POSSESSIVE_AFTER.match(sentence[fact.end :])
            and not set(words_of(fact.text)) <= asked
        ]
    elif kind == "when":
        found = dates(sentence)
    else:  # who
        found = [
            fact
            for fact in people(sentence, actors, spans)
            if not set(words_of(fact.text)) <= asked
            and not any(fact.text in source or source in fact.text for source in sources)
        ]
    anchors = _anchor_positions(sentence, matched)
    if not found:
        return None
    if not anchors or not anchored:
        if kind == "how_many":
            return found[0].text
        if anchored:
            return None
        specific = [fact for fact in found if fact.text not in actors.countries]
        return (specific or found)[0].text

    def distance(fact: Fact) -> int:
        return min(min(abs(fact.start - a), abs(fact.end - a)) for a in anchors)

    if kind == "which_group":
        return min(found, key=distance).text if min(map(distance, found)) <= _PLACE_REACH else None
    if kind == "where":
        # A town or province says where better than a country: "where in Kenya?"
        near = [fact for fact in found if distance(fact) <= _PLACE_REACH]
        specific = [fact for fact in near if fact.text not in actors.countries]
        return min(specific or near, key=distance).text if near else None
    nearest = min(found, key=distance)
    return nearest.text if kind == "how_many" or distance(nearest) <= _REACH else None


def _counted_stems(question: Question, vocabulary: Vocabulary) -> frozenset[str]:
    """What "how many X" counts: X's stem and its synonyms; empty when X is no noun."""
    match = _COUNTED.search(question.text)
    if match is None:
        return frozenset()
    # The first two search words after "how many", past group names ("how many TTP
    # fighters", "how many bus passengers").
    following = [word for word in words_of(question.text[match.end() :]) if word in question.terms]
    stems = {stem(word) for word in following[:2]}
    return frozenset(stems.union(*(vocabulary.related(word_stem) for word_stem in stems)))


def _counts(sentence: str, fact: Fact, counted: frozenset[str]) -> bool:
    """Whether a counted noun stands just after the figure ("6,000 fighters") or just
    before it ("killing 14 officers" counts from "killing")."""
    after = words_of(sentence[fact.end :])[:_FIGURE_NOUN_REACH]
    before = words_of(sentence[: fact.start])[-_FIGURE_NOUN_REACH:]
    return any(stem(word) in counted for word in (*after, *before))


def _anchor_positions(sentence: str, matched: tuple[str, ...]) -> list[int]:
    """Where in the sentence the question's words stand."""
    wanted = set(matched)
    return [
        match.start()
        for match in re.finditer(r"[^\W_]+", sentence)
        if stem(match.group().lower()) in wanted
    ]
