"""Log Analytics workspaces: where diagnostic logs of other resources are kept, and how long."""

from __future__ import annotations

from govscan.collectors.azure.spec import AzureType, define
from govscan.collectors.shapes.azure_services import DEFAULT_RETENTION_DAYS, workspace

__all__ = ["DEFAULT_RETENTION_DAYS", "workspace"]

WORKSPACE = "azure.operationalinsights.workspace"

define(
    AzureType(
        type=WORKSPACE,
        client="loganalytics",
        list=lambda c, ctx: c.workspaces.list(),
        action="Microsoft.OperationalInsights/workspaces/read",
        normalise=workspace,
    )
)
