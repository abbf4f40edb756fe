"""The tenant: two enabled subscriptions and a disabled one, a management group tree,
resource groups, and each subscription's Defender, contact, diagnostics, policy and
role settings."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, TENANT, listing

SUB_OFF = "c3c3c3c3-0000-4000-8000-000000000003"
"""Listed by the tenant but Disabled."""
SUB_HIDDEN = "d4d4d4d4-0000-4000-8000-000000000004"
"""In the management group, but the identity cannot read it."""
GROUP = "mg-prod"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
CONTACT_EMAIL = "secops-lead@example.test"
"""Must never appear in a bundle: the shape records only that an address is set."""


def subscription(sub: str, name: str, state: str = "Enabled") -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}",
        "subscriptionId": sub,
        "tenantId": TENANT,
        "displayName": name,
        "state": state,
        "authorizationSource": "RoleBased",
        "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01"},
    }


def group(sub: str, name: str, location: str, managed_by: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"/subscriptions/{sub}/resourceGroups/{name}",
        "name": name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": location,
        "properties": {"provisioningState": "Succeeded"},
        "tags": {"owner": "platform"},
    }
    if managed_by:
        out["managedBy"] = managed_by
    return out


OTHER_PLANS = (
    "Api",
    "AppServices",
    "Arm",
    "CloudPosture",
    "Containers",
    "CosmosDbs",
    "OpenSourceRelationalDatabases",
    "SqlServerVirtualMachines",
    "SqlServers",
)


def pricing(sub: str, name: str, tier: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.Security/pricings/{name}",
        "name": name,
        "type": "Microsoft.Security/pricings",
        "properties": {"pricingTier": tier},
    }


def role_assignment(sub: str, n: int, role: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleAssignments/ra-{n}",
        "name": f"ra-{n}",
        "properties": {
            "roleDefinitionId": (
                f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}"
            ),
            "principalId": f"p-{n}",
            "scope": f"/subscriptions/{sub}",
        },
    }


def policy(sub: str, name: str, definition: str, **props: Any) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments/{name}",
        "name": name,
        "properties": {
            "displayName": name,
            "scope": props.pop("scope", f"/subscriptions/{sub}"),
            "policyDefinitionId": (
                f"/providers/Microsoft.Authorization/policyDefinitions/{definition}"
            ),
            **props,
        },
    }


def generic(sub: str, rg: str, kind: str, name: str, location: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{kind}/{name}",
        "name": name,
        "type": kind,
    }
    if location:
        out["location"] = location
    return out


def _sub(sub: str, rest: str) -> str:
    return f"/subscriptions/{sub}{rest}"


ENTRIES: dict[str, Any] = {
    "/subscriptions": listing(
        subscription(SUB1, "prod"),
        subscription(SUB2, "dev"),
        subscription(SUB_OFF, "old", "Disabled"),
    ),
    f"/subscriptions/{SUB1}": subscription(SUB1, "prod"),
    f"/subscriptions/{SUB2}": subscription(SUB2, "dev"),
    f"/subscriptions/{SUB_OFF}": subscription(SUB_OFF, "old", "Disabled"),
    f"/providers/Microsoft.Management/managementGroups/{GROUP}/descendants": listing(
        {
            "id": "/providers/Microsoft.Management/managementGroups/mg-apps",
            "type": "Microsoft.Management/managementGroups",
            "name": "mg-apps",
        },
        {
            "id": f"/subscriptions/{SUB1}",
            "type": "Microsoft.Management/managementGroups/subscriptions",
            "name": SUB1,
        },
        {
            "id": f"/subscriptions/{SUB_HIDDEN}",
            "type": "Microsoft.Management/managementGroups/subscriptions",
            "name": SUB_HIDDEN,
        },
    ),
    _sub(SUB1, "/resourcegroups"): listing(
        group(SUB1, "rg-app", "westeurope"),
        group(SUB1, "rg-net", "westeurope"),
        group(SUB1, "MC_rg-app_aks_westeurope", "westeurope", managed_by="aks-id"),
    ),
    _sub(SUB2, "/resourcegroups"): listing(group(SUB2, "rg-dev", "northeurope")),
    _sub(SUB1, "/resourceGroups/rg-app/providers/Microsoft.Authorization/locks"): listing(
        {"id": "lock-1", "name": "no-delete", "properties": {"level": "CanNotDelete"}}
    ),
    _sub(SUB1, "/resourceGroups/rg-net/providers/Microsoft.Authorization/locks"): listing(),
    _sub(
        SUB1, "/resourceGroups/MC_rg-app_aks_westeurope/providers/Microsoft.Authorization/locks"
    ): listing(),
    _sub(SUB2, "/resourceGroups/rg-dev/providers/Microsoft.Authorization/locks"): listing(),
    # The pricing list holds every plan, Free ones included.
    _sub(SUB1, "/providers/Microsoft.Security/pricings"): listing(
        pricing(SUB1, "VirtualMachines", "Standard"),
        pricing(SUB1, "StorageAccounts", "Standard"),
        pricing(SUB1, "KeyVaults", "Free"),
        *(pricing(SUB1, n, "Free") for n in OTHER_PLANS),
    ),
    _sub(SUB2, "/providers/Microsoft.Security/pricings"): listing(
        pricing(SUB2, "VirtualMachines", "Free"),
        pricing(SUB2, "StorageAccounts", "Free"),
        pricing(SUB2, "KeyVaults", "Free"),
        *(pricing(SUB2, n, "Free") for n in OTHER_PLANS),
    ),
    _sub(SUB1, "/providers/Microsoft.Security/securityContacts"): listing(
        {
            "id": _sub(SUB1, "/providers/Microsoft.Security/securityContacts/default"),
            "name": "default",
            "properties": {
                "emails": CONTACT_EMAIL,
                "phone": "",
                "alertNotifications": {"state": "On", "minimalSeverity": "Medium"},
                "notificationsByRole": {"state": "On", "roles": ["Owner"]},
            },
        }
    ),
    _sub(SUB2, "/providers/Microsoft.Security/securityContacts"): listing(),
    _sub(SUB1, "/providers/Microsoft.Insights/diagnosticSettings"): listing(
        {
            "id": _sub(SUB1, "/providers/microsoft.insights/diagnosticSettings/to-law"),
            "name": "to-law",
            "properties": {
                "workspaceId": _sub(
                    SUB1,
                    "/resourceGroups/rg-app/providers/Microsoft.OperationalInsights/workspaces/law",
                ),
                "logs": [
                    {"category": "Administrative", "enabled": True},
                    {"category": "Security", "enabled": True},
                    {"category": "Policy", "enabled": True},
                    {"category": "Alert", "enabled": False},
                ],
            },
        }
    ),
    _sub(SUB2, "/providers/Microsoft.Insights/diagnosticSettings"): listing(),
    _sub(SUB1, "/providers/Microsoft.Authorization/policyAssignments"): listing(
        policy(
            SUB1,
            "allowed-eu",
            ALLOWED_LOCATIONS,
            parameters={"listOfAllowedLocations": {"value": ["westeurope", "NorthEurope"]}},
            scope=f"/providers/Microsoft.Management/managementGroups/{GROUP}",
        ),
        policy(
            SUB1,
            "allowed-we",
            ALLOWED_LOCATIONS,
            parameters={"listOfAllowedLocations": {"value": ["westeurope"]}},
        ),
        policy(SUB1, "audit-only", "some-audit-policy", enforcementMode="DoNotEnforce"),
    ),
    _sub(SUB2, "/providers/Microsoft.Authorization/policyAssignments"): listing(),
    _sub(SUB1, "/providers/Microsoft.Authorization/roleAssignments"): listing(
        *(role_assignment(SUB1, n, OWNER) for n in range(4)),
        role_assignment(SUB1, 9, READER),
    ),
    _sub(SUB2, "/providers/Microsoft.Authorization/roleAssignments"): listing(
        role_assignment(SUB2, 1, OWNER)
    ),
    _sub(SUB1, "/providers/Microsoft.Authorization/classicAdministrators"): listing(
        {"name": "admin", "properties": {"role": "ServiceAdministrator"}},
        {"name": "co", "properties": {"role": "CoAdministrator"}},
    ),
    _sub(SUB2, "/providers/Microsoft.Authorization/classicAdministrators"): listing(),
    _sub(SUB1, "/providers/Microsoft.Authorization/roleDefinitions"): listing(
        {
            "id": "rd-1",
            "name": "rd-1",
            "properties": {
                "roleName": "everything-operator",
                "type": "CustomRole",
                "permissions": [{"actions": ["*"], "notActions": []}],
            },
        },
        {
            "id": "rd-2",
            "name": "rd-2",
            "properties": {
                "roleName": "vm-reader",
                "type": "CustomRole",
                "permissions": [{"actions": ["Microsoft.Compute/*/read"]}],
            },
        },
    ),
    _sub(SUB2, "/providers/Microsoft.Authorization/roleDefinitions"): listing(),
    _sub(SUB1, "/resources"): listing(
        generic(SUB1, "rg-app", "Microsoft.EventHub/namespaces", "events", "germanywestcentral"),
        generic(SUB1, "rg-app", "Microsoft.ServiceBus/namespaces", "bus", "eastus"),
        generic(SUB1, "rg-app", "Microsoft.Storage/storageAccounts", "judgedelsewhere", "eastus"),
        generic(SUB1, "rg-net", "Microsoft.Network/privateDnsZones", "corp.internal", "global"),
        generic(SUB1, "rg-net", "Microsoft.Resources/templateSpecs", "no-location", ""),
    ),
    _sub(SUB2, "/resources"): listing(),
}
