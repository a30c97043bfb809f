"""Reading a follow-up question: what it asks for, which groups it names, what it refers to.

"how many fighters does the TTP have?" is a `how_many` question naming the
Tehrik-i-Taliban Pakistan, whose search terms are "fighters" and "have";
"who said that?" is a `who` question that refers back to the thread it was asked in.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from digests.claim_search import named_groups
from digests.extract.watchlist import name_key
from digests.qa.vocabulary import Vocabulary
from digests.store.groups import GroupRecord, name_index

QuestionKind = Literal[
    "who", "which_group", "how_many", "where", "when", "disputed", "source", "more", "what"
]

# The pattern matching earliest in the question decides the kind ("who is the spokesman
# who claimed it?" asks for a person, "how many died, per the ministry?" for a figure); of
# patterns matching at the same place the first listed wins ("who reported" is a question
# about the source, "who claimed" one about a group, "who said" one about a person).
_KINDS: tuple[tuple[QuestionKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("more", r"^\s*(?:tell me |anything |give me |any )?(?:more|else)\b"),
        ("how_many", r"\bhow (?:many|much|big|large)\b|\bnumber of\b|\b(?:death )?toll\b"),
        ("source", r"\bsources?\b|\bwho (?:reported|wrote|published)\b|"
                   r"\bwhich (?:outlet|paper|newspaper|agency|channel|tv|media|wire)\b|"
                   r"\b(?:reported|according) (?:by|to) (?:who|whom)\b|\bcitation\b|\blink\b"),
        ("disputed", r"\bdisput|\bdeny\b|\bdenie[sd]\b|\bdenial\b|\b(?:is|was) (?:that|it|this)"
                     r" (?:true|right|correct|confirmed)\b|\bcontest|\brefute|\breject|"
                     r"\bpush(?:ed)? back\b|\bpushback\b|\bconfirm|\badmit|\baccept|"
                     r"\bown(?:ed)? up\b|\backnowledg|\bcredible\b|\breally\b|\bagree|"
                     r"\bdisagree"),
        ("when", r"\bwhen\b|\bwhat (?:day|date|time|year|month)\b|\bwhich (?:day|date|year)\b|"
                 r"\bhow long ago\b"),
        ("where", r"\bwhere\b|\b(?:which|what) (?:city|town|province|country|place|region|"
                  r"area|district|village|state|base|camp)\b|\blocation\b"),
        ("which_group", r"\b(?:which|what) (?:group|outfit|militants?|militia|faction|"
                        r"organi[sz]ation|insurgents?|rebels?|jihadists?)\b|"
                        r"\bwho(?:'s| is| was| were)? (?:behind|responsible|to blame|blamed)\b|"
                        r"\bwho (?:claimed|carried|did|attacked|kidnapped|killed|launched)\b"),
        ("who", r"\bwho\b|\bwhom\b|\bwhose\b|\b(?:which|what)(?: [\w-]+){0,3} (?:officials?|"
                r"spokes\w*|minister|person|leader|commander|chief|chairman|president|guy|man|"
                r"woman|cleric|emir|founder|militant|figure|general|head|politician|"
                r"journalist|reporter|correspondent|diplomat|envoy|witness|elder|director|"
                r"governor|soldier|officer|victim|suspect|attacker|gunman|bomber|mastermind|"
                r"analyst|expert|activist|blogger|doctor|judge|lawyer|negotiator|deputy|"
                r"son|daughter|wife|husband|brother|girl|boy|mullah|imam|sheikh)\b"),
    )
)
# "who said / claimed / accused ...": the source of a claim answers, not a person it names.
_ABOUT_SPEAKING = re.compile(
    r"\b(?:say|says|said|saying|claim\w*|accus\w*|blam\w*|told|tell|report\w*|warn\w*|"
    r"den(?:y|ies|ied)|condemn\w*|announc\w*|confirm\w*|stat\w*|gave|give|figure|"
    r"estimate\w*|brief\w*|spoke\w*|spokes\w*|call(?:s|ed)?|describ\w*|dub\w*|term\w*|"
    r"brand\w*|label\w*)\b",
    re.IGNORECASE,
)
# Words pointing back at the thread: "who said that?", "is this disputed?", "they".
_REFERS_BACK = re.compile(
    r"\b(?:that|this|these|those|it|they|them|their|he|she|the claim|the report|"
    r"the story|the (?:first|second|third|fourth|fifth|last) one)\b",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2,
             "3rd": 3, "4th": 4, "5th": 5, "last": -1}
_ORDINAL = re.compile(
    r"\b(?:the )?(" + "|".join(_ORDINALS) + r")\b(?: (?:one|claim|item|group|story))?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['’][a-z]+)?", re.UNICODE)
# A misspelt group name must be this close to a one-word name ("shabab" ~ "shabaab").
_NAME_SIMILARITY = 0.84
_SHORTEST_FUZZY_WORD = 5


@dataclass(frozen=True, slots=True)
class Question:
    """A follow-up question, read."""

    text: str  # as asked, spaces collapsed
    kind: QuestionKind
    groups: tuple[GroupRecord, ...]  # the groups it names, by any name or a near miss
    terms: tuple[str, ...]  # the words to search for, lower case, without group names
    ordinal: int | None = None  # "the second one" -> 2, "the last one" -> -1
    refers_back: bool = False  # "that", "they": about what the thread shows

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.groups

    @property
    def about_speaking(self) -> bool:
        """"who said / claimed / called it ...": the source of a claim answers."""
        return bool(_ABOUT_SPEAKING.search(self.text))


def read_question(
    text: str, groups: Sequence[GroupRecord], vocabulary: Vocabulary
) -> Question:
    """The kind, groups, search terms and thread references of `text`."""
    text = " ".join(text.split())
    kind = question_kind(text)
    named, rest = named_groups(text, groups)
    rest, misspelt = _misspelt_groups(
        rest, groups, {group.name for group in named}, vocabulary.stop_words
    )
    ordinal_match = _ORDINAL.search(text)
    ordinal = _ORDINALS[ordinal_match.group(1).lower()] if ordinal_match else None
    terms = tuple(
        dict.fromkeys(
            word.lower().replace("’", "'")
            for word in rest
            if word.lower() not in vocabulary.stop_words and (len(word) > 1 or word.isdigit())
        )
    )
    return Question(
        text=text,
        kind=kind,
        groups=(*named, *misspelt),
        terms=terms,
        ordinal=ordinal,
        refers_back=bool(_REFERS_BACK.search(text)),
    )


def question_kind(text: str) -> QuestionKind:
    found = [
        (match.start(), order, kind)
        for order, (kind, pattern) in enumerate(_KINDS)
        if (match := pattern.search(text)) is not None
    ]
    return min(found)[2] if found else "what"


def _misspelt_groups(
    words: Sequence[str], groups: Sequence[GroupRecord], found: set[str], stop_words: frozenset[str]
) -> tuple[list[str], list[GroupRecord]]:
    """Words close to a group's one-word name ("hezbolla", "shabab"), as groups; the
    other words unchanged."""
    one_word = {key: group for key, group in name_index(groups).items() if " " not in key}
    rest: list[str] = []
    misspelt: list[GroupRecord] = []
    for word in words:
        key = name_key(word)
        close = (
            difflib.get_close_matches(key, one_word, n=1, cutoff=_NAME_SIMILARITY)
            if len(key) >= _SHORTEST_FUZZY_WORD and key not in stop_words
            else []
        )
        # A misspelling keeps its first letter: "shabab" is al-Shabaab, "italian" no Taliban.
        group = one_word[close[0]] if close and close[0][0] == key[0] else None
        if group is None:
            rest.append(word)
        elif group.name not in found:
            found.add(group.name)
            misspelt.append(group)
    return rest, misspelt


def words_of(text: str) -> list[str]:
    """The words of a text as questions and sentences are compared: lower case."""
    return [word.lower().replace("’", "'") for word in _WORD.findall(text)]
