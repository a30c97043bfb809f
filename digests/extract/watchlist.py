"""The watchlist: the armed groups a desk follows, loaded from `config/groups.yaml`.

The file is read through `yaml.compose` rather than `yaml.safe_load` so that every
problem can be reported with the line it sits on: a team edits this file by hand,
and "line 42: alias 'TTP' of 'X' is already an alias of 'Tehrik-i-Taliban Pakistan'"
is something they can fix without reading code.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, cast, get_args

import yaml

from digests.extract.model import GroupEntry, Relation, RelationKind

__all__ = ["Watchlist", "WatchlistError", "load_watchlist", "name_key"]

RELATION_KINDS: frozenset[str] = frozenset(get_args(RelationKind))
_REQUIRED_KEYS = ("name", "short", "kind")
_ALLOWED_KEYS = frozenset({"name", "short", "kind", "region", "aliases", "relations"})
_RELATION_KEYS = frozenset({"kind", "target"})

_STR_TAG = "tag:yaml.org,2002:str"
_NON_ALNUM = re.compile(r"[\W_]+")

T = TypeVar("T")


class WatchlistError(ValueError):
    """The watchlist file is unreadable or inconsistent; the message names file and line."""


def name_key(name: str) -> str:
    """Lookup key for a group name: case folded, punctuation as space, spaces collapsed.

    "Tehreek-e-Taliban Pakistan", "tehreek e taliban  pakistan" and "Tehreek–e–Taliban
    Pakistan" share one key, so a lookup or a duplicate check does not depend on how a
    name was typed.
    """
    return _NON_ALNUM.sub(" ", name.casefold().replace("'", "").replace("’", "")).strip()


@dataclass(frozen=True)
class Watchlist:
    """The groups on the watchlist plus lookup maps.

    `by_name` maps a canonical name to its entry; `by_alias` maps the `name_key` of
    every canonical name, alias and (where it is free) short name to its entry.
    `memo` lets other modules keep something derived from this watchlist, such as a
    compiled matcher, built once per watchlist instead of once per document.
    """

    groups: tuple[GroupEntry, ...]
    by_name: Mapping[str, GroupEntry] = field(compare=False, repr=False)
    by_alias: Mapping[str, GroupEntry] = field(compare=False, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @classmethod
    def from_entries(cls, entries: Iterable[GroupEntry]) -> Watchlist:
        """Build a watchlist from entries, checking names, aliases and relation targets."""
        groups = tuple(entries)
        by_name: dict[str, GroupEntry] = {}
        by_alias: dict[str, GroupEntry] = {}
        for entry in groups:
            if entry.name in by_name:
                raise WatchlistError(f"duplicate group name {entry.name!r}")
            by_name[entry.name] = entry
        for entry in groups:
            for alias in (entry.name, *entry.aliases):
                key = name_key(alias)
                owner = by_alias.get(key)
                if owner is not None and owner.name != entry.name:
                    raise WatchlistError(
                        f"alias {alias!r} of {entry.name!r} is already "
                        f"{_claim_description(owner, key)}"
                    )
                by_alias[key] = entry
        for entry in groups:
            # A short name is a label; it becomes a lookup key only if nobody else owns it.
            by_alias.setdefault(name_key(entry.short), entry)
            for relation in entry.relations:
                if relation.kind not in RELATION_KINDS:
                    raise WatchlistError(
                        f"relation of {entry.name!r} has unknown kind {relation.kind!r}"
                    )
                if relation.target not in by_name:
                    raise WatchlistError(
                        f"relation of {entry.name!r} points to {relation.target!r}, "
                        "which is not on the watchlist"
                    )
        return cls(groups, MappingProxyType(by_name), MappingProxyType(by_alias))

    def lookup(self, name: str) -> GroupEntry | None:
        """The entry whose canonical name, alias or short name is `name`, if any."""
        return self.by_name.get(name) or self.by_alias.get(name_key(name))

    def memo(self, key: str, build: Callable[[Watchlist], T]) -> T:
        """`build(self)` computed once per watchlist and kept under `key`."""
        try:
            return cast(T, self._memo[key])
        except KeyError:
            pass
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = build(self)
            return cast(T, self._memo[key])


def _claim_description(owner: GroupEntry, key: str) -> str:
    if name_key(owner.name) == key:
        return f"the name of {owner.name!r}"
    return f"an alias of {owner.name!r}"


# --- loading ---------------------------------------------------------------------------


class _Reader:
    """Turns the composed YAML node tree into entries, with file and line in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, node: yaml.Node, message: str) -> WatchlistError:
        return WatchlistError(f"{self.source}, line {node.start_mark.line + 1}: {message}")

    def text(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR_TAG:
            raise self.error(node, f"{what} must be a string, not {_describe(node)}")
        value = str(node.value).strip()
        if not value and not allow_empty:
            raise self.error(node, f"{what} is empty")
        return value

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping, not {_describe(node)}")
        pairs: list[tuple[yaml.ScalarNode, yaml.Node]] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = self.text(key_node, f"a key in {what}")
            if key in seen:
                raise self.error(key_node, f"key {key!r} appears twice in {what}")
            seen.add(key)
            pairs.append((key_node, value_node))
        return pairs

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"{what} must be a list, not {_describe(node)}")
        return list(node.value)

    def document(self, root: yaml.Node | None) -> list[tuple[yaml.Node, GroupEntry]]:
        if root is None:
            raise WatchlistError(f"{self.source}: the file is empty; expected 'groups:'")
        pairs = self.mapping(root, "the top level")
        top = {key.value: (key, value) for key, value in pairs}
        for key, key_node in ((k.value, k) for k, _ in pairs):
            if key != "groups":
                raise self.error(
                    key_node, f"unknown key {key!r} at the top level (expected 'groups')"
                )
        if "groups" not in top:
            raise self.error(root, "missing 'groups:' list")
        return [(node, self.group(node)) for node in self.sequence(top["groups"][1], "'groups'")]

    def group(self, node: yaml.Node) -> GroupEntry:
        pairs = self.mapping(node, "a group")
        values = {key.value: value for key, value in pairs}
        label = "a group"
        if "name" in values:
            label = f"group {self.text(values['name'], 'name')!r}"
        for key_node, _ in pairs:
            if key_node.value not in _ALLOWED_KEYS:
                allowed = ", ".join(sorted(_ALLOWED_KEYS))
                raise self.error(
                    key_node, f"unknown key {key_node.value!r} in {label} (allowed: {allowed})"
                )
        for required in _REQUIRED_KEYS:
            if required not in values:
                raise self.error(node, f"{label} has no {required!r}")
        name = self.text(values["name"], "name")
        short = self.text(values["short"], f"short of {label}")
        kind = self.text(values["kind"], f"kind of {label}")
        region = self.text(values["region"], f"region of {label}") if "region" in values else ""
        aliases: list[str] = []
        if "aliases" in values:
            for alias_node in self.sequence(values["aliases"], f"aliases of {label}"):
                alias = self.text(alias_node, f"an alias of {label}")
                if alias not in aliases:
                    aliases.append(alias)
        relations: list[Relation] = []
        if "relations" in values:
            for relation_node in self.sequence(values["relations"], f"relations of {label}"):
                relations.append(self.relation(relation_node, label))
        return GroupEntry(
            name=name,
            short=short,
            kind=kind,
            aliases=tuple(aliases),
            relations=tuple(relations),
            region=region,
        )

    def relation(self, node: yaml.Node, label: str) -> Relation:
        pairs = self.mapping(node, f"a relation of {label}")
        values = {key.value: value for key, value in pairs}
        for key_node, _ in pairs:
            if key_node.value not in _RELATION_KEYS:
                raise self.error(
                    key_node,
                    f"unknown key {key_node.value!r} in a relation of {label} "
                    "(allowed: kind, target)",
                )
        for required in ("kind", "target"):
            if required not in values:
                raise self.error(node, f"a relation of {label} has no {required!r}")
        kind = self.text(values["kind"], f"relation kind of {label}")
        if kind not in RELATION_KINDS:
            allowed = ", ".join(sorted(RELATION_KINDS))
            raise self.error(
                values["kind"], f"unknown relation kind {kind!r} in {label} (allowed: {allowed})"
            )
        target = self.text(values["target"], f"relation target of {label}")
        return Relation(kind=cast(RelationKind, kind), target=target)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    return {"null": "empty", "bool": "a true/false", "int": "a number", "float": "a number"}.get(
        tag, f"{node.value!r}"
    )


def _check_consistency(reader: _Reader, parsed: list[tuple[yaml.Node, GroupEntry]]) -> None:
    """Cross-entry checks with line numbers: duplicate names, shared aliases, dangling links."""
    names: dict[str, tuple[GroupEntry, yaml.Node]] = {}
    for node, entry in parsed:
        earlier = names.get(entry.name)
        if earlier is not None:
            raise reader.error(
                _value_node(node, "name"),
                f"duplicate group name {entry.name!r} "
                f"(first at line {earlier[1].start_mark.line + 1})",
            )
        names[entry.name] = (entry, node)
    owners: dict[str, GroupEntry] = {}
    for node, entry in parsed:
        alias_nodes = _alias_nodes(node)
        for alias in (entry.name, *entry.aliases):
            key = name_key(alias)
            owner = owners.get(key)
            if owner is not None and owner.name != entry.name:
                where = alias_nodes.get(alias, _value_node(node, "name"))
                raise reader.error(
                    where,
                    f"alias {alias!r} of {entry.name!r} is already "
                    f"{_claim_description(owner, key)}",
                )
            owners[key] = entry
    for node, entry in parsed:
        relation_nodes = _relation_target_nodes(node)
        for index, relation in enumerate(entry.relations):
            if relation.target in names:
                continue
            where = relation_nodes[index] if index < len(relation_nodes) else node
            hint = ""
            owner = owners.get(name_key(relation.target))
            if owner is not None:
                hint = f" (did you mean {owner.name!r}?)"
            raise reader.error(
                where,
                f"relation {relation.kind} of {entry.name!r} points to {relation.target!r}, "
                f"which is not on the watchlist{hint}",
            )


def _value_node(group_node: yaml.Node, key: str) -> yaml.Node:
    for key_node, value_node in group_node.value:
        if key_node.value == key:
            return cast(yaml.Node, value_node)
    return group_node


def _alias_nodes(group_node: yaml.Node) -> dict[str, yaml.Node]:
    aliases = _value_node(group_node, "aliases")
    if not isinstance(aliases, yaml.SequenceNode):
        return {}
    return {str(node.value).strip(): node for node in aliases.value}


def _relation_target_nodes(group_node: yaml.Node) -> list[yaml.Node]:
    relations = _value_node(group_node, "relations")
    if not isinstance(relations, yaml.SequenceNode):
        return []
    return [_value_node(node, "target") for node in relations.value]


def load_watchlist(path: Path) -> Watchlist:
    """Load and validate a watchlist file; raise `WatchlistError` naming file and line."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise WatchlistError(f"{source}: cannot read the watchlist ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise WatchlistError(f"{source}: the watchlist is not UTF-8 text") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise WatchlistError(f"{source}{line}: not valid YAML ({exc.problem})") from exc
    except yaml.YAMLError as exc:
        raise WatchlistError(f"{source}: not valid YAML ({exc})") from exc
    reader = _Reader(source)
    parsed = reader.document(root)
    _check_consistency(reader, parsed)
    try:
        return Watchlist.from_entries(entry for _, entry in parsed)
    except WatchlistError as exc:  # pragma: no cover - the line-aware checks run first
        raise WatchlistError(f"{source}: {exc}") from exc
