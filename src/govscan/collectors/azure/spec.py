"""Azure resource types as data: a list call, per-resource detail calls, a normaliser.

How to declare a type (modules ``collectors/azure/types_*.py`` are found and
imported by ``collectors/azure/types.py``; nothing else needs editing)::

    from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define

    def _account(arm: dict[str, Any], got: Fetched) -> dict[str, Any] | None:
        props = arm.get("properties") or {}
        blob = got.get("blob_service")            # {} when the call was not made or failed
        return {"https_only": props.get("supportsHttpsTrafficOnly"), ...}

    define(AzureType(
        type="azure.storage.account",
        client="storage",                          # key of clients.CLIENTS
        list=lambda c, ctx: c.storage_accounts.list(),
        action="Microsoft.Storage/storageAccounts/read",
        normalise=_account,
        details=(
            Detail(
                "blob_service",                    # key in Fetched
                ("blob_soft_delete", "blob_versioning"),
                lambda c, ctx, arm: c.blob_services.get_service_properties(
                    ctx.resource_group(arm), arm["name"]),
                "Microsoft.Storage/storageAccounts/blobServices/read",
            ),
        ),
    ))

Rules the runner (``collect.py``) applies, so a type module does not:

- ``list(client, ctx)`` returns what the SDK returns: an ``ItemPaged`` (paged
  through ``by_page``, one call-log entry per page), a list, or one model.
  With ``children_of="azure.x"`` it is called once per parent resource,
  ``ctx.parent`` holding the parent's ARM JSON (the parent list is made once
  per subscription and shared). ``ctx.arm_list(path, api_version)`` /
  ``ctx.arm_get(...)`` reach an ARM path no installed SDK client covers,
  through the same pipeline (credential, retries, call log).
- ``normalise(arm, fetched)`` gets the ARM JSON as on the wire (REST keys:
  ``id``, ``name``, ``location``, ``properties.{...}``, ``sku``; SDK models
  are converted with ``to_arm``) and returns the type's own fields, or None
  to skip the item. The runner adds the common fields of azure.yaml
  (``name``, ``region`` = lowercase location or ``global`` for a type with
  ``regional=False``, ``subscription_id``, ``resource_group``, ``tags``) unless
  the normaliser set them. The resource id is the item's ARM ``id`` as returned;
  ``ResourceRef.region`` is its location.
- A ``Detail`` is called only when a selected control reads one of its
  ``fields`` (or ``always``). A 404 means "gone" (the resource is skipped
  unless ``absent_ok``: then the response is None, i.e. "not configured");
  any other failure makes its fields unavailable on that resource (controls
  reading them report ``error``) and is summarised once per operation.
- A failed list call is one ``CollectionError`` for (subscription, type)
  naming the resource provider and operation (the action).
- ``action`` is the ``Microsoft.*/read`` permission the call needs; the
  call log records it, ``govscan permissions`` grants it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Detail:
    """A per-resource call and the fields it fills."""

    name: str
    """Key of its response in ``Fetched`` (``blob_service``)."""
    fields: tuple[str, ...]
    """Fields it fills: the call is made only when a selected control reads one."""
    call: Callable[[Any, Ctx, dict[str, Any]], Any]
    """``(client, ctx, arm)`` -> SDK model, dict, list or pager (for a list the items
    are collected into ``{"value": [...]}``)."""
    action: str
    """The ``Microsoft.*/read`` action it needs."""
    client: str = ""
    """Client key when it differs from the type's."""
    always: bool = False
    """Make it whatever the plan (it identifies or filters the resource)."""
    absent_ok: bool = False
    """A 404 answer means "not configured" (None), not "resource gone"."""
    when: Callable[[Mapping[str, Any]], bool] | None = None
    """Only for the listed items (ARM JSON) it holds for; for the others no call is
    made or logged and the response is absent (the listing already says enough)."""
    shared: bool = False
    """One lookup for every resource of the type in a subscription (``arm`` is
    ``{}``), made once and handed to each; when it fails, its fields are
    unavailable on each. Its calls log themselves (``ctx.arm_list``)."""


@dataclass(frozen=True)
class AzureType:
    """How one Azure resource type is listed, detailed and normalised."""

    type: str
    """govscan resource type (``azure.storage.account``)."""
    client: str
    """Key of ``clients.CLIENTS`` (``storage``, ``compute``, ``network``)."""
    list: Callable[[Any, Ctx], Any]
    """``(client, ctx)`` -> pager, list or model of one subscription (or one parent)."""
    action: str
    """The ``Microsoft.*/read`` action of the list call."""
    normalise: Callable[[dict[str, Any], Fetched], dict[str, Any] | None]
    details: tuple[Detail, ...] = ()
    children_of: str | None = None
    """Parent resource type: ``list`` runs once per parent (``ctx.parent``)."""
    regional: bool = True
    """False: the resource has no location (subscription-level)."""
    extra_actions: tuple[str, ...] = ()
    """Further actions ``list`` needs (e.g. lookups made once per subscription)."""

    @property
    def provider(self) -> str:
        """Resource provider of the list call (``Microsoft.Storage``)."""
        return provider_of(self.action)

    def actions(self, fields: Iterable[str] | None) -> set[str]:
        """Actions a scan reading ``fields`` of this type needs (None: every field)."""
        wanted = None if fields is None else set(fields)
        out = {self.action, *self.extra_actions}
        for d in self.details:
            if d.always or wanted is None or wanted.intersection(d.fields):
                out.add(d.action)
        return out


def provider_of(action: str) -> str:
    """``Microsoft.Storage/storageAccounts/read`` -> ``Microsoft.Storage``."""
    return action.split("/", 1)[0]


@dataclass(frozen=True)
class Fetched:
    """What the detail calls of one resource returned."""

    responses: Mapping[str, Any]
    """Detail name -> ARM JSON (None: not configured) of each call that succeeded."""
    unavailable: Mapping[str, str] = field(default_factory=dict)
    """Field -> why it could not be read."""
    missing: dict[str, str] = field(default_factory=dict)
    """Filled by the normaliser: a path inside a field that a successful answer left
    out although it always holds it (``defender_plans.Containers``) -> why. The
    resource lists it as unavailable: the controls reading it report ``error``."""

    def __contains__(self, name: object) -> bool:
        return name in self.responses

    def get(self, name: str) -> dict[str, Any]:
        """The response of a detail call; ``{}`` when not made, failed or not configured."""
        found = self.responses.get(name)
        return found if isinstance(found, dict) else {}


class Ctx:
    """What a type's calls may read: the subscription, the parent, and raw ARM access.

    Built by the runner; the methods below are all a type module needs."""

    def __init__(
        self,
        subscription: str,
        tenant: str,
        fields: Mapping[str, frozenset[str]],
        raw: Callable[[str, str, str, str, bool], Any],
        parent: Mapping[str, Any] | None = None,
    ) -> None:
        self.subscription = subscription
        self.tenant = tenant
        self.fields = fields
        self.parent: Mapping[str, Any] = parent or {}
        self._raw = raw

    def wants(self, rtype: str, *names: str) -> bool:
        """Does a selected control read one of these fields of ``rtype``?"""
        wanted = self.fields.get(rtype)
        return wanted is not None and any(n in wanted for n in names)

    def with_parent(self, parent: Mapping[str, Any]) -> Ctx:
        return Ctx(self.subscription, self.tenant, self.fields, self._raw, parent)

    @staticmethod
    def resource_group(arm: Mapping[str, Any]) -> str:
        """The resource group named in an ARM id ("" when none)."""
        return resource_group_of(str(arm.get("id", "")))

    def arm_list(self, path: str, api_version: str, action: str) -> Iterator[dict[str, Any]]:
        """Items of an ARM list at ``path`` (``/subscriptions/{id}/providers/...``),
        following ``nextLink``; calls are logged under ``action``."""
        found: Iterator[dict[str, Any]] = self._raw("GET", path, api_version, action, True)
        return found

    def arm_get(
        self, path: str, api_version: str, action: str, absent_ok: bool = False
    ) -> dict[str, Any] | None:
        """One ARM GET; None when ``absent_ok`` and the answer is 404. Raises
        ``arm.CallFailure`` otherwise (the runner turns it into the type's error)."""
        from govscan.collectors.azure.arm import CallFailure

        try:
            got: dict[str, Any] | None = self._raw("GET", path, api_version, action, False)
        except CallFailure as failed:
            if absent_ok and failed.kind == "gone":
                return None
            raise
        return got


def resource_group_of(arm_id: str) -> str:
    parts = arm_id.split("/")
    for i, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[i + 1]
    return ""


TYPES: dict[str, AzureType] = {}
"""Every declared Azure type by name (filled when ``types.load()`` imports the modules)."""


def define(spec: AzureType) -> AzureType:
    """Register a type (module import time)."""
    TYPES[spec.type] = spec
    return spec
