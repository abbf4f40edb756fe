"""The Entra ID tenant as Microsoft Graph serves it (``/v1.0/...`` on the same test host).

Thirteen users (two pages of users and of registration details), two Global
Administrators plus a group holding the role, three Conditional Access policies.
As set here, the tenant passes mfa-enforced, ca-mfa-for-admins,
global-admin-count and guest-access-restricted, and fails
guest-invitations-restricted, user-consent-restricted and
users-cannot-register-apps; ``FLIPPED`` turns each verdict around.
"""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import listing

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
LIMITED_GUEST = "10dae51f-b6af-4016-8d66-8c2a99b929b3"
MEMBER_GUEST = "a0b1b346-4d3e-4e8b-98f8-753987be4970"
DOMAIN = "brauwerk.example"

SECURITY_DEFAULTS = "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"
AUTHORIZATION = "/v1.0/policies/authorizationPolicy"
CONDITIONAL_ACCESS = "/v1.0/identity/conditionalAccess/policies"
ADMINS = f"/v1.0/directoryRoles(roleTemplateId='{GLOBAL_ADMIN}')/members"
GROUP = "99999999-0000-4000-8000-0000000000a1"
GROUP_MEMBERS = f"/v1.0/groups/{GROUP}/transitiveMembers"
USERS = "/v1.0/users"
REGISTRATION = "/v1.0/reports/authenticationMethods/userRegistrationDetails"


def oid(n: int) -> str:
    return f"00000000-0000-4000-8000-0000000000{n:02d}"


# (upn, type, enabled, admin, mfa registered)
PEOPLE: list[tuple[str, str, bool, bool, bool]] = [
    (f"admin.anna@{DOMAIN}", "Member", True, True, True),
    (f"admin.max@{DOMAIN}", "Member", True, True, False),
    (f"eva.schmidt@{DOMAIN}", "Member", True, False, True),
    (f"karl.meier@{DOMAIN}", "Member", True, False, False),
    (f"left.user@{DOMAIN}", "Member", False, False, False),
    ("gast_partner.example#EXT#@brauwerk.onmicrosoft.com", "Guest", True, False, False),
    *((f"staff{n}@{DOMAIN}", "Member", True, False, True) for n in range(7, 14)),
]
UPNS = [p[0] for p in PEOPLE]


def user_id(upn: str) -> str:
    return oid(UPNS.index(upn) + 1)


def user(n: int, upn: str, kind: str, enabled: bool) -> dict[str, Any]:
    return {
        "id": oid(n),
        "userPrincipalName": upn,
        "displayName": upn.split("@")[0].replace(".", " ").title(),
        "userType": kind,
        "accountEnabled": enabled,
        "createdDateTime": f"2024-0{1 + n % 9}-15T09:30:00Z",
    }


def registration(n: int, upn: str, kind: str, admin: bool, mfa: bool) -> dict[str, Any]:
    return {
        "id": oid(n),
        "userPrincipalName": upn,
        "userType": kind.lower(),
        "isAdmin": admin,
        "isMfaRegistered": mfa,
        "isMfaCapable": mfa,
        "methodsRegistered": ["microsoftAuthenticatorPush"] if mfa else [],
    }


def member(n: int) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.user", "id": oid(n)}


def ca(name: str, state: str, grant: list[str], operator: str = "OR", **users: Any) -> dict:
    return {
        "id": f"ca-{name.lower().replace(' ', '-')}",
        "displayName": name,
        "state": state,
        "conditions": {
            "users": {
                "includeUsers": users.get("include_users", []),
                "excludeUsers": [],
                "includeRoles": users.get("include_roles", []),
                "excludeRoles": [],
            },
            "applications": {"includeApplications": ["All"]},
            "clientAppTypes": ["all"],
            "userRiskLevels": [],
            "signInRiskLevels": [],
        },
        "grantControls": {"operator": operator, "builtInControls": grant},
    }


def authorization(invites: str, guests: str, apps: bool, consent: list[str]) -> dict[str, Any]:
    return {
        "id": "authorizationPolicy",
        "displayName": "Authorization Policy",
        "allowInvitesFrom": invites,
        "guestUserRoleId": guests,
        "allowedToSignUpEmailBasedSubscriptions": True,
        "defaultUserRolePermissions": {
            "allowedToCreateApps": apps,
            "allowedToCreateSecurityGroups": True,
            "allowedToReadOtherUsers": True,
            "permissionGrantPoliciesAssigned": consent,
        },
    }


ENTRIES: dict[str, Any] = {
    SECURITY_DEFAULTS: {"id": "00000000-0000-0000-0000-000000000005", "isEnabled": False},
    AUTHORIZATION: authorization(
        "everyone",
        LIMITED_GUEST,
        True,
        [
            "ManagePermissionGrantsForSelf.microsoft-user-default-legacy",
            "ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions",
        ],
    ),
    CONDITIONAL_ACCESS: listing(
        ca("Admins need MFA", "enabled", ["mfa"], include_roles=[GLOBAL_ADMIN]),
        ca("Everyone MFA", "enabledForReportingButNotEnforced", ["mfa"], include_users=["All"]),
        ca("Block legacy auth", "enabled", ["block"], include_users=["All"]),
    ),
    # anna and max directly, and a role-assignable group holding anna again and eva.
    ADMINS: listing(member(1), member(2), {"@odata.type": "#microsoft.graph.group", "id": GROUP}),
    GROUP_MEMBERS: listing(member(1), member(3)),
    USERS: listing(*(user(n, p[0], p[1], p[2]) for n, p in enumerate(PEOPLE, 1))),
    REGISTRATION: listing(
        *(registration(n, p[0], p[1], p[3], p[4]) for n, p in enumerate(PEOPLE, 1))
    ),
}

FLIPPED: dict[str, Any] = {
    SECURITY_DEFAULTS: {"id": "00000000-0000-0000-0000-000000000005", "isEnabled": False},
    AUTHORIZATION: authorization("adminsAndGuestInviters", MEMBER_GUEST, False, []),
    CONDITIONAL_ACCESS: listing(
        # MFA or a compliant device: MFA is not required.
        ca(
            "Admins MFA or device",
            "enabled",
            ["mfa", "compliantDevice"],
            include_roles=[GLOBAL_ADMIN],
        ),
        ca("Everyone MFA", "enabledForReportingButNotEnforced", ["mfa"], include_users=["All"]),
    ),
    ADMINS: listing(member(1)),
}
"""Settings that turn every tenant verdict of ``ENTRIES`` around."""
