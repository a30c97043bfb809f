"""The facts a sentence holds that a question may ask for: figures, places and dates.

Each finder returns `Fact`s with offsets into the sentence, so the answerer can pick the
one nearest the words the question asked about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType

from digests.extract.actors import Actors
from digests.qa.question import Question, words_of
from digests.qa.vocabulary import Vocabulary, stem

_NUMBER_WORDS = (
    # "Twenty-one" whole, before "twenty" and "one" alone
    "(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-"
    "(?:one|two|three|four|five|six|seven|eight|nine)|"
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|a hundred|a dozen|dozens|scores|hundreds|thousands"
)
_FIGURE = re.compile(
    r"(?<![\w.,])(?:(?:about|around|nearly|almost|some|at least|more than|over|up to|roughly|"
    r"approximately|an estimated|as many as|fewer than|less than|only|just)\s+)?"
    r"(?:(?:US|U\.S\.|A|C)?[$€£]\s?)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
    r"|\b(?:a )?(?:quarter|half) (?:of )?an? (?:million|billion)\b"
    r"|\b(?:" + _NUMBER_WORDS + r")\b)"
    r"(?:\s*(?:-|–|to|and|or)\s*(?:\d{1,3}(?:,\d{3})+|\d+))?"
    r"(?:\s+(?:million|thousand|hundred))?(?![\w%])",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_FULL_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)"
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
# A month alone, after a word placing something in it: "in January", "since November
# last year"; not "March" or "May" standing by themselves.
_MONTH_ALONE = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ee]arly|[Ll]ate|[Ff]rom)\s+" + _FULL_MONTH
    + r"(?:\s+(?:last|this|next)\s+year)?(?![\w-])"
)
# A wire story's dateline: "KABUL, Jan 28 — ...", "PORT-AU-PRINCE, Feb 23 — ...".
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'’-]{1,40},\s+(" + _MONTH + r"\s+\d{1,2})\b")
# A day the story names from the day it was written ("today", "on Sunday night").
_RELATIVE_DAY = re.compile(
    r"^(?:(?:on|last|this|early|late)\s+)?(?:today|tonight|yesterday|" + _WEEKDAY + r")"
    r"(?:\s+(?:morning|afternoon|evening|night))?$",
    re.IGNORECASE,
)
# Years, dates and times are not figures of people or things.
# Nor are distances and clock times ("400 metres", "10:30").
_NOT_A_FIGURE_AFTER = re.compile(
    r"^(?:\s*(?:%|per ?cent|percent|-?years?[- ]old|am\b|pm\b|GMT|km\b|kilomet|miles?\b|"
    r"met(?:re|er)s?\b|yards?\b|feet\b)|[:.]\d\d\s*(?:am|pm|a\.m|p\.m)?\b)",
    re.I,
)
_AMOUNT = (
    r"(?:(?:about|around|nearly|almost|some|at least|more than|over|up to|roughly|only|just|"
    r"less than|barely)\s+)?(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\b(?:" + _NUMBER_WORDS + r")\b)"
)
# "400 metres", "some 30 km", "two miles"
_DISTANCE = re.compile(
    _AMOUNT + r"(?:\s*|-)(?:km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|m|yards?|feet|ft)\b",
    re.IGNORECASE,
)
# "the 23-year-old", "aged 46", "Mullah Abdul Rauf, 33, was killed"
_AGE = re.compile(
    r"\b\d{1,3}(?:-| )years?(?:-| )old\b|\baged \d{1,3}\b|(?<=[a-z]), (\d{1,3}),",
    re.IGNORECASE,
)
# "at 10:30 am", "around 8 pm", "shortly after midnight"
_TIME = re.compile(
    r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)|\b\d{1,2}:\d{2}\b|"
    r"\b(?:\d{4} (?:GMT|local time|hours))\b|\b(?:midnight|noon|midday|dawn|dusk|daybreak)\b",
    re.IGNORECASE,
)
_NOT_A_FIGURE_BEFORE = re.compile(_MONTH + r"\s*$|\b(?:19|20)\d\d\s*$")
_DAY_AFTER = re.compile(r"^\s+" + _MONTH + r"(?!\w)")  # "on 9 October"
_MULTIPLE_AFTER = re.compile(r"^\s+times\s+(?:the|as|more|larger|bigger|higher|over)\b", re.I)
_PLACE_WORDS = (
    r"(?:province|district|region|state|city|valley|county|governorate|area|town|village|"
    r"island|neighbou?rhood|suburb|square|port|camp)"
)
# Place words written with a capital as part of the name: "Mesini Valley", "Barangay
# Mahatalang"; not "State", which ends group names ("Islamic State").
_CAPITAL_PLACE_WORDS = r"(?:Province|District|Valley|Village|Island|Square|Barangay|Sitio)"
_PLACE_NAME = r"[A-Z][\w’'-]+(?:\s(?:al-|el-)?[A-Z][\w’'-]+)*"
_NAMED_PLACE = re.compile(
    _PLACE_NAME + r"\s(?:" + _PLACE_WORDS + r"|"
    + _CAPITAL_PLACE_WORDS + r")\b|\b(?:the\s)?(?:" + _PLACE_WORDS + r"|"
    + _CAPITAL_PLACE_WORDS + r")\s(?:of\s)?" + _PLACE_NAME
)
# "Chakama, a small town near the coast", "Haret Hreik, the area of Dahiyeh hit by ...":
# a name a place word describes just after it.
_DESCRIBED_AS_PLACE = re.compile(
    r",\s(?:a|an|the)\s(?:[a-z]+\s){0,2}" + _PLACE_WORDS + r"\b"
)
# "a heavily Shiah neighbourhood": who lives there, not its name.
_DESCRIBES_PEOPLE_BEFORE = re.compile(
    r"\b(?:heavily|predominantly|mostly|mainly|largely|overwhelmingly)\s+$", re.IGNORECASE
)
_PLACED_NAME = re.compile(rf"({_PLACE_NAME})(?={_DESCRIBED_AS_PLACE.pattern})")
# The words of `_PLACE_WORDS` and `_CAPITAL_PLACE_WORDS`: "Kandahar province" names no
# other place than "Kandahar".
_PLACE_WORD_SET = frozenset({
    "province", "district", "region", "state", "city", "valley", "county", "governorate",
    "area", "town", "village", "island", "neighbourhood", "neighborhood", "suburb", "square",
    "port", "camp", "barangay", "sitio",
})
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
# A name standing by a word for an outlet: "its Amaq news agency", "Radio Andalus",
# "news agency SANA", "Mauritanian websites".
_OUTLET = re.compile(
    r"\b(?!(?:State|The|Its|Their|Official|Online)\b)"
    r"([A-Z][\w-]*(?: [A-Z][\w-]*){0,2})(?: (?:online|official|state|semi-official))?"
    r" (?:news|propaganda|media) (?:agency|service|outlet|wing|arm)\b|"
    r"\b((?:Radio|TV|Television) [A-Z][\w-]*(?: [A-Z][\w-]*)?)|"
    r"\b(?:news|propaganda) agency ([A-Z]{2,})\b|"
    r"\b([A-Z][\w-]*(?: [A-Z][\w-]*)?) (?:websites?|sites|channels?|newspapers?)\b"
)
# Capitals and small letters with their accented forms: "Jean-Marc Châtaigner".
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ’'-"
# "DiCarlo", "McDonald": a capital after a short first part too.
_NAME_PART = rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:-[{_UPPER}][{_LOWER}]+)*"
# "Rosemary A. DiCarlo": a middle initial between the parts.
_PERSON = re.compile(
    rf"\b{_NAME_PART}(?:(?:\s[{_UPPER}]\.)?\s(?:(?:bin|ibn|al|el|ul|de|van|abu|abd|abdul)"
    rf"[\s-])?{_NAME_PART}){{1,3}}\b"
)
_NAME_PART_ANY = rf"[{_UPPER}][\w’']*(?:-[{_UPPER}][\w’']*)*"
# A group the watchlist does not know: capitalised words joined by "of", "ul", "e", ...
# holding a word groups name themselves by ("Harkat ul Harb-e-Islam", "Deccan Mujahideen",
# "Bangsamoro Islamic Freedom Fighters").
_NAME_RUN = re.compile(
    r"\b[A-Z][\w’'-]*(?:\s(?:(?:of|the|for|and|in|al|el|ul|e|i|wal)\s)?[A-Z][\w’'-]*)*"
)
# A name before the word for a part of a group, maybe past one describing word: "the
# Yuldash faction", "the Nour el-Din al-Zinki insurgent faction".
_FACTION = re.compile(
    rf"\b((?:{_NAME_PART_ANY})(?:[\s-](?:(?:al|el|ul|bin|ibn|abu|of)[\s-])?{_NAME_PART_ANY}){{0,4}})"
    r"(?:\s[a-z]+)?\s(?:faction|wing|splinter group|offshoot|branch)\b"
)
# "Kurdish militants", "Uzbek fighters": armed men named by a people, not a faith.
_PEOPLE_ARMED = re.compile(
    r"\b(?!(?:Islamist|Islamic|Muslim|Sunni|Shia|Shiite|Shi'ite|Jihadist|Suspected|Foreign|"
    r"Armed|Local|Other|The|Some|Many|Several|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|"
    r"Dozens|Hundreds|Thousands|Both|These|Those|Such|Unidentified|Masked|Rival|Top|Senior|"
    r"Militant|Rebel)\b)([A-Z][a-z]+)"
    r"\s(?:militants|rebels|insurgents|separatists|fighters|jihadists|gunmen|guerrillas)\b"
)
_POSSESSIVE_AFTER = re.compile(r"^['’]s\b")
# "how many (ppl) did the westgate attack kill?": the words after "did" may say what did
# it, not what is counted.
_ASKS_WHAT_IT_DID = re.compile(
    r"\bhow many (?:(?:people|ppl|persons) )?(?:did|do|does|will|would)\b", re.IGNORECASE
)
_COUNTED = re.compile(r"\bhow (?:many|much)\b|\bnumber of\b", re.IGNORECASE)
_FIGURE_NOUN_REACH = 5  # words between a figure and the noun it counts
# "how many gunmen", "how many TTP fighters": the question counts a noun, not "how many
# were killed".
_COUNTED_NOUN = re.compile(
    r"\bhow many (?!(?:were|was|are|is|got|get|have|had|has|did|do|does|died|people|ppl)\b)",
    re.IGNORECASE,
)
# Words between a figure and what it counts: "19 suspected members", "40 foreign fighters".
_BEFORE_COUNTED_NOUN = frozenset({
    "other", "more", "suspected", "armed", "foreign", "local", "of", "the", "alleged", "young",
    "senior", "its", "their", "his", "her", "new", "former", "heavily", "masked", "unidentified",
})
# "how many of the dead were Shia?" counts the Shia among the dead: "31 people had been
# killed, including 22 Shi'ite Muslims" answers 22.
_COUNTED_AMONG = re.compile(
    r"\bhow many of (?:the|them|those|these)\b[^?]*?\b(?:were|was|are|is)\s+([\w'’-]+)",
    re.IGNORECASE,
)
_COUNTS_PEOPLE = re.compile(r"\bhow many (?:people|ppl|persons)\b", re.IGNORECASE)
# "how many fighters does the TTP have?": a group's strength, which no count of its dead
# or captured gives ("14 of the group's fighters were killed").
_ASKS_STRENGTH = re.compile(
    r"\bhow many\b.*\b(?:does|do|did)\b.*\b(?:have|has|had|field|command)\b|"
    r"\bstrength\b|\bhow (?:big|large) is\b|"
    r"\bhow many\b.*\b(?:are|is|were|was)\s+(?:deployed|stationed|based)\b",
    re.IGNORECASE,
)
_CASUALTY = re.compile(
    r"\b(?:killed|dead|died|wounded|injured|arrested|captured|detained|slain|surrendered|"
    r"slipped|fled|lost)\b",
    re.IGNORECASE,
)
# Words on either side of a figure read for what befell those it counts.
_CASUALTY_REACH = 10
# What may befall those a figure counts, by kind: "how many were rescued?" is not answered
# by "killed two crew members", nor "how many died?" by "50 wounded".
_OUTCOME_NOUNS = frozenset({"dead", "deaths", "death", "lives", "fatalities", "injuries"})
_OUTCOMES = {
    stem(word): outcome
    for outcome, words in {
        "died": "kill killed dead die died dies slain deaths death lives fatalities",
        "wounded": "wound wounded injure injured hurt injuries",
        "held": "arrest arrested capture captured detain detained kidnap kidnapped abduct "
                "abducted seize seized held",
        "saved": "rescue rescued evacuate evacuated free freed release released escape escaped",
    }.items()
    for word in words.split()
}
# Verbs saying what befell someone ("which journalist died?"); not the nouns, which
# may name only the topic ("the press secretary on Godane's death").
_BEFELL = frozenset({
    "die", "died", "dies", "kill", "killed", "slain", "wounded", "injured", "hurt",
    "arrested", "captured", "detained", "kidnapped", "abducted", "seized", "rescued",
    "freed", "released", "evacuated",
})
_OUTCOME_REACH = 4  # words between a figure and what befell those it counts
_CLAUSE_BREAK = re.compile(r"[;:,()—–]")
# Plural words any count may be of: "six people", "ten others", "12 members of".
_ANY_COUNTED = frozenset(
    {"people", "persons", "others", "individuals", "ones", "times", "members", "dozens"}
)
# "Godane, also known as ", "Baghdadi, alias ": the name before another name of one person
_ALIAS_BEFORE = re.compile(
    r"(?P<name>[A-Z][\w'’-]+)(?:,?\s+(?:\d+,\s+)?)(?:also known as|alias|aka|a\.k\.a\.?)"
    r",?\s+$"
)
_REACH = 60  # characters between a person or date and a word of the question
_PLACE_REACH = 120  # a place often ends the sentence: "... beheaded a couple ... in Sumisip town"
_WORD_AT = re.compile(r"[^\W_]+")
_DESCRIPTION_REACH = 5  # words between a person and the role describing them
# A place stands where something is when a locative preposition precedes it, maybe with
# an article, a people's adjective or a place word between: "in the Iranian capital".
_LOCATIVE_BEFORE = re.compile(
    r"\b(?i:in|at|near|outside|across|from|into|inside|to|towards?|off|around|between|"
    r"through|within)\s+(?i:the\s+|an?\s+|both\s+|either\s+)?"
    r"(?:(?:[A-Z][\w’'-]*|[a-z]+-[a-z]+|" + _PLACE_WORDS
    + r"|(?i:capital|north|south|east|west|northern|southern|eastern|western|central|"
    r"north-?(?:east|west)(?:ern)?|south-?(?:east|west)(?:ern)?))\s+(?:of\s+)?){0,3}$"
)
_SPOKEN_AT = re.compile(
    r"\b(?:said|says|told|tells|speaking|spoke|reported|briefing|(?:news|press) conference|"
    r"statement|official|officials|spokes(?:man|woman|person)|minister|sources?|"
    r"correspondent|diplomat)(?:\s+\w+)?\s+(?:in|at|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "not a hypersonic", "wasn't really behind", "never claimed": a negated word.
_NEGATION = re.compile(
    r"(?:\b(?:not|never|no)|n['’]t)\s+(?:(?:a|an|the|really|actually|truly|been|be)\s+){0,2}"
    r"([^\W_]+)",
    re.IGNORECASE,
)
# ", which opposes projects in Baluchistan,": a clause describing what comes before it.
_RELATIVE_CLAUSE = re.compile(r",\s(?:which|who|whose)\b[^,;()]*")
# What stands before or after a group named as another's patron or ally.
_LINKED_BEFORE = re.compile(
    r"\b(?:links?|linked|ties|tied|close|connected|connections?|affiliated|allied|aligned|"
    r"loyal|allegiance|inspired|backed|supported)\s+(?:to|with|by)\s+(?:the\s+)?$|"
    r"\b(?:offshoot|splinter|branch|affiliate|ally|allies|arm|remnants?)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_LINKED_AFTER = re.compile(r"^[-–]?(?:linked|affiliated|allied|aligned|inspired|backed)\b")
# A question asking about a link is answered by the group linked to: "which group is the
# BIFF linked to?"
# ("which group pledged allegiance to IS?" asks for who pledged, not to whom.)
_LINK_WORDS = frozenset({
    "link", "links", "linked", "ties", "tied", "affiliated", "affiliate", "allied", "ally",
    "allies", "aligned", "inspired", "backed", "offshoot", "splinter", "split", "branch",
    "parent", "connected", "connection",
})
# A quoted word or short phrase: a name, a title, a word someone used.
_QUOTED = re.compile(r"[\"“‘]([^\"“”‘’]{2,80}?)[\"”’](?!\w)")
_QUOTED_WORDS = 6
# Words by which something is given a name: "codenamed Al-Faisal", "known as Abu Zubeyr".
_NAMING_WORDS = r"codenamed|code-named|dubbed|nicknamed|titled|known as|alias"
_NAMED_AS = re.compile(
    r"(?:\b(?i:" + _NAMING_WORDS + r"|born)|"
    r"\bOperation)\s+(" + _PLACE_NAME.replace(r"(?:al-|el-)?", r"(?:al-|el-|of\s|the\s)?") + r")"
)
# A naming word just before a quoted word: "codenamed "Al-Faisal"", "branded it “deplorable”".
_NAMING_BEFORE = re.compile(
    r"\b(?i:" + _NAMING_WORDS + r"|called|named|branded|calling|labelled|described as)"
    r"(?:\s+(?:it|them|him|her|the \w+|a \w+))?"
    r"\s*[\"“‘]$"
)
# "what's his alias?", "the codename of the offensive", "what did UNICEF call it?": a
# "what" question asking for a name or a word used.
_ASKS_NAME = re.compile(
    r"\b(?:alias|aliases|code ?name|codenamed|nick ?name|nicknamed|call|calls|called|"
    r"calling|dubbed|dub|birth name|real name|known as|title|titled|word|words|term|brand|"
    r"branded|label|labelled|book|film|song|slogan|operation|op)\b|\bwhat name\b",
    re.IGNORECASE,
)
_POSSESSIVE_END = re.compile(r"['’]s$")  # "in Israel’s strike": no place, a possessor
_ASKS_TIME = re.compile(r"\bwhat time\b|\bat what hour\b", re.IGNORECASE)
_BARE_YEAR = re.compile(r"(?:in\s+)?(?:19|20)\d\d")
_ASKS_DAY = re.compile(r"\b(?:what|which) (?:day|date)\b", re.IGNORECASE)
_DAY = re.compile(r"\b\d{1,2}\b|\b" + _WEEKDAY + r"|\b(?:yesterday|today)\b", re.IGNORECASE)
# A question word this many words from a fact counts half (`support`).
_SUPPORT_DECAY_WORDS = 4
# A fact not written in the sentence (a group by its canonical name) stands, as it
# were, this far from the question's words: half their weight.
_UNPLACED_SUPPORT = 0.5
_FACT_KINDS = frozenset(
    {"how_many", "how_far", "how_old", "where", "when", "which_group", "who", "disputed",
     "source"}
)


def with_dateline(day: str, document_text: str) -> str:
    """`day` with the story's dateline when the story names it from the day it was
    written: "today" means nothing to someone reading the answer weeks later."""
    dateline = _DATELINE.match(document_text)
    if dateline is None or not _RELATIVE_DAY.match(day):
        return day
    return f"{day} (the story is datelined {dateline.group(1)})"


@dataclass(frozen=True, slots=True)
class Fact:
    """A figure, place or date as a sentence writes it, with its offsets in the sentence."""

    text: str
    start: int
    end: int


_QUALIFIER_OR_ARTICLE = re.compile(
    r"^(?:about|around|nearly|almost|some|at least|more than|over|up to|roughly|"
    r"approximately|an estimated|as many as|fewer than|less than|only|just|the|a|an)\s+"
)
_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}


# "town of Rawalpindi" is Rawalpindi.
_PLACE_OF = re.compile(r"^" + _PLACE_WORDS + r"\s+of\s+(?=\S)")


def fact_key(fact: str) -> str:
    """What two facts must share to be the same: "At least 31" and "31", "Twenty-one" and
    "21", "the town of Arge" and "Arge" are."""
    key = " ".join(fact.casefold().split())
    while (shorter := _QUALIFIER_OR_ARTICLE.sub("", key)) != key:
        key = shorter
    key = re.sub(r"(?<=\d),(?=\d{3})", "", key)
    key = _PLACE_OF.sub("", key)
    parts = key.split("-")
    if key in _UNITS:
        return str(_UNITS.index(key))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS[1:10]:
        return str(_TENS[parts[0]] + _UNITS.index(parts[1]))
    return str(_TENS[key]) if key in _TENS else key


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
        if digits.isdigit() and _DAY_AFTER.match(sentence[match.end() :]):
            continue
        if _MULTIPLE_AFTER.match(sentence[match.end() :]):
            continue  # "four times the size"
        if value.lower() in {"one"} and not sentence[match.end() :].lstrip()[:1].isalpha():
            continue  # "one" as a pronoun
        if any(age.start <= match.start() < age.end for age in ages(sentence)):
            continue  # "Abdul Rauf, 33, was killed": an age, not a count
        found.append(Fact(value, match.start(), match.end()))
    return found


def _asks_which(nouns: str) -> re.Pattern[str]:
    """"which <noun>" or "what <word> <noun>" for one of `nouns` (a pattern's choices),
    the noun caught: "which train station" -> station."""
    return re.compile(r"\b(?:which|what)(?: [\w-]+)? (" + nouns + r")\b", re.IGNORECASE)


_ASKS_COUNTRY = _asks_which("country")
_ASKS_TOWN = _asks_which("town|city|village|neighbou?rhood|suburb")
# "West African", "Iraqi Kurdish": a people's adjective; "Sahel region": a wider place.
_NOT_A_TOWN = re.compile(
    r"(?:ian|ean|ese|ish|African|American|\b(?:region|province|state|country|coast))$",
    re.IGNORECASE,
)
# "according to the Afghanistan Analysts Network", "according to Nasser Yassin, the ..."
_ACCORDING_TO = re.compile(
    r"\baccording to (?:the )?([A-Z][\w’'-]*(?:\s(?:of\s|for\s|and\s)?[A-Z][\w’'-]*)*)"
)
# Buildings a question may ask for by kind ("which train station did they hit?") and
# the names a story gives them: "the Chhatrapati Shivaji rail station", "Terminal One".
_FACILITY_WORDS = frozenset({
    "station", "terminal", "airport", "airbase", "hospital", "hotel", "mall", "mosque",
    "market", "prison", "jail", "stadium", "embassy", "consulate",
})
_FACILITY = re.compile(
    r"(?<![\w-])((?:[A-Z][\w’'-]+\s){1,4}(?:(?:rail|railway|train|bus|police)\s)?"
    r"(?:[Ss]tation|[Tt]erminal|[Aa]irport|[Aa]ir [Bb]ase|[Aa]irbase|[Hh]ospital|[Hh]otel|"
    r"[Mm]all|[Mm]osque|[Mm]arket|[Pp]rison|[Jj]ail|[Ss]tadium|[Ee]mbassy|[Cc]onsulate)"
    r"|Terminal (?:One|Two|Three|\d))\b"
)
_WHICH_FACILITY = _asks_which("|".join(sorted(_FACILITY_WORDS)))


def _facility_asked(question: Question) -> frozenset[str]:
    """The kind of building a question asks for: "which train station" -> station."""
    return frozenset(match.lower() for match in _WHICH_FACILITY.findall(question.text))


def facilities(sentence: str, kinds: Collection[str]) -> list[Fact]:
    """Named buildings of the kinds asked for ("station"): "Chhatrapati Shivaji rail
    station", "Terminal One"; a sentence's first word alone is no name ("Police
    station")."""
    if not kinds:
        return []
    found = []
    for match in _FACILITY.finditer(sentence):
        name = match.group(1)
        kind = name.split()[-1].lower()
        if name.startswith("Terminal "):
            kind = "terminal"
        if kind not in kinds or (match.start() == 0 and len(name.split()) == 2):
            continue
        found.append(Fact(name, match.start(1), match.end(1)))
    return found


def distances(sentence: str) -> list[Fact]:
    """Distances: "400 metres", "some 30 km"."""
    return [Fact(m.group(), m.start(), m.end()) for m in _DISTANCE.finditer(sentence)]


def ages(sentence: str) -> list[Fact]:
    """Ages: "23-year-old", "aged 46", "Abdul Rauf, 33," (as "33")."""
    found = []
    for match in _AGE.finditer(sentence):
        group = 1 if match.group(1) else 0
        found.append(Fact(match.group(group), match.start(group), match.end(group)))
    return found


def names_given(sentence: str) -> list[Fact]:
    """Names something is given: a quoted word or title ("branded the attack “deplorable”",
    titled "The Virus of Faith"), or the name after a word for naming ("codenamed
    Al-Faisal", "also known as Mukhtar Abu Zubeyr", "Born Ibrahim al-Samarrai",
    "Operation Al Khandaq")."""
    quoted = [
        Fact(match.group(1).strip(" ,.;:"), match.start(1), match.start(1) + len(
            match.group(1).strip(" ,.;:")))
        for match in _QUOTED.finditer(sentence)
        if len(match.group(1).split()) <= _QUOTED_WORDS
    ]
    named = [
        Fact(match.group(1), match.start(1), match.end(1))
        for match in _NAMED_AS.finditer(sentence)
        if not any(fact.start <= match.start(1) < fact.end + 1 for fact in quoted)
    ] + [fact for fact in quoted if _NAMING_BEFORE.search(sentence[: fact.start])]
    # Where a naming word gives a name ("Their Operation Al Khandaq will target "their
    # intelligence agents""), other quoted words are what someone said, not the name.
    return sorted(named or quoted, key=lambda fact: fact.start)


def times(sentence: str) -> list[Fact]:
    """Times of day: "10:30 am", "8 pm", "midnight"."""
    return [Fact(m.group(), m.start(), m.end()) for m in _TIME.finditer(sentence)]


def outlets(sentence: str, actors: Actors) -> list[Fact]:
    """Outlets: those `actors` knows ("Reuters"), and names standing by a word for one
    ("Amaq news agency" -> "Amaq", "Radio Andalus", "Mauritanian websites")."""
    found = [
        Fact(mention.surface, mention.start, mention.end)
        for mention in actors.find(sentence)
        if mention.kind == "media"
    ]
    for match in _OUTLET.finditer(sentence):
        name = next(group for group in match.groups() if group)
        start = match.start(match.lastindex or 0)
        if not any(fact.start <= start < fact.end for fact in found):
            found.append(Fact(name, start, start + len(name)))
    return sorted(found, key=lambda fact: fact.start)


def dates(sentence: str) -> list[Fact]:
    """Dates and days: "on Wednesday (Dec 26)", "last month", "in 2017"."""
    found = [Fact(match.group(), match.start(), match.end()) for match in _DATE.finditer(sentence)]
    for match in _MONTH_ALONE.finditer(sentence):
        # "in November last year" holds "last year": the month says more.
        overlapping = [fact for fact in found
                       if fact.start < match.end() and match.start() < fact.end]
        if all(match.start() <= fact.start and fact.end <= match.end() for fact in overlapping):
            found = [fact for fact in found if fact not in overlapping]
            found.append(Fact(match.group(), match.start(), match.end()))
    return sorted(found, key=lambda fact: fact.start)


def places(sentence: str, actors: Actors, group_spans: list[tuple[int, int]]) -> list[Fact]:
    """Countries, cities and named places; not the names of groups (`group_spans`), nor
    a people's adjective ("the Iranian capital Tehran" is in Tehran, "the Pakistani city
    of Karachi" in Karachi)."""
    found: dict[tuple[int, int], Fact] = {}
    mentions = actors.find(sentence)
    demonym_starts = {mention.start for mention in mentions if mention.kind == "demonym"}

    def add(text: str, start: int, end: int) -> None:
        if any(start < g_end and g_start < end for g_start, g_end in group_spans):
            return
        if _NOT_PLACES.match(text) or start in demonym_starts:
            return
        found.setdefault((start, end), Fact(text, start, end))

    for mention in mentions:
        if mention.kind in {"country", "capital", "place"}:
            add(mention.surface, mention.start, mention.end)
    for match in _NAMED_PLACE.finditer(sentence):
        if not _DESCRIBES_PEOPLE_BEFORE.search(sentence[: match.start()]):
            add(match.group(), match.start(), match.end())
    for match in (*_PLACE_AFTER.finditer(sentence), *_PLACED_NAME.finditer(sentence)):
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
    for match in _FACTION.finditer(sentence):
        words = match.group(1).split()
        while words and _NOT_A_NAME_WORD.match(words[0]):
            words = words[1:]  # "The Yuldash faction": the name without its article
        if not words:
            continue
        start = match.end(1) - len(" ".join(words))
        if any(start < end and begin < match.end(1) for begin, end in taken):
            continue
        if not any(fact.start <= start < fact.end for fact in found):
            found.append(Fact(" ".join(words), start, match.end(1)))
    for match in _PEOPLE_ARMED.finditer(sentence):
        # A country's people ("Pakistani militants") names no group, a stateless one may.
        if not any(begin <= match.start() < end for begin, end in taken) and not any(
            fact.start <= match.start() < fact.end for fact in found
        ):
            found.append(Fact(match.group(), match.start(), match.end()))
    return sorted(found, key=lambda fact: fact.start)


def people(sentence: str, actors: Actors, group_spans: list[tuple[int, int]]) -> list[Fact]:
    """Names of people: two to four capitalised words ("Mohammad Khurasani", "Hamza bin
    Laden"), not a state, body, place or group."""
    taken = [(m.start, m.end) for m in actors.find(sentence)] + list(group_spans)
    found: list[Fact] = []
    for match in _PERSON.finditer(sentence):
        if found and match.start() < found[-1].end:
            continue  # inside a name read past its title below
        words = match.group().split()
        # "Defence Minister Mullah Yaqub", "Deputy Foreign Minister Sher Mohammad Abbas
        # Stanikzai": the name after the title, read afresh so no part of it is lost.
        title = [place for place, word in enumerate(words[:-1])
                 if word.lower() in actors.not_name_words]
        if title:
            offset = match.start() + len(" ".join(words[: title[-1] + 1])) + 1
            named = _PERSON.match(sentence, offset)
            if named is None:
                continue
            match = named
        # "in Kabul Shah Marai": the name after a place or body standing first.
        leading = max((end for start, end in taken if start == match.start()), default=None)
        if leading is not None and leading < match.end():
            named = _PERSON.match(sentence, leading + 1)
            if named is None:
                continue
            match = named
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        if any(_NOT_A_NAME_WORD.match(word) for word in match.group().split()):
            continue
        if _BODY_NAMED_FOR.search(sentence[: match.start()]):
            continue  # "the Syrian Observatory for Human Rights": a body's name
        found.append(Fact(match.group(), match.start(), match.end()))
    return found


# A word for a body and "for" or "of" before capitalised words: the rest of the body's
# name ("Observatory for Human Rights", "Center for Strategic and International Studies").
_BODY_NAMED_FOR = re.compile(
    r"\b(?:Observatory|Center|Centre|Institute|Council|Committee|Commission|Foundation|"
    r"Organi[sz]ation|Office|Ministry|Department|Agency|Union|Coalition|Alliance|League|"
    r"Bureau|Society|Association|Federation|Fund|Court|Network)\s+(?:for|of)\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'-]*\s+(?:and\s+)?)*$"
)


_POSSESSIVE = re.compile(r"\w['’]s\b")
_CAPITALISED_WORD = re.compile(r"(?<![\w-])[A-Z][^\W\d_]+(?![\w-])")


# Documents whose reading is kept between questions: their sentences and stems
# (`evidence`), their people by surname (a few MB at most).
CACHED_DOCUMENTS = 512


@lru_cache(maxsize=CACHED_DOCUMENTS)
def people_by_surname(text: str, actors: Actors) -> Mapping[str, str]:
    """The people a document names in full, by surname: "Gaidam" -> "Ibrahim Gaidam".
    A story names someone in full once, then by surname ("Gaidam appeared to question
    ..."). A surname two of its people share names neither. Read once a document, not
    once for every "who" question that reads it."""
    named: dict[str, set[str]] = {}
    for fact in people(text, actors, []):
        if not _POSSESSIVE.search(fact.text):  # "Taliban’s Emirate" is no one
            named.setdefault(fact.text.split()[-1], set()).add(fact.text)
    return MappingProxyType(
        {surname: full.pop() for surname, full in named.items() if len(full) == 1}
    )


def _by_surname(
    sentence: str, surnames: Mapping[str, str], named: Sequence[Fact], actors: Actors,
    group_spans: Sequence[tuple[int, int]],
) -> list[Fact]:
    """The people `sentence` names by surname alone, with their full names; not a word
    of a group's or place's name ("Baloch" of the Baloch Liberation Army)."""
    taken = [
        *((fact.start, fact.end) for fact in named),
        *((mention.start, mention.end) for mention in actors.find(sentence)),
        *group_spans,
    ]
    return [
        Fact(surnames[match.group()], match.start(), match.end())
        for match in _CAPITALISED_WORD.finditer(sentence)
        if match.group() in surnames
        and not any(start <= match.start() < end for start, end in taken)
    ]


def names_a_person(
    text: str, actors: Actors, vocabulary: Vocabulary, groups: Sequence[str] = ()
) -> bool:
    """Whether `text` names a person: "Texas Chukwu", not "Islamic State (IS)-affiliated
    Boko Haram extremists" (when `groups` holds "Boko Haram") nor "NHS Foundation Trust"."""
    spans = [(match.start(), match.end()) for name in groups if name
             for match in re.finditer(re.escape(name), text)]
    return any(
        not set(words_of(fact.text)) & vocabulary.not_person_words
        for fact in people(text, actors, spans)
    )


def _repeats_question(fact: Fact, question: Question, vocabulary: Vocabulary) -> bool:
    """Whether a name is mostly the question's own words: "what's the new hypersonic
    missile called?" is not answered by a "new hypersonic ballistic missile"."""
    words = set(words_of(fact.text)) - vocabulary.stop_words
    return 2 * len(words - set(question.terms)) < len(words) or not words


def asked_roles(question: Question, actors: Actors, vocabulary: Vocabulary) -> frozenset[str]:
    """For "who" questions, the stems of the roles asked for and their synonyms: "which
    TTP spokesman" -> spokesman, spokesperson, spokeswoman."""
    if question.kind != "who":
        return frozenset()
    # A relative is a role too: "who is Malala's father?"
    stems = {
        stem(term) for term in question.terms
        if term in actors.role_forms or term in vocabulary.kin_words
    }
    if question.role is not None and question.role in question.terms:
        stems.add(stem(question.role))  # "which tribal elder?"
    # So is what a leader does: "who led the gang?", "who runs it?" ask for its leader.
    if vocabulary.role_verbs.intersection(question.terms):
        stems.add(stem("leader"))
    return frozenset(stems.union(*(vocabulary.related(role) for role in stems)))


# Words before a role that say how high or when, not what of: "senior commander".
_NOT_QUALIFYING = frozenset({"senior", "top", "supreme", "main", "current", "new", "late"})
_PLACE_KINDS = frozenset({"country", "demonym", "capital", "place"})


def role_qualifiers(
    question: Question, actors: Actors, vocabulary: Vocabulary
) -> frozenset[str]:
    """For "who" questions, the stems (and synonyms) of the words that narrow the role
    asked for: "police" of "the karachi police chief", "army" of "army chief"; not a
    group, country or place ("the TTP spokesman", "Kabul police chief" asks for a police
    chief), nor another role word."""
    if question.kind != "who":
        return frozenset()
    typed = words_of(question.text)
    found: set[str] = set()
    for before, word in pairwise(typed):
        if (
            word in actors.role_forms
            and before in question.terms
            and before not in actors.role_forms
            and before not in vocabulary.stop_words
            and before not in _NOT_QUALIFYING
            and not any(mention.kind in _PLACE_KINDS
                        for form in (before.capitalize(), before.upper())
                        for mention in actors.find(form))
            and not any(before in words_of(group.name) or before == (group.short or "").lower()
                        for group in question.groups)
        ):
            found.add(stem(before))
    return frozenset(found.union(*(vocabulary.related(word) for word in found)))


def asks_name(question: Question) -> bool:
    """Whether a "what" question asks for a name or a word used: "what did the Taliban
    call their offensive?", "what's his alias?"."""
    return question.kind == "what" and _ASKS_NAME.search(question.text) is not None


def asked_fact(
    question: Question,
    sentence: str,
    *,
    matched: tuple[str, ...],
    groups: tuple[str, ...],
    group_spans: tuple[tuple[int, int], ...],
    actors: Actors,
    vocabulary: Vocabulary,
    span_groups: tuple[str, ...] = (),
    sources: tuple[str, ...] = (),
    anchored: bool = True,
    surnames: Mapping[str, str] | None = None,
) -> str | None:
    """The figure, place, date, group or person `question` asks for, as `sentence` gives
    it near the question's words (`matched` stems); None when it gives none. A person
    who is only the sentence's source (`sources`) is not the one asked about; one named
    by surname alone is given by the full name of `surnames` (`people_by_surname` of
    the document). Not `anchored` (a sentence next to the one holding the question's
    words), the first fact counts: "It will be led by Abdul Salam Rahimi"."""
    kind = question.kind
    if kind not in _FACT_KINDS and not asks_name(question):
        return None
    asked = set(words_of(question.text))
    if kind == "disputed":
        # A denial of the very thing asked about ("was it really hypersonic?" - "it was
        # not a hypersonic missile"), else the word by which the sentence disputes
        # something: "denied", "baseless".
        asked_stems = {stem(term) for term in question.terms}
        asked_stems = asked_stems.union(*(vocabulary.related(each) for each in asked_stems))
        negation = next(
            (
                match.group()
                for match in _NEGATION.finditer(sentence)
                if stem(match.group(1).lower()) in asked_stems
            ),
            None,
        )
        return negation or next(
            (
                match.group()
                for match in re.finditer(r"[^\W_]+", sentence)
                if stem(match.group().lower()) in vocabulary.dispute_stems
            ),
            None,
        )
    if kind == "source":
        # An outlet the sentence names ("the Washington Post has spoken to ...", "via its
        # Amaq news agency"), the one nearest the question's words.
        found = outlets(sentence, actors) or [
            # "..., according to the Afghanistan Analysts Network": whoever it is.
            Fact(match.group(1), match.start(1), match.end(1))
            for match in _ACCORDING_TO.finditer(sentence)
        ]
        if not found:
            return None
        anchors = _anchor_positions(sentence, matched, vocabulary) or [0]
        return min(
            found, key=lambda fact: min(abs(fact.start - anchor) for anchor in anchors)
        ).text
    spans = list(group_spans)
    if kind == "which_group":
        named = {group.name for group in question.groups}
        linked_only = set() if asked & _LINK_WORDS else _linked_only(sentence, group_spans,
                                                                      span_groups)
        # "Nur Misuari, founding chairman of the MNLF" tells who he is, not which group
        # did what is asked, unless the question asks about a role ("which group does he
        # chair?").
        if not asked & actors.role_forms:
            linked_only |= _role_holders_only(sentence, group_spans, span_groups, actors)
        if not any(word.startswith(("condemn", "denounc")) for word in asked):
            linked_only |= _condemning_only(sentence, group_spans, span_groups)
        others = [name for name in groups if name not in named and name not in linked_only]
        if others:
            # A group claiming it (a claim's speaker, placed nowhere) first, then the group
            # standing nearest the question's words.
            anchors = _anchor_positions(sentence, matched, vocabulary) or [0]
            placed: dict[str, int] = {}
            for (start, end), name in zip(group_spans, span_groups, strict=True):
                nearest = min(min(abs(start - anchor), abs(end - anchor)) for anchor in anchors)
                placed[name] = min(placed.get(name, nearest), nearest)
            return min(others, key=lambda name: placed.get(name, -1))
        found = [
            fact
            for fact in unlisted_groups(sentence, actors, spans, vocabulary)
            if not set(words_of(fact.text)) <= asked
        ]
    elif kind == "how_many":
        found = figures(sentence)
        counted = _counted_stems(question, vocabulary)
        if counted:  # "how many fighters": a figure of fighters (or members), not of pagers
            noun = _COUNTED_NOUN.search(question.text) is not None
            counting = [fact for fact in found if _counts(sentence, fact, counted, noun=noun)]
            if not counting and _ASKS_WHAT_IT_DID.search(question.text):
                befell = _asked_outcomes(question, verbs_only=True)
                counting = [fact for fact in found if _outcome_of(sentence, fact) in befell]
            found = counting
            if _counted_among(question) is not None:
                # "12 people were killed, mostly children" counts no children: the part
                # asked about is what the figure itself counts ("22 Shi'ite Muslims").
                found = [fact for fact in found if _counts_first(sentence, fact, counted)]
        if _COUNTS_PEOPLE.search(question.text):  # "how many ppl": not "600 attacks"
            found = [fact for fact in found if _counts_people(sentence, fact, vocabulary)]
        found = _of_asked_outcome(question, sentence, found)
        if _ASKS_STRENGTH.search(question.text):
            found = [fact for fact in found if not _CASUALTY.search(" ".join((
                *sentence[: fact.start].split()[-_CASUALTY_REACH:],
                *sentence[fact.end :].split()[:_CASUALTY_REACH],
            )))]
    elif kind == "where":
        # "where in Kenya?": somewhere in Kenya, not another country.
        within = {name for name in actors.countries if name.lower() in asked}
        found = [
            fact
            for fact in places(sentence, actors, spans)
            if not (within and fact.text in actors.countries and fact.text not in within)
            # "Afghanistan's president" is no location; nor is a place the question names.
            if not _POSSESSIVE_AFTER.match(sentence[fact.end :])
            and not _POSSESSIVE_END.search(fact.text)
            and not set(words_of(fact.text)) - _PLACE_WORD_SET <= asked
            # "..., Harf said in Washington", "a French official in Paris": where it was
            # said, not where it happened.
            and not _SPOKEN_AT.search(sentence[: fact.start])
            # "in the Iranian capital Tehran", "Logar province": a place where something
            # is; not "supported by the US" nor "U.S. forces".
            and (
                _LOCATIVE_BEFORE.search(sentence[: fact.start])
                or _NAMED_PLACE.fullmatch(fact.text)
                or _DESCRIBED_AS_PLACE.match(sentence[fact.end :])
            )
            and not _in_aside_elsewhere(sentence, fact, matched, vocabulary)
        ]
        found = _in_direction_asked(question, sentence, found)
        # "from which country?" is answered by a country, "which town?" by no country
        # nor the people of one ("the West African country").
        if _ASKS_COUNTRY.search(question.text):
            found = [fact for fact in found if fact.text in actors.countries]
        elif _ASKS_TOWN.search(question.text):
            found = [
                fact for fact in found
                if fact.text not in actors.countries and not _NOT_A_TOWN.search(fact.text)
            ]
        # "which train station?", "which terminal?": a named building of that kind, not
        # the town it stands in.
        if building := _facility_asked(question):
            found = facilities(sentence, building)
    elif kind == "what":
        found = [
            fact for fact in names_given(sentence)
            if not _repeats_question(fact, question, vocabulary)
        ]
    elif kind == "how_far":
        found = distances(sentence)
    elif kind == "how_old":
        found = ages(sentence)
    elif kind == "when" and _ASKS_TIME.search(question.text):
        found = times(sentence) or dates(sentence)  # "what time": a clock time first
    elif kind == "when":
        # "when did it end its ceasefire in 2022?": the year asked about is no answer.
        found = [fact for fact in dates(sentence) if not set(words_of(fact.text)) <= asked]
        # "when in 2022?" asks for a day or month of that year: another year answers
        # something else.
        if any(_BARE_YEAR.fullmatch(word) for word in asked):
            found = [fact for fact in found if not _BARE_YEAR.fullmatch(fact.text)]
        if _ASKS_DAY.search(question.text):  # "what day": a day, not "last month"
            found = [fact for fact in found if _DAY.search(fact.text)] or found
    else:  # who
        # A person the question names by first name or surname is whom it asks about, not
        # the answer ("which leader turned down Ghani's offer?"), unless it asks for a
        # relative ("which bin Laden son").
        kin = bool(asked & vocabulary.kin_words)
        # "who leads ...?" is not answered by "Galaxy Leader": a name holding a word of
        # the question, or a synonym of one, names something else.
        term_stems = {stem(word) for word in question.terms}
        synonyms = set().union(*(vocabulary.related(each) for each in term_stems)) - {
            stem(word) for word in asked
        }
        named = people(sentence, actors, spans)
        named = sorted(
            [*named, *_by_surname(sentence, surnames or {}, named, actors, spans)],
            key=lambda fact: fact.start,
        )
        found = [
            fact
            for fact in named
            # "Mullah Fazlullah" answers no "what's Fazlullah's son called?": past its
            # titles, the name holds nothing the question does not.
            if not set(words_of(fact.text)) - vocabulary.title_words <= asked
            and not {stem(word) for word in words_of(fact.text)} & synonyms
            and (kin or not _first_and_last_names(fact.text, actors) & asked)
            and not set(words_of(fact.text)) & vocabulary.not_person_words
            and not any(fact.text in source or source in fact.text for source in sources)
            and not _alias_of_asked(sentence, fact, asked)
            and not (kin and _kin_of(sentence, fact, asked & vocabulary.kin_words))
            and not _only_speaking_unasked(question, sentence, fact, actors, vocabulary)
        ]
    anchors = _anchor_positions(sentence, matched, vocabulary)
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
        # A question word inside the fact ("Kandahar" of "Kandahar province") says nothing
        # of how near the fact stands to what is asked.
        outside = [a for a in anchors if not fact.start <= a < fact.end]
        return min(
            (min(abs(fact.start - a), abs(fact.end - a)) for a in outside), default=len(sentence)
        )

    if kind == "which_group":
        return min(found, key=distance).text if min(map(distance, found)) <= _PLACE_REACH else None
    if kind == "where":
        # A town or province says where better than a country: "where in Kenya?"
        near = [fact for fact in found if distance(fact) <= _PLACE_REACH]
        specific = [fact for fact in near if fact.text not in actors.countries]
        return min(specific or near, key=distance).text if near else None
    nearest = min(found, key=distance)
    # A figure or an age answers from anywhere in a sentence holding the question's
    # words: few sentences give one that is not of what they speak about.
    return nearest.text if kind in {"how_many", "how_old"} or distance(nearest) <= _REACH else None


# "where was she moved to?", "where were the crew taken?": the place gone to; "where is
# he from?": the place come from.
_ASKS_DESTINATION = re.compile(
    r"\b(?:to|towards?|into)\W*$|\b(?:move|moved|moving|taken|send|sent|transfer|"
    r"transferred|shifted|flown|airlifted|evacuated|rushed|headed|heading|bound|fled)\b",
    re.IGNORECASE,
)
_ASKS_ORIGIN = re.compile(r"\bfrom\W*$", re.IGNORECASE)
_GOING_TO = frozenset({"to", "toward", "towards", "into"})
# Words between "from" or "to" and the place: "to the Armed Forces Institute of
# Cardiology in Rawalpindi".
_DIRECTION_REACH = 8


def asked_direction(question: Question) -> str | None:
    """"to" when a "where" question asks where someone or something went ("where was she
    moved to?"), "from" when it asks where they came from; None when it asks neither."""
    if question.kind != "where":
        return None
    if _ASKS_ORIGIN.search(question.text):
        return "from"
    return "to" if _ASKS_DESTINATION.search(question.text) else None


def direction_at(sentence: str, start: int) -> str | None:
    """"to" or "from" when the place at `start` is where something went to or came from,
    by the nearest "to" or "from" before it in its clause; None when neither stands there."""
    before = words_of(_CLAUSE_BREAK.split(sentence[:start])[-1])[-_DIRECTION_REACH:]
    word = next((word for word in reversed(before) if word in {"from", *_GOING_TO}), None)
    return None if word is None else "from" if word == "from" else "to"


def _in_direction_asked(question: Question, sentence: str, found: list[Fact]) -> list[Fact]:
    """The places of `found` in the direction a "where" question asks about: "from
    the hospital in Peshawar to the Armed Forces Institute in Rawalpindi" answers
    "where was she moved to?" with Rawalpindi. All of them when it asks none."""
    asked = asked_direction(question)
    if asked == "from":
        return [fact for fact in found if direction_at(sentence, fact.start) == "from"] or found
    if asked == "to":
        gone_to = [fact for fact in found if direction_at(sentence, fact.start) == "to"]
        return gone_to or [
            fact for fact in found if direction_at(sentence, fact.start) != "from"
        ] or found
    return found


def _in_aside_elsewhere(
    sentence: str, fact: Fact, matched: tuple[str, ...], vocabulary: Vocabulary
) -> bool:
    """Whether a fact stands in a clause describing someone by the way (", which opposes
    projects in resource-rich Baluchistan,") that holds none of the question's words: it
    tells about them, not about what is asked."""
    for clause in _RELATIVE_CLAUSE.finditer(sentence):
        if clause.start() <= fact.start and fact.end <= clause.end():
            return not _anchor_positions(clause.group(), matched, vocabulary)
    return False


def _named_only_as(
    group_spans: Sequence[tuple[int, int]], span_groups: Sequence[str],
    is_such: Callable[[int, int], bool | None],
) -> set[str]:
    """The groups every mention of which `is_such` (start, end) holds for; a mention it
    returns None for is passed over."""
    only: dict[str, bool] = {}
    for (start, end), name in zip(group_spans, span_groups, strict=True):
        such = is_such(start, end)
        if such is not None:
            only[name] = only.get(name, True) and such
    return {name for name, held in only.items() if held}


def _linked_only(
    sentence: str, group_spans: Sequence[tuple[int, int]], span_groups: Sequence[str]
) -> set[str]:
    """The groups a sentence names only as another's patron or ally: "a Malian group with
    links to al Qaeda claimed it", "the Islamic State-linked BIFF": not who did it."""
    return _named_only_as(group_spans, span_groups, lambda start, end: bool(
        _LINKED_BEFORE.search(sentence[:start]) or _LINKED_AFTER.match(sentence[end:])
    ))


# A role after a group's name, then the person holding it: "MILF first vice chairman
# Ghazzali Jaafar".
_ROLE_BEFORE_NAME = re.compile(r"^\s+(?:[a-z-]+\s+){0,2}([a-z-]+)\s+[A-Z]")
# Words after a group's name to "condemning": "has added its voice to those condemning".
_CONDEMNING_REACH = 8
# ", founding chairman of the", ", a spokesman for": a role describing a person just
# named, which a group's name follows.
_ROLE_OF_BEFORE = re.compile(
    r"\b[A-Z][a-z][\w’'-]*,\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?([\w-]+)\s+"
    r"(?:of|for)\s+(?:the\s+)?$"
)


def _role_holders_only(
    sentence: str, group_spans: Sequence[tuple[int, int]], span_groups: Sequence[str],
    actors: Actors,
) -> set[str]:
    """The groups a sentence names only as what someone's role is of: "Nur Misuari,
    founding chairman of the Moro National Liberation Front"."""

    def holds_role(start: int, end: int) -> bool | None:
        if sentence[:start].rstrip().endswith("("):
            return None  # "(MNLF)" after the name: the same mention
        role = _ROLE_OF_BEFORE.search(sentence[:start])
        after = _ROLE_BEFORE_NAME.match(sentence[end:])
        return bool(
            (role and role.group(1).lower() in actors.role_forms)
            or (after and after.group(1).lower() in actors.role_forms)
        )

    return _named_only_as(group_spans, span_groups, holds_role)


def _condemning_only(
    sentence: str, group_spans: Sequence[tuple[int, int]], span_groups: Sequence[str]
) -> set[str]:
    """The groups a sentence names only as condemning something: "The MILF has added its
    voice to those condemning the bomb attack" did not bomb."""
    return _named_only_as(group_spans, span_groups, lambda _, end: any(
        word.startswith(("condemn", "denounc"))
        for word in words_of(_CLAUSE_BREAK.split(sentence[end:])[0])[:_CONDEMNING_REACH]
    ))


def support(
    sentence: str,
    fact: str,
    term_shares: Sequence[tuple[str, float]],
    vocabulary: Vocabulary,
) -> float:
    """How much of the question stands close to `fact` in the sentence, 0 to 1: each
    question word (or a synonym) counts its share of the question's weight, less the
    more words stand between it and the fact. "killed ... in a suicide attack in Aino
    Maina" supports "Aino Maina" for "where was he killed?" better than a place ten
    words away from "killed" supports itself."""
    stems = [stem(word.lower()) for word in _WORD_AT.findall(sentence)]

    def positions(term_stem: str) -> list[int]:
        wanted = {term_stem} | vocabulary.related(term_stem)
        return [position for position, word_stem in enumerate(stems) if word_stem in wanted]

    start = sentence.find(fact)
    if start < 0:  # a group named by its canonical name: no place in the sentence
        return _UNPLACED_SUPPORT * sum(
            share for term_stem, share in term_shares if positions(term_stem)
        )
    first = len(_WORD_AT.findall(sentence[:start]))
    last = first + max(len(_WORD_AT.findall(fact)), 1) - 1
    held = 0.0
    for term_stem, share in term_shares:
        gaps = [
            max(first - position - 1, position - last - 1, 0)
            for position in positions(term_stem)
            if not first <= position <= last  # the fact's own words say nothing of it
        ]
        if gaps:
            held += share / (1 + min(gaps) / _SUPPORT_DECAY_WORDS)
    return held


# A count that gives no figure: "dozens" answers no "what was the exact toll?".
_ROUGH_COUNT = re.compile(
    r"(?:(?:about|around|some|at least|more than|over|up to|nearly|almost)\s+)?"
    r"(?:dozens|scores|hundreds|thousands)",
    re.IGNORECASE,
)


def is_specific(kind: str, fact: str, actors: Actors) -> bool:
    """Whether a figure, place or date says exactly how many, where or when: a town more
    than a country ("where in Syria?" - Idlib), a day or year more than "next month", a
    figure more than "dozens"."""
    if kind == "where":
        return fact not in actors.countries
    if kind == "when":
        return bool(_DAY.search(fact) or re.search(_MONTH + r"|\b(?:19|20)\d\d\b", fact))
    if kind == "how_many":
        return not _ROUGH_COUNT.fullmatch(fact)
    return True


# Who speaks: ", said Matt Bryden", "according to Harf"; not "Officials said Awtar Singh Khalsa ...
# was dead", where the one named is what is said of.
_SPEAKS_BEFORE = re.compile(
    r"(?:^|[,”\"'’]\s*)(?:said|says|told)\s+$|\baccording to\s+$"
)
# "Rasool Shah said", "Rasool Shah, Mingora police chief said", "Mohib, 35, told AFP"
# "Abdiasis Ibrahim who works for Universal TV, told Reuters"
_SPEAKS_AFTER = re.compile(
    r"^(?:,[^,.;:]{1,60}|,?\s+who\s[^,.;:]{1,60})?,?\s+(?:said|says|told)\b"
)


def _only_speaking_unasked(
    question: Question, sentence: str, fact: Fact, actors: Actors, vocabulary: Vocabulary
) -> bool:
    """Whether a person stands in the sentence only as the one who says it, and the
    question asks neither who said it nor for a role the text gives them: "who took over
    after Godane?" is not answered by "..., said Matt Bryden", nor "which gunman?" by
    "..., Rasool Shah said"; "who is the security advisor?" is by "advisor Hamdullah
    Mohib said"."""
    speaking = bool(
        _SPEAKS_BEFORE.search(sentence[: fact.start])
        or _SPEAKS_AFTER.match(sentence[fact.end :])
    )
    # The roles are read only for a speaker: this runs for every sentence tried. One
    # who says it is not whom a fate befell: "which journalist died?" is not answered
    # by "..., journalist Abdiasis Ibrahim told Reuters".
    return speaking and not question.about_speaking and (
        bool(_BEFELL.intersection(question.terms))
        or not described_as(sentence, fact.text, asked_roles(question, actors, vocabulary))
    )


def _alias_of_asked(sentence: str, fact: Fact, asked: set[str]) -> bool:
    """Whether a person is another name of someone the question names: "Godane, also
    known as Mukhtar Abu Zubeyr" answers no "who replaced Godane?"."""
    alias = _ALIAS_BEFORE.search(sentence[: fact.start])
    return alias is not None and bool(set(words_of(alias.group("name"))) & asked)


# Words from the relative to the person: "son of the late Osama".
_KIN_OF_REACH = 4


def _kin_of(sentence: str, fact: Fact, kin: set[str]) -> bool:
    """Whether a person stands right after the relative asked for and "of": "Hamza is the
    son of Osama bin Laden" gives Osama as whose son, not as the son."""
    words = words_of(sentence[: fact.start])[-_KIN_OF_REACH:]
    if "of" not in words:
        return False
    place = len(words) - 1 - words[::-1].index("of")
    return set(words[place + 1 :]) <= {"the", "late", "a"} and any(
        word in kin or word.rstrip("s") in kin for word in words[:place]
    )


def described_as(sentence: str, fact: str, wanted: frozenset[str]) -> bool:
    """Whether a word of `wanted` (stems) stands within a few words of `fact`: "Shahidullah
    Shahid, Pakistani Taliban spokesperson" is described as a spokesman."""
    start = sentence.find(fact)
    if start < 0 or not wanted:
        return False
    before = _WORD_AT.findall(sentence[:start])[-_DESCRIPTION_REACH:]
    after = _WORD_AT.findall(sentence[start + len(fact) :])[:_DESCRIPTION_REACH]
    return any(stem(word.lower()) in wanted for word in (*before, *fact.split(), *after))


def _first_and_last_names(person: str, actors: Actors) -> set[str]:
    """"Chairman Hadji Murad Ibrahim" -> {"hadji", "ibrahim"}: past titles and roles."""
    names = [word for word in words_of(person) if word not in actors.not_name_words]
    return {names[0], names[-1]} if names else set()


def _counted_among(question: Question) -> str | None:
    """The word saying whom "how many of the dead were Shia?" counts ("shia"); None when
    the question counts no part of those it speaks of."""
    among = _COUNTED_AMONG.search(question.text)
    word = None if among is None else among.group(1).lower()
    return word if word in question.terms else None


def _counted_stems(question: Question, vocabulary: Vocabulary) -> frozenset[str]:
    """What "how many X" counts: X's stem and its synonyms; empty when X is no noun. "How
    many of the dead were Shia?" counts the Shia."""
    match = _COUNTED.search(question.text)
    if match is None:
        return frozenset()
    among = _counted_among(question)
    if among is not None:
        return frozenset({stem(among)} | vocabulary.related(stem(among)))
    # The search words standing together first after "how many", past group names and
    # stop words ("how many TTP fighters", "how many bus passengers"; "how many were
    # wounded in Tripoli" counts the wounded, not Tripoli), and past words that only
    # qualify the noun ("how many other shabaab militants" counts militants).
    following: list[str] = []
    for word in words_of(question.text[match.end() :]):
        if word in _BEFORE_COUNTED_NOUN and not following:
            continue
        if word in question.terms:
            following.append(word)
        elif following:
            break
    stems = {stem(word) for word in following[:2]}
    return frozenset(stems.union(*(vocabulary.related(word_stem) for word_stem in stems)))


def _asked_outcomes(question: Question, *, verbs_only: bool = False) -> set[str]:
    """The fates a "how many" question asks about, read after "how many"; `verbs_only`,
    by the verbs saying them ("kill", not the "death anniversary" a topic may name)."""
    asked_after = _COUNTED.search(question.text)
    return {
        _OUTCOMES[stem(word)]
        for word in words_of(question.text[asked_after.end() if asked_after else 0 :])
        if stem(word) in _OUTCOMES and not (verbs_only and word in _OUTCOME_NOUNS)
    }


def _of_asked_outcome(question: Question, sentence: str, found: list[Fact]) -> list[Fact]:
    """The figures counting those whom the fate the question asks about befell ("how many
    were rescued?": not "killed two crew members"), or, when none does, those of whom
    nothing is said: "107 people were injured, ... hit three districts" counts the injured.
    The fate is read after "how many": "bus hostage story: how many prisoners were let
    go?" asks about no hostages."""
    asked = _asked_outcomes(question)
    if not asked:
        return found
    outcomes = [_outcome_of(sentence, fact) for fact in found]
    wanted = {None, *asked} if asked.isdisjoint(outcomes) else asked
    return [fact for fact, outcome in zip(found, outcomes, strict=True) if outcome in wanted]


def _outcome_of(sentence: str, fact: Fact) -> str | None:
    """What befell those a figure counts ("died" for "31 people were killed"), by the
    outcome word nearest it, after it first; None when no such word stands near."""
    after = words_of(_CLAUSE_BREAK.split(sentence[fact.end :])[0])[:_OUTCOME_REACH]
    before = words_of(_CLAUSE_BREAK.split(sentence[: fact.start])[-1])[-_OUTCOME_REACH:][::-1]
    for distance in range(_OUTCOME_REACH):
        for near in (after, before):
            if distance < len(near) and stem(near[distance]) in _OUTCOMES:
                return _OUTCOMES[stem(near[distance])]
    return None


def _counted_word(sentence: str, fact: Fact) -> str:
    """The first small word after a figure, past words such as "suspected": what it
    counts. Names are whose ("nine Hamas targets"), not what."""
    return next(
        (word for word in _WORD_AT.findall(sentence[fact.end :])[:_FIGURE_NOUN_REACH]
         if word.islower() and word not in _BEFORE_COUNTED_NOUN),
        "",
    )


def _counts_first(sentence: str, fact: Fact, counted: frozenset[str]) -> bool:
    """Whether the first word after a figure, past words such as "suspected", is one of
    `counted`: "22 Shi'ite Muslims" counts Shia."""
    after = [word for word in words_of(sentence[fact.end :])[:_FIGURE_NOUN_REACH]
             if word not in _BEFORE_COUNTED_NOUN]
    return bool(after) and stem(after[0]) in counted


def _is_plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss")


def _counts_people(sentence: str, fact: Fact, vocabulary: Vocabulary) -> bool:
    """Whether a figure may count people: "600 attacks" counts none."""
    counting = _counted_word(sentence, fact)
    return (
        not _is_plural(counting) or counting in _ANY_COUNTED
        or counting in vocabulary.people_words
    )


_RATE_AFTER = re.compile(r"^\s+(?:a|an|per|each|every)\s+(?:day|week|month|year)\b")


def _counts(sentence: str, fact: Fact, counted: frozenset[str], *, noun: bool) -> bool:
    """Whether a counted noun stands just after the figure ("6,000 fighters") or just
    before it ("killing 14 officers" counts from "killing"). When the question counts a
    noun ("how many gunmen"), a figure of some other plural thing is not it: "six
    civilians were killed when militants stormed ..." counts no gunmen."""
    after = words_of(sentence[fact.end :])[:_FIGURE_NOUN_REACH]
    if noun:
        counting = _counted_word(sentence, fact)
        if (
            _is_plural(counting) and counting not in _ANY_COUNTED
            and stem(counting) not in counted
        ):
            return False
    # A rate ("an average of 75 a month") names what it counts earlier in the sentence:
    # "the number of attacks ... doubled, with an average of 75 a month".
    before = words_of(sentence[: fact.start])
    if not _RATE_AFTER.match(sentence[fact.end :]):
        before = before[-_FIGURE_NOUN_REACH:]
    return any(stem(word) in counted for word in (*after, *before))


def _anchor_positions(
    sentence: str, matched: tuple[str, ...], vocabulary: Vocabulary
) -> list[int]:
    """Where in the sentence the question's words, or their synonyms, stand."""
    wanted = set(matched).union(*(vocabulary.related(word_stem) for word_stem in matched))
    return [
        match.start()
        for match in re.finditer(r"[^\W_]+", sentence)
        if stem(match.group().lower()) in wanted
    ]
