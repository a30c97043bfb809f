"""Composing digests on small stores: windows, ranking, filters, same-story collapse, caps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from digests.compose import Window, WindowError, compose_digest, parse_since
from digests.store.engine import Store
from digests.store.models import Claim as ClaimRow
from digests.store.models import ClaimLink

NOW = datetime.now(UTC)
WINDOW = Window(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
TTP = "Tehrik-i-Taliban Pakistan"
BLA = "Baloch Liberation Army"
ISKP = "Islamic State Khorasan Province"


def test_empty_window(store: Store, add_document) -> None:
    add_document(ingested_at=NOW - timedelta(days=3))
    digest = compose_digest(store, channel_id="C1", window=WINDOW)
    assert digest.is_empty
    assert digest.groups == digest.claims == ()


def test_only_documents_of_the_window(store: Store, add_document, make_claim) -> None:
    add_document(
        make_claim("Police", "statement", "Old news about the TTP", (TTP,)),
        ingested_at=NOW - timedelta(days=2),
    )
    add_document(make_claim("Army", "accusation", "The BLA attacked a convoy", (BLA,)))
    digest = compose_digest(store, channel_id="C1", window=WINDOW)
    assert digest.documents == 1
    assert [c.text for c in digest.claims] == ["The BLA attacked a convoy"]
    assert [g.name for g in digest.groups] == [BLA]


def test_ranking_puts_watched_groups_first_then_what_claims_do(
    store: Store, add_document, make_claim
) -> None:
    add_document(make_claim("Officials", "statement", "The TTP held a meeting", (TTP,)))
    add_document(make_claim("The BLA", "responsibility", "The BLA claimed the bombing", (BLA,)))
    add_document(make_claim("Police", "accusation", "ISKP militants killed five guards", (ISKP,)))
    plain = compose_digest(store, channel_id="C1", window=WINDOW)
    assert [c.stance for c in plain.claims] == ["responsibility", "accusation", "statement"]
    watching = compose_digest(store, channel_id="C1", window=WINDOW, watched=[TTP, ISKP])
    assert [g.name for g in watching.groups][:1] == [ISKP]
    assert {g.name for g in watching.groups} == {TTP, ISKP}
    assert all(g.watched for g in watching.groups)
    # The watched filter drops what is about other groups, and their documents.
    assert BLA not in {n for c in watching.claims for n in c.about}
    assert watching.documents == 2
    assert (plain.claims_total, watching.claims_total) == (3, 2)


def test_same_story_from_several_outlets_is_one_item(
    store: Store, add_document, make_claim
) -> None:
    story = "The BLA claimed responsibility for the attack on the Jaffar Express train"
    add_document(make_claim("The BLA", "responsibility", story, (BLA,)), title="Wire A", outlet="A")
    add_document(
        make_claim("The BLA", "responsibility", story + " in Balochistan", (BLA,)),
        title="Wire B",
        outlet="B",
    )
    add_document(make_claim("The army", "statement", "Soldiers cleared the train", (BLA,)))
    digest = compose_digest(store, channel_id="C1", window=WINDOW)
    responsibility = [c for c in digest.claims if c.stance == "responsibility"]
    assert len(responsibility) == 1
    assert [s.title for s in responsibility[0].also_in] == ["Wire B"]
    assert responsibility[0].source_count == 2


def test_caps_send_the_rest_to_the_thread(store: Store, add_document, make_claim) -> None:
    names = [f"Group {letter} Front" for letter in "ABCDE"]
    for number, name in enumerate(names):
        add_document(
            make_claim(f"Source {number}", "accusation", f"{name} attacked post {number}", (name,)),
            make_claim(f"Other {number}", "statement", f"{name} met elders {number}", (name,)),
        )
    digest = compose_digest(store, channel_id="C1", window=WINDOW, max_groups=2, max_claims=3)
    assert len(digest.groups) == 2
    assert len(digest.more_groups) == 3
    assert len(digest.claims) == 3
    assert len(digest.more_claims) == 7
    assert digest.claims_total == 10


def test_contested_claims_and_leads(store: Store, add_document, make_claim) -> None:
    report = make_claim(
        "UN monitors", "report", "The TTP has around 6,000 fighters", (TTP,), numbers=("6,000",)
    )
    add_document(report)
    denial_id = add_document(
        make_claim(
            "Taliban",
            "denial",
            "dismissed the UN reports as propaganda",
            claimant_org="Afghan Taliban",
        ),
        groups=("Afghan Taliban",),
    )
    with store.session() as session:
        report_id, denial_claim = (
            session.execute(select(ClaimRow.id).order_by(ClaimRow.id)).scalars().all()
        )
        session.execute(
            insert(ClaimLink).values(
                claim_id=denial_claim, other_claim_id=report_id, kind="disputes"
            )
        )
    digest = compose_digest(store, channel_id="C1", window=WINDOW)
    assert [c.text for c in digest.contested] == ["dismissed the UN reports as propaganda"]
    disputed = next(c for c in digest.claims if c.id == report_id)
    assert [d.claimant for d in disputed.disputed_by] == ["Taliban"]
    # The group that speaks has its own words as its line.
    taliban = next(g for g in digest.groups if g.name == "Afghan Taliban")
    assert taliban.lead is not None and taliban.lead.stance == "denial"
    assert denial_id


@pytest.mark.parametrize("watched", [(), (TTP,)])
def test_every_lead_is_a_claim_about_its_group(
    store: Store, add_document, make_claim, watched
) -> None:
    add_document(make_claim("A", "accusation", "The TTP and BLA train together", (TTP, BLA)))
    add_document(make_claim("B", "report", "The BLA has new camps", (BLA,)))
    digest = compose_digest(store, channel_id="C1", window=WINDOW, watched=watched)
    for group in digest.groups:
        assert group.lead is not None
        assert group.name in group.lead.groups
    leads = [g.lead.id for g in digest.groups if g.lead]
    assert len(leads) == len(set(leads))


def link(store: Store, claim_text: str, other_text: str, kind: str) -> None:
    """Store that the claim with `claim_text` corroborates or disputes the other."""
    with store.session() as session:
        ids = dict(session.execute(select(ClaimRow.text, ClaimRow.id)).all())
        session.execute(
            insert(ClaimLink).values(
                claim_id=ids[claim_text], other_claim_id=ids[other_text], kind=kind
            )
        )


def test_claims_about_no_group_come_after_the_others_best_first(
    store: Store, add_document, make_claim
) -> None:
    add_document(make_claim("Army", "statement", "The BLA met elders", (BLA,)))
    add_document(
        make_claim("Police", "report", "Roads were closed near Quetta"),
        make_claim("Police", "report", "Two bridges were damaged"),
        make_claim("Officials", "accusation", "Smugglers fired on a post"),
    )
    add_document(make_claim("Residents", "statement", "The bridges were damaged by floods"))
    link(store, "The bridges were damaged by floods", "Two bridges were damaged", "corroborates")
    digest = compose_digest(store, channel_id="C1", window=WINDOW)
    # A corroborated report before a like one that is not; the group's claim first of all.
    assert [c.text for c in (*digest.claims, *digest.more_claims)] == [
        "The BLA met elders",
        "Smugglers fired on a post",
        "Two bridges were damaged",
        "Roads were closed near Quetta",
        "The bridges were damaged by floods",
    ]
    assert digest.claims_total == 5


def test_a_dispute_about_no_group_is_shown_when_the_message_is_full(
    store: Store, add_document, make_claim
) -> None:
    for number in range(4):
        add_document(make_claim("Police", "accusation", f"The TTP attacked post {number}", (TTP,)))
    add_document(make_claim("Villagers", "denial", "Nobody attacked post 2"))
    link(store, "Nobody attacked post 2", "The TTP attacked post 2", "disputes")
    digest = compose_digest(store, channel_id="C1", window=WINDOW, max_claims=1)
    assert [c.text for c in digest.contested] == ["Nobody attacked post 2"]
    assert [c.text for c in digest.contested[0].disputes] == ["The TTP attacked post 2"]
    assert digest.claims_total == 5
    # The disputed claim ranks first: of like claims, a contested one is the more telling.
    assert [c.text for c in digest.claims] == ["The TTP attacked post 2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", NOW - timedelta(hours=24)),
        ("90m", NOW - timedelta(minutes=90)),
        ("7 days", NOW - timedelta(days=7)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T09:00+05:00", datetime(2026, 11, 1, 4, tzinfo=UTC)),
    ],
)
def test_since_forms(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "24x", "", "3000-01-01"])
def test_bad_since_says_what_works(text: str) -> None:
    with pytest.raises(WindowError) as caught:
        parse_since(text, NOW)
    assert "24h" in str(caught.value) or "future" in str(caught.value)


def test_a_window_in_another_zone_means_the_same_instants(
    store: Store, add_document, make_claim
) -> None:
    from zoneinfo import ZoneInfo

    add_document(make_claim("Army", "accusation", "The BLA attacked a convoy", (BLA,)))
    karachi = ZoneInfo("Asia/Karachi")
    local = Window(WINDOW.start.astimezone(karachi), WINDOW.end.astimezone(karachi))
    assert local.start == WINDOW.start and local.start.tzinfo == UTC
    assert compose_digest(store, channel_id="C1", window=local).documents == 1
    with pytest.raises(ValueError, match="needs a time zone"):
        Window(datetime(2026, 11, 1), NOW)
