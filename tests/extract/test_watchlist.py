"""The watchlist file: the real config loads and is consistent; mistakes name file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from digests.extract.model import GroupEntry, Relation
from digests.extract.watchlist import (
    RELATION_KINDS,
    Watchlist,
    WatchlistError,
    load_watchlist,
    name_key,
)

CONFIG = Path(__file__).resolve().parents[2] / "config" / "groups.yaml"


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist(CONFIG)


# --- the real config -----------------------------------------------------------------------


def test_real_config_has_at_least_80_groups(watchlist: Watchlist) -> None:
    assert len(watchlist.groups) >= 80


def test_every_relation_target_is_on_the_watchlist(watchlist: Watchlist) -> None:
    for entry in watchlist.groups:
        for relation in entry.relations:
            assert relation.target in watchlist.by_name, (entry.name, relation.target)
            assert relation.kind in RELATION_KINDS


def test_every_entry_has_name_short_and_kind(watchlist: Watchlist) -> None:
    for entry in watchlist.groups:
        assert entry.name and entry.short and entry.kind, entry


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("TTP", "Tehrik-i-Taliban Pakistan"),
        ("Tehreek-e-Taliban Pakistan", "Tehrik-i-Taliban Pakistan"),
        ("Tehrik-e-Taliban Pakistan", "Tehrik-i-Taliban Pakistan"),
        ("Tehrik i Taliban Pakistan", "Tehrik-i-Taliban Pakistan"),
        ("Pakistani Taliban", "Tehrik-i-Taliban Pakistan"),
        ("al Qaeda", "al-Qaeda"),
        ("al-Qaida", "al-Qaeda"),
        ("Al-Qa'ida", "al-Qaeda"),
        ("ISIS-K", "Islamic State Khorasan Province"),
        ("ISKP", "Islamic State Khorasan Province"),
        ("IS-K", "Islamic State Khorasan Province"),
        ("Islamic State - Khorasan Province", "Islamic State Khorasan Province"),
        ("ISIS–Khorasan", "Islamic State Khorasan Province"),
        ("Daesh Khorasan", "Islamic State Khorasan Province"),
        ("Baluchistan Liberation Army", "Baloch Liberation Army"),
        ("Balochistan Liberation Army", "Baloch Liberation Army"),
        ("BLA", "Baloch Liberation Army"),
        ("Majid Brigade", "Majeed Brigade"),
        ("Jaish-e-Mohammad", "Jaish-e-Mohammed"),
        ("Lashkar-e-Tayyiba", "Lashkar-e-Taiba"),
        ("Houthis", "Ansar Allah"),
        ("Daesh", "Islamic State"),
        ("ISIL", "Islamic State"),
        ("Hizballah", "Hezbollah"),
        ("al-Shabab", "al-Shabaab"),
        ("Jamaat ul Ahrar", "Jamaat-ul-Ahrar"),
        ("Turkistan Islamic Party", "East Turkestan Islamic Movement"),
        ("ELN", "National Liberation Army (Colombia)"),
    ],
)
def test_key_aliases_resolve(watchlist: Watchlist, alias: str, canonical: str) -> None:
    entry = watchlist.lookup(alias)
    assert entry is not None, alias
    assert entry.name == canonical


def test_bare_taliban_and_is_are_no_aliases(watchlist: Watchlist) -> None:
    # Both are settled by context or by an in-text definition, never by the list alone.
    for entry in watchlist.groups:
        assert "Taliban" not in entry.aliases
        assert "IS" not in entry.aliases


def test_documented_relations(watchlist: Watchlist) -> None:
    assert (
        Relation("wing_of", "Baloch Liberation Army")
        in watchlist.by_name["Majeed Brigade"].relations
    )
    assert (
        Relation("faction_of", "Tehrik-i-Taliban Pakistan")
        in watchlist.by_name["Jamaat-ul-Ahrar"].relations
    )
    assert (
        Relation("affiliate_of", "Islamic State")
        in watchlist.by_name["Islamic State Khorasan Province"].relations
    )


def test_name_key_ignores_case_dashes_and_spacing() -> None:
    assert name_key("Tehreek–e–Taliban  Pakistan") == name_key("tehreek-e-taliban pakistan")
    assert name_key("Al-Qa’ida") == name_key("al qa'ida")


def test_memo_builds_once_per_watchlist(watchlist: Watchlist) -> None:
    calls: list[int] = []

    def build(_: Watchlist) -> int:
        calls.append(1)
        return 42

    assert watchlist.memo("test.memo", build) == 42
    assert watchlist.memo("test.memo", build) == 42
    assert calls == [1]


def test_from_entries_rejects_a_shared_alias() -> None:
    entries = [
        GroupEntry("Alpha Front", "AF", "militant", aliases=("AFX",)),
        GroupEntry("Beta Front", "BF", "militant", aliases=("AFX",)),
    ]
    with pytest.raises(WatchlistError, match="already an alias of 'Alpha Front'"):
        Watchlist.from_entries(entries)


# --- validation errors, each with file and line -----------------------------------------------


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "groups.yaml"
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    return str(caught.value)


def test_a_valid_small_file_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
            region: Somewhere
            aliases: [AFX, Alpha-Front]
          - name: Alpha Youth Wing
            short: AYW
            kind: wing
            relations:
              - {kind: wing_of, target: Alpha Front}
        """,
    )
    watchlist = load_watchlist(path)
    assert [entry.name for entry in watchlist.groups] == ["Alpha Front", "Alpha Youth Wing"]
    assert watchlist.by_name["Alpha Front"].aliases == ("AFX", "Alpha-Front")
    assert watchlist.by_name["Alpha Front"].region == "Somewhere"
    assert watchlist.lookup("alpha front") is watchlist.by_name["Alpha Front"]


def test_missing_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
          - short: BF
            kind: militant
        """,
    )
    assert _error(path) == f"{path}, line 5: a group has no 'name'"


def test_empty_short(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: ""
            kind: militant
        """,
    )
    assert _error(path) == f"{path}, line 3: short of group 'Alpha Front' is empty"


def test_unknown_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
            alias: [AFX]
        """,
    )
    message = _error(path)
    assert message.startswith(f"{path}, line 5: unknown key 'alias' in group 'Alpha Front'")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        grups:
          - name: Alpha Front
        """,
    )
    assert _error(path).startswith(f"{path}, line 1: unknown key 'grups' at the top level")


def test_wrong_type_for_aliases(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
            aliases: AFX
        """,
    )
    assert _error(path) == (
        f"{path}, line 5: aliases of group 'Alpha Front' must be a list, not 'AFX'"
    )


def test_wrong_type_for_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: 23
            short: M23
            kind: insurgent
        """,
    )
    assert _error(path) == f"{path}, line 2: name must be a string, not a number"


def test_duplicate_canonical_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
          - name: Alpha Front
            short: AF2
            kind: militant
        """,
    )
    assert _error(path) == (f"{path}, line 5: duplicate group name 'Alpha Front' (first at line 2)")


def test_alias_claimed_by_two_groups(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Tehrik-i-Taliban Pakistan
            short: TTP
            kind: jihadist
            aliases: [TTP]
          - name: X
            short: X
            kind: militant
            aliases:
              - Something Else
              - TTP
        """,
    )
    assert _error(path) == (
        f"{path}, line 11: alias 'TTP' of 'X' is already an alias of 'Tehrik-i-Taliban Pakistan'"
    )


def test_alias_that_is_another_groups_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
          - name: Beta Front
            short: BF
            kind: militant
            aliases: [alpha-front]
        """,
    )
    assert _error(path) == (
        f"{path}, line 8: alias 'alpha-front' of 'Beta Front' is already the name of 'Alpha Front'"
    )


def test_relation_to_a_group_not_on_the_list(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
            aliases: [AFX]
          - name: Alpha Youth Wing
            short: AYW
            kind: wing
            relations:
              - kind: wing_of
                target: AFX
        """,
    )
    assert _error(path) == (
        f"{path}, line 11: relation wing_of of 'Alpha Youth Wing' points to 'AFX', "
        "which is not on the watchlist (did you mean 'Alpha Front'?)"
    )


def test_unknown_relation_kind(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: AF
            kind: militant
          - name: Beta Front
            short: BF
            kind: militant
            relations:
              - {kind: friend_of, target: Alpha Front}
        """,
    )
    assert _error(path).startswith(
        f"{path}, line 9: unknown relation kind 'friend_of' in group 'Beta Front'"
    )


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        groups:
          - name: Alpha Front
            short: [AF
            kind: militant
        """,
    )
    message = _error(path)
    assert message.startswith(f"{path}, line ")
    assert "not valid YAML" in message


def test_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "\n")
    assert "the file is empty" in _error(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot read the watchlist" in _error(tmp_path / "nope.yaml")
