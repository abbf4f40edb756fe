"""Terraform definitions of AWS services with one resource each (databases, keys,
trails, queues, functions, ...), in the shapes of the live AWS collector.

The conventions are those of ``normalize_aws``: unset arguments read as the
defaults in ``aws_defaults``, unknown values pass through for ``unknowns.split``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govscan.collectors.repo.aws_defaults import default
from govscan.collectors.repo.documents import document, grants_admin, principals
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import (
    all_of,
    any_of,
    as_int,
    as_str,
    choose,
    is_set,
    one_of,
    same,
)
from govscan.collectors.repo.unknowns import as_bool as _bool

if TYPE_CHECKING:
    from govscan.collectors.repo.normalize_aws import Companions

Normalised = tuple[str, dict[str, Any]]


def db_instance(r: TfResource, _: Companions) -> Normalised:
    return "aws.rds.instance", {
        "identifier": as_str(r.get("identifier")),
        "engine": as_str(r.get("engine")),
        "storage_encrypted": _bool(
            r.get("storage_encrypted"), default("aws_db_instance", "storage_encrypted")
        ),
        "publicly_accessible": _bool(
            r.get("publicly_accessible"), default("aws_db_instance", "publicly_accessible")
        ),
        "backup_retention_days": as_int(
            r.get("backup_retention_period"),
            default("aws_db_instance", "backup_retention_period"),
        ),
        "deletion_protection": _bool(r.get("deletion_protection"), False),
        "multi_az": _bool(r.get("multi_az"), False),
        "auto_minor_version_upgrade": _bool(r.get("auto_minor_version_upgrade"), True),
        "iam_auth": _bool(r.get("iam_database_authentication_enabled"), False),
    }


def rds_cluster(r: TfResource, _: Companions) -> Normalised:
    return "aws.rds.cluster", {
        "identifier": as_str(r.get("cluster_identifier")),
        "storage_encrypted": _bool(
            r.get("storage_encrypted"), default("aws_rds_cluster", "storage_encrypted")
        ),
        "backup_retention_days": as_int(
            r.get("backup_retention_period"),
            default("aws_rds_cluster", "backup_retention_period"),
        ),
        "deletion_protection": _bool(r.get("deletion_protection"), False),
    }


def kms_key(r: TfResource, _: Companions) -> Normalised:
    spec = as_str(r.get("customer_master_key_spec"))
    symmetric = True if spec is None else same(spec, "SYMMETRIC_DEFAULT")
    enabled = _bool(r.get("is_enabled"), True)
    rotation = _bool(r.get("enable_key_rotation"), default("aws_kms_key", "enable_key_rotation"))
    return "aws.kms.key", {
        "key_manager": "CUSTOMER",
        "key_state": choose(enabled, "Enabled", "Disabled"),
        "rotation_applicable": all_of((symmetric, enabled)),
        "rotation_enabled": choose(symmetric, rotation, None),
    }


def cloudtrail(r: TfResource, _: Companions) -> Normalised:
    return "aws.cloudtrail.trail", {
        "trail_name": as_str(r.get("name")),
        "multi_region": _bool(
            r.get("is_multi_region_trail"), default("aws_cloudtrail", "is_multi_region_trail")
        ),
        "log_file_validation": _bool(
            r.get("enable_log_file_validation"),
            default("aws_cloudtrail", "enable_log_file_validation"),
        ),
        "kms_key_id": as_str(r.get("kms_key_id")),
        "cloudwatch_logs": is_set(r.get("cloud_watch_logs_group_arn")),
    }


def dynamodb_table(r: TfResource, _: Companions) -> Normalised:
    sse = r.sub("server_side_encryption")
    enabled = _bool(r.sub_get(sse, "enabled"), False)
    return "aws.dynamodb.table", {
        "table_name": as_str(r.get("name")),
        "point_in_time_recovery": _bool(
            r.sub_get(r.sub("point_in_time_recovery"), "enabled"), False
        ),
        "sse": {
            "enabled": True,
            "type": choose(enabled, "KMS", default("aws_dynamodb_table", "server_side_encryption")),
            "kms_key_arn": as_str(r.sub_get(sse, "kms_key_arn")),
        },
        "deletion_protection": _bool(r.get("deletion_protection_enabled"), False),
    }


def lambda_function(r: TfResource, _: Companions) -> Normalised:
    env = r.sub_get(r.sub("environment"), "variables")
    return "aws.lambda.function", {
        "function_name": as_str(r.get("function_name")),
        "runtime": as_str(r.get("runtime")),
        "package_type": as_str(r.get("package_type")) or "Zip",
        # Names only: values in code may be secrets too and stay out of the evidence.
        "environment_variable_names": sorted(env)
        if isinstance(env, dict)
        else (env if isinstance(env, Unknown) else []),
    }


def sqs_queue(r: TfResource, _: Companions) -> Normalised:
    managed = _bool(
        r.get("sqs_managed_sse_enabled"), default("aws_sqs_queue", "sqs_managed_sse_enabled")
    )
    return "aws.sqs.queue", {"sse_enabled": any_of((is_set(r.get("kms_master_key_id")), managed))}


def sns_topic(r: TfResource, _: Companions) -> Normalised:
    return "aws.sns.topic", {"encrypted": is_set(r.get("kms_master_key_id"))}


def efs(r: TfResource, _: Companions) -> Normalised:
    return "aws.efs.file_system", {
        "encrypted": _bool(r.get("encrypted"), default("aws_efs_file_system", "encrypted"))
    }


def ecr(r: TfResource, _: Companions) -> Normalised:
    return "aws.ecr.repository", {
        "scan_on_push": _bool(
            r.sub_get(r.sub("image_scanning_configuration"), "scan_on_push"), False
        ),
        "tag_immutability": same(r.get("image_tag_mutability"), "IMMUTABLE"),
    }


def iam_policy(r: TfResource, _: Companions) -> Normalised | None:
    # Unknown leaves (a template's or jsonencode's references) stay unknown; the
    # known statements decide what they can.
    parsed = document(r.get("policy"))
    if parsed is None:
        return None
    return "aws.iam.policy", {
        "policy_name": as_str(r.get("name")),
        "allows_admin": grants_admin(parsed),
    }


def lb_listener(r: TfResource, _: Companions) -> Normalised:
    protocol = as_str(r.get("protocol")) or "HTTP"
    action = r.sub("default_action")
    redirect = all_of(
        (
            same(r.sub_get(action, "type"), "redirect"),
            same(r.sub_get(r.sub("default_action", "redirect"), "protocol"), "HTTPS"),
        )
    )
    return "aws.elbv2.listener", {
        "protocol": protocol,
        "port": as_int(r.get("port"), None),
        "ssl_policy": as_str(r.get("ssl_policy")),
        "redirects_to_https": redirect,
        "encrypted_in_transit": any_of((one_of(protocol, ("HTTPS", "TLS")), redirect)),
    }


def cloudfront(r: TfResource, _: Companions) -> Normalised:
    behaviours = [r.sub("default_cache_behavior"), *r.block.children("ordered_cache_behavior")]
    policies = [r.sub_get(b, "viewer_protocol_policy") for b in behaviours if b is not None]
    cert = r.sub("viewer_certificate")
    default_cert = _bool(r.sub_get(cert, "cloudfront_default_certificate"), False)
    minimum = r.sub_get(cert, "minimum_protocol_version")
    return "aws.cloudfront.distribution", {
        "viewer_protocol_policy": policies[0] if policies else None,
        "https_only": bool(policies)
        and all_of(one_of(p, ("https-only", "redirect-to-https")) for p in policies),
        # With the default *.cloudfront.net certificate CloudFront allows TLSv1.
        "minimum_protocol_version": choose(default_cert, "TLSv1", as_str(minimum) or "TLSv1"),
        "default_certificate": default_cert,
    }


def iam_role(r: TfResource, _: Companions) -> Normalised | None:
    parsed = document(r.get("assume_role_policy"))
    if parsed is None:
        return None
    trusted = principals(parsed)
    return "aws.iam.role", {
        "role_name": as_str(r.get("name")),
        "trusted_principals": trusted,
        "trusts_everyone": trusted if isinstance(trusted, Unknown) else "*" in trusted,
    }


def secret(r: TfResource, comp: Companions) -> Normalised:
    name = as_str(r.get("name"))
    rotation = comp.find(
        "aws_secretsmanager_secret_rotation", r, name if isinstance(name, str) else None
    )
    return "aws.secretsmanager.secret", {
        "secret_name": name,
        "rotation_enabled": rotation is not None,
    }


def backup_plan(r: TfResource, _: Companions) -> Normalised:
    days: list[int] = []
    unknown: Unknown | None = None
    unbounded = False
    for rule in r.block.children("rule"):
        deletes = False
        for life in rule.children("lifecycle"):
            value = as_int(r.sub_get(life, "delete_after"), None)
            if isinstance(value, Unknown):
                unknown = unknown or value
                deletes = True
            elif value is not None:
                days.append(value)
                deletes = True
        # A rule without lifecycle.delete_after keeps recovery points forever.
        unbounded = unbounded or not deletes
    return "aws.backup.plan", {
        "plan_name": as_str(r.get("name")),
        "min_retention_days": unknown or (min(days) if days else None),
        "max_retention_days": unknown or (max(days) if days else None),
        "retention_unbounded": unbounded,
    }
