"""Learn how sitrep chooses a follow-up's answer, from questions with known answers.

    python bench/train_answer_weights.py bench/questions/dev.jsonl bench/questions/dev2.jsonl ...
        [--corpus ../shared/corpus/articles.jsonl] [--seed ../shared/seed/000_87aeffe32afe1305.txt]
        [--write config/answer_weights.yaml] [--penalty 3]

Ingests the corpus and the seed article into a fresh store (as bench/eval_answers.py
does), asks every question and keeps the candidate answers of its best sentences with
their measures (`digests.qa.choice.FEATURES`). The right candidates are those whose
answer holds an accepted string and cites the question's document; a question the
corpus cannot answer, or one no candidate answers rightly, is rightly answered by
nothing. The weights maximise the likelihood of a right choice (a conditional logit
with an L2 penalty); `min_confidence` is the least probability of the likeliest fact
(summed over the candidates giving it, as `digests.qa.choice.choose` sums) that
maximises right answers minus `--penalty` times confident answers to unanswerable
questions: with several files, the median of the levels learnt without each file.
Each kind of question ("who", "where") answers at its own level, halfway between that
one and the level best for its own questions.

Prints, for each question file, what weights learnt from the other files do on it
(leave-one-file-out: how well the weights carry over to questions they never saw), then
the weights learnt from all of them; --write saves those.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from eval_answers import CONFIG, corpus_store, is_right, read_questions
from scipy.optimize import minimize

from digests.extract.pipeline import load_extractor
from digests.qa.answer import answer_candidates
from digests.qa.choice import ASKED_KINDS, FEATURES, AnswerWeights, best_index, probabilities
from digests.qa.vocabulary import load_words

# L2 penalty on the weights: a few hundred questions, a dozen measures.
_L2 = 0.001


@dataclass(frozen=True, slots=True)
class Example:
    source: str  # the question file
    answerable: bool
    features: list[list[float]]  # one row a candidate, in FEATURES order
    right: tuple[int, ...]  # the right candidates' indexes; none: answering nothing is right
    kind: str  # the kind of question, as sitrep reads it ("who")
    facts: tuple[str | None, ...] = ()  # each candidate's fact (`Candidate.fact`)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus/articles.jsonl"))
    parser.add_argument(
        "--seed", type=Path, default=Path("../shared/seed/000_87aeffe32afe1305.txt")
    )
    parser.add_argument("--write", type=Path, help="save the weights to this YAML file")
    parser.add_argument(
        "--penalty", type=float, default=3.0,
        help="how many right answers one confident answer to an unanswerable question costs",
    )
    options = parser.parse_args()
    examples = _examples(options)
    sources = sorted({example.source for example in examples})
    print(f"{len(examples)} questions from {len(sources)} files")
    thresholds: list[float] = []
    if len(sources) > 1:
        print("leave-one-file-out (weights learnt from the other files):")
        for held in sources:
            weights = _fit([e for e in examples if e.source != held], options.penalty)
            thresholds.append(weights.min_confidence)
            print(f"  {held}: {_report([e for e in examples if e.source == held], weights)}")
    weights = _fit(examples, options.penalty)
    if thresholds:
        # The level that is best on all the questions at once may owe much to a few of
        # them; the median of the levels learnt without each file is steadier.
        weights = _with_levels(
            examples, weights, options.penalty, statistics.median(thresholds)
        )
    print(f"learnt from all: {_report(examples, weights)}")
    document = {
        "weights": {name: round(weights.weights[name], 4) for name in FEATURES},
        "abstain": round(weights.abstain, 4),
        "min_confidence": round(weights.min_confidence, 4),
        "min_confidence_by_kind": {
            kind: round(level, 4) for kind, level in sorted(weights.kind_min_confidence.items())
        },
    }
    print(yaml.safe_dump(document, sort_keys=False))
    if options.write:
        header = (
            "# How sitrep chooses a follow-up's answer among its best sentences' answers\n"
            "# (digests/qa/choice.py). Learnt by bench/train_answer_weights.py from\n"
            f"# {', '.join(sources)}; retrain rather than edit by hand.\n"
        )
        options.write.write_text(header + yaml.safe_dump(document, sort_keys=False))
        print(f"written to {options.write}")


def _examples(options: argparse.Namespace) -> list[Example]:
    extractor = load_extractor(CONFIG)
    vocabulary = load_words(CONFIG)
    examples: list[Example] = []
    with tempfile.TemporaryDirectory() as folder:
        store, names = corpus_store(Path(folder), options.corpus, options.seed, extractor)
        for path in options.questions:
            for item in read_questions(path):
                candidates = answer_candidates(
                    store, item["question"], vocabulary=vocabulary, actors=extractor.actors
                )
                right = tuple(
                    index for index, candidate in enumerate(candidates)
                    if item["answerable"] and is_right(item, candidate.answer, names)
                )
                examples.append(Example(
                    source=path.name,
                    answerable=item["answerable"],
                    features=[[c.features.get(name, 0.0) for name in FEATURES]
                              for c in candidates],
                    right=right,
                    kind=candidates[0].answer.kind if candidates else "",
                    facts=tuple(candidate.fact for candidate in candidates),
                ))
    return examples


def _as_weights(parameters: list[float], min_confidence: float = 0.0) -> AnswerWeights:
    return AnswerWeights(
        weights=dict(zip(FEATURES, parameters[:-1], strict=True)),
        abstain=parameters[-1],
        min_confidence=min_confidence,
    )


def _chances(example: Example, weights: AnswerWeights) -> list[float]:
    return probabilities(
        [dict(zip(FEATURES, row, strict=True)) for row in example.features], weights
    )


def _fit(examples: list[Example], penalty: float) -> AnswerWeights:
    """The weights maximising the likelihood of the right choices, by L-BFGS."""
    size = len(FEATURES)
    rows = [np.array(example.features, dtype=float).reshape(-1, size) for example in examples]

    def loss(parameters: np.ndarray) -> tuple[float, np.ndarray]:
        weights, abstain = parameters[:size], parameters[size]
        total, gradient = 0.0, np.zeros(size + 1)
        for example, features in zip(examples, rows, strict=True):
            scores = np.append(features @ weights, abstain)
            scores -= scores.max()
            chances = np.exp(scores) / np.exp(scores).sum()
            right = list(example.right) or [len(scores) - 1]
            held = chances[right].sum()
            total -= math.log(held)
            # d(-log sum of the right p)/d(score_i) = p_i - [i is right] p_i / that sum
            chances[right] -= chances[right] / held
            gradient[:size] += features.T @ chances[:-1]
            gradient[size] += chances[-1]
        count = len(examples)
        penalty_weights = np.append(weights, 0.0)
        return (
            total / count + _L2 * float(weights @ weights) / 2,
            gradient / count + _L2 * penalty_weights,
        )

    result = minimize(loss, np.zeros(size + 1), jac=True, method="L-BFGS-B")
    fitted = _as_weights([float(value) for value in result.x])
    return _with_levels(examples, fitted, penalty, _threshold(examples, fitted, penalty))


def _with_levels(
    examples: list[Example], weights: AnswerWeights, penalty: float, level: float
) -> AnswerWeights:
    """`weights` answering at `level`, and each kind of question halfway between that and
    the level best for its own questions: a kind's few questions move its level, not all
    the way."""
    by_kind = {
        kind: (level + _threshold([e for e in examples if e.kind == kind], weights, penalty)) / 2
        for kind in ASKED_KINDS
        if any(example.kind == kind for example in examples)
    }
    return dataclasses.replace(weights, min_confidence=level, kind_min_confidence=by_kind)


def _threshold(examples: list[Example], weights: AnswerWeights, penalty: float) -> float:
    """The least probability to answer at: most right answers less `penalty` for each
    confident answer to an unanswerable question."""
    picks = []
    for example in examples:
        chances = _chances(example, weights)
        if chances:
            best, chance = best_index(chances, example.facts)
            picks.append((chance, example, best))
    best_gain, best_level = -math.inf, 0.0
    for level in sorted({0.0, *(chance for chance, _, _ in picks)}):
        answered = [(example, best) for chance, example, best in picks if chance >= level]
        right = sum(best in example.right for example, best in answered)
        wrong_unanswerable = sum(not example.answerable for example, _ in answered)
        gain = right - penalty * wrong_unanswerable
        if gain > best_gain:
            best_gain, best_level = gain, level
    return best_level


def _report(examples: list[Example], weights: AnswerWeights) -> str:
    right = answered_unanswerable = 0
    for example in examples:
        chances = _chances(example, weights)
        if not chances:
            continue
        best, chance = best_index(chances, example.facts)
        if chance < weights.least_confidence(example.kind):
            continue
        right += best in example.right
        answered_unanswerable += not example.answerable
    answerable = sum(example.answerable for example in examples)
    reachable = sum(bool(example.right) for example in examples)
    unanswerable = len(examples) - answerable
    return (
        f"{right}/{answerable} right ({right / max(answerable, 1):.1%}; a right candidate "
        f"existed for {reachable}), {answered_unanswerable}/{unanswerable} unanswerable answered"
    )


if __name__ == "__main__":
    main()
