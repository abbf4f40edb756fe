"""The interface every collector implements.

A collector knows nothing of controls: the engine tells it which resource
types and which top-level fields the selected controls read, and the collector
streams back ``Resource`` and ``CollectionError`` items.  Collectors are found
through the ``govscan.collectors`` entry-point group; importing a collector
module must not import a cloud SDK (do that inside ``collect``).
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from govscan.catalog.resource_types import ResourceTypeSpec
from govscan.model import ApiCall, CollectionError, Resource, Target


@dataclass(frozen=True)
class CollectionPlan:
    """What the selected controls need from one collector."""

    fields: Mapping[str, frozenset[str]]
    """Resource type -> top-level fields read by the controls. An empty set means
    the type is needed but no detail field (e.g. only its existence or identity)."""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    """Policy parameter values in force (some collectors tune collection by them)."""
    targets: tuple[Target, ...] = ()
    """For collectors with ``after_others``: the scopes the other collectors scanned."""

    @property
    def resource_types(self) -> frozenset[str]:
        return frozenset(self.fields)

    def needs(self, resource_type: str, *fields: str) -> bool:
        """True when the plan needs the type and, if fields are given, any of them."""
        wanted = self.fields.get(resource_type)
        if wanted is None:
            return False
        return not fields or any(f in wanted for f in fields)


Item = Resource | CollectionError


class Collector(abc.ABC):
    """One source of resources (a cloud, a repository, a registry file)."""

    name: ClassVar[str]
    """Entry-point name and ``provider`` prefix of its resource types, e.g. ``aws``."""
    produces: ClassVar[tuple[str, ...]] = ()
    """Globs of the resource types it can produce; empty means ``<name>.*``."""
    origin: ClassVar[str] = "cloud"
    """``cloud`` for live resources, ``code`` for infrastructure-code definitions."""
    after_others: ClassVar[bool] = False
    """Run once the other collectors finished, with their targets in the plan
    (e.g. the AVV registry, which checks that every scanned provider has an agreement)."""

    @classmethod
    @abc.abstractmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        """Build the collector from scan options, or return None when not targeted.

        ``options`` holds the command-line flags and ``govscan.yaml`` settings,
        e.g. ``aws``, ``aws_regions``, ``repo``, ``registry``.
        """

    @abc.abstractmethod
    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        """Yield resources of the planned types and errors for what could not be read.

        May be called from a worker thread. Must not raise for data problems:
        those become ``CollectionError`` items so that the rest of the scan goes on.
        """

    def targets(self) -> list[Target]:
        """The scopes actually scanned (valid after ``collect`` finished)."""
        return []

    def api_calls(self) -> list[ApiCall]:
        """The API call log (valid after ``collect`` finished)."""
        return []

    @classmethod
    def resource_type_specs(cls) -> Mapping[str, ResourceTypeSpec]:
        """Resource types a plugin adds beyond ``data/resource_types/*.yaml``."""
        return {}
