"""Choosing an answer among candidates by learnt weights (config/answer_weights.yaml), or
none; mistakes in the weights file named clearly."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from digests.qa.answer import Answer, Citation
from digests.qa.choice import (
    FEATURES,
    AnswerWeights,
    AnswerWeightsError,
    Candidate,
    build_weights,
    choose,
    load_weights,
    probabilities,
)
from digests.qa.vocabulary import load_vocabulary
from digests.resources import config_dir


def _candidate(text: str, **features: float) -> Candidate:
    return Candidate(Answer("q?", "who", text, 0.9), features)


WEIGHTS = AnswerWeights(weights={"fact": 2.0, "support": 1.0}, abstain=1.0, min_confidence=0.4)


def test_the_likeliest_candidate_answers_with_its_probability_as_confidence() -> None:
    candidates = [_candidate("Nairobi."), _candidate("Garsen.", fact=1.0, support=1.0)]
    chances = probabilities([candidate.features for candidate in candidates], WEIGHTS)
    # e^0, e^3 and e^1 for answering nothing
    total = 1 + 2.718281828**3 + 2.718281828
    assert chances == pytest.approx([1 / total, 2.718281828**3 / total])
    answer = choose(candidates, WEIGHTS)
    assert answer is not None and answer.text == "Garsen."
    assert answer.confidence == pytest.approx(chances[1])


def _cited(text: str, document_id: int, given: str | None, **features: float) -> Candidate:
    citation = Citation(document_id, f"Story {document_id}", None, None, text, "")
    return Candidate(Answer("q?", "where", text, 0.9, (citation,)), features, given)


def test_other_documents_giving_the_same_fact_are_cited_after_the_chosen_one() -> None:
    candidates = [
        _cited("Tehran. Haniyeh was killed in Tehran.", 1, "tehran", fact=1.0, support=1.0),
        _cited("Tehran. Haniyeh died in Tehran.", 1, "tehran"),  # same document: once
        _cited("Doha. Haniyeh lived in Doha.", 2, "doha"),
        _cited("the Iranian capital. He died in the Iranian capital.", 3, "iranian capital"),
        _cited("tehran. He was buried after dying in tehran.", 4, "tehran"),
        _cited("Tehran. He was in Tehran.", 5, "tehran"),
        _cited("Tehran. Killed in Tehran.", 6, "tehran"),  # two others at most
    ]
    answer = choose(candidates, WEIGHTS)
    assert answer is not None and answer.text == "Tehran. Haniyeh was killed in Tehran."
    assert [citation.document_id for citation in answer.citations] == [1, 4, 5]
    # A candidate without a fact of the kind asked for has nothing to corroborate.
    alone = [_cited("Haniyeh was killed.", 1, None, fact=2.0), _cited("x", 2, None)]
    chosen = choose(alone, WEIGHTS)
    assert chosen is not None and [c.document_id for c in chosen.citations] == [1]


def test_sentences_giving_the_same_fact_add_up_to_its_probability() -> None:
    # Each "Akhunzada" sentence alone is below 0.4 and behind "Mansour"'s, but together
    # they make the likeliest fact; its likeliest sentence answers, with the sum.
    candidates = [
        _cited("Mansour. Mansour was killed.", 1, "mansour", fact=1.0, support=0.5),
        _cited("Akhunzada. Akhunzada rejected the offer.", 2, "akhunzada", fact=1.0),
        _cited("Akhunzada. Akhunzada leads the Taliban.", 2, "akhunzada", fact=0.9),
        _cited("Akhunzada. The offer was turned down.", 3, "akhunzada", fact=0.8),
    ]
    chances = probabilities([candidate.features for candidate in candidates], WEIGHTS)
    assert max(chances[1:]) < chances[0] < 0.4
    answer = choose(candidates, WEIGHTS)
    assert answer is not None and answer.text == "Akhunzada. Akhunzada rejected the offer."
    assert answer.confidence == pytest.approx(sum(chances[1:]))
    assert [citation.document_id for citation in answer.citations] == [2, 3]
    # Candidates without a fact are not added together.
    factless = [dataclasses.replace(candidate, fact=None) for candidate in candidates]
    assert choose(factless, WEIGHTS) is None


def test_no_candidate_likely_enough_means_no_answer() -> None:
    # Two equal candidates and answering nothing: a third each, below 0.4.
    candidates = [_candidate("Nairobi.", fact=0.5), _candidate("Garsen.", fact=0.5)]
    assert choose(candidates, WEIGHTS) is None
    assert choose([], WEIGHTS) is None


def test_a_kind_of_question_may_answer_at_its_own_level() -> None:
    # Two equal candidates and answering nothing: a third each.
    candidates = [_candidate("Nairobi.", fact=0.5), _candidate("Garsen.", fact=0.5)]
    assert choose(candidates, WEIGHTS) is None  # below 0.4
    lower_for_who = dataclasses.replace(WEIGHTS, kind_min_confidence={"who": 0.3})
    answer = choose(candidates, lower_for_who)
    assert answer is not None and answer.confidence == pytest.approx(1 / 3)
    # Another kind keeps the common level.
    assert choose(candidates, dataclasses.replace(
        WEIGHTS, kind_min_confidence={"where": 0.3})) is None
    read = build_weights({"weights": {}, "min_confidence": 0.4,
                          "min_confidence_by_kind": {"who": 0.3}})
    assert read.least_confidence("who") == 0.3 and read.least_confidence("where") == 0.4


def test_the_shipped_weights_weigh_every_measure() -> None:
    weights = load_weights(config_dir())
    assert set(weights.weights) == set(FEATURES)
    assert 0 < weights.min_confidence < 1
    # Holding the fact asked for, close to the question's words, makes an answer likelier.
    assert weights.weights["fact"] > 0 and weights.weights["support"] > 0


def test_a_folder_without_a_weights_file_uses_the_shipped_one(tmp_path: Path) -> None:
    assert load_weights(tmp_path) == load_weights(config_dir())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping with weights"),
        ({"abstain": 1.0}, "expected a mapping with weights"),
        ({"weights": {"luck": 1.0}}, "unknown measure luck; known: score"),
        ({"weights": {"fact": "high"}}, "fact must be a number"),
        ({"weights": {"fact": True}}, "fact must be a number"),
        ({"weights": {}, "min_confidence": 1.5}, "min_confidence must be between 0 and 1"),
        ({"weights": {}, "min_confidence_by_kind": [0.4]}, "must map a kind of question"),
        ({"weights": {}, "min_confidence_by_kind": {"why": 0.4}},
         "unknown kind of question why in min_confidence_by_kind; known: what, who"),
        ({"weights": {}, "min_confidence_by_kind": {"who": 2}},
         "min_confidence_by_kind: who must be a number between 0 and 1"),
    ],
)
def test_mistakes_name_the_file_and_the_entry(data: object, message: str) -> None:
    with pytest.raises(AnswerWeightsError, match=r"answer_weights\.yaml") as raised:
        build_weights(data, "answer_weights.yaml")
    assert message in str(raised.value)


def test_a_broken_weights_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "answer_weights.yaml").write_text("weights: {fact: [1\n", encoding="utf-8")
    with pytest.raises(AnswerWeightsError, match=r"answer_weights\.yaml: not valid YAML"):
        load_weights(tmp_path)


def test_a_folders_own_weights_replace_the_shipped_ones(tmp_path: Path) -> None:
    shutil.copy(config_dir() / "answers.yaml", tmp_path / "answers.yaml")
    (tmp_path / "answer_weights.yaml").write_text(
        "weights: {fact: 1.0}\nabstain: 0.0\nmin_confidence: 1.0\n", encoding="utf-8"
    )
    vocabulary = load_vocabulary(tmp_path)
    assert vocabulary.weights == AnswerWeights({"fact": 1.0}, 0.0, 1.0)
    assert "who" in vocabulary.stop_words  # the words still come from answers.yaml
