"""Subscription-wide settings of the demo's Azure subscription (Defender plans, role
assignments, the security contact, the activity log export, the allowed-locations
policy), all configured well."""

from __future__ import annotations

from typing import Any

_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
_ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"


def _listing(*items: dict[str, Any]) -> dict[str, Any]:
    return {"value": list(items)}


_DEFENDER_PLANS = (
    "VirtualMachines",
    "StorageAccounts",
    "KeyVaults",
    "Arm",
    "AppServices",
    "Containers",
    "OpenSourceRelationalDatabases",
    "SqlServers",
)


def _pricing(sub: str, name: str) -> dict[str, Any]:
    return {
        "id": f"{sub}/providers/Microsoft.Security/pricings/{name}",
        "name": name,
        "type": "Microsoft.Security/pricings",
        "properties": {"pricingTier": "Standard"},
    }


def _activity_log_export(sub: str, storage: str) -> dict[str, Any]:
    categories = ("Administrative", "Security", "Policy", "Alert")
    return {
        "id": f"{sub}/providers/microsoft.insights/diagnosticSettings/activity-to-storage",
        "name": "activity-to-storage",
        "properties": {
            "storageAccountId": storage,
            "logs": [{"category": c, "enabled": True} for c in categories],
        },
    }


def routes(sub: str, location: str, log_storage: str) -> dict[str, Any]:
    """Paths below ``sub`` (``/subscriptions/<id>``) and their answers."""
    out: dict[str, Any] = {
        f"{sub}/providers/Microsoft.Security/pricings": _listing(
            *(_pricing(sub, p) for p in _DEFENDER_PLANS)
        ),
    }
    out[f"{sub}/providers/Microsoft.Authorization/roleAssignments"] = _listing(
        {
            "id": f"{sub}/providers/Microsoft.Authorization/roleAssignments/ra-platform",
            "name": "ra-platform",
            "properties": {
                "roleDefinitionId": (
                    f"{sub}/providers/Microsoft.Authorization/roleDefinitions/{_OWNER}"
                ),
                "principalId": "platform-team",
                "scope": sub,
            },
        }
    )
    out[f"{sub}/providers/Microsoft.Authorization/classicAdministrators"] = _listing()
    out[f"{sub}/providers/Microsoft.Authorization/roleDefinitions"] = _listing()
    out[f"{sub}/providers/Microsoft.Security/securityContacts"] = _listing(
        {
            "id": f"{sub}/providers/Microsoft.Security/securityContacts/default",
            "name": "default",
            "properties": {
                "emails": "secops@brauwerk.example",
                "alertNotifications": {"state": "On", "minimalSeverity": "Medium"},
                "notificationsByRole": {"state": "On", "roles": ["Owner"]},
            },
        }
    )
    out[f"{sub}/providers/Microsoft.Insights/diagnosticSettings"] = _listing(
        _activity_log_export(sub, log_storage)
    )
    out[f"{sub}/providers/Microsoft.Authorization/policyAssignments"] = _listing(
        {
            "id": f"{sub}/providers/Microsoft.Authorization/policyAssignments/eu-only",
            "name": "eu-only",
            "properties": {
                "displayName": "Allowed locations: Germany",
                "scope": sub,
                "policyDefinitionId": (
                    f"/providers/Microsoft.Authorization/policyDefinitions/{_ALLOWED_LOCATIONS}"
                ),
                "parameters": {"listOfAllowedLocations": {"value": [location, "germanynorth"]}},
            },
        }
    )
    return out
