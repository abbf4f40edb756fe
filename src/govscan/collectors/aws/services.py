"""Lambda, SQS, SNS, EFS, ELBv2 listeners, CloudFront, ECR and AWS Backup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Scope, iso, tag_dict
from govscan.collectors.aws.spec import Detail, Fetched, ListSpec, define
from govscan.collectors.interface import Item
from govscan.model import Resource

LAMBDA = "aws.lambda.function"
SQS = "aws.sqs.queue"
SNS = "aws.sns.topic"
EFS = "aws.efs.file_system"
LISTENER = "aws.elbv2.listener"
CLOUDFRONT = "aws.cloudfront.distribution"
ECR = "aws.ecr.repository"
BACKUP_PLAN = "aws.backup.plan"
BACKUP_VAULT = "aws.backup.vault"


def _function(scope: Scope, f: dict[str, Any], _: Fetched) -> Resource:
    env = (f.get("Environment") or {}).get("Variables") or {}
    data = {
        "function_name": f["FunctionName"],
        "runtime": f.get("Runtime"),
        "package_type": f.get("PackageType", "Zip"),
        # Variable names only: their values may be secrets and never leave the collector.
        "environment_variable_names": sorted(env),
        "kms_key_arn": f.get("KMSKeyArn"),
        "role": f.get("Role"),
        "in_vpc": bool((f.get("VpcConfig") or {}).get("SubnetIds")),
        "tracing": (f.get("TracingConfig") or {}).get("Mode"),
        "last_modified": f.get("LastModified"),
    }
    return scope.resource(LAMBDA, f["FunctionArn"], f["FunctionName"], data)


def _queue(scope: Scope, url: str, got: Fetched) -> Resource:
    name = url.rstrip("/").rsplit("/", 1)[-1]
    arn = f"arn:aws:sqs:{scope.region}:{scope.account}:{name}"
    data: dict[str, Any] = {"queue_name": name}
    if "GetQueueAttributes" in got:
        attrs = got["GetQueueAttributes"].get("Attributes", {})
        arn = attrs.get("QueueArn", arn)
        data["kms_key_id"] = attrs.get("KmsMasterKeyId")
        data["sse_enabled"] = (
            bool(attrs.get("KmsMasterKeyId")) or attrs.get("SqsManagedSseEnabled") == "true"
        )
    return scope.resource(SQS, arn, name, data, got.unavailable)


def _topic(scope: Scope, t: dict[str, Any], got: Fetched) -> Resource:
    arn = t["TopicArn"]
    data: dict[str, Any] = {"topic_name": arn.rsplit(":", 1)[-1]}
    if "GetTopicAttributes" in got:
        key = got["GetTopicAttributes"].get("Attributes", {}).get("KmsMasterKeyId")
        data["kms_key_id"] = key
        data["encrypted"] = bool(key)
    return scope.resource(SNS, arn, data["topic_name"], data, got.unavailable)


def _file_system(scope: Scope, fs: dict[str, Any], _: Fetched) -> Resource:
    data = {
        "file_system_id": fs["FileSystemId"],
        "encrypted": bool(fs.get("Encrypted")),
        "kms_key_id": fs.get("KmsKeyId"),
        "performance_mode": fs.get("PerformanceMode"),
    }
    arn = (
        fs.get("FileSystemArn")
        or f"arn:aws:elasticfilesystem:{scope.region}:{scope.account}:file-system/"
        f"{fs['FileSystemId']}"
    )
    return scope.resource(
        EFS, arn, fs.get("Name") or fs["FileSystemId"], data, tags=tag_dict(fs.get("Tags"))
    )


def listeners(scope: Scope) -> Iterator[Item]:
    elb = scope.api("elbv2")
    try:
        lbs = list(elb.pages("describe_load_balancers", "LoadBalancers"))
    except CallFailure as failure:
        yield scope.list_error(LISTENER, failure)
        return
    for lb in lbs:
        try:
            for li in elb.pages(
                "describe_listeners", "Listeners", LoadBalancerArn=lb["LoadBalancerArn"]
            ):
                actions = li.get("DefaultActions", [])
                redirect = any(
                    a.get("Type") == "redirect"
                    and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
                    for a in actions
                )
                data = {
                    "load_balancer": lb.get("LoadBalancerName"),
                    "scheme": lb.get("Scheme"),
                    "protocol": li.get("Protocol"),
                    "port": li.get("Port"),
                    "ssl_policy": li.get("SslPolicy"),
                    "redirects_to_https": redirect,
                    "encrypted_in_transit": li.get("Protocol") in ("HTTPS", "TLS") or redirect,
                }
                name = f"{lb.get('LoadBalancerName')}:{li.get('Port')}"
                yield scope.resource(LISTENER, li["ListenerArn"], name, data)
        except CallFailure as failure:
            if failure.kind != "gone":
                yield scope.list_error(LISTENER, failure)


def _distribution(scope: Scope, d: dict[str, Any], _: Fetched) -> Resource:
    behaviour = d.get("DefaultCacheBehavior", {})
    viewer = d.get("ViewerCertificate", {})
    others = (d.get("CacheBehaviors") or {}).get("Items", []) or []
    policies = [behaviour.get("ViewerProtocolPolicy")] + [
        b.get("ViewerProtocolPolicy") for b in others
    ]
    data = {
        "comment": d.get("Comment") or None,
        "domain_name": d.get("DomainName"),
        "enabled": bool(d.get("Enabled")),
        "viewer_protocol_policy": behaviour.get("ViewerProtocolPolicy"),
        "https_only": all(p in ("https-only", "redirect-to-https") for p in policies),
        "minimum_protocol_version": viewer.get("MinimumProtocolVersion"),
        "default_certificate": bool(viewer.get("CloudFrontDefaultCertificate")),
        "web_acl": d.get("WebACLId") or None,
        "origins": [o.get("DomainName") for o in (d.get("Origins") or {}).get("Items", []) or []],
    }
    return scope.resource(CLOUDFRONT, d["ARN"], d.get("Comment") or d["Id"], data, region="global")


def _repository(scope: Scope, r: dict[str, Any], _: Fetched) -> Resource:
    enc = r.get("encryptionConfiguration") or {}
    data = {
        "repository_name": r["repositoryName"],
        "scan_on_push": bool((r.get("imageScanningConfiguration") or {}).get("scanOnPush")),
        "tag_immutability": r.get("imageTagMutability") == "IMMUTABLE",
        "encryption_type": enc.get("encryptionType", "AES256"),
        "created": iso(r.get("createdAt")),
    }
    return scope.resource(ECR, r["repositoryArn"], r["repositoryName"], data)


def _backup_plan(scope: Scope, p: dict[str, Any], got: Fetched) -> Resource:
    arn = p["BackupPlanArn"]
    data: dict[str, Any] = {"plan_name": p.get("BackupPlanName")}
    if "GetBackupPlan" in got:
        rules = []
        for rule in got["GetBackupPlan"].get("BackupPlan", {}).get("Rules", []):
            copies = [c.get("DestinationBackupVaultArn", "") for c in rule.get("CopyActions", [])]
            rules.append(
                {
                    "name": rule.get("RuleName"),
                    "retention_days": (rule.get("Lifecycle") or {}).get("DeleteAfterDays"),
                    "copy_vaults": copies,
                }
            )
        data["rules"] = rules
        data["copy_regions"] = sorted(
            {c.split(":")[3] for r_ in rules for c in r_["copy_vaults"] if c.count(":") > 3}
        )
        days = [x["retention_days"] for x in rules if x["retention_days"]]
        data["min_retention_days"] = min(days) if days else None
        data["max_retention_days"] = max(days) if days else None
        # A rule without DeleteAfterDays keeps its recovery points forever.
        data["retention_unbounded"] = any(not x["retention_days"] for x in rules)
    return scope.resource(BACKUP_PLAN, arn, p.get("BackupPlanName", arn), data, got.unavailable)


def _backup_vault(scope: Scope, v: dict[str, Any], _: Fetched) -> Resource:
    data = {
        "vault_name": v.get("BackupVaultName"),
        "encryption_key_arn": v.get("EncryptionKeyArn"),
        "locked": bool(v.get("Locked")),
        "recovery_points": v.get("NumberOfRecoveryPoints", 0),
    }
    return scope.resource(BACKUP_VAULT, v["BackupVaultArn"], v.get("BackupVaultName", ""), data)


define(ListSpec(LAMBDA, "lambda", "ListFunctions", "Functions", _function))
define(
    ListSpec(
        SQS,
        "sqs",
        "ListQueues",
        "QueueUrls",
        _queue,
        details=(
            Detail(
                "GetQueueAttributes",
                ("sse_enabled", "kms_key_id"),
                lambda url: {"QueueUrl": url, "AttributeNames": ["All"]},
                always=True,
            ),
        ),
        parallel=True,
    )
)
define(
    ListSpec(
        SNS,
        "sns",
        "ListTopics",
        "Topics",
        _topic,
        details=(
            Detail(
                "GetTopicAttributes",
                ("kms_key_id", "encrypted"),
                lambda t: {"TopicArn": t["TopicArn"]},
            ),
        ),
        parallel=True,
    )
)
define(
    ListSpec(
        EFS,
        "efs",
        "DescribeFileSystems",
        "FileSystems",
        _file_system,
        prefix="elasticfilesystem",
    )
)
register(
    TypeDef(
        LISTENER,
        "elbv2",
        listeners,
        ("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners"),
    )
)
define(
    ListSpec(
        CLOUDFRONT,
        "cloudfront",
        "ListDistributions",
        "DistributionList.Items",
        _distribution,
        paginated=False,
        regional=False,
        client_region="us-east-1",
    )
)
define(ListSpec(ECR, "ecr", "DescribeRepositories", "repositories", _repository))
define(
    ListSpec(
        BACKUP_PLAN,
        "backup",
        "ListBackupPlans",
        "BackupPlansList",
        _backup_plan,
        details=(
            Detail(
                "GetBackupPlan",
                (
                    "rules",
                    "copy_regions",
                    "min_retention_days",
                    "max_retention_days",
                    "retention_unbounded",
                ),
                lambda p: {"BackupPlanId": p["BackupPlanId"]},
            ),
        ),
    )
)
define(ListSpec(BACKUP_VAULT, "backup", "ListBackupVaults", "BackupVaultList", _backup_vault))
