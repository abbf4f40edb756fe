"""The data passed between govscan's layers.

Every type here is a frozen dataclass: collectors produce ``Resource`` and
``CollectionError``, the engine produces ``Result`` and ``ScanResult``, and
reporters only ever read them.  Nothing downstream can change what an earlier
layer decided.
"""

from __future__ import annotations

import abc
import enum
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from govscan.runinfo import ApiCall as ApiCall
from govscan.runinfo import RunInfo as RunInfo
from govscan.runinfo import Target as Target
from govscan.typespecs import FieldSpec as FieldSpec
from govscan.typespecs import ResourceTypeSpec as ResourceTypeSpec
from govscan.typespecs import is_attestation as is_attestation


class Severity(enum.Enum):
    """How much a failed control matters; ordered from ``info`` to ``critical``."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Status(enum.Enum):
    """The outcome of one control against one resource (contract)."""

    PASS = "pass"  # noqa: S105 - a result status, not a password
    FAIL = "fail"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a resource is defined in a file (repository collectors only)."""

    path: str
    """Path relative to the scanned repository root, with forward slashes."""
    line: int
    """1-based line of the definition's first line."""
    end_line: int | None = None
    called_from: tuple[Location, ...] = ()
    """The ``module`` blocks that instantiate the definition, outermost first: a
    definition in a module has one identity per call, and this says which call."""


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """The identity of a resource, without its collected data."""

    type: str
    """Resource type, e.g. ``aws.ec2.volume``."""
    id: str
    """Provider-native, globally unique id: an ARN, an Azure or GCP resource id; for
    Terraform the root module and the full address (``infra: module.b.aws_s3_bucket.x[0]``)."""
    name: str = ""
    provider: str = ""
    account: str = ""
    region: str = ""
    location: Location | None = None


@dataclass(frozen=True)
class Resource:
    """One collected resource: its identity and its normalised fields."""

    ref: ResourceRef
    data: Mapping[str, Any]
    """Normalised, snake_case fields the controls' paths read. Never holds secret values."""
    unavailable: Mapping[str, str] = field(default_factory=dict)
    """Top-level fields the collector could not read, with the reason.

    A control whose check reads one of these fields yields ``error`` for this
    resource instead of judging a guess."""
    unknown: Mapping[str, str] = field(default_factory=dict)
    """Fields whose value is not known before apply (infrastructure code), with the reason.

    Keys are dotted paths to a map key (``default_encryption.kms_key_id``) or a
    top-level field (``ingress_rules``: anything inside a list counts for the whole
    list). A key that is also in ``data`` holds a placeholder: the value is present
    but unknown (a reference to another resource's attribute), so presence tests
    answer on it; any other test reading the path yields an undetermined ``error``."""
    suppressions: Mapping[str, str] = field(default_factory=dict)
    """Inline suppressions found at the definition: control id (or glob) -> reason."""
    tags: Mapping[str, str] = field(default_factory=dict)
    origin: str = "cloud"
    """``cloud`` for live resources, ``code`` for definitions in infrastructure code."""

    @property
    def type(self) -> str:
        return self.ref.type

    @property
    def id(self) -> str:
        return self.ref.id


@dataclass(frozen=True)
class CollectionError:
    """Data a collector could not collect; turns into ``error`` results, never a pass."""

    collector: str
    message: str
    resource_types: tuple[str, ...] = ()
    """The resource types whose data is missing; empty means every type of this collector."""
    account: str = ""
    region: str = ""
    operation: str = ""
    """The API operation or file that failed, e.g. ``s3:GetBucketEncryption``."""
    fields: tuple[str, ...] = ()
    """When set, only these fields of some resources are missing; those resources list
    them as ``unavailable`` and only controls reading them report ``error``."""


@dataclass(frozen=True)
class NotApplicableScope:
    """A scope that cannot hold resources of some types (a GCP project where their API
    is not enabled): every control on those types is ``not_applicable`` there, with
    ``reason``, instead of being silently absent."""

    collector: str
    resource_types: tuple[str, ...]
    account: str
    reason: str
    region: str = ""


@dataclass(frozen=True)
class ParamRef:
    """A value in a check taken from a policy parameter."""

    name: str
    default: Any = None
    has_default: bool = False


@dataclass(frozen=True)
class Control:
    """One declarative check, loaded from ``controls/**/<id>.yaml`` (contract)."""

    id: str
    title: str
    severity: Severity
    resource: str
    """The resource type this control judges."""
    check: Mapping[str, Any]
    """The condition tree as written in YAML; compiled by the engine."""
    frameworks: Mapping[str, tuple[str, ...]]
    description: str = ""
    remediation: str = ""
    message: str = ""
    """Failure message template; ``{path}`` placeholders read resource fields."""
    applies_when: Mapping[str, Any] | None = None
    """Optional condition; a resource for which it is false is ``not_applicable``."""
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    origins: tuple[str, ...] = ("cloud", "code")
    """Which resource origins the control judges; runtime-only facts say ``[cloud]``."""
    source: str = ""
    """File the control was loaded from."""
    replaces: tuple[str, ...] = ()
    """Ids the control had before a rename; references to them still apply to it."""


@dataclass(frozen=True)
class Waiver:
    """An accepted risk: matching results become ``waived`` until ``expires``."""

    control: str
    """Control id or glob."""
    resources: tuple[str, ...]
    """Resource id globs, or regular expressions written as ``re:<pattern>``."""
    reason: str
    owner: str
    expires: date | None = None


@dataclass(frozen=True)
class ParameterSpec:
    """A typed policy parameter."""

    name: str
    type: str
    """One of ``string``, ``integer``, ``number``, ``boolean``, ``list``, ``date``."""
    default: Any = None
    description: str = ""


@dataclass(frozen=True)
class Selection:
    """Which controls a policy takes; every given criterion must match."""

    ids: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    severities: tuple[Severity, ...] = ()
    resource_types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """A resolved policy pack (``extends`` already applied)."""

    name: str
    description: str = ""
    include: tuple[Selection, ...] = ()
    """A control is selected when any include selection matches (none: all controls)."""
    exclude: tuple[Selection, ...] = ()
    parameters: Mapping[str, ParameterSpec] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    """Parameter values in force: defaults, then the policy's own, then ``--param``."""
    waivers: tuple[Waiver, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    source: str = ""
    not_applicable: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WaiverInfo:
    """The waiver that matched (or had expired) for one result."""

    reason: str
    owner: str
    expires: date | None
    expired: bool = False
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    """One control judged against one resource (contract: results.json ``results[]``)."""

    control_id: str
    title: str
    severity: Severity
    status: Status
    resource: ResourceRef
    frameworks: Mapping[str, tuple[str, ...]]
    message: str = ""
    evidence: str = ""
    """Pointer into the bundle, e.g. ``resources.jsonl#<resource id>``."""
    waiver: WaiverInfo | None = None
    undetermined: bool = False
    """An ``error`` because a value the check needs is unknown before apply, not because
    data could not be collected; counts toward an incomplete run only when asked."""
    fingerprint: str = ""
    """The finding's identity across runs (``govscan.fingerprint``); empty in older bundles."""


def result_order(r: Result) -> tuple[str, str, str, str]:
    """The canonical order of results: by control, resource, status and message."""
    return (r.control_id, r.resource.id, r.status.value, r.message)


STATUS_TRIAGE = (Status.FAIL, Status.ERROR, Status.WAIVED, Status.PASS, Status.NOT_APPLICABLE)
"""The order in which a reader wants to see statuses: what needs action first."""
_TRIAGE_RANK = {s: i for i, s in enumerate(STATUS_TRIAGE)}


def triage_order(r: Result) -> tuple[int, int, str, str]:
    """Failures first, then by descending severity, control and resource."""
    return (_TRIAGE_RANK[r.status], -r.severity.rank, r.control_id, r.resource.id)


class ResultSet(abc.ABC):
    """The results of a scan: re-iterable, always in :func:`result_order`.

    A large scan keeps its results on disk (see ``results.spool``) rather than in
    memory; reporters only iterate, so they work the same on both.
    """

    __slots__ = ()

    @abc.abstractmethod
    def __iter__(self) -> Iterator[Result]: ...

    @abc.abstractmethod
    def __len__(self) -> int: ...

    def __eq__(self, other: object) -> bool:
        """Equal when the same results come out in the same order, wherever they are kept."""
        if not isinstance(other, ResultSet | tuple | list):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def counts(self) -> Mapping[tuple[Status, Severity], int]:
        """Number of results per (status, severity)."""
        return Counter((r.status, r.severity) for r in self)

    def in_triage_order(self, statuses: Iterable[Status] | None = None) -> Iterator[Result]:
        """The results (only those with one of ``statuses`` if given) in :func:`triage_order`."""
        chosen = self if statuses is None else self.select(statuses)
        return iter(sorted(chosen, key=triage_order))

    def undetermined_count(self) -> int:
        """Number of ``error`` results that are undetermined (values unknown before apply)."""
        return sum(1 for r in self.select((Status.ERROR,)) if r.undetermined)

    def select(self, statuses: Iterable[Status]) -> Iterator[Result]:
        """The results with one of ``statuses``, in canonical order."""
        wanted = frozenset(statuses)
        return (r for r in self if r.status in wanted)

    def counts_by_control(self) -> dict[str, Counter[Status]]:
        """Number of results per control and status."""
        out: dict[str, Counter[Status]] = {}
        for r in self:
            out.setdefault(r.control_id, Counter())[r.status] += 1
        return out

    def first_per_resource(self, statuses: Iterable[Status]) -> Iterator[Result]:
        """Among results with one of ``statuses``: one of every resource id (they
        share the resource), ordered by resource id."""
        out: dict[str, Result] = {}
        for r in self.select(statuses):
            out.setdefault(r.resource.id, r)
        return (out[k] for k in sorted(out))

    def first_per_control(self) -> dict[str, Result]:
        """The first result (canonical order) of every control that has results."""
        out: dict[str, Result] = {}
        for r in self:
            out.setdefault(r.control_id, r)
        return out

    def encoded(self) -> Iterator[str] | None:
        """The results' compact JSON lines when the set already holds them, else None."""
        return None


class ResultList(tuple[Result, ...], ResultSet):
    """Results held in memory (a bundle read back, a test, a small scan)."""

    __slots__ = ()

    def __new__(cls, results: Iterable[Result] = ()) -> ResultList:
        return super().__new__(cls, sorted(results, key=result_order))

    def __iter__(self) -> Iterator[Result]:
        return tuple.__iter__(self)

    def __len__(self) -> int:
        return tuple.__len__(self)


@dataclass(frozen=True)
class ScanResult:
    """Everything a scan decided; what reporters and the evidence bundle read."""

    run: RunInfo
    results: ResultSet
    """Plain tuples and lists are accepted and become a :class:`ResultList`."""
    errors: tuple[CollectionError, ...] = ()
    controls: tuple[Control, ...] = ()
    """The controls that were evaluated, for reporters that describe rules."""
    api_calls: tuple[ApiCall, ...] = ()

    def __post_init__(self) -> None:
        given: object = self.results
        if not isinstance(given, ResultSet):
            # The one exception to immutability: normalising the constructor's input.
            object.__setattr__(self, "results", ResultList(cast(Iterable[Result], given)))

    @property
    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for (status, _), n in self.results.counts().items():
            counts[status.value] += n
        return counts
