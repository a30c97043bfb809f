"""The claim lexicon (`config/lexicon.yaml`): reporting cues, hedges and evidence phrases.

The file is validated on load: an unknown key or stance, a value of the wrong type or a
phrase listed twice stops with a `LexiconError` naming the file and line, so a typo in a
tuned list never silently changes what sitrep extracts.

All phrases are compiled into one Aho-Corasick automaton over lower-cased text, so a
document is scanned once for every cue, hedge, evidence phrase and content marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal, get_args

import ahocorasick
import yaml

from digests.extract.model import Stance

STANCES: frozenset[str] = frozenset(get_args(Stance))
GAP = "..."
MAX_GAP_WORDS = 10
_SECTIONS_BY_STANCE = ("verbs", "phrases", "content")
_FLAT_SECTIONS = ("refusals", "hedges", "evidence")
_KNOWN_KEYS = frozenset(_SECTIONS_BY_STANCE + _FLAT_SECTIONS)
_REQUIRED_KEYS = ("verbs", "phrases", "hedges")
_STR_TAG = "tag:yaml.org,2002:str"

HitKind = Literal["cue", "gap_head", "content", "hedge", "evidence", "refusal"]


class LexiconError(ValueError):
    """The lexicon file is missing, malformed or inconsistent; the message names file and line."""


@dataclass(frozen=True, slots=True)
class GapCue:
    """A cue with a gap, e.g. "dismissed ... as": `head` then `tail` within a few words."""

    head: str
    tail: str
    stance: Stance
    written: str


@dataclass(frozen=True, slots=True)
class Hit:
    """One lexicon phrase found in a text (offsets into the text that was scanned)."""

    start: int
    end: int
    kind: HitKind
    phrase: str  # the lexicon form (lower case)
    stance: Stance | None = None


# A frozen dataclass's __init__ sets each field through object.__setattr__; filling the
# slots directly builds the same object in half the time, for the hits of every document.
# Unpacked by name in `_new_hit`: a field added to `Hit` makes it fail loudly.
_SET_HIT_FIELDS = tuple(getattr(Hit, slot.name).__set__ for slot in fields(Hit))


def _new_hit(start: int, end: int, kind: HitKind, phrase: str, stance: Stance | None) -> Hit:
    """`Hit(start, end, kind, phrase, stance)`, built slot by slot."""
    hit = object.__new__(Hit)
    set_start, set_end, set_kind, set_phrase, set_stance = _SET_HIT_FIELDS
    set_start(hit, start)
    set_end(hit, end)
    set_kind(hit, kind)
    set_phrase(hit, phrase)
    set_stance(hit, stance)
    return hit


@dataclass(frozen=True)
class Lexicon:
    """Cues by stance, content markers, refusal objects, hedges and evidence phrases."""

    cues: dict[str, Stance]  # contiguous cue forms (lower case) -> stance
    gap_cues: tuple[GapCue, ...]
    content: dict[str, Stance]  # content markers (lower case) -> stance
    refusals: frozenset[str]
    hedges: frozenset[str]  # matched case-sensitively, as written
    evidence: frozenset[str]
    _automaton: ahocorasick.Automaton = field(repr=False, compare=False)

    def scan(self, text: str) -> list[Hit]:
        """Every whole-word lexicon phrase in `text`, in order of start offset."""
        return self.scan_lowered(text, text.lower())

    def scan_lowered(self, text: str, lowered: str) -> list[Hit]:
        """`scan` when the caller already has `text.lower()`: `find_claims` lowers each
        document once for this and `Actors.find_lowered`."""
        hits: list[Hit] = []
        length = len(lowered)
        # Leftmost-longest matches: "claimed responsibility", not also "claimed" inside it.
        for last, entries in self._automaton.iter_long(lowered):
            end = last + 1
            # Whole words only: no letter, digit or "_" touches the phrase.
            if end < length and (lowered[end].isalnum() or lowered[end] == "_"):
                continue  # the same end for every entry
            for kind, phrase, stance in entries:
                start = end - len(phrase)
                if start > 0 and (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
                    continue
                if kind == "hedge" and text[start:end] != phrase:
                    continue  # "May Allah ..." is not the hedge "may"
                hits.append(_new_hit(start, end, kind, phrase, stance))
        return hits


def verb_forms(entry: str) -> tuple[str, ...]:
    """The cue forms of a verb entry: "warn" -> warn, warns, warned, warning.

    Irregular or doubled forms follow slashes ("say/said"); generated regular forms are
    kept too, since a wrong form ("sayed") never occurs and so never matches.
    """
    base, *extra = (part.strip().lower() for part in entry.split("/"))
    forms = [base, *extra]
    if base.endswith(("s", "sh", "ch", "x", "z")):
        forms.append(base + "es")
    elif base.endswith("y") and len(base) > 2 and base[-2] not in "aeiou":
        forms.append(base[:-1] + "ies")
    else:
        forms.append(base + "s")
    if base.endswith("e"):
        forms += [base + "d", base[:-1] + "ing"]
    elif base.endswith("y") and len(base) > 2 and base[-2] not in "aeiou":
        forms += [base[:-1] + "ied", base + "ing"]
    else:
        forms += [base + "ed", base + "ing"]
    return tuple(dict.fromkeys(forms))


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate a lexicon file; raise `LexiconError` naming file and line."""
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon: {exc.strerror or exc}") from exc
    return parse_lexicon(source, str(path))


def parse_lexicon(source: str, filename: str = "<lexicon>") -> Lexicon:
    """Validate lexicon YAML text and compile it; `filename` only labels errors."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LexiconError(f"{filename}{line}: not valid YAML: {exc}") from exc
    reader = _Reader(filename)
    if not isinstance(root, yaml.MappingNode):
        raise LexiconError(f"{filename}:1: the lexicon must be a mapping of sections")
    sections: dict[str, yaml.Node] = {}
    for key_node, value_node in root.value:
        key = reader.string(key_node, "section name")
        if key not in _KNOWN_KEYS:
            known = ", ".join(sorted(_KNOWN_KEYS))
            reader.fail(key_node, f"unknown section {key!r} (known: {known})")
        if key in sections:
            reader.fail(key_node, f"section {key!r} appears twice")
        sections[key] = value_node
    for key in _REQUIRED_KEYS:
        if key not in sections:
            raise LexiconError(f"{filename}:1: missing section {key!r}")

    cues: dict[str, Stance] = {}
    gap_cues: list[GapCue] = []
    seen_cues: dict[str, int] = {}
    for form_line, written, stance in reader.by_stance(sections["verbs"], "verbs"):
        for form in verb_forms(written):
            _add_unique(reader, seen_cues, form, form_line, "cue")
            cues[form] = stance
    for form_line, written, stance in reader.by_stance(sections["phrases"], "phrases"):
        phrase = _normalise(written)
        _add_unique(reader, seen_cues, phrase, form_line, "cue")
        if GAP in phrase:
            head, _, tail = (part.strip() for part in phrase.partition(GAP))
            if not head or not tail or GAP in tail:
                reader.fail_line(form_line, f"gap cue {written!r} needs words on both sides")
            gap_cues.append(GapCue(head, tail, stance, written))
        else:
            cues[phrase] = stance

    content: dict[str, Stance] = {}
    if "content" in sections:
        seen_content: dict[str, int] = {}
        for form_line, written, stance in reader.by_stance(sections["content"], "content"):
            phrase = _normalise(written)
            _add_unique(reader, seen_content, phrase, form_line, "content marker")
            content[phrase] = stance

    flat: dict[str, frozenset[str]] = {}
    for key in _FLAT_SECTIONS:
        seen: dict[str, int] = {}
        values: list[str] = []
        for form_line, written in reader.flat_list(sections.get(key), key):
            # Hedges keep their case ("may" is a hedge, "May" a month); the rest is lowered.
            phrase = written.strip() if key == "hedges" else _normalise(written)
            _add_unique(reader, seen, phrase, form_line, key[:-1])
            values.append(phrase)
        flat[key] = frozenset(values)

    return Lexicon(
        cues=cues,
        gap_cues=tuple(gap_cues),
        content=content,
        refusals=flat["refusals"],
        hedges=flat["hedges"],
        evidence=flat["evidence"],
        _automaton=_compile(cues, gap_cues, content, flat),
    )


def _normalise(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _add_unique(reader: _Reader, seen: dict[str, int], phrase: str, line: int, what: str) -> None:
    if phrase in seen:
        reader.fail_line(line, f"{what} {phrase!r} is listed twice (first on line {seen[phrase]})")
    seen[phrase] = line


def _compile(
    cues: dict[str, Stance],
    gap_cues: list[GapCue],
    content: dict[str, Stance],
    flat: dict[str, frozenset[str]],
) -> ahocorasick.Automaton:
    entries: dict[str, list[tuple[HitKind, str, Stance | None]]] = {}

    def add(phrase: str, kind: HitKind, stance: Stance | None) -> None:
        entries.setdefault(phrase.lower(), []).append((kind, phrase.lower(), stance))

    for phrase, stance in cues.items():
        add(phrase, "cue", stance)
    for gap in gap_cues:
        add(gap.head, "gap_head", gap.stance)
    for phrase, stance in content.items():
        add(phrase, "content", stance)
    for phrase in flat["hedges"]:
        add(phrase, "hedge", None)
    for phrase in flat["evidence"]:
        add(phrase, "evidence", None)
    for phrase in flat["refusals"]:
        add(phrase, "refusal", None)
    automaton = ahocorasick.Automaton()
    for key, value in entries.items():
        automaton.add_word(key, tuple(value))
    automaton.make_automaton()
    return automaton


class _Reader:
    """Walks composed YAML nodes, raising `LexiconError` with the file and 1-based line."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, node: yaml.Node, message: str) -> None:
        self.fail_line(node.start_mark.line + 1, message)

    def fail_line(self, line: int, message: str) -> None:
        raise LexiconError(f"{self.filename}:{line}: {message}")

    def string(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR_TAG or not node.value.strip():
            shown = node.value if isinstance(node, yaml.ScalarNode) else type(node).__name__
            self.fail(node, f"{what} must be a non-empty string, got {shown!r}")
        return str(node.value)

    def flat_list(self, node: yaml.Node | None, section: str) -> list[tuple[int, str]]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"section {section!r} must be a list of strings")
        return [
            (item.start_mark.line + 1, self.string(item, f"an entry of {section!r}"))
            for item in node.value
        ]

    def by_stance(self, node: yaml.Node, section: str) -> list[tuple[int, str, Stance]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"section {section!r} must map stances to lists of strings")
        found: list[tuple[int, str, Stance]] = []
        seen_stances: set[str] = set()
        for key_node, value_node in node.value:
            stance = self.string(key_node, f"a stance in {section!r}")
            if stance not in STANCES:
                known = ", ".join(sorted(STANCES))
                self.fail(key_node, f"unknown stance {stance!r} in {section!r} (known: {known})")
            if stance in seen_stances:
                self.fail(key_node, f"stance {stance!r} appears twice in {section!r}")
            seen_stances.add(stance)
            if (
                isinstance(value_node, yaml.ScalarNode)
                and value_node.tag == "tag:yaml.org,2002:null"
            ):
                continue  # an empty stance list is allowed
            for line, written in self.flat_list(value_node, f"{section}.{stance}"):
                found.append((line, written, stance))  # type: ignore[arg-type]
        return found
