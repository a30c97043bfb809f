"""Finding the sentences that answer a question: how much of it each covers."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from digests.documents import load_sources
from digests.extract.pipeline import load_extractor
from digests.ingest import ingest
from digests.qa.evidence import find_passages
from digests.qa.question import read_question
from digests.qa.vocabulary import load_vocabulary
from digests.resources import config_dir
from digests.store.engine import Store
from digests.store.groups import all_groups

EXTRACTOR = load_extractor(config_dir())
VOCABULARY = load_vocabulary(config_dir())

# A story about one man: his name stands in nearly every sentence.
MOURNING = "\n\n".join((
    "Region mourns Hassan Nasrallah",
    "Hassan Nasrallah was killed in an air strike on Friday, his movement said.",
    "Crowds gathered in Beirut to mourn Nasrallah on Saturday.",
    "Supreme Leader Ali Khamenei declared five days of mourning across the national"
    " territory of Iran.",
    "Iraqi cleric Muqtada al-Sadr announced three days of mourning for Nasrallah in Iraq.",
    "Nasrallah led the movement for three decades.",
    "Posters of Nasrallah lined the roads to the airport.",
))
# Other stories: two name Iran's national affairs, so "Iran" and "national" are
# commoner words in the store than "Nasrallah".
OTHER_STORIES = (
    "Iran tests a missile\n\nIran said on Monday its national guard had tested a missile.",
    "Talks with Iran stall\n\nDiplomats said talks on Iran's national programme stalled.",
    "Floods in the south\n\nHeavy rain flooded three villages on Sunday.",
    "Bus crash kills six\n\nA bus left the road in the hills, police said.",
    "Port reopens\n\nThe port reopened after a week of strikes.",
)


def test_a_word_most_of_a_document_s_sentences_hold_tells_its_sentences_apart_little(
    store: Store, tmp_path: Path
) -> None:
    for number, text in enumerate((MOURNING, *OTHER_STORIES)):
        (tmp_path / f"brief{number}.txt").write_text(text, encoding="utf-8")
    ingest(store, load_sources([str(tmp_path)], max_bytes=1_000_000), extractor=EXTRACTOR)
    question = read_question(
        "how many days of national mourning for nasrallah in iran",
        all_groups(store), VOCABULARY,
    )
    passages = find_passages(store, question, vocabulary=VOCABULARY, actors=EXTRACTOR.actors)
    # "Nasrallah" is rarer in the store than "Iran" and "national", but it is what the
    # story is about: the words few of its sentences hold pick the sentence.
    assert passages[0].sentence.startswith("Supreme Leader Ali Khamenei declared five days")
    assert passages[1].sentence.startswith("Iraqi cleric")


def test_a_word_no_document_holds_weighs_half_as_much_as_a_rare_word(
    store: Store, tmp_path: Path
) -> None:
    for number, text in enumerate(OTHER_STORIES):
        (tmp_path / f"brief{number}.txt").write_text(text, encoding="utf-8")
    ingest(store, load_sources([str(tmp_path)], max_bytes=1_000_000), extractor=EXTRACTOR)
    question = read_question(
        "how many villages did heavy rain flood okd", all_groups(store), VOCABULARY
    )
    best = find_passages(store, question, vocabulary=VOCABULARY, actors=EXTRACTOR.actors)[0]
    assert best.sentence.startswith("Heavy rain flooded three villages")
    # Five stored documents: "villages", "heavy", "rain" and "flood" are held by one each,
    # log(6 / 1.5) apiece; "okd" by none, half of log(6 / 0.5): the sentence holds 0.82
    # of the question (0.69 were "okd" counted in full).
    rare, unknown = math.log(6 / 1.5), 0.5 * math.log(6 / 0.5)
    assert best.sentence_coverage == pytest.approx(4 * rare / (4 * rare + unknown))
