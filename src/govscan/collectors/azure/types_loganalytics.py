"""Log Analytics workspaces: where diagnostic logs of other resources are kept, and how long."""

from __future__ import annotations

from typing import Any

from govscan.collectors.azure.spec import AzureType, Fetched, define
from govscan.collectors.azure.types_util import dig, props

WORKSPACE = "azure.operationalinsights.workspace"

DEFAULT_RETENTION_DAYS = 30
"""What a workspace keeps when retentionInDays was never set (Azure's default)."""


def workspace(arm: dict[str, Any], _: Fetched) -> dict[str, Any]:
    p = props(arm)
    days = p.get("retentionInDays")
    return {
        "sku": dig(p, "sku", "name"),
        "retention_in_days": days
        if isinstance(days, int) and not isinstance(days, bool)
        else DEFAULT_RETENTION_DAYS,
        "public_network_access_for_ingestion": p.get("publicNetworkAccessForIngestion")
        or "Enabled",
        "public_network_access_for_query": p.get("publicNetworkAccessForQuery") or "Enabled",
    }


define(
    AzureType(
        type=WORKSPACE,
        client="loganalytics",
        list=lambda c, ctx: c.workspaces.list(),
        action="Microsoft.OperationalInsights/workspaces/read",
        normalise=workspace,
    )
)
