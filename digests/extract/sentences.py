"""Sentence splitting and quotation spans, with character offsets into the document.

News text needs more than "split at a full stop": abbreviations ("Dec. 26", "Mr Biden",
"Gen."), dotted acronyms ("U.S. forces"), initials ("Rosemary A. DiCarlo"), full stops
inside closing quotes ('... again," he said.'), and paragraph breaks that end a caption
with no full stop at all. A quotation can span sentences; `find_quotes` pairs its marks so
that claims can treat it as one piece of content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cpl",
        "adm",
        "cmdr",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "sr",
        "jr",
        "no",
        "nos",
        "vol",
        "fig",
        "pp",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "est",
        "approx",
        "vs",
        "etc",
        "al",
        "govt",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
# After a dotted acronym ("U.S.") a sentence usually goes on ("U.S. forces"); it ends only
# when a word that typically opens a sentence follows.
_SENTENCE_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "in",
        "on",
        "at",
        "but",
        "and",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "its",
        "there",
        "however",
        "meanwhile",
        "earlier",
        "later",
        "after",
        "before",
        "since",
        "while",
        "when",
        "if",
        "as",
        "last",
        "some",
        "many",
        "most",
        "officials",
        "police",
    ]
)
_CLOSERS = "\"'”’)]"
_OPENERS = "\"'“‘(["
# Either "[.!?…]+" and closing marks before a space and a capital, or "\n\s*". Written to
# start with one character class, so that the regex engine skips quickly to candidates.
_BOUNDARY = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|(?<=\n)\s*)"
)
# A dateline opening a wire story ("QUETTA, PAKISTAN (REUTERS) - ", "MOGADISHU, Dec 22 —")
# is not part of its first sentence.
_DATELINE = re.compile(
    r"(?:By (?:the )?[A-Z][\w.]*(?: [A-Z][\w.]*){0,3}\s+)?"
    r"[A-Z][A-Za-z'-]+(?:,? [A-Z][A-Za-z.'-]+){0,3}(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?,?\s*"
    r"(?:\([A-Za-z .]{2,30}\)\s*)?(?:\s[-—–]\s*|[—–:]\s*)(?=[\"“‘']?[A-Z])"
)
_WORD_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WORD_CHARS = _WORD_LETTERS | {"."}
_NEXT_WORD = re.compile(r"\s*[\"'“‘(\[]?([A-Za-z0-9]+)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text exactly as in the document and its offsets there."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: offsets of its opening and (one past) closing mark; `closed` False when the
    text never closes it (a quote running on into the next paragraph)."""

    start: int
    end: int
    closed: bool = True

    @property
    def inner(self) -> tuple[int, int]:
        return (self.start + 1, self.end - 1 if self.closed else self.end)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of `text`, trimmed of surrounding white space, in document order."""
    sentences: list[Sentence] = []
    start = _skip_dateline(text)
    for match in _BOUNDARY.finditer(text):
        if text[match.start()] == "\n":
            cut = match.start()
        else:
            if not _ends_sentence(text, match.start(), match.end()):
                continue
            cut = match.end()
        _append(sentences, text, start, cut)
        start = match.end()
    _append(sentences, text, start, len(text))
    return tuple(sentences)


def _skip_dateline(text: str) -> int:
    offset = len(text) - len(text.lstrip())
    match = _DATELINE.match(text, offset)
    if match is None or match.end() - offset > 60:
        return 0
    if match.group().rstrip().endswith(":") and not match.group().split()[0].rstrip(",:").isupper():
        return 0  # "ISTANBUL: ..." is a dateline, "Militants: ..." a caption
    return match.end()


# A frozen dataclass's __init__ sets each field through object.__setattr__; filling the
# slots directly builds the same object in half the time, for every sentence of every text.
_SET_SENTENCE_FIELDS = tuple(getattr(Sentence, slot.name).__set__ for slot in fields(Sentence))


def _new_sentence(start: int, end: int, text: str) -> Sentence:
    """`Sentence(start, end, text)`, built slot by slot."""
    sentence = object.__new__(Sentence)
    set_start, set_end, set_text = _SET_SENTENCE_FIELDS
    set_start(sentence, start)
    set_end(sentence, end)
    set_text(sentence, text)
    return sentence


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()  # str.strip() drops exactly the characters that isspace() is for
    if stripped:
        start += len(piece) - len(piece.lstrip())
        sentences.append(_new_sentence(start, start + len(stripped), stripped))


def _ends_sentence(text: str, stop: int, after: int) -> bool:
    """Is the punctuation at `stop` a sentence end, given the text before and after it?"""
    if text[stop] != ".":
        return True  # "!", "?" and an ellipsis before a capital end a sentence
    word = _word_before(text, max(0, stop - 40), stop)  # a window: no rescans
    if not word:
        return True
    if "." in word:  # a dotted acronym such as "U.S." or "U.N."
        return _next_word(text, after) in _SENTENCE_OPENERS
    if len(word) == 1 and word.isupper():
        return False  # an initial: "Rosemary A. DiCarlo"
    lowered = word.lower()
    if lowered in _ABBREVIATIONS:
        # "Dec. 26" never ends a sentence; "Mr. Biden" neither; "... in the U.S. Army Corp."
        # followed by "The" might, but titles before names are far more common.
        return lowered in {"etc", "inc", "ltd", "co", "corp"} and _next_word(text, after) in (
            _SENTENCE_OPENERS
        )
    return True


def _next_word(text: str, after: int) -> str:
    """The word after a full stop, lower-cased (read only when the word before needs it)."""
    next_match = _NEXT_WORD.match(text, after)
    return next_match.group(1).lower() if next_match else ""


def _word_before(text: str, floor: int, stop: int) -> str:
    """The word ending at `stop` (letters and dots, from its first letter, not before
    `floor`): what `re.search(r"([A-Za-z][A-Za-z.]*)$", text[floor:stop])` finds, read
    backwards instead of trying every position of the window."""
    if stop > floor and text[stop - 1] == "\n":
        stop -= 1  # "$" also matches before a final line break
    start = stop
    while start > floor and text[start - 1] in _WORD_CHARS:
        start -= 1
    while start < stop and text[start] not in _WORD_LETTERS:
        start += 1  # leading dots
    return text[start:stop]


def sentence_index(sentences: tuple[Sentence, ...], offset: int) -> int:
    """The index of the sentence holding `offset` (or the last one starting before it)."""
    low, high = 0, len(sentences) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if sentences[middle].start <= offset:
            low = middle
        else:
            high = middle - 1
    return low


_DOUBLE_MARKS = "\"“”"
# An opening mark at the start or after a space or bracket before a word character, or a
# closing mark after a word or punctuation before a space, punctuation or the end. The
# mark comes first and its neighbour is checked behind it: a pattern that starts with a
# character class lets the regex engine skip to the marks.
_SINGLE_QUOTES = re.compile(
    r"['‘’](?:(?:(?<=^['‘])|(?<=[\s(\[—–-]['‘]))(?=\w)|(?<=[\w.,!?…]['’])(?=[\s,.;:)\]—–-]|$))"
)


def find_quotes(text: str) -> tuple[Quote, ...]:
    """Quotation spans in `text`, outermost only.

    Curly marks say which way they face; straight ones are read from their neighbours
    (after a space an opening mark, before one a closing mark). A new opening mark while a
    quote is open closes the open one first: news text drops the closing mark when a
    quotation runs on into a new paragraph. Single marks count as quotes only in texts that
    quote with them ('...,' Harf said), never apostrophes.
    """
    quotes = _pair(text, _positions_of(text, _DOUBLE_MARKS))
    if quotes:
        return quotes
    return _pair(text, [match.start() for match in _SINGLE_QUOTES.finditer(text)])


def _positions_of(text: str, characters: str) -> list[int]:
    """Where any of `characters` stands in `text`, in order: `str.find` skips to each one
    many times faster than a regular expression steps through the text."""
    positions: list[int] = []
    for character in characters:
        index = text.find(character)
        while index >= 0:
            positions.append(index)
            index = text.find(character, index + 1)
    positions.sort()
    return positions


def _pair(text: str, marks: list[int]) -> tuple[Quote, ...]:
    """Quotations from the offsets of the quotation marks in `text`."""
    quotes: list[Quote] = []
    open_at: int | None = None
    length = len(text)
    for index in marks:
        mark = text[index]
        before = text[index - 1] if index > 0 else " "
        after = text[index + 1] if index + 1 < length else " "
        if mark in "“‘":
            opening = True
        elif mark in "”’":
            opening = False
        else:  # a straight mark: decide from its neighbours
            opening = (before.isspace() or before in _OPENERS or index == 0) and not after.isspace()
            if open_at is not None and not (before.isspace() or before in "(["):
                opening = False
        if opening:
            if open_at is not None:
                quotes.append(Quote(open_at, _trim_end(text, open_at, index), closed=False))
            open_at = index
        elif open_at is not None:
            quotes.append(Quote(open_at, index + 1))
            open_at = None
    if open_at is not None:
        quotes.append(Quote(open_at, _paragraph_end(text, open_at), closed=False))
    return tuple(quotes)


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return end


def _paragraph_end(text: str, start: int) -> int:
    newline = text.find("\n", start)
    return _trim_end(text, start, len(text) if newline < 0 else newline)
