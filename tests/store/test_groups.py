from __future__ import annotations

from pathlib import Path

import pytest

from digests.extract.pipeline import load_extractor
from digests.store.engine import Store
from digests.store.extractions import sync_watchlist
from digests.store.groups import all_groups, resolve_groups, suggestions, unknown_groups_message

CONFIG = Path(__file__).parents[2] / "config"


@pytest.fixture
def synced(store: Store) -> Store:
    with store.session(write=True) as session:
        sync_watchlist(session, load_extractor(CONFIG).watchlist)
    return store


def test_any_name_resolves_to_the_canonical_group(synced: Store) -> None:
    resolved = resolve_groups(
        synced, ["TTP", "pakistani taliban", "Tehreek-e-Taliban Pakistan", "ISKP", "Nobody Front"]
    )
    assert resolved.names == ("Tehrik-i-Taliban Pakistan", "Islamic State Khorasan Province")
    assert resolved.unknown == ("Nobody Front",)


def test_misspelt_names_get_suggestions(synced: Store) -> None:
    groups = all_groups(synced)
    assert suggestions("Tehrik-e-Talban Pakistan", groups)[0] == "Tehrik-i-Taliban Pakistan"
    assert suggestions("Lashkar-e-Tayba", groups)[0] == "Lashkar-e-Taiba"
    assert suggestions("zzzz", groups) == []
    message = unknown_groups_message(["Baloch Liberaton Army"], groups)
    assert message.startswith(
        "no group called 'Baloch Liberaton Army' (did you mean Baloch Liberation Army"
    )
