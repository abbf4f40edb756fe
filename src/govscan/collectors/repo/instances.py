"""The instances Terraform creates from one ``resource`` or ``module`` block.

``count = 2`` makes ``x[0]`` and ``x[1]``; a static ``for_each`` makes one
instance per key (``x["eu"]``), with ``count.index`` or ``each.key`` and
``each.value`` bound while that instance's values are evaluated. Each
instance is judged and reported on its own, so two buckets from one block are
two resources with two ids. Whether a block creates anything at all
(``count = 0``) is decided before this, by ``terraform._created``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from govscan.collectors.repo.hcl import Resolver, Unknown, evaluate

MAX_INSTANCES = 10_000
"""Resource and module instances one root module may expand to. A hostile
``count = 1e9`` (or modules nested with counts) must not exhaust memory; past
the budget a block is judged once, unexpanded, like a ``count`` not known
before apply."""


MAX_REFERENCED = 100_000
"""Resource instances that references in one root module may enumerate in all: a
module called 10,000 times that reads a resource with ``count = 10000`` must not
build 10^8 values; past it such a reference is unknown (present)."""


@dataclass(slots=True)
class Budget:
    """Instances one root module may still expand to (shared by its module calls)."""

    remaining: int = MAX_INSTANCES
    references: int = MAX_REFERENCED
    """Instances references may still see (``aws_x.y[*]`` builds one value per
    instance, in every module instance that reads it)."""

    def take(self, n: int) -> bool:
        """Spend ``n`` instances if the budget has them."""
        if n > self.remaining:
            return False
        self.remaining -= n
        return True

    def take_references(self, n: int) -> bool:
        if n > self.references:
            return False
        self.references -= n
        return True

    def spend_one(self) -> None:
        self.remaining = max(0, self.remaining - 1)


def instances(block: Any, resolve: Resolver, budget: Budget) -> list[tuple[str, Resolver]]:
    """``(address key, resolver)`` per instance: ``[("[0]", r0), ("[1]", r1)]`` for
    ``count = 2``; ``[("", resolve)]`` for a block without ``count``/``for_each`` or
    one whose instances are not known before apply (judged once, without a key)."""
    count = block.attrs.get("count")
    if count is not None:
        n = evaluate(count, resolve)
        if isinstance(n, int) and not isinstance(n, bool) and n >= 0 and budget.take(n):
            return [(f"[{i}]", _bound(resolve, "count", {"index": i})) for i in range(n)]
        return [("", resolve)]
    each = block.attrs.get("for_each")
    if each is not None:
        pairs = each_pairs(evaluate(each, resolve))
        if pairs is not None and budget.take(len(pairs)):
            return [
                (address_key(k), _bound(resolve, "each", {"key": k, "value": v})) for k, v in pairs
            ]
        return [("", resolve)]
    budget.spend_one()
    return [("", resolve)]


def each_pairs(items: Any) -> list[tuple[str, Any]] | None:
    """Key and value per instance of a ``for_each``: a map's entries, or a set of
    strings' elements (key and value both the element); None when not static."""
    if isinstance(items, dict):
        return sorted((str(k), v) for k, v in items.items())
    if isinstance(items, list) and all(isinstance(i, str) for i in items):
        return [(i, i) for i in sorted(set(items))]
    return None


def address_key(key: str) -> str:
    """``["eu"]``, quoted and escaped as in a Terraform address."""
    return f"[{json.dumps(key, ensure_ascii=False)}]"


def _bound(resolve: Resolver, kind: str, values: dict[str, Any]) -> Resolver:
    def bound(k: str, name: str) -> Any:
        if k == kind:
            return values[name] if name in values else Unknown(f"{k}.{name}")
        return resolve(k, name)

    return bound
