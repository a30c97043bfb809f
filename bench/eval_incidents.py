"""Score group finding: incident attribution, gold-dev precision/recall, and speed.

    python bench/eval_incidents.py INCIDENTS.jsonl [--groups config/groups.yaml]
        [--gold GOLD.jsonl --articles ARTICLES.jsonl [--seed SEED.txt]]
        [--speed ARTICLES.jsonl]

Incidents: for each row, is the gold `group` among the groups found in `summary`?
The gold name counts as found when it resolves through the watchlist to the same
canonical group, or equals a found name or short name after lowercasing and turning
punctuation into spaces. Rows whose summary names no group at all are counted too
(they cannot be found from the text) and reported separately.

Gold-dev: a predicted group matches a gold group when its name or short name equals
the gold name or one of its aliases after the same normalisation ("strict", the
rule of the extraction benchmark). "watchlist" also lets any watchlist alias of the
predicted group match, which shows how much of the strict gap is naming only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from digests.extract.groups import find_groups, summarise_groups
from digests.extract.model import FoundGroup
from digests.extract.watchlist import Watchlist, load_watchlist

DEFAULT_GROUPS = Path(__file__).resolve().parent.parent / "config" / "groups.yaml"
_PUNCTUATION = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """Lowercase, punctuation to spaces, spaces collapsed: the benchmark's name rule."""
    return _PUNCTUATION.sub(" ", name.lower()).strip()


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def groups_in(text: str, watchlist: Watchlist) -> tuple[FoundGroup, ...]:
    return summarise_groups(find_groups(text, watchlist), watchlist)


# --- incidents -----------------------------------------------------------------------------


def incident_found(gold: str, found: Iterable[FoundGroup], watchlist: Watchlist) -> bool:
    """The benchmark rule: same canonical group, or equal names after normalising."""
    found = tuple(found)
    entry = watchlist.lookup(gold)
    if entry is not None and any(group.name == entry.name for group in found):
        return True
    wanted = normalise(gold)
    return any(wanted in {normalise(group.name), normalise(group.short)} for group in found)


def incident_found_lenient(gold: str, found: Iterable[FoundGroup], watchlist: Watchlist) -> bool:
    """Also accept a group one relation away (a branch for its parent, or the reverse:
    labels say "Islamic State" where the text names its Khorasan Province), and either
    Taliban for a bare "Taliban" label, which is ambiguous by itself."""
    found = tuple(found)
    if incident_found(gold, found, watchlist):
        return True
    names = {group.name for group in found}
    if normalise(gold) == "taliban":
        return bool(names & _taliban_groups(watchlist))
    entry = watchlist.lookup(gold)
    if entry is None:
        return False
    related = {relation.target for relation in entry.relations}
    related |= {
        other.name
        for other in watchlist.groups
        if any(relation.target == entry.name for relation in other.relations)
    }
    return bool(names & related)


def _taliban_groups(watchlist: Watchlist) -> set[str]:
    return {
        entry.name
        for name in ("Afghan Taliban", "Pakistani Taliban")
        if (entry := watchlist.lookup(name)) is not None
    }


def evaluate_incidents(path: Path, watchlist: Watchlist) -> float:
    rows = list(read_jsonl(path))
    strict = lenient = silent = 0
    misses: list[str] = []
    for row in rows:
        found = groups_in(row["summary"], watchlist)
        if incident_found(row["group"], found, watchlist):
            strict += 1
            lenient += 1
            continue
        ok = incident_found_lenient(row["group"], found, watchlist)
        lenient += ok
        silent += not found
        names = ", ".join(group.name for group in found) or "nothing"
        note = " [lenient ok]" if ok else (" [text names no group]" if not found else "")
        misses.append(f"  {row['id']}: gold {row['group']!r}, found {names}{note}")
    total = len(rows)
    named = total - silent
    print(
        f"incidents: {strict}/{total} = {_rate(strict, total)} "
        "have the gold group among the groups found"
    )
    print(
        f"  lenient (related group, either Taliban for 'Taliban'): {lenient}/{total} = "
        f"{_rate(lenient, total)}"
    )
    print(
        f"  {silent} summaries name no group at all; over the {named} that name one: "
        f"strict {_rate(strict, named)}, lenient {_rate(lenient, named)}"
    )
    print("misses (strict):")
    print("\n".join(misses) if misses else "  none")
    return strict / total if total else 0.0


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


# --- gold-dev groups ------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _predicted_names(group: FoundGroup, watchlist: Watchlist, *, with_aliases: bool) -> set[str]:
    names = {normalise(group.name), normalise(group.short)}
    entry = watchlist.by_name.get(group.name)
    if with_aliases and entry is not None:
        names |= {normalise(alias) for alias in entry.aliases}
    return names


def match_groups(
    predicted: tuple[FoundGroup, ...],
    gold: list[dict],
    watchlist: Watchlist,
    *,
    with_aliases: bool = False,
) -> tuple[Score, list[str], list[str]]:
    """One-to-one matching of predicted to gold groups; returns score, extra and missed."""
    unmatched_gold = list(range(len(gold)))
    extra: list[str] = []
    for group in predicted:
        names = _predicted_names(group, watchlist, with_aliases=with_aliases)
        for index in unmatched_gold:
            gold_names = {normalise(gold[index]["name"])}
            gold_names |= {normalise(a) for a in gold[index].get("aliases", [])}
            if names & gold_names:
                unmatched_gold.remove(index)
                break
        else:
            extra.append(group.name)
    missed = [gold[index]["name"] for index in unmatched_gold]
    matched = len(gold) - len(missed)
    return Score(matched, len(extra), len(missed)), extra, missed


def evaluate_gold(gold_path: Path, texts: dict[str, str], watchlist: Watchlist) -> Score:
    totals = {False: [0, 0, 0], True: [0, 0, 0]}
    print("gold-dev groups:")
    for row in read_jsonl(gold_path):
        text = texts.get(row["id"])
        if text is None:
            print(f"  {row['id']}: no text, skipped")
            continue
        predicted = groups_in(text, watchlist)
        for with_aliases in (False, True):
            score, extra, missed = match_groups(
                predicted, row["groups"], watchlist, with_aliases=with_aliases
            )
            total = totals[with_aliases]
            total[0] += score.true_positives
            total[1] += score.false_positives
            total[2] += score.false_negatives
            if not with_aliases and (extra or missed):
                print(f"  {row['id']}: extra {extra}, missed {missed}")
    strict = Score(*totals[False])
    lenient = Score(*totals[True])
    for label, score in (("strict", strict), ("watchlist", lenient)):
        print(
            f"  {label:9}: P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}"
            f"  (tp {score.true_positives}, fp {score.false_positives}, "
            f"fn {score.false_negatives})"
        )
    return strict


# --- speed -----------------------------------------------------------------------------------


def measure_speed(articles: Path, watchlist: Watchlist, seconds: float = 2.0) -> float:
    texts = [row["text"] for row in read_jsonl(articles)]
    words = sum(len(text.split()) for text in texts)
    find_groups(texts[0], watchlist)  # compile the matcher outside the clock
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            find_groups(text, watchlist)
        done += words
    rate = done / (time.perf_counter() - started)
    print(f"speed: find_groups {rate:,.0f} words/s over {len(texts)} articles ({words} words)")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("incidents", type=Path, help="incidents.jsonl")
    parser.add_argument("--groups", type=Path, default=DEFAULT_GROUPS, help="watchlist YAML")
    parser.add_argument("--gold", type=Path, help="gold-dev.jsonl (needs --articles)")
    parser.add_argument("--articles", type=Path, help="articles.jsonl holding the gold texts")
    parser.add_argument("--seed", type=Path, help="the seed document (gold id 'seed')")
    parser.add_argument("--speed", type=Path, help="articles.jsonl to time find_groups on")
    args = parser.parse_args(argv)

    watchlist = load_watchlist(args.groups)
    evaluate_incidents(args.incidents, watchlist)
    if args.gold:
        if not args.articles:
            parser.error("--gold needs --articles")
        texts = {row["id"]: row["text"] for row in read_jsonl(args.articles)}
        if args.seed:
            texts["seed"] = args.seed.read_text(encoding="utf-8")
        evaluate_gold(args.gold, texts, watchlist)
    if args.speed:
        measure_speed(args.speed, watchlist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
