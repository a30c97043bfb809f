"""Extraction results in the store: groups, mentions, claims, links, re-extraction."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import cycle
from pathlib import Path

import pytest
from sqlalchemy import func, select

import digests.store.extractions
from digests.documents import LoadedDocument, load_sources
from digests.extract.links import relate
from digests.extract.model import Claim, Extraction, FoundGroup, GroupEntry, GroupMention
from digests.extract.pipeline import Extractor, load_extractor
from digests.extract.watchlist import Watchlist
from digests.ingest import IngestOutcome, ingest, reextract
from digests.store.documents import save_documents
from digests.store.engine import Store
from digests.store.extractions import group_ids, load_claims, sync_watchlist
from digests.store.models import Claim as ClaimRow
from digests.store.models import ClaimLink, Group, Mention

CONFIG = Path(__file__).parents[2] / "config"
EXAMPLES = Path(__file__).parents[2] / "examples" / "documents"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(CONFIG)


def doc(text: str, title: str = "T") -> LoadedDocument:
    return LoadedDocument(text=text, title=title, source="test")


def count(store: Store, model: type) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_watchlist_sync_adds_updates_and_retires_groups(store: Store) -> None:
    before = Watchlist.from_entries(
        [
            GroupEntry("Alpha Front", "AF", "militant", ("Alpha",)),
            GroupEntry("Beta Army", "BA", "insurgent"),
        ]
    )
    after = Watchlist.from_entries(
        [
            GroupEntry("Alpha Front", "ALF", "militant", ("Alpha", "Alfa")),
            GroupEntry("Gamma Brigade", "GB", "wing"),
        ]
    )
    with store.session(write=True) as session:
        sync_watchlist(session, before)
    with store.session(write=True) as session:
        sync_watchlist(session, after)
    with store.session() as session:
        rows = {row.name: row for row in session.scalars(select(Group))}
    assert (rows["Alpha Front"].short, rows["Alpha Front"].aliases) == ("ALF", ["Alpha", "Alfa"])
    assert rows["Gamma Brigade"].on_watchlist
    # Kept for its mentions and claims, no longer on the watchlist.
    assert not rows["Beta Army"].on_watchlist


def test_ingest_stores_groups_mentions_and_claims(store: Store, extractor: Extractor) -> None:
    text = (
        "The Baloch Liberation Army (BLA) claimed responsibility for the attack, a spokesman "
        "said. Officials said the BLA had killed 12 soldiers."
    )
    summary = ingest(store, [doc(text)], extractor=extractor)
    assert summary.ingested == 1
    with store.session() as session:
        names = set(
            session.scalars(select(Group.name).join(Mention, Mention.group_id == Group.id)).all()
        )
        assert names == {"Baloch Liberation Army"}
        claims = session.scalars(select(ClaimRow)).all()
        stances = sorted(claim.stance for claim in claims)
    assert "responsibility" in stances
    assert count(store, ClaimRow) >= 2
    # The whole watchlist is in the groups table, so /group works before any mention.
    assert count(store, Group) == len(extractor.watchlist.groups)


def test_a_denial_is_linked_to_the_report_it_disputes(store: Store, extractor: Extractor) -> None:
    report = (
        "A UN monitoring team reported that the Tehreek-e-Taliban Pakistan (TTP) had around "
        "6,000 fighters in Afghanistan."
    )
    denial = "The Taliban dismissed the UN report about the TTP as propaganda."
    ingest(store, [doc(report, "UN report"), doc(denial, "Taliban reply")], extractor=extractor)
    with store.session() as session:
        links = session.execute(
            select(ClaimLink.kind, ClaimRow.stance).join(
                ClaimRow, ClaimRow.id == ClaimLink.claim_id
            )
        ).all()
    assert ("disputes", "denial") in links


def test_duplicates_are_not_extracted_twice(store: Store, extractor: Extractor) -> None:
    text = "Police said the TTP attacked a checkpost in Bannu."
    ingest(store, [doc(text)], extractor=extractor)
    claims = count(store, ClaimRow)
    ingest(store, [doc(text)], extractor=extractor)
    assert count(store, ClaimRow) == claims


def test_groups_not_on_the_watchlist_are_stored_as_such(store: Store, extractor: Extractor) -> None:
    extraction = Extraction(
        groups=(FoundGroup("Nowhere Liberation Front", "NLF", "militant", 1, on_watchlist=False),),
        mentions=(GroupMention("Nowhere Liberation Front", "NLF", 0, 3, "acronym"),),
        claims=(
            Claim(
                "a spokesman",
                "",
                "",
                "said",
                "statement",
                "the NLF exists",
                "x",
                ("Nowhere Liberation Front",),
            ),
        ),
    )

    class Fixed:
        watchlist = extractor.watchlist

        def extract(self, text: str) -> Extraction:
            return extraction

    save_documents(store, [doc("NLF text.")], Fixed())  # type: ignore[arg-type]
    with store.session() as session:
        row = session.scalars(select(Group).where(Group.name == "Nowhere Liberation Front")).one()
        assert (row.short, row.on_watchlist) == ("NLF", False)
        [stored] = load_claims(session, list(session.scalars(select(ClaimRow.id))))
    assert stored.claim.about == ("Nowhere Liberation Front",)


def test_reextract_replaces_what_was_extracted(store: Store, extractor: Extractor) -> None:
    texts = [
        "Police said the TTP attacked a checkpost in Bannu.",
        "The army said the BLA attacked a convoy in Kech.",
    ]
    save_documents(store, [doc(t, f"d{i}") for i, t in enumerate(texts)])  # without extraction
    assert count(store, ClaimRow) == 0
    summary = reextract(store, extractor, batch_size=1)
    assert summary.documents == 2
    first = count(store, ClaimRow)
    assert first == summary.claims >= 2
    again = reextract(store, extractor)
    assert count(store, ClaimRow) == first == again.claims
    assert count(store, Mention) == again.mentions


def test_sync_watchlist_is_idempotent(store: Store, extractor: Extractor) -> None:
    with store.session(write=True) as session:
        sync_watchlist(session, extractor.watchlist)
        sync_watchlist(session, extractor.watchlist)
        assert len(group_ids(session)) == len(extractor.watchlist.groups)


# Corpus-like documents: several sources saying the same things about the same groups in
# different words and documents, and the groups denying some of it.
SOURCES = (
    "A UN monitoring team",
    "Pakistani officials",
    "Analysts in Lahore",
    "The Foreign Office",
    "Police in Quetta",
    "Western diplomats",
    "The army",
)
STATEMENTS = (
    "{} said the Tehreek-e-Taliban Pakistan (TTP) had around 6,000 fighters in Afghanistan.",
    "{} said the Baloch Liberation Army (BLA) attacked a passenger train in Balochistan, "
    "killing 20 people.",
    "{} reported that the TTP receives operational support from elements within the Afghan "
    "Taliban.",
    "According to {}, the BLA and the TTP share training camps in Kandahar.",
)
DENIALS = (
    "The Taliban dismissed the UN reports as propaganda.",
    "The BLA denied attacking the passenger train in Balochistan.",
    "The Afghan Taliban denied giving operational support to the TTP.",
)


def corpus(reports: int = 36) -> list[LoadedDocument]:
    """The example documents, then `reports` short reports."""
    documents = [
        item
        for item in load_sources([str(EXAMPLES)], max_bytes=100_000)
        if isinstance(item, LoadedDocument)
    ]
    sources = cycle(SOURCES)
    for number in range(reports):
        first, second = STATEMENTS[number % 4], STATEMENTS[(number * 3 + 1) % 4]
        parts = [first.format(next(sources)), second.format(next(sources))]
        if number % 3 == 2:
            parts.append(DENIALS[number % len(DENIALS)])
        documents.append(doc(f"Report {number}\n\n" + " ".join(parts), f"Report {number}"))
    return documents


def stored_links(store: Store) -> list[tuple[int, int, str]]:
    with store.session() as session:
        rows = session.execute(select(ClaimLink.claim_id, ClaimLink.other_claim_id, ClaimLink.kind))
        return [(source, target, kind) for source, target, kind in rows]


def pairwise_links(
    store: Store, batches: Sequence[Sequence[int]], candidates: int
) -> set[tuple[int, int, str]]:
    """The links as defined, pair by pair with `relate`: each new document of a batch
    (document ids, in the order stored) weighs its claims against each other and against
    the latest `candidates` claims of other documents stored with or before its batch
    about one of the same groups; an earlier claim meets only new ones; corroboration is
    reported once (from the new claim) and never within a document."""
    with store.session() as session:
        claims = load_claims(session, session.scalars(select(ClaimRow.id)).all())
    claims.sort(key=lambda stored: stored.id)
    links: set[tuple[int, int, str]] = set()
    for batch in batches:
        last = max(stored.id for stored in claims if stored.document_id in batch)
        for document_id in batch:
            own = [stored for stored in claims if stored.document_id == document_id]
            about = {name for stored in own for name in stored.claim.about}
            earlier = [
                stored
                for stored in reversed(claims)
                if stored.id <= last
                and stored.document_id != document_id
                and about & set(stored.claim.about)
            ][:candidates]
            pool = own + earlier
            for first, a in enumerate(pool):
                for second, b in enumerate(pool):
                    if first == second or min(first, second) >= len(own):
                        continue
                    kind = relate(a.claim, b.claim)
                    if kind == "corroborates" and (
                        a.document_id == b.document_id or first > second
                    ):
                        continue
                    if kind is not None:
                        links.add((a.id, b.id, kind))
    return links


@pytest.mark.parametrize(("batch_size", "candidates"), [(7, 5), (100, 100)])
def test_stored_links_are_the_pairwise_links(
    store: Store,
    extractor: Extractor,
    monkeypatch: pytest.MonkeyPatch,
    batch_size: int,
    candidates: int,
) -> None:
    monkeypatch.setattr(digests.store.extractions, "_LINK_CANDIDATES", candidates)
    documents = corpus()
    outcomes: list[IngestOutcome] = []
    ingest(store, documents, batch_size=batch_size, extractor=extractor, on_outcome=outcomes.append)
    ids = [outcome.document_id for outcome in outcomes if outcome.kind == "ingested"]
    assert len(ids) == len(documents)
    batches = [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]
    expected = pairwise_links(store, batches, candidates)
    assert {kind for _, _, kind in expected} == {"corroborates", "disputes"}
    links = stored_links(store)
    assert len(links) == len(set(links))
    assert set(links) == expected
    # Re-extracting all in one batch links the claims among themselves alone.
    reextract(store, extractor, batch_size=len(ids))
    links = stored_links(store)
    assert len(links) == len(set(links))
    assert set(links) == pairwise_links(store, [ids], candidates)
