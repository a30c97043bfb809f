"""Claim search (/claim WORDS) and its message, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select

from digests.claim_search import named_groups, render_claim_matches, search_claims
from digests.extract.watchlist import load_watchlist
from digests.messages import SlackMessage
from digests.plaintext import message_to_text
from digests.render import MAX_BLOCKS, MAX_SECTION_CHARS, make_environment
from digests.store.engine import Store
from digests.store.extractions import sync_watchlist
from digests.store.groups import GroupRecord, all_groups
from digests.store.models import Claim, ClaimLink

WATCHLIST = load_watchlist(Path(__file__).resolve().parents[1] / "config" / "groups.yaml")
ENVIRONMENT = make_environment()
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
TTP = "Tehrik-i-Taliban Pakistan"
BLA = "Baloch Liberation Army"
AFGHAN_TALIBAN = "Afghan Taliban"


@pytest.fixture
def seeded(store: Store, add_document, make_claim) -> Store:
    """A small store after the seed article: who says what about the TTP and the BLA."""
    with store.session(write=True) as session:
        sync_watchlist(session, WATCHLIST)
    add_document(
        make_claim(
            "Shafqat Ali Khan",
            "accusation",
            "India has been backing Baloch insurgents, citing documented proof of Indian "
            "involvement through support for groups like the BLA.",
            (BLA,),
            claimant_role="Foreign Office spokesperson",
            claimant_org="Foreign Office",
            cue="alleged",
            evidence=("documented proof",),
        ),
        make_claim(
            "United Nations",
            "report",
            "the TTP, estimated to have around 6,000 fighters, receives substantial "
            "operational support from elements within the Taliban.",
            (TTP, AFGHAN_TALIBAN),
            cue="reported",
            hedges=("estimated", "around"),
            numbers=("6,000",),
        ),
        title="Pakistan presses Kabul on TTP and BLA",
        url="https://example.com/seed",
        outlet="Dawn",
        ingested_at=NOW - timedelta(days=2),
    )
    add_document(
        make_claim(
            "Zabihullah Mujahid",
            "denial",
            "dismissed the UN reports as propaganda",
            (AFGHAN_TALIBAN,),
            claimant_org="Taliban",
            cue="dismissed",
        ),
        make_claim(
            "UN monitoring team",
            "report",
            "about 6,000 TTP fighters are based across the border",
            (TTP,),
            numbers=("6,000",),
        ),
        title="Kabul rejects UN report",
        outlet="Tolo",
        ingested_at=NOW - timedelta(days=1),
    )
    add_document(
        make_claim(
            "Jeeyand Baloch",
            "responsibility",
            "the group carried out the train attack",
            (BLA,),
            claimant_org=BLA,
        ),
        make_claim("Police", "statement", "an attack on a market killed five", (TTP,)),
        make_claim("Sports desk", "statement", "India won the cricket match by six wickets"),
        title="Attacks in Balochistan and Khyber",
        ingested_at=NOW - timedelta(hours=3),
    )
    return store


def link(store: Store, source: str, kind: str, target: str) -> None:
    """Link the claim whose text holds `source` to the one whose text holds `target`."""
    with store.session() as session:
        [source_id, target_id] = [
            session.scalars(select(Claim.id).where(Claim.text.contains(part))).one()
            for part in (source, target)
        ]
        session.execute(
            insert(ClaimLink).values(claim_id=source_id, other_claim_id=target_id, kind=kind)
        )


@pytest.fixture
def linked(seeded: Store) -> Store:
    """The seeded store with exactly these links: the denial disputes the UN's estimate, and
    the monitoring team's figure corroborates it."""
    with seeded.session() as session:
        session.execute(delete(ClaimLink))
    link(seeded, "dismissed the UN reports", "disputes", "estimated to have around 6,000")
    link(seeded, "about 6,000 TTP fighters", "corroborates", "estimated to have around 6,000")
    return seeded


def texts(claims) -> list[str]:
    return [claim.text for claim in claims]


def assert_within_slack_limits(message: SlackMessage) -> None:
    assert message.text.strip() and len(message.text) <= 4000
    assert 0 < len(message.blocks) <= MAX_BLOCKS
    for block in message.blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_CHARS


# --- searching ---------------------------------------------------------------------------


def test_words_find_the_claim(seeded: Store) -> None:
    found = search_claims(seeded, "India backs BLA")
    assert found[0].claimant == "Shafqat Ali Khan"
    assert found[0].text.startswith("India has been backing Baloch insurgents")
    # Whole: role, evidence, the groups it is about and the document.
    assert found[0].claimant_role == "Foreign Office spokesperson"
    assert found[0].evidence == ("documented proof",)
    assert found[0].about == (BLA,)
    assert found[0].source.title == "Pakistan presses Kabul on TTP and BLA"
    # A question works as well as keywords.
    assert search_claims(seeded, "who says India backs the BLA?")[0].id == found[0].id


def test_a_figure_finds_the_claims_that_give_it(seeded: Store) -> None:
    found = search_claims(seeded, "6,000 fighters")
    assert {c.claimant for c in found[:2]} == {"United Nations", "UN monitoring team"}
    assert all("6,000" in c.numbers for c in found[:2])


def test_a_single_word(seeded: Store) -> None:
    found = search_claims(seeded, "propaganda")
    assert texts(found) == ["dismissed the UN reports as propaganda"]
    assert found[0].stance == "denial" and found[0].cue == "dismissed"


def test_too_many_words_fall_back_to_some_of_them(seeded: Store) -> None:
    # No claim holds every word; the ones holding most of them still come back.
    found = search_claims(seeded, "propaganda accusations from Kabul zebra")
    assert texts(found)[0] == "dismissed the UN reports as propaganda"


def test_a_group_alias_finds_claims_about_the_group(seeded: Store) -> None:
    # No claim's text says "Pakistani Taliban": the alias stands for the TTP.
    found = search_claims(seeded, "Pakistani Taliban")
    # The group's three claims first; then, lower, claims holding one of the words.
    assert [TTP in c.about for c in found[:3]] == [True, True, True]
    assert all(TTP not in c.about for c in found[3:])


def test_a_group_alone_finds_its_newest_claims_about_it_or_by_it(
    store: Store, add_document, make_claim
) -> None:
    with store.session(write=True) as session:
        sync_watchlist(session, WATCHLIST)
    for number in range(60):  # more than the candidates read for a group alone (50)
        add_document(make_claim("Police", "report", f"insurgent report {number}", (BLA,)))
    # Made by the group and about no group: its own statement counts too.
    add_document(
        make_claim("Jeeyand Baloch", "warning", "more raids will follow", claimant_org=BLA)
    )
    add_document(make_claim("Police", "report", "a market closed early", (TTP,)))
    found = search_claims(store, "BLA", limit=4)
    assert texts(found) == [
        "more raids will follow",
        "insurgent report 59",
        "insurgent report 58",
        "insurgent report 57",
    ]


def test_claims_about_a_named_group_rank_higher(seeded: Store) -> None:
    # Both claims hold "attack"; only one is about the BLA, and its text never names it.
    found = search_claims(seeded, "Baluch Liberation Army attack")
    assert texts(found)[:2] == [
        "the group carried out the train attack",
        "an attack on a market killed five",
    ]
    assert found[0].speaker_group == BLA  # the group speaks, through its spokesman's org


def test_limit_and_nothing_found(seeded: Store) -> None:
    assert len(search_claims(seeded, "TTP", limit=1)) == 1
    assert search_claims(seeded, "zebra unicorn") == []
    assert search_claims(seeded, "") == []
    assert search_claims(seeded, "   ") == []
    assert search_claims(seeded, "India", limit=0) == []


def test_search_words_are_never_query_syntax(seeded: Store) -> None:
    for words in ('"', "NEAR(India BLA)", "India AND OR NOT", "'; DROP TABLE claims; --", "*"):
        search_claims(seeded, words)  # no error
    assert search_claims(seeded, "India BLA")  # and the store is intact


def test_corroboration_and_disputes_come_with_each_claim(linked: Store) -> None:
    [estimate] = [
        c for c in search_claims(linked, "6,000 fighters") if c.claimant == "United Nations"
    ]
    assert [c.claimant for c in estimate.corroborated_by] == ["UN monitoring team"]
    assert [c.claimant for c in estimate.disputed_by] == ["Zabihullah Mujahid"]
    [denial] = search_claims(linked, "propaganda")
    assert [c.claimant for c in denial.disputes] == ["United Nations"]


def test_named_groups_in_words() -> None:
    groups = [
        GroupRecord(1, BLA, "BLA", "separatist", ("BLA", "Balochistan Liberation Army"), True),
        GroupRecord(2, "Indian Mujahideen", "IM", "jihadist", (), True),
        GroupRecord(3, TTP, "TTP", "jihadist", ("Pakistani Taliban", "Pakistan's Taliban"), True),
    ]
    found, rest = named_groups("India backs the BLA", groups)
    assert ([g.name for g in found], rest) == ([BLA], ["India", "backs", "the"])
    found, rest = named_groups("pakistans taliban and balochistan liberation army", groups)
    assert [g.name for g in found] == [TTP, BLA] and rest == ["and"]
    # Two letters in lower case are a word ("im"), in capitals a name ("IM").
    assert named_groups("im sure", groups)[0] == []
    assert [g.name for g in named_groups("IM cell", groups)[0]] == ["Indian Mujahideen"]


def test_named_groups_against_the_stored_watchlist(seeded: Store) -> None:
    found, rest = named_groups("Tehreek-e-Taliban Pakistan fighters", all_groups(seeded))
    assert [g.name for g in found] == [TTP] and rest == ["fighters"]


# --- rendering ---------------------------------------------------------------------------


def test_matches_message(linked: Store) -> None:
    words = "6,000 fighters"
    message = render_claim_matches(words, search_claims(linked, words), ENVIRONMENT)
    assert_within_slack_limits(message)
    shown = message_to_text(message)
    assert shown.startswith("🔍 *2 claims matching “6,000 fighters”*")
    assert "*United Nations* · _report_ (reported)" in shown
    assert "> the TTP, estimated to have around 6,000 fighters" in shown
    assert "_hedged: estimated, around_" in shown
    assert "📰 Pakistan presses Kabul on TTP and BLA (https://example.com/seed) (Dawn)" in shown
    assert "✅ corroborated by *UN monitoring team*: about 6,000 TTP fighters" in shown
    assert "🚫 disputed by *Zabihullah Mujahid*: dismissed the UN reports as propaganda" in shown
    assert sum(block["type"] == "divider" for block in message.blocks) == 1
    assert message.text.startswith("2 claims matching “6,000 fighters”: ")
    assert "United Nations (report): the TTP, estimated" in message.text


def test_matches_message_shows_role_org_evidence_and_disputes(linked: Store) -> None:
    accusation = render_claim_matches("India BLA", search_claims(linked, "India BLA"), ENVIRONMENT)
    shown = message_to_text(accusation)
    assert (
        "*Shafqat Ali Khan* (Foreign Office spokesperson, Foreign Office) · _accusation_" in shown
    )
    assert "_evidence cited: documented proof_" in shown
    denial = message_to_text(
        render_claim_matches("propaganda", search_claims(linked, "propaganda"), ENVIRONMENT)
    )
    assert "*Zabihullah Mujahid* (Taliban) · _denial_ (dismissed)" in denial
    assert "⚖️ disputes *United Nations*: the TTP, estimated" in denial


def test_nothing_found_says_what_to_try() -> None:
    message = render_claim_matches("zebra unicorn", [], ENVIRONMENT)
    assert_within_slack_limits(message)
    assert message.text == (
        ":mag: No claims match “zebra unicorn”. Try fewer words, a group's name such as TTP, "
        "or a figure such as 6,000."
    )
    assert message.blocks[0]["text"]["text"] == message.text
    empty = render_claim_matches("  ", [], ENVIRONMENT)
    assert "Which claims?" in empty.text and "/claim India backs BLA" in empty.text


def test_many_long_claims_stay_within_slack_limits(store: Store, add_document, make_claim) -> None:
    long_text = "fighters " + "crossed the border at night " * 150
    for number in range(25):
        add_document(
            *(
                make_claim(
                    f"Source {number}-{n} " * 10,
                    "report",
                    f"{long_text} {number} {n}",
                    claimant_role="role " * 100,
                    hedges=("reportedly",) * 40,
                    evidence=("satellite images",) * 40,
                )
                for n in range(3)
            ),
            title="Long title " * 50,
            url="https://example.com/" + "x" * 800,
        )
    found = search_claims(store, "fighters border", limit=75)
    assert len(found) == 75
    message = render_claim_matches("fighters border", found, ENVIRONMENT)
    assert_within_slack_limits(message)
    shown = message_to_text(message)
    claims_shown = shown.count("> fighters crossed")
    assert 0 < claims_shown < 75
    assert f"*{claims_shown} claims matching" in shown  # the title counts what is shown


def test_hostile_text_is_escaped(store: Store, add_document, make_claim) -> None:
    hostile = "<!channel> <!here> <@U123> <https://evil.example|click>"
    add_document(
        make_claim(
            hostile,
            "accusation",
            f"fighters {hostile}",
            (BLA,),
            claimant_role=hostile,
            claimant_org=hostile,
            cue=hostile,
            hedges=(hostile,),
            evidence=(hostile,),
        ),
        make_claim(hostile, "denial", f"fighters deny {hostile}", (BLA,)),
        title=hostile,
        url=f"https://example.com/|{hostile}",
        outlet=hostile,
    )
    with store.session() as session:
        session.execute(delete(ClaimLink))
    found = search_claims(store, "fighters")
    with store.session() as session:
        session.execute(
            insert(ClaimLink).values(
                claim_id=found[1].id, other_claim_id=found[0].id, kind="disputes"
            )
        )
    found = search_claims(store, "fighters")
    assert any(c.disputed_by or c.disputes for c in found)
    for words, claims in ((f"fighters {hostile}", found), (hostile, [])):
        message = render_claim_matches(words, claims, ENVIRONMENT)
        payload = json.dumps(message.as_payload(), ensure_ascii=False)
        for dangerous in ("<!channel>", "<!here>", "<@U123>", "<https://evil"):
            assert dangerous not in payload
        assert "&lt;!channel&gt;" in payload


def test_a_possessive_still_names_its_group() -> None:
    groups = [GroupRecord(1, "Baloch Liberation Army", "BLA", "separatist", (), True)]
    found, rest = named_groups("the BLA's spokesman", groups)
    assert [group.short for group in found] == ["BLA"]
    assert rest == ["the", "spokesman"]
