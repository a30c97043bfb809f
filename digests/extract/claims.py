"""Attributed claims: who says what about which groups, after PARC's source / cue / content.

For every reporting cue in a sentence the rules decide where the source is (the subject
before the cue, the name after an inverted "said", the agent after "claimed by", the
noun phrase after "according to", nobody for a bare passive) and where the content is
(after the cue, or before it when the attribution closes the sentence or a quotation).
Sources are resolved through the discourse: "He", "they", "the spokesperson", "Khan"
become the person, role and organisation named earlier. Content keeps its hedges,
evidence, numbers, places and the groups it is about.

Everything is a pure function of the text, its sentences, its group mentions, the
lexicon and the actor gazetteer; the one pass over the text (`Lexicon.scan`,
`Actors.find`) is shared by all sentences.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from typing import Literal

from digests.extract.actors import ActorMention, Actors, Source, describe_source
from digests.extract.lexicon import MAX_GAP_WORDS, Hit, Lexicon
from digests.extract.model import Claim, GroupMention, Stance
from digests.extract.sentences import Quote, Sentence, find_quotes, sentence_index

Layout = Literal["after", "before", "around", "none"]

# Words between a subject and its cue that belong to neither ("has once again called on").
_SKIPPABLE = re.compile(
    r"\s*\b(?:has|have|had|having|also|further|once|again|earlier|later|repeatedly|long|"
    r"already|previously|now|then|recently|quickly|publicly|openly|strongly|officially|never|"
    r"not|will|would|could|can|may|might|must|should|did|does|do|just|still|yet|"
    r"reportedly|allegedly|apparently|initially|separately|subsequently|today|yesterday|"
    r"tonight|appeared to|appears to|seemed to|went on to|moved quickly to|is|are|"
    r"for (?:decades|years|months|weeks|days|long)|in return|in turn|"
    r"on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"(?:last|this|late|early|on) (?:week|month|year|night|morning|evening|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"in (?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)|at (?:a|the) [\w ]{0,30}?(?:briefing|conference|meeting)|by telephone)\s*$",
    re.IGNORECASE,
)
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_ADVERBS = frozenset(
    {
        "later",
        "also",
        "widely",
        "previously",
        "repeatedly",
        "often",
        "long",
        "first",
        "initially",
        "earlier",
        "then",
        "now",
        "already",
        "formally",
    }
)
# Where a subject begins: the last of these before the cue. The words are "that", "who",
# "whom", "which", "where", "when", "while", "after", "before", "because", "since", "as",
# "though", "although", "but", "if", "or", "than", "until", "whether", "so", "and", "asked",
# "whereas", "despite", grouped by first letter behind a look-ahead on that letter: the
# regex engine then fails fast at most positions (this search runs for every cue). Only
# one word can match before the white space, so the grouping finds the same matches.
_SUBJECT_BOUNDARY = re.compile(
    r"(?:^|[;:—–]\s*|,\s*|[”\"’]\s+|\s-\s|"
    r"\b(?=(?i:[abdiorstuw]))"
    r"(?i:a(?:lthough|fter|sked|nd|s)|b(?:ecause|efore|ut)|despite|if|or|s(?:ince|o)|"
    r"t(?:hough|hat|han)|until|w(?:hether|hereas|hich|here|hile|hom|hen|ho))\s+)",
)
_CLAUSE_BOUNDARY = re.compile(r"(?:,\s+|\s[—–-]\s|;\s+|:\s+)")
_DETERMINERS = frozenset(
    {
        "the",
        "a",
        "an",
        "his",
        "her",
        "its",
        "their",
        "our",
        "this",
        "these",
        "those",
        "no",
        "any",
        "such",
        "false",
        "that",
        "my",
        "your",
        "every",
        "first",
        "latest",
        "new",
        "previous",
        "recent",
    }
)
_LEADING_THAT = re.compile(r"^\s*(?:that\s+|:\s*|,\s*)", re.IGNORECASE)
_TELL_OBJECT = re.compile(
    r"\s*(?:the\s+)?(?:reporters|journalists|Reuters|AFP|AP|the BBC|BBC|CNN|Al Jazeera|"
    r"parliament|lawmakers|the conference|an international conference[^,]*?|diplomats|"
    r"the media|media|the press|a news conference|a press conference|[A-Z][\w]*(?: news agency)?)"
    r"(?:\s+(?:on|by|in|earlier|later|last|this)\b[^,:\"“]*?)?(?=\s+(?:that\b|[\"“:]|[a-z]|[A-Z]))",
)
# Sources whose claims are findings ("report"): reports, monitoring teams, UN panels.
_REPORT_SOURCES = frozenset(
    {
        "report",
        "reports",
        "findings",
        "panel",
        "team",
        "teams",
        "assessment",
        "investigation",
        "study",
        "survey",
        "monitors",
    }
)
_UN_FORMS = frozenset({"un", "u.n.", "united nations"})
_GROUP_HEADS = frozenset(
    {
        "group",
        "groups",
        "outfit",
        "outfits",
        "organisation",
        "organization",
        "movement",
        "network",
        "militants",
        "insurgents",
        "jihadists",
        "rebels",
    }
)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|ours)\b", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"\b(?:they|their|them|its)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?<![\w.,-])(?:between\s+)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|hundreds|thousands|dozens|a dozen)(?![\w-]))"
    r"(?P<range>\s*(?:-|–|to|and|or)\s*(?:\d{1,3}(?:,\d{3})+|\d+|"
    r"two|three|four|five|six|seven|eight|nine|ten)\b)?"
    r"(?P<tail>-(?:year|month|week|day|hour|minute)s?-old|-year|-month|-day|-hour|th|st|nd|rd|"
    r"\s*(?:%|per\s?cent|percent|am|pm|a\.m\.|p\.m\.|GMT|BST))?",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# A number word standing alone among letters (in lower-cased text): one to twenty, the tens,
# "dozen". Grouped by first letter behind a look-ahead so that most positions fail fast.
_NUMBER_WORD = re.compile(
    r"(?<![a-z])(?=[otfsend])(?:one|t(?:w(?:o|elve|enty)|h(?:ree|irt(?:een|y))|en)|"
    r"f(?:our(?:teen)?|i(?:ve|ft(?:een|y))|orty)|s(?:ix(?:teen|ty)?|even(?:teen|ty)?)|"
    r"e(?:ight(?:een|y)?|leven)|n(?:ine(?:teen)?|inety)|dozen)(?![a-z])"
)


def _has_figure(piece: str) -> bool:
    """A cheap test before the number pattern: a digit or a number word."""
    return bool(_DIGIT.search(piece) or _NUMBER_WORD.search(piece.lower()))


_MONTHS = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|"
    r"June|July|August|September|October|November|December)\.?\s*$"
)
_PLACE_WORDS = ("province", "district", "region", "state", "city", "valley")
_PLACE_PATTERN = re.compile(
    r"\b[A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+)*\s(?:" + "|".join(_PLACE_WORDS) + r")\b"
)
_REFUSAL_WINDOW = 8  # words after a denial verb in which a refused object ("offer") may stand


@dataclass(slots=True)  # not frozen: cheaper to build, and never changed once built
class _Cue:
    start: int
    end: int
    stance: Stance
    phrase: str
    kind: Literal["verb", "phrase", "gap", "according", "passive_by", "reportedly"]


@dataclass
class _Analysis:
    """One cue read in its sentence: where its source and content are."""

    cue: _Cue
    layout: Layout
    source_span: tuple[int, int] | None  # None: no source in the text ("were accused of")
    unit_start: int  # where this cue's part of the sentence begins
    content: list[tuple[int, int]] = field(default_factory=list)
    continuation: bool = False
    source: Source | None = None
    dropped: bool = False
    inherited_stance: Stance | None = None


@dataclass
class _Discourse:
    """What earlier sentences established: people by name, recent sources."""

    people: dict[str, Source] = field(default_factory=dict)
    history: list[Source] = field(default_factory=list)

    def remember(self, source: Source) -> None:
        if source.kind == "pronoun":
            return
        if source.person:
            known = self.people.get(source.person)
            if known is not None and not source.role:
                source = replace(source, role=known.role, org=source.org or known.org)
            self.people[source.person] = source
            surname = source.person.split()[-1]
            if surname not in self.people or len(self.people[surname].person.split()) <= len(
                source.person.split()
            ):
                self.people[surname] = source
        self.history.append(source)


def find_claims(
    text: str,
    sentences: tuple[Sentence, ...],
    mentions: tuple[GroupMention, ...],
    lexicon: Lexicon,
    actors: Actors,
) -> tuple[Claim, ...]:
    """Every attributed claim in `text`, in document order."""
    lowered = text.lower()  # once for both scans
    hits = lexicon.scan_lowered(text, lowered)
    actor_mentions = actors.find_lowered(text, lowered)
    quotes = find_quotes(text)
    discourse = _Discourse()
    document = _Context(
        text, sentences, mentions, lexicon, actors, actor_mentions, hits, quotes, mentions, hits
    )
    claims: list[Claim] = []
    quote_plan = _plan_quotes(document)
    # Sorted offsets (hits, mentions and quotations come in text order, and quotations
    # do not overlap), so each sentence finds its own by bisection.
    hit_starts = [hit.start for hit in hits]
    trigger_starts = [
        hit.start for hit in hits if hit.kind in _CUE_KINDS or hit.phrase == "reportedly"
    ]
    mention_starts = [mention.start for mention in mentions]
    actor_starts = [mention.start for mention in actor_mentions]
    quote_starts = [quote.start for quote in quotes]
    quote_ends = [quote.end for quote in quotes]
    for index, sentence in enumerate(sentences):
        if index not in quote_plan.owner and not _any_between(
            trigger_starts, sentence.start, sentence.end
        ):
            continue  # most sentences carry no claim: leave them quickly
        first_hit = bisect_left(hit_starts, sentence.start)
        last_hit = bisect_left(hit_starts, sentence.end)
        sentence_hits = hits[first_hit:last_hit]
        # Each sentence sees only the hits and mentions of its own window (widened to a
        # quotation it closes), so work per sentence does not grow with the document.
        window_start = quote_plan.window_start.get(index, sentence.start)
        local = _Context(
            text,
            sentences,
            mentions[
                bisect_left(mention_starts, window_start) : bisect_left(
                    mention_starts, sentence.end
                )
            ],
            lexicon,
            actors,
            actor_mentions[
                bisect_left(actor_starts, window_start) : bisect_left(actor_starts, sentence.end)
            ],
            hits[bisect_left(hit_starts, window_start) : last_hit],
            quotes[
                bisect_right(quote_ends, sentence.start) : bisect_left(quote_starts, sentence.end)
            ],
            mentions,
            hits,
        )
        claims.extend(
            _sentence_claims(local, index, sentence, sentence_hits, discourse, quote_plan)
        )
    return tuple(claims)


_CUE_KINDS = frozenset({"cue", "gap_head"})


@dataclass(slots=True)  # one per sentence with a cue: slots, not frozen, keep it cheap
class _Context:
    text: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[GroupMention, ...]
    lexicon: Lexicon
    actors: Actors
    actor_mentions: tuple[ActorMention, ...]
    hits: list[Hit]
    quotes: tuple[Quote, ...]
    all_mentions: tuple[GroupMention, ...]  # the whole document's, for coreference
    all_hits: list[Hit]


@dataclass(frozen=True)
class _QuotePlan:
    """Which sentences carry a quotation's claim and which are only its continuation."""

    owner: dict[int, Quote]  # sentence index -> quote whose unattributed claim it carries
    inside: frozenset[int]  # sentences wholly inside a quotation claimed elsewhere
    attributed: dict[int, Quote]  # sentence index -> multi-sentence quote it attributes
    window_start: dict[int, int]  # sentence index -> start of a quotation running into it


def _plan_quotes(context: _Context) -> _QuotePlan:
    owner: dict[int, Quote] = {}
    inside: set[int] = set()
    attributed: dict[int, Quote] = {}
    sentences = context.sentences
    window_start: dict[int, int] = {}
    if not sentences:
        return _QuotePlan(owner, frozenset(), attributed, window_start)
    # Hits come in order of start, so these are sorted: bisect instead of scanning them all.
    cue_starts = [hit.start for hit in context.hits if hit.kind in _CUE_KINDS]
    sentence_starts = [sentence.start for sentence in sentences]
    for quote in context.quotes:
        first = _sentence_at(sentence_starts, quote.start)
        last = _sentence_at(sentence_starts, max(quote.end - 1, quote.start))
        tail = sentences[last]
        head = sentences[first]
        for index in range(first + 1, last + 1):
            window_start.setdefault(index, quote.start)
        cue_after = _any_between(cue_starts, quote.end, tail.end)
        cue_before = _any_between(cue_starts, head.start, quote.start)
        if cue_after:
            for index in range(first, last):
                inside.add(index)
            if last > first:
                attributed[last] = quote
        elif cue_before:
            for index in range(first + 1, last + 1):
                inside.add(index)
        elif _starts_sentence(context.text, head, quote):
            owner[first] = quote
            for index in range(first + 1, last + 1):
                inside.add(index)
    return _QuotePlan(owner, frozenset(inside), attributed, window_start)


def _sentence_at(sentence_starts: list[int], offset: int) -> int:
    """`sentence_index` over the sentences' starts, by bisection."""
    return max(bisect_right(sentence_starts, offset) - 1, 0)


def _any_between(sorted_offsets: list[int], low: int, high: int) -> bool:
    """Is some offset in [low, high)?"""
    index = bisect_left(sorted_offsets, low)
    return index < len(sorted_offsets) and sorted_offsets[index] < high


def _starts_sentence(text: str, sentence: Sentence, quote: Quote) -> bool:
    return quote.start - sentence.start <= 1


# --- one sentence ------------------------------------------------------------------------------


def _sentence_claims(
    context: _Context,
    index: int,
    sentence: Sentence,
    hits: list[Hit],
    discourse: _Discourse,
    plan: _QuotePlan,
) -> list[Claim]:
    text = context.text
    cues = _cues(context, sentence, hits)
    # Cues inside a quotation that is itself attributed belong to the quoted speaker's words.
    if cues and context.quotes:
        cues = [
            cue
            for cue in cues
            if not _inside_quote(cue, context.quotes)
            or not _quote_is_attributed(cue, context, sentence)
        ]
    analyses: list[_Analysis] = []
    floor = sentence.start
    for cue in cues:
        analysis = _analyse(context, sentence, cue, floor)
        if analysis is not None:
            analyses.append(analysis)
        floor = cue.end
    _resolve_sources(context, sentence, analyses, discourse)
    _set_content_ends(context, sentence, analyses)
    _merge_nested(text, analyses)

    claims: list[Claim] = []
    for analysis in analyses:
        if analysis.dropped or (analysis.source is None and analysis.layout != "none"):
            continue
        content = _extend_to_quote(context, index, analysis, plan)
        content = [(s, e) for s, e in content if e > s and text[s:e].strip(" ,.;:-—–\"“”'‘’")]
        if not content or _NO_CLAIM.match(text[content[0][0] : content[-1][1]].lstrip('"“ ')):
            continue
        claim = _build_claim(context, sentence, analysis, content)
        if claim is not None:
            claims.append(claim)
    if not claims and index in plan.owner and index not in plan.inside:
        quote = plan.owner[index]
        speaker = _last_speaker(discourse)
        inner_start, inner_end = quote.inner
        if speaker is not None and any(char.islower() for char in text[inner_start:inner_end]):
            analysis = _Analysis(
                cue=_Cue(quote.start, quote.start, "statement", "", "verb"),
                layout="after",
                source_span=None,
                unit_start=sentence.start,
                content=[quote.inner],
                source=speaker,
            )
            claim = _build_claim(context, sentence, analysis, [quote.inner])
            if claim is not None:
                claims.append(replace(claim, cue=""))
    elif not claims and index not in plan.inside:
        reportedly = next(
            (hit for hit in hits if hit.kind == "hedge" and hit.phrase == "reportedly"), None
        )
        if reportedly is not None and not any(
            q.start >= sentence.start and q.end <= sentence.end for q in context.quotes
        ):  # no quotation wholly inside the sentence
            analysis = _Analysis(
                cue=_Cue(reportedly.start, reportedly.end, "report", "reportedly", "reportedly"),
                layout="none",
                source_span=None,
                unit_start=sentence.start,
                content=[(sentence.start, sentence.end)],
            )
            claim = _build_claim(context, sentence, analysis, analysis.content)
            if claim is not None:
                claims.append(claim)
    return claims


def _last_speaker(discourse: _Discourse) -> Source | None:
    for source in reversed(discourse.history):
        if source.kind in {"person", "role", "org", "group", "state", "unnamed"}:
            return source
    return None


def _inside_quote(cue: _Cue, quotes: tuple[Quote, ...]) -> bool:
    return any(quote.start < cue.start and cue.end < quote.end for quote in quotes)


def _quote_is_attributed(cue: _Cue, context: _Context, sentence: Sentence) -> bool:
    """Is the quotation around `cue` attributed by a cue outside it (in its sentences)?"""
    quote = next(q for q in context.quotes if q.start < cue.start and cue.end < q.end)
    first = sentence_index(context.sentences, quote.start)
    last = sentence_index(context.sentences, max(quote.end - 1, quote.start))
    begin = context.sentences[first].start
    end = context.sentences[last].end
    return any(
        hit.kind in {"cue", "gap_head"}
        and begin <= hit.start < end
        and not (quote.start < hit.start < quote.end)
        for hit in context.all_hits
    )


# --- cues --------------------------------------------------------------------------------------


def _cues(context: _Context, sentence: Sentence, hits: list[Hit]) -> list[_Cue]:
    """The sentence's cues: longest match wins, nouns and adjectives ("the alleged") dropped."""
    text = context.text
    candidates: list[_Cue] = []
    for hit in hits:
        if hit.kind == "cue":
            kind = (
                "according"
                if hit.phrase == "according to"
                else ("phrase" if " " in hit.phrase else "verb")
            )
            candidates.append(_Cue(hit.start, hit.end, hit.stance or "statement", hit.phrase, kind))  # type: ignore[arg-type]
        elif hit.kind == "gap_head":
            gap = _gap_match(context, sentence, hit)
            if gap is not None:
                candidates.append(gap)
    candidates.sort(key=lambda cue: (cue.start, -(cue.end - cue.start)))
    kept: list[_Cue] = []
    for cue in candidates:
        if kept and cue.start < kept[-1].end:
            # An overlapping shorter cue; a gap cue beats the plain verb it starts with.
            continue
        if not _is_cue_use(text, sentence, cue):
            continue
        kept.append(cue)
    # "in a statement" frames another cue ("said in a statement"); alone it is the cue.
    if len(kept) > 1:
        kept = [cue for cue in kept if not cue.phrase.startswith("in ")]
    return kept


def _gap_match(context: _Context, sentence: Sentence, hit: Hit) -> _Cue | None:
    lowered_window = context.text[hit.end : sentence.end].lower()
    words = lowered_window.split()
    for gap in context.lexicon.gap_cues:
        if gap.head != hit.phrase:
            continue
        tail_words = gap.tail.split()
        for offset in range(1, min(len(words), MAX_GAP_WORDS) + 1):
            candidate = [
                word.strip("\"“”'‘’,.") for word in words[offset : offset + len(tail_words)]
            ]
            if candidate == tail_words:
                return _Cue(hit.start, hit.end, gap.stance, gap.written, "gap")
    return None


def _is_cue_use(text: str, sentence: Sentence, cue: _Cue) -> bool:
    """Is this cue word used as a reporting verb, not as a noun or adjective?"""
    before = text[sentence.start : cue.start].rsplit(maxsplit=2)  # the last two words matter
    previous = before[-1].lower().strip("\"“”'‘’(") if before else ""
    if cue.kind == "verb" and previous in _DETERMINERS:
        return False  # "the alleged masterminds", "a warning", "its claim"
    if cue.kind == "verb" and previous.endswith(("’s", "'s")):
        return False  # "Biden's statement", "Ghani's claims"
    if (
        previous in {"he", "she", "they", "it", "we"}
        and len(before) >= 2
        and (before[-2].lower() == "what")
    ):
        return False  # "what he described as documented proof" qualifies, it does not report
    if previous in {"not", "never", "no", "nor"}:
        return False  # "has not commented", "no reports that": nothing is claimed
    if previous == "to" and cue.stance != "responsibility":
        return False  # "pushing Ghani to announce", "set to declare": not (yet) said
    if cue.phrase not in {"reported", "claimed"}:
        return True  # the checks below are for these two only
    following = text[cue.end : cue.end + 12].lower()
    if _KILLED.match(following):
        return False  # "reported killed" is the narrator's
    return not (cue.phrase == "reported" and previous in _BE and not _TO_THAT_BY.match(following))


# Patterns of the functions below, compiled once: they run for every cue.
_KILLED = re.compile(r"\s+(?:killed|dead|missing)")
_TO_THAT_BY = re.compile(r"\s+(?:to|that|by)\b")
_BY = re.compile(r"\s*by\s+")
_SPACES = re.compile(r"\s*")
_ACCORDING_SOURCE_STOP = re.compile(
    r",|\.\s|\.$|;|\s(?:that|which|who|published|released|issued)\s|\s\("
)
_INVERTED_SOURCE_STOP = re.compile(r"[,;:]|\.(?:\s|$)|\s(?:who|which|speaking|as)\s")
_SAID_OF_BEFORE = re.compile(
    r"(?i:the|a)\s+(?:man|woman|person|boy|girl|one)\s+(?=[a-z])"
)
_PERSON_OF = re.compile(
    r"\s*((?:(?:al-|el-)?[A-Z][\w’'-]+\s){1,3}(?:al-|el-)?[A-Z][\w’'-]+)\s+of\s+(?:the\s+)?[A-Z]"
)
_INVERTED_APPOSITIVE = re.compile(
    r",\s+(?:an?|the|another|one of|his|her|director|head|deputy|former|coordinator|"
    r"spokes\w+|senior|chief|member|leader|governor|minister)\b[^,]*"
)
_PARENTHETICAL_CUE_END = re.compile(r"(?:\s+(?:on|last|in|at|this)\s+[\w ]{0,20}?)?\s*,\s+(?=\S)")
_NOT_RESUMED_CONTENT = re.compile(
    r"(?:adding|citing|saying|who|which|while|but|and|as|although|though|when|in|on|speaking)\b"
)
_BARE_TELL_OBJECT = re.compile(r"\s+(?:the\s+)?[\w.]+(?=[.,;]|\s*$)")
_CONNECTIVE_END = re.compile(
    r"(?:,\s*|\s+(?:and|but|then|while)\s*|\s*,\s*(?:and|but)\s*)$", re.IGNORECASE
)
_MONTH_AFTER = re.compile(
    r"\s*(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_ONE_AS_PRONOUN = re.compile(r"\s*(?:of|another|day|time)\b|-")


# --- analysing one cue ---------------------------------------------------------------------

# Verbs whose content is a clause or a quotation ("said that ...", "said: "..."); other cues
# take an object that belongs to the content ("blamed the Haqqani network").
_CLAUSE_VERBS = frozenset(
    (
        "say",
        "says",
        "said",
        "saying",
        "tell",
        "tells",
        "told",
        "telling",
        "add",
        "adds",
        "added",
        "adding",
        "stress",
        "stresses",
        "stressed",
        "stressing",
        "assert",
        "asserts",
        "asserted",
        "asserting",
        "emphasise",
        "emphasised",
        "emphasize",
        "emphasized",
        "emphasizes",
        "emphasises",
        "note",
        "notes",
        "noted",
        "noting",
        "insist",
        "insists",
        "insisted",
        "insisting",
        "explain",
        "explains",
        "explained",
        "explaining",
        "argue",
        "argues",
        "argued",
        "arguing",
        "suggest",
        "suggests",
        "suggested",
        "suggesting",
        "warn",
        "warns",
        "warned",
        "warning",
        "claim",
        "claims",
        "claimed",
        "claiming",
        "report",
        "reports",
        "reported",
        "reporting",
        "mention",
        "mentioned",
        "reiterate",
        "reiterated",
        "highlight",
        "highlights",
        "highlighted",
        "highlighting",
        "write",
        "writes",
        "wrote",
        "stated",
        "observe",
        "observed",
        "predict",
        "predicted",
        "according",
        "recall",
        "recalled",
        "recalls",
        "maintain",
        "maintained",
        "allege",
        "alleges",
        "alleged",
        "alleging",
        "acknowledge",
        "acknowledged",
        "concede",
        "conceded",
        "contend",
        "contended",
        "affirm",
        "affirmed",
        "assure",
        "assured",
        "remark",
        "remarked",
        "reveal",
        "revealed",
        "disclose",
        "disclosed",
        "indicated",
    )
)
# Verbs that can follow what they report: '"...," said Alam' / 'However, said Vidino, ...'.
_INVERTIBLE = frozenset(
    {
        "said",
        "says",
        "added",
        "adds",
        "wrote",
        "asked",
        "explained",
        "insisted",
        "recalled",
        "noted",
        "continued",
        "warned",
    }
)
_APPOSITIVE_COMMA = re.compile(
    r",\s*(?=(?:which|who|whose|where|an?|the|another|one of|his|her|its|their|deputy|former|"
    r"senior|head|director|coordinator|spokes\w+|governor|chief|in|speaking|meanwhile|"
    r"however|too|also|for (?:its|his|her|their) part|member|leader|commander|envoy|"
    r"president|minister|adviser|advisor|secretary|official)\b)",
    re.IGNORECASE,
)
_ADJUNCT_PHRASE = re.compile(
    r"\s*(?:(?:on|in|at|by|last|earlier|later|this|late|from|during|via|over|through|to|"
    r"yesterday|today|tonight|recently|previously|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)\b(?![’'])[^,.;:!?\"“”]{0,60}?(?=[,.;:!?\"“”]|$))?",
    re.IGNORECASE,
)
_PREPOSITIONS = frozenset(
    {
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "after",
        "during",
        "despite",
        "following",
        "over",
        "under",
        "since",
        "before",
        "by",
        "to",
    }
)
_NO_CLAIM = re.compile(
    r"^(?:(?:it|he|she|they|we|the \w+) )?(?:had |has |have |would have )?no (?:immediate )?"
    r"comment|^declined to comment",
    re.IGNORECASE,
)


def _analyse(context: _Context, sentence: Sentence, cue: _Cue, floor: int) -> _Analysis | None:
    """Read one cue: `floor` is where the sentence's part for this cue can begin at the
    earliest (the end of the previous cue), so a subject never reaches over another cue."""
    text = context.text
    left = text[sentence.start : cue.start]
    words_before = left.rsplit(maxsplit=3)  # only the last three words are read

    if cue.kind == "according":
        return _analyse_according(text, sentence, cue)
    if cue.phrase == "reports that":
        start = cue.start
        return _Analysis(
            cue, "after", (start, start + len("reports")), start, [(cue.end, sentence.end)]
        )

    # Passive: "were later accused of", "was claimed by Islamic State".
    passive_by = cue.phrase.endswith(" by")
    previous_words = [w.lower().strip(",") for w in words_before[-3:]]
    while previous_words and previous_words[-1] in _ADVERBS:
        previous_words.pop()
    is_passive = passive_by or bool(
        previous_words
        and previous_words[-1] in _BE
        and cue.phrase.endswith(("ed", "told", "said", "found"))
    )
    if is_passive:
        after = text[cue.end : sentence.end]
        by_match = _BY.match(after) if not passive_by else _SPACES.match(after)
        clause_start = max(_clause_start(text, sentence.start, cue.start), floor)
        if not text[clause_start : cue.start].strip(" ,—–-"):
            # "a massive blast ... — claimed by the Taliban —": the claimed act comes before.
            clause_start = max(_clause_start(text, sentence.start, clause_start - 2), floor)
        if by_match is not None and (passive_by or by_match.group()):
            agent_start = cue.end + by_match.end()
            agent_end = _agent_end(context, agent_start, sentence.end)
            if agent_end > agent_start:
                return _Analysis(
                    cue, "before", (agent_start, agent_end), clause_start, [(clause_start, cue.end)]
                )
        if cue.stance not in {"accusation", "report"}:
            return None  # "the community was threatened" is the narrator's
        return _Analysis(cue, "none", None, clause_start, [(clause_start, sentence.end)])

    # Inverted: '"...," said Alam, an office worker' / 'However, said Lorenzo Vidino, ...'.
    stripped_left = left.rstrip()
    if (
        cue.phrase in _INVERTIBLE
        and (
            stripped_left.endswith((",", "”", '"', "’", "'"))
            or not stripped_left
            or stripped_left.lower() in {"however,", "but", "however"}
        )
        and not _ends_with_appositive(stripped_left)
    ):
        source_end = _inverted_source_end(context, cue.end, sentence.end)
        if source_end is not None:
            source_span = (cue.end, source_end)
            before_text = left.strip().rstrip(",").strip()
            if before_text.lower() in {"", "however", "but"}:
                return _Analysis(
                    cue, "after", source_span, sentence.start, [(source_end, sentence.end)]
                )
            return _Analysis(cue, "before", source_span, floor, [(floor, cue.start)])

    # Subject before the cue.
    subject_end = _subject_end(text, floor, cue.start)
    subject_start, continuation = _subject_start(text, floor, subject_end, cue)
    while subject_start < subject_end and text[subject_start].isspace():
        subject_start += 1
    content_start = _content_start(text, cue, sentence.end)
    if continuation:
        return _Analysis(
            cue,
            "after",
            None,
            _connective_start(text, floor, cue.start),
            [(content_start, sentence.end)],
            continuation=True,
        )
    # "Lakhvi, the man prosecutors say masterminded ...": the man is what is said of;
    # the prosecutors say it.
    said_of = _SAID_OF_BEFORE.match(text, subject_start, subject_end)
    if said_of is not None:
        subject_start = said_of.end()
    source_span = (subject_start, subject_end)
    preceded_by_break = _preceded_by_break(text, floor, subject_start)
    after_object = _skip_tell_object(text, cue, sentence.end)
    if (
        preceded_by_break
        and cue.stance != "responsibility"
        and _adjunct_only(text, after_object, sentence.end)
    ):
        # "..., Khan said." / "..., the experts said, ..." (a parenthetical attribution)
        before_end = _break_start(text, floor, subject_start)
        tail = _parenthetical_tail(text, cue.end, sentence.end)
        # From the sentence start: an attribution closing "A said X" wraps A's own claim,
        # which `_merge_nested` then keeps in its place.
        spans = [(sentence.start, before_end)]
        if tail is not None:
            spans.append((tail, sentence.end))
            return _Analysis(cue, "around", source_span, floor, spans)
        return _Analysis(cue, "before", source_span, floor, spans)
    return _Analysis(cue, "after", source_span, subject_start, [(content_start, sentence.end)])


def _ends_with_appositive(left: str) -> bool:
    """'..., Major Mohamed Hussein, a police officer,' ends with a subject, not content."""
    body = left.rstrip(",").rstrip()
    comma = body.rfind(",")
    return comma >= 0 and _APPOSITIVE_COMMA.match(body, comma) is not None


def _adjunct_only(text: str, cue_end: int, limit: int) -> bool:
    """Is everything after the cue up to a comma or the end only time, place or manner?"""
    rest = text[cue_end:limit]
    match = _ADJUNCT_PHRASE.match(rest)
    remainder = rest[match.end() :] if match else rest
    remainder = remainder.lstrip()
    if not remainder:
        return True
    if remainder[0] in "“‘:":
        return False  # an opening quotation or a colon: the content follows
    if remainder[0] in "\"'" and len(remainder) > 1 and remainder[1].isalnum():
        return False
    return remainder[0] in ".,;:!?)]”’\"'"


def _analyse_according(text: str, sentence: Sentence, cue: _Cue) -> _Analysis:
    """'According to X, CONTENT' or 'CONTENT, according to X'."""
    source_start = cue.end
    while source_start < sentence.end and text[source_start].isspace():
        source_start += 1
    match = _ACCORDING_SOURCE_STOP.search(text, source_start, sentence.end)
    source_end = match.start() if match else sentence.end
    source_span = (source_start, source_end)
    before = text[sentence.start : cue.start].strip()
    if not before or before.endswith((":", "—")):
        return _Analysis(cue, "after", source_span, sentence.start, [(source_end, sentence.end)])
    return _Analysis(
        cue,
        "before",
        source_span,
        sentence.start,
        [(sentence.start, cue.start), (source_end, sentence.end)],
    )


def _agent_end(context: _Context, start: int, limit: int) -> int:
    """End of the agent after "by": "al Qaeda-linked group al Shabaab", "Islamic State"."""
    text = context.text
    end = start
    for token in re.finditer(r"[\w’'.-]+", text[start:limit]):
        word = token.group()
        absolute_end = start + token.end()
        in_group = any(m.start <= start + token.start() < m.end for m in context.mentions)
        if (
            in_group
            or word[0].isupper()
            or word.lower()
            in {
                "the",
                "a",
                "al",
                "of",
                "group",
                "militant",
                "militants",
                "jihadist",
                "its",
                "and",
                "insurgent",
                "insurgents",
                "separatist",
                "faction",
            }
            or word.lower().endswith("-linked")
        ):
            end = absolute_end
            if text[absolute_end : absolute_end + 1] in {",", ".", ";", "("}:
                break
            continue
        break
    while end > start and text[end - 1] in ".,’'":
        end -= 1  # "claimed by Islamic State." ends before the full stop
    # Never end on a function word.
    while end > start and text[start:end].split()[-1].lower() in {"the", "a", "of", "and", "its"}:
        end = start + text[start:end].rstrip().rfind(" ")
        if end <= start:
            return start
    return end


def _inverted_source_end(context: _Context, start: int, limit: int) -> int | None:
    """End of the source after an inverted cue: up to a comma (plus an appositive) or the end.

    None when what follows does not describe a source."""
    text = context.text
    match = _INVERTED_SOURCE_STOP.search(text, start, limit)
    end = match.start() if match else limit
    while end > start and text[end - 1] in " .\"”’'":
        end -= 1
    # '"...," said Seth Jones of the Center for Strategic and International Studies': the
    # person speaks; what they are of, a body the actors do not know, only describes them
    # (one they know, "of the Iraqi government", is read as the source's organisation).
    person_of = _PERSON_OF.match(text, start, end)
    if (
        person_of is not None
        and not {word.lower() for word in person_of.group(1).split()}
        & context.actors.role_forms
        and not any(
            person_of.end(1) <= mention.start < end for mention in context.actor_mentions
        )
    ):
        end = person_of.end(1)
    if end - start < 2 or len(text[start:end].split(maxsplit=9)) > 9:  # over nine words
        return None
    described = describe_source(
        text, start, end, context.actors, context.actor_mentions, context.mentions
    )
    if described is None or (described.kind == "pronoun" and described.claimant.lower() == "it"):
        return None
    if match is not None and text[match.start()] == ",":
        appositive = _INVERTED_APPOSITIVE.match(text[match.start() : limit])
        if appositive is not None:
            end = match.start() + appositive.end()
            while end > start and text[end - 1] in " .\"”’'":
                end -= 1
    return end


def _subject_end(text: str, floor: int, cue_start: int) -> int:
    end = cue_start
    while True:
        last_word = text[max(floor, end - 20) : end].rstrip().rpartition(" ")[2].lower()
        if last_word not in _SKIPPABLE_LAST:
            break
        # Only the last few words can be skipped: search a window, not the whole sentence.
        match = _SKIPPABLE.search(text, max(floor, end - 60), end)
        if match is None or match.end() != end or match.start() == end:
            break
        end = match.start()
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def _subject_start(text: str, floor: int, subject_end: int, cue: _Cue) -> tuple[int, bool]:
    """Start of the subject ending at `subject_end`; True when there is none (continuation)."""
    segment = text[floor:subject_end].rstrip()
    if not segment.strip(" ,;:-—–\"“”'‘’"):
        return subject_end, True
    if _ENDS_WITH_CONJUNCTION.search(segment, max(0, len(segment) - 8)):
        return subject_end, True  # "... and said", "... but claimed"
    relative = _ENDS_WITH_RELATIVE.search(segment, max(0, len(segment) - 10))
    if relative is not None:
        # "findings by the United Nations, which earlier reported": the antecedent speaks.
        return _antecedent_start(text, floor, floor + relative.start()), False
    if segment.endswith(","):
        if cue.phrase.endswith("ing"):
            return subject_end, True  # "..., accusing Kabul of", "..., adding that"
        # An appositive or relative clause closes the subject: "Washington, which ..., urged".
        body = segment[:-1]
        commas = list(_APPOSITIVE_COMMA.finditer(body))
        last_comma = body.rfind(",")
        if last_comma >= 0 and _NAME_SEGMENT.fullmatch(body, last_comma):
            # "The Chinese government's top diplomat, Wang Yi, said": a name in apposition.
            return _boundary_before(text, floor, floor + last_comma), False
        if commas:
            head_start = _boundary_before(text, floor, floor + commas[-1].start())
            head_words = text[head_start : floor + commas[-1].start()].split()
            if head_words and head_words[0].lower() in _PREPOSITIONS:
                # "In Syria, the experts, said": the phrase after the comma is the subject.
                return floor + commas[-1].end(), False
            return head_start, False
        return subject_end, True
    return _boundary_before(text, floor, subject_end), False


_NAME_SEGMENT = re.compile(r",\s*[A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]+|al|bin|de|van|von)){0,4}")
_ENDS_WITH_CONJUNCTION = re.compile(r"(?:^|\s)(?i:and|but|then|or|while)$")
_ENDS_WITH_RELATIVE = re.compile(r",?\s*(?:which|who)$")
# The last word of every skippable phrase: a subject ending in another word skips nothing.
_SKIPPABLE_LAST = frozenset(
    (
        "has",
        "have",
        "had",
        "having",
        "also",
        "further",
        "once",
        "again",
        "earlier",
        "later",
        "repeatedly",
        "long",
        "already",
        "previously",
        "now",
        "then",
        "recently",
        "quickly",
        "publicly",
        "openly",
        "strongly",
        "officially",
        "never",
        "not",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "must",
        "should",
        "did",
        "does",
        "do",
        "just",
        "still",
        "yet",
        "reportedly",
        "allegedly",
        "apparently",
        "initially",
        "separately",
        "subsequently",
        "today",
        "yesterday",
        "tonight",
        "to",
        "is",
        "are",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "week",
        "month",
        "year",
        "night",
        "morning",
        "evening",
        "decades",
        "years",
        "months",
        "weeks",
        "days",
        "return",
        "turn",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "briefing",
        "conference",
        "meeting",
        "telephone",
    )
)


def _antecedent_start(text: str, floor: int, end: int) -> int:
    """Start of the noun phrase ending at `end`: capitalised words, "the", "of", roles."""
    start = end
    for token in reversed(list(re.finditer(r"[\w’'.-]+", text[floor:end]))):
        word = token.group()
        if word[0].isupper() or word.lower() in {"the", "of", "al", "a", "an"}:
            start = floor + token.start()
            continue
        break
    return start


def _boundary_before(text: str, floor: int, end: int) -> int:
    # A subject is rarely longer than 200 characters: look there first, then everywhere.
    window = max(floor, end - 200)
    if window > floor:
        found = _boundary_before(text, window, end)
        if found > window:
            return found
    # The last boundary that is not an exception wins. Most subjects are short, so look
    # among the last words first: from a space before a letter or digit, which no
    # boundary match runs across, the regex finds the same matches as from `floor`.
    restart = _RESTART.search(text, end - 60, end) if end - 60 > floor else None
    if restart is not None:
        found = _last_boundary(text, floor, end, restart.end())
        if found is not None:
            return found
    found = _last_boundary(text, floor, end, floor)
    return floor if found is None else found


_RESTART = re.compile(r"\s(?=[^\W_])")


def _last_boundary(text: str, floor: int, end: int, scan_from: int) -> int | None:
    """End of the last boundary found from `scan_from` that is not an exception."""
    for match in reversed(list(_SUBJECT_BOUNDARY.finditer(text, scan_from, end))):
        if match.end() < end and _is_subject_boundary(text, floor, end, match):
            return match.end()
    return None


def _is_subject_boundary(text: str, floor: int, end: int, match: re.Match[str]) -> bool:
    boundary = match.group()
    is_comma = boundary.startswith(",")
    is_and = not is_comma and boundary.strip().lower() == "and"
    if not (is_comma or is_and):
        return True  # only "and" and commas have exceptions below
    # Only the words next to a boundary matter: look at short windows, not the sentence.
    before = text[max(floor, match.start() - 40) : match.start()].split()
    capital_before = bool(before) and before[-1][:1].isupper()
    if is_and and capital_before:
        return False  # "U.S. and Bangladesh officials", "Qatar and Egypt"
    if capital_before and is_comma and _NAMED_APPOSITIVE.match(text, match.end(), end):
        return False  # "Jiand Baloch, a spokesman for the separatist group"
    if is_comma:
        # "the US, Qatar and Egypt": a list of names keeps its commas
        after = text[match.end() : min(end, match.end() + 40)].split()
        if (
            before
            and after
            and before[-1][:1].isupper()
            and after[0][:1].isupper()
            and (len(before) >= 2 and before[-2].lower() in {"the", "and"})
        ):
            return False
    return True


_NAMED_APPOSITIVE = re.compile(
    r"(?:an?|another)\s+(?:[\w-]+\s+){0,3}?(?:spokes\w+|member|leader|commander|official|"
    r"officer|adviser|advisor|aide|envoy|minister|head|chief|director|coordinator)\b",
    re.IGNORECASE,
)


def _preceded_by_break(text: str, floor: int, subject_start: int) -> bool:
    before = text[floor:subject_start].rstrip()
    return bool(before) and before.endswith((",", "”", '"', "’", "'", "—", "–", "-", ":"))


def _break_start(text: str, floor: int, subject_start: int) -> int:
    end = subject_start
    while end > floor and (text[end - 1].isspace() or text[end - 1] in ",—–-"):
        end -= 1
    return end


def _parenthetical_tail(text: str, cue_end: int, sentence_end: int) -> int | None:
    """For "X, they noted, is Y": where the content resumes after the attribution."""
    match = _PARENTHETICAL_CUE_END.match(text[cue_end:sentence_end])
    if match is None:
        return None
    rest = text[cue_end + match.end() : sentence_end]
    if len(rest.split(maxsplit=2)) < 3 or _NOT_RESUMED_CONTENT.match(rest):  # under 3 words
        return None
    return cue_end + match.end()


def _skip_tell_object(text: str, cue: _Cue, limit: int) -> int:
    """After "told", past its object: "told Reuters", "told the BBC earlier"."""
    if cue.phrase not in {"told", "tell", "tells", "telling"}:
        return cue.end
    told = _TELL_OBJECT.match(text, cue.end, limit)
    if told is None:
        object_match = _BARE_TELL_OBJECT.match(text[cue.end : limit])
        return cue.end + object_match.end() if object_match else cue.end
    return told.end()


def _content_start(text: str, cue: _Cue, limit: int) -> int:
    if cue.stance == "responsibility" and cue.kind == "phrase":
        return cue.start  # "claimed responsibility for the suicide blast"
    start = _skip_tell_object(text, cue, limit)
    rest = text[start:limit]
    that = _LEADING_THAT.match(rest)
    if that is not None:
        start += that.end()
    while start < limit and text[start].isspace():
        start += 1
    first = text[start : start + 1]
    takes_object = cue.kind in {"verb", "gap", "phrase"} and cue.phrase not in _CLAUSE_VERBS
    if takes_object and that is None and first not in {'"', "“", "‘", "'"}:
        return cue.start  # the cue belongs to the content: "condemned the attack"
    return start


def _connective_start(text: str, floor: int, cue_start: int) -> int:
    end = _subject_end(text, floor, cue_start)
    match = _CONNECTIVE_END.search(text[floor:end])
    return floor + match.start() if match else end


def _clause_start(text: str, sentence_start: int, cue_start: int) -> int:
    start = sentence_start
    for match in _CLAUSE_BOUNDARY.finditer(text, sentence_start, cue_start):
        start = match.end()
    return start


def _set_content_ends(context: _Context, sentence: Sentence, analyses: list[_Analysis]) -> None:
    """A cue's content after it stops where the next cue's part of the sentence begins."""
    ordered = sorted(analyses, key=lambda analysis: analysis.cue.start)
    for current, following in itertools.pairwise(ordered):
        if current.layout not in {"after"} or current.dropped:
            continue
        if (
            following.layout == "around"
            and following.source is not None
            and (following.source == current.source)
        ):
            # "blamed political opponents who, he said, seek to ...": one claim.
            following.dropped = True
            continue
        boundary = following.unit_start
        if following.layout in {"before", "around"} and following.source_span is not None:
            boundary = following.source_span[0]
            boundary = _break_start(context.text, sentence.start, boundary)
        current.content = [
            (start, min(end, boundary)) if start < boundary else (start, start)
            for start, end in current.content
        ]
        if following.continuation and all(end <= current.cue.end + 1 for _, end in current.content):
            # "issued a statement on Tuesday confirming ...": the second cue carries it.
            current.dropped = True


def _merge_nested(text: str, analyses: list[_Analysis]) -> None:
    """Attributions around other attributions: keep the inner source (see the guide)."""
    for outer in analyses:
        if outer.dropped:
            continue
        for inner in analyses:
            if inner is outer or inner.dropped or inner.source_span is None:
                continue
            if (
                outer.layout == "before"
                and inner.continuation is False
                and any(start <= inner.cue.start < end for start, end in outer.content)
                and inner.layout == "after"
                and outer.cue.kind == "verb"
                and inner.cue.kind in {"verb", "phrase", "gap"}
            ):
                # "The Taliban rejected ... and said ..., militant commanders said": the inner
                # claims stand; the outer keeps only what precedes them ("It aims to ...
                # though some members argue ..., they said").
                cut = inner.source_span[0]
                outer.content = [
                    (start, min(end, cut)) for start, end in outer.content if start < cut
                ]
                if not outer.content or not text[outer.content[0][0] : outer.content[-1][1]].strip(
                    " ,;:-—–\"“”'‘’"
                ):
                    outer.dropped = True
                break
            if outer.layout in {"after", "around"} and outer.content:
                content_start = min(start for start, _ in outer.content if start < _ + 1)
                if outer.layout == "around":
                    content_start = outer.content[-1][0]
                gap = text[content_start : inner.source_span[0]].strip(" ,")
                if inner.source_span[0] >= content_start and not gap and inner.layout == "after":
                    # "the experts said member states highlighted that ..."
                    speech = inner.cue.phrase in _CLAUSE_VERBS
                    inner.content = [(inner.source_span[0], end) for _, end in inner.content]
                    if not speech:
                        inner.source = outer.source
                    inner.inherited_stance = _stance_hint(outer)
                    outer.dropped = True
                    break


def _stance_hint(outer: _Analysis) -> Stance | None:
    source = outer.source
    if source is not None and _is_report_source(source):
        return "report"
    return None


# --- sources -----------------------------------------------------------------------------------


def _resolve_sources(
    context: _Context, sentence: Sentence, analyses: list[_Analysis], discourse: _Discourse
) -> None:
    previous: Source | None = None
    for analysis in sorted(analyses, key=lambda item: item.cue.start):
        if analysis.continuation:
            source = previous or _sentence_subject(context, sentence, discourse)
            source = source or _last_speaker(discourse)
            analysis.source = source
            if source is None:
                analysis.dropped = True
            elif previous is None:
                discourse.remember(source)
                previous = source
            continue
        if analysis.source_span is None:
            analysis.source = None
            continue
        start, end = analysis.source_span
        source = describe_source(
            context.text, start, end, context.actors, context.actor_mentions, context.mentions
        )
        if source is None and analysis.cue.phrase == "reports that":
            source = Source(claimant="reports", kind="unnamed", plural=True)
        if source is None or (analysis.cue.phrase in _POINTING and not _is_document(source)):
            analysis.dropped = True  # "which points to X" is the narrator's reasoning
            continue
        source = _resolve(context, source, start, discourse)
        analysis.source = source
        discourse.remember(source)
        previous = source


_POINTING = frozenset({"point to", "points to", "pointed to"})
_DOCUMENT_HEADS = frozenset(
    {
        "report",
        "reports",
        "findings",
        "evidence",
        "intelligence",
        "data",
        "sources",
        "documents",
        "assessment",
        "study",
        "survey",
    }
)


def _is_document(source: Source) -> bool:
    words = source.claimant.lower().split()
    return bool(words) and words[-1] in _DOCUMENT_HEADS


def _sentence_subject(
    context: _Context, sentence: Sentence, discourse: _Discourse
) -> Source | None:
    """The source named at the start of the sentence: "Information Minister Lai Mohammed made
    no direct comment ..., but said ..." gives the continuation its speaker."""
    text = context.text
    end = sentence.start
    for token in re.finditer(r"[\w’'.`-]+", text[sentence.start : sentence.end]):
        word = token.group()
        lowered = word.lower().strip(".")
        if (
            word[0].isupper()
            or lowered in {"the", "a", "an", "of"}
            or (lowered in context.actors.roles or lowered in context.actors.source_nouns)
        ):
            end = sentence.start + token.end()
            continue
        break
    if end <= sentence.start:
        return None
    source = describe_source(
        text, sentence.start, end, context.actors, context.actor_mentions, context.mentions
    )
    if source is None:
        return None
    return _resolve(context, source, sentence.start, discourse)


def _resolve(context: _Context, source: Source, position: int, discourse: _Discourse) -> Source:
    """Pronouns, definite descriptions and surnames to what the text named before."""
    lowered = source.claimant.lower()
    if source.kind == "pronoun":
        wanted_plural = lowered in {"they", "we"}
        for earlier in reversed(discourse.history):
            if (
                lowered in {"he", "she"}
                and earlier.kind in {"person", "role"}
                and not (earlier.plural)
            ):
                return earlier
            if (
                lowered == "it"
                and earlier.kind in {"org", "group", "state", "unnamed"}
                and not (earlier.plural)
            ):
                return earlier
            if wanted_plural and (earlier.plural or earlier.kind in {"group", "org", "state"}):
                return earlier
        if lowered in {"they", "it"}:
            group = _nearest_group(context, position)
            if group is not None:
                return Source(
                    claimant=group.surface, org=group.group, kind="group", group=group.group
                )
        return source
    if source.kind == "person" and source.person:
        bare = _strip_honorific(source.person)
        known = discourse.people.get(bare) or discourse.people.get(bare.split()[-1])
        if known is not None and len(bare.split()) <= len(known.person.split()):
            return known
        return source
    if source.kind in {"org", "group", "state"} and not source.group:
        # "Amaq said" after "Islamic State's propaganda outlet Amaq": keep what we learnt.
        for earlier in reversed(discourse.history):
            if (earlier.group or earlier.org) and earlier.claimant.lower() == lowered:
                return replace(source, org=source.org or earlier.org, group=earlier.group)
    words = lowered.split()
    original = context.text[position : position + 4].lower()
    definite = original.startswith("the ") or (words and words[0] in {"this", "that", "these"})
    if definite and source.kind in {"role", "unnamed", "org"} and words:
        head = words[-1]
        if head in _GROUP_HEADS and not source.group:
            group = _nearest_group(context, position)
            if group is not None:
                return Source(
                    claimant=group.group, org=group.group, kind="group", group=group.group
                )
        for earlier in reversed(discourse.history):
            if earlier is source:
                continue
            if (
                earlier.head
                and _same_head(head, earlier.head)
                and (earlier.claimant.lower() != lowered)
            ):
                return earlier
    return source


def _strip_honorific(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in {
        "mr",
        "mrs",
        "ms",
        "dr",
        "sheikh",
        "maulana",
        "mullah",
        "president",
    }:
        words = words[1:]
    return " ".join(words)


def _same_head(first: str, second: str) -> bool:
    return _stem(first) == _stem(second)


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


def _nearest_group(context: _Context, position: int) -> GroupMention | None:
    before = [m for m in context.all_mentions if m.end <= position and m.via != "anaphora"]
    if before:
        return before[-1]
    after = [m for m in context.all_mentions if m.start >= position and m.via != "anaphora"]
    return after[0] if after else None


def _is_report_source(source: Source) -> bool:
    if source.kind in {"person", "pronoun"} or not source.claimant:
        return False
    words = source.claimant.lower().replace("-", " ").split()
    if source.claimant.lower() in _UN_FORMS:
        return True  # the UN itself, not its agencies or officials
    un_led = bool(set(words) & _UN_FORMS) or source.org.lower() in _UN_FORMS
    if un_led and words[-1] in {"experts", "states", "teams", "team", "panel", "monitors"}:
        return True  # "UN experts", "UN member states", "UN monitoring teams"
    return words[-1] in _REPORT_SOURCES


# --- building the claim ----------------------------------------------------------------------


def _extend_to_quote(
    context: _Context, index: int, analysis: _Analysis, plan: _QuotePlan
) -> list[tuple[int, int]]:
    """A quotation closed by this sentence's attribution is content from its first word."""
    content = list(analysis.content)
    quote = plan.attributed.get(index)
    if quote is None or analysis.layout not in {"before", "around"}:
        return content
    if content and content[0][0] <= quote.end <= content[0][1] + 2:
        content[0] = (quote.start, content[0][1])
    return content


def _build_claim(
    context: _Context, sentence: Sentence, analysis: _Analysis, content: list[tuple[int, int]]
) -> Claim | None:
    text = context.text
    pieces = [_clean(text[start:end]) for start, end in content]
    claim_text = " ".join(piece for piece in pieces if piece)
    if len(claim_text.split(maxsplit=1)) < 2:  # a single word claims nothing
        return None
    source = analysis.source
    # One pass over the lexicon hits of the content: hedges, evidence, stance markers.
    hedges: list[str] = []
    evidence: list[str] = []
    markers: list[Hit] = []
    for hit in context.hits:
        if hit.kind == "cue" or hit.kind == "gap_head" or not _within(content, hit.start, hit.end):
            continue
        if hit.kind == "content":
            markers.append(hit)
        elif hit.kind == "hedge" and hit.phrase not in hedges:
            hedges.append(text[hit.start : hit.end])
        elif hit.kind == "evidence" and not any(hit.phrase in found for found in evidence):
            evidence = [found for found in evidence if found not in hit.phrase]
            evidence.append(text[hit.start : hit.end])
    stance = _stance(context, analysis, markers, source)
    about = _about(context, analysis, content, source, stance)
    numbers = _numbers(text, content)
    places = _places(context, content)
    is_quote = bool(context.quotes) and any(
        quote.start < end
        and start < quote.end
        and len(text[quote.start : quote.end].split(maxsplit=2)) >= 3  # three words or more
        for start, end in content
        for quote in context.quotes
    )
    claimant, role, org = (
        ("", "", "") if source is None else (source.claimant, source.role, source.org)
    )
    if source is not None and source.kind == "state" and not org:
        org = source.country if source.country != claimant else ""
    return Claim(
        claimant=claimant,
        claimant_role=role,
        claimant_org=org,
        cue=text[analysis.cue.start : analysis.cue.end],
        stance=stance,
        text=claim_text,
        sentence=sentence.text,
        about=about,
        hedges=tuple(dict.fromkeys(hedges)),
        evidence=tuple(evidence),
        numbers=numbers,
        places=places,
        quote=is_quote,
        start=sentence.start,
        end=sentence.end,
    )


def _within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    # A plain loop: called for every hit and mention, it is cheaper than any() over a
    # generator.
    for span_start, span_end in spans:  # noqa: SIM110
        if span_start <= start and end <= span_end:
            return True
    return False


def _clean(piece: str) -> str:
    return piece.strip().strip(",;:—–-").strip()


def _stance(
    context: _Context, analysis: _Analysis, markers: list[Hit], source: Source | None
) -> Stance:
    cue = analysis.cue
    stance: Stance = cue.stance
    marker_stances = {hit.stance for hit in markers}
    if stance == "denial" and _refuses(context, cue):
        return "statement"
    if (
        cue.phrase.startswith("claim")
        and stance == "statement"
        and _ATTACK_OBJECT.match(context.text, cue.end)
    ):
        return "responsibility"  # "claimed a series of suicide bomb attacks"
    if (
        stance == "warning"
        and "demand" in marker_stances
        and any(hit.phrase in {"should", "must"} for hit in markers)
    ):
        return "demand"
    if stance != "statement":
        return stance
    if analysis.inherited_stance is not None:
        return analysis.inherited_stance
    if (
        source is not None
        and source.group
        and "responsibility" in marker_stances
        and (source.kind in {"group", "person", "role", "org"})
    ):
        return "responsibility"
    if source is not None and _is_report_source(source):
        return "report"
    speaks_for_group = source is not None and bool(source.group)
    for wanted in ("denial", "accusation", "warning", "demand"):
        if wanted == "accusation" and speaks_for_group:
            continue  # a group's support for another group is not an accusation
        if wanted in marker_stances:
            return wanted  # type: ignore[return-value]
    return "statement"


_ATTACK_OBJECT = re.compile(
    r"\s+(?:(?:the|a|an|most|all|both|several|many|some|two|three|of|series|number|string|"
    r"recent|latest|deadly|suicide|bomb|car|twin|high-casualty|[\w-]+’s|[\w-]+'s)\s+){0,6}"
    r"(?:attacks?|bombings?|blasts?|killings?|assaults?|raids?|explosions?|massacre|"
    r"kidnappings?|abductions?|shooting|responsibility|credit)\b",
    re.IGNORECASE,
)


def _refuses(context: _Context, cue: _Cue) -> bool:
    """ "rejected the offer of a ceasefire" refuses (a statement), it does not deny."""
    window = context.text[cue.end : cue.end + 120].split()[:_REFUSAL_WINDOW]
    words = {word.strip(",.;:\"“”'‘’").lower() for word in window}
    return bool(words & context.lexicon.refusals)


def _about(
    context: _Context,
    analysis: _Analysis,
    content: list[tuple[int, int]],
    source: Source | None,
    stance: Stance,
) -> tuple[str, ...]:
    text = context.text
    about: list[str] = []
    if stance == "responsibility" and source is not None and source.group:
        about.append(source.group)
    for mention in context.mentions:
        if _within(content, mention.start, mention.end):
            about.append(mention.group)
    if source is None or not source.group:
        return tuple(dict.fromkeys(about))
    content_text = " ".join(text[start:end] for start, end in content)
    if _FIRST_PERSON.search(content_text):
        about.append(source.group)  # a group spokesman's "we"
    elif source.kind == "group" and _THIRD_PERSON.search(content_text):
        about.append(source.group)  # "the Taliban said they would persist"
    return tuple(dict.fromkeys(about))


def _numbers(text: str, content: list[tuple[int, int]]) -> tuple[str, ...]:
    found: list[str] = []
    for start, end in content:
        if not _has_figure(text[start:end]):
            continue  # cheap test first: most content holds no figure
        for match in _NUMBER.finditer(text, start, end):
            if match.group("tail"):
                continue  # ages, ordinals, percentages and times are not the claimed figure
            value = match.group("num")
            before = text[max(start, match.start() - 12) : match.start()]
            after = text[match.end() : match.end() + 12]
            if _MONTHS.search(before) or _MONTH_AFTER.match(after):
                continue  # a date
            if _YEAR.fullmatch(value) and not match.group("range"):
                continue  # a year
            lowered = value.lower()
            if lowered == "one" and _ONE_AS_PRONOUN.match(after):
                continue
            if lowered in {"hundreds", "thousands", "dozens", "a dozen", "hundred"}:
                continue
            figure = match.group()
            if figure.lower().startswith("between "):
                figure = figure[len("between ") :]
            found.append(figure.strip())
    return tuple(dict.fromkeys(found))


def _places(context: _Context, content: list[tuple[int, int]]) -> tuple[str, ...]:
    text = context.text
    places: list[str] = []
    for mention in context.actor_mentions:
        if mention.kind in {"country", "capital", "place"} and _within(
            content, mention.start, mention.end
        ):
            places.append(mention.surface)
    for start, end in content:
        piece = text[start:end]
        if not any(word in piece for word in _PLACE_WORDS):
            continue  # cheap test first: the pattern needs one of these words
        for match in _PLACE_PATTERN.finditer(text, start, end):
            places.append(match.group())
    return tuple(dict.fromkeys(places))
