"""The interface every collector implements.

A collector knows nothing of controls: the engine tells it which resource
types and which top-level fields the selected controls read, and the collector
streams back ``Resource`` and ``CollectionError`` items.  Collectors are found
through the ``govscan.collectors`` entry-point group; importing a collector
module must not import a cloud SDK (do that inside ``collect``).

A collector also owns its configuration: the ``govscan scan`` options it adds
(``options``), the ``targets.<name>`` blocks of ``govscan.yaml`` they are read
from (``blocks``), and, for a cloud, the least-privilege grant a scan needs
(``permissions``). The command line, the configuration file and the runner
only read these declarations.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from govscan.collectors.units import Discovery, Unit, whole
from govscan.model import (
    ApiCall,
    CollectionError,
    NotApplicableScope,
    Resource,
    ResourceTypeSpec,
    Target,
)


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
    scope_details: bool = False
    """For ``discover_units``: a collector judging the others' scopes runs too, so each
    ``Discovery.targets`` entry needs the details a scan would record (a repository's
    third-party providers and actions), not only its identity."""

    @property
    def resource_types(self) -> frozenset[str]:
        return frozenset(self.fields)

    def needs(self, resource_type: str, *fields: str) -> bool:
        """True when the plan needs the type and, if fields are given, any of them."""
        wanted = self.fields.get(resource_type)
        if wanted is None:
            return False
        return not fields or any(f in wanted for f in fields)


Item = Resource | CollectionError | NotApplicableScope

OptionKind = Literal["switch", "text", "list", "path", "paths", "int", "size", "mapping"]
"""How an option is read: ``switch`` on/off; ``text`` one string; ``list`` comma-separated
on the command line, a list (or comma-separated string) in the file; ``path`` a file
or folder, relative to ``govscan.yaml`` when given there; ``paths`` several of them
(the flag repeatable); ``int`` a positive whole number; ``size`` bytes such as ``20 MiB``;
``mapping`` names to strings, in the file only (``endpoints: {api: URL}``)."""


@dataclass(frozen=True)
class CollectorOption:
    """One setting of a collector: a ``govscan scan`` flag, a ``govscan.yaml`` key, or both.

    The flag wins over the file. The merged value reaches ``from_options`` under ``key``.
    """

    key: str
    """Key in the options mapping handed to ``from_options``, e.g. ``aws_regions``."""
    flag: str | None = None
    """Command-line flag, e.g. ``--aws-regions``; None for a setting only the file has."""
    setting: str | None = None
    """Key in the ``targets`` block, e.g. ``regions``; None for a flag only."""
    block: str | None = None
    """The ``targets`` block the setting lives in; None means the collector's name."""
    kind: OptionKind = "text"
    help: str = ""
    metavar: str | None = None
    target: bool = False
    """Giving this option (or the collector's block) targets the collector: ``--aws``,
    ``--repo PATH``. Named in the message when nothing is targeted."""
    enables: bool = False
    """The flag alone targets the collector too (``--aws-profile`` implies ``--aws``)."""
    default: Any = None
    """Value when the block is present but does not give the setting (``repo: {}`` is ``.``)."""
    tuning: bool = False
    """Changes how fast, not what, is collected (workers, call limits): shards of one
    plan may set it differently (it is not part of the plan's options hash)."""


@dataclass(frozen=True)
class TargetBlock:
    """One ``targets.<name>`` block of ``govscan.yaml``."""

    name: str
    scalar: str | None = None
    """The setting a plain value stands for (``repo: .`` is ``repo: {path: .}``).
    None: the block is a mapping of settings, or ``true`` for all defaults."""


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
    title: ClassVar[str] = ""
    """Heading of its options in ``govscan scan --help``; empty means the name."""
    options: ClassVar[tuple[CollectorOption, ...]] = ()
    """The flags and ``govscan.yaml`` settings it reads (see ``CollectorOption``)."""
    blocks: ClassVar[tuple[TargetBlock, ...]] = ()
    """Its ``targets.<name>`` blocks; empty means the mapping blocks its options'
    settings name."""
    sdk_loggers: ClassVar[tuple[str, ...]] = ()
    """Loggers of the SDK it uses: kept at WARNING whatever the root logger says, as
    SDK debug logs print whole API responses (secret values among them)."""
    placeholder: ClassVar[bool] = False
    """A declaration that keeps the options of a collector not installed yet; an
    installed collector of the same name replaces it."""

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

    def discover_units(self, plan: CollectionPlan) -> Discovery:
        """The independent units this collector's scan splits into (``govscan plan``).

        The default is one unit: the whole collector runs in one shard."""
        del plan
        return whole(self.name)

    def restrict(self, units: Sequence[Unit]) -> None:
        """Collect only these units (a shard's share of a plan), without discovering.

        Called before ``collect`` with at least one unit; the default (one unit)
        has nothing to narrow."""
        del units

    def api_calls(self) -> list[ApiCall]:
        """The API call log (valid after ``collect`` finished)."""
        return []

    @classmethod
    def resource_type_specs(cls) -> Mapping[str, ResourceTypeSpec]:
        """Resource types a plugin adds beyond ``data/resource_types/*.yaml``."""
        return {}

    @classmethod
    def permissions(cls, plan: CollectionPlan) -> Mapping[str, Any] | None:
        """The least-privilege grant a scan with ``plan`` needs, in the cloud's own format
        (an IAM policy document for AWS, a custom role definition for Azure, a role with
        its permissions for GCP); None when the collector needs no cloud grant."""
        del plan
        return None

    @classmethod
    def target_blocks(cls) -> tuple[TargetBlock, ...]:
        """Its ``targets`` blocks: declared, or the mapping blocks its settings name."""
        if cls.blocks:
            return cls.blocks
        names = (o.block or cls.name for o in cls.options if o.setting)
        return tuple(TargetBlock(n) for n in dict.fromkeys(names))

    @classmethod
    def offers_permissions(cls) -> bool:
        """True when the collector implements ``permissions``."""
        own = cls.__mro__[: cls.__mro__.index(Collector)]
        return any("permissions" in vars(k) for k in own)
