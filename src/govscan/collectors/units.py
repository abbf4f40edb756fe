"""Units of work: the independent parts a scan can be split into.

A unit is what one shard of an organisation scan collects on its own: an
(account, region) or an account's global services for AWS, a subscription for
Azure, a project for GCP, a Terraform root module for code. A collector that
cannot split itself is one unit. Units are found once (``govscan plan``) so
that shards running at different times agree on them even where discovery
depends on the moment (Organizations members, enabled regions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govscan.model import CollectionError, Target

WHOLE = "*"
"""Scope of a collector that is one unit."""


@dataclass(frozen=True)
class Unit:
    """One independent part of a scan. Identity is (collector, scope, part);
    ``attrs`` carries what the shard needs to scan it without discovering again
    (the role to assume, the account's tags)."""

    collector: str
    scope: str
    """Account id, subscription id, project id, root module directory, or ``*``."""
    part: str = ""
    """A region, ``global``, or empty when the scope is not divided further."""
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        return ":".join(x for x in (self.collector, self.scope, self.part) if x)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.collector, self.scope, self.part)


@dataclass(frozen=True)
class Discovery:
    """What a collector found its units to be."""

    units: tuple[Unit, ...]
    deterministic: bool = True
    """True when discovering again gives the same units whatever the moment (given
    regions, a fixed account list, a checkout); False when it depends on the cloud's
    state (Organizations members, enabled regions), so shards need a plan file."""
    targets: tuple[Target, ...] = ()
    """Scopes known at planning time; a collector that judges the others' scopes
    (``after_others``) sees these in every shard."""
    errors: tuple[CollectionError, ...] = ()
    """Discovery failures (an organisation that cannot be listed): reported once,
    by the first shard, as a single-process scan reports them."""


def whole(collector: str) -> Discovery:
    """The discovery of a collector that is one unit."""
    return Discovery((Unit(collector, WHOLE),))
