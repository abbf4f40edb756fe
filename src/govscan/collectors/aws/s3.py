"""S3 buckets (listed once per account; each judged in its own region)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Scope, parallel, tag_dict
from govscan.collectors.interface import Item

T = "aws.s3.bucket"
_PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def location_region(constraint: str | None) -> str:
    """S3's LocationConstraint: null means us-east-1, the legacy ``EU`` means eu-west-1."""
    if not constraint:
        return "us-east-1"
    if constraint == "EU":
        return "eu-west-1"
    return constraint


def _enforces_tls(policy_text: str | None) -> bool:
    if not policy_text:
        return False
    try:
        doc = json.loads(policy_text)
    except ValueError:
        return False
    statements = doc.get("Statement", [])
    for st in statements if isinstance(statements, list) else [statements]:
        cond = st.get("Condition", {}) if isinstance(st, dict) else {}
        secure = cond.get("Bool", {}).get("aws:SecureTransport")
        if st.get("Effect") == "Deny" and str(secure).lower() == "false":
            return True
    return False


LIFECYCLE_FIELDS = (
    "lifecycle_expiration_days",
    "lifecycle_noncurrent_expiration_days",
    "lifecycle_rules",
)


def _covers_all(f: Any) -> bool:
    """A rule filter matching every object: none, or only empty prefixes (a tag or a
    size bound leaves objects out)."""
    if not f:
        return True
    if not isinstance(f, dict):
        return False
    return all((k == "Prefix" and not v) or (k == "And" and _covers_all(v)) for k, v in f.items())


def _days(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def lifecycle_summary(rules: Any) -> dict[str, Any]:
    """The lifecycle fields of ``aws.s3.bucket`` from GetBucketLifecycleConfiguration's rules."""
    summary = []
    current: list[int] = []
    noncurrent: list[int] = []
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        enabled = rule.get("Status") == "Enabled"
        everything = _covers_all(rule.get("Filter")) and not rule.get("Prefix")
        days = _days((rule.get("Expiration") or {}).get("Days"))
        nve = rule.get("NoncurrentVersionExpiration") or {}
        old = _days(nve.get("NoncurrentDays"))
        summary.append(
            {
                "id": rule.get("ID"),
                "enabled": enabled,
                "all_objects": everything,
                "expiration_days": days,
                "noncurrent_expiration_days": old,
            }
        )
        if not (enabled and everything):
            continue
        if days is not None:
            current.append(days)
        # NewerNoncurrentVersions keeps that many versions whatever their age.
        if old is not None and not nve.get("NewerNoncurrentVersions"):
            noncurrent.append(old)
    return {
        # Of several rules the earliest expiration wins for an object.
        "lifecycle_expiration_days": min(current) if current else None,
        "lifecycle_noncurrent_expiration_days": min(noncurrent) if noncurrent else None,
        "lifecycle_rules": summary,
    }


def collect(scope: Scope) -> Iterator[Item]:
    s3 = scope.api("s3")
    try:
        buckets = s3.call("list_buckets").get("Buckets", [])
    except CallFailure as failure:
        yield scope.list_error(T, failure)
        return
    yield from parallel(lambda b: _bucket(scope, b["Name"], b), buckets)
    yield from scope.detail_errors()


def _bucket(scope: Scope, name: str, listed: dict[str, Any]) -> Item | None:
    s3 = scope.api("s3")
    unavailable: dict[str, str] = {}
    arn = f"arn:aws:s3:::{name}"
    loc = scope.detail(T, arn, ("region",), unavailable, s3, "get_bucket_location", Bucket=name)
    region = (
        location_region(loc.get("LocationConstraint"))
        if loc
        else ("" if unavailable else "us-east-1")
    )
    data: dict[str, Any] = {"arn": arn, "creation_date": str(listed.get("CreationDate", ""))}
    w = scope.wants

    if w(T, "default_encryption"):
        r = scope.detail(
            T, arn, ("default_encryption",), unavailable, s3, "get_bucket_encryption", Bucket=name
        )
        if "default_encryption" not in unavailable:
            rules = (r or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
            default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
            data["default_encryption"] = {
                "enabled": bool(default),
                "algorithm": default.get("SSEAlgorithm"),
                "kms_key_id": default.get("KMSMasterKeyID"),
                "bucket_key": bool(rules[0].get("BucketKeyEnabled")) if rules else False,
            }
    if w(T, "public_access_block"):
        r = scope.detail(
            T,
            arn,
            ("public_access_block",),
            unavailable,
            s3,
            "get_public_access_block",
            Bucket=name,
        )
        if "public_access_block" not in unavailable:
            cfg = (r or {}).get("PublicAccessBlockConfiguration", {})
            pab = {
                "block_public_acls": bool(cfg.get("BlockPublicAcls")),
                "ignore_public_acls": bool(cfg.get("IgnorePublicAcls")),
                "block_public_policy": bool(cfg.get("BlockPublicPolicy")),
                "restrict_public_buckets": bool(cfg.get("RestrictPublicBuckets")),
            }
            pab["all"] = all(pab.values())
            data["public_access_block"] = pab
    if w(T, "policy_public"):
        r = scope.detail(
            T, arn, ("policy_public",), unavailable, s3, "get_bucket_policy_status", Bucket=name
        )
        if "policy_public" not in unavailable:
            data["policy_public"] = bool((r or {}).get("PolicyStatus", {}).get("IsPublic"))
    if w(T, "acl_public"):
        r = scope.detail(T, arn, ("acl_public",), unavailable, s3, "get_bucket_acl", Bucket=name)
        if "acl_public" not in unavailable:
            grants = (r or {}).get("Grants", [])
            data["acl_public"] = any(
                g.get("Grantee", {}).get("URI") in _PUBLIC_GROUPS for g in grants
            )
    if w(T, "versioning", "mfa_delete"):
        r = scope.detail(
            T,
            arn,
            ("versioning", "mfa_delete"),
            unavailable,
            s3,
            "get_bucket_versioning",
            Bucket=name,
        )
        if "versioning" not in unavailable:
            data["versioning"] = (r or {}).get("Status") == "Enabled"
            data["mfa_delete"] = (r or {}).get("MFADelete") == "Enabled"
    if w(T, "logging"):
        r = scope.detail(T, arn, ("logging",), unavailable, s3, "get_bucket_logging", Bucket=name)
        if "logging" not in unavailable:
            le = (r or {}).get("LoggingEnabled")
            data["logging"] = {"enabled": bool(le), "target_bucket": (le or {}).get("TargetBucket")}
    if w(T, "object_lock"):
        r = scope.detail(
            T, arn, ("object_lock",), unavailable, s3, "get_object_lock_configuration", Bucket=name
        )
        if "object_lock" not in unavailable:
            cfg = (r or {}).get("ObjectLockConfiguration", {})
            data["object_lock"] = cfg.get("ObjectLockEnabled") == "Enabled"
    if w(T, "replication"):
        r = scope.detail(
            T, arn, ("replication",), unavailable, s3, "get_bucket_replication", Bucket=name
        )
        if "replication" not in unavailable:
            rules = (r or {}).get("ReplicationConfiguration", {}).get("Rules", [])
            dests = []
            for rule in rules:
                if rule.get("Status") != "Enabled":
                    continue
                dest = rule.get("Destination", {}).get("Bucket", "")
                dest_name = dest.split(":::")[-1]
                dests.append({"bucket": dest_name, "region": _dest_region(scope, dest_name)})
            data["replication"] = {
                "enabled": bool(dests),
                "destinations": dests,
                "regions": sorted({d["region"] or "unknown" for d in dests}),
            }
    if w(T, *LIFECYCLE_FIELDS):
        r = scope.detail(
            T,
            arn,
            LIFECYCLE_FIELDS,
            unavailable,
            s3,
            "get_bucket_lifecycle_configuration",
            Bucket=name,
        )
        if "lifecycle_rules" not in unavailable:
            # None (NoSuchLifecycleConfiguration): no rules, objects are kept.
            data.update(lifecycle_summary((r or {}).get("Rules", [])))
    if w(T, "secure_transport"):
        r = scope.detail(
            T, arn, ("secure_transport",), unavailable, s3, "get_bucket_policy", Bucket=name
        )
        if "secure_transport" not in unavailable:
            data["secure_transport"] = _enforces_tls((r or {}).get("Policy"))
    tags: dict[str, str] = {}
    if w(T, "tags"):
        r = scope.detail(T, arn, ("tags",), unavailable, s3, "get_bucket_tagging", Bucket=name)
        tags = tag_dict((r or {}).get("TagSet", []))
    return scope.resource(T, arn, name, data, unavailable, region=region, tags=tags)


def _dest_region(scope: Scope, bucket: str) -> str | None:
    try:
        loc = scope.api("s3").call("get_bucket_location", Bucket=bucket)
    except CallFailure:
        return None  # another account's bucket: region unknown, residency checks say error
    return location_region(loc.get("LocationConstraint"))


register(
    TypeDef(
        name=T,
        service="s3",
        collect=collect,
        regional=False,
        list_ops=("s3:ListBuckets", "s3:GetBucketLocation"),
        detail_ops={
            "default_encryption": ("s3:GetBucketEncryption",),
            "public_access_block": ("s3:GetPublicAccessBlock",),
            "policy_public": ("s3:GetBucketPolicyStatus",),
            "acl_public": ("s3:GetBucketAcl",),
            "versioning": ("s3:GetBucketVersioning",),
            "mfa_delete": ("s3:GetBucketVersioning",),
            "logging": ("s3:GetBucketLogging",),
            "object_lock": ("s3:GetObjectLockConfiguration",),
            "replication": ("s3:GetBucketReplication", "s3:GetBucketLocation"),
            "secure_transport": ("s3:GetBucketPolicy",),
            "lifecycle_expiration_days": ("s3:GetBucketLifecycleConfiguration",),
            "lifecycle_noncurrent_expiration_days": ("s3:GetBucketLifecycleConfiguration",),
            "lifecycle_rules": ("s3:GetBucketLifecycleConfiguration",),
            "tags": ("s3:GetBucketTagging",),
        },
    )
)
