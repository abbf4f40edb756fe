"""Which network security group rules Azure never reaches.

Azure evaluates the rules of one direction by priority, lowest number first,
and the first rule that matches a packet decides it. A rule is ``shadowed``
when rules with lower priority numbers in the same direction together match
every packet it would match, so it never decides anything. Both the live
collector and the azurerm normaliser flatten rules into the documented shape
(``data/resource_types/azure.yaml``) and add this field through
:func:`with_shadowing`, so one definition judges the estate and its code.

The answer is conservative: ``True`` only when the rules' static values prove
it. A value not known before apply (any item that is not a plain string,
number or range) never helps a rule shadow another, and on the shadowed side
counts as "anything", so a change whose deny rule depends on a variable still
fails the controls instead of passing them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

ALL_PORTS = (0, 65535)
_EVERYTHING = frozenset({"*", "any"})
# What the controls call "from the Internet" (the shape's source_any). A rule
# from `Internet` decides the Internet's share of these sources, which is all
# the NSG controls judge; traffic from inside the virtual network still reaches
# the later rule, and AllowVnetInBound admits that anyway.
_INTERNET_WIDE = frozenset({"*", "any", "internet", "0.0.0.0", "0.0.0.0/0", "::/0"})  # noqa: S104

Range = tuple[int, int]
Network = tuple[int, int, int]
"""(IP version, first address, last address) of a CIDR."""

MAX_RULES = 1006
"""Azure accepts 1,000 rules in a group besides its six default ones. A list
longer than that cannot be applied; its rules are all counted in effect."""
BUDGET = 2_000_000
"""Prefix comparisons one group may cost. Input is hostile: a group built to
need more is not analysed, and its rules are all counted in effect."""


class _OverBudget(Exception):
    pass


class _Budget:
    def __init__(self, left: int) -> None:
        self.left = left

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _OverBudget


@dataclass(frozen=True, slots=True)
class _Prefixes:
    """One rule's source or destination prefixes, read once."""

    everything: bool
    """A known '*' or 'Any': holds every prefix, known or not."""
    complete: bool
    """Every item is a known string (and there is one)."""
    texts: frozenset[str]
    networks: tuple[Network, ...]
    items: tuple[tuple[str, Network | None], ...]


@dataclass(frozen=True, slots=True)
class _Rule:
    """What the comparison needs of one flattened rule."""

    priority: int
    direction: str
    decides: bool
    protocol: str | None
    sources: _Prefixes
    destinations: _Prefixes
    ranges: tuple[Range, ...]
    """Its known port ranges: what it covers for a later rule."""
    wanted: tuple[Range, ...]
    """The ports it matches, every port when one is not known."""


def with_shadowing(rules: Sequence[Any]) -> list[Any]:
    """The rules with ``shadowed`` added to each flattened rule (a mapping);
    other items (a rule list entry not known before apply) stay as they are."""
    try:
        verdicts = _verdicts(rules) if len(rules) <= MAX_RULES else {}
    except _OverBudget:
        verdicts = {}
    return [
        {**r, "shadowed": verdicts.get(i, False)} if isinstance(r, Mapping) else r
        for i, r in enumerate(rules)
    ]


def shadowed(rule: Mapping[str, Any], rules: Sequence[Any]) -> bool:
    """Whether earlier rules of ``rules`` (same direction, lower priority number)
    together match every packet ``rule`` matches."""
    try:
        return _verdicts([rule, *(r for r in rules if r is not rule)]).get(0, False)
    except _OverBudget:
        return False


def _verdicts(rules: Sequence[Any]) -> dict[int, bool]:
    facts = {i: f for i, r in enumerate(rules) if (f := _facts(r)) is not None}
    by_direction: dict[str, list[tuple[int, _Rule]]] = {}
    for i, f in sorted(facts.items(), key=lambda item: item[1].priority):
        by_direction.setdefault(f.direction, []).append((i, f))
    out: dict[int, bool] = {}
    budget = _Budget(BUDGET)
    for ordered in by_direction.values():
        for at, (i, later) in enumerate(ordered):
            earlier = (f for _, f in ordered[:at] if f.priority < later.priority)
            out[i] = _covered(later, earlier, budget)
    return out


def _covered(later: _Rule, earlier: Iterable[_Rule], budget: _Budget) -> bool:
    covering: list[Range] = []
    for f in earlier:
        budget.spend(1 + len(f.ranges) * len(later.wanted))
        if (
            f.decides
            and _protocol_covers(f.protocol, later.protocol)
            and _overlaps(f.ranges, later.wanted)
            and _prefixes_cover(f.sources, later.sources, budget, sources=True)
            and _prefixes_cover(f.destinations, later.destinations, budget, sources=False)
        ):
            covering += f.ranges
            budget.spend(len(covering) * (1 + len(later.wanted)))
            if _inside(later.wanted, covering):
                return True
    return False


def _facts(rule: Any) -> _Rule | None:
    if not isinstance(rule, Mapping):
        return None
    priority, direction = rule.get("priority"), rule.get("direction")
    if not _number(priority) or not isinstance(direction, str):
        return None
    protocol = rule.get("protocol")
    ranges = _known_ranges(rule)
    listed = max(len(_list(rule.get("port_ranges"))), len(_list(rule.get("destination_ports"))))
    # A range that did not parse is dropped by the live normaliser: count it as unknown.
    wanted = tuple(ranges) if ranges and len(ranges) >= listed else (ALL_PORTS,)
    return _Rule(
        priority,
        direction,
        rule.get("access") in ("allow", "deny"),
        protocol if isinstance(protocol, str) else None,
        _prefixes(rule.get("source_prefixes")),
        _prefixes(rule.get("destination_prefixes")),
        tuple(ranges),
        wanted,
    )


def _prefixes(value: Any) -> _Prefixes:
    listed = _list(value)
    texts = [p.strip().lower() for p in listed if isinstance(p, str)]
    items = tuple((t, _network(t)) for t in texts)
    return _Prefixes(
        everything=any(t in _EVERYTHING for t in texts),
        complete=bool(listed) and len(texts) == len(listed),
        texts=frozenset(texts),
        networks=tuple(n for _, n in items if n is not None),
        items=items,
    )


def _number(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _protocol_covers(earlier: str | None, later: str | None) -> bool:
    return earlier == "all" or (earlier is not None and earlier == later)


def _prefixes_cover(
    earlier: _Prefixes, later: _Prefixes, budget: _Budget, *, sources: bool
) -> bool:
    """Every prefix of ``later`` lies inside a known prefix of ``earlier``; unknown or
    missing prefixes only inside '*'."""
    if earlier.everything:
        return True
    if not later.complete or not earlier.texts:
        return False
    internet = sources and "internet" in earlier.texts
    budget.spend(len(later.items) * (1 + len(earlier.networks)))
    for text, net in later.items:
        if text in earlier.texts or (internet and text in _INTERNET_WIDE):
            continue
        if net is None or not any(
            v == net[0] and first <= net[1] and net[2] <= last
            for v, first, last in earlier.networks
        ):
            return False
    return True


def _network(text: str) -> Network | None:
    if not text[:1].isdigit() and ":" not in text:
        return None  # a service tag or an application security group id
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return (net.version, int(net.network_address), int(net.broadcast_address))


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _known_ranges(rule: Mapping[str, Any]) -> list[Range]:
    out = []
    for r in _list(rule.get("port_ranges")):
        if isinstance(r, Mapping) and _number(r.get("from")) and _number(r.get("to")):
            out.append((int(r["from"]), int(r["to"])))
    return out


def _overlaps(ranges: Sequence[Range], wanted: Sequence[Range]) -> bool:
    return any(lo <= high and low <= hi for lo, hi in ranges for low, high in wanted)


def _inside(wanted: Sequence[Range], covering: Sequence[Range]) -> bool:
    """Every port of ``wanted`` lies in the union of ``covering``."""
    merged: list[Range] = []
    for low, high in sorted(covering):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return all(any(lo <= low and high <= hi for lo, hi in merged) for low, high in wanted)
