"""The data that extraction produces: plain frozen dataclasses, no behaviour.

Every stage of `digests.extract` takes and returns these, so the store, the
digest composer and the answerer never depend on how extraction works inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Stance = Literal[
    "accusation", "denial", "responsibility", "warning", "demand", "report", "statement"
]
RelationKind = Literal["wing_of", "affiliate_of", "splinter_of", "faction_of", "successor_of"]
LinkKind = Literal["corroborates", "disputes"]


@dataclass(frozen=True, slots=True)
class Relation:
    """A watchlist group's tie to another group, e.g. the Majeed Brigade is a wing of the BLA."""

    kind: RelationKind
    target: str  # canonical name of the other group


@dataclass(frozen=True, slots=True)
class GroupEntry:
    """One armed group on the watchlist (`config/groups.yaml`)."""

    name: str  # canonical name, e.g. "Tehrik-i-Taliban Pakistan"
    short: str  # short name, e.g. "TTP"
    kind: str  # e.g. "militant", "insurgent", "separatist", "jihadist", "militia", "wing"
    aliases: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    region: str = ""


@dataclass(frozen=True, slots=True)
class GroupMention:
    """One place in a text where a group is named or referred back to."""

    group: str  # canonical name (watchlist name, or the name found in the text)
    surface: str  # the text as written
    start: int  # character offsets into the document text
    end: int
    via: Literal["watchlist", "acronym", "such_as", "context", "anaphora"] = "watchlist"


@dataclass(frozen=True, slots=True)
class FoundGroup:
    """A group a document names, with how often."""

    name: str
    short: str
    kind: str
    mentions: int
    on_watchlist: bool = True
    written: str = ""  # the fullest form the text uses ("Tehreek-e-Taliban Pakistan")


@dataclass(frozen=True, slots=True)
class Claim:
    """An attributed assertion: who says what about which groups, how sure, on what evidence."""

    claimant: str  # most specific name for the source; "" when the text names none
    claimant_role: str  # e.g. "Foreign Office spokesperson"
    claimant_org: str  # e.g. "Foreign Office" or "Pakistan"
    cue: str  # the reporting cue as written, e.g. "alleged", "according to"
    stance: Stance
    text: str  # the claimed content
    sentence: str  # the document sentence carrying the cue, exactly as written
    about: tuple[str, ...] = ()  # canonical names of the groups the content is about
    hedges: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quote: bool = False
    start: int = 0  # offsets of `sentence` in the document text
    end: int = 0


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document."""

    groups: tuple[FoundGroup, ...] = ()
    mentions: tuple[GroupMention, ...] = ()
    claims: tuple[Claim, ...] = field(default_factory=tuple)
