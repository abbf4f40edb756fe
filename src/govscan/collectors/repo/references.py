"""References to the resources of the same module instance (``aws_vpc.main.cidr_block``).

A resource reference is an ``Instance`` (present, unknown as a whole) or, for a
block with a static ``count``/``for_each``, a list or map of them: splats,
``concat()``, ``length()`` and indexes then see as many instances as Terraform
creates (none for ``count = 0``), each with its own address, so a companion
joined through ``concat(aws_sg.a.*.id, aws_sg.b.*.id, [""])[0]`` reaches the
group that exists.

An attribute read from an instance is known before apply only when Terraform
knows it at plan: the block sets it as an argument to a value that is itself
known (``cidr_block = "10.0.0.0/16"``). Everything else, including every
attribute the provider computes or rewrites (``id``, ``arn``), stays an
unknown that names the instance (present, value unknown).
"""

from __future__ import annotations

import threading
from typing import Any

from govscan.collectors.repo.hcl import Block, Resolver, evaluate
from govscan.collectors.repo.instances import MAX_INSTANCES, Budget, address_key, each_pairs
from govscan.collectors.repo.values import Instance, Unknown, to_number, unknown_in

NEVER_RESOLVED = frozenset(
    {"id", "arn", "tags_all", "count", "for_each", "provider", "depends_on", "lifecycle"}
)
"""Attributes never read from configuration: computed by the provider (even where
an argument of the same name exists) or meta-arguments, which are no attributes."""

MAX_CHAIN = 20
"""Attribute reads of one resource through another's (``a.x`` set from ``b.y`` set
from ``c.z``) followed at once; longer chains, and cycles, stay unknown."""


class _Active(threading.local):
    def __init__(self) -> None:
        self.reading: set[tuple[str, str]] = set()


_active = _Active()


def resource_value(block: Block, resolve: Resolver, prefix: str, budget: Budget) -> Any:
    """What ``TYPE.NAME`` evaluates to in the module that declares ``block``."""
    rtype, rname = block.labels[0], block.labels[1]
    text = f"{rtype}.{rname}"
    address = f"{prefix}{text}"
    count = block.attrs.get("count")
    if count is not None:
        n = to_number(evaluate(count, resolve))
        if (
            isinstance(n, int)
            and not isinstance(n, bool)
            and 0 <= n <= MAX_INSTANCES
            and budget.take_references(n)
        ):
            return [
                _instance(block, f"{text}[{i}]", f"{address}[{i}]", _bind(resolve, "count", i, i))
                for i in range(n)
            ]
        return Unknown(text, address)
    each = block.attrs.get("for_each")
    if each is not None:
        pairs = each_pairs(evaluate(each, resolve))
        if pairs is None or len(pairs) > MAX_INSTANCES or not budget.take_references(len(pairs)):
            return Unknown(text, address)
        return {
            k: _instance(
                block,
                f"{text}{address_key(k)}",
                f"{address}{address_key(k)}",
                _bind(resolve, "each", k, v),
            )
            for k, v in pairs
        }
    return _instance(block, text, address, resolve)


def _instance(block: Block, text: str, address: str, resolve: Resolver) -> Instance:
    def lookup(name: str, expr_text: str) -> Any:
        h = block.attrs.get(name)
        if h is None or name in NEVER_RESOLVED:
            return Unknown(expr_text, address)
        key = (address, name)
        if key in _active.reading or len(_active.reading) >= MAX_CHAIN:
            return Unknown(expr_text, address)
        _active.reading.add(key)
        try:
            value = evaluate(h, resolve)
        finally:
            _active.reading.discard(key)
        # Only a static value is known at plan; null leaves the attribute to the
        # provider. Otherwise the reference still names this instance (a companion
        # joined through ``aws_s3_bucket.b.bucket`` with ``bucket = var.name``).
        if value is None or unknown_in(value) is not None:
            return Unknown(expr_text, address)
        return value

    return Instance(text, address, lookup)


def _bind(resolve: Resolver, kind: str, key: Any, value: Any) -> Resolver:
    values = {"index": key} if kind == "count" else {"key": key, "value": value}

    def bound(k: str, name: str) -> Any:
        if k == kind:
            return values[name] if name in values else Unknown(f"{k}.{name}")
        return resolve(k, name)

    return bound
