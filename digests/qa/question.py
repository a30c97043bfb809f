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
    "who", "which_group", "how_many", "how_far", "how_old", "where", "when", "disputed",
    "source", "more", "what",
]

# "which <noun>" asks for a person when the noun names people.
_PERSON_NOUNS = (
    r"(officials?|spokes\w*|minister|person|leader|commander|chief|chairman|president|guy|"
    r"man|woman|cleric|emir|founder|militant|figure|general|head|politician|mp|lawmaker|"
    r"journalist|reporter|correspondent|diplomat|ambassador|envoy|witness|elder|director|"
    r"governor|soldier|officer|victim|suspect|attacker|gunman|bomber|mastermind|"
    r"analyst|expert|activist|blogger|doctor|judge|lawyer|negotiator|deputy|father|mother|"
    r"son|daughter|wife|husband|brother|sister|girl|boy|mullah|imam|sheikh|mep|senator|"
    r"secretary|adviser|advisor|aide|coordinator|researcher|professor|scholar|author|writer|"
    r"editor|cameraman|photographer|driver|pilot|nurse|surgeon|volunteer|hostage|detainee|"
    r"prisoner|colonel|captain|major|spox|prosecutor|attorney|investigator|inspector|"
    r"magistrate|mayor|sergeant|lieutenant|brigadier)"
)
# "which state dept spokeswoman", "which tv journalist": a person, maybe of a body.
_BODY_THEN_PERSON = (
    r"(?: (?:dept|department|govt|government|ministry|office|foreign|press|media|news|"
    r"military|police|army|security))? " + _PERSON_NOUNS + r"\b"
)
# The pattern matching earliest in the question decides the kind ("who is the spokesman
# who claimed it?" asks for a person, "how many died, per the ministry?" for a figure); of
# patterns matching at the same place the first listed wins ("who reported" is a question
# about the source, "who claimed" one about a group, "who said" one about a person).
_KINDS: tuple[tuple[QuestionKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("more", r"^\s*(?:tell me |anything |give me |any )?(?:more|else)\b"),
        ("how_far", r"\bhow (?:far|close|near)\b|\bwhat distance\b"),
        ("how_old", r"\bhow old\b|\bwhat age\b|\bwhat was (?:his|her) age\b"),
        # "what's the bounty on him?" asks for an amount, as "how big is the bounty?"
        ("how_many", r"\bhow (?:many|much|big|large)\b|\bnumber of\b|\b(?:death )?toll\b|"
                     # "what injury count did SANA give?"
                     r"\b(?:death|injury|casualty|body|kill) (?:count|figure|tally)\b|"
                     r"\bwhat(?:['’]?s| is| was)? the (?:[\w.-]+ ){0,2}(?:bounty|reward|ransom)\b"),
        ("source", r"\bsources?\b|\bwho (?:reported|wrote|published)\b|"
                   r"\b(?:which|what)(?: [\w-]+){0,2} (?:outlet|paper|newspaper|agency|"
                   # "which universal tv journalist" asks for a person
                   r"channel|tv|media|wire|website)\b(?!" + _BODY_THEN_PERSON + r")|"
                   # "how did al Shabaab put out its claim?", "where did JNIM post it?"
                   r"\b(?:how|where) did (?:[\w-]+ ){1,4}(?:put out|post|publish|release|"
                   r"issue|broadcast) (?:its|their|his|the|a) (?:claim|statement|message|video)\b|"
                   r"\b(?:reported|according) (?:by|to) (?:who|whom)\b|\bcitation\b|\blink\b"),
        ("disputed", r"\bdisput|\bdeny\b|\bdenie[sd]\b|\bdenial\b|\b(?:is|was) (?:that|it|this)"
                     r" (?:true|right|correct|confirmed)\b|\bcontest|\brefute|\breject|"
                     r"\bpush(?:ed)? back\b|\bpushback\b|\bconfirm|\badmit|\baccept|"
                     r"\bown(?:ed)? up\b|\backnowledg|\bcredible\b|\breally\b|\bagree|"
                     r"\bdisagree|\bproof\b|\bevidence\b|\bverif|"
                     # "does the CIA buy the IS claim?"
                     r"\b(?:buy|buys|bought)\b(?=.*\b(?:claim|story|version|account)\b)"),
        ("when", r"\bwhen\b|\b(?:what|which) (?:day|date|time|year|yr|month)\b|"
                 r"^\W*(?:the )?date of\b|"  # "date of the last report on him?"
                 r"\bhow long ago\b"),
        ("where", r"\bwhere\b|\b(?:which|what)(?: [\w-]+)? (?:cities|towns|provinces|"
                  r"countries|villages|districts|regions|areas|places|city|town|province|country|"
                  r"place|region|area|district|village|state|base|camp|island|neighbou?rhood|"
                  r"suburb|port|valley|county|governorate|street|barangay|station|terminal|airport|"
                  r"airbase|prison|jail|market|hospital)\b"
                  r"(?!" + _BODY_THEN_PERSON + r")|"
                  r"\b(?:which|what) parts? of\b|"  # "what part of Dahiyeh was hit?"
                  r"\blocation\b"),  # "which village elder" asks for a person
        # "what was the name of the army's op?" asks for a name given, not a person.
        ("what", r"\b(?:what(?:['’]?s| is| was)? the )?name of (?:the |a |an |this |that )?"
                 r"(?:[\w'’-]+ ){0,3}(?:op|operation|offensive|campaign|mission|book|film|ship|"
                 r"plan|programme|program|mosque|hotel)\b"),
        ("which_group", r"\b(?:what(?:['’]?s| is| was)? the )?name of (?:the |a |an |this |that )?"
                        r"(?:[\w-]+ ){0,2}(?:group|cell|outfit|militia|faction|network|"
                        r"organi[sz]ation)\b|"
                        r"\b(?:which|what)(?: [\w-]+){0,2} (?:group|outfit|militants?|militia|"
                        r"faction|organi[sz]ation|insurgents?|rebels?|jihadists?|affiliates?|"
                        r"offshoot|splinter|franchise|party|movement|insurgency|rebellion|uprising)\b"
                        # "which faction leader" asks for a person
                        r"(?!" + _BODY_THEN_PERSON + r")|"
                        r"\bwho(?:'s| is| was| were)? (?:behind|responsible|to blame|blamed)\b|"
                        r"\bwho (?:claimed|carried|attacked|kidnapped|killed|launched)\b|"
                        r"\bwho did (?:it|this|that)\b|"  # not "who did ghani pick"
                        # "who do dhaka police think killed him?"
                        r"\bwho (?:do|does|did) (?:[\w-]+ ){1,3}(?:think|believe|say|suspect|"
                        r"blame)s? (?:was |were |is |are )?(?:behind|responsible|killed|"
                        r"attacked|bombed|carried|did)\b|"
                        r"\bwho (?:do|does|did) (?:[\w-]+ ){1,4}blame\b"),  # "who did IRGC blame"
        # "what's the name of the spokesman?" asks for a person, as "who is the spokesman?"
        ("who", r"\bwhos?\b|\bwhom\b|\bwhose\b|\bwhat(?:['’]?s| is| was)? (?:the|his|her) name\b|"
                # "whats the farah governor's name"
                r"\bwhat(?:['’]?s| is| was)? the (?:[\w-]+ ){0,2}" + _PERSON_NOUNS
                + r"(?:['’]?s)? name\b|"
                r"^\W*(?:the )?(?:full )?name of\b|"  # "name of the diplomat killed when ..."
                r"\b(?:which|what)(?: [\w-]+){0,3} " + _PERSON_NOUNS + r"\b"),
    )
)
# A question opening with "what" or "which" asks for a thing, whatever "when" or "where"
# a later clause holds: "what's the title of the book he was promoting when he was killed?"
_OPENS_WITH_WHAT = re.compile(r"^\W*(?:what(?:['’]?s)?|which)\b", re.IGNORECASE)
# "who said / claimed / accused ...": the source of a claim answers, not a person it names.
_ABOUT_SPEAKING = re.compile(
    r"\b(?:say|says|said|saying|claim\w*|accus\w*|blam\w*|told|tell|report\w*|warn\w*|"
    r"den(?:y|ies|ied|ying)|reject\w*|dismiss\w*|refut\w*|push(?:ed|es|ing)? back|"
    r"condemn\w*|announc\w*|confirm\w*|stated|stating|statements?|gave|"
    r"give|figure|estimate\w*|brief\w*|spoke\w*|spokes\w*|call(?:s|ed)?|describ\w*|dub\w*|term\w*|"
    r"brand\w*|label\w*|quot\w*|talk(?:ed|ing)|speak(?:s|ing)?|spoke|"
    # holding a view aloud: "which analyst reckons ...?", "who questioned it?"
    r"reckon\w*|believes|thinks|argu\w*|insist\w*|suggest\w*|predict\w*|doubt\w*|"
    r"question(?:ed|s|ing))\b",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"\([^()]*\)")
# Words pointing back at the thread: "who said that?", "is this disputed?", "they".
_REFERS_BACK = re.compile(
    r"\b(?:that|this|these|those|it|they|them|their|he|she|the claim|the report|"
    r"the story|the (?:first|second|third|fourth|fifth|last) one)\b",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2,
             "3rd": 3, "4th": 4, "5th": 5, "last": -1}
# "the second one", "the last claim", "and the first?": a claim of the thread. An ordinal
# saying something of the world ("the first group to pledge", "the last attack") is a word
# to search for instead.
_ORDINAL = re.compile(
    r"\b(?:the )?(" + "|".join(_ORDINALS) + r")\b"
    r"(?: (?:one|claim|item|group|story)\b(?! (?:to|that|which|who)\b)|(?=\s*(?:[?.!,]|$)))",
    re.IGNORECASE,
)
# "which tribal elder talked to AFP?" asks for someone the text calls an elder.
_ASKED_PERSON = re.compile(r"\b(?:which|what)(?: [\w-]+){0,3} " + _PERSON_NOUNS + r"\b", re.I)
_KIND_WORDS = re.compile(
    r"\bhow (?:big|large|far|close|near|old|long|much|many)\b|\bwhat (?:distance|age)\b|"
    r"\b(?:what|which) (?:time|day|date|year|month)\b|\b(?:the|his|her|its) name(?: of)?\b",
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
    role: str | None = None  # "which tribal elder ...?" -> "elder": what the person is

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.groups

    @property
    def about_speaking(self) -> bool:
        """"who said / claimed / called it ...": the source of a claim answers."""
        # An aside names the story, not what is asked: "who died in the blast (the one
        # IS claimed)?"
        return bool(_ABOUT_SPEAKING.search(_ASIDE.sub(" ", self.text)))


def read_question(
    text: str, groups: Sequence[GroupRecord], vocabulary: Vocabulary
) -> Question:
    """The kind, groups, search terms and thread references of `text`."""
    text = " ".join(text.split())
    kind = question_kind(text)
    named, rest = named_groups(text, groups, vocabulary.stop_words)
    rest, misspelt = _misspelt_groups(
        rest, groups, {group.name for group in named}, vocabulary.stop_words
    )
    ordinal_match = _ORDINAL.search(text)
    # "how big", "what day": words saying what kind of answer is wanted, not what about.
    kind_words = {word for match in _KIND_WORDS.finditer(text) for word in words_of(match.group())}
    ordinal = _ORDINALS[ordinal_match.group(1).lower()] if ordinal_match else None
    # An ordinal naming a claim of the thread is no word to search for; any other is.
    ordinal_words = {ordinal_match.group(1).lower()} if ordinal_match else set()
    terms = tuple(
        dict.fromkeys(
            word.lower().replace("’", "'")
            for word in rest
            if word.lower() not in vocabulary.stop_words
            and word.lower() not in ordinal_words
            and word.lower() not in kind_words
            and (len(word) > 1 or word.isdigit())
        )
    )
    return Question(
        text=text,
        kind=kind,
        groups=(*named, *misspelt),
        terms=terms,
        ordinal=ordinal,
        refers_back=bool(_REFERS_BACK.search(text)),
        role=role_match.group(1).lower() if (role_match := _ASKED_PERSON.search(text)) else None,
    )


def question_kind(text: str) -> QuestionKind:
    # "lakhvi, the mastermind who got bail - how old is he?": after a topic and a dash
    # or colon, a question asking for a figure, place or date says what is asked.
    topic = _TOPIC_BEFORE.match(text)
    if topic is not None and (asked := _kind_of(text[topic.end() :])) in _ASKED_AFTER_TOPIC:
        return asked
    return _kind_of(text) or "what"


# A topic, then a dash or colon, then the question: "kabul siege - how many died?".
_TOPIC_BEFORE = re.compile(r".+\s[-–—]\s|.+:\s")
# Who said what of whom may stand in the topic ("FM says X - who called that ridiculous?"
# asks whether it is disputed); not a figure, place or date.
_ASKED_AFTER_TOPIC = frozenset({"how_many", "how_old", "how_far", "when", "where"})


def _kind_of(text: str) -> QuestionKind | None:
    found = [
        (match.start(), order, kind)
        for order, (kind, pattern) in enumerate(_KINDS)
        if (match := pattern.search(text)) is not None
    ]
    if not found:
        return None
    start, _, kind = min(found)
    if kind in {"when", "where"} and start > 0 and _OPENS_WITH_WHAT.match(text):
        return "what"
    return kind


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
    """The words of a text as questions and sentences are compared: lower case, without
    a possessive ("Kenya's election" is about Kenya, as "ghani's offer" is Ghani's)."""
    words = [word.lower().replace("’", "'") for word in _WORD.findall(text)]
    # A plain string test, not a pattern: every sentence of every candidate passes here.
    return [word[:-2] if word.endswith("'s") else word for word in words]
