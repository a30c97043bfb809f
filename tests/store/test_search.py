from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from digests.documents import LoadedDocument
from digests.store import search as search_module
from digests.store.documents import save_documents
from digests.store.engine import Store, open_store
from digests.store.models import Claim
from digests.store.search import document_frequencies, search, search_words, stored_documents


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


def test_all_words_must_match_by_default(store: Store, filled: dict[str, int], way: str) -> None:
    assert [hit.id for hit in search(store, "training camps Kandahar")] == [filled["camps"]]
    assert search(store, "camps propaganda") == []


def test_any_word_ranks_better_matches_first(
    store: Store, filled: dict[str, int], way: str
) -> None:
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


def _save(store: Store, *texts: str) -> list[int]:
    """Store each text as a document, in order (later ones are newer); their ids."""
    saved = save_documents(
        store, [LoadedDocument(text=t, title=f"d{n}", source="t") for n, t in enumerate(texts)]
    )
    return [s.document_id for s in saved]


@pytest.fixture(params=["through the index", "newest rows first"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The two ways PostgreSQL finds the newest matches: all of them through the index,
    or (more matches than it reads that way) the newest rows read one by one."""
    if request.param == "newest rows first":
        monkeypatch.setattr(search_module, "_FROM_INDEX", 1)
    return str(request.param)


@pytest.fixture(
    params=[
        ("sqlite", ""),
        ("postgresql", "through the index"),
        ("postgresql", "newest rows first"),
    ],
    ids=["sqlite", "postgresql-through-the-index", "postgresql-newest-rows-first"],
)
def newest_store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """A fresh store ranking just the newest matches. PostgreSQL finds them in two ways:
    all of them through the index, or (more matches than it reads that way) the newest
    rows read one by one."""
    dialect, way = request.param
    if way == "newest rows first":
        monkeypatch.setattr(search_module, "_FROM_INDEX", 1)
    opened = open_store(request.getfixturevalue(f"{dialect}_url"))
    yield opened
    opened.close()


def test_only_the_newest_matches_are_ranked(newest_store: Store) -> None:
    store = newest_store
    # The oldest report says "attack" most often, so it would rank first among all five.
    ids = _save(
        store,
        "Attack after attack: the attack on the convoy.",
        *(f"An attack on post {n} was reported." for n in range(4)),
    )
    assert search(store, "attack")[0].id == ids[0]
    capped = search(store, "attack", most_ranked=2)
    assert {hit.id for hit in capped} == set(ids[-2:])


def test_a_rare_word_is_not_crowded_out_by_a_common_one(newest_store: Store) -> None:
    store = newest_store
    ids = _save(
        store,
        "Fighters attacked a checkpoint near Zarghun.",
        *(f"Fighters attacked post {n}." for n in range(5)),
    )
    hits = search(store, "fighters zarghun", match_all=False, most_ranked=2)
    # The old Zarghun report holds both words and ranks first; of the common word's other
    # matches only the newest two are ranked.
    assert hits[0].id == ids[0]
    assert {hit.id for hit in hits} == {ids[0], *ids[-2:]}


def test_document_frequencies_count_documents_holding_each_word(
    store: Store, filled: dict[str, int]
) -> None:
    assert document_frequencies(
        store, ["reports", "fighter", "kandahar", "absent", "two words"]
    ) == {
        "reports": 3,  # "report" and "reports" alike
        "fighter": 1,
        "kandahar": 1,
        "absent": 0,
    }


def test_frequencies_of_common_words_are_estimated_from_the_newest_documents(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Words held by more documents than are counted exactly have their number estimated
    # from the newest documents: one in two holds "attack", one in ten "kandahar".
    _save(
        store,
        *(
            f"Report {n}: {'an attack' if n % 2 else 'a meeting'}"
            f"{' in Kandahar' if n == 5 else ''}."
            for n in range(10)
        ),
    )
    monkeypatch.setattr(search_module, "COUNTED_EXACTLY", 2)
    assert document_frequencies(store, ["attack", "kandahar", "report", "absent"]) == {
        "attack": 5,
        "kandahar": 1,  # fewer than are counted exactly: counted
        "report": 10,
        "absent": 0,
    }


def test_claims_holding_rarer_words_rank_first(store: Store, add_document, make_claim) -> None:
    texts = [
        "fighters crossed near Zarghun",  # the rare word: first, though the oldest
        "fighters crossed the border at night",  # two common words
        *(f"fighters moved to post {n}" for n in range(6)),
        "fighters crossed again",
    ]
    for claim_text in texts:
        add_document(make_claim("Police", "report", claim_text))
    with store.session() as session:
        ids = {row.text: row.id for row in session.execute(select(Claim.text, Claim.id))}
    hits = search(store, "fighters crossed zarghun", target="claims", match_all=False)
    assert hits[0].id == ids[texts[0]]
    # Of the claims holding both common words, the newest first; then those holding one.
    assert [hit.id for hit in hits[1:3]] == [ids[texts[-1]], ids[texts[1]]]
    assert hits[2].score > hits[3].score


def test_stored_documents_are_known_without_counting_them(store: Store) -> None:
    assert stored_documents(store) == 0
    _save(store, *(f"Report {n}." for n in range(7)))
    assert stored_documents(store) == 7
    if store.dialect == "postgresql":
        # Once analysed, the planner's estimate stands for the count.
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("ANALYZE documents")
        _save(store, "One more report.")
        assert stored_documents(store) == 7
