"""GCP resource types as data: the list call, its detail calls, and a normaliser.

A ``GcpType`` declares how one resource type is read in one project:

- ``list(clients, project)`` yields the listed items as REST JSON (camelCase keys
  as in the API's REST reference). With a generated client, convert each message
  with ``type(msg).to_dict(msg, preserving_proto_field_name=False)`` or use
  ``Clients.pages``, which does it; ``Clients.rest(api, project)`` already answers
  dicts.
- each ``Detail`` is called per listed item only when the plan reads one of its
  fields (and its ``when`` holds for the item); what it returned reaches the
  normaliser in ``Fetched``;
- ``normalise(item, fetched)`` returns the documented fields
  (``data/resource_types/gcp.yaml``) or None to skip the item. The kit adds the
  common fields (``project_id``, ``project_number``, ``labels``, ``name``) when the
  normaliser did not set them.

A type with an ``asset_type`` is listed through the Cloud Asset Inventory in
organisation and folder scans (``inventory.py``): the assets' ``resource.data``
replaces the list call, everything else is the same.

The ``api`` is the service name Service Usage knows (``compute.googleapis.com``): in a
project where it is not enabled nothing of the type is called and the scope is
``not_applicable``. Permissions and operation names are IAM permissions
(``storage.buckets.list``): the call log records each call under the permission it
needs, so ``govscan permissions`` and the log of a real scan can be compared.

Type modules (``types_*.py`` in this package) call ``define`` at import;
``registry.load`` imports them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.target import Project
from govscan.collectors.interface import Item
from govscan.model import CollectionError, NotApplicableScope, Resource, ResourceRef

if TYPE_CHECKING:
    from govscan.collectors.gcp.clients import Clients


@dataclass(frozen=True)
class Fetched:
    """What the detail calls of one item returned, and the scan context."""

    responses: Mapping[str, Any]
    """Detail name -> its answer (None or ``{}``: nothing configured)."""
    unavailable: Mapping[str, str]
    """Field -> why it could not be read (a failed detail call)."""
    project: Project
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The moment the scan judges against (ages of keys are counted to it)."""

    def __contains__(self, name: object) -> bool:
        return name in self.responses

    def __getitem__(self, name: str) -> Mapping[str, Any]:
        """The answer of a detail that succeeded (``{}`` when nothing is configured)."""
        found: Mapping[str, Any] = self.responses.get(name) or {}
        return found


DetailCall = Callable[["Clients", Project, Mapping[str, Any]], Any]
"""(clients, project, listed item) -> the REST JSON answer, or None."""


@dataclass(frozen=True)
class Detail:
    """A per-resource call and the fields it fills."""

    name: str
    """Key in ``Fetched`` and the operation name in the call log: the IAM permission
    the call needs (``storage.buckets.getIamPolicy``)."""
    fields: tuple[str, ...]
    """Fields it fills; it is called only when a control reads one of them."""
    call: DetailCall
    permissions: tuple[str, ...] = ()
    """IAM permissions it needs; empty means ``(name,)``."""
    always: bool = False
    """Call it whatever the plan (it also identifies the resource)."""
    when: Callable[[Mapping[str, Any]], bool] | None = None
    """Called for a listed item only when this holds for it; otherwise the detail
    answers None (nothing in effect) without a call, e.g. no ACL read for a bucket
    whose uniform access makes ACLs grant nothing."""

    def needs(self) -> tuple[str, ...]:
        return self.permissions or (self.name,)


ListCall = Callable[["Clients", Project], Iterable[Mapping[str, Any]]]
Normalise = Callable[[Mapping[str, Any], Fetched], dict[str, Any] | None]
Ident = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class GcpType:
    """How one GCP resource type is collected in one project."""

    type: str
    """govscan resource type (``gcp.storage.bucket``)."""
    api: str
    """Service name of the API (``storage.googleapis.com``)."""
    list: ListCall
    normalise: Normalise
    permissions: tuple[str, ...]
    """IAM permissions the list call needs (``storage.buckets.list``)."""
    details: tuple[Detail, ...] = ()
    located: bool = True
    """True: the resource has a location (region, zone, multi-region); False: global."""
    ident: Ident | None = None
    """The resource id (full resource name) from the listed item; default:
    ``//<api>/<item name>`` for relative names, or from ``selfLink``."""
    asset_type: str = ""
    """The Cloud Asset Inventory type whose ``resource.data`` is the listed item's
    REST JSON (``storage.googleapis.com/Bucket``); empty: listed per project only."""
    from_assets: Callable[[Sequence[Mapping[str, Any]]], Iterable[Mapping[str, Any]]] | None = None
    """One project's items from the inventory -> what ``list`` would yield (for a
    list call that adds to its items); None: the items as they are."""

    def detail_permissions(self) -> Mapping[str, tuple[str, ...]]:
        """Field -> permissions needed only when a control reads it."""
        out: dict[str, tuple[str, ...]] = {}
        for d in self.details:
            if d.always:
                continue
            for f in d.fields:
                out[f] = (*out.get(f, ()), *d.needs())
        return out

    def base_permissions(self) -> tuple[str, ...]:
        """Permissions every collection of the type needs."""
        always = tuple(p for d in self.details if d.always for p in d.needs())
        return (*self.permissions, *always)


TYPES: dict[str, GcpType] = {}
"""Every defined type by name."""


def define(spec: GcpType) -> GcpType:
    """Register a resource type declared as data."""
    TYPES[spec.type] = spec
    return spec


def full_name(api: str, item: Mapping[str, Any]) -> str:
    """The full resource name of a listed item (``//storage.googleapis.com/...``)."""
    self_link = str(item.get("selfLink") or "")
    if self_link:
        # https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances/i
        tail = self_link.split("://", 1)[-1].split("/", 1)[-1]
        for version_prefix in ("compute/v1/", "compute/beta/", "storage/v1/", "sql/v1beta4/"):
            if tail.startswith(version_prefix):
                tail = tail[len(version_prefix) :]
                break
        else:
            tail = tail.split("/", 1)[-1] if tail.startswith("v") else tail
        return f"//{api}/{tail}"
    name = str(item.get("name") or item.get("id") or "")
    return f"//{api}/{name}"


@dataclass(frozen=True)
class Scope:
    """One project's collection context, handed to ``collect``."""

    clients: Clients
    project: Project
    fields: Mapping[str, frozenset[str]]
    """The plan: resource type -> fields the controls read."""
    as_of: datetime

    def wants(self, rtype: str, *fields: str) -> bool:
        wanted = self.fields.get(rtype)
        return wanted is not None and (not fields or any(f in wanted for f in fields))

    def error(
        self,
        rtype: str,
        failure: CallFailure,
        fields: tuple[str, ...] = (),
    ) -> CollectionError:
        """A ``CollectionError`` naming the project, API and operation."""
        return CollectionError(
            "gcp",
            failure.describe(self.project.project_id),
            (rtype,),
            account=self.project.project_id,
            operation=f"{failure.api}:{failure.operation}",
            fields=fields,
        )

    def resource(
        self,
        rtype: str,
        rid: str,
        data: dict[str, Any],
        unavailable: Mapping[str, str] | None = None,
    ) -> Resource:
        """The ``Resource`` with the common fields filled."""
        p = self.project
        data.setdefault("project_id", p.project_id)
        data.setdefault("project_number", p.number or None)
        labels = data.get("labels")
        if not isinstance(labels, dict):
            labels = {}
            data["labels"] = labels
        name = str(data.get("name") or rid.rsplit("/", 1)[-1])
        data.setdefault("name", name)
        if not data.get("location"):
            data["location"] = data.get("region") or "global"
        region = str(data.get("region") or data["location"])
        data.setdefault("region", region)
        return Resource(
            ref=ResourceRef(
                type=rtype, id=rid, name=name, provider="gcp", account=p.project_id, region=region
            ),
            data=data,
            unavailable=dict(unavailable or {}),
            tags={str(k): str(v) for k, v in labels.items()},
        )


def collect(
    spec: GcpType, scope: Scope, listed: Iterable[Mapping[str, Any]] | None = None
) -> Iterator[Item]:
    """List (or take ``listed``, the items the inventory already holds), fetch the
    details the plan needs, normalise; failures as errors of the scope."""
    calls = [d for d in spec.details if d.always or scope.wants(spec.type, *d.fields)]
    failed: dict[str, CallFailure] = {}
    try:
        items = listed if listed is not None else spec.list(scope.clients, scope.project)
        for item in items:
            responses: dict[str, Any] = {}
            unavailable: dict[str, str] = {}
            skip = False
            for d in calls:
                if d.when is not None and not d.when(item):
                    responses[d.name] = None
                    continue
                try:
                    responses[d.name] = d.call(scope.clients, scope.project, item)
                except CallFailure as failure:
                    if failure.kind == "gone":
                        skip = True  # deleted between list and detail
                        break
                    failed.setdefault(d.name, failure)
                    for f in d.fields:
                        unavailable[f] = str(failure)
            if skip:
                continue
            fetched = Fetched(responses, unavailable, scope.project, scope.as_of)
            data = spec.normalise(item, fetched)
            if data is None:
                continue
            rid = spec.ident(item) if spec.ident else full_name(spec.api, item)
            yield scope.resource(spec.type, rid, data, unavailable)
    except CallFailure as listing:
        if listing.kind == "disabled":
            # The API is off although Service Usage did not say so: nothing to judge.
            yield NotApplicableScope(
                "gcp",
                (spec.type,),
                scope.project.project_id,
                f"{spec.api} is not enabled in project {scope.project.project_id}",
            )
        else:
            yield scope.error(spec.type, listing)
    for name, why in failed.items():
        detail = next(d for d in calls if d.name == name)
        yield scope.error(spec.type, why, fields=detail.fields)
