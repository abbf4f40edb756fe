"""The AWS resource types govscan collects, and which API calls fill which fields.

One table drives both collection (detail calls only for fields a control
reads) and ``govscan permissions`` (the least-privilege IAM policy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from govscan.collectors.aws.scope import Scope
from govscan.collectors.interface import Item

Collect = Callable[[Scope], Iterator[Item]]


@dataclass(frozen=True)
class TypeDef:
    name: str
    service: str
    """boto3 client name."""
    collect: Collect
    list_ops: tuple[str, ...]
    """``service:Operation`` always called to enumerate (and identify) resources."""
    detail_ops: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """field -> ``service:Operation`` calls needed only when a control reads the field."""
    regional: bool = True
    """False: collected once per account (IAM, S3 listing, CloudFront)."""


TYPES: dict[str, TypeDef] = {}


def register(td: TypeDef) -> TypeDef:
    TYPES[td.name] = td
    return td


# API operation -> IAM action where the two differ.
IAM_ACTIONS = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:GetBucketTagging": "s3:GetBucketTagging",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    "elasticloadbalancing:DescribeListeners": "elasticloadbalancing:DescribeListeners",
    "lambda:ListFunctions": "lambda:ListFunctions",
    "lambda:ListFunctions20150331": "lambda:ListFunctions",
    "lambda:ListTags20170331": "lambda:ListTags",
    "cloudfront:ListDistributions2020_05_31": "cloudfront:ListDistributions",
    "cloudfront:GetDistributionConfig2020_05_31": "cloudfront:GetDistributionConfig",
}


def iam_action(operation: str) -> str:
    """The IAM action that allows an API operation (``s3:GetBucketEncryption`` ->
    ``s3:GetEncryptionConfiguration``)."""
    return IAM_ACTIONS.get(operation, operation)
