"""What a project's IAM policy says, in the fields controls read (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

PRIMITIVE = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
PUBLIC = frozenset({"allUsers", "allAuthenticatedUsers"})
HUMAN = ("user:", "group:", "domain:")
SA_USER = "roles/iam.serviceAccountUser"
SA_TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator"  # noqa: S105 (a role name)
SA_ADMIN = "roles/iam.serviceAccountAdmin"
KMS_ADMIN = "roles/cloudkms.admin"
KMS_CRYPTO = frozenset(
    {
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "roles/cloudkms.cryptoKeyEncrypter",
        "roles/cloudkms.cryptoKeyDecrypter",
    }
)
ALL_SERVICES = "allServices"
DATA_ACCESS = frozenset({"ADMIN_READ", "DATA_READ", "DATA_WRITE"})


def bindings(policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``[{role, members, condition}]`` of a policy (REST JSON), malformed entries dropped."""
    out = []
    for b in policy.get("bindings") or ():
        if not isinstance(b, dict) or not b.get("role"):
            continue
        condition = b.get("condition")
        out.append(
            {
                "role": str(b["role"]),
                "members": sorted(str(m) for m in b.get("members") or ()),
                "condition": str(condition.get("expression") or "") or None
                if isinstance(condition, dict)
                else None,
            }
        )
    return out


def is_admin_role(role: str) -> bool:
    return role in ("roles/owner", "roles/editor") or role.endswith(("admin", "Admin"))


def roles_by_member(binds: Sequence[Mapping[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for b in binds:
        for m in b["members"]:
            out.setdefault(m, set()).add(b["role"])
    return out


def analyse(binds: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The gcp.project fields derived from its bindings."""
    by_member = roles_by_member(binds)

    def holding(role: str) -> list[str]:
        return sorted(m for m, roles in by_member.items() if role in roles)

    return {
        "iam_bindings": [dict(b) for b in binds],
        "primitive_role_users": sorted(
            m for m, roles in by_member.items() if m.startswith(HUMAN) and roles & PRIMITIVE
        ),
        "service_account_admins": sorted(
            m
            for m, roles in by_member.items()
            if m.startswith("serviceAccount:") and any(is_admin_role(r) for r in roles)
        ),
        "iam_public_members": sorted(m for m in by_member if m in PUBLIC),
        "service_account_user_members": holding(SA_USER),
        "service_account_token_creator_members": holding(SA_TOKEN_CREATOR),
        "sa_duty_conflicts": sorted(
            m for m, roles in by_member.items() if SA_ADMIN in roles and SA_USER in roles
        ),
        "kms_duty_conflicts": sorted(
            m for m, roles in by_member.items() if KMS_ADMIN in roles and roles & KMS_CRYPTO
        ),
    }


def audit_configs(policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``[{service, log_types, exempted_members}]`` of a policy's auditConfigs."""
    out = []
    for cfg in policy.get("auditConfigs") or ():
        if not isinstance(cfg, dict):
            continue
        types: list[str] = []
        exempted: set[str] = set()
        for lc in cfg.get("auditLogConfigs") or ():
            if isinstance(lc, dict) and lc.get("logType"):
                types.append(str(lc["logType"]))
                exempted.update(str(m) for m in lc.get("exemptedMembers") or ())
        out.append(
            {
                "service": str(cfg.get("service") or ""),
                "log_types": sorted(set(types)),
                "exempted_members": sorted(exempted),
            }
        )
    return out


def data_access(levels: Iterable[Sequence[Mapping[str, Any]]]) -> tuple[bool, list[str]]:
    """(all of ADMIN_READ, DATA_READ, DATA_WRITE on for allServices, exempted members)
    over the audit configs of the project and its ancestors (they add up)."""
    types: set[str] = set()
    exempted: set[str] = set()
    for configs in levels:
        for cfg in configs:
            if cfg["service"] == ALL_SERVICES:
                types.update(cfg["log_types"])
                exempted.update(cfg["exempted_members"])
    return types >= DATA_ACCESS, sorted(exempted)
