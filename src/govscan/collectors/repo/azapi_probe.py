"""Which fields of a shape an ARM request body decides, and which it leaves open.

The live collector's shape functions read a GET answer, where Azure has filled in
every default. A request body declared in code differs in two ways: some values
are not known before apply, and some properties are not set at all (Azure then
applies the default of the API version, which govscan does not assume). Rather
than a second table of which property feeds which field, each open property is
tried with a handful of different values: a field whose value changes depends on
it and is open too, with that property's reason.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable
from typing import Any

from govscan.collectors.shapes.azure_details import NoDetails

Path = tuple[str | int, ...]
ShapeFn = Callable[[dict[str, Any], Any], dict[str, Any] | None]

_ABSENT = object()

MAX_OPEN = 64
"""Most open places tried one by one in one resource's body."""


class _Anything(dict[str, Any]):
    """An object whose every property holds ``value``: it makes the fields that read
    anything inside an open object change with ``value``."""

    def __init__(self, value: Any) -> None:
        super().__init__({"": value})
        self.value = value

    def get(self, key: Any, default: Any = None) -> Any:
        return self.value

    def __getitem__(self, key: Any) -> Any:
        return self.value

    def __contains__(self, key: object) -> bool:
        return True


def _probes(unset: bool) -> list[Any]:
    """Values to try in an open place. For a property the body does not set, only
    scalars: an absent list is an empty one (no rules) and an absent object an
    unconfigured feature (no key vault key), as a GET of such a resource answers;
    an absent scalar is Azure's default."""
    scalars: list[Any] = [True, False, 0, 36500, "Disabled", "Enabled", "TLS1_2", "None", "*"]
    # Values some shape compares a property with: a field that changes only for one
    # of them must change here too.
    scalars += ["Microsoft.Keyvault", "EncryptionAtRestWithCustomerKey", "Premium"]
    scalars += ["Approved", "Standard_RAGRS", "rotate", "Periodic", "Tcp"]
    if unset:
        return [_ABSENT, *scalars]
    objects = [_Anything(True), _Anything("Disabled"), _Anything(0)]
    return [_ABSENT, *scalars, *objects, [], [_Anything(True)], [_Anything("Disabled")]]


class _Watched(dict[str, Any]):
    """An ARM object that notes every property a shape function asks for and does
    not find (outside lists: an item's absent property is simply absent)."""

    def __init__(self, data: dict[str, Any], path: Path, log: set[Path]) -> None:
        super().__init__(data)
        self._path = path
        self._log = log

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self._log.add((*self._path, key))
        return super().get(key, default)


def _watch(value: Any, path: Path, log: set[Path]) -> Any:
    if isinstance(value, dict):
        return _Watched({k: _watch(v, (*path, k), log) for k, v in value.items()}, path, log)
    return value


def _with(doc: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node: Any = out
    for step in path[:-1]:
        if isinstance(node, dict):
            node = node.setdefault(step, {})
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return out
    last = path[-1]
    if isinstance(node, dict):
        if value is _ABSENT:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = None if value is _ABSENT else value
    return out


def _run(fn: ShapeFn, doc: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return fn(doc, NoDetails()) or {}
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        return None  # this value makes no sense to the shape: everything depends on it


def decide(
    fn: ShapeFn,
    doc: dict[str, Any],
    open_paths: Iterable[tuple[Path, str]],
    not_set: str,
    not_defaulted: Collection[Path] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    """The shape of ``doc`` and, for each field some open path decides, why it is
    open. ``open_paths`` are the values not known before apply (already taken out
    of ``doc``) with their reasons; properties the shape reads but ``doc`` does not
    set are open too, with ``not_set`` formatted with the property's dotted path,
    unless they are ``not_defaulted``."""
    log: set[Path] = set()
    base = fn(_watch(doc, (), log), NoDetails()) or {}
    base = copy.deepcopy(dict(base))
    given = _by_list(open_paths)
    if len(given) > MAX_OPEN:
        # Too many to try one by one: everything the shape makes is open.
        return base, dict.fromkeys(base, given[0][1])
    known = {p for p, _ in given}
    unset = [
        (p, not_set.replace("{path}", ".".join(str(s) for s in p)))
        for p in sorted(log, key=lambda p: [str(s) for s in p])
        if p not in known and p not in not_defaulted
    ]
    why: dict[str, str] = {}
    for path, reason, absent in [(p, r, False) for p, r in given] + [
        (p, r, True) for p, r in unset
    ]:
        for probe in _probes(absent):
            out = _run(fn, _with(doc, path, probe))
            for field in base.keys() | (out or {}).keys():
                if field in why:
                    continue
                if out is None or out.get(field, _ABSENT) != base.get(field, _ABSENT):
                    why[field] = reason
    return base, why


def _by_list(open_paths: Iterable[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Open paths, those inside a list as the whole list (with the first reason): a
    list's items have no stable path, and trying each item would cost a shape
    run per item."""
    out: dict[Path, str] = {}
    for path, reason in open_paths:
        cut = next((i for i, step in enumerate(path) if isinstance(step, int)), len(path))
        out.setdefault(path[:cut], reason)
    return list(out.items())


def take_unknowns(
    value: Any, path: Path, is_unknown: Callable[[Any], bool]
) -> tuple[Any, list[tuple[Path, Any]]]:
    """``value`` without its unknown leaves (an object loses the property, a list
    keeps a null in the item's place) and the unknowns found, by path."""
    found: list[tuple[Path, Any]] = []
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if is_unknown(v):
                found.append(((*path, k), v))
                continue
            out[k], more = take_unknowns(v, (*path, k), is_unknown)
            found += more
        return out, found
    if isinstance(value, list):
        items: list[Any] = []
        for i, v in enumerate(value):
            if is_unknown(v):
                found.append(((*path, i), v))
                items.append(None)
                continue
            item, more = take_unknowns(v, (*path, i), is_unknown)
            items.append(item)
            found += more
        return items, found
    return value, found
