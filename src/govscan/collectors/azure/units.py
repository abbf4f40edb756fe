"""An Azure scan's units: one per subscription, and one per tenant for Entra ID.

Subscriptions are found exactly as a scan finds them (``scope.subscriptions``:
given, listed, or a management group's). Entra ID is read once per tenant
through Microsoft Graph, whatever the number of its subscriptions, so each
tenant is a unit of its own (part ``entra``): its results come from one shard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govscan.collectors.azure import entra
from govscan.collectors.azure.scope import SubscriptionInfo, subscriptions
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.units import Discovery, Unit
from govscan.model import CollectionError

if TYPE_CHECKING:
    from govscan.collectors.azure import AzureCollector
    from govscan.collectors.azure.clients import Clients

ENTRA = "entra"
"""The part of a tenant's unit: its Entra ID types, read through Microsoft Graph."""


@dataclass(frozen=True)
class Planned:
    """A shard's share of the plan's Azure units."""

    subscriptions: tuple[SubscriptionInfo, ...]
    """Subscriptions found at planning time: scanned without being read again."""
    retry: tuple[str, ...]
    """Given subscriptions that could not be read at planning time: read again, so
    that the shard reports what a scan of them reports."""
    tenants: tuple[str, ...]
    """Tenants whose Entra ID types this shard reads."""


def discover(col: AzureCollector, plan: CollectionPlan) -> Discovery:
    """The scan's subscriptions, found as a scan finds them, and their tenants."""
    _credential, clients = col.connect()
    types = tuple(plan.fields)
    try:
        found, failed = subscriptions(
            clients, col._call, col.subscriptions, col.management_group, types
        )
    finally:
        clients.close()
    units = [Unit(col.name, i.id, "", _attrs(i)) for i in found]
    errors = unknown_types(plan.fields)
    if col.subscriptions:
        # A given subscription that cannot be read now is tried again by its shard.
        units += [Unit(col.name, e.account, "") for e in failed if e.account]
        errors += [e for e in failed if not e.account]
    else:
        # A management group's member that cannot be listed: nothing a shard could retry.
        errors += failed
    if any(t in plan.fields for t in entra.TYPES):
        tenants = sorted({i.tenant for i in found if i.tenant})
        units += [Unit(col.name, t, ENTRA) for t in tenants]
        if not tenants:
            errors.append(entra.no_tenant(plan.fields))
    targets = tuple(col.target(i) for i in sorted(found, key=lambda i: i.id))
    return Discovery(tuple(units), bool(col.subscriptions), targets, tuple(errors))


def _attrs(info: SubscriptionInfo) -> dict[str, Any]:
    return {"tenant": info.tenant, "name": info.name, "state": info.state}


def planned(units: Sequence[Unit]) -> Planned:
    """What a shard scans, from its units."""
    found = tuple(
        SubscriptionInfo(
            u.scope,
            str(u.attrs.get("tenant") or ""),
            str(u.attrs.get("name") or ""),
            str(u.attrs.get("state") or ""),
        )
        for u in units
        if not u.part and "state" in u.attrs
    )
    retry = tuple(u.scope for u in units if not u.part and "state" not in u.attrs)
    tenants = tuple(sorted(u.scope for u in units if u.part == ENTRA))
    return Planned(found, retry, tenants)


def planned_scopes(
    col: AzureCollector, mine: Planned, clients: Clients, types: tuple[str, ...]
) -> tuple[list[SubscriptionInfo], list[CollectionError]]:
    """A shard's subscriptions: the planned ones as they are, the retried ones read
    the way ``--azure-subscriptions`` reads them."""
    found = list(mine.subscriptions)
    if not mine.retry:
        return found, []
    more, errors = subscriptions(clients, col._call, mine.retry, "", types)
    return found + more, errors


def unknown_types(fields: Mapping[str, frozenset[str]]) -> list[CollectionError]:
    """The error naming planned ``azure.*`` types this version does not collect."""
    from govscan.collectors.azure.types import load

    unknown = sorted(set(fields) - set(load()) - set(entra.TYPES))
    if not unknown:
        return []
    message = f"resource types not collected by this version: {', '.join(unknown)}"
    return [CollectionError("azure", message, tuple(unknown))]
