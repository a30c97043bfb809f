"""Seen events: a redelivered Slack event is handled once, across processes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from digests.store.engine import open_store
from digests.store.events import first_time, prune_seen_events, seen_event_count

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_first_time_then_never_again(store) -> None:
    assert first_time(store, "Ev1", now=NOW) is True
    assert first_time(store, "Ev1", now=NOW) is False
    assert first_time(store, "Ev2", now=NOW) is True
    assert seen_event_count(store) == 2


def test_old_events_are_pruned_as_new_ones_arrive(store) -> None:
    first_time(store, "EvOld", now=NOW - timedelta(days=3))
    first_time(store, "EvNew", now=NOW)
    assert seen_event_count(store) == 1
    first_time(store, "EvLater", now=NOW + timedelta(hours=1))
    assert prune_seen_events(store, older_than=NOW + timedelta(minutes=1)) == 1
    assert seen_event_count(store) == 1


def test_bad_event_ids_are_refused(store) -> None:
    for bad in ("", "x" * 101):
        with pytest.raises(ValueError, match="event id"):
            first_time(store, bad)


def test_two_processes_racing_for_one_event(store_url: str) -> None:
    """Each thread has its own store (engine), as separate processes would."""
    stores = [open_store(store_url) for _ in range(4)]
    results: list[bool] = []
    barrier = threading.Barrier(len(stores))

    def deliver(store) -> None:
        barrier.wait()
        results.append(first_time(store, "EvRace"))

    threads = [threading.Thread(target=deliver, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in stores:
        opened.close()
    assert sorted(results) == [False, False, False, True]
