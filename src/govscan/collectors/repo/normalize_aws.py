"""Terraform ``aws_*`` resources in the shapes of the live AWS collector.

The same control judges the live resource and its definition, so every field
here has the meaning documented in ``data/resource_types/aws.yaml``. Where
Terraform leaves an argument out, the AWS default applies and is written
explicitly (e.g. an ``aws_ebs_volume`` without ``encrypted`` is unencrypted;
a bucket without an encryption configuration gets SSE-S3, which AWS applies
to every new bucket since January 2023; one table, ``aws_defaults``). Fields
code cannot know (runtime state) are left out; controls about them declare
``origins: [cloud]``. A value not known before apply stays an ``Unknown`` while
the fields are built and is recorded as such by ``unknowns.split``, never
replaced by a default.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from govscan.collectors.repo.aws_defaults import default
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.normalize_aws_retention import log_group, s3_lifecycle
from govscan.collectors.repo.normalize_aws_services import (
    backup_plan,
    cloudfront,
    cloudtrail,
    db_instance,
    dynamodb_table,
    ecr,
    efs,
    iam_policy,
    iam_role,
    kms_key,
    lambda_function,
    lb_listener,
    rds_cluster,
    secret,
    sns_topic,
    sqs_queue,
)
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import (
    all_of,
    as_int,
    as_str,
    negate,
    one_of,
    same,
    split,
)
from govscan.collectors.repo.unknowns import as_bool as _bool

Normalised = tuple[str, dict[str, Any]]
_REF = re.compile(r"^(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)")


def _ref(value: Any) -> str:
    """The resource a value is an attribute of, module path included
    (``aws_s3_bucket.logs.id`` -> ``aws_s3_bucket.logs``), however it got there:
    a local, ``one()``, ``try()``, ``concat()``, a module output."""
    return value.ref if isinstance(value, Unknown) else ""


_TARGET_ARGS = ("bucket", "security_group_id", "secret_id", "load_balancer_arn")
_INSTANCE_KEY = re.compile(r"\[[^\[\]]*\]$")


class Companions:
    """Split-out configuration resources, keyed by the resource they configure (its
    address, or ``name:<name>`` when they name it by a static string)."""

    def __init__(self, resources: Iterable[TfResource]) -> None:
        self.by_target: dict[tuple[str, str], list[TfResource]] = defaultdict(list)
        self.kinds: set[str] = set()
        self.unplaced: dict[str, list[tuple[TfResource, str | None]]] = defaultdict(list)
        """Companions whose target is not known before apply (``var.sg_id``: any
        resource of the kind they configure may be theirs, scope None), or names a
        resource of this module instance that does not exist as written (scope: that
        module instance, whose every resource of the kind may be theirs)."""
        resources = list(resources)
        exists = {a for r in resources for a in (r.address, _INSTANCE_KEY.sub("", r.address))}
        for r in resources:
            for arg in _TARGET_ARGS:
                if arg not in r.block.attrs:
                    continue
                value = r.get(arg)
                ref = _ref(value)
                target = ref or (f"name:{value}" if isinstance(value, str) else "")
                if target and value != "" and (not ref or ref in exists or not _managed(ref)):
                    self.by_target[(r.type, target)].append(r)
                elif target and value != "":
                    # A reference govscan could not follow to an instance (an index
                    # it did not resolve): never "no rules" for its module's groups.
                    self.unplaced[r.type].append((r, _module_of(r)))
                elif isinstance(value, Unknown):
                    self.unplaced[r.type].append((r, None))
                else:
                    continue
                self.kinds.add(r.type)

    def all(self, kind: str, target: TfResource, name: str | None = None) -> list[TfResource]:
        """Every ``kind`` companion of ``target``: by reference to the instance, to
        the block (``aws_security_group.this[*].id``), or by its static name."""
        if kind not in self.kinds:
            return []
        address = target.address
        block = _INSTANCE_KEY.sub("", address) if address.endswith("]") else address
        keys = dict.fromkeys((address, block, f"name:{name}" if name else ""))
        found: list[TfResource] = []
        for key in keys:
            found += [c for c in self.by_target.get((kind, key), ()) if c not in found]
        return found

    def find(self, kind: str, target: TfResource, name: str | None = None) -> TfResource | None:
        found = self.all(kind, target, name)
        return found[0] if found else None

    def unknown(self, kind: str, target: TfResource, name: str | None = None) -> Unknown | None:
        """Why what the ``kind`` companions add to ``target`` is not known before
        apply: one of them has a ``count``/``for_each`` that is not, or one configures
        a resource that is not known (it may be ``target``)."""
        for c in self.all(kind, target, name):
            if getattr(c, "instances_unknown", ""):  # a plan's resources have none
                return Unknown(f"{c.address}: {c.instances_unknown}")
            if getattr(c, "unexpanded", ()):
                blocks = ", ".join(f'dynamic "{b}"' for b in c.unexpanded)
                return Unknown(f"{c.address}: {blocks} iterates over a value not known")
        if kind not in self.kinds:
            return None
        for c, scope in self.unplaced.get(kind, ()):
            if scope is not None and _module_of(target) != scope:
                continue
            arg = next(a for a in _TARGET_ARGS if a in c.block.attrs)
            value = c.get(arg)
            text = value.text if isinstance(value, Unknown) else "?"
            return Unknown(f"{c.address} configures the resource {arg} = {text}")
        return None


def _managed(address: str) -> bool:
    """Whether an address names a managed resource (not a data source)."""
    last = address.rsplit("module.", 1)[-1] if "module." in address else address
    return not (address.startswith("data.") or ".data." in f".{last}")


def _module_of(r: Any) -> str:
    """The module instance a resource is declared in (``module.a[0].``; ``""``)."""
    module = getattr(r, "module", "")  # a plan's resources have none
    return module if isinstance(module, str) else ""


_S3_COMPANIONS = {
    "default_encryption": "aws_s3_bucket_server_side_encryption_configuration",
    "public_access_block": "aws_s3_bucket_public_access_block",
    "versioning": "aws_s3_bucket_versioning",
    "logging": "aws_s3_bucket_logging",
    "acl_public": "aws_s3_bucket_acl",
    "lifecycle_expiration_days": "aws_s3_bucket_lifecycle_configuration",
    "lifecycle_noncurrent_expiration_days": "aws_s3_bucket_lifecycle_configuration",
    "lifecycle_rules": "aws_s3_bucket_lifecycle_configuration",
}


def _joined(
    comp: Companions, r: TfResource, name: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    """``fields`` with each field a companion sets unknown when the companions are."""
    for field, kind in _S3_COMPANIONS.items():
        why = comp.unknown(kind, r, name)
        if why is not None:
            fields[field] = why
    return fields


def s3_bucket(r: TfResource, comp: Companions) -> Normalised:
    given = as_str(r.get("bucket"))
    name = given if isinstance(given, str) else None
    sse = comp.find("aws_s3_bucket_server_side_encryption_configuration", r, name)
    rule_block = (
        sse.sub("rule", "apply_server_side_encryption_by_default")
        if sse
        else r.sub(
            "server_side_encryption_configuration",
            "rule",
            "apply_server_side_encryption_by_default",
        )
    )
    owner = sse or r
    algorithm = as_str(owner.sub_get(rule_block, "sse_algorithm")) if rule_block else None
    encryption = {
        "enabled": True,
        "algorithm": algorithm
        if algorithm is not None
        else default("aws_s3_bucket", "server_side_encryption_configuration"),
        "kms_key_id": as_str(owner.sub_get(rule_block, "kms_master_key_id"))
        if rule_block
        else None,
        "bucket_key": False,
    }
    pab_res = comp.find("aws_s3_bucket_public_access_block", r, name)
    no_block = default("aws_s3_bucket", "aws_s3_bucket_public_access_block")
    flags = {
        k: _bool(pab_res.get(k) if pab_res else None, no_block)
        for k in (
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
        )
    }
    ver = comp.find("aws_s3_bucket_versioning", r, name)
    if ver is not None:
        versioning = same(ver.sub_get(ver.sub("versioning_configuration"), "status"), "Enabled")
    else:
        versioning = _bool(
            r.sub_get(r.sub("versioning"), "enabled"), default("aws_s3_bucket", "versioning")
        )
    log = comp.find("aws_s3_bucket_logging", r, name)
    logging_target = (
        (_ref(log.get("target_bucket")) or as_str(log.get("target_bucket")))
        if log
        else as_str(r.sub_get(r.sub("logging"), "target_bucket"))
    )
    acl_res = comp.find("aws_s3_bucket_acl", r, name)
    acl = (acl_res.get("acl") if acl_res else None) or r.get("acl")
    fields = {
        "name": given,
        "default_encryption": encryption,
        "public_access_block": {**flags, "all": all_of(flags.values())},
        "versioning": versioning,
        "logging": {
            "enabled": bool(log is not None or r.sub("logging")),
            "target_bucket": logging_target,
        },
        "acl_public": one_of(acl, ("public-read", "public-read-write", "authenticated-read")),
        "object_lock": _bool(r.get("object_lock_enabled"), False),
        **s3_lifecycle(r, comp, name),
    }
    return "aws.s3.bucket", _joined(comp, r, name, fields)


def ebs_volume(r: TfResource, _: Companions) -> Normalised:
    return "aws.ec2.volume", {
        "encrypted": _bool(r.get("encrypted"), default("aws_ebs_volume", "encrypted")),
        "kms_key_id": as_str(r.get("kms_key_id")),
        "size_gib": as_int(r.get("size"), None),
    }


def instance(r: TfResource, _: Companions) -> Normalised:
    md = r.sub("metadata_options")
    return "aws.ec2.instance", {
        "imdsv2_required": same(r.sub_get(md, "http_tokens"), "required")
        if r.sub_get(md, "http_tokens") is not None
        else default("aws_instance", "metadata_options.http_tokens"),
        "metadata_endpoint_enabled": negate(
            same(r.sub_get(md, "http_endpoint", "enabled"), "disabled")
        ),
        "instance_type": as_str(r.get("instance_type")),
    }


def _sg_rule(from_port: Any, to_port: Any, protocol: Any, cidrs: Any, ipv6: Any) -> dict[str, Any]:
    if isinstance(protocol, Unknown):
        # Which ports the rule opens is unknown; the rule (and with it the rule list)
        # is recorded as unknown rather than judged as TCP.
        return {"protocol": protocol, "cidrs": _networks(cidrs), "ipv6_cidrs": _networks(ipv6)}
    proto = str(protocol) if isinstance(protocol, str | int) else "tcp"
    all_ports = proto in ("-1", "all")
    c4 = _networks(cidrs)
    c6 = _networks(ipv6)
    return {
        "protocol": "all" if all_ports else proto,
        "from_port": 0 if all_ports else as_int(from_port, 0),
        "to_port": 65535 if all_ports else as_int(to_port, 65535),
        "cidrs": c4,
        "ipv6_cidrs": c6,
        "all_cidrs": [*c4, *c6],
        "source_groups": [],
    }


def _networks(value: Any) -> list[Any]:
    """CIDR blocks as a list; unknown blocks stay in it (and make the rules unknown)."""
    if isinstance(value, Unknown):
        return [value]
    if isinstance(value, list):
        return [c for c in value if isinstance(c, str | Unknown)]
    return [value] if isinstance(value, str) else []


def security_group(r: TfResource, comp: Companions) -> Normalised:
    rules: list[Any] = [
        _sg_rule(
            r.sub_get(b, "from_port"),
            r.sub_get(b, "to_port"),
            r.sub_get(b, "protocol"),
            r.sub_get(b, "cidr_blocks"),
            r.sub_get(b, "ipv6_cidr_blocks"),
        )
        for b in r.block.children("ingress")
    ]
    name = as_str(r.get("name"))
    for kind in ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
        unknown = comp.unknown(kind, r)
        if unknown is not None:
            rules.append(unknown)  # an unknown item: the rule list is not known
        for extra in comp.all(kind, r):
            direction = extra.get("type")
            if (
                kind == "aws_security_group_rule"
                and not isinstance(direction, Unknown)
                and direction != "ingress"
            ):
                continue
            rules.append(
                _sg_rule(
                    extra.get("from_port"),
                    extra.get("to_port"),
                    direction
                    if isinstance(direction, Unknown)
                    else extra.get("protocol") or extra.get("ip_protocol"),
                    extra.get("cidr_blocks") or extra.get("cidr_ipv4"),
                    extra.get("ipv6_cidr_blocks") or extra.get("cidr_ipv6"),
                )
            )
    return "aws.ec2.security_group", {
        "group_name": name,
        "is_default": False,
        "ingress_rules": rules,
    }


NORMALISERS: dict[str, Callable[[TfResource, Companions], Normalised | None]] = {
    "aws_s3_bucket": s3_bucket,
    "aws_ebs_volume": ebs_volume,
    "aws_instance": instance,
    "aws_security_group": security_group,
    "aws_db_instance": db_instance,
    "aws_rds_cluster": rds_cluster,
    "aws_kms_key": kms_key,
    "aws_cloudtrail": cloudtrail,
    "aws_dynamodb_table": dynamodb_table,
    "aws_lambda_function": lambda_function,
    "aws_sqs_queue": sqs_queue,
    "aws_sns_topic": sns_topic,
    "aws_efs_file_system": efs,
    "aws_ecr_repository": ecr,
    "aws_iam_policy": iam_policy,
    "aws_lb_listener": lb_listener,
    "aws_alb_listener": lb_listener,
    "aws_cloudfront_distribution": cloudfront,
    "aws_iam_role": iam_role,
    "aws_secretsmanager_secret": secret,
    "aws_backup_plan": backup_plan,
    "aws_cloudwatch_log_group": log_group,
}


def normalise(
    resources: list[TfResource],
) -> Iterable[tuple[TfResource, str, dict[str, Any], dict[str, str]]]:
    """Each resource as (resource, type, data, unknown paths -> reason)."""
    comp = Companions(resources)
    for r in resources:
        fn = NORMALISERS.get(r.type)
        if fn is None:
            continue
        out = fn(r, comp)
        if out is not None:
            data, unknown = split(out[1])
            yield r, out[0], data, unknown
