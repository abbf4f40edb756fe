"""Resource types as data: the list call, its detail calls, and a normaliser.

Most AWS resource types are collected the same way: page through one list
operation, call a few per-resource detail operations (only those filling a
field some selected control reads), and turn what came back into a
``Resource``. A ``ListSpec`` declares exactly that; ``define`` registers it,
and the permissions ``govscan permissions`` prints are derived from the same
declaration. Types that need more (a region-wide lookup shared by all
resources, a resource that exists when nothing is configured) keep a
hand-written collect function in their module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from govscan.collectors.aws.api import Api, CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Gone, Scope, parallel
from govscan.collectors.interface import Item
from govscan.model import Resource


@dataclass(frozen=True)
class Detail:
    """A per-resource call and the fields it fills."""

    operation: str
    """API operation name (``GetTopicAttributes``); the boto3 method is derived."""
    fields: tuple[str, ...]
    """Fields this call fills; the call is made only when a control reads one of them."""
    params: Callable[[Any], Mapping[str, Any]]
    """Request parameters from the listed item."""
    always: bool = False
    """Call it whatever the plan (it also identifies the resource)."""


@dataclass(frozen=True)
class Fetched:
    """What the detail calls of one resource returned."""

    responses: Mapping[str, Any]
    """Operation -> response (None: not configured) for each call that succeeded."""
    unavailable: dict[str, str]
    """Field -> why it could not be read (failed calls)."""

    def __contains__(self, operation: object) -> bool:
        return operation in self.responses

    def __getitem__(self, operation: str) -> Mapping[str, Any]:
        """The response of a call that succeeded (``{}`` when not configured)."""
        response: Mapping[str, Any] = self.responses[operation] or {}
        return response


Normalise = Callable[[Scope, Any, Fetched], Resource | None]
"""Listed item and detail responses -> the resource (None: skip this item)."""


@dataclass(frozen=True)
class ListSpec:
    """How one resource type is enumerated (in the spirit of an ``enum_spec``)."""

    type: str
    """govscan resource type (``aws.sns.topic``)."""
    service: str
    """boto3 client name (``sns``, ``efs``)."""
    operation: str
    """API operation that lists the resources (``ListTopics``)."""
    result_key: str
    """Where the items are in a response; dots descend (``DistributionList.Items``)."""
    normalise: Normalise
    prefix: str = ""
    """IAM service prefix when it differs from ``service`` (``elasticfilesystem``)."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Fixed parameters of the list call."""
    paginated: bool = True
    page_size: int | None = None
    inner_key: str = ""
    """Each listed element holds a list of the resources under this key (EC2 reservations)."""
    details: tuple[Detail, ...] = ()
    parallel: bool = False
    """Detail calls of different resources run concurrently (bounded)."""
    regional: bool = True
    """False: collected once per account."""
    client_region: str | None = None
    """A global service answered by one region (CloudFront: us-east-1)."""

    def list_operation(self) -> str:
        return f"{self.prefix or self.service}:{self.operation}"

    def typedef(self) -> TypeDef:
        """The registry entry: what is always called, and what each field adds."""
        p = self.prefix or self.service
        always = tuple(f"{p}:{d.operation}" for d in self.details if d.always)
        detail_ops: dict[str, tuple[str, ...]] = {}
        for d in self.details:
            if not d.always:
                for f in d.fields:
                    detail_ops[f] = (*detail_ops.get(f, ()), f"{p}:{d.operation}")
        return TypeDef(
            name=self.type,
            service=self.service,
            collect=lambda scope: collect(self, scope),
            list_ops=(self.list_operation(), *always),
            detail_ops=detail_ops,
            regional=self.regional,
        )


def define(spec: ListSpec) -> ListSpec:
    """Register a resource type declared as data."""
    register(spec.typedef())
    return spec


def _dig(response: Any, key: str) -> list[Any]:
    for part in key.split("."):
        response = (response or {}).get(part)
    return list(response or [])


def _listed(spec: ListSpec, api: Api) -> Iterator[Any]:
    from botocore import xform_name

    method = xform_name(spec.operation)
    if spec.paginated:
        found: Iterable[Any] = api.pages(
            method, spec.result_key, page_size=spec.page_size, **spec.params
        )
    else:
        found = _dig(api.call(method, **spec.params), spec.result_key)
    for item in found:
        if spec.inner_key:
            yield from item.get(spec.inner_key, [])
        else:
            yield item


def collect(spec: ListSpec, scope: Scope) -> Iterator[Item]:
    """List, fetch the details the plan needs, normalise; failures as the kit's rules say."""
    api = scope.api(spec.service, region=spec.client_region)
    calls = [d for d in spec.details if d.always or scope.wants(spec.type, *d.fields)]
    if not calls:
        # Nothing per resource: stream straight from the pages.
        try:
            for item in _listed(spec, api):
                resource = spec.normalise(scope, item, Fetched({}, {}))
                if resource is not None:
                    yield resource
        except CallFailure as failure:
            yield scope.list_error(spec.type, failure)
        return
    try:
        found = list(_listed(spec, api))
    except CallFailure as failure:
        yield scope.list_error(spec.type, failure)
        return

    from botocore import xform_name

    methods = {d.operation: xform_name(d.operation) for d in calls}

    def one(item: Any) -> Resource | None:
        responses: dict[str, Any] = {}
        unavailable: dict[str, str] = {}
        for d in calls:
            params = d.params(item)
            r = scope.detail(
                spec.type,
                # Names the resource if it is gone (then it is skipped).
                str(next(iter(params.values()), "")),
                d.fields,
                unavailable,
                api,
                methods[d.operation],
                **params,
            )
            if not any(f in unavailable for f in d.fields):
                responses[d.operation] = r
        return spec.normalise(scope, item, Fetched(responses, unavailable))

    if spec.parallel:
        yield from parallel(one, found)
    else:
        for item in found:
            try:
                resource = one(item)
            except Gone:
                continue
            if resource is not None:
                yield resource
    yield from scope.detail_errors()
