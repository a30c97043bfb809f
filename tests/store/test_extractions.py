"""Extraction results in the store: groups, mentions, claims, links, re-extraction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from digests.documents import LoadedDocument
from digests.extract.model import Claim, Extraction, FoundGroup, GroupEntry, GroupMention
from digests.extract.pipeline import Extractor, load_extractor
from digests.extract.watchlist import Watchlist
from digests.ingest import ingest, reextract
from digests.store.documents import save_documents
from digests.store.engine import Store
from digests.store.extractions import group_ids, load_claims, sync_watchlist
from digests.store.models import Claim as ClaimRow
from digests.store.models import ClaimLink, Group, Mention

CONFIG = Path(__file__).parents[2] / "config"


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
