"""Sitrep's posts and their threads: how a reply finds the answer it follows."""

from __future__ import annotations

from digests.store.posts import find_thread_post, record_post


def test_a_thread_is_found_by_its_root_or_by_sitreps_post(store) -> None:
    record_post(
        store, team_id="T1", channel_id="C1", ts="200.1", thread_ts="100.1", question="who?"
    )
    record_post(store, team_id="T1", channel_id="C1", ts="300.1", thread_ts=None, question="what?")
    assert find_thread_post(store, "C1", "100.1").question == "who?"
    assert find_thread_post(store, "C1", "300.1").question == "what?"
    assert find_thread_post(store, "C1", "200.1").question == "who?"
    assert find_thread_post(store, "C2", "100.1") is None
    assert find_thread_post(store, "C1", "999.9") is None


def test_recording_the_same_post_twice_keeps_the_first(store) -> None:
    for question in ("first", "second"):
        record_post(
            store, team_id="T1", channel_id="C1", ts="200.1", thread_ts="100.1", question=question
        )
    assert find_thread_post(store, "C1", "100.1").question == "first"
