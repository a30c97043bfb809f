"""Channels' schedules in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from digests.schedules import ScheduleError
from digests.store.engine import Store, open_store
from digests.store.models import DigestRun
from digests.store.schedules import (
    NoScheduleError,
    add_or_update_schedule,
    digest_run_exists,
    get_schedule,
    list_schedules,
    pause_schedule,
    remove_schedule,
    resume_schedule,
    set_watched,
    unwatch_groups,
    watch_groups,
)


def _later_than(moment: datetime) -> None:
    # Timestamps come from the clock; make sure the next write gets a later one.
    while datetime.now(UTC) <= moment:
        time.sleep(0.001)


def test_a_new_schedule_is_stored_normalised(store: Store) -> None:
    spec = add_or_update_schedule(
        store, "T1", "C1", "weekdays 09:00", "asia/karachi", watched=["TTP", "BLA"], created_by="U1"
    )
    assert spec.cron == "0 9 * * mon-fri"
    assert spec.timezone == "Asia/Karachi"
    assert spec.watched == ("TTP", "BLA")
    assert (spec.template, spec.notify_empty, spec.paused) == ("digest", False, False)
    assert spec.created_by == "U1"
    assert spec.updated_at.tzinfo is not None
    assert get_schedule(store, "T1", "C1") == spec


def test_an_update_changes_the_time_and_keeps_the_rest(store: Store) -> None:
    first = add_or_update_schedule(
        store,
        "T1",
        "C1",
        "weekdays 09:00",
        "UTC",
        watched=["TTP"],
        created_by="U1",
        template="brief",
        notify_empty=True,
    )
    _later_than(first.updated_at)
    second = add_or_update_schedule(store, "T1", "C1", "0 18 * * 1-5", "UTC", created_by="U2")
    assert second.cron == "0 18 * * mon-fri"
    assert second.watched == ("TTP",)
    assert (second.template, second.notify_empty) == ("brief", True)
    assert second.created_by == "U1"  # the first creator's, for permission checks
    assert second.updated_at > first.updated_at
    assert len(list_schedules(store)) == 1


def test_an_update_can_replace_the_watched_groups_and_options(store: Store) -> None:
    add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC", watched=["TTP"])
    spec = add_or_update_schedule(
        store, "T1", "C1", "daily 18:30", "UTC", watched=[], notify_empty=True
    )
    assert spec.watched == ()
    assert spec.notify_empty is True


def test_a_schedule_made_without_a_creator_takes_the_first_one_named(store: Store) -> None:
    add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC")
    spec = add_or_update_schedule(store, "T1", "C1", "daily 19:00", "UTC", created_by="U7")
    assert spec.created_by == "U7"


@pytest.mark.parametrize(
    ("cron", "zone", "message"),
    [
        ("every 5 minutes", "UTC", "not a schedule sitrep understands"),
        ("weekdays 09:00", "Mars/Base", "not a time zone sitrep knows"),
    ],
)
def test_bad_input_changes_nothing(store: Store, cron: str, zone: str, message: str) -> None:
    add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC")
    with pytest.raises(ScheduleError, match=message):
        add_or_update_schedule(store, "T1", "C1", cron, zone)
    with pytest.raises(ScheduleError, match=message):
        add_or_update_schedule(store, "T1", "C2", cron, zone)
    assert [(s.channel_id, s.cron, s.timezone) for s in list_schedules(store)] == [
        ("C1", "30 18 * * *", "UTC")
    ]


@pytest.mark.parametrize("channel", ["", "C 1", "C" * 41])
def test_channel_ids_that_cannot_be_stored_are_refused(store: Store, channel: str) -> None:
    with pytest.raises(ScheduleError, match="is not a Slack channel id"):
        add_or_update_schedule(store, "T1", channel, "daily 18:30", "UTC")
    assert list_schedules(store) == []


def test_schedules_are_listed_by_team_then_channel(store: Store) -> None:
    for team, channel in [("T2", "C1"), ("T1", "C9"), ("T1", "C2")]:
        add_or_update_schedule(store, team, channel, "daily 18:30", "UTC")
    assert [(s.team_id, s.channel_id) for s in list_schedules(store)] == [
        ("T1", "C2"),
        ("T1", "C9"),
        ("T2", "C1"),
    ]
    assert [s.channel_id for s in list_schedules(store, "T1")] == ["C2", "C9"]


def test_the_same_channel_id_in_two_teams_is_two_schedules(store: Store) -> None:
    add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC")
    add_or_update_schedule(store, "T2", "C1", "weekdays 09:00", "UTC")
    assert get_schedule(store, "T1", "C1").cron == "30 18 * * *"  # type: ignore[union-attr]
    assert get_schedule(store, "T2", "C1").cron == "0 9 * * mon-fri"  # type: ignore[union-attr]


def test_remove_says_whether_there_was_a_schedule(store: Store) -> None:
    add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC")
    assert remove_schedule(store, "T1", "C1") is True
    assert get_schedule(store, "T1", "C1") is None
    assert remove_schedule(store, "T1", "C1") is False


def test_pause_and_resume_bump_updated_at(store: Store) -> None:
    added = add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC")
    _later_than(added.updated_at)
    paused = pause_schedule(store, "T1", "C1", "channel archived")
    assert (paused.paused, paused.pause_reason) == (True, "channel archived")
    assert paused.updated_at > added.updated_at
    _later_than(paused.updated_at)
    again = pause_schedule(store, "T1", "C1", "still archived")
    assert again.pause_reason == "still archived"
    assert again.updated_at > paused.updated_at
    _later_than(again.updated_at)
    resumed = resume_schedule(store, "T1", "C1")
    assert (resumed.paused, resumed.pause_reason) == (False, None)
    assert resumed.updated_at > again.updated_at


def test_an_update_keeps_a_paused_schedule_paused(store: Store) -> None:
    add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC")
    pause_schedule(store, "T1", "C1", "holiday")
    spec = add_or_update_schedule(store, "T1", "C1", "daily 19:00", "UTC")
    assert (spec.paused, spec.pause_reason) == (True, "holiday")


def test_watch_and_unwatch_add_and_remove_groups_once(store: Store) -> None:
    add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC", watched=["TTP"])
    spec = watch_groups(store, "T1", "C1", ["BLA", " ttp ", "Islamic  State", ""])
    assert spec.watched == ("TTP", "BLA", "Islamic State")
    spec = unwatch_groups(store, "T1", "C1", ["bla", "Hamas"])
    assert spec.watched == ("TTP", "Islamic State")
    spec = set_watched(store, "T1", "C1", ["ISKP", "iskp"])
    assert spec.watched == ("ISKP",)
    assert get_schedule(store, "T1", "C1").watched == ("ISKP",)  # type: ignore[union-attr]


def test_every_change_bumps_updated_at(store: Store) -> None:
    spec = add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC", watched=["TTP"])
    for change in (
        lambda: watch_groups(store, "T1", "C1", ["TTP"]),  # nothing new, still a write
        lambda: unwatch_groups(store, "T1", "C1", ["BLA"]),
        lambda: set_watched(store, "T1", "C1", ["TTP"]),
        lambda: add_or_update_schedule(store, "T1", "C1", "daily 18:30", "UTC"),
    ):
        _later_than(spec.updated_at)
        changed = change()
        assert changed.updated_at > spec.updated_at
        spec = changed


@pytest.mark.parametrize(
    "change",
    [
        lambda store: watch_groups(store, "T1", "C1", ["TTP"]),
        lambda store: unwatch_groups(store, "T1", "C1", ["TTP"]),
        lambda store: set_watched(store, "T1", "C1", ["TTP"]),
        lambda store: pause_schedule(store, "T1", "C1", "why"),
        lambda store: resume_schedule(store, "T1", "C1"),
    ],
)
def test_changing_a_channel_without_a_schedule_says_how_to_add_one(store: Store, change) -> None:
    with pytest.raises(NoScheduleError) as raised:
        change(store)
    assert "channel C1 has no digest schedule; add one first with" in str(raised.value)
    assert "/digest schedule weekdays 09:00" in str(raised.value)
    assert list_schedules(store) == []


def test_digest_run_exists_is_keyed_by_team_channel_and_period(store: Store) -> None:
    with store.session(write=True) as session:
        session.add(DigestRun(team_id="T1", channel_id="C1", period="2026-11-30T04:00Z"))
    assert digest_run_exists(store, "T1", "C1", "2026-11-30T04:00Z")
    assert not digest_run_exists(store, "T1", "C1", "2026-12-01T04:00Z")
    assert not digest_run_exists(store, "T1", "C2", "2026-11-30T04:00Z")
    assert not digest_run_exists(store, "T2", "C1", "2026-11-30T04:00Z")


def test_adding_the_same_channel_at_once_from_many_processes_makes_one_schedule(
    store: Store, store_url: str
) -> None:
    # Separate stores (engines) stand for separate processes; all find no schedule first.
    stores = [open_store(store_url, upgrade=False) for _ in range(4)]
    start = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def add(number: int, own_store: Store) -> None:
        start.wait()
        try:
            add_or_update_schedule(
                own_store, "T1", "C1", f"daily 0{number}:00", "UTC", created_by=f"U{number}"
            )
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [
        threading.Thread(target=add, args=(number, own)) for number, own in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for own in stores:
        own.close()
    assert errors == []
    [spec] = list_schedules(store)
    assert spec.created_by in {"U0", "U1", "U2", "U3"}
