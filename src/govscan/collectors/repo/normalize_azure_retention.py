"""Retention in azurerm definitions, in the shapes of the live Azure collector
(conventions: ``normalize_azure``): Log Analytics workspaces, the lifecycle
management policy of a storage account and the backup policies of a Recovery
Services vault. Periods become days as live (``catalog.retention``: weeks 7,
months 31, years 366 days)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govscan.catalog.retention import retention_days
from govscan.collectors.repo.azure_defaults import default
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.normalize_azure_links import Links, Normalised, access, common
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_bool, as_int, as_str

POLICY = "azurerm_storage_management_policy"

BACKUP_POLICIES = {
    "azurerm_backup_policy_vm": "AzureIaasVM",
    "azurerm_backup_policy_file_share": "AzureStorage",
}
"""Backup policy resources (same retention blocks) -> the live backupManagementType."""

_UNITS = (
    ("retention_daily", "Days"),
    ("retention_weekly", "Weeks"),
    ("retention_monthly", "Months"),
    ("retention_yearly", "Years"),
)

_DELETE_AFTER = (
    "delete_after_days_since_modification_greater_than",
    "delete_after_days_since_creation_greater_than",
)
"""Age conditions of ``actions.base_blob`` (last access bounds no age: not counted)."""


def workspace(r: TfResource, _: Links) -> Normalised:
    d = "azurerm_log_analytics_workspace"
    return "azure.operationalinsights.workspace", common(r) | {
        "sku": as_str(r.get("sku")) or default(d, "sku"),
        "retention_in_days": as_int(r.get("retention_in_days"), default(d, "retention_in_days")),
        "public_network_access_for_ingestion": access(
            as_bool(r.get("internet_ingestion_enabled"), True)
        ),
        "public_network_access_for_query": access(as_bool(r.get("internet_query_enabled"), True)),
    }


def lifecycle_delete_after_days(account: TfResource, links: Links) -> Any:
    """The age by which the account's management policy deletes every base blob
    (the shortest delete age of its enabled rules without a prefix or index tag
    filter); None without such a rule; unknown when a value that decides is."""
    policies = links.all(POLICY, account)
    if not policies:
        return links.unknown(POLICY)
    days: list[int] = []
    pending: Unknown | None = None
    for p in policies:
        pending = pending or _unexpanded(p)
        for rule in p.block.children("rule"):
            found = _rule_days(p, rule)
            if isinstance(found, Unknown):
                pending = pending or found
            elif found is not None:
                days.append(found)
    if pending is not None:
        return pending
    return min(days) if days else None


def _unexpanded(r: TfResource) -> Unknown | None:
    """Why the blocks of a companion are not known: a ``dynamic`` block or a
    ``count``/``for_each`` iterating over a value not known before apply."""
    if r.instances_unknown:
        return Unknown(f"{r.address}: {r.instances_unknown}")
    if r.unexpanded:
        blocks = ", ".join(f'dynamic "{b}"' for b in r.unexpanded)
        return Unknown(f"{r.address}: {blocks} iterates over a value not known before apply")
    return None


def _rule_days(p: TfResource, rule: Any) -> Any:
    enabled = as_bool(p.sub_get(rule, "enabled"), True)
    if enabled is not True:
        return enabled if isinstance(enabled, Unknown) else None
    for f in rule.children("filters"):
        prefixes = p.sub_get(f, "prefix_match")
        if isinstance(prefixes, Unknown):
            return prefixes
        if prefixes or f.children("match_blob_index_tag"):
            return None  # covers some blobs only
    found: list[int] = []
    for actions in rule.children("actions"):
        for base in actions.children("base_blob"):
            for arg in _DELETE_AFTER:
                value = as_int(p.sub_get(base, arg), None)
                if isinstance(value, Unknown):
                    return value
                # -1 is the provider's "not set".
                if isinstance(value, int) and value >= 0:
                    found.append(value)
    return min(found) if found else None


def backup_policies(vault: TfResource, links: Links) -> dict[str, Any]:
    """``backup_policies`` and ``longest_backup_retention_days`` of a vault: the
    backup policy resources that name it (``recovery_vault_name``)."""
    policies: list[Any] = []
    for kind, management in BACKUP_POLICIES.items():
        policies += [_policy(p, management) for p in links.all(kind, vault)]
        why = links.unknown(kind)
        if why is not None:
            policies.append(why)  # a policy that may belong here: the list is not known
    days = [p["retention_days"] if isinstance(p, dict) else p for p in policies]
    pending = next((d for d in days if isinstance(d, Unknown)), None)
    known = [d for d in days if isinstance(d, int)]
    return {
        "backup_policies": policies,
        "longest_backup_retention_days": pending or (max(known) if known else None),
    }


def _policy(p: TfResource, management: str) -> dict[str, Any]:
    found: list[int] = []
    pending = _unexpanded(p)
    for block, unit in _UNITS:
        for b in p.block.children(block):
            count = as_int(p.sub_get(b, "count"), None)
            if isinstance(count, Unknown):
                pending = pending or count
                continue
            days = retention_days(count, unit)
            if days is not None:
                found.append(days)
    return {
        "name": as_str(p.get("name")),
        "management_type": management,
        "retention_days": pending or (max(found) if found else None),
    }


RETENTION: dict[str, Callable[[TfResource, Links], Normalised | None]] = {
    "azurerm_log_analytics_workspace": workspace,
}
