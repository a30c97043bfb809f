"""Finding groups in the store by any of their names: canonical, short, or alias."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import select

from digests.extract.watchlist import name_key
from digests.store.engine import Store
from digests.store.models import Group


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """A stored group."""

    id: int
    name: str
    short: str
    kind: str
    aliases: tuple[str, ...]
    on_watchlist: bool


@dataclass(frozen=True, slots=True)
class Resolved:
    """Names resolved to stored groups, and the names that matched none."""

    groups: tuple[GroupRecord, ...]
    unknown: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(group.name for group in self.groups)


def all_groups(store: Store) -> list[GroupRecord]:
    columns = (Group.id, Group.name, Group.short, Group.kind, Group.aliases, Group.on_watchlist)
    with store.session() as session:
        return [
            GroupRecord(row.id, row.name, row.short, row.kind, tuple(row.aliases), row.on_watchlist)
            for row in session.execute(select(*columns).order_by(Group.name))
        ]


def name_index(groups: Iterable[GroupRecord]) -> Mapping[str, GroupRecord]:
    """Every way of naming a group (case, spacing and punctuation aside) -> the group.

    Canonical names win over short names, short names over aliases, so "IS" cannot take
    a canonical name away from another group.
    """
    return _name_index(tuple(groups))


# Every question and command reads the same few hundred groups: their index is built once
# (comparing the groups costs a tenth of building it again).
@functools.lru_cache(maxsize=4)
def _name_index(groups: tuple[GroupRecord, ...]) -> Mapping[str, GroupRecord]:
    index: dict[str, GroupRecord] = {}
    for forms in (
        lambda g: g.aliases,
        lambda g: (g.short,),
        lambda g: (g.name,),
    ):
        for group in groups:
            for form in forms(group):
                if form:
                    index[name_key(form)] = group
    return MappingProxyType(index)


def resolve_groups(store: Store, names: Sequence[str]) -> Resolved:
    """The stored groups these names refer to ("TTP", "Pakistani Taliban"...), in order."""
    index = name_index(all_groups(store))
    found: dict[str, GroupRecord] = {}
    unknown = []
    for name in names:
        group = index.get(name_key(name))
        if group is None:
            unknown.append(name)
        else:
            found.setdefault(group.name, group)
    return Resolved(tuple(found.values()), tuple(unknown))


def suggestions(name: str, groups: Iterable[GroupRecord], limit: int = 3) -> list[str]:
    """Groups whose names are spelt close to `name` ("Tehrik-e-Talban" -> the TTP)."""
    index = name_index(groups)
    close = difflib.get_close_matches(name_key(name), list(index), n=limit * 3, cutoff=0.7)
    names = dict.fromkeys(index[key].name for key in close)
    return list(names)[:limit]


def unknown_groups_message(unknown: Sequence[str], groups: Iterable[GroupRecord]) -> str:
    """ "no group called X (did you mean Y?)" for each unknown name."""
    groups = list(groups)
    parts = []
    for name in unknown:
        close = suggestions(name, groups)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        parts.append(f"no group called {name!r}{hint}")
    return "; ".join(parts) + "; config/groups.yaml lists the groups sitrep knows"
