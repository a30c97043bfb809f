from __future__ import annotations

import pytest

from digests.documents import LoadedDocument
from digests.store.documents import save_documents
from digests.store.engine import Store
from digests.store.search import search, search_words


@pytest.fixture
def filled(store: Store) -> dict[str, int]:
    texts = {
        "camps": "Some reports point to four shared training camps in Kandahar province.",
        "un": "The UN report estimated the TTP had around 6,000 fighters in Afghanistan.",
        "denial": "The Taliban dismissed the UN reports as propaganda.",
    }
    saved = save_documents(
        store, [LoadedDocument(text=t, title=k, source="t") for k, t in texts.items()]
    )
    return {s.document.title: s.document_id for s in saved}


def test_all_words_must_match_by_default(store: Store, filled: dict[str, int]) -> None:
    assert [hit.id for hit in search(store, "training camps Kandahar")] == [filled["camps"]]
    assert search(store, "camps propaganda") == []


def test_any_word_ranks_better_matches_first(store: Store, filled: dict[str, int]) -> None:
    hits = search(store, "UN propaganda", match_all=False)
    assert hits[0].id == filled["denial"]
    assert {hit.id for hit in hits} == {filled["denial"], filled["un"]}
    assert hits[0].score >= hits[1].score


def test_stemming_finds_other_forms(store: Store, filled: dict[str, int]) -> None:
    assert [hit.id for hit in search(store, "dismissing")] == [filled["denial"]]


def test_query_syntax_in_user_text_is_only_words(store: Store, filled: dict[str, int]) -> None:
    for hostile in ['"unclosed', "TTP AND (", "NEAR(a b", "fighters*", "title:x", "-- ' ;"]:
        search(store, hostile)  # must not raise
    assert [hit.id for hit in search(store, 'fighters" OR "camps')] == []


def test_words_are_lowercased_deduplicated_and_capped() -> None:
    assert search_words("TTP ttp BLA, bla!") == ["ttp", "bla"]
    assert len(search_words(" ".join(f"w{i}" for i in range(100)))) == 32
    assert search_words("  ?! ") == []


def test_empty_query_finds_nothing(store: Store, filled: dict[str, int]) -> None:
    assert search(store, " ... ") == []


def test_claims_are_searchable_too(store: Store) -> None:
    # Claims arrive with extraction; the table is searchable from the start.
    assert search(store, "propaganda", target="claims") == []
