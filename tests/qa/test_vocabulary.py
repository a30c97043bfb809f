"""config/answers.yaml: stop words and synonyms, compared by stem; mistakes named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.qa.vocabulary import (
    VocabularyError,
    build_vocabulary,
    load_vocabulary,
    stem,
)
from digests.resources import config_dir


def test_synonyms_are_related_by_stem_both_ways() -> None:
    vocabulary = build_vocabulary({"stop_words": ["the"], "synonyms": [["killed", "dead"]]})
    assert vocabulary.related(stem("kill")) == {stem("dead")}
    assert vocabulary.related(stem("dead")) == {stem("killed")}
    assert "the" in vocabulary.stop_words


def test_the_shipped_file_loads() -> None:
    vocabulary = load_vocabulary(config_dir())
    assert "who" in vocabulary.stop_words
    assert stem("wounded") in vocabulary.related(stem("injured"))
    assert "commission" in vocabulary.not_person_words
    assert stem("assassinated") in vocabulary.related(stem("killed"))
    assert stem("parliament") in vocabulary.related(stem("mp"))  # "a member of parliament"
    assert stem("mails") in vocabulary.related(stem("emails"))  # "e-mails"
    assert "claimed" not in vocabulary.stop_words  # "which group claimed it?" searches it
    assert "think" in vocabulary.stop_words
    assert "son" in vocabulary.kin_words
    assert "civilians" in vocabulary.people_words
    assert "led" in vocabulary.role_verbs


def test_words_that_are_no_name_and_words_for_relatives() -> None:
    vocabulary = build_vocabulary(
        {"not_person_words": ["Airport"], "kin_words": ["son"], "synonyms": []}
    )
    assert vocabulary.not_person_words == {"airport"}
    assert vocabulary.kin_words == {"son"}
    with pytest.raises(VocabularyError, match="kin_words"):
        build_vocabulary({"kin_words": "son"})


def test_people_words_are_read_lower_case_and_must_be_a_list() -> None:
    vocabulary = build_vocabulary({"people_words": ["Civilians", "troops"], "synonyms": []})
    assert vocabulary.people_words == {"civilians", "troops"}
    with pytest.raises(VocabularyError, match="people_words"):
        build_vocabulary({"people_words": "civilians"})


def test_role_verbs_are_read_lower_case_and_must_be_a_list() -> None:
    vocabulary = build_vocabulary({"role_verbs": ["Led", "commands"], "synonyms": []})
    assert vocabulary.role_verbs == {"led", "commands"}
    with pytest.raises(VocabularyError, match="role_verbs"):
        build_vocabulary({"role_verbs": "led"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping"),
        ({"stop_words": ["a", True]}, "True is not a word; quote yes, no"),
        ({"synonyms": "killed dead"}, "synonyms must be a list of lists"),
        ({"synonyms": [["killed", 3]]}, "synonyms #1: 3 is not a word"),
    ],
)
def test_mistakes_name_the_file_and_the_entry(data: object, message: str) -> None:
    with pytest.raises(VocabularyError, match=r"answers\.yaml") as raised:
        build_vocabulary(data, "answers.yaml")
    assert message in str(raised.value)


def test_a_folder_without_the_file_falls_back_to_sitrep_s_own(tmp_path: Path) -> None:
    assert load_vocabulary(tmp_path) == load_vocabulary(config_dir())


def test_a_broken_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text("stop_words: [a, b\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="not valid YAML"):
        load_vocabulary(tmp_path)


def test_chat_abbreviations_and_titles_in_the_shipped_file() -> None:
    vocabulary = load_vocabulary(config_dir())
    assert stem("government") in vocabulary.related(stem("govt"))
    assert stem("department") in vocabulary.related(stem("dept"))
    assert stem("father") in vocabulary.related(stem("dad"))
    assert "dad" in vocabulary.kin_words
    assert "mullah" in vocabulary.title_words
    # "cast doubt on" and "questioned" say the same of an official.
    assert stem("questioned") in vocabulary.related(stem("doubt"))


def test_title_words_are_read_lower_case() -> None:
    vocabulary = build_vocabulary({"title_words": ["Mullah"], "synonyms": []})
    assert vocabulary.title_words == {"mullah"}
    with pytest.raises(VocabularyError, match="title_words"):
        build_vocabulary({"title_words": "mullah"})
