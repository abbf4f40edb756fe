"""``azure.resource``: every other located resource of a subscription, for residency.

One list call per subscription (``GET /subscriptions/{id}/resources``). Resources
whose ARM type a dedicated govscan type collects are left out: those are judged
by their own type's controls, with their copies. Resources without a location
hold no data of their own anywhere and are left out too.
"""

from __future__ import annotations

from typing import Any

from govscan.collectors.azure.spec import AzureType, Fetched, define

RESOURCE = "azure.resource"

DEDICATED = frozenset(
    t.lower()
    for t in (
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Compute/disks",
        "Microsoft.Compute/virtualMachines",
        "Microsoft.Network/networkSecurityGroups",
        "Microsoft.Network/virtualNetworks",
        "Microsoft.KeyVault/vaults",
        "Microsoft.Sql/servers",
        "Microsoft.Sql/servers/databases",
        "Microsoft.DBforPostgreSQL/flexibleServers",
        "Microsoft.DBforMySQL/flexibleServers",
        "Microsoft.DocumentDB/databaseAccounts",
        "Microsoft.Web/sites",
        "Microsoft.ContainerService/managedClusters",
        "Microsoft.ContainerRegistry/registries",
        "Microsoft.RecoveryServices/vaults",
        "Microsoft.OperationalInsights/workspaces",
    )
)
"""ARM types collected as a type of their own (azure.yaml): judged there."""


def resource(arm: dict[str, Any], got: Fetched) -> dict[str, Any] | None:
    del got
    kind = str(arm.get("type") or "")
    if not kind or kind.lower() in DEDICATED or not arm.get("location"):
        return None
    return {"resource_type": kind}


define(
    AzureType(
        type=RESOURCE,
        client="resource",
        list=lambda c, ctx: c.resources.list(),
        action="Microsoft.Resources/subscriptions/resources/read",
        normalise=resource,
    )
)
