"""Lambda, SQS, SNS, EFS, ELBv2 listeners, CloudFront, ECR and AWS Backup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Gone, Scope, iso, parallel, tag_dict
from govscan.collectors.interface import Item

LAMBDA = "aws.lambda.function"
SQS = "aws.sqs.queue"
SNS = "aws.sns.topic"
EFS = "aws.efs.file_system"
LISTENER = "aws.elbv2.listener"
CLOUDFRONT = "aws.cloudfront.distribution"
ECR = "aws.ecr.repository"
BACKUP_PLAN = "aws.backup.plan"
BACKUP_VAULT = "aws.backup.vault"


def functions(scope: Scope) -> Iterator[Item]:
    lam = scope.api("lambda")
    try:
        found = list(lam.pages("list_functions", "Functions"))
    except CallFailure as failure:
        yield scope.list_error(LAMBDA, failure)
        return
    for f in found:
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
        yield scope.resource(LAMBDA, f["FunctionArn"], f["FunctionName"], data)


def queues(scope: Scope) -> Iterator[Item]:
    sqs = scope.api("sqs")
    try:
        urls = list(sqs.pages("list_queues", "QueueUrls"))
    except CallFailure as failure:
        yield scope.list_error(SQS, failure)
        return

    def queue(url: str) -> Item:
        unavailable: dict[str, str] = {}
        name = url.rstrip("/").rsplit("/", 1)[-1]
        arn = f"arn:aws:sqs:{scope.region}:{scope.account}:{name}"
        r = scope.detail(
            SQS,
            arn,
            ("sse_enabled", "kms_key_id"),
            unavailable,
            sqs,
            "get_queue_attributes",
            QueueUrl=url,
            AttributeNames=["All"],
        )
        attrs = (r or {}).get("Attributes", {})
        data: dict[str, Any] = {"queue_name": name}
        if "sse_enabled" not in unavailable:
            arn = attrs.get("QueueArn", arn)
            data["kms_key_id"] = attrs.get("KmsMasterKeyId")
            data["sse_enabled"] = (
                bool(attrs.get("KmsMasterKeyId")) or attrs.get("SqsManagedSseEnabled") == "true"
            )
        return scope.resource(SQS, arn, name, data, unavailable)

    yield from parallel(queue, urls)
    yield from scope.detail_errors()


def topics(scope: Scope) -> Iterator[Item]:
    sns = scope.api("sns")
    try:
        found = list(sns.pages("list_topics", "Topics"))
    except CallFailure as failure:
        yield scope.list_error(SNS, failure)
        return

    def topic(t: dict[str, Any]) -> Item:
        arn = t["TopicArn"]
        unavailable: dict[str, str] = {}
        data: dict[str, Any] = {"topic_name": arn.rsplit(":", 1)[-1]}
        if scope.wants(SNS, "kms_key_id", "encrypted"):
            r = scope.detail(
                SNS,
                arn,
                ("kms_key_id", "encrypted"),
                unavailable,
                sns,
                "get_topic_attributes",
                TopicArn=arn,
            )
            if "kms_key_id" not in unavailable:
                key = (r or {}).get("Attributes", {}).get("KmsMasterKeyId")
                data["kms_key_id"] = key
                data["encrypted"] = bool(key)
        return scope.resource(SNS, arn, data["topic_name"], data, unavailable)

    yield from parallel(topic, found)
    yield from scope.detail_errors()


def file_systems(scope: Scope) -> Iterator[Item]:
    efs = scope.api("efs")
    try:
        found = list(efs.pages("describe_file_systems", "FileSystems"))
    except CallFailure as failure:
        yield scope.list_error(EFS, failure)
        return
    for fs in found:
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
        yield scope.resource(
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


def distributions(scope: Scope) -> Iterator[Item]:
    cf = scope.api("cloudfront", region="us-east-1")
    try:
        listing = cf.call("list_distributions").get("DistributionList", {})
    except CallFailure as failure:
        yield scope.list_error(CLOUDFRONT, failure)
        return
    for d in listing.get("Items", []) or []:
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
            "origins": [
                o.get("DomainName") for o in (d.get("Origins") or {}).get("Items", []) or []
            ],
        }
        yield scope.resource(
            CLOUDFRONT, d["ARN"], d.get("Comment") or d["Id"], data, region="global"
        )


def repositories(scope: Scope) -> Iterator[Item]:
    ecr = scope.api("ecr")
    try:
        found = list(ecr.pages("describe_repositories", "repositories"))
    except CallFailure as failure:
        yield scope.list_error(ECR, failure)
        return
    for r in found:
        enc = r.get("encryptionConfiguration") or {}
        data = {
            "repository_name": r["repositoryName"],
            "scan_on_push": bool((r.get("imageScanningConfiguration") or {}).get("scanOnPush")),
            "tag_immutability": r.get("imageTagMutability") == "IMMUTABLE",
            "encryption_type": enc.get("encryptionType", "AES256"),
            "created": iso(r.get("createdAt")),
        }
        yield scope.resource(ECR, r["repositoryArn"], r["repositoryName"], data)


def backup_plans(scope: Scope) -> Iterator[Item]:
    bk = scope.api("backup")
    try:
        found = list(bk.pages("list_backup_plans", "BackupPlansList"))
    except CallFailure as failure:
        yield scope.list_error(BACKUP_PLAN, failure)
        return
    for p in found:
        unavailable: dict[str, str] = {}
        arn = p["BackupPlanArn"]
        data: dict[str, Any] = {"plan_name": p.get("BackupPlanName")}
        if scope.wants(BACKUP_PLAN, "rules", "copy_regions", "min_retention_days"):
            try:
                r = scope.detail(
                    BACKUP_PLAN,
                    arn,
                    ("rules", "copy_regions", "min_retention_days"),
                    unavailable,
                    bk,
                    "get_backup_plan",
                    BackupPlanId=p["BackupPlanId"],
                )
            except Gone:
                continue
            if "rules" not in unavailable:
                rules = []
                for rule in (r or {}).get("BackupPlan", {}).get("Rules", []):
                    copies = [
                        c.get("DestinationBackupVaultArn", "") for c in rule.get("CopyActions", [])
                    ]
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
        yield scope.resource(BACKUP_PLAN, arn, p.get("BackupPlanName", arn), data, unavailable)
    yield from scope.detail_errors()


def backup_vaults(scope: Scope) -> Iterator[Item]:
    bk = scope.api("backup")
    try:
        found = list(bk.pages("list_backup_vaults", "BackupVaultList"))
    except CallFailure as failure:
        yield scope.list_error(BACKUP_VAULT, failure)
        return
    for v in found:
        data = {
            "vault_name": v.get("BackupVaultName"),
            "encryption_key_arn": v.get("EncryptionKeyArn"),
            "locked": bool(v.get("Locked")),
            "recovery_points": v.get("NumberOfRecoveryPoints", 0),
        }
        yield scope.resource(BACKUP_VAULT, v["BackupVaultArn"], v.get("BackupVaultName", ""), data)


register(TypeDef(LAMBDA, "lambda", functions, ("lambda:ListFunctions",)))
register(TypeDef(SQS, "sqs", queues, ("sqs:ListQueues", "sqs:GetQueueAttributes")))
register(
    TypeDef(
        SNS,
        "sns",
        topics,
        ("sns:ListTopics",),
        {"kms_key_id": ("sns:GetTopicAttributes",), "encrypted": ("sns:GetTopicAttributes",)},
    )
)
register(TypeDef(EFS, "efs", file_systems, ("elasticfilesystem:DescribeFileSystems",)))
register(
    TypeDef(
        LISTENER,
        "elbv2",
        listeners,
        ("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners"),
    )
)
register(
    TypeDef(
        CLOUDFRONT, "cloudfront", distributions, ("cloudfront:ListDistributions",), regional=False
    )
)
register(TypeDef(ECR, "ecr", repositories, ("ecr:DescribeRepositories",)))
_PLAN_DETAIL = ("backup:GetBackupPlan",)
register(
    TypeDef(
        BACKUP_PLAN,
        "backup",
        backup_plans,
        ("backup:ListBackupPlans",),
        dict.fromkeys(("rules", "copy_regions", "min_retention_days"), _PLAN_DETAIL),
    )
)
register(TypeDef(BACKUP_VAULT, "backup", backup_vaults, ("backup:ListBackupVaults",)))
