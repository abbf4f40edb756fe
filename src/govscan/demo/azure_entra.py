"""The demo company's Entra ID tenant, as Microsoft Graph answers for it.

MFA is enforced for everyone by Conditional Access and every user has registered a
method; one Global Administrator; guests limited, no self-service app registration.
"""

from __future__ import annotations

from typing import Any

DOMAIN = "brauwerk.example"
_GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
_LIMITED_GUEST = "10dae51f-b6af-4016-8d66-8c2a99b929b3"


def _listing(*items: dict[str, Any]) -> dict[str, Any]:
    return {"value": list(items)}


def routes() -> dict[str, Any]:
    """Microsoft Graph paths (``/v1.0/...``) and their answers."""
    people = [("it.admin", True), ("anna.braun", False), ("jonas.hopf", False)]
    users, details = [], []
    for n, (who, admin) in enumerate(people, 1):
        oid = f"0000000{n}-0000-4000-8000-00000000b0{n:02d}"
        upn = f"{who}@{DOMAIN}"
        users.append(
            {
                "id": oid,
                "userPrincipalName": upn,
                "userType": "Member",
                "accountEnabled": True,
                "createdDateTime": "2025-03-01T09:00:00Z",
            }
        )
        details.append(
            {
                "id": oid,
                "userPrincipalName": upn,
                "userType": "member",
                "isAdmin": admin,
                "isMfaRegistered": True,
                "isMfaCapable": True,
                "methodsRegistered": ["microsoftAuthenticatorPush"],
            }
        )
    mfa = {
        "id": "ca-mfa-everyone",
        "displayName": "MFA for everyone",
        "state": "enabled",
        "conditions": {
            "users": {
                "includeUsers": ["All"],
                "excludeUsers": [],
                "includeRoles": [],
                "excludeRoles": [],
            },
            "applications": {"includeApplications": ["All"]},
            "clientAppTypes": ["all"],
            "userRiskLevels": [],
            "signInRiskLevels": [],
        },
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]},
    }
    return {
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy": {
            "id": "00000000-0000-0000-0000-000000000005",
            "isEnabled": False,
        },
        "/v1.0/policies/authorizationPolicy": {
            "id": "authorizationPolicy",
            "allowInvitesFrom": "adminsAndGuestInviters",
            "guestUserRoleId": _LIMITED_GUEST,
            "defaultUserRolePermissions": {
                "allowedToCreateApps": False,
                "permissionGrantPoliciesAssigned": [],
            },
        },
        "/v1.0/identity/conditionalAccess/policies": _listing(mfa),
        f"/v1.0/directoryRoles(roleTemplateId='{_GLOBAL_ADMIN}')/members": _listing(
            {"@odata.type": "#microsoft.graph.user", "id": users[0]["id"]}
        ),
        "/v1.0/users": _listing(*users),
        "/v1.0/reports/authenticationMethods/userRegistrationDetails": _listing(*details),
    }
