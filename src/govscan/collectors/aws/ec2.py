"""EC2: volumes, instances, security groups and VPCs (region defaults: ``coverage``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Scope, iso, tag_dict
from govscan.collectors.aws.spec import Fetched, ListSpec, define
from govscan.collectors.interface import Item
from govscan.model import Resource

VOLUME = "aws.ec2.volume"
INSTANCE = "aws.ec2.instance"
SG = "aws.ec2.security_group"
VPC = "aws.ec2.vpc"


def _arn(scope: Scope, kind: str, rid: str) -> str:
    return f"arn:aws:ec2:{scope.region}:{scope.account}:{kind}/{rid}"


def _volume(scope: Scope, v: dict[str, Any], _: Fetched) -> Resource:
    tags = tag_dict(v.get("Tags"))
    data = {
        "volume_id": v["VolumeId"],
        "encrypted": bool(v.get("Encrypted")),
        "kms_key_id": v.get("KmsKeyId"),
        "size_gib": v.get("Size"),
        "volume_type": v.get("VolumeType"),
        "state": v.get("State"),
        "availability_zone": v.get("AvailabilityZone"),
        "attached": bool(v.get("Attachments")),
        "created": iso(v.get("CreateTime")),
    }
    return scope.resource(
        VOLUME,
        _arn(scope, "volume", v["VolumeId"]),
        tags.get("Name", v["VolumeId"]),
        data,
        tags=tags,
    )


def _instance(scope: Scope, i: dict[str, Any], _: Fetched) -> Resource | None:
    if i.get("State", {}).get("Name") == "terminated":
        return None
    tags = tag_dict(i.get("Tags"))
    md = i.get("MetadataOptions", {})
    data = {
        "instance_id": i["InstanceId"],
        "state": i.get("State", {}).get("Name"),
        "instance_type": i.get("InstanceType"),
        "image_id": i.get("ImageId"),
        "imdsv2_required": md.get("HttpTokens") == "required",
        "metadata_endpoint_enabled": md.get("HttpEndpoint", "enabled") == "enabled",
        "public_ip": i.get("PublicIpAddress"),
        "has_public_ip": bool(i.get("PublicIpAddress")),
        "iam_instance_profile": (i.get("IamInstanceProfile") or {}).get("Arn"),
        "security_groups": [g["GroupId"] for g in i.get("SecurityGroups", [])],
        "subnet_id": i.get("SubnetId"),
        "vpc_id": i.get("VpcId"),
        "monitoring": i.get("Monitoring", {}).get("State") == "enabled",
        "launched": iso(i.get("LaunchTime")),
    }
    return scope.resource(
        INSTANCE,
        _arn(scope, "instance", i["InstanceId"]),
        tags.get("Name", i["InstanceId"]),
        data,
        tags=tags,
    )


def _rule(perm: dict[str, Any]) -> dict[str, Any]:
    proto = perm.get("IpProtocol", "-1")
    all_ports = proto == "-1"
    from_port = 0 if all_ports else perm.get("FromPort", 0)
    to_port = 65535 if all_ports else perm.get("ToPort", 65535)
    cidrs = [r["CidrIp"] for r in perm.get("IpRanges", []) if "CidrIp" in r]
    ipv6 = [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", []) if "CidrIpv6" in r]
    return {
        "protocol": "all" if all_ports else str(proto),
        "from_port": from_port,
        "to_port": to_port,
        "cidrs": cidrs,
        "ipv6_cidrs": ipv6,
        "all_cidrs": cidrs + ipv6,
        "source_groups": [g.get("GroupId") for g in perm.get("UserIdGroupPairs", [])],
    }


def _security_group(scope: Scope, g: dict[str, Any], _: Fetched) -> Resource:
    data = {
        "group_id": g["GroupId"],
        "group_name": g.get("GroupName"),
        "vpc_id": g.get("VpcId"),
        "is_default": g.get("GroupName") == "default",
        "ingress_rules": [_rule(p) for p in g.get("IpPermissions", [])],
        "egress_rules": [_rule(p) for p in g.get("IpPermissionsEgress", [])],
    }
    return scope.resource(
        SG,
        _arn(scope, "security-group", g["GroupId"]),
        g.get("GroupName", g["GroupId"]),
        data,
        tags=tag_dict(g.get("Tags")),
    )


def vpcs(scope: Scope) -> Iterator[Item]:
    ec2 = scope.api("ec2")
    try:
        found = list(ec2.pages("describe_vpcs", "Vpcs"))
    except CallFailure as failure:
        yield scope.list_error(VPC, failure)
        return
    unavailable: dict[str, str] = {}
    logged: set[str] = set()
    if scope.wants(VPC, "flow_logs_enabled"):
        try:
            for fl in ec2.pages("describe_flow_logs", "FlowLogs"):
                if fl.get("FlowLogStatus", "ACTIVE") == "ACTIVE":
                    logged.add(fl.get("ResourceId", ""))
        except CallFailure as failure:
            unavailable["flow_logs_enabled"] = str(failure)
            yield scope.list_error(VPC, failure)
    for v in found:
        tags = tag_dict(v.get("Tags"))
        data: dict[str, Any] = {
            "vpc_id": v["VpcId"],
            "is_default": bool(v.get("IsDefault")),
            "cidr_block": v.get("CidrBlock"),
        }
        if "flow_logs_enabled" not in unavailable:
            data["flow_logs_enabled"] = v["VpcId"] in logged
        yield scope.resource(
            VPC,
            _arn(scope, "vpc", v["VpcId"]),
            tags.get("Name", v["VpcId"]),
            data,
            dict(unavailable),
            tags=tags,
        )


define(ListSpec(VOLUME, "ec2", "DescribeVolumes", "Volumes", _volume))
define(
    ListSpec(INSTANCE, "ec2", "DescribeInstances", "Reservations", _instance, inner_key="Instances")
)
define(ListSpec(SG, "ec2", "DescribeSecurityGroups", "SecurityGroups", _security_group))
register(
    TypeDef(
        VPC, "ec2", vpcs, ("ec2:DescribeVpcs",), {"flow_logs_enabled": ("ec2:DescribeFlowLogs",)}
    )
)
