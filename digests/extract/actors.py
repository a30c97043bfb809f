"""Sources that are not armed groups: states, capitals, bodies, institutions, media, people.

`config/actors.yaml` holds the data (countries with capitals and demonyms, international
bodies, institutions, media outlets, places, role words, source nouns); this module finds
those actors in a text and reads a source description such as "Foreign Office spokesperson
Shafqat Ali Khan" into who (claimant), in what role, for which organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import ahocorasick

from digests.extract.model import GroupMention
from digests.resources import read_yaml

ActorKind = Literal["country", "capital", "demonym", "body", "institution", "media", "place"]
SourceKind = Literal["person", "role", "org", "group", "state", "unnamed", "pronoun"]

_KNOWN_KEYS = frozenset(
    {"countries", "bodies", "institutions", "media", "places", "roles", "sources"}
)
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_ARTICLES = frozenset({"a", "an", "the"})
_HONORIFICS = frozenset(
    {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sheikh", "maulana", "mullah",
     "major", "maj.", "gen.", "general", "col.", "colonel", "lt.", "capt.", "captain", "sir"}
)
# Capitalised words that open a description without being part of a name.
_NOT_NAME = frozenset(
    {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "these", "those",
     "another", "other", "some", "several", "many", "most", "multiple", "two", "three", "four",
     "five", "six", "senior", "former", "deputy", "acting", "top", "local", "provincial",
     "national", "federal", "state", "regional", "chief", "however", "but", "and", "meanwhile",
     "separately", "earlier", "later", "also", "head", "unidentified", "unnamed", "one", "in",
     "on", "at", "for", "of", "by", "from", "with", "as", "after", "while", "when", "then",
     "nonetheless", "still", "both", "all", "each", "such", "if", "so", "yet", "although",
     "though", "western", "security", "interior", "foreign", "health", "information",
     "police", "army", "military", "government", "u.s.", "u.n.", "un", "us", "we", "they",
     "he", "she", "it", "i", "who", "what", "why", "how", "asked", "speaking", "addressing",
     "following", "according", "news", "agency", "office", "ministry", "department"}
)
_NAME_PARTICLES = frozenset({"de", "al", "al-", "bin", "bint", "ibn", "van", "von", "da", "el",
                             "abu", "ul", "ud", "du", "di", "la", "le"})
_TOKEN = re.compile(r"[\w'’.-]+")
_APPOSITIVE_OPENERS = re.compile(
    r"(?:an?|the|another|one of|his|her|its|their|deputy|former|senior|chief|head|director|"
    r"spokes\w*|coordinator|governor|minister|member|leader|commander|envoy|president|"
    r"adviser|advisor|secretary|official)\b",
    re.IGNORECASE,
)


_ORG_KINDS = frozenset({"body", "institution", "media"})
_STATE_KINDS = frozenset({"country", "capital", "demonym"})
_TRAILING_WORD = re.compile(r"\s+[a-z]")
_OFFICE_OF = re.compile(r"[’'`]s (?:office|government|administration|camp|aides?)$")
_FULL_NAME = re.compile(r"[A-Z][\w’'-]+\s+(?:(?:bin|al|de|van|von)\s+)?[A-Z][\w’'-]+")


class ActorsError(ValueError):
    """The actors file is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A non-group actor or place named in a text."""

    name: str  # canonical name ("Pakistan", "United Nations", "Foreign Office")
    surface: str
    start: int
    end: int
    kind: ActorKind
    country: str = ""  # the state it stands for or belongs to, where known


# A frozen dataclass's __init__ sets each field through object.__setattr__; filling the
# slots directly builds the same object in half the time. Mentions and sources are built
# for every document, so `_new_mention` and `_new_source` build them that way. The setters
# are unpacked by name there: a field added to the class makes them fail loudly.
_SET_MENTION_FIELDS = tuple(
    getattr(ActorMention, slot.name).__set__ for slot in fields(ActorMention)
)


def _new_mention(
    name: str, surface: str, start: int, end: int, kind: ActorKind, country: str
) -> ActorMention:
    """`ActorMention(name, surface, start, end, kind, country)`, built slot by slot."""
    mention = object.__new__(ActorMention)
    set_name, set_surface, set_start, set_end, set_kind, set_country = _SET_MENTION_FIELDS
    set_name(mention, name)
    set_surface(mention, surface)
    set_start(mention, start)
    set_end(mention, end)
    set_kind(mention, kind)
    set_country(mention, country)
    return mention


@dataclass(frozen=True, slots=True)
class Source:
    """Who a claim is attributed to, read from its description in the text."""

    claimant: str  # the most specific name: person, else the description or the actor
    role: str = ""
    org: str = ""
    kind: SourceKind = "unnamed"
    plural: bool = False
    country: str = ""
    group: str = ""  # canonical group name when the source is (or speaks for) an armed group
    person: str = ""  # the person's full name when one is given
    head: str = ""  # the role or source noun heading the description, for "the spokesperson"


_SET_SOURCE_FIELDS = tuple(getattr(Source, slot.name).__set__ for slot in fields(Source))


def _new_source(
    *,
    claimant: str,
    role: str = "",
    org: str = "",
    kind: SourceKind = "unnamed",
    plural: bool = False,
    country: str = "",
    group: str = "",
    person: str = "",
    head: str = "",
) -> Source:
    """`Source(...)` built slot by slot, like `_new_mention`: a source is read for every cue."""
    source = object.__new__(Source)
    (set_claimant, set_role, set_org, set_kind, set_plural, set_country, set_group, set_person,
     set_head) = _SET_SOURCE_FIELDS
    set_claimant(source, claimant)
    set_role(source, role)
    set_org(source, org)
    set_kind(source, kind)
    set_plural(source, plural)
    set_country(source, country)
    set_group(source, group)
    set_person(source, person)
    set_head(source, head)
    return source


@dataclass(frozen=True)
class Actors:
    """The actor gazetteer, compiled for one pass over a text."""

    roles: frozenset[str]
    source_nouns: frozenset[str]
    countries: frozenset[str]
    role_openers: frozenset[str]  # first words of multiword roles ("prime" of "prime minister")
    # Precomputed word sets, so that a token is classified by one set lookup:
    role_forms: frozenset[str]  # every word w with w or _singular(w) in roles
    not_name_words: frozenset[str]  # lower-case words that never belong to a person's name
    _automaton: ahocorasick.Automaton = field(repr=False, compare=False)

    def find(self, text: str) -> tuple[ActorMention, ...]:
        """Every actor and place in `text`, longest match first where matches overlap."""
        return self.find_lowered(text, text.lower())

    def find_lowered(self, text: str, lowered: str) -> tuple[ActorMention, ...]:
        """`find` when the caller already has `text.lower()`."""
        length = len(lowered)
        found: list[ActorMention] = []
        # Leftmost-longest matches only: "UN Security Council", never also "UN" inside it.
        for last, entries in self._automaton.iter_long(lowered):
            end = last + 1
            if end < length and lowered[end].isalnum():
                continue  # the same end for every entry: "un" of "under" is no match
            for written, name, kind, country, exact in entries:
                start = end - len(written)
                if start > 0 and (lowered[start - 1].isalnum() or lowered[start - 1] == "-"):
                    continue
                surface = text[start:end]
                if exact and surface != written:
                    continue  # "UN" is an acronym, "un" is not
                if written[0].isupper() and not surface[0].isupper():
                    continue  # "Amnesty" the body, not "an amnesty"
                found.append(_new_mention(name, surface, start, end, kind, country))
                break
        return tuple(found)


def load_actors(path: Path) -> Actors:
    """Read `actors.yaml`; raise `ActorsError` naming the file on any problem."""
    return build_actors(read_yaml(path, "actors file", ActorsError), str(path))


def build_actors(data: Any, filename: str = "<actors>") -> Actors:
    """Validate parsed actors data and compile it."""
    if not isinstance(data, dict):
        raise ActorsError(f"{filename}: the actors file must be a mapping of sections")
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise ActorsError(f"{filename}: unknown section(s) {sorted(unknown)}")
    entries: dict[str, list[tuple[str, str, ActorKind, str, bool]]] = {}

    def add(written: Any, name: str, kind: ActorKind, country: str = "") -> None:
        if not isinstance(written, str) or not written.strip():
            raise ActorsError(f"{filename}: {kind} {name!r}: names must be non-empty strings")
        written = written.strip()
        exact = written.isupper() and " " not in written and len(written) <= 6
        entries.setdefault(written.lower(), []).append((written, name, kind, country, exact))

    countries: set[str] = set()
    for item in _entries(data, "countries", filename):
        name = _name(item, "countries", filename)
        countries.add(name)
        add(name, name, "country", name)
        for alias in _strings(item, "aliases", filename):
            add(alias, name, "country", name)
        for capital in _strings(item, "capitals", filename):
            add(capital, name, "capital", name)
        for demonym in _strings(item, "demonyms", filename):
            add(demonym, name, "demonym", name)
    for key, kind in (("bodies", "body"), ("media", "media")):
        for item in _entries(data, key, filename):
            name = _name(item, key, filename)
            country = item.get("country", "")
            aliases = _strings(item, "aliases", filename) or [name]
            for alias in dict.fromkeys([name, *aliases]):
                add(alias, name, kind, country)  # type: ignore[arg-type]
    for written in _flat(data, "institutions", filename):
        add(written, written, "institution")
    for written in _flat(data, "places", filename):
        add(written, written, "place")
    automaton = ahocorasick.Automaton()
    for key, value in entries.items():
        automaton.add_word(key, tuple(value))
    automaton.make_automaton()
    roles = frozenset(word.lower() for word in _flat(data, "roles", filename))
    source_nouns = frozenset(word.lower() for word in _flat(data, "sources", filename))
    role_forms = _role_forms(roles)
    return Actors(
        roles=roles,
        role_openers=frozenset(role.split()[0] for role in roles if " " in role),
        role_forms=role_forms,
        not_name_words=_NOT_NAME | role_forms | source_nouns,
        source_nouns=source_nouns,
        countries=frozenset(countries),
        _automaton=automaton,
    )


def _role_forms(roles: frozenset[str]) -> frozenset[str]:
    """Every word w for which `w in roles or _singular(w) in roles`.

    `_singular` only ever drops an "s" or turns "men"/"people" into "man"/"person", so
    the words it maps onto a role are few and can be listed (then checked) up front.
    """
    forms = set(roles)
    for role in roles:
        candidates = [role, role + "s"]
        if role.endswith("man"):
            candidates.append(role[:-3] + "men")
        if role.endswith("person"):
            candidates.append(role[:-6] + "people")
        forms.update(word for word in candidates if _singular(word) == role)
    return frozenset(forms)


def _entries(data: dict[str, Any], key: str, filename: str) -> list[dict[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ActorsError(f"{filename}: {key!r} must be a list of mappings")
    return items


def _name(item: dict[str, Any], key: str, filename: str) -> str:
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ActorsError(f"{filename}: an entry of {key!r} has no name: {item!r}")
    return name.strip()


def _strings(item: dict[str, Any], key: str, filename: str) -> list[str]:
    values = item.get(key) or []
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ActorsError(f"{filename}: {key!r} of {item.get('name')!r} must be a list of strings")
    return values


def _flat(data: dict[str, Any], key: str, filename: str) -> list[str]:
    values = data.get(key) or []
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ActorsError(f"{filename}: {key!r} must be a list of strings")
    return values


# --- reading a source description ----------------------------------------------------------


def describe_source(
    text: str,
    start: int,
    end: int,
    actors: Actors,
    actor_mentions: tuple[ActorMention, ...],
    group_mentions: tuple[GroupMention, ...],
) -> Source | None:
    """Read the source description `text[start:end]`; None when it does not name a source.

    Handles an appositive after a comma ("Jiand Baloch, a spokesman for the separatist
    group"), a role before a name ("Foreign Office spokesperson Shafqat Ali Khan"), a
    possessive country ("Pakistan's Samaa Television"), a capital standing for its state
    ("Kabul"), an armed group or someone speaking for one ("a spokesman for the Taliban").
    """
    start, end = _trim(text, start, end)
    if start >= end:
        return None
    end = _cut_location(text, start, end, actor_mentions, group_mentions)
    head_end, appositive = _split_appositive(text, start, end)
    phrase = text[start:head_end]
    words = phrase.lower().split()
    if not words:
        return None
    if len(words) == 1 and words[0] in _PRONOUNS:
        return _new_source(claimant=phrase, kind="pronoun", plural=words[0] in {"they", "we"})

    groups_in = [m for m in group_mentions if start <= m.start and m.end <= end]
    actors_in = [m for m in actor_mentions if start <= m.start and m.end <= end]
    if groups_in and actors_in:
        # "Army" inside "Baloch Liberation Army" is the group's name, not an institution.
        actors_in = [m for m in actors_in
                     if not any(g.start < m.end and m.start < g.end for g in groups_in)]
    head_actors = [m for m in actors_in if m.end <= head_end]
    head_groups = [m for m in groups_in if m.end <= head_end]

    if len(words) <= 5 and _OFFICE_OF.search(phrase):
        # "Benjamin Netanyahu's office", "Ghani`s office": the office is the source.
        return _new_source(claimant=_strip_article(phrase), org=_strip_article(phrase), kind="org",
                      head=words[-1])
    # The name and the role are read from the same words: tokenise each part once.
    head_tokens = list(_TOKEN.finditer(text, start, head_end))
    appositive_tokens = (
        list(_TOKEN.finditer(text, appositive[0], appositive[1])) if appositive else []
    )
    name = _person_name(text, start, head_end, actors, actors_in, groups_in, head_tokens)
    if name is None and appositive is not None:
        # "his stepdaughter, Trisha Ahmed": the name follows the description.
        name = _person_name(text, appositive[0], appositive[1], actors, actors_in, groups_in,
                            appositive_tokens)
        if name is not None and not text[appositive[0]:appositive[1]].startswith(name):
            name = None
        elif name is not None:
            head_role = _role(text, start, head_end, None, actors, head_tokens)
            appositive = None
            return _new_source(claimant=name, role=head_role, org=_group_org(groups_in),
                          kind="person", country="", group=groups_in[-1].group if groups_in
                          else "", person=name, head=_head_word(words, actors))
    role = _role(text, start, head_end, name, actors, head_tokens)
    app_role = ""
    if appositive is not None:
        app_role = _role(text, appositive[0], appositive[1], None, actors, appositive_tokens)

    org, country, group = "", "", ""
    org_actor: ActorMention | None = None
    state: ActorMention | None = None
    for mention in actors_in:  # the first organisation and the first state named
        if org_actor is None and mention.kind in _ORG_KINDS:
            org_actor = mention
        elif state is None and mention.kind in _STATE_KINDS:
            state = mention
    if org_actor is not None:
        org = org_actor.surface
        country = org_actor.country
    if state is not None:
        country = country or state.country
    if groups_in:
        group = groups_in[-1].group
    plural = _is_plural(words)

    if name is not None:
        full_role = role or app_role
        state_name = state.name if state is not None and state.kind != "demonym" else ""
        org = org or _group_org(groups_in) or state_name
        return _new_source(claimant=name, role=full_role, org=org, kind="person", plural=False,
                      country=country, group=group, person=name,
                      head=_head_word(full_role.lower().split(), actors))

    # Whole description is a group, a state or an organisation?
    if head_groups and _covers(text, start, head_end, head_groups[0].start, head_groups[-1].end):
        mention = head_groups[-1]
        surface = mention.surface if mention.via != "anaphora" else mention.group
        return _new_source(claimant=surface, org=mention.group, kind="group", plural=False,
                      group=mention.group, head=words[-1])
    if head_actors and _covers(text, start, head_end, head_actors[0].start, head_actors[-1].end):
        mention = head_actors[-1]
        if mention.kind in {"country", "capital"}:
            org = mention.name if mention.kind == "capital" else ""
            return _new_source(
                claimant=mention.surface, org=org, kind="state", country=mention.name
            )
        if mention.kind != "demonym":
            return _new_source(claimant=_strip_article(text[start:head_end]), org=mention.surface,
                          kind="org", plural=_is_plural(words), country=mention.country,
                          head=_head_word(words, actors))

    description = _strip_article(phrase)
    if not description:
        return None
    last = words[-1].strip(".,")
    is_source_noun = (
        last in actors.source_nouns
        or last in actors.role_forms
        or bool(role)
        or bool(head_actors)
        or bool(head_groups)
    )
    if not is_source_noun:
        return None
    kind: SourceKind = "role" if (role or _singular(last) in actors.roles) else "unnamed"
    if not org:
        org = _group_org(groups_in) or (app_role and _appositive_org(text, appositive)) or ""
    if not org and state is not None and state.kind != "demonym":
        org = state.name
    return _new_source(claimant=description, role=role or app_role, org=org, kind=kind,
                  plural=plural, country=country, group=group, head=_head_word(words, actors))


def _head_word(words: list[str], actors: Actors) -> str:
    """The first role word ("spokesman" in "a spokesman for the governor"), else the last
    source noun: what a later "the spokesman" or "the experts" refers back to."""
    for word in words:
        word = word.strip(".,")
        if word in actors.role_forms:
            return _singular(word)
    for word in reversed(words):
        word = word.strip(".,")
        if word in actors.source_nouns:
            return _singular(word)
    return _singular(words[-1].strip(".,")) if words else ""


_LOCATION = re.compile(r"\s+(?:in|at|from|near)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_INSTITUTION_AFTER = re.compile(r"\s+(?:office|ministry|embassy|government|department|council|"
                                r"university|headquarters)\b", re.IGNORECASE)


def _cut_location(
    text: str,
    start: int,
    end: int,
    actor_mentions: tuple[ActorMention, ...],
    group_mentions: tuple[GroupMention, ...],
) -> int:
    """Drop a trailing place: "officials in Kabul", "activists in Geneva for the conference";
    keep an organisation: "an official in Ghani's office", "a spokesman at the Bangladesh
    Embassy", "senior figures in the Pakistani Taliban"."""
    match = _LOCATION.search(text, start, end)
    if match is None or match.start() == start:
        return end
    before = text[start:match.start()].split()
    if not before or before[-1][:1].isupper():
        return end  # "Tadamichi Yamamoto of ...", a name ends here anyway
    if _INSTITUTION_AFTER.match(text, match.end(), end) or re.search(
        r"[’'`]s$|(?i:embassy|office|ministry|university|council|government|agency|army|police)",
        match.group(),
    ):
        return end
    if any(match.start() < m.end and m.start < match.end() for m in group_mentions) or any(
        match.start() < m.end and m.start < match.end() and m.kind in {"body", "institution",
                                                                       "media"}
        for m in actor_mentions
    ):
        return end
    return match.start()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:-—–\"“”'‘’("):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-—–\"“”'‘’"):
        end -= 1
    return start, end


def _split_appositive(text: str, start: int, end: int) -> tuple[int, tuple[int, int] | None]:
    """Split "Name, a role for Org" into the head's end and the appositive's span."""
    comma = text.find(",", start, end)
    if comma < 0:
        return end, None
    rest_start = comma + 1
    while rest_start < end and text[rest_start].isspace():
        rest_start += 1
    if _APPOSITIVE_OPENERS.match(text, rest_start, end) or _FULL_NAME.match(text, rest_start, end):
        return comma, (rest_start, end)
    return comma, None


def _person_name(
    text: str,
    start: int,
    end: int,
    actors: Actors,
    actors_in: list[ActorMention],
    groups_in: list[GroupMention],
    tokens: list[re.Match[str]],
) -> str | None:
    """The last run of capitalised words that is neither a role, an actor nor a group;
    `tokens` are those of `text[start:end]`."""
    blocked = [(m.start, m.end) for m in actors_in] + [(m.start, m.end) for m in groups_in]
    not_name_words = actors.not_name_words
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for token in tokens:
        word = token.group()
        if not current and not word[0].isupper():
            continue  # neither opens a name nor ends one: the common case, decided quickly
        lowered = word.lower().rstrip(".,")
        capitalised = word[0].isupper()
        if capitalised and blocked:
            token_start = token.start()
            for blocked_start, blocked_end in blocked:
                if blocked_start <= token_start < blocked_end:
                    capitalised = False  # inside an actor or group name
                    break
        is_name_word = (
            capitalised
            and lowered not in not_name_words
            and not lowered.endswith(("’s", "'s", "`s"))
        )
        if is_name_word or (current and lowered in _NAME_PARTICLES) or (
            capitalised and lowered in _HONORIFICS and not current
        ):
            current.append(token)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    if runs and len(runs[-1]) == 1 and _TRAILING_WORD.match(text, runs[-1][0].end(), end):
        return None  # "Aid agencies officials", "a Shia woman": an adjective, not a name
    while runs:
        run = runs[-1]
        while run and (run[-1].group().lower() in _NAME_PARTICLES
                       or run[-1].group().lower().rstrip(".") in _HONORIFICS):
            run = run[:-1]
        while run and run[0].group().lower().rstrip(".") in _HONORIFICS and len(run) > 1:
            run = run[1:]
        if run and not (len(run) == 1 and run[0].group().lower().rstrip(".") in _HONORIFICS):
            return text[run[0].start():run[-1].end()].rstrip(".,")
        runs.pop()
    return None


def _role(
    text: str,
    start: int,
    end: int,
    name: str | None,
    actors: Actors,
    tokens: list[re.Match[str]],
) -> str:
    """The description up to its last role word ("Foreign Office spokesperson");
    `tokens` are those of `text[start:end]`."""
    span_end = end
    if name:
        found = text.rfind(name, start, end)
        if found >= 0:
            span_end = found
            before_name = _tokens_up_to(tokens, span_end)
            if before_name is None:
                before_name = list(_TOKEN.finditer(text, start, span_end))
            tokens = before_name
    last_role_end = -1
    words = [token.group().lower().rstrip(".,") for token in tokens]
    for index, word in enumerate(words):
        if word in actors.role_openers:  # multiword roles: "secretary of state", "prime minister"
            for size in (3, 2):
                if index + size <= len(words) and " ".join(words[index:index + size]) in (
                    actors.roles
                ):
                    last_role_end = max(last_role_end, tokens[index + size - 1].end())
                    break
            else:
                if word in actors.roles:
                    last_role_end = max(last_role_end, tokens[index].end())
        elif word in actors.role_forms:
            last_role_end = max(last_role_end, tokens[index].end())
        if last_role_end >= 0 and not name:
            break  # without a name the description runs to its end: one role word is enough
    if last_role_end < 0:
        return ""
    # Keep what qualifies the role after it ("spokesman for the governor of Kunduz") only
    # when the description has no name: "head of the United Nations Assistance Mission".
    if not name:
        last_role_end = span_end
    return _strip_article(text[start:last_role_end]).rstrip(" ,")


def _tokens_up_to(tokens: list[re.Match[str]], end: int) -> list[re.Match[str]] | None:
    """The tokens that end by `end`; None when one runs over it (then `end` cuts a word
    and the text must be tokenised again)."""
    kept = []
    for token in tokens:
        if token.end() <= end:
            kept.append(token)
        elif token.start() < end:
            return None
        else:
            break
    return kept


def _appositive_org(text: str, appositive: tuple[int, int] | None) -> str:
    if appositive is None:
        return ""
    match = re.search(r"\b(?:for|of|at|with)\s+(?:the\s+)?(.+)$", text[appositive[0]:appositive[1]])
    return match.group(1).strip() if match else ""


def _group_org(groups_in: list[GroupMention]) -> str:
    return groups_in[-1].group if groups_in else ""


_FILLERS = _ARTICLES | {"banned", "militant", "insurgent", "jihadist", "group", "outfit",
                        "organisation", "organization", "movement", "network", "also",
                        "multiple", "some", "several", "hardline", "islamist", "extremist",
                        "separatist", "nationalist", "rebel", "armed", "terrorist", "terror",
                        "islamic", "sunni", "shia", "shiite", "militia", "faction", "the"}


def _covers(text: str, start: int, end: int, inner_start: int, inner_end: int) -> bool:
    """Do the words outside [inner_start, inner_end) only qualify it ("the", "Pakistan's")?"""
    before = text[start:inner_start].lower().split()
    after = text[inner_end:end].lower().split()
    fillers = _FILLERS

    def filler(word: str) -> bool:
        return word in fillers or word.endswith(("’s", "'s")) or (
            word.startswith("(") and word.endswith(")")  # "(BLA)"
        ) or word.endswith("-linked")

    return all(filler(word) for word in before) and all(filler(word) for word in after)


_LEADING_FILLERS = _ARTICLES | {"however", "but", "and", "meanwhile", "with", "by", "including"}


def _strip_article(phrase: str) -> str:
    phrase = phrase.strip(" ,;:-—–\"“”'‘’")
    words = phrase.split()
    while words and words[0].lower() in _LEADING_FILLERS:
        words = words[1:]
    return " ".join(words)


def _singular(word: str) -> str:
    if word.endswith("people"):
        return word[:-6] + "person"
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_plural(words: list[str]) -> bool:
    last = words[-1].strip(".,") if words else ""
    return (last.endswith("s") and not last.endswith(("ss", "us", "’s", "'s"))) or last in {
        "police", "people", "spokespeople", "authorities"
    }
