"""Which subscriptions a scan covers: given, discovered, or a management group's tree.

- ``--azure-subscriptions``: exactly those; each is read once
  (``subscriptions.get``). One that cannot be read (no access, unknown) or is
  Disabled or Deleted becomes an ``errors`` entry for every planned type in it.
- ``--azure-management-group G``: the subscriptions among G's descendants;
  one the identity cannot read, or a disabled one, becomes an ``errors`` entry.
- neither: every subscription the identity can list. Disabled and Deleted ones
  are skipped with a warning naming them: a tenant keeps cancelled
  subscriptions for months, and nothing in them can be read. Enabled, Warned
  and PastDue ones are scanned.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govscan.collectors.azure.arm import CallFailure
from govscan.collectors.azure.clients import Clients, to_arm
from govscan.errors import CollectorError
from govscan.model import CollectionError

log = logging.getLogger(__name__)

READ_SUBSCRIPTIONS = "Microsoft.Resources/subscriptions/read"
READ_DESCENDANTS = "Microsoft.Management/managementGroups/descendants/read"
SUBSCRIPTION_TYPE = "microsoft.management/managementgroups/subscriptions"


@dataclass(frozen=True)
class SubscriptionInfo:
    id: str
    tenant: str = ""
    name: str = ""
    state: str = ""


READABLE = frozenset({"enabled", "warned", "pastdue"})
"""States in which a subscription's resources can be read (Disabled and Deleted ones
answer every call with an error)."""


def readable(info: SubscriptionInfo) -> bool:
    return info.state.lower() in READABLE


def _info(arm: Mapping[str, Any]) -> SubscriptionInfo:
    return SubscriptionInfo(
        str(arm.get("subscriptionId") or str(arm.get("id", "")).rsplit("/", 1)[-1]),
        str(arm.get("tenantId") or ""),
        str(arm.get("displayName") or ""),
        str(arm.get("state") or ""),
    )


def _error(sub: str, message: str, operation: str, types: tuple[str, ...]) -> CollectionError:
    return CollectionError("azure", message, types, sub, "", operation)


def subscriptions(
    clients: Clients,
    call: Any,
    given: Iterable[str],
    group: str,
    types: tuple[str, ...],
) -> tuple[list[SubscriptionInfo], list[CollectionError]]:
    """The subscriptions to scan and the errors for those that cannot be.

    ``call(subscription, action, fn)`` makes one logged call (raises ``CallFailure``)."""
    client = clients.get("subscription")
    wanted = [s.strip() for s in given if s.strip()]
    errors: list[CollectionError] = []
    if wanted:
        found: list[SubscriptionInfo] = []
        for sub in dict.fromkeys(wanted):
            try:
                arm = to_arm(
                    call(sub, READ_SUBSCRIPTIONS, lambda s=sub: client.subscriptions.get(s))
                )
            except CallFailure as failed:
                errors.append(
                    _error(sub, f"cannot read subscription: {failed}", failed.operation, types)
                )
                continue
            info = _info(arm)
            if not readable(info):
                errors.append(
                    _error(
                        sub,
                        f"subscription is {info.state or 'not enabled'}: nothing in it can be read",
                        READ_SUBSCRIPTIONS,
                        types,
                    )
                )
                continue
            found.append(info)
        return found, errors
    listed = _list_all(client, call)
    if group:
        return _group(clients, call, group, listed, types)
    enabled = [s for s in listed if readable(s)]
    skipped = sorted(f"{s.id} ({s.state or 'no state'})" for s in listed if s not in enabled)
    if skipped:
        log.warning(
            "skipping Azure subscriptions that are disabled or deleted: %s", ", ".join(skipped)
        )
    if not enabled:
        raise CollectorError(
            "the Azure credential can read no active subscription (give "
            "--azure-subscriptions, or grant the identity Reader on one)"
        )
    return enabled, errors


def _list_all(client: Any, call: Any) -> list[SubscriptionInfo]:
    try:
        return [
            _info(to_arm(s))
            for s in call("", READ_SUBSCRIPTIONS, lambda: list(client.subscriptions.list()))
        ]
    except CallFailure as failed:
        raise CollectorError(f"cannot list Azure subscriptions: {failed}") from None


def _group(
    clients: Clients,
    call: Any,
    group: str,
    listed: list[SubscriptionInfo],
    types: tuple[str, ...],
) -> tuple[list[SubscriptionInfo], list[CollectionError]]:
    client = clients.get("managementgroups")
    try:
        items = call(
            "", READ_DESCENDANTS, lambda: list(client.management_groups.get_descendants(group))
        )
    except CallFailure as failed:
        raise CollectorError(f"cannot read management group {group}: {failed}") from None
    listable = {s.id.lower(): s for s in listed}
    found: list[SubscriptionInfo] = []
    errors: list[CollectionError] = []
    for item in items:
        arm = to_arm(item)
        if str(arm.get("type", "")).lower() != SUBSCRIPTION_TYPE:
            continue
        sub = str(arm.get("name", ""))
        info = listable.get(sub.lower())
        if info is None:
            errors.append(
                _error(
                    sub,
                    f"subscription in management group {group} cannot be read",
                    READ_SUBSCRIPTIONS,
                    types,
                )
            )
        elif not readable(info):
            errors.append(
                _error(
                    sub,
                    f"subscription is {info.state}: nothing in it can be read",
                    READ_SUBSCRIPTIONS,
                    types,
                )
            )
        else:
            found.append(info)
    return found, errors
