"""Choosing a follow-up's answer among the answers the best sentences give, or none.

Each candidate answer comes with measures (`Candidate.features`): how well its sentence
covers the question, whether it holds a fact of the kind asked for and how close that
fact stands to the question's words, whether the person is described by the role asked
for. (Candidates failing a check a right answer passes never get here.) A weighted
sum of them scores each candidate; the scores, with one more for answering nothing, make
probabilities (a softmax). A fact's probability is the sum over the candidates giving
it; the likeliest fact answers, in the words of its likeliest candidate, when its
probability reaches `min_confidence` (or its kind of question's own level); else sitrep
says it does not know.

The weights are learnt from questions with known answers (`bench/train_answer_weights.py`)
and kept in `config/answer_weights.yaml`, so that a team can retrain them on its own
questions without touching code.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digests.resources import config_dir as bundled_config_dir
from digests.resources import read_yaml

if TYPE_CHECKING:
    from digests.qa.answer import Answer, Citation

WEIGHTS_FILE = "answer_weights.yaml"

# Other documents' sentences cited beside the chosen one when they give the same fact.
MAX_CORROBORATING = 2

# Kinds of question with a measure of their own (see FEATURES); "how far" and "how old"
# questions are too few to learn one for.
ASKED_KINDS = ("what", "who", "which_group", "where", "when", "how_many", "disputed", "source")

# The measures a candidate is weighed by, as `answer._candidates` makes them.
FEATURES = (
    "score",  # the sentence's rank score (coverage and bonuses, `evidence.find_passages`)
    "behind_best",  # how far its score is behind the best sentence's (0 or less)
    "first",  # 1 for the best-ranked sentence
    "coverage",  # share of the question's weight it and its document hold
    "fact",  # holds a fact of the kind asked for (a figure for "how many")
    "fact_beside",  # the fact stands in the sentence next to it
    "support",  # how much of the question stands close to that fact, 0 to 1
    "vague",  # the fact is vague: a country for "where", "next month" for "when"
    "claim",  # the sentence carries an attributed claim
    "role_described",  # the person answering "which spokesman" is called one
    "role_of_group",  # ... and of the group the question names
    "figure_place_date",  # holds the figure, place or date a how many, where or when asks for
    "rank",  # 1 / (1 + the sentence's place among those tried)
    "sentence_coverage",  # share of the question's weight the sentence alone holds
    "document_rank",  # 1 for full-text search's best document, down to 0
    "best_document",  # from the same document as the best-ranked sentence
    "fact_in_question",  # the fact is a name the question itself uses
    "agreement",  # share of the candidates giving the same fact
    "preferred",  # the candidate a fixed rule prefers (`answer._preference`)
    "closest",  # of all the candidates' facts, this one stands closest to the question's words
    "focus_near",  # the word the question asks about stands near the fact
    "conflicts",  # the sentence names another day or country than the question
    "direction",  # the place is where the question asks something went to (or came from)
    "figure_asked",  # the sentence holds a figure the question gives ("the figure of 107")
    "plain_words",  # of the question's longer words as typed, how many the sentence holds,
    # against the candidate holding most (1)
    # 1 for a question of that kind ("what", "who", ...): answering a question of one kind
    # may be likelier than of another, whatever its candidates
    *(f"asks_{kind}" for kind in ASKED_KINDS),
)


class AnswerWeightsError(ValueError):
    """The weights file is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class AnswerWeights:
    """How much each measure counts, the score of answering nothing, and the least
    probability an answer needs."""

    weights: Mapping[str, float] = field(default_factory=dict)
    abstain: float = 0.0
    min_confidence: float = 0.0
    # The least probability for a kind of question ("who": 0.4), where it differs.
    kind_min_confidence: Mapping[str, float] = field(default_factory=dict)

    def least_confidence(self, kind: str) -> float:
        """The least probability an answer to a question of `kind` needs."""
        return self.kind_min_confidence.get(kind, self.min_confidence)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An answer one sentence gives, and its measures (see FEATURES)."""

    answer: Answer
    features: Mapping[str, float]
    # The fact of the kind asked for that the answer gives, as facts compare: "31" for
    # "At least 31" (`facts.fact_key`); None when it gives none.
    fact: str | None = None


def value(features: Mapping[str, float], weights: AnswerWeights) -> float:
    """A candidate's score: its measures, weighted."""
    return sum(weights.weights.get(name, 0.0) * amount for name, amount in features.items())


def probabilities(
    measures: Sequence[Mapping[str, float]], weights: AnswerWeights
) -> list[float]:
    """Each candidate's probability of being the answer, from its measures; what is left
    over is the probability that none is."""
    scores = [value(features, weights) for features in measures]
    top = max([weights.abstain, *scores])
    exponents = [math.exp(score - top) for score in scores]
    total = math.exp(weights.abstain - top) + sum(exponents)
    return [exponent / total for exponent in exponents]


def _pooled(chances: Sequence[float], facts: Sequence[str | None]) -> list[float]:
    """Each candidate's probability that its fact is the answer: the sum over the
    candidates giving the same fact. Three sentences naming the same leader are three
    ways of being right, not three rivals; a candidate with no fact stands alone."""
    by_fact: dict[str, float] = {}
    for chance, fact in zip(chances, facts, strict=True):
        if fact is not None:
            by_fact[fact] = by_fact.get(fact, 0.0) + chance
    return [
        chance if fact is None else by_fact[fact]
        for chance, fact in zip(chances, facts, strict=True)
    ]


def best_index(chances: Sequence[float], facts: Sequence[str | None]) -> tuple[int, float]:
    """The candidate to answer with and its fact's probability: the likeliest fact, said
    by its likeliest candidate."""
    together = _pooled(chances, facts)
    best = max(range(len(chances)), key=lambda index: (together[index], chances[index]))
    return best, together[best]


def choose(candidates: Sequence[Candidate], weights: AnswerWeights) -> Answer | None:
    """The answer of the likeliest fact's likeliest candidate, with the fact's probability
    as its confidence; None when no fact is likely enough."""
    if not candidates:
        return None
    chances = probabilities([candidate.features for candidate in candidates], weights)
    best, chance = best_index(chances, [candidate.fact for candidate in candidates])
    if chance < weights.least_confidence(candidates[best].answer.kind):
        return None
    chosen = candidates[best]
    return dataclasses.replace(
        chosen.answer,
        confidence=chance,
        citations=chosen.answer.citations + _corroborating(chosen, candidates),
    )


def _corroborating(chosen: Candidate, candidates: Sequence[Candidate]) -> tuple[Citation, ...]:
    """The citations of other documents' sentences giving the same fact as `chosen` ("Tehran"
    in three stories of Haniyeh's killing), in the candidates' order, one a document: a
    reader sees the answer is not one outlet's alone."""
    if chosen.fact is None or chosen.answer.kind == "disputed":
        return ()
    cited = {citation.document_id for citation in chosen.answer.citations}
    found: list[Citation] = []
    for candidate in candidates:
        if len(found) == MAX_CORROBORATING or candidate.fact != chosen.fact:
            continue
        citation = candidate.answer.citations[0]
        if citation.document_id not in cited:
            cited.add(citation.document_id)
            found.append(citation)
    return tuple(found)


def build_weights(data: Any, filename: str = "<answer weights>") -> AnswerWeights:
    """Weights from the parsed weights file; AnswerWeightsError names what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("weights"), dict):
        raise AnswerWeightsError(
            f"{filename}: expected a mapping with weights (measure: number), abstain "
            "and min_confidence"
        )
    unknown = sorted(set(data["weights"]) - set(FEATURES))
    if unknown:
        raise AnswerWeightsError(
            f"{filename}: unknown measure {', '.join(unknown)}; known: {', '.join(FEATURES)}"
        )
    numbers = {"abstain": data.get("abstain", 0.0),
               "min_confidence": data.get("min_confidence", 0.0), **data["weights"]}
    wrong = [name for name, number in numbers.items()
             if isinstance(number, bool) or not isinstance(number, int | float)]
    if wrong:
        raise AnswerWeightsError(f"{filename}: {', '.join(wrong)} must be a number")
    if not 0 <= numbers["min_confidence"] <= 1:
        raise AnswerWeightsError(f"{filename}: min_confidence must be between 0 and 1")
    by_kind = data.get("min_confidence_by_kind") or {}
    if not isinstance(by_kind, dict):
        raise AnswerWeightsError(
            f"{filename}: min_confidence_by_kind must map a kind of question to a number"
        )
    unknown_kinds = sorted(str(kind) for kind in set(by_kind) - set(ASKED_KINDS))
    if unknown_kinds:
        raise AnswerWeightsError(
            f"{filename}: unknown kind of question {', '.join(unknown_kinds)} in "
            f"min_confidence_by_kind; known: {', '.join(ASKED_KINDS)}"
        )
    wrong_levels = [
        kind for kind, level in by_kind.items()
        if isinstance(level, bool) or not isinstance(level, int | float) or not 0 <= level <= 1
    ]
    if wrong_levels:
        raise AnswerWeightsError(
            f"{filename}: min_confidence_by_kind: {', '.join(wrong_levels)} must be a number "
            "between 0 and 1"
        )
    return AnswerWeights(
        weights={name: float(number) for name, number in data["weights"].items()},
        abstain=float(numbers["abstain"]),
        min_confidence=float(numbers["min_confidence"]),
        kind_min_confidence={kind: float(level) for kind, level in by_kind.items()},
    )


def load_weights(config_dir: Path) -> AnswerWeights:
    """Read `answer_weights.yaml` from `config_dir`, or sitrep's own when it has none."""
    path = config_dir / WEIGHTS_FILE
    if not path.exists():
        path = bundled_config_dir() / WEIGHTS_FILE
    return build_weights(read_yaml(path, "answer weights file", AnswerWeightsError), str(path))
