"""KMS, CloudTrail, AWS Config, GuardDuty, Secrets Manager and ACM."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Gone, Scope, iso, tag_dict
from govscan.collectors.aws.spec import Detail, Fetched, ListSpec, define
from govscan.collectors.interface import Item
from govscan.model import Resource

KMS = "aws.kms.key"
TRAIL = "aws.cloudtrail.trail"
CONFIG = "aws.config.recorder"
GUARDDUTY = "aws.guardduty.detector"
SECRET = "aws.secretsmanager.secret"  # noqa: S105 - a resource type name
CERT = "aws.acm.certificate"


def kms_keys(scope: Scope) -> Iterator[Item]:
    kms = scope.api("kms")
    try:
        keys = list(kms.pages("list_keys", "Keys"))
    except CallFailure as failure:
        yield scope.list_error(KMS, failure)
        return
    aliases: dict[str, list[str]] = {}
    try:
        for a in kms.pages("list_aliases", "Aliases"):
            if a.get("TargetKeyId"):
                aliases.setdefault(a["TargetKeyId"], []).append(a["AliasName"])
    except CallFailure as failure:
        yield scope.list_error(KMS, failure)
    for k in keys:
        unavailable: dict[str, str] = {}
        try:
            desc = scope.detail(
                KMS,
                k["KeyArn"],
                ("key_manager", "key_state", "rotation_enabled"),
                unavailable,
                kms,
                "describe_key",
                KeyId=k["KeyId"],
            )
        except Gone:
            continue
        meta = (desc or {}).get("KeyMetadata", {})
        data: dict[str, Any] = {
            "key_id": k["KeyId"],
            "aliases": sorted(aliases.get(k["KeyId"], [])),
            "key_manager": meta.get("KeyManager"),
            "key_state": meta.get("KeyState"),
            "key_spec": meta.get("KeySpec"),
            "key_usage": meta.get("KeyUsage"),
            "multi_region": bool(meta.get("MultiRegion")),
            "created": iso(meta.get("CreationDate")),
        }
        symmetric = meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        customer = meta.get("KeyManager") == "CUSTOMER"
        if scope.wants(KMS, "rotation_enabled") and "key_state" not in unavailable:
            if customer and symmetric and meta.get("KeyState") == "Enabled":
                r = scope.detail(
                    KMS,
                    k["KeyArn"],
                    ("rotation_enabled",),
                    unavailable,
                    kms,
                    "get_key_rotation_status",
                    KeyId=k["KeyId"],
                )
                if "rotation_enabled" not in unavailable:
                    data["rotation_enabled"] = bool((r or {}).get("KeyRotationEnabled"))
            else:
                # AWS managed keys rotate automatically; asymmetric keys cannot rotate.
                data["rotation_enabled"] = None
        data["rotation_applicable"] = customer and symmetric and meta.get("KeyState") == "Enabled"
        name = data["aliases"][0] if data["aliases"] else k["KeyId"]
        yield scope.resource(KMS, k["KeyArn"], name, data, unavailable)
    yield from scope.detail_errors()


def trails(scope: Scope) -> Iterator[Item]:
    ct = scope.api("cloudtrail")
    try:
        found = ct.call("describe_trails", includeShadowTrails=False).get("trailList", [])
    except CallFailure as failure:
        yield scope.list_error(TRAIL, failure)
        return
    for t in found:
        arn = t["TrailARN"]
        unavailable: dict[str, str] = {}
        data: dict[str, Any] = {
            "trail_name": t["Name"],
            "multi_region": bool(t.get("IsMultiRegionTrail")),
            "organization_trail": bool(t.get("IsOrganizationTrail")),
            "log_file_validation": bool(t.get("LogFileValidationEnabled")),
            "kms_key_id": t.get("KmsKeyId"),
            "s3_bucket": t.get("S3BucketName"),
            "cloudwatch_logs": bool(t.get("CloudWatchLogsLogGroupArn")),
            "home_region": t.get("HomeRegion"),
        }
        if scope.wants(TRAIL, "bucket_region") and t.get("S3BucketName"):
            from govscan.collectors.aws.s3 import location_region

            loc = scope.detail(
                TRAIL,
                arn,
                ("bucket_region",),
                unavailable,
                scope.api("s3"),
                "get_bucket_location",
                absent_ok=True,
                Bucket=t["S3BucketName"],
            )
            if "bucket_region" not in unavailable:
                # A bucket of another account cannot be located: unknown, judged as error.
                data["bucket_region"] = (
                    location_region(loc.get("LocationConstraint")) if loc else "unknown"
                )
        if scope.wants(TRAIL, "is_logging"):
            try:
                r = scope.detail(
                    TRAIL, arn, ("is_logging",), unavailable, ct, "get_trail_status", Name=arn
                )
            except Gone:
                continue
            if "is_logging" not in unavailable:
                data["is_logging"] = bool((r or {}).get("IsLogging"))
        yield scope.resource(
            TRAIL, arn, t["Name"], data, unavailable, region=t.get("HomeRegion") or scope.region
        )
    yield from scope.detail_errors()


def recorders(scope: Scope) -> Iterator[Item]:
    cfg = scope.api("config")
    arn = f"arn:aws:config:{scope.region}:{scope.account}:config-recorder"
    try:
        found = cfg.call("describe_configuration_recorders").get("ConfigurationRecorders", [])
        status = {
            s["name"]: s
            for s in cfg.call("describe_configuration_recorder_status").get(
                "ConfigurationRecordersStatus", []
            )
        }
    except CallFailure as failure:
        yield scope.list_error(CONFIG, failure)
        return
    # One resource per region: "no recorder" must be judged too, not silently missing.
    rec = found[0] if found else None
    st = status.get(rec["name"], {}) if rec else {}
    group = (rec or {}).get("recordingGroup", {})
    data = {
        "exists": rec is not None,
        "recorder_name": (rec or {}).get("name"),
        "recording": bool(st.get("recording")),
        "all_supported": bool(group.get("allSupported")),
        "include_global_resources": bool(group.get("includeGlobalResourceTypes")),
        "last_status": st.get("lastStatus"),
    }
    yield scope.resource(
        CONFIG, f"{arn}/{data['recorder_name'] or 'none'}", f"{scope.region} config recorder", data
    )


def detectors(scope: Scope) -> Iterator[Item]:
    gd = scope.api("guardduty")
    try:
        ids = list(gd.pages("list_detectors", "DetectorIds"))
    except CallFailure as failure:
        yield scope.list_error(GUARDDUTY, failure)
        return
    if not ids:
        arn = f"arn:aws:guardduty:{scope.region}:{scope.account}:detector/none"
        yield scope.resource(
            GUARDDUTY, arn, f"{scope.region} guardduty", {"exists": False, "enabled": False}
        )
        return
    for did in ids:
        unavailable: dict[str, str] = {}
        arn = f"arn:aws:guardduty:{scope.region}:{scope.account}:detector/{did}"
        try:
            r = scope.detail(
                GUARDDUTY, arn, ("enabled",), unavailable, gd, "get_detector", DetectorId=did
            )
        except Gone:
            continue
        data: dict[str, Any] = {"exists": True, "detector_id": did}
        if "enabled" not in unavailable:
            data["enabled"] = (r or {}).get("Status") == "ENABLED"
            data["finding_publishing_frequency"] = (r or {}).get("FindingPublishingFrequency")
        yield scope.resource(GUARDDUTY, arn, f"{scope.region} guardduty", data, unavailable)
    yield from scope.detail_errors()


def _secret(scope: Scope, s: dict[str, Any], _: Fetched) -> Resource:
    # Metadata only: govscan never reads a secret's value.
    data = {
        "secret_name": s["Name"],
        "rotation_enabled": bool(s.get("RotationEnabled")),
        "rotation_days": (s.get("RotationRules") or {}).get("AutomaticallyAfterDays"),
        "last_rotated": iso(s.get("LastRotatedDate")),
        "last_accessed": iso(s.get("LastAccessedDate")),
        "kms_key_id": s.get("KmsKeyId"),
        "created": iso(s.get("CreatedDate")),
    }
    return scope.resource(SECRET, s["ARN"], s["Name"], data, tags=tag_dict(s.get("Tags")))


def _certificate(scope: Scope, c: dict[str, Any], got: Fetched) -> Resource:
    arn = c["CertificateArn"]
    data: dict[str, Any] = {"domain_name": c.get("DomainName")}
    if "DescribeCertificate" in got:
        cert = got["DescribeCertificate"].get("Certificate", {})
        data.update(
            {
                "not_after": iso(cert.get("NotAfter")),
                "status": cert.get("Status"),
                "in_use": bool(cert.get("InUseBy")),
                "key_algorithm": cert.get("KeyAlgorithm"),
                "type": cert.get("Type"),
            }
        )
    return scope.resource(CERT, arn, c.get("DomainName", arn), data, got.unavailable)


register(
    TypeDef(
        KMS,
        "kms",
        kms_keys,
        ("kms:ListKeys", "kms:ListAliases", "kms:DescribeKey"),
        {"rotation_enabled": ("kms:GetKeyRotationStatus",)},
    )
)
register(
    TypeDef(
        TRAIL,
        "cloudtrail",
        trails,
        ("cloudtrail:DescribeTrails",),
        {"is_logging": ("cloudtrail:GetTrailStatus",), "bucket_region": ("s3:GetBucketLocation",)},
    )
)
register(
    TypeDef(
        CONFIG,
        "config",
        recorders,
        ("config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"),
    )
)
register(
    TypeDef(GUARDDUTY, "guardduty", detectors, ("guardduty:ListDetectors", "guardduty:GetDetector"))
)
define(ListSpec(SECRET, "secretsmanager", "ListSecrets", "SecretList", _secret))
define(
    ListSpec(
        CERT,
        "acm",
        "ListCertificates",
        "CertificateSummaryList",
        _certificate,
        details=(
            Detail(
                "DescribeCertificate",
                ("not_after", "status", "in_use", "key_algorithm"),
                lambda c: {"CertificateArn": c["CertificateArn"]},
            ),
        ),
    )
)
