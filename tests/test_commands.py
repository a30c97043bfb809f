"""Reading the slash commands' words: every help example works, every mistake is explained."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digests.commands import (
    CLAIM_EXAMPLES,
    DIGEST_EXAMPLES,
    GROUP_EXAMPLES,
    CommandError,
    DigestRequest,
    change_refusal,
    parse_digest,
    parse_lookup,
    split_group_names,
)
from digests.schedules import ScheduleSpec


@pytest.mark.parametrize("example", DIGEST_EXAMPLES, ids=lambda e: e.command)
def test_every_digest_help_example_parses(example) -> None:
    request = parse_digest(example.command.removeprefix("/digest"))
    assert request.action == example.command.split()[1]


@pytest.mark.parametrize(
    ("command", "examples"), [("/group", GROUP_EXAMPLES), ("/claim", CLAIM_EXAMPLES)]
)
def test_every_lookup_help_example_parses(command, examples) -> None:
    for example in examples:
        words = parse_lookup(command, example.command.removeprefix(command))
        assert (words is None) == example.command.endswith(" help")


def test_schedule_with_zone_is_normalised() -> None:
    assert parse_digest("schedule weekdays 09:00 asia/karachi") == DigestRequest(
        "schedule", cron="0 9 * * mon-fri", zone="Asia/Karachi"
    )
    assert parse_digest("schedule 30 8 * * 1-5").cron == "30 8 * * mon-fri"
    assert parse_digest("SCHEDULE daily 18:30").zone is None


def test_empty_and_help_ask_for_help() -> None:
    for text in ("", "   ", "help", "HELP", "?", "--help"):
        assert parse_digest(text).action == "help"


@pytest.mark.parametrize(
    ("text", "problem", "example"),
    [
        ("nwo", "did you mean `/digest now`?", "/digest help"),
        ("frobnicate", "'frobnicate' is not something /digest does", "/digest help"),
        ("now please", "takes nothing after it (got 'please')", "/digest now"),
        ("schedule", "say when", "/digest schedule weekdays 09:00 Asia/Karachi"),
        ("schedule someday", "not a schedule sitrep understands", "/digest schedule weekdays"),
        ("schedule daily 25:00", "hours run from 00 to 23", "/digest schedule"),
        ("schedule daily 09:00 Mars/Olympus", "not a time zone", "/digest schedule"),
        ("watch", "say which groups to watch", "/digest watch TTP, BLA"),
        ("unwatch , ,", "say which groups to unwatch", "/digest unwatch TTP, BLA"),
    ],
)
def test_mistakes_say_what_was_wrong_and_show_one_that_works(text, problem, example) -> None:
    with pytest.raises(CommandError) as caught:
        parse_digest(text)
    assert problem in caught.value.problem
    assert caught.value.example.startswith(example)


def test_group_names_split_on_commas_and_and() -> None:
    assert split_group_names("TTP, BLA") == ("TTP", "BLA")
    assert split_group_names("Baloch Liberation Army and  TTP;ISKP") == (
        "Baloch Liberation Army",
        "TTP",
        "ISKP",
    )
    assert split_group_names("TTP, ttp , TTP") == ("TTP", "ttp")
    assert parse_digest("watch TTP, BLA").groups == ("TTP", "BLA")


def test_lookup_words() -> None:
    assert parse_lookup("/group", "  Pakistani   Taliban ") == "Pakistani Taliban"
    with pytest.raises(CommandError):
        parse_lookup("/claim", "word " * 100)


def _schedule(created_by: str | None) -> ScheduleSpec:
    return ScheduleSpec(
        "T1", "C1", "0 9 * * *", "UTC", (), "digest", False, False, None, created_by,
        datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip


def test_who_may_change_a_schedule() -> None:
    creators = _schedule("U0CREATOR")

    def refusal(user, *, admin=False, schedule=creators):
        return change_refusal(
            user, admin_user_ids=("U0SITADM",), is_workspace_admin=admin, schedule=schedule
        )

    assert refusal("U0SITADM") is None
    assert refusal("U0ANY", admin=True) is None
    assert refusal("U0CREATOR") is None
    refused = refusal("U0READER")
    assert refused is not None and refused.owner == "U0CREATOR"
    assert "whoever set it up" in refused.reason
    no_schedule = refusal("U0READER", schedule=None)
    assert no_schedule is not None and "set up" in no_schedule.reason
    assert refusal("U0READER", schedule=_schedule("<!channel>")).owner is None
