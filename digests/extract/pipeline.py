"""Extraction of one document end to end: sentences, groups, claims.

`Extractor` holds the compiled configuration (watchlist, lexicon, actors) and is cheap
to share between threads: `extract` is a pure function of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digests.extract.actors import Actors, load_actors
from digests.extract.claims import find_claims
from digests.extract.groups import find_groups, summarise_groups
from digests.extract.lexicon import Lexicon, load_lexicon
from digests.extract.model import Extraction
from digests.extract.sentences import split_sentences
from digests.extract.watchlist import Watchlist, load_watchlist

GROUPS_FILE = "groups.yaml"
LEXICON_FILE = "lexicon.yaml"
ACTORS_FILE = "actors.yaml"


@dataclass(frozen=True)
class Extractor:
    """The groups watchlist, the claim lexicon and the actor gazetteer, ready to use."""

    watchlist: Watchlist
    lexicon: Lexicon
    actors: Actors

    def extract(self, text: str) -> Extraction:
        """Groups and claims of one document."""
        sentences = split_sentences(text)
        mentions = find_groups(text, self.watchlist)
        claims = find_claims(text, sentences, mentions, self.lexicon, self.actors)
        return Extraction(
            groups=summarise_groups(mentions, self.watchlist),
            mentions=mentions,
            claims=claims,
        )


def load_extractor(config_dir: Path) -> Extractor:
    """Read groups.yaml, lexicon.yaml and actors.yaml from `config_dir`."""
    return Extractor(
        watchlist=load_watchlist(config_dir / GROUPS_FILE),
        lexicon=load_lexicon(config_dir / LEXICON_FILE),
        actors=load_actors(config_dir / ACTORS_FILE),
    )


def extraction_to_json(doc_id: str, title: str, extraction: Extraction) -> dict[str, Any]:
    """The JSON form of an extraction (`sitrep extract --json`), one object per document.

    Groups are named as the text writes them (its fullest form, "Tehreek-e-Taliban
    Pakistan"), with the watchlist's short name; `about` uses the same names.
    """
    written = {group.name: group.written or group.name for group in extraction.groups}
    return {
        "id": doc_id,
        "title": title,
        "groups": [
            {
                "name": written[group.name],
                "short": group.short,
                "kind": group.kind,
                "mentions": group.mentions,
            }
            for group in extraction.groups
        ],
        "claims": [
            {
                "claimant": claim.claimant,
                "claimant_role": claim.claimant_role,
                "claimant_org": claim.claimant_org,
                "cue": claim.cue,
                "stance": claim.stance,
                "text": claim.text,
                "sentence": claim.sentence,
                "about": [written.get(name, name) for name in claim.about],
                "hedges": list(claim.hedges),
                "evidence": list(claim.evidence),
                "numbers": list(claim.numbers),
                "places": list(claim.places),
                "quote": claim.quote,
            }
            for claim in extraction.claims
        ],
    }
