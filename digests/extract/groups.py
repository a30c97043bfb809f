"""Find the armed groups a text names: pure functions over a `Watchlist`.

`find_groups` runs five small rules in order, each adding `GroupMention`s:

1. watchlist: every name and alias of `config/groups.yaml`, compiled once per
   watchlist into an Aho-Corasick automaton. Hyphens, dashes and spaces are
   interchangeable, case is ignored except in acronym-like words ("TTP", "JeM", the
   "IS" of "IS in Khorasan"), matches sit on word boundaries ("TTP's" is fine,
   "BLAST" is not), and the leftmost longest match wins. Explicit names such as
   "Pakistani Taliban", "Afghan Taliban" or "Islamic Emirate" are plain aliases.
2. acronym: "Long Name (ABBR)" and "ABBR (Long Name)" definitions, checked with the
   Schwartz-Hearst letter alignment. A definition ties ABBR to a watchlist group for
   this document ("Islamic State (IS)"), or introduces a group that is not on the
   watchlist when the long name reads like an armed group and not like a state body.
   Later bare uses of ABBR are mentions of that group.
3. such_as: "militant groups such as X and Y", "outfits including X": capitalised
   list items that the watchlist does not know.
4. context: a bare "Taliban" (also in "Taliban-led administration", "Taliban
   regime") is the Afghan Taliban unless the text makes it the Pakistani one ("the
   Taliban in Pakistan", or a story that names the TTP and nothing Afghan); "a
   breakaway Taliban group" is neither.
5. anaphora: "the two groups", "these groups", "the banned outfits", "the group",
   "its suicide wing" resolved to the groups named just before. A plural reference
   gives one mention per group, all with the anaphor's span.

Mentions are sorted by start and do not overlap, except that the mentions of one
plural anaphor share its span. `summarise_groups` counts only the named mentions:
anaphora say nothing new about how often a group is named (a text that names the
TTP once and says "the group" five times names it once), and a group reached only
through a pronoun is not one the text names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from digests.extract.model import FoundGroup, GroupMention
from digests.extract.watchlist import Watchlist

__all__ = ["find_groups", "summarise_groups"]

# --- text folding ----------------------------------------------------------------------
# A length-preserving fold makes dashes and line breaks spaces and curly
# apostrophes straight, so "Tehreek-e-Taliban", "Tehreek e Taliban" and
# "ISIS–Khorasan" meet the same automaton key and offsets stay those of the text.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_TO_SPACE = _DASHES + "\n\r\t\f\v\xa0\u2009\u202f"
_TO_APOSTROPHE = "\u2019\u2018\u02bc\u0060\u00b4"


def _fold(text: str) -> str:
    # A few str.replace calls (skipped when the character is absent) are ten times
    # faster than str.translate or a regex substitution on non-ASCII text.
    for char in _TO_SPACE:
        if char in text:
            text = text.replace(char, " ")
    for char in _TO_APOSTROPHE:
        if char in text:
            text = text.replace(char, "'")
    return text


_SPACE_RUN = re.compile(r"  +")  # two literal spaces first: 3x faster than " {2,}"

_UNLISTED_KIND = "unknown"  # FoundGroup.kind of a group that is not on the watchlist
_TALIBAN_KEYS = ("taliban", "talibans")  # matched, then settled by context


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _fold_key(name: str) -> str:
    return " ".join(_fold(name).split())


_KEY_TOKEN = re.compile(r"\S+")


def _is_acronym(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 and upper * 2 >= len(letters)


_ExactParts = tuple[tuple[int, str], ...]


def _exact_parts(key: str) -> _ExactParts:
    """The acronym-like words of a folded alias, with their offsets in it.

    These must match with their own case ("TTP", "JeM", the "IS" of "IS in Khorasan"),
    or "ELN" and "JI" would fire on ordinary words and "IS in Khorasan" on "is in
    Khorasan"; the other words of a name ("Hamas", "Baloch Liberation Army") may come
    in any case.
    """
    return tuple((m.start(), m.group()) for m in _KEY_TOKEN.finditer(key) if _is_acronym(m.group()))


# What an automaton key stands for besides a group name: the nouns anaphora end in and
# the cues of "groups such as ..." lists are found in the same scan, which is cheaper
# than a regular expression over the whole text for each.
_GROUP, _NOUN, _CUE = 0, 1, 2
_ANAPHOR_NOUNS = _words(
    """group groups outfit outfits organisation organisations organization organizations
    militia militias faction factions movement movements network networks
    wing branch squad brigade unit"""
)
_SUCH_AS_CUES = ("such as", "like", "including", "among them", "namely", "notably")


@dataclass(frozen=True)
class _Matcher:
    """One automaton over the folded, lowercased text.

    Each value is (key length, what, canonical name, spellings): `what` is _GROUP,
    _NOUN or _CUE; the name is None for a bare "Taliban", which context settles; each
    spelling lists the acronym-like words that must match with their case, and a
    match needs one spelling to agree (an empty one agrees with any case).
    """

    automaton: ahocorasick.Automaton
    afghan_taliban: str | None
    pakistani_taliban: str | None


def _build_matcher(watchlist: Watchlist) -> _Matcher:
    values: dict[str, tuple[int, int, str | None, tuple[_ExactParts, ...]]] = {}
    for entry in watchlist.groups:
        for alias in (entry.name, *entry.aliases):
            key = _fold_key(alias)
            # "ISIS" (exact) and "Isis" (any case) share a key: either spelling may match.
            # The watchlist guarantees that a key belongs to one group only.
            known = values.get(key.lower())
            spellings = known[3] if known else ()
            values[key.lower()] = (len(key), _GROUP, entry.name, (*spellings, _exact_parts(key)))
    for key in _TALIBAN_KEYS:
        values.setdefault(key, (len(key), _GROUP, None, ((),)))
    for key in _ANAPHOR_NOUNS:
        values.setdefault(key, (len(key), _NOUN, None, ((),)))
    for key in _SUCH_AS_CUES:
        values.setdefault(key, (len(key), _CUE, None, ((),)))
    automaton = ahocorasick.Automaton()
    for key, value in values.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    afghan = watchlist.lookup("Afghan Taliban")
    pakistani = watchlist.lookup("Pakistani Taliban")
    return _Matcher(
        automaton,
        afghan.name if afghan else None,
        pakistani.name if pakistani else None,
    )


def _lower(text: str) -> str:
    """`text.lower()` with the same length, so offsets stay valid."""
    lower = text.lower()
    if len(lower) != len(text):  # a few letters (e.g. "İ") grow when lowered
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lower


@dataclass(frozen=True, slots=True)
class _Folded:
    """The text folded for matching, spaces collapsed, with a map back to text offsets."""

    cased: str
    lower: str
    breaks: tuple[int, ...]  # folded offsets from which ...
    shifts: tuple[int, ...]  # ... this many characters were dropped before them

    @classmethod
    def of(cls, text: str) -> _Folded:
        cased = _fold(text)
        if "  " not in cased:
            return cls(cased, _lower(cased), (), ())
        runs = [(run.start(), run.end()) for run in _SPACE_RUN.finditer(cased)]
        breaks: list[int] = []
        shifts: list[int] = []
        dropped = 0
        for start, end in runs:
            breaks.append(start + 1 - dropped)
            dropped += end - start - 1
            shifts.append(dropped)
        cased = _SPACE_RUN.sub(" ", cased)
        return cls(cased, _lower(cased), tuple(breaks), tuple(shifts))

    def to_text(self, offset: int) -> int:
        if not self.breaks:
            return offset
        index = bisect.bisect_right(self.breaks, offset) - 1
        return offset if index < 0 else offset + self.shifts[index]


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    group: str | None  # None: a bare "Taliban" awaiting context
    via: str


@dataclass(frozen=True, slots=True)
class _Scan:
    hits: list[_Hit]  # watchlist names: leftmost longest, no overlaps
    nouns: list[tuple[int, int]]  # where "group", "outfits", "wing" ... stand
    cues: list[tuple[int, int]]  # where "such as", "like", "including" ... stand


def _scan(text: str, matcher: _Matcher) -> _Scan:
    """One pass of the automaton: names, anaphor nouns and list cues, in text offsets."""
    folded = _Folded.of(text)
    lower, cased = folded.lower, folded.cased
    size = len(lower)
    candidates: list[tuple[int, int, str | None]] = []
    nouns: list[tuple[int, int]] = []
    cues: list[tuple[int, int]] = []
    for last, (length, what, group, spellings) in matcher.automaton.iter(lower):
        start = last - length + 1
        end = last + 1
        # A key that starts or ends with a letter must not touch another letter, except
        # where a scrape glued two words ("TheIslamic State"): lowercase then capital.
        if (
            start > 0
            and lower[start].isalnum()
            and lower[start - 1].isalnum()
            and not (cased[start - 1].islower() and cased[start].isupper())
        ):
            continue
        if end < size and lower[last].isalnum() and lower[end].isalnum():
            continue
        if what == _GROUP:
            if () not in spellings and (
                not any(_same_case(cased, start, parts) for parts in spellings)
                or _shouting(cased, start, end)
            ):
                continue
            candidates.append((start, end, group))
        elif what == _NOUN:
            nouns.append((folded.to_text(start), folded.to_text(last) + 1))
        else:
            cues.append((folded.to_text(start), folded.to_text(last) + 1))
    hits: list[_Hit] = []
    reach = -1
    for start, end, group in sorted(candidates, key=lambda c: (c[0], -c[1])):
        if start < reach:
            continue  # leftmost, then longest, wins
        reach = end
        hits.append(_Hit(folded.to_text(start), folded.to_text(end - 1) + 1, group, "watchlist"))
    return _Scan(hits, nouns, cues)


def _same_case(cased: str, start: int, parts: _ExactParts) -> bool:
    return all(cased[start + at : start + at + len(part)] == part for at, part in parts)


def _watchlist_hits(text: str, matcher: _Matcher) -> list[_Hit]:
    return _scan(text, matcher).hits


_CAPS_WORD = re.compile(r"[A-Za-z]{2,}")


def _shouting(cased: str, start: int, end: int) -> bool:
    """An acronym inside an all-caps headline or dateline is no evidence of the group."""
    words = _CAPS_WORD.findall(cased[max(0, start - 30) : start])[-2:]
    words += _CAPS_WORD.findall(cased[end : end + 30])[:2]
    return len(words) >= 2 and all(w.isupper() for w in words)


# --- acronym definitions (Schwartz-Hearst) -----------------------------------------------

_PAREN_ABBR = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9'\-\u2013./&]{1,14})\s*\)")
# "ABBR (Long Name)": found from the parenthesis (a literal "(" is quick to scan for),
# then the word before it is checked.
_LONG_IN_PAREN = re.compile(r"\(([^()\n]{4,90})\)")
_ABBR_BEFORE = re.compile(r"(?<![\w\-])([A-Z][A-Za-z0-9\-\u2013]{1,12})\s+$")
_CLAUSE_STOP = re.compile(r"[.;:!?()\[\]\"“”]")
_WORD = re.compile(r"[^\s,]+")
_CONNECTORS = _words(
    "of the al el ul e i a an and in for de del la wal wa bin fi-l fil ad ud ut as us"
)

# Words that make a name read like an armed group (checked on lowercased words).
_GROUP_CUES = _words(
    """army front liberation brigade brigades movement mujahideen mujahidin mujahedeen
    lashkar jaish jaysh tehreek tehrik tahrik harkat harakat hizbul ansar ansarul
    ansarullah jamaat jama'at jamaah jemaah jamaatul militia militias forces force fighters
    taliban qaeda qaida daesh resistance guerrilla guerrillas rebels insurgents tigers
    sangar khalsa fidayeen sipah katiba katibat kataib kata'ib saraya wilayat wilayah
    mujahid jihad jihadi sahaba jundallah jund junud
    revolutionary insurgency shabaab shabab boko"""
)
# Words that make a name a state body, an international body, or something else that
# sitrep never counts as an armed group (checked on lowercased words).
_STATE_WORDS = _words(
    """ministry department office government police intelligence agency bureau commission
    council court parliament assembly senate nations union directorate rangers levies
    constabulary navy naval coast corps customs security reserve border embassy consulate
    cabinet committee
    authority authorities administration university institute school hospital bank
    company corporation news television radio times post press channel party league
    federation association foundation trust fund programme program service services
    tribunal task coalition alliance"""
)
_STATE_PHRASES = (
    "armed forces",
    "defence forces",
    "defense forces",
    "security forces",
    "special forces",
    "air force",
    "border force",
    "task force",
    "frontier corps",
    "national army",
    "national guard",
    "people's liberation army",
    "peoples liberation army",
    "revolutionary guard",
    "quds force",
)
_NATIONS = _words(
    """afghan afghanistan pakistan pakistani indian india iranian iran iraqi iraq syrian
    syria israeli israel lebanese lebanon turkish turkey yemeni yemen saudi egyptian egypt
    libyan libya nigerian nigeria malian mali somali somalia kenyan kenya ugandan uganda
    congolese sudanese sudan ethiopian ethiopia chinese china russian russia ukrainian
    ukraine american us u.s. british uk french germany german bangladesh bangladeshi
    sri lankan nepal nepali nepalese myanmar burmese philippine philippines indonesian
    indonesia thai thailand colombian colombia mexican mexico royal jordanian jordan
    qatari emirati uae"""
)
_FREE_ARMY_WORDS = _words(
    "liberation free revolutionary republican resistance salvation independence "
    "nationalist rebel islamic"
)


def _schwartz_hearst(abbr: str, before: str) -> int | None:
    """Start offset in `before` of the shortest long form whose letters spell `abbr`.

    Letters of the abbreviation are found right to left in the candidate text; the
    first one must begin a word (Schwartz & Hearst 2003).
    """
    letters = [c.lower() for c in abbr if c.isalnum()]
    if len(letters) < 2:
        return None
    low = before.lower()
    position = len(low) - 1
    for index in range(len(letters) - 1, -1, -1):
        letter = letters[index]
        while position >= 0 and (
            low[position] != letter or (index == 0 and position > 0 and low[position - 1].isalnum())
        ):
            position -= 1
        if position < 0:
            return None
        position -= 1
    return position + 1


def _name_words(name: str) -> list[str]:
    return [w.strip("'’.,").lower() for w in re.split(r"[\s\-\u2013]+", name) if w]


def _is_state_body(name: str) -> bool:
    """A state, a state's forces or office, an international body, a party or a company."""
    words = _name_words(name)
    folded = " ".join(words)
    if any(phrase in folded for phrase in _STATE_PHRASES):
        return True
    if any(w in _STATE_WORDS for w in words):
        return True
    if len(words) == 1 and words[0] in _NATIONS:
        return True
    # "Pakistan Army", "Indian Army": an army named after a country is the state's.
    armed = "army" in words or "forces" in words or "force" in words
    return armed and words[0] in _NATIONS and not any(w in _FREE_ARMY_WORDS for w in words[1:])


def _looks_like_group(name: str) -> bool:
    """The name carries a word of armed-group names and none of a state body."""
    words = _name_words(name)
    if not any(w in _GROUP_CUES or w.startswith("mujahid") for w in words):
        return False
    return not _is_state_body(name)


def _title_like(name: str) -> bool:
    """Long forms are proper names: first and last words capitalised, most words too."""
    words = [w for w in re.split(r"[\s\-\u2013]+", name) if w]
    if not words or len(words) > 10:
        return False
    if not (words[0][:1].isupper() and words[-1][:1].isupper()):
        return False
    content = [w for w in words if w.lower() not in _CONNECTORS]
    capitalised = sum(w[:1].isupper() for w in content)
    return capitalised * 3 >= len(content) * 2


def _acronym_letters(abbr: str) -> bool:
    """An abbreviation worth defining: 2 to 12 letters, mostly capitals ("TTP", "JeM")."""
    return _is_acronym(abbr) and sum(c.isalpha() for c in abbr) <= 12


@dataclass(frozen=True, slots=True)
class _Definition:
    abbr: str
    group: str
    long_start: int
    long_end: int
    abbr_start: int
    abbr_end: int
    listed: bool  # the long form is a watchlist group


def _long_form_window(text: str, end: int, abbr: str) -> int:
    """Where the words that may hold the long form of `abbr` begin (Schwartz-Hearst)."""
    max_words = min(len(abbr) + 5, len(abbr) * 2)
    window_start = max(0, end - 200)
    stops = [m.end() for m in _CLAUSE_STOP.finditer(text, window_start, end)]
    if stops:
        window_start = stops[-1]
    words = list(_WORD.finditer(text, window_start, end))
    if len(words) > max_words:
        window_start = words[-max_words].start()
    return window_start


def _definitions(text: str, hits: list[_Hit], watchlist: Watchlist) -> list[_Definition]:
    found: list[_Definition] = []
    for paren in _PAREN_ABBR.finditer(text):
        abbr = paren.group(1).strip(".-")
        if not _acronym_letters(abbr):
            continue
        before_end = paren.start()
        while before_end > 0 and text[before_end - 1] in " ,\u00a0":
            before_end -= 1
        window_start = _long_form_window(text, before_end, abbr)
        offset = _schwartz_hearst(abbr, text[window_start:before_end])
        if offset is None:
            continue
        long_start = window_start + offset
        definition = _define(
            text,
            hits,
            watchlist,
            abbr,
            long_start,
            before_end,
            paren.start(1),
            paren.start(1) + len(abbr),
        )
        if definition is not None:
            found.append(definition)
    for paren in _LONG_IN_PAREN.finditer(text):
        match = _ABBR_BEFORE.search(text, max(0, paren.start() - 16), paren.start())
        if match is None:
            continue
        abbr, inner = match.group(1), paren.group(1).strip()
        if not _acronym_letters(abbr) or _schwartz_hearst(abbr, inner) != 0:
            continue
        long_start = paren.start(1) + (len(paren.group(1)) - len(paren.group(1).lstrip()))
        definition = _define(
            text,
            hits,
            watchlist,
            abbr,
            long_start,
            long_start + len(inner),
            match.start(1),
            match.end(1),
        )
        if definition is not None:
            found.append(definition)
    return found


def _define(
    text: str,
    hits: list[_Hit],
    watchlist: Watchlist,
    abbr: str,
    long_start: int,
    long_end: int,
    abbr_start: int,
    abbr_end: int,
) -> _Definition | None:
    long_form = text[long_start:long_end]
    # A watchlist mention that ends where the long form ends names the group, and so
    # does one that the parenthesis interrupts ("the Islamic State (IS) in Khorasan").
    for hit in hits:
        if hit.start < abbr_start and hit.end > abbr_end and hit.group is not None:
            return _Definition(abbr, hit.group, hit.start, hit.end, abbr_start, abbr_end, True)
        if hit.end == long_end and hit.start >= long_start - 40 and hit.group is not None:
            return _Definition(abbr, hit.group, hit.start, long_end, abbr_start, abbr_end, True)
    entry = watchlist.lookup(long_form)
    if entry is not None:
        return _Definition(abbr, entry.name, long_start, long_end, abbr_start, abbr_end, True)
    if not _title_like(long_form) or not _looks_like_group(long_form):
        return None
    name = " ".join(long_form.split())
    return _Definition(abbr, name, long_start, long_end, abbr_start, abbr_end, False)


_NEXT_WORD = re.compile(r"\s+([\w'’\-\u2013]+)")


def _crossing_hits(text: str, matcher: _Matcher, hits: list[_Hit]) -> list[_Hit]:
    """Names that an inserted "(ABBR)" interrupts: "the Islamic State (IS) in Khorasan".

    Where the name before the parenthesis and the word after it begin a longer
    watchlist name, the window is matched again with the parenthesis blanked; a match
    that spans it replaces the pieces on either side.
    """
    ends = {hit.end: hit for hit in hits}
    for paren in _PAREN_ABBR.finditer(text):
        before = ends.get(paren.start() - 1) or ends.get(paren.start())
        after = _NEXT_WORD.match(text, paren.end())
        if before is None or after is None:
            continue
        key = _fold_key(text[before.start : before.end] + " " + after.group(1)).lower()
        if not matcher.automaton.match(key):
            continue  # no longer name goes on like this
        lo, hi = max(0, paren.start() - 80), min(len(text), paren.end() + 80)
        window = (
            text[lo : paren.start()] + " " * (paren.end() - paren.start()) + text[paren.end() : hi]
        )
        for found in _watchlist_hits(window, matcher):
            start, end = found.start + lo, found.end + lo
            if found.group is None or not (start < paren.start() and end > paren.end()):
                continue
            hits = [h for h in hits if h.end <= start or h.start >= end]
            hits.append(_Hit(start, end, found.group, "watchlist"))
    hits.sort(key=lambda h: h.start)
    return hits


def _apply_definitions(text: str, hits: list[_Hit], definitions: list[_Definition]) -> list[_Hit]:
    if not definitions:
        return hits
    by_abbr: dict[str, str] = {}
    spans = {(h.start, h.end): h for h in hits}
    for definition in definitions:
        known = spans.get((definition.abbr_start, definition.abbr_end))
        if known is None or known.group != definition.group:
            # Only an acronym the watchlist does not already tie to this group needs a
            # pass over the text ("(TTP)" after "Tehrik-i-Taliban Pakistan" does not).
            by_abbr.setdefault(definition.abbr, definition.group)
        if not definition.listed:
            # An unlisted long form replaces any partial watchlist match inside it
            # ("Tehrik-e-Taliban Swat" is not the TTP).
            hits = [
                h for h in hits if h.end <= definition.long_start or h.start >= definition.long_end
            ]
            hits.append(
                _Hit(definition.long_start, definition.long_end, definition.group, "acronym")
            )
    for abbr, group in by_abbr.items():
        hits.sort(key=lambda h: h.start)
        starts = [h.start for h in hits]
        dropped: set[int] = set()
        added: list[_Hit] = []
        pattern = re.compile(r"(?<![\w\-])" + re.escape(abbr) + r"(?![\w\-\u2013])")
        for use in pattern.finditer(text):
            start, end = use.start(), use.end()
            first = max(0, bisect.bisect_right(starts, start) - 1)
            overlapping = [
                index
                for index in range(first, bisect.bisect_left(starts, end))
                if hits[index].end > start
            ]
            if any(hits[i].start != start or hits[i].end != end for i in overlapping):
                continue  # part of a longer name
            if any(hits[i].group == group for i in overlapping):
                continue  # the watchlist already says so
            dropped.update(overlapping)
            added.append(_Hit(start, end, group, "acronym"))
        hits = [h for index, h in enumerate(hits) if index not in dropped] + added
    hits.sort(key=lambda h: h.start)
    return hits


# --- "groups such as X and Y" ------------------------------------------------------------

_ARMED_ADJECTIVES = (
    r"militant|terror|terrorist|jihadist|jihadi|extremist|separatist|insurgent|armed|rebel|"
    r"banned|proscribed|outlawed|underground|guerrilla|paramilitary|Iran-backed|"
    r"Iranian-backed"
)
_SUCH_AS_NOUN = re.compile(
    r"(?<![\w\-])(?P<noun>groups|outfits|organi[sz]ations|militias|factions|networks|movements)"
    r",? $"
)
_ARMED_BEFORE = re.compile(r"\b(?:" + _ARMED_ADJECTIVES + r")\b[\w\s\-]{0,30}$", re.IGNORECASE)
_INHERENTLY_ARMED = frozenset({"outfits", "militias"})
_ITEM_TOKEN = re.compile(r"[A-Za-z][\w'’\-\u2013.]*|\([^()]{1,20}\)|[,;:.!?\"“”()]|\S")
_LEADING_WORDS = _words(
    """the banned outlawed proscribed militant terrorist terror jihadist jihadi extremist
    separatist insurgent armed rebel islamist sectarian local regional rival smaller
    pakistan-based india-based afghanistan-based iran-backed so-called"""
)
_LIST_JOINERS = frozenset({",", "and", "or", "&"})
_NOT_A_NAME = _words("i we they he she it this that these those al-qaeda-linked")


def _such_as_items(text: str, start: int) -> list[tuple[int, int]]:
    """Capitalised list items from `start` on: "X, Y and the banned Z (ZZ)"."""
    items: list[tuple[int, int]] = []
    tokens = list(_ITEM_TOKEN.finditer(text, start, min(len(text), start + 300)))
    i = 0
    while i < len(tokens):
        while i < len(tokens) and tokens[i].group().lower() in _LEADING_WORDS:
            i += 1
        item_start = item_end = -1
        while i < len(tokens):
            word = tokens[i].group()
            if word[:1].isupper() or (word[:1].isdigit() and item_start >= 0):
                if item_start < 0:
                    item_start = tokens[i].start()
                item_end = tokens[i].end()
                i += 1
            elif (
                item_start >= 0
                and word.lower() in _CONNECTORS
                and word.lower() not in {"and", "or"}
                and i + 1 < len(tokens)
                and tokens[i + 1].group()[:1].isupper()
            ):
                i += 1
            else:
                break
        if item_start < 0:
            break
        following = tokens[i].group() if i < len(tokens) else ""
        one_word = " " not in text[item_start:item_end] and "-" not in text[item_start:item_end]
        if one_word and following[:1].islower() and following not in {"and", "or", "as"}:
            break  # an adjective, not a name: "movements like the Maoist insurgency"
        items.append((item_start, item_end))
        if i < len(tokens) and tokens[i].group().startswith("("):
            i += 1  # "(ABBR)" after an item
        if i < len(tokens) and tokens[i].group() in _LIST_JOINERS:
            i += 1
            if i < len(tokens) and tokens[i].group() in {"and", "or"}:
                i += 1
            continue
        if i + 2 < len(tokens) and [t.group() for t in tokens[i : i + 3]] == ["as", "well", "as"]:
            i += 3
            continue
        break
    return items


def _such_as_hits(
    text: str, lower: str, hits: list[_Hit], cues: list[tuple[int, int]]
) -> list[_Hit]:
    added: list[str] = []
    for cue_start, cue_end in cues:
        trigger = _SUCH_AS_NOUN.search(lower, max(0, cue_start - 16), cue_start)
        if trigger is None:
            continue
        armed = trigger.group("noun") in _INHERENTLY_ARMED or bool(
            _ARMED_BEFORE.search(text, max(0, trigger.start() - 40), trigger.start())
        )
        for start, end in _such_as_items(text, cue_end):
            name = text[start:end].rstrip(".'’")
            end = start + len(name)
            if any(h.start < end and h.end > start for h in hits):
                continue  # the watchlist or a definition already has it
            if _such_as_name(name, armed=armed):
                added.append(name)
                hits.append(_Hit(start, end, name, "such_as"))
    if not added:
        return hits
    # Later uses of the same name are mentions too.
    for name in dict.fromkeys(added):
        pattern = re.compile(r"(?<![\w\-])" + re.escape(name) + r"(?![\w\-])")
        for use in pattern.finditer(text):
            if not any(h.start < use.end() and h.end > use.start() for h in hits):
                hits.append(_Hit(use.start(), use.end(), name, "such_as"))
    hits.sort(key=lambda h: h.start)
    return hits


def _such_as_name(name: str, *, armed: bool) -> bool:
    """Whether a list item names an armed group, not a state, a place or a pronoun.

    After "militant groups such as" any proper name will do; after a bare "groups
    such as" (rights groups, aid groups ...) the name itself must read like one.
    """
    words = _name_words(name)
    if not words or words[0] in _NOT_A_NAME:
        return False
    if not (_title_like(name) or _acronym_letters(name)) or _is_state_body(name):
        return False
    return armed or _looks_like_group(name)


# --- the bare "Taliban" --------------------------------------------------------------------

_AFGHAN_CUES = re.compile(
    r"\b(?:Afghan|Afghans|Afghanistan|Kabul|Kandahar|Helmand|Kunduz|Herat|Jalalabad|"
    r"Islamic Emirate|Mullah Omar|Akhundzada|Akhunzada|Haibatullah|Doha)\b"
)
_PAKISTANI_AFTER = re.compile(r"[\s\-\u2013]*(?:in|of|from)\s+Pakistan\b|['’]s\s+Pakistani\b")
# "A breakaway Taliban group" is some other group, not the Taliban.
_SPLINTER_BEFORE = re.compile(r"\b(?:breakaway|splinter|dissident|renegade)\s+$", re.IGNORECASE)
_AFGHAN_AFTER = re.compile(
    r"[\s\-\u2013]+(?:led|run|ruled|controlled|regime|government|administration|"
    r"authorities|rulers|leadership|takeover|government's)\b",
    re.IGNORECASE,
)


def _settle_taliban(text: str, hits: list[_Hit], matcher: _Matcher) -> list[_Hit]:
    if not any(h.group is None for h in hits):
        return hits
    pakistani = matcher.pakistani_taliban
    afghan = matcher.afghan_taliban
    names_ttp = pakistani is not None and any(h.group == pakistani for h in hits)
    pakistan_only = names_ttp and _AFGHAN_CUES.search(text) is None
    settled: list[_Hit] = []
    for hit in hits:
        if hit.group is not None:
            settled.append(hit)
            continue
        if _SPLINTER_BEFORE.search(text, max(0, hit.start - 20), hit.start):
            continue
        after = text[hit.end : hit.end + 40]
        if _AFGHAN_AFTER.match(after):
            group = afghan
        elif _PAKISTANI_AFTER.match(after) or pakistan_only:
            group = pakistani
        else:
            group = afghan
        settled.append(_Hit(hit.start, hit.end, group or "Taliban", "context"))
    return settled


# --- anaphora --------------------------------------------------------------------------------

_ANAPHOR_MODIFIERS = _words(
    """banned proscribed outlawed militant terror terrorist jihadist jihadi extremist
    separatist insurgent armed islamist rebel sectarian baloch baluch sunni shia shiite
    pakistani afghan kashmiri islamic radical violent hardline underground same above
    aforementioned said"""
)
_WING_MODIFIERS = _words(
    "suicide armed military militant student youth women's women’s media political fidayeen special"
)
_PLURAL_DETERMINERS = _words("the these those")
_SINGULAR_DETERMINERS = _words("the this that")
_NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}
# Anaphors are found from their noun in lowercased text, then the few words before
# it are checked in Python: a regex that starts at every "the" is several times slower.
_WING_NOUNS = _words("wing branch squad brigade unit")
_WORD_BEFORE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_SINGULAR_NOT_AFTER = re.compile(r"\s+(?:of|for|which|that|who|called|named|known)\b|['’]s\s+name")


def _words_before(lower: str, end: int, limit: int = 5) -> list[tuple[str, int]]:
    """Up to `limit` (word, start) right before `end`, separated by spaces only."""
    window_start = max(0, end - 60)
    found: list[tuple[str, int]] = []
    boundary = end
    for word in reversed(list(_WORD_BEFORE.finditer(lower, window_start, end))):
        gap = lower[word.end() : boundary]
        if not gap or not gap.isspace():
            break
        if word.start() == window_start and window_start > 0 and lower[window_start - 1].isalnum():
            break  # cut in half by the window
        found.append((word.group(), word.start()))
        boundary = word.start()
        if len(found) == limit:
            break
    found.reverse()
    return found


def _strip_modifiers(words: list[tuple[str, int]], allowed: frozenset[str], most: int) -> int:
    """Index just past the determiner slot: how many words remain after dropping modifiers."""
    index = len(words)
    while index > 0 and len(words) - index < most and words[index - 1][0] in allowed:
        index -= 1
    return index


def _plural_determiner(lower: str, noun_start: int) -> tuple[int, int | None] | None:
    """(start, number) for "the two banned outfits", "these groups", "both groups"."""
    words = _words_before(lower, noun_start)
    index = _strip_modifiers(words, _ANAPHOR_MODIFIERS, 2)
    if index == 0:
        return None
    last, start = words[index - 1]
    before = words[index - 2][0] if index >= 2 else ""
    if last == "both":
        return start, 2
    if last in _PLURAL_DETERMINERS and before == "both":
        return words[index - 2][1], 2
    if last in _PLURAL_DETERMINERS:
        return start, None
    if last in _NUMBERS and (before in _PLURAL_DETERMINERS or before == "all"):
        return words[index - 2][1], _NUMBERS[last]
    return None


def _singular_determiner(lower: str, noun_start: int) -> int | None:
    words = _words_before(lower, noun_start)
    index = _strip_modifiers(words, _ANAPHOR_MODIFIERS, 2)
    if index == 0 or words[index - 1][0] not in _SINGULAR_DETERMINERS:
        return None
    return words[index - 1][1]


def _wing_determiner(lower: str, noun_start: int) -> int | None:
    words = _words_before(lower, noun_start, limit=2)
    index = _strip_modifiers(words, _WING_MODIFIERS, 1)
    if index == 0 or words[index - 1][0] != "its":
        return None
    return words[index - 1][1]


_JOINER_WORDS = _words("and or as well the banned outlawed proscribed both either also plus its")
_ANAPHOR_REACH = 600  # characters: a "the group" further from any name is left alone
_LIST_REACH = 400  # characters: how far back a plural anaphor looks for a list


_GAP_WORD = re.compile(r"[^\s,()]+")


def _is_list_gap(gap: str) -> bool:
    """Whether the text between two names only joins them: ", ", " and the ", ") and (" ."""
    return len(gap) <= 40 and all(w.lower() in _JOINER_WORDS for w in _GAP_WORD.findall(gap))


def _coordinated_lists(text: str, hits: list[_Hit]) -> list[tuple[int, tuple[str, ...]]]:
    """(end, groups) of each run of named mentions joined by "and", commas, parentheses."""
    lists: list[tuple[int, tuple[str, ...]]] = []
    run: list[_Hit] = []
    for hit in hits:
        if run and not _is_list_gap(text[run[-1].end : hit.start]):
            groups = tuple(dict.fromkeys(h.group for h in run if h.group))
            if len(groups) >= 2:
                lists.append((run[-1].end, groups))
            run = []
        run.append(hit)
    if run:
        groups = tuple(dict.fromkeys(h.group for h in run if h.group))
        if len(groups) >= 2:
            lists.append((run[-1].end, groups))
    return lists


def _anaphora(
    text: str,
    lower: str,
    hits: list[_Hit],
    nouns: list[tuple[int, int]],
    watchlist: Watchlist,
) -> list[_Hit]:
    named = [h for h in hits if h.group is not None]
    if not named:
        return hits
    ends = [h.end for h in named]
    starts = [h.start for h in named]
    lists = _coordinated_lists(text, named)
    list_ends = [end for end, _ in lists]
    added: list[_Hit] = []
    for noun_start, noun_end in nouns:
        inside = bisect.bisect_right(starts, noun_start) - 1
        if inside >= 0 and named[inside].end > noun_start:
            continue  # part of a name ("Haqqani network", "Majeed Brigade")
        if text[noun_start].isupper():
            continue  # a name's word: "the Organization for the Prohibition of ..."
        following = bisect.bisect_left(starts, noun_end)
        if following < len(starts) and starts[following] - noun_end <= 2:
            continue  # apposition, the name follows: "the militant group Hamas"
        groups: tuple[str, ...] = ()
        word = lower[noun_start:noun_end]
        if word in _WING_NOUNS:
            wing_start = _wing_determiner(lower, noun_start)
            if wing_start is None:
                continue
            start = wing_start
            index = bisect.bisect_right(ends, start) - 1
            if index >= 0 and start - named[index].end <= _ANAPHOR_REACH:
                wing = _wing_of(named[index].group, named, noun_end, watchlist)
                groups = (wing,) if wing else ()
        elif word.endswith("s"):
            plural = _plural_determiner(lower, noun_start)
            if plural is None:
                continue
            start = plural[0]
            groups = _plural_antecedents(start, plural[1], named, ends, lists, list_ends)
        else:
            singular = _singular_determiner(lower, noun_start)
            if singular is None or _SINGULAR_NOT_AFTER.match(lower, noun_end):
                continue
            start = singular
            index = bisect.bisect_right(ends, start) - 1
            if index >= 0 and start - named[index].end <= _ANAPHOR_REACH:
                groups = (named[index].group or "",)
        for group in groups:
            added.append(_Hit(start, noun_end, group, "anaphora"))
    if not added:
        return hits
    return sorted(hits + added, key=lambda h: h.start)


def _plural_antecedents(
    start: int,
    wanted: int | None,
    named: list[_Hit],
    ends: list[int],
    lists: list[tuple[int, tuple[str, ...]]],
    list_ends: list[int],
) -> tuple[str, ...]:
    """The groups a plural anaphor stands for: the last list of names before it.

    With a number ("the two groups", "both groups") and no list of that size, the last
    that many distinct groups named before it.
    """
    index = bisect.bisect_right(list_ends, start) - 1
    groups: tuple[str, ...] = ()
    if index >= 0 and start - lists[index][0] <= _LIST_REACH:
        groups = lists[index][1]
    if wanted is None or len(groups) == wanted:
        return groups
    recent: list[str] = []
    for hit in reversed(named[: bisect.bisect_right(ends, start)]):
        if hit.group and hit.group not in recent:
            recent.append(hit.group)
        if len(recent) == wanted:
            return tuple(reversed(recent))
    return ()


def _wing_of(owner: str | None, named: list[_Hit], after: int, watchlist: Watchlist) -> str | None:
    """The wing "its ... wing" names: the one named right after it, else the only one listed."""
    if owner is None:
        return None
    wings = [
        entry.name
        for entry in watchlist.groups
        if any(r.target == owner and r.kind == "wing_of" for r in entry.relations)
    ]
    for hit in named:
        if after <= hit.start <= after + 40 and hit.group in wings:
            return hit.group
    return wings[0] if len(wings) == 1 else None


# --- public API ---------------------------------------------------------------------------


def find_groups(text: str, watchlist: Watchlist) -> tuple[GroupMention, ...]:
    """Every mention of an armed group in `text`, sorted by start."""
    matcher = watchlist.memo("digests.extract.groups.matcher", _build_matcher)
    scan = _scan(text, matcher)
    hits = scan.hits
    if "(" in text:
        hits = _crossing_hits(text, matcher, hits)
        hits = _apply_definitions(text, hits, _definitions(text, hits, watchlist))
    lower = _lower(text)
    if scan.cues:
        hits = _such_as_hits(text, lower, hits, scan.cues)
    hits = _settle_taliban(text, hits, matcher)
    if scan.nouns:
        hits = _anaphora(text, lower, hits, scan.nouns, watchlist)
    return tuple(
        GroupMention(
            group=hit.group or "Taliban",
            surface=text[hit.start : hit.end],
            start=hit.start,
            end=hit.end,
            via=hit.via,  # type: ignore[arg-type]
        )
        for hit in hits
    )


def summarise_groups(
    mentions: Sequence[GroupMention], watchlist: Watchlist
) -> tuple[FoundGroup, ...]:
    """One `FoundGroup` per named group, in order of first mention.

    Anaphora are not counted: they repeat a name already counted, and a group reached
    only through "the group" is not one the text names.
    """
    counts: dict[str, int] = {}
    surfaces: dict[str, list[str]] = {}
    for mention in mentions:
        if mention.via == "anaphora":
            continue
        counts[mention.group] = counts.get(mention.group, 0) + 1
        surfaces.setdefault(mention.group, []).append(mention.surface)
    found: list[FoundGroup] = []
    for group, count in counts.items():
        entry = watchlist.by_name.get(group)
        written = _fullest(surfaces[group])
        if entry is not None:
            found.append(FoundGroup(entry.name, entry.short, entry.kind, count, True, written))
        else:
            short = _short_for(group, surfaces[group])
            found.append(FoundGroup(group, short, _UNLISTED_KIND, count, False, written))
    return tuple(found)


def _fullest(surfaces: Sequence[str]) -> str:
    """The longest way the text writes a group's name, without a possessive ending."""
    longest = max(surfaces, key=len)
    return _POSSESSIVE_END.sub("", longest)


_POSSESSIVE_END = re.compile(r"[’']s?$")


def _short_for(name: str, surfaces: Iterable[str]) -> str:
    acronyms = [s for s in surfaces if s != name and _acronym_letters(s) and " " not in s]
    return min(acronyms, key=len) if acronyms else name
