"""Storage accounts, with the blob service's soft delete and versioning."""

from __future__ import annotations

from typing import Any

from govscan.collectors.azure.retention import lifecycle_delete_after_days
from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define
from govscan.collectors.shapes.azure_storage import ACCOUNT, BLOB_FIELDS, replication
from govscan.collectors.shapes.azure_storage import account as account_fields

__all__ = ["ACCOUNT", "account", "replication"]


def account(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    """One storage account from its listed ARM JSON, its blob service and lifecycle
    policy when fetched."""
    data = account_fields(arm, got)
    if "lifecycle" in got:
        data["lifecycle_delete_after_days"] = lifecycle_delete_after_days(got.get("lifecycle"))
    return data


def _blob_service(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    return client.blob_services.get_service_properties(ctx.resource_group(arm), arm["name"])


def _lifecycle(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    return client.management_policies.get(ctx.resource_group(arm), arm["name"], "default")


define(
    AzureType(
        type=ACCOUNT,
        client="storage",
        list=lambda c, ctx: c.storage_accounts.list(),
        action="Microsoft.Storage/storageAccounts/read",
        normalise=account,
        details=(
            Detail(
                "blob_service",
                BLOB_FIELDS,
                _blob_service,
                "Microsoft.Storage/storageAccounts/blobServices/read",
            ),
            Detail(
                "lifecycle",
                ("lifecycle_delete_after_days",),
                _lifecycle,
                "Microsoft.Storage/storageAccounts/managementPolicies/read",
                # An account without a lifecycle policy answers 404: nothing is deleted.
                absent_ok=True,
            ),
        ),
    )
)
