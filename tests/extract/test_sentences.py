"""Sentence splitting with offsets, and quotation spans."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digests.extract.sentences import find_quotes, sentence_index, split_sentences


def texts(text: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text)]


def test_offsets_point_back_into_the_document() -> None:
    text = "  The group said so.  Police denied it!\n\nWhy? Nobody knows. "
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert texts(text) == ["The group said so.", "Police denied it!", "Why?", "Nobody knows."]


def test_abbreviations_initials_and_acronyms_do_not_end_sentences() -> None:
    text = (
        "The attack on Dec. 26 killed five. Mr. Biden spoke to Gen. Austin. "
        "Rosemary A. DiCarlo said the U.S. forces left. They went to the U.S. The next day "
        "was calm."
    )
    assert texts(text) == [
        "The attack on Dec. 26 killed five.",
        "Mr. Biden spoke to Gen. Austin.",
        "Rosemary A. DiCarlo said the U.S. forces left.",
        "They went to the U.S.",
        "The next day was calm.",
    ]


def test_a_closing_quote_stays_with_its_sentence() -> None:
    text = "“We will fight,” he said. “Nobody saw them.” Police agreed. 'Yes.' It ended."
    assert texts(text) == [
        "“We will fight,” he said.",
        "“Nobody saw them.”",
        "Police agreed.",
        "'Yes.'",
        "It ended.",
    ]


def test_paragraph_breaks_end_captions_without_full_stops() -> None:
    text = "Militants: Six men pledged loyalty\n\nThe group said it was true."
    assert texts(text) == ["Militants: Six men pledged loyalty", "The group said it was true."]


def test_a_wire_dateline_is_not_part_of_the_first_sentence() -> None:
    text = "QUETTA, PAKISTAN (REUTERS) - One leader was killed, the group said."
    assert texts(text) == ["One leader was killed, the group said."]
    assert texts("MOGADISHU, Dec 22 —At least 13 people died.") == ["At least 13 people died."]


def test_sentence_index_finds_the_sentence_holding_an_offset() -> None:
    sentences = split_sentences("One. Two. Three.")
    assert [sentence_index(sentences, offset) for offset in (0, 5, 6, 10, 15)] == [0, 1, 1, 2, 2]


def test_quotes_pair_curly_and_straight_marks_and_span_sentences() -> None:
    text = 'He said “it is over. We won.” Then "no more," she said.'
    quotes = find_quotes(text)
    assert [text[quote.start : quote.end] for quote in quotes] == [
        "“it is over. We won.”",
        '"no more,"',
    ]


def test_a_new_opening_mark_closes_a_quote_left_open() -> None:
    text = "“We have no certainty. “Nobody saw these girls.” Done."
    quotes = find_quotes(text)
    assert [(text[q.start : q.end], q.closed) for q in quotes] == [
        ("“We have no certainty.", False),
        ("“Nobody saw these girls.”", True),
    ]


def test_single_quotes_count_only_when_the_text_quotes_with_them() -> None:
    text = "'TTP claimed it,' Harf said. The Taliban's men and the fighters' camps."
    quotes = find_quotes(text)
    assert [text[q.start : q.end] for q in quotes] == ["'TTP claimed it,'"]


@given(st.text(alphabet="ab .!?\n“”\"'A", max_size=200))
def test_sentences_are_ordered_disjoint_and_exact(text: str) -> None:
    previous_end = 0
    for sentence in split_sentences(text):
        assert sentence.start >= previous_end
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.text
        previous_end = sentence.end
