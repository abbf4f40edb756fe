"""Subscription-level types: the subscription's own settings and its resource groups.

``azure.subscription`` is one resource per scanned subscription; each group of
its fields comes from one detail call made only when a selected control reads
one of them. Those calls reach ARM paths directly (``ctx.arm_get``) through
the scan's pipeline: the Security, Monitor and Authorization SDKs spread them
over many API versions, and the paths are stable. Security contacts are
recorded as "an address is set", never the address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define

SUBSCRIPTION = "azure.subscription"
RESOURCE_GROUP = "azure.resource_group"

OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
"""The built-in "Allowed locations" policy definition (resources, not resource groups)."""
ACTIVITY_CATEGORIES = (
    "Administrative",
    "Security",
    "ServiceHealth",
    "Alert",
    "Recommendation",
    "Policy",
    "Autoscale",
    "ResourceHealth",
)

DEFENDER_PLANS = (
    "Api",
    "AppServices",
    "Arm",
    "CloudPosture",
    "Containers",
    "CosmosDbs",
    "KeyVaults",
    "OpenSourceRelationalDatabases",
    "SqlServerVirtualMachines",
    "SqlServers",
    "StorageAccounts",
    "VirtualMachines",
)
"""The current Defender for Cloud plans (pricing names); retired ones (Dns,
KubernetesService, ContainerRegistry) are absent from newer subscriptions."""

A_PRICINGS = "Microsoft.Security/pricings/read"
A_CONTACTS = "Microsoft.Security/securityContacts/read"
A_DIAGNOSTICS = "Microsoft.Insights/DiagnosticSettings/Read"
A_POLICY = "Microsoft.Authorization/policyAssignments/read"
A_ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments/read"
A_CLASSIC = "Microsoft.Authorization/classicAdministrators/read"
A_ROLE_DEFINITIONS = "Microsoft.Authorization/roleDefinitions/read"
A_GROUPS = "Microsoft.Resources/subscriptions/resourceGroups/read"
A_LOCKS = "Microsoft.Authorization/locks/read"


def _path(ctx: Ctx, rest: str) -> str:
    return f"/subscriptions/{ctx.subscription}{rest}"


def _listing(ctx: Ctx, rest: str, api: str, action: str) -> dict[str, Any]:
    return {"value": list(ctx.arm_list(_path(ctx, rest), api, action))}


def _values(got: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = got.get("value")
    return [v for v in found if isinstance(v, dict)] if isinstance(found, list) else []


def _props(item: Mapping[str, Any]) -> dict[str, Any]:
    found = item.get("properties")
    return found if isinstance(found, dict) else {}


def defender_plans(got: Mapping[str, Any]) -> dict[str, Any]:
    return {str(p.get("name")): _props(p).get("pricingTier") for p in _values(got) if p.get("name")}


def absent_plans(plans: Mapping[str, Any]) -> dict[str, str]:
    """``defender_plans.<plan>`` -> why, for each current plan the answer lacks.

    The pricing list returns every plan of the subscription, Free ones included, and
    does not document what a missing one means (a plan not offered in this cloud, a
    partial answer): unknown, never "off"."""
    return {
        f"defender_plans.{name}": (
            f"the Defender for Cloud pricing list returned no {name} plan"
            if name not in plans
            else f"the Defender for Cloud pricing list returned the {name} plan without a tier"
        )
        for name in DEFENDER_PLANS
        if not isinstance(plans.get(name), str)
    }


def security_contact(got: Mapping[str, Any]) -> dict[str, Any] | None:
    """The default contact ("default", else the first), in either API version's form."""
    contacts = _values(got)
    if not contacts:
        return None
    chosen = next((c for c in contacts if c.get("name") == "default"), contacts[0])
    p = _props(chosen)
    alerts = p.get("alertNotifications")
    by_role = p.get("notificationsByRole") or {}
    if isinstance(alerts, dict):  # 2020-01-01-preview
        notify = str(alerts.get("state", "")).lower() == "on"
        severity = alerts.get("minimalSeverity")
    else:  # 2023-12-01-preview: notification sources
        sources = [s for s in p.get("notificationsSources") or [] if isinstance(s, dict)]
        alert = next((s for s in sources if s.get("sourceType") == "Alert"), None)
        notify = alert is not None and p.get("isEnabled", True) is not False
        severity = alert.get("minimalSeverity") if alert else None
    roles_on = str(by_role.get("state", "")).lower() == "on"
    return {
        "email_set": bool(str(p.get("emails") or p.get("email") or "").strip()),
        "phone_set": bool(str(p.get("phone") or "").strip()),
        "alert_notifications": notify,
        "alert_minimal_severity": severity,
        "notify_roles": sorted(str(r) for r in by_role.get("roles") or []) if roles_on else [],
    }


def diagnostic_settings(got: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for s in _values(got):
        p = _props(s)
        categories: set[str] = set()
        for entry in p.get("logs") or []:
            if not isinstance(entry, dict) or entry.get("enabled") is not True:
                continue
            if entry.get("categoryGroup") == "allLogs":
                categories.update(ACTIVITY_CATEGORIES)
            elif entry.get("category"):
                categories.add(str(entry["category"]))
        event_hub = p.get("eventHubAuthorizationRuleId") or p.get("eventHubName")
        out.append(
            {
                "name": s.get("name"),
                "categories": sorted(categories),
                "workspace_id": p.get("workspaceId"),
                "storage_account_id": p.get("storageAccountId"),
                "event_hub": event_hub,
            }
        )
    return sorted(out, key=lambda s: str(s["name"]))


def policy_assignments(got: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for a in _values(got):
        p = _props(a)
        definition = str(p.get("policyDefinitionId") or "")
        allowed = None
        if definition.lower().endswith("/" + ALLOWED_LOCATIONS):
            value = ((p.get("parameters") or {}).get("listOfAllowedLocations") or {}).get("value")
            allowed = sorted({str(v).lower() for v in value}) if isinstance(value, list) else []
        out.append(
            {
                "name": a.get("name"),
                "display_name": p.get("displayName"),
                "scope": p.get("scope"),
                "policy_definition_id": definition or None,
                "enforced": str(p.get("enforcementMode") or "Default") == "Default",
                "allowed_locations": allowed,
            }
        )
    return sorted(out, key=lambda a: (str(a["scope"]), str(a["name"])))


def allowed_locations(assignments: list[dict[str, Any]]) -> list[str] | None:
    """Locations every enforced Allowed-locations assignment permits (None: no such one)."""
    lists = [
        set(a["allowed_locations"])
        for a in assignments
        if a["enforced"] and a["allowed_locations"] is not None
    ]
    if not lists:
        return None
    return sorted(set.intersection(*lists))


def owner_count(got: Mapping[str, Any]) -> int:
    return sum(
        1
        for a in _values(got)
        if str(_props(a).get("roleDefinitionId") or "").lower().endswith("/" + OWNER_ROLE)
    )


def wildcard_roles(got: Mapping[str, Any]) -> list[str]:
    out = set()
    for d in _values(got):
        p = _props(d)
        if str(p.get("type") or "CustomRole") != "CustomRole":
            continue
        for perm in p.get("permissions") or []:
            if isinstance(perm, dict) and "*" in (perm.get("actions") or []):
                out.add(str(p.get("roleName") or d.get("name")))
    return sorted(out)


def subscription(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subscription_id": arm.get("subscriptionId"),
        "tenant_id": arm.get("tenantId"),
        "state": arm.get("state"),
        "name": arm.get("displayName") or arm.get("subscriptionId"),
        "resource_group": None,
    }
    if "pricings" in got:
        data["defender_plans"] = defender_plans(got.get("pricings"))
        got.missing.update(absent_plans(data["defender_plans"]))
    if "contacts" in got:
        data["security_contact"] = security_contact(got.get("contacts"))
    if "diagnostics" in got:
        settings = diagnostic_settings(got.get("diagnostics"))
        data["activity_log_diagnostic_settings"] = settings
        data["activity_log_categories"] = sorted({c for s in settings for c in s["categories"]})
    if "policy" in got:
        assignments = policy_assignments(got.get("policy"))
        data["policy_assignments"] = assignments
        data["allowed_locations"] = allowed_locations(assignments)
    if "owners" in got:
        data["owner_count"] = owner_count(got.get("owners"))
    if "classic" in got:
        data["classic_admin_count"] = len(_values(got.get("classic")))
    if "roles" in got:
        data["wildcard_custom_roles"] = wildcard_roles(got.get("roles"))
    return data


def _raw(name: str, fields: tuple[str, ...], rest: str, api: str, action: str) -> Detail:
    return Detail(name, fields, lambda c, ctx, arm: _listing(ctx, rest, api, action), action)


define(
    AzureType(
        type=SUBSCRIPTION,
        client="subscription",
        list=lambda c, ctx: c.subscriptions.get(ctx.subscription),
        action="Microsoft.Resources/subscriptions/read",
        normalise=subscription,
        regional=False,
        details=(
            _raw(
                "pricings",
                ("defender_plans",),
                "/providers/Microsoft.Security/pricings",
                "2024-01-01",
                A_PRICINGS,
            ),
            _raw(
                "contacts",
                ("security_contact",),
                "/providers/Microsoft.Security/securityContacts",
                "2020-01-01-preview",
                A_CONTACTS,
            ),
            _raw(
                "diagnostics",
                ("activity_log_diagnostic_settings", "activity_log_categories"),
                "/providers/Microsoft.Insights/diagnosticSettings",
                "2021-05-01-preview",
                A_DIAGNOSTICS,
            ),
            _raw(
                "policy",
                ("policy_assignments", "allowed_locations"),
                # atScope(): the subscription's own assignments and its management groups'.
                "/providers/Microsoft.Authorization/policyAssignments?$filter=atScope()",
                "2022-06-01",
                A_POLICY,
            ),
            _raw(
                "owners",
                ("owner_count",),
                "/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()",
                "2022-04-01",
                A_ROLE_ASSIGNMENTS,
            ),
            _raw(
                "classic",
                ("classic_admin_count",),
                "/providers/Microsoft.Authorization/classicAdministrators",
                "2015-07-01",
                A_CLASSIC,
            ),
            _raw(
                "roles",
                ("wildcard_custom_roles",),
                "/providers/Microsoft.Authorization/roleDefinitions?$filter=type eq 'CustomRole'",
                "2022-04-01",
                A_ROLE_DEFINITIONS,
            ),
        ),
    )
)


def resource_group(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    data: dict[str, Any] = {
        "provisioning_state": _props(arm).get("provisioningState"),
        "managed_by": arm.get("managedBy"),
        "resource_group": arm.get("name"),
    }
    if "locks" in got:
        data["locks"] = sorted(
            (
                {"name": lock.get("name"), "level": _props(lock).get("level")}
                for lock in _values(got.get("locks"))
            ),
            key=lambda x: str(x["name"]),
        )
    return data


define(
    AzureType(
        type=RESOURCE_GROUP,
        client="resource",
        list=lambda c, ctx: c.resource_groups.list(),
        action=A_GROUPS,
        normalise=resource_group,
        details=(
            Detail(
                "locks",
                ("locks",),
                lambda c, ctx, arm: {
                    "value": list(
                        ctx.arm_list(
                            f"{arm['id']}/providers/Microsoft.Authorization/locks",
                            "2016-09-01",
                            A_LOCKS,
                        )
                    )
                },
                A_LOCKS,
            ),
        ),
    )
)
