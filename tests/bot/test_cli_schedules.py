"""`sitrep schedule add | list | remove` as a user runs them: output, messages, exit statuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import bot.cli_schedules
from bot.cli import cli, main
from bot.cli_schedules import LOCAL_TEAM, schedule_group
from digests.schedules import WHEN_EXAMPLES, ZONE_EXAMPLES, ScheduleSpec
from digests.settings import load_settings
from digests.store.engine import open_store
from digests.store.schedules import list_schedules, pause_schedule


@pytest.fixture(autouse=True)
def schedule_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    # bot/cli.py registers the group; adding it again is harmless and keeps these tests
    # independent of that line. The clock is fixed so next runs can be checked.
    cli.add_command(schedule_group)
    monkeypatch.setattr(
        bot.cli_schedules, "clock", lambda: datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["schedule", *args])
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def stored() -> list[ScheduleSpec]:
    store = open_store(load_settings().store_url)
    try:
        return list_schedules(store)
    finally:
        store.close()


def test_add_stores_the_schedule_and_says_when_it_runs(capsys) -> None:
    code, out, err = run(
        capsys, "add", "C0123", "weekdays", "09:00", "--tz", "Asia/Karachi", "--watch", "TTP,BLA"
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "scheduled C0123: weekdays at 09:00 (Asia/Karachi)",
        "  next: 2026-11-30 09:00 PKT",
        "  watching: Tehrik-i-Taliban Pakistan, Baloch Liberation Army",
    ]
    [spec] = stored()
    assert (spec.team_id, spec.channel_id, spec.cron, spec.timezone, spec.watched) == (
        LOCAL_TEAM,
        "C0123",
        "0 9 * * mon-fri",
        "Asia/Karachi",
        ("Tehrik-i-Taliban Pakistan", "Baloch Liberation Army"),
    )
    assert spec.created_by is None


def test_add_takes_a_cron_expression_with_a_zone_at_its_end(capsys) -> None:
    code, out, _ = run(capsys, "add", "C0456", "0 9 * * 1-5 Europe/London", "--team", "T9")
    assert code == 0
    assert out.splitlines()[0] == "scheduled C0456: weekdays at 09:00 (Europe/London)"
    [spec] = stored()
    assert (spec.team_id, spec.cron, spec.timezone) == ("T9", "0 9 * * mon-fri", "Europe/London")


def test_add_without_a_zone_uses_default_timezone(capsys, monkeypatch) -> None:
    monkeypatch.setenv("SITREP_DEFAULT_TIMEZONE", "Asia/Karachi")
    code, _, _ = run(capsys, "add", "C1", "daily 18:30", "--notify-empty")
    assert code == 0
    [spec] = stored()
    assert (spec.timezone, spec.notify_empty) == ("Asia/Karachi", True)


def test_adding_again_updates_and_keeps_zone_groups_and_options(capsys) -> None:
    run(capsys, "add", "C1", "weekdays 09:00", "--tz", "Asia/Karachi", "--watch", "TTP")
    run(capsys, "add", "C1", "daily 18:30", "--notify-empty")
    code, out, _ = run(capsys, "add", "C1", "daily 19:00")
    assert code == 0
    assert out.splitlines()[0] == "updated the schedule of C1: daily at 19:00 (Asia/Karachi)"
    [spec] = stored()
    assert (spec.cron, spec.timezone, spec.watched, spec.notify_empty) == (
        "0 19 * * *",
        "Asia/Karachi",
        ("Tehrik-i-Taliban Pakistan",),
        True,
    )


@pytest.mark.parametrize(
    ("args", "message", "examples"),
    [
        (
            ["every 5 minutes"],
            "'every 5 minutes' is not a schedule sitrep understands",
            WHEN_EXAMPLES,
        ),
        (["weekdays 25:00"], "'25:00' is not a time of day", WHEN_EXAMPLES),
        (["61 9 * * *"], "the minute field '61' is wrong", WHEN_EXAMPLES),
        (["daily 9am", "--tz", "Mars/Base"], "'Mars/Base' is not a time zone", ZONE_EXAMPLES),
        (["daily 9am Asia/Karchi"], "'Asia/Karchi' is not a time zone", ZONE_EXAMPLES),
        (["daily 9am UTC", "--tz", "Asia/Karachi"], "two time zones given", None),
    ],
)
def test_bad_schedules_and_zones_exit_2_and_store_nothing(
    capsys, args: list[str], message: str, examples: str | None
) -> None:
    code, out, err = run(capsys, "add", "C1", *args)
    assert code == 2
    assert out == ""
    assert err.startswith("sitrep: cannot schedule C1: ")
    assert message in err
    if examples:
        assert err.strip().endswith(examples)
    assert stored() == []


def test_a_bad_channel_id_exits_2(capsys) -> None:
    code, _, err = run(capsys, "add", "C 1", "daily 9am")
    assert code == 2
    assert "'C 1' is not a Slack channel id" in err
    assert stored() == []


def test_add_needs_a_when(capsys) -> None:
    code, _, err = run(capsys, "add", "C1")
    assert code == 2
    assert "Missing argument 'WHEN...'" in err


def test_list_shows_each_channels_schedule(capsys) -> None:
    run(capsys, "add", "C0123", "weekdays 09:00", "--tz", "Asia/Karachi", "--watch", "TTP")
    run(capsys, "add", "C0456", "daily 18:30")
    store = open_store(load_settings().store_url)
    pause_schedule(store, LOCAL_TEAM, "C0456", "channel archived")
    store.close()

    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "channel  when               zone          next run              watching"
        "                   state",
        "C0123    weekdays at 09:00  Asia/Karachi  2026-11-30 09:00 PKT  Tehrik-i-Taliban Pakistan"
        "  active",
        "C0456    daily at 18:30     UTC           -                     all groups"
        "                 paused: channel archived",
    ]


def test_list_shows_the_team_when_there_are_others_and_can_filter(capsys) -> None:
    run(capsys, "add", "C1", "daily 18:30")
    run(capsys, "add", "C2", "daily 18:30", "--team", "T9")
    _, out, _ = run(capsys, "list")
    assert out.splitlines()[0].split()[:2] == ["team", "channel"]
    assert [line.split()[:2] for line in out.splitlines()[1:]] == [
        [LOCAL_TEAM, "C1"],
        ["T9", "C2"],
    ]
    _, out, _ = run(capsys, "list", "--team", "T9")
    assert [line.split()[1] for line in out.splitlines()[1:]] == ["C2"]


def test_list_with_no_schedules_says_how_to_add_one(capsys) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert out.strip() == (
        "no schedules yet; add one with `sitrep schedule add CHANNEL weekdays 09:00`"
    )


def test_remove_forgets_the_schedule(capsys) -> None:
    run(capsys, "add", "C1", "daily 18:30")
    run(capsys, "add", "C2", "daily 18:30")
    code, out, err = run(capsys, "remove", "C1")
    assert (code, out.strip(), err) == (0, "removed the schedule of C1", "")
    assert [spec.channel_id for spec in stored()] == ["C2"]


def test_removing_a_schedule_that_is_not_there_exits_1(capsys) -> None:
    run(capsys, "add", "C1", "daily 18:30", "--team", "T9")
    code, out, err = run(capsys, "remove", "C1")  # the local team's C1: none
    assert code == 1
    assert out == ""
    assert err.strip() == (
        f"sitrep: C1 (team {LOCAL_TEAM}) has no schedule; `sitrep schedule list` shows them"
    )
    assert len(stored()) == 1


def test_watched_groups_are_stored_by_their_canonical_names(capsys) -> None:
    code, out, _ = run(capsys, "add", "C1", "daily 18:30", "--watch", "Pakistani Taliban")
    assert code == 0
    assert "  watching: Tehrik-i-Taliban Pakistan" in out.splitlines()


def test_an_unknown_group_is_refused_with_suggestions(capsys) -> None:
    code, _, err = run(capsys, "add", "C1", "daily 18:30", "--watch", "TTP,Lashkar-e-Tayba")
    assert code == 2
    assert "no group called 'Lashkar-e-Tayba' (did you mean Lashkar-e-Taiba" in err
    assert stored() == []
