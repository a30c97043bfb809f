"""Group profiles (/group NAME) and a group's claims ("All claims"), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, or_, select, update

from digests import profiles
from digests.compose import STANCE_ORDER
from digests.extract.model import Extraction, FoundGroup, GroupMention
from digests.extract.watchlist import load_watchlist
from digests.messages import SlackMessage
from digests.plaintext import message_to_text
from digests.profiles import (
    GroupNotFound,
    GroupProfile,
    group_claims,
    group_profile,
    render_group_claims,
    render_group_not_found,
    render_group_profile,
    suggest_groups,
)
from digests.render import MAX_BLOCKS, MAX_HEADER_CHARS, MAX_SECTION_CHARS, make_environment
from digests.store.engine import Store
from digests.store.extractions import replace_extractions, sync_watchlist
from digests.store.groups import all_groups
from digests.store.models import (
    Claim,
    ClaimGroup,
    Document,
    Group,
    GroupClaimCount,
    GroupDocumentCount,
    Mention,
)

WATCHLIST = load_watchlist(Path(__file__).resolve().parents[1] / "config" / "groups.yaml")
ENVIRONMENT = make_environment()
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
TTP = "Tehrik-i-Taliban Pakistan"
BLA = "Baloch Liberation Army"
ISKP = "Islamic State Khorasan Province"
MAJEED = "Majeed Brigade"
HOSTILE = "<!channel> <!here> <@U123> <https://evil.example|click>"


@pytest.fixture
def watched(store: Store) -> Store:
    """The store with the watchlist's groups in it, as ingesting leaves it."""
    with store.session(write=True) as session:
        sync_watchlist(session, WATCHLIST)
    return store


@pytest.fixture(params=["each document", "newest and oldest", "fallback"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The ways a profile reads a group's sightings and latest claims, all made to apply
    to a handful of documents: the time of each of its documents and all its claims;
    the newest and oldest documents, and windows of the newest; and both, when those
    windows are too few."""
    if request.param != "each document":
        monkeypatch.setattr(profiles, "_LOOKS_PER_READ", 1_000_000)
        monkeypatch.setattr(profiles, "_CLAIM_WINDOW", 1)
    if request.param == "newest and oldest":
        monkeypatch.setattr(profiles, "_EDGE_DOCUMENTS", 2)
    if request.param == "fallback":
        monkeypatch.setattr(profiles, "_EDGE_DOCUMENTS", 1)
        monkeypatch.setattr(profiles, "_CLAIM_WALK", 1)
    return str(request.param)


def profile_of(store: Store, query: str) -> GroupProfile:
    result = group_profile(store, query, WATCHLIST, now=NOW)
    assert isinstance(result, GroupProfile), result
    return result


def text_fields(value: Any) -> Iterator[str]:
    """Every string Slack shows: each "text" of a block, element or button label."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            else:
                yield from text_fields(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from text_fields(item)


def assert_within_slack_limits(message: SlackMessage) -> None:
    assert message.text.strip()
    assert len(message.text) <= 4000
    assert 0 < len(message.blocks) <= MAX_BLOCKS
    for block in message.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_CHARS
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_CHARS
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["value"]) <= 2000
                assert len(element["text"]["text"]) <= 75
    json.dumps(message.as_payload())  # what chat.postMessage is sent


def buttons(message: SlackMessage) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


# --- finding the group ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["TTP", "ttp", "pakistani taliban", "Tehreek-e-Taliban Pakistan", f"  {TTP} "]
)
def test_profile_by_any_name(watched: Store, add_document, make_claim, query: str) -> None:
    add_document(make_claim("Army", "accusation", "The TTP attacked a checkpost", (TTP,)))
    profile = profile_of(watched, query)
    assert (profile.name, profile.short, profile.kind) == (TTP, "TTP", "jihadist")
    assert profile.on_watchlist
    assert "Pakistani Taliban" in profile.aliases
    assert "TTP" not in profile.aliases  # the short name is shown as such, not as an alias


def test_misspelt_names_get_suggestions(watched: Store) -> None:
    result = group_profile(watched, "Tehrik-e-Talban", WATCHLIST, now=NOW)
    assert isinstance(result, GroupNotFound)
    assert result.query == "Tehrik-e-Talban"
    assert result.suggestions[0] == TTP
    assert 0 < len(result.suggestions) <= 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Baloch Liberaton Army", BLA),  # a typo
        ("baloch army", BLA),  # words of the name, not all of them
        ("Lashkar", "Lashkar-e-Taiba"),  # the start of several names
        ("majeed", MAJEED),
    ],
)
def test_did_you_mean_finds_prefixes_and_word_sets(
    watched: Store, query: str, expected: str
) -> None:
    result = group_profile(watched, query, WATCHLIST, now=NOW)
    assert isinstance(result, GroupNotFound)
    assert expected in result.suggestions


def test_unknown_and_empty_queries(watched: Store) -> None:
    assert group_profile(watched, "xyzzy plover", WATCHLIST, now=NOW) == GroupNotFound(
        "xyzzy plover", ()
    )
    assert group_profile(watched, "", WATCHLIST, now=NOW) == GroupNotFound("", ())
    assert group_profile(watched, "   ", WATCHLIST, now=NOW) == GroupNotFound("", ())


def test_suggestions_cover_groups_found_in_documents(store: Store, add_document) -> None:
    add_document(groups=("Jaffar Liberation Front",))
    assert suggest_groups("Jafar Liberation Front", all_groups(store)) == [
        "Jaffar Liberation Front"
    ]


def test_watchlist_group_not_yet_stored_has_an_empty_profile(store: Store) -> None:
    # A fresh store: nothing ingested, the watchlist never synced into it.
    profile = profile_of(store, "BLA")
    assert profile.name == BLA
    assert (profile.documents_7d, profile.documents_total) == (0, 0)
    assert profile.first_seen is None and profile.claims_by_stance == ()
    assert "has wing Majeed Brigade" in profile.relations


def test_group_first_found_in_documents(store: Store, add_document, make_claim) -> None:
    add_document(make_claim("Police", "statement", "The Front met", ("Jaffar Liberation Front",)))
    profile = profile_of(store, "jaffar liberation front")
    assert profile.name == "Jaffar Liberation Front"
    assert not profile.on_watchlist
    assert profile.relations == ()


# --- what the profile holds -------------------------------------------------------------


def test_relations_read_both_ways(watched: Store) -> None:
    assert "has wing Majeed Brigade" in profile_of(watched, "BLA").relations
    assert profile_of(watched, "Majeed Brigade").relations == ("wing of Baloch Liberation Army",)
    ttp = profile_of(watched, "TTP").relations
    assert "has faction Jamaat-ul-Ahrar" in ttp
    assert profile_of(watched, "Hizb-ul-Ahrar").relations == ("splinter of Jamaat-ul-Ahrar",)


def test_documents_seen_in_the_last_7_days_and_all_time(
    watched: Store, add_document, make_claim, reading: str
) -> None:
    for days in (1, 3, 10, 40):  # stored newest first: ids do not follow the times
        add_document(groups=(TTP,), ingested_at=NOW - timedelta(days=days))
    add_document(groups=(BLA,), ingested_at=NOW - timedelta(days=2))
    # A document that only refers back to the TTP ("the group") does not count.
    referring = add_document(groups=(BLA,), ingested_at=NOW - timedelta(hours=1))
    with watched.session() as session:
        ttp_id = session.scalar(select(Group.id).where(Group.name == TTP))
        session.execute(
            insert(Mention).values(
                document_id=referring,
                group_id=ttp_id,
                surface="the group",
                start=0,
                end=9,
                via="anaphora",
            )
        )
    profile = profile_of(watched, "TTP")
    assert (profile.documents_7d, profile.documents_total) == (2, 4)
    assert profile.first_seen == NOW - timedelta(days=40)
    assert profile.last_seen == NOW - timedelta(days=1)
    assert profile_of(watched, "BLA").documents_7d == 2


def test_latest_claims_by_stance(watched: Store, add_document, make_claim, reading: str) -> None:
    for day in range(5, 0, -1):  # the accusation of day 1 is the latest
        add_document(
            make_claim("Police", "accusation", f"The TTP attacked post {day}", (TTP,)),
            ingested_at=NOW - timedelta(days=day),
        )
    add_document(
        make_claim("Zabihullah", "denial", "The TTP has no bases in Afghanistan", (TTP,)),
        make_claim("Analyst", "report", "The BLA grew", (BLA,)),  # not about the TTP
        ingested_at=NOW - timedelta(days=2),
    )
    # A claim the TTP makes itself, under one of its aliases, without being about itself.
    add_document(
        make_claim("Tehreek-e-Taliban Pakistan", "responsibility", "claimed the bombing"),
        groups=(TTP,),
        ingested_at=NOW - timedelta(days=9),
    )
    profile = profile_of(watched, "TTP")
    stances = [stance for stance, _ in profile.claims_by_stance]
    assert stances == ["responsibility", "accusation", "denial"]
    assert stances == sorted(stances, key=STANCE_ORDER.index)
    by_stance = dict(profile.claims_by_stance)
    assert [c.text for c in by_stance["accusation"]] == [
        "The TTP attacked post 1",
        "The TTP attacked post 2",
        "The TTP attacked post 3",
    ]
    assert dict(profile.stance_counts) == {"responsibility": 1, "accusation": 5, "denial": 1}
    shown = {c.source.document_id for claims in by_stance.values() for c in claims}
    assert {s.document_id for s in profile.sources} == shown
    assert len(profile.sources) == 5


def test_linked_groups_are_the_most_often_named_alongside(watched: Store, add_document) -> None:
    for _ in range(3):
        add_document(groups=(TTP, BLA))
    for _ in range(2):
        add_document(groups=(TTP, ISKP))
    add_document(groups=(BLA, MAJEED))  # not with the TTP
    others = ["Lashkar-e-Taiba", "Jundallah", "al-Qaeda", "Jaish-e-Mohammed", "Afghan Taliban"]
    add_document(groups=(TTP, *others))
    profile = profile_of(watched, "TTP")
    # The top 5; ties by name, whatever the database's collation.
    assert profile.linked_groups == (
        (BLA, 3),
        (ISKP, 2),
        ("Afghan Taliban", 1),
        ("al-Qaeda", 1),
        ("Jaish-e-Mohammed", 1),
    )
    assert profile_of(watched, "Majeed Brigade").linked_groups == ((BLA, 1),)
    assert profile.linked_within is None  # named in fewer documents than are counted


def test_linked_groups_of_a_much_named_group_count_its_latest_documents(
    watched: Store, add_document, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profiles, "LINKED_DOCUMENTS", 3)
    for _ in range(2):
        add_document(groups=(TTP, ISKP))
    for _ in range(3):  # the last stored
        add_document(groups=(TTP, BLA))
    profile = profile_of(watched, "TTP")
    assert profile.documents_total == 5  # every document still counts here
    assert profile.linked_within == 3
    assert profile.linked_groups == ((BLA, 3),)
    shown = message_to_text(render_group_profile(profile, ENVIRONMENT))
    assert "*Often named with* (in its latest 3 documents): Baloch Liberation Army (3)" in shown
    bla = profile_of(watched, "BLA")  # named in 3: all of them count
    assert (bla.linked_within, bla.linked_groups) == (None, ((TTP, 3),))
    shown = message_to_text(render_group_profile(bla, ENVIRONMENT))
    assert "*Often named with:* Tehrik-i-Taliban Pakistan (3)" in shown


# --- rendering ---------------------------------------------------------------------------


def test_profile_message(watched: Store, add_document, make_claim) -> None:
    add_document(
        make_claim(
            "Shafqat Ali Khan",
            "accusation",
            "India has been backing Baloch insurgents",
            (BLA,),
            claimant_role="Foreign Office spokesperson",
            evidence=("documented proof",),
        ),
        groups=(TTP,),
        title="Pakistan presses Kabul",
        url="https://example.com/a",
        outlet="Dawn",
        ingested_at=NOW - timedelta(days=1),
    )
    message = render_group_profile(profile_of(watched, "BLA"), ENVIRONMENT)
    assert_within_slack_limits(message)
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Baloch Liberation Army (BLA)"},
    }
    assert buttons(message) == {"group_all_claims": BLA, "group_watch": BLA}
    labels = [e["text"]["text"] for e in message.blocks[-1]["elements"]]
    assert labels == ["All claims", "Watch in this channel"]
    shown = message_to_text(message)
    assert "separatist · on the watchlist" in shown
    assert "Balochistan Liberation Army" in shown  # an alias
    assert "has wing Majeed Brigade" in shown
    assert "1 document in the last 7 days · 1 in all" in shown
    assert "Accusations" in shown and "Shafqat Ali Khan" in shown
    assert "documented proof" in shown
    assert "*Often named with:* Tehrik-i-Taliban Pakistan (1)" in shown
    assert "Pakistan presses Kabul (https://example.com/a) (Dawn)" in shown
    assert "Baloch Liberation Army" in message.text and "Shafqat Ali Khan" in message.text


def test_profile_without_claims_says_so(watched: Store) -> None:
    message = render_group_profile(profile_of(watched, "BLA"), ENVIRONMENT)
    assert_within_slack_limits(message)
    assert "No claims about BLA yet" in message_to_text(message)
    assert "0 documents in the last 7 days · 0 in all" in message_to_text(message)


def test_huge_group_stays_within_slack_limits(store: Store, add_document, make_claim) -> None:
    name = "Front" + " very long name" * 19  # 290 characters, near the column's 300
    long_text = "the front " + "fought and held the line " * 200
    for number in range(30):
        add_document(
            # The group speaks (no `about`), so storing skips linking across documents.
            *(
                make_claim(name, stance, f"{number} {long_text}", claimant_role="x " * 500)
                for stance in STANCE_ORDER
            ),
            groups=(name, *(f"Ally {n}" for n in range(10))),
            title="A title " * 60,
            url="https://example.com/" + "p" * 500,
            outlet="Outlet " * 30,
        )
    profile = profile_of(store, name)
    assert len(profile.claims_by_stance) == len(STANCE_ORDER)
    message = render_group_profile(profile, ENVIRONMENT)
    assert_within_slack_limits(message)
    assert buttons(message)["group_all_claims"] == name

    claims, total = group_claims(store, name, limit=200)
    assert total == 30 * len(STANCE_ORDER) and len(claims) == 200
    page = render_group_claims(name, claims, total, 0, ENVIRONMENT)
    assert_within_slack_limits(page)
    # What did not fit is on the next page: the button's offset is where this one stopped.
    shown = message_to_text(page).count("the front fought")  # once per claim
    assert 0 < shown < 200
    assert buttons(page)["group_more_claims"] == f"{name}|{shown}"


def test_hostile_text_is_escaped(watched: Store, add_document, make_claim) -> None:
    add_document(
        make_claim(
            HOSTILE,
            "accusation",
            f"{HOSTILE} attacked",
            (TTP,),
            claimant_role=HOSTILE,
            hedges=(HOSTILE,),
            evidence=(HOSTILE,),
        ),
        groups=(BLA,),
        title=HOSTILE,
        url=f"https://example.com/|{HOSTILE}",
        outlet=HOSTILE,
        ingested_at=NOW - timedelta(hours=2),
    )
    profile = profile_of(watched, "TTP")
    for message in (
        render_group_profile(profile, ENVIRONMENT),
        render_group_claims(TTP, *group_claims(watched, TTP), 0, ENVIRONMENT),
        render_group_not_found(GroupNotFound(HOSTILE, (HOSTILE,)), ENVIRONMENT),
        render_group_not_found(GroupNotFound(HOSTILE, ()), ENVIRONMENT),
    ):
        payload = json.dumps(message.as_payload(), ensure_ascii=False)
        for dangerous in ("<!channel>", "<!here>", "<@U123>", "<https://evil"):
            assert dangerous not in payload
        assert "&lt;!channel&gt;" in payload


def test_hostile_group_name_is_escaped_where_shown(store: Store, add_document, make_claim) -> None:
    name = "<!channel> Front & Co"
    add_document(make_claim("Police", "statement", "The Front met", (name,)))
    profile = profile_of(store, name)
    messages = [
        render_group_profile(profile, ENVIRONMENT),
        render_group_claims(name, *group_claims(store, name), 0, ENVIRONMENT),
    ]
    for message in messages:
        shown = [message.text, *text_fields(list(message.blocks))]
        assert all("<!channel>" not in text for text in shown)
        assert any("&lt;!channel&gt; Front &amp; Co" in text for text in shown)
    # Button values are never shown; they carry the name back exactly.
    assert buttons(messages[0])["group_watch"] == name


def test_not_found_messages(watched: Store) -> None:
    result = group_profile(watched, "Tehrik-e-Talban", WATCHLIST, now=NOW)
    assert isinstance(result, GroupNotFound)
    message = render_group_not_found(result, ENVIRONMENT)
    assert_within_slack_limits(message)
    assert message.text.startswith(":question: No group called “Tehrik-e-Talban”. Did you mean: ")
    assert TTP in message.text
    nothing = render_group_not_found(GroupNotFound("xyzzy", ()), ENVIRONMENT)
    assert "No group called “xyzzy”" in nothing.text and "/group TTP" in nothing.text
    empty = render_group_not_found(GroupNotFound("", ()), ENVIRONMENT)
    assert "Which group?" in empty.text


# --- all claims --------------------------------------------------------------------------


def test_group_claims_pages_newest_first(watched: Store, add_document, make_claim) -> None:
    for day in range(1, 6):
        add_document(
            make_claim("Police", "accusation", f"TTP claim {day}", (TTP,)),
            ingested_at=NOW - timedelta(days=day),
        )
    add_document(make_claim("Police", "accusation", "BLA claim", (BLA,)))
    claims, total = group_claims(watched, TTP, limit=2)
    assert total == 5
    assert [c.text for c in claims] == ["TTP claim 1", "TTP claim 2"]
    claims, _ = group_claims(watched, TTP, offset=4, limit=2)
    assert [c.text for c in claims] == ["TTP claim 5"]
    assert group_claims(watched, "pakistani taliban", limit=1)[1] == 5  # any of its names
    assert group_claims(watched, "No Such Group") == ([], 0)


def test_group_claims_message_and_more_button(watched: Store, add_document, make_claim) -> None:
    for day in range(1, 6):
        add_document(
            make_claim("Police", "accusation", f"TTP claim {day}", (TTP,)),
            ingested_at=NOW - timedelta(days=day),
        )
    claims, total = group_claims(watched, TTP, offset=0, limit=2)
    first = render_group_claims(TTP, claims, total, 0, ENVIRONMENT)
    assert_within_slack_limits(first)
    assert "*All claims about Tehrik-i-Taliban Pakistan* · 1–2 of 5" in message_to_text(first)
    assert buttons(first) == {"group_more_claims": f"{TTP}|2"}
    claims, total = group_claims(watched, TTP, offset=4, limit=2)
    last = render_group_claims(TTP, claims, total, 4, ENVIRONMENT)
    assert "5–5 of 5" in message_to_text(last)
    assert buttons(last) == {}  # nothing more to show
    done = render_group_claims(TTP, [], 5, 6, ENVIRONMENT)
    assert "That is all: 5 claims" in done.text and buttons(done) == {}
    none = render_group_claims("Jundallah", [], 0, 0, ENVIRONMENT)
    assert "No claims about Jundallah yet" in none.text


# --- claims counted per group and stance (migration 0007's triggers) ------------------


def _counted(store: Store) -> dict[tuple[str, str], int]:
    """The stored counts, by group name and stance (counts at 0 left out)."""
    with store.session() as session:
        rows = session.execute(
            select(Group.name, GroupClaimCount.stance, GroupClaimCount.claims)
            .join(Group, Group.id == GroupClaimCount.group_id)
            .where(GroupClaimCount.claims != 0)
        )
        return {(name, stance): claims for name, stance, claims in rows}


def _recounted(store: Store) -> dict[tuple[str, str], int]:
    """The same numbers counted from the claims themselves."""
    with store.session() as session:
        rows = session.execute(
            select(Group.name, Claim.stance, func.count())
            .select_from(Group)
            .join(Claim, _about_or_made_by(Group.id))
            .group_by(Group.name, Claim.stance)
        )
        return {(name, stance): count for name, stance, count in rows}


def _about_or_made_by(group_id: Any) -> Any:
    about = select(ClaimGroup.claim_id).where(ClaimGroup.group_id == group_id)
    return or_(Claim.id.in_(about), Claim.speaker_group_id == group_id)


def test_claims_are_counted_once_per_group_through_every_change(
    watched: Store, add_document, make_claim
) -> None:
    first = add_document(
        # Made by the TTP and about it: counted once for it.
        make_claim("TTP", "responsibility", "claimed the attack", (TTP, BLA), claimant_org=TTP),
        make_claim("Police", "accusation", "the BLA attacked", (BLA,)),
    )
    second = add_document(make_claim("Police", "accusation", "the TTP attacked", (TTP,)))
    expected = {
        (TTP, "responsibility"): 1,
        (TTP, "accusation"): 1,
        (BLA, "responsibility"): 1,
        (BLA, "accusation"): 1,
    }
    assert _counted(watched) == _recounted(watched) == expected
    assert dict(profile_of(watched, "TTP").stance_counts) == {"responsibility": 1, "accusation": 1}

    # Extracted again: the document's old claims are counted off, the new ones on.
    replaced = Extraction(
        groups=(FoundGroup(BLA, "BLA", "separatist", 1),),
        claims=(make_claim("BLA", "denial", "denied the attack", (BLA,), claimant_org=BLA),),
    )
    replace_extractions(watched, [(first, replaced)])
    expected = {(TTP, "accusation"): 1, (BLA, "denial"): 1}
    assert _counted(watched) == _recounted(watched) == expected

    # A claim's stance or speaker changed in place.
    with watched.session() as session:
        session.execute(update(Claim).where(Claim.document_id == second).values(stance="denial"))
        bla = session.scalar(select(Group.id).where(Group.name == BLA))
        session.execute(
            update(Claim).where(Claim.document_id == second).values(speaker_group_id=bla)
        )
    expected = {(TTP, "denial"): 1, (BLA, "denial"): 2}
    assert _counted(watched) == _recounted(watched) == expected

    # A claim no longer about a group; then a document deleted with all its claims.
    with watched.session() as session:
        ttp = session.scalar(select(Group.id).where(Group.name == TTP))
        session.execute(delete(ClaimGroup).where(ClaimGroup.group_id == ttp))
    assert _counted(watched) == _recounted(watched) == {(BLA, "denial"): 2}
    with watched.session() as session:
        session.execute(delete(Document).where(Document.id == second))
    assert _counted(watched) == _recounted(watched) == {(BLA, "denial"): 1}
    assert profile_of(watched, "TTP").stance_counts == ()
    assert group_claims(watched, BLA)[1] == 1


def _documents_counted(store: Store) -> dict[str, int]:
    """The stored document counts by group name, and the same counted from the mentions."""
    with store.session() as session:
        stored = dict(
            session.execute(
                select(Group.name, GroupDocumentCount.documents)
                .join(Group, Group.id == GroupDocumentCount.group_id)
                .where(GroupDocumentCount.documents != 0)
            ).all()
        )
        counted = dict(
            session.execute(
                select(Group.name, func.count(func.distinct(Mention.document_id)))
                .join(Mention, Mention.group_id == Group.id)
                .where(Mention.via != "anaphora")
                .group_by(Group.name)
            ).all()
        )
    assert stored == counted
    return stored


def _mention(document_id: int, group_id: int, via: str = "name") -> dict[str, object]:
    return {
        "document_id": document_id,
        "group_id": group_id,
        "surface": "x",
        "start": 0,
        "end": 1,
        "via": via,
    }


def test_documents_are_counted_once_per_group_through_every_change(
    watched: Store, add_document
) -> None:
    first = add_document(groups=(TTP, BLA))
    second = add_document(groups=(TTP,))
    with watched.session() as session:
        ttp, bla = (
            session.scalar(select(Group.id).where(Group.name == name)) for name in (TTP, BLA)
        )
        # More mentions of a group in a document it names, in one statement and alone;
        # a mention that only refers back to the BLA ("the group").
        session.execute(insert(Mention), [_mention(first, ttp), _mention(first, ttp, "alias")])
        session.execute(insert(Mention), [_mention(second, bla, "anaphora")])
    assert _documents_counted(watched) == {TTP: 2, BLA: 1}
    assert profile_of(watched, "TTP").documents_total == 2

    # Extracted again, naming the BLA only; a mention changed in place; a document deleted.
    replace_extractions(watched, [(second, Extraction(mentions=(GroupMention(BLA, "BLA", 0, 3),)))])
    assert _documents_counted(watched) == {TTP: 1, BLA: 2}
    with watched.session() as session:
        session.execute(
            update(Mention)
            .where(Mention.document_id == first, Mention.group_id == bla)
            .values(via="anaphora")
        )
    assert _documents_counted(watched) == {TTP: 1, BLA: 1}
    with watched.session() as session:
        session.execute(delete(Mention).where(Mention.document_id == first, Mention.via == "name"))
    assert _documents_counted(watched) == {TTP: 1, BLA: 1}  # the alias still names the TTP
    with watched.session() as session:
        session.execute(delete(Document).where(Document.id == first))
    assert _documents_counted(watched) == {BLA: 1}
    assert profile_of(watched, "TTP").documents_total == 0
