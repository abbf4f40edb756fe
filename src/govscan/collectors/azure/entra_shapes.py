"""Graph answers -> the documented shapes of ``azure.entra.tenant`` and ``azure.entra.user``.

Pure functions over Graph JSON; what each field means is documented in
``data/resource_types/azure.yaml``. A value Graph leaves out stays ``None``
(absent is not false): only the mappings below turn Graph's vocabulary into
the shape's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
"""Role template id of Global Administrator (the same in every tenant)."""

GUEST_ROLES = {
    "a0b1b346-4d3e-4e8b-98f8-753987be4970": "member",
    "10dae51f-b6af-4016-8d66-8c2a99b929b3": "limited",
    "2af84b1e-32c8-42b7-82bc-daa82404023b": "restricted",
}
"""guestUserRoleId -> guest_access. Any other id is kept as it is (no control passes it)."""

SELF_CONSENT = "managepermissiongrantsforself."
"""Prefix of the permission grant policies that let a user consent for themself
(``ManagePermissionGrantsForOwnedResource.*`` is owners consenting for their groups)."""

MFA_GRANTS = frozenset({"mfa"})


def security_defaults(body: Mapping[str, Any]) -> dict[str, Any]:
    enabled = body.get("isEnabled")
    return {"security_defaults_enabled": enabled if isinstance(enabled, bool) else None}


def authorization(body: Mapping[str, Any]) -> dict[str, Any]:
    # v1.0 answers with the one policy; older tenants wrap it in a collection.
    values = body.get("value")
    if isinstance(values, list):
        body = values[0] if values and isinstance(values[0], Mapping) else {}
    defaults = body.get("defaultUserRolePermissions")
    defaults = defaults if isinstance(defaults, Mapping) else {}
    role = body.get("guestUserRoleId")
    grants = defaults.get("permissionGrantPoliciesAssigned")
    consent = None
    if isinstance(grants, list):
        consent = any(str(g).lower().startswith(SELF_CONSENT) for g in grants)
    apps = defaults.get("allowedToCreateApps")
    return {
        "guest_invite_setting": _text(body.get("allowInvitesFrom")),
        "guest_access": GUEST_ROLES.get(str(role).lower(), str(role)) if role else None,
        "users_can_register_apps": apps if isinstance(apps, bool) else None,
        "user_consent_allowed": consent,
    }


def conditional_access(policies: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    listed = [ca_policy(p) for p in policies]
    enforced = [p for p in listed if p["state"] == "enabled" and p["requires_mfa"]]
    return {
        "conditional_access_policies": listed,
        "ca_mfa_for_admins": any(p["admin_roles"] for p in enforced),
        "ca_mfa_for_all_users": any(p["all_users"] for p in enforced),
    }


def ca_policy(policy: Mapping[str, Any]) -> dict[str, Any]:
    """One Conditional Access policy. ``requires_mfa`` is true only when every sign-in
    it covers must pass MFA: MFA (or an authentication strength) is the grant, alone
    or with AND, for all cloud apps, and no risk level narrows when it applies."""
    conditions = _map(policy.get("conditions"))
    users = _map(conditions.get("users"))
    apps = _map(conditions.get("applications"))
    grant = _map(policy.get("grantControls"))
    builtin = {str(c).lower() for c in _list(grant.get("builtInControls"))}
    strength = bool(grant.get("authenticationStrength"))
    choices = len(builtin) + int(strength) + len(_list(grant.get("customAuthenticationFactors")))
    demands = bool(builtin & MFA_GRANTS) or strength
    alone = choices == 1 or str(grant.get("operator") or "").upper() == "AND"
    risky = any(
        _list(conditions.get(k))
        for k in ("userRiskLevels", "signInRiskLevels", "servicePrincipalRiskLevels")
    )
    all_apps = "all" in {str(a).lower() for a in _list(apps.get("includeApplications"))}
    all_users = "all" in {str(u).lower() for u in _list(users.get("includeUsers"))}
    roles = {str(r).lower() for r in _list(users.get("includeRoles"))}
    excluded = {str(r).lower() for r in _list(users.get("excludeRoles"))}
    return {
        "name": _text(policy.get("displayName")),
        "state": _text(policy.get("state")),
        "requires_mfa": demands and alone and all_apps and not risky and "block" not in builtin,
        "all_users": all_users,
        "admin_roles": (all_users or GLOBAL_ADMIN in roles) and GLOBAL_ADMIN not in excluded,
    }


def user(item: Mapping[str, Any]) -> dict[str, Any]:
    """The ``/users`` fields of one user (registration details are added apart)."""
    enabled = item.get("accountEnabled")
    sign_in = _map(item.get("signInActivity"))
    return {
        "user_name": _text(item.get("userPrincipalName")),
        "user_type": _text(item.get("userType")),
        "account_enabled": enabled if isinstance(enabled, bool) else None,
        "created": _text(item.get("createdDateTime")),
        "last_sign_in": _text(sign_in.get("lastSignInDateTime")),
    }


def registration(item: Mapping[str, Any]) -> dict[str, Any]:
    mfa, admin = item.get("isMfaRegistered"), item.get("isAdmin")
    return {
        "mfa_registered": mfa if isinstance(mfa, bool) else None,
        "is_admin": admin if isinstance(admin, bool) else None,
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
