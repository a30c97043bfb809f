from __future__ import annotations

import threading

import pytest

import digests.store.documents as documents_module
from digests.documents import LoadedDocument
from digests.store.documents import (
    count_documents,
    documents_by_id,
    recent_documents,
    save_documents,
)
from digests.store.engine import Store, open_store


def doc(text: str, title: str = "T", **fields: object) -> LoadedDocument:
    return LoadedDocument(text=text, title=title, source="test.jsonl", **fields)  # type: ignore[arg-type]


def test_new_documents_are_stored_with_their_fields(store: Store) -> None:
    saved = save_documents(store, [doc("First text.", "One", external_id="x1", outlet="Wire")])
    assert [s.is_duplicate for s in saved] == [False]
    [summary] = documents_by_id(store, [saved[0].document_id])
    assert (summary.title, summary.external_id, summary.outlet, summary.word_count) == (
        "One",
        "x1",
        "Wire",
        2,
    )


def test_same_content_twice_is_stored_once_and_reported(store: Store) -> None:
    first = save_documents(store, [doc("Same text.", "Original")])
    again = save_documents(store, [doc("Same text.", "Other title", external_id="y")])
    assert again[0].is_duplicate
    assert again[0].document_id == first[0].document_id
    assert again[0].duplicate_title == "Original"
    assert count_documents(store) == 1


def test_duplicates_within_one_batch(store: Store) -> None:
    saved = save_documents(store, [doc("Twice."), doc("Once."), doc("Twice.", "Copy")])
    assert [s.is_duplicate for s in saved] == [False, False, True]
    assert saved[2].document_id == saved[0].document_id
    assert count_documents(store) == 2


def test_a_document_stored_by_another_process_meanwhile_is_a_duplicate(
    postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL another process can commit between our check and our insert;
    # (SQLite's write transaction makes it wait instead, see the threaded test below.)
    mine = open_store(postgresql_url)
    other = open_store(postgresql_url)
    real_insert = documents_module._insert
    raced = []

    def insert_after_the_other_process(session, documents):  # type: ignore[no-untyped-def]
        if not raced:
            raced.append(True)
            save_documents(other, [doc("Raced text.", "Theirs")])
        return real_insert(session, documents)

    monkeypatch.setattr(documents_module, "_insert", insert_after_the_other_process)
    try:
        saved = save_documents(mine, [doc("Raced text."), doc("Only mine.")])
        assert [s.is_duplicate for s in saved] == [True, False]
        assert saved[0].duplicate_title == "Theirs"
        assert count_documents(mine) == 2
    finally:
        mine.close()
        other.close()


def test_two_writers_racing_store_each_document_once(store_url: str) -> None:
    batch = [doc(f"Shared document number {n}.", f"Doc {n}") for n in range(150)]
    outcomes: list[list[bool]] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            store = open_store(store_url, busy_timeout_ms=60_000)  # a loaded CI machine is slow
        except BaseException as error:
            errors.append(error)
            return
        try:
            flags = []
            for start in range(0, len(batch), 10):
                flags += [s.is_duplicate for s in save_documents(store, batch[start : start + 10])]
            outcomes.append(flags)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    first, second = outcomes
    # Each document was new for exactly one of the two writers.
    assert all(a != b for a, b in zip(first, second, strict=True))
    store = open_store(store_url)
    try:
        assert count_documents(store) == 150
    finally:
        store.close()


def test_recent_documents_newest_first(store: Store) -> None:
    for number in range(3):
        save_documents(store, [doc(f"Text {number}.", f"Doc {number}")])
    assert [d.title for d in recent_documents(store, 2)] == ["Doc 2", "Doc 1"]
