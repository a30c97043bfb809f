"""Score the extractor against gold annotations (see the corpus's ANNOTATION.md).

    python bench/eval_extraction.py GOLD.jsonl --articles ARTICLES.jsonl --seed SEED.txt \
        [--config-dir config] [--verbose]

Gold id "seed" is the seed file; every other id is an article id. Rules:

- a predicted group matches a gold group when its name or short name equals a gold name
  or alias, after lower-casing and turning punctuation into spaces (one-to-one);
- a predicted claim matches a gold claim when its sentence overlaps the gold sentence and
  the gold key is inside its text (one-to-one, maximum matching);
- over matched claims: the source is right when a gold claimant form is found (as whole
  words) in the claimant, role or organisation, or when both name no source; the stance
  must be equal; `about` must name the same gold groups (predicted canonical names are
  mapped to gold groups through gold names and aliases and the watchlist's aliases).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digests.extract.model import Claim, Extraction
from digests.extract.pipeline import Extractor, load_extractor

_PUNCTUATION = re.compile(r"[^\w]+")


def norm(name: str) -> str:
    """Lower case, punctuation as spaces, spaces collapsed."""
    return _PUNCTUATION.sub(" ", name.lower().replace("’", "").replace("'", "")).strip()


def contains_words(haystack: str, needle: str) -> bool:
    needle_norm, haystack_norm = norm(needle), norm(haystack)
    return bool(needle_norm) and f" {needle_norm} " in f" {haystack_norm} "


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def scores(self) -> tuple[float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


@dataclass
class DocScore:
    doc_id: str
    groups: Tally = field(default_factory=Tally)
    claims: Tally = field(default_factory=Tally)
    source_right: int = 0
    stance_right: int = 0
    about_right: int = 0
    notes: list[str] = field(default_factory=list)


def max_matching(edges: dict[int, list[int]], right_size: int) -> dict[int, int]:
    """Maximum bipartite matching (augmenting paths): left index -> right index."""
    match_right: dict[int, int] = {}

    def augment(left: int, seen: set[int]) -> bool:
        for right in edges.get(left, []):
            if right in seen:
                continue
            seen.add(right)
            if right not in match_right or augment(match_right[right], seen):
                match_right[right] = left
                return True
        return False

    for left in edges:
        augment(left, set())
    return {left: right for right, left in match_right.items()}


def _gold_group_index(gold_groups: list[dict[str, Any]]) -> dict[str, int]:
    index: dict[str, int] = {}
    for number, group in enumerate(gold_groups):
        for name in (group["name"], *group.get("aliases", [])):
            index.setdefault(norm(name), number)
    return index


def _predicted_forms(name: str, extractor: Extractor) -> list[str]:
    entry = extractor.watchlist.lookup(name)
    if entry is None:
        return [name]
    return [entry.name, entry.short, *entry.aliases]


def _about_as_gold(
    names: Iterable[str], gold_index: dict[str, int], extractor: Extractor
) -> frozenset[int]:
    found: set[int] = set()
    for name in names:
        for form in _predicted_forms(name, extractor):
            if norm(form) in gold_index:
                found.add(gold_index[norm(form)])
                break
    return frozenset(found)


def source_is_right(gold_claimant: list[str], claim: Claim) -> bool:
    if not gold_claimant:
        return not claim.claimant
    fields = [claim.claimant, claim.claimant_role, claim.claimant_org]
    return any(contains_words(value, form) for form in gold_claimant for value in fields if value)


def score_document(
    doc_id: str, text: str, gold: dict[str, Any], extraction: Extraction, extractor: Extractor
) -> DocScore:
    score = DocScore(doc_id)
    gold_groups = gold.get("groups", [])
    gold_index = _gold_group_index(gold_groups)

    # Groups: one-to-one through names and aliases, named as `sitrep extract` prints them
    # (the text's fullest spelling, and the short name).
    group_edges: dict[int, list[int]] = {}
    for number, group in enumerate(extraction.groups):
        printed = group.written or group.name
        targets = {
            gold_index[norm(form)]
            for form in (printed, group.short)
            if form and norm(form) in gold_index
        }
        group_edges[number] = sorted(targets)
    group_match = max_matching(group_edges, len(gold_groups))
    score.groups.tp = len(group_match)
    score.groups.fp = len(extraction.groups) - len(group_match)
    score.groups.fn = len(gold_groups) - len(group_match)
    matched_gold_groups = set(group_match.values())
    for number, group in enumerate(extraction.groups):
        if number not in group_match:
            score.notes.append(f"  group FP: {group.name} ({group.short})")
    for number, group in enumerate(gold_groups):
        if number not in matched_gold_groups:
            score.notes.append(f"  group FN: {group['name']}")

    # Claims: sentence overlap and key inside the predicted text.
    gold_claims = gold.get("claims", [])
    gold_spans = []
    for claim in gold_claims:
        start = text.find(claim["sentence"])
        gold_spans.append((start, start + len(claim["sentence"])) if start >= 0 else (-1, -1))
    claim_edges: dict[int, list[int]] = {}
    for number, claim in enumerate(extraction.claims):
        targets = []
        for gold_number, gold_claim in enumerate(gold_claims):
            gold_start, gold_end = gold_spans[gold_number]
            overlaps = gold_start < claim.end and claim.start < gold_end
            if overlaps and gold_claim["key"] in claim.text:
                targets.append(gold_number)
        claim_edges[number] = targets
    claim_match = max_matching(claim_edges, len(gold_claims))
    score.claims.tp = len(claim_match)
    score.claims.fp = len(extraction.claims) - len(claim_match)
    score.claims.fn = len(gold_claims) - len(claim_match)
    for number, gold_number in sorted(claim_match.items()):
        claim, gold_claim = extraction.claims[number], gold_claims[gold_number]
        source_ok = source_is_right(gold_claim["claimant"], claim)
        stance_ok = claim.stance == gold_claim["stance"]
        predicted_about = _about_as_gold(claim.about, gold_index, extractor)
        gold_about = _about_as_gold(gold_claim["about"], gold_index, extractor)
        about_ok = predicted_about == gold_about
        score.source_right += source_ok
        score.stance_right += stance_ok
        score.about_right += about_ok
        if not (source_ok and stance_ok and about_ok):
            problems = []
            if not source_ok:
                problems.append(f"source {_who(claim)} vs {gold_claim['claimant']}")
            if not stance_ok:
                problems.append(f"stance {claim.stance} vs {gold_claim['stance']}")
            if not about_ok:
                problems.append(f"about {list(claim.about)} vs {gold_claim['about']}")
            score.notes.append(f"  WRONG [{gold_claim['key']}]: " + "; ".join(problems))
    matched_gold = set(claim_match.values())
    for gold_number, gold_claim in enumerate(gold_claims):
        if gold_number not in matched_gold:
            score.notes.append(
                f"  MISS [{gold_claim['stance']}] {gold_claim['claimant'][:1]} "
                f"key={gold_claim['key']!r} in: {gold_claim['sentence'][:110]!r}"
            )
    for number, claim in enumerate(extraction.claims):
        if number not in claim_match:
            score.notes.append(
                f"  FP   [{claim.stance}] {_who(claim)} cue={claim.cue!r} text={claim.text[:110]!r}"
            )
    return score


def _who(claim: Claim) -> str:
    return (
        "/".join(part for part in (claim.claimant, claim.claimant_role, claim.claimant_org) if part)
        or "-"
    )


def load_documents(articles: Path, seed: Path) -> dict[str, str]:
    documents = {"seed": seed.read_text(encoding="utf-8")}
    with articles.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                article = json.loads(line)
                documents[article["id"]] = article["text"]
    return documents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--seed", type=Path, required=True)
    parser.add_argument("--config-dir", type=Path, default=Path("config"))
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="per-document breakdown with misses and false positives",
    )
    args = parser.parse_args(argv)

    extractor = load_extractor(args.config_dir)
    documents = load_documents(args.articles, args.seed)
    groups, claims = Tally(), Tally()
    source_right = stance_right = about_right = 0
    with args.gold.open(encoding="utf-8") as lines:
        golds = [json.loads(line) for line in lines if line.strip()]
    for gold in golds:
        text = documents.get(gold["id"])
        if text is None:
            print(f"{gold['id']}: no such document", file=sys.stderr)
            return 2
        score = score_document(gold["id"], text, gold, extractor.extract(text), extractor)
        groups.add(score.groups)
        claims.add(score.claims)
        source_right += score.source_right
        stance_right += score.stance_right
        about_right += score.about_right
        if args.verbose:
            _, _, group_f1 = score.groups.scores()
            precision, recall, claim_f1 = score.claims.scores()
            print(
                f"{gold['id']}: groups F1 {group_f1:.3f}  claims P {precision:.3f} "
                f"R {recall:.3f} F1 {claim_f1:.3f}  source {score.source_right}/"
                f"{score.claims.tp} stance {score.stance_right}/{score.claims.tp} "
                f"about {score.about_right}/{score.claims.tp}"
            )
            for note in score.notes:
                print(note)
    matched = claims.tp or 1
    print(f"documents {len(golds)}")
    for label, tally in (("groups", groups), ("claims", claims)):
        precision, recall, f1 = tally.scores()
        print(
            f"{label:<7} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  "
            f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn})"
        )
    print(f"source  {source_right / matched:.3f}  ({source_right}/{claims.tp} matched claims)")
    print(f"stance  {stance_right / matched:.3f}  ({stance_right}/{claims.tp})")
    print(f"about   {about_right / matched:.3f}  ({about_right}/{claims.tp})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
