"""The account itself and IAM: users, roles, customer managed policies (global)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.coverage import TRAIL_LOGGING, TRAILS, cloudtrail_coverage
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Gone, Scope, iso, tag_dict
from govscan.collectors.aws.spec import Detail, Fetched, ListSpec, define
from govscan.collectors.interface import Item
from govscan.model import Resource

ACCOUNT = "aws.account"
USER = "aws.iam.user"
ROLE = "aws.iam.role"
POLICY = "aws.iam.policy"


def account(scope: Scope) -> Iterator[Item]:
    iam = scope.api("iam")
    unavailable: dict[str, str] = {}
    data: dict[str, Any] = {"account_id": scope.account}
    arn = f"arn:aws:iam::{scope.account}:root"
    if scope.wants(ACCOUNT, "root_mfa_enabled", "root_access_keys_present"):
        r = scope.detail(
            ACCOUNT,
            arn,
            ("root_mfa_enabled", "root_access_keys_present"),
            unavailable,
            iam,
            "get_account_summary",
        )
        if "root_mfa_enabled" not in unavailable:
            summary = (r or {}).get("SummaryMap", {})
            data["root_mfa_enabled"] = summary.get("AccountMFAEnabled", 0) == 1
            data["root_access_keys_present"] = summary.get("AccountAccessKeysPresent", 0) > 0
    if scope.wants(ACCOUNT, "password_policy"):
        r = scope.detail(
            ACCOUNT,
            arn,
            ("password_policy",),
            unavailable,
            iam,
            "get_account_password_policy",
            absent_ok=True,
        )
        if "password_policy" not in unavailable:
            p = (r or {}).get("PasswordPolicy")
            data["password_policy"] = (
                None
                if p is None
                else {
                    "minimum_length": p.get("MinimumPasswordLength", 0),
                    "require_symbols": bool(p.get("RequireSymbols")),
                    "require_numbers": bool(p.get("RequireNumbers")),
                    "require_uppercase": bool(p.get("RequireUppercaseCharacters")),
                    "require_lowercase": bool(p.get("RequireLowercaseCharacters")),
                    "max_age_days": p.get("MaxPasswordAge"),
                    "reuse_prevention": p.get("PasswordReusePrevention"),
                }
            )
    if scope.wants(ACCOUNT, "s3_public_access_block"):
        s3c = scope.api("s3control")
        r = scope.detail(
            ACCOUNT,
            arn,
            ("s3_public_access_block",),
            unavailable,
            s3c,
            "get_public_access_block",
            AccountId=scope.account,
        )
        if "s3_public_access_block" not in unavailable:
            cfg = (r or {}).get("PublicAccessBlockConfiguration", {})
            flags = [
                bool(cfg.get(k))
                for k in (
                    "BlockPublicAcls",
                    "IgnorePublicAcls",
                    "BlockPublicPolicy",
                    "RestrictPublicBuckets",
                )
            ]
            data["s3_public_access_block"] = {"all": all(flags), "any": any(flags)}
    if scope.wants(ACCOUNT, TRAIL_LOGGING, TRAILS):
        data.update(cloudtrail_coverage(scope, ACCOUNT, arn, unavailable))
    yield scope.resource(
        ACCOUNT, arn, scope.account, data, unavailable, region="global", tags=scope.tags
    )
    yield from scope.detail_errors()


def users(scope: Scope) -> Iterator[Item]:
    iam = scope.api("iam")
    try:
        found = list(iam.pages("list_users", "Users", page_size=100))
    except CallFailure as failure:
        yield scope.list_error(USER, failure)
        return
    for u in found:
        try:
            yield _user(scope, u)
        except Gone:
            continue
    yield from scope.detail_errors()


def _user(scope: Scope, u: dict[str, Any]) -> Item:
    iam = scope.api("iam")
    name = u["UserName"]
    arn = u["Arn"]
    unavailable: dict[str, str] = {}
    data: dict[str, Any] = {
        "user_name": name,
        "created": iso(u.get("CreateDate")),
        "password_last_used": iso(u.get("PasswordLastUsed")),
    }
    if scope.wants(USER, "console_access", "mfa_enabled"):
        r = scope.detail(
            USER,
            arn,
            ("console_access",),
            unavailable,
            iam,
            "get_login_profile",
            absent_ok=True,
            UserName=name,
        )
        if "console_access" not in unavailable:
            data["console_access"] = r is not None
    if scope.wants(USER, "mfa_enabled"):
        r = scope.detail(
            USER, arn, ("mfa_enabled",), unavailable, iam, "list_mfa_devices", UserName=name
        )
        if "mfa_enabled" not in unavailable:
            data["mfa_enabled"] = bool((r or {}).get("MFADevices"))
    if scope.wants(USER, "access_keys", "active_access_keys"):
        r = scope.detail(
            USER, arn, ("access_keys",), unavailable, iam, "list_access_keys", UserName=name
        )
        if "access_keys" not in unavailable:
            keys = []
            for k in (r or {}).get("AccessKeyMetadata", []):
                last = scope.detail(
                    USER,
                    arn,
                    ("access_keys",),
                    unavailable,
                    iam,
                    "get_access_key_last_used",
                    AccessKeyId=k["AccessKeyId"],
                )
                used = ((last or {}).get("AccessKeyLastUsed") or {}).get("LastUsedDate")
                keys.append(
                    {
                        # Only the last four characters of the key id are kept.
                        "key_suffix": k["AccessKeyId"][-4:],
                        "active": k.get("Status") == "Active",
                        "created": iso(k.get("CreateDate")),
                        "last_used": iso(used),
                    }
                )
            data["access_keys"] = keys
            data["active_access_keys"] = sum(1 for k in keys if k["active"])
    if scope.wants(USER, "attached_policies", "inline_policies"):
        r = scope.detail(
            USER,
            arn,
            ("attached_policies",),
            unavailable,
            iam,
            "list_attached_user_policies",
            UserName=name,
        )
        if "attached_policies" not in unavailable:
            data["attached_policies"] = [
                p["PolicyArn"] for p in (r or {}).get("AttachedPolicies", [])
            ]
        r = scope.detail(
            USER, arn, ("inline_policies",), unavailable, iam, "list_user_policies", UserName=name
        )
        if "inline_policies" not in unavailable:
            data["inline_policies"] = (r or {}).get("PolicyNames", [])
    return scope.resource(
        USER, arn, name, data, unavailable, region="global", tags=tag_dict(u.get("Tags"))
    )


def _statements(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, str):
        try:
            doc = json.loads(urllib.parse.unquote(doc))
        except ValueError:
            return []
    st = (doc or {}).get("Statement", [])
    return [s for s in (st if isinstance(st, list) else [st]) if isinstance(s, dict)]


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def grants_admin(doc: Any) -> bool:
    """An Allow of action ``*`` on resource ``*`` (full administrator)."""
    for s in _statements(doc):
        if s.get("Effect") != "Allow":
            continue
        if "*" in _as_list(s.get("Action", [])) and "*" in _as_list(s.get("Resource", [])):
            return True
    return False


def _role(scope: Scope, r: dict[str, Any], got: Fetched) -> Resource:
    principals: list[str] = []
    for s in _statements(r.get("AssumeRolePolicyDocument")):
        p = s.get("Principal", {})
        if isinstance(p, str):
            principals.append(p)
        elif isinstance(p, dict):
            for v in p.values():
                principals.extend(str(x) for x in _as_list(v))
    data: dict[str, Any] = {
        "role_name": r["RoleName"],
        "path": r.get("Path"),
        "trusted_principals": sorted(set(principals)),
        "trusts_everyone": "*" in principals,
        "created": iso(r.get("CreateDate")),
        "last_used": iso((r.get("RoleLastUsed") or {}).get("LastUsedDate")),
        "service_linked": str(r.get("Path", "")).startswith("/aws-service-role/"),
    }
    if "ListAttachedRolePolicies" in got:
        listed = got["ListAttachedRolePolicies"].get("AttachedPolicies", [])
        arns = [p["PolicyArn"] for p in listed]
        data["attached_policies"] = arns
        data["has_admin_access"] = "arn:aws:iam::aws:policy/AdministratorAccess" in arns
    return scope.resource(
        ROLE,
        r["Arn"],
        r["RoleName"],
        data,
        got.unavailable,
        region="global",
        tags=tag_dict(r.get("Tags")),
    )


def _policy(scope: Scope, p: dict[str, Any], got: Fetched) -> Resource:
    data: dict[str, Any] = {
        "policy_name": p["PolicyName"],
        "attachment_count": p.get("AttachmentCount", 0),
        "attached": p.get("AttachmentCount", 0) > 0,
    }
    if "GetPolicyVersion" in got:
        document = got["GetPolicyVersion"].get("PolicyVersion", {}).get("Document")
        data["allows_admin"] = grants_admin(document)
    return scope.resource(POLICY, p["Arn"], p["PolicyName"], data, got.unavailable, region="global")


register(
    TypeDef(
        ACCOUNT,
        "iam",
        account,
        (),
        {
            "root_mfa_enabled": ("iam:GetAccountSummary",),
            "root_access_keys_present": ("iam:GetAccountSummary",),
            "password_policy": ("iam:GetAccountPasswordPolicy",),
            "s3_public_access_block": ("s3control:GetPublicAccessBlock",),
            TRAIL_LOGGING: ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
            TRAILS: ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
        },
        regional=False,
    )
)
register(
    TypeDef(
        USER,
        "iam",
        users,
        ("iam:ListUsers",),
        {
            "console_access": ("iam:GetLoginProfile",),
            "mfa_enabled": ("iam:GetLoginProfile", "iam:ListMFADevices"),
            "access_keys": ("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"),
            "active_access_keys": ("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"),
            "attached_policies": ("iam:ListAttachedUserPolicies", "iam:ListUserPolicies"),
            "inline_policies": ("iam:ListAttachedUserPolicies", "iam:ListUserPolicies"),
        },
        regional=False,
    )
)
define(
    ListSpec(
        ROLE,
        "iam",
        "ListRoles",
        "Roles",
        _role,
        page_size=100,
        details=(
            Detail(
                "ListAttachedRolePolicies",
                ("attached_policies", "has_admin_access"),
                lambda r: {"RoleName": r["RoleName"]},
            ),
        ),
        regional=False,
    )
)
define(
    ListSpec(
        POLICY,
        "iam",
        "ListPolicies",
        "Policies",
        _policy,
        params={"Scope": "Local"},
        details=(
            Detail(
                "GetPolicyVersion",
                ("allows_admin",),
                lambda p: {"PolicyArn": p["Arn"], "VersionId": p["DefaultVersionId"]},
            ),
        ),
        regional=False,
    )
)
