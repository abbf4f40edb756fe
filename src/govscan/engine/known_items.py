"""A check over a list some of whose items are unknown before apply, decided by its
known items where they decide it whatever the unknown ones hold.

A collector marks each unknown item of a list field ``F`` as ``F[i]`` in
``Resource.unknown`` (besides ``F`` itself). The complete list has at least the
known items, so a check that can only turn false as items are added (``every: F``,
or ``not`` of ``some: F``) and is already false on the known items is false, and
one that can only turn true (``some: F``) and is already true is true. Anything
else about the list (its length, a path into it) stays undetermined.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from govscan.engine.conditions import EvaluationError
from govscan.language.paths import QUANTIFIERS
from govscan.language.reads import Read, check_reads, unknown_reads

Check = Callable[[Any, Any], bool]


class Compiled(Protocol):
    """What of a compiled control this needs (``evaluator._Compiled``)."""

    @property
    def check(self) -> Any: ...
    @property
    def applies(self) -> Check | None: ...
    @property
    def applies_reads(self) -> frozenset[Read]: ...


def decided_by_known_items(
    cc: Compiled,
    data: Mapping[str, Any],
    unknown: Mapping[str, str],
    blocked: list[str],
    ctx: Any,
) -> bool | None:
    """The check's verdict when the known items of the one blocked list decide it,
    else None."""
    if len(blocked) != 1:
        return None
    field = blocked[0]
    items = data.get(field)
    if not isinstance(items, list):
        return None
    open_items = {i for i in range(len(items)) if f"{field}[{i}]" in unknown}
    if not open_items:
        return None  # which items are unknown is not said: nothing to decide on
    direction = polarity(cc.check.source, field)
    if direction not in (-1, 1):
        return None
    known = [item for i, item in enumerate(items) if i not in open_items]
    try:
        if cc.applies is not None and (
            unknown_reads(cc.applies_reads, unknown, data) or not cc.applies(data, ctx)
        ):
            return None  # whether the control applies is itself open (or it does not)
        verdict = bool(cc.check({**data, field: known}, ctx))
    except EvaluationError:
        return None
    # Antitone (-1): more items can only make it false; monotone (+1): only true.
    if direction == -1 and not verdict:
        return False
    if direction == 1 and verdict:
        return True
    return None


def polarity(node: Any, field: str) -> int | None:
    """How a condition depends on the set of ``field``'s items: 0 not at all, +1
    it can only turn true as items are added, -1 only false, None otherwise."""
    if not isinstance(node, Mapping):
        return None
    for kind in ("all", "any"):
        if isinstance(node.get(kind), list):
            signs = {polarity(child, field) for child in node[kind]}
            if None in signs:
                return None
            signs.discard(0)
            return signs.pop() if len(signs) == 1 else (0 if not signs else None)
    if "not" in node:
        inner = polarity(node["not"], field)
        return None if inner is None else -inner
    for q in QUANTIFIERS:
        if node.get(q) == field:
            # The inner check is judged per item, on known items only.
            return -1 if q == "every" else 1
    reads = check_reads(node)
    touches = any(
        r.path == field or r.path.startswith(field + ".") or field.startswith(r.path + ".")
        for r in reads
    )
    return None if touches else 0
