"""``govscan permissions --collector azure``: the least-privilege custom role for a plan."""

from __future__ import annotations

from typing import Any

from govscan.collectors.azure import entra
from govscan.collectors.azure.scope import READ_DESCENDANTS, READ_SUBSCRIPTIONS
from govscan.collectors.azure.spec import TYPES
from govscan.collectors.azure.types import load
from govscan.collectors.interface import CollectionPlan

BASE = (READ_SUBSCRIPTIONS,)
"""Always needed: read (or list) the subscriptions scanned."""


def required_actions(plan: CollectionPlan, management_group: bool = False) -> list[str]:
    """The ``Microsoft.*/read`` actions a scan with ``plan`` may call."""
    load()
    actions = set(BASE)
    if management_group:
        actions.add(READ_DESCENDANTS)
    for rtype, fields in plan.fields.items():
        spec = TYPES.get(rtype)
        if spec is None:
            continue
        actions |= spec.actions(fields)
        if spec.children_of and spec.children_of in TYPES:
            actions.add(TYPES[spec.children_of].action)
    return sorted(actions)


def role_definition(plan: CollectionPlan, subscriptions: tuple[str, ...] = ()) -> dict[str, Any]:
    scopes = [f"/subscriptions/{s}" for s in subscriptions] or ["/subscriptions/<subscription-id>"]
    role: dict[str, Any] = {
        "Name": "govscan reader",
        "IsCustom": True,
        "Description": "Read-only access to exactly what the selected govscan controls judge.",
        "Actions": required_actions(plan),
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": scopes,
    }
    graph = entra.permissions(plan.fields)
    if graph:
        # Entra ID is read through Microsoft Graph, which no Azure role grants: the
        # identity needs these application permissions, granted by admin consent.
        role["GraphApplicationPermissions"] = graph
    return role
