"""The facts a sentence holds that a question may ask for: figures, places and dates.

Each finder returns `Fact`s with offsets into the sentence, so the answerer can pick the
one nearest the words the question asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digests.extract.actors import Actors

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|a hundred|a dozen|dozens|scores|hundreds|thousands|a few|several"
)
_FIGURE = re.compile(
    r"(?<![\w.,])(?:(?:about|around|nearly|almost|some|at least|more than|over|up to|roughly|"
    r"approximately|an estimated|as many as|fewer than|less than|only|just)\s+)?"
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
_NAMED_PLACE = re.compile(_PLACE_NAME + r"\s" + _PLACE_WORDS + r"\b|\b(?:the\s)?"
                          + _PLACE_WORDS + r"\sof\s" + _PLACE_NAME)
_PLACE_AFTER = re.compile(r"\b(?:in|at|near|outside|across|from|into|inside)\s(?:the\s)?("
                          + _PLACE_NAME + r")")
_NOT_PLACES = re.compile(
    r"^(?:" + _MONTH + r"|" + _WEEKDAY + r"|The|A|An|His|Her|Their|Its|This|That|Mr|Ms|Dr)$"
)


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
