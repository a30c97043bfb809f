"""The words follow-up questions are read with (`config/answers.yaml`), compared by stem."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer

from digests.qa.choice import AnswerWeights, load_weights
from digests.resources import config_dir as bundled_config_dir
from digests.resources import read_yaml

ANSWERS_FILE = "answers.yaml"


class VocabularyError(ValueError):
    """The answers file is missing or malformed; the message names the file and the problem."""


@cache
def _stemmer() -> Any:
    # Porter, as SQLite's FTS5 "porter" tokenizer stems: search and scoring agree on words.
    return snowballstemmer.stemmer("porter")


@lru_cache(maxsize=200_000)  # bounded: a long-running app meets ever new words
def stem(word: str) -> str:
    """The stem of a lower-case word: "fighters" -> "fighter", "killed" -> "kill"."""
    return str(_stemmer().stemWord(word))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Stop words, and for each stem the stems that mean nearly the same."""

    stop_words: frozenset[str]
    synonyms: Mapping[str, frozenset[str]]
    dispute_stems: frozenset[str] = frozenset()  # "denied", "baseless", ... as stems
    group_words: frozenset[str] = frozenset()  # "front", "mujahideen": words naming groups
    # "Commission", "Airport": capitalised words naming a body or a thing, never a person
    not_person_words: frozenset[str] = frozenset()
    # "son", "brother": a question asking for a relative may name the answer's surname
    kin_words: frozenset[str] = frozenset()
    # "mullah", "sheikh": capitalised before a name, yet no name themselves
    title_words: frozenset[str] = frozenset()
    # "civilians", "soldiers": plural words for people, whom "how many people?" counts
    people_words: frozenset[str] = frozenset()
    # "led", "commands": what a role holder does; "who led the gang?" asks for its leader
    role_verbs: frozenset[str] = frozenset()
    # How an answer is chosen among the best sentences' (`config/answer_weights.yaml`)
    weights: AnswerWeights = field(default_factory=AnswerWeights)

    def related(self, word_stem: str) -> frozenset[str]:
        """Stems close in meaning to `word_stem`, without it."""
        return self.synonyms.get(word_stem, frozenset())


def build_vocabulary(data: Any, filename: str = "<answers>") -> Vocabulary:
    """A vocabulary from the parsed answers file; VocabularyError names what is wrong."""
    if not isinstance(data, dict):
        raise VocabularyError(f"{filename}: expected a mapping with stop_words and synonyms")
    stop_words = _words(data.get("stop_words", []), f"{filename}: stop_words")
    synonyms: dict[str, set[str]] = {}
    sets = data.get("synonyms", [])
    if not isinstance(sets, list):
        raise VocabularyError(f"{filename}: synonyms must be a list of lists of words")
    for number, words in enumerate(sets, start=1):
        stems = {stem(word.lower()) for word in _words(words, f"{filename}: synonyms #{number}")}
        for word_stem in stems:
            synonyms.setdefault(word_stem, set()).update(stems - {word_stem})
    disputes = _words(data.get("dispute_words", []), f"{filename}: dispute_words")
    group_words = _words(data.get("group_words", []), f"{filename}: group_words")
    not_person = _words(data.get("not_person_words", []), f"{filename}: not_person_words")
    kin = _words(data.get("kin_words", []), f"{filename}: kin_words")
    titles = _words(data.get("title_words", []), f"{filename}: title_words")
    people = _words(data.get("people_words", []), f"{filename}: people_words")
    role_verbs = _words(data.get("role_verbs", []), f"{filename}: role_verbs")
    return Vocabulary(
        stop_words=frozenset(word.lower() for word in stop_words),
        synonyms={key: frozenset(values) for key, values in synonyms.items()},
        dispute_stems=frozenset(stem(word.lower()) for word in disputes),
        group_words=frozenset(word.lower() for word in group_words),
        not_person_words=frozenset(word.lower() for word in not_person),
        kin_words=frozenset(word.lower() for word in kin),
        title_words=frozenset(word.lower() for word in titles),
        people_words=frozenset(word.lower() for word in people),
        role_verbs=frozenset(word.lower() for word in role_verbs),
    )


def _words(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise VocabularyError(f"{where}: expected a list of words, got {value!r}")
    wrong = [word for word in value if not isinstance(word, str) or not word]
    if wrong:
        raise VocabularyError(
            f"{where}: {', '.join(map(repr, wrong))} is not a word; quote yes, no, on, off, "
            "true and false, which YAML reads as true or false"
        )
    return value


@cache  # read once per process: edit the files and restart, like the other vocabularies
def load_vocabulary(config_dir: Path) -> Vocabulary:
    """Read `answers.yaml` and `answer_weights.yaml` from `config_dir`, or sitrep's own
    when that folder has none (a vocabulary folder made before sitrep answered questions)."""
    return dataclasses.replace(load_words(config_dir), weights=load_weights(config_dir))


def load_words(config_dir: Path) -> Vocabulary:
    """The vocabulary of `answers.yaml` alone, without the weights answers are chosen by
    (what they are learnt with)."""
    path = config_dir / ANSWERS_FILE
    if not path.exists():
        path = bundled_config_dir() / ANSWERS_FILE
    return build_vocabulary(read_yaml(path, "answers file", VocabularyError), str(path))


def stems_of(words: Iterable[str]) -> set[str]:
    return {stem(word) for word in words}
