"""What an AWS resource defined in Terraform gets where its definition says nothing.

One table for every normaliser: where an argument is left unset, the value the
resource will have is either the provider's schema default or what AWS itself
decides.  An AWS default is applied only when AWS applies it to *every*
resource of the type, whatever the account's settings and whenever the
resource was created; a default that depends on either (S3 Block Public Access
on buckets created since April 2023, EBS encryption by default as an opt-in
region setting) is not: the field reads as unprotected, because the definition
does not make it so.  docs/repo.md ("Provider defaults") renders this table;
tests/repo/test_defaults.py checks every entry against the normaliser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Default:
    resource: str
    """Terraform resource type."""
    argument: str
    """The argument (or companion resource) left unset."""
    field: str
    """Dotted path of the normalised field it decides."""
    value: Any
    """What the field reads when the argument is unset."""
    decided_by: str
    """``aws`` (the service decides) or ``provider`` (the Terraform provider's schema)."""
    applied: bool
    """For ``aws``: whether the service's default is applied (see the module docstring)."""
    since: str
    """When the behaviour began (ISO date or month), or the API version documenting it."""
    source: str
    """Where it is documented."""


_S3_SSE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html"
_S3_BPA = (
    "https://aws.amazon.com/about-aws/whats-new/2022/12/"
    "amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/"
)
_S3_VER = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"
_EBS = "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html"
_SQS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html"
_DDB = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html"
_RDS = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
_RDS_CLUSTER = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"
_TF = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"

DEFAULTS: tuple[Default, ...] = (
    Default(
        "aws_s3_bucket",
        "server_side_encryption_configuration",
        "default_encryption.algorithm",
        "AES256",
        "aws",
        True,
        "2023-01-05",
        _S3_SSE,
    ),
    Default(
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "public_access_block.all",
        False,
        "aws",
        False,
        "2023-04",
        _S3_BPA,
    ),
    Default("aws_s3_bucket", "versioning", "versioning", False, "aws", True, "2010-02", _S3_VER),
    Default("aws_ebs_volume", "encrypted", "encrypted", False, "aws", False, "2019-05-23", _EBS),
    Default(
        "aws_sqs_queue",
        "sqs_managed_sse_enabled",
        "sse_enabled",
        True,
        "aws",
        True,
        "2022-10",
        _SQS,
    ),
    Default(
        "aws_dynamodb_table",
        "server_side_encryption",
        "sse.type",
        "AWS_OWNED",
        "aws",
        True,
        "2018-11",
        _DDB,
    ),
    Default(
        "aws_db_instance",
        "backup_retention_period",
        "backup_retention_days",
        1,
        "aws",
        True,
        "API 2014-10-31",
        _RDS,
    ),
    Default(
        "aws_rds_cluster",
        "backup_retention_period",
        "backup_retention_days",
        1,
        "aws",
        True,
        "API 2014-10-31",
        _RDS_CLUSTER,
    ),
    Default(
        "aws_db_instance",
        "storage_encrypted",
        "storage_encrypted",
        False,
        "provider",
        True,
        "provider v5",
        _TF + "db_instance",
    ),
    Default(
        "aws_db_instance",
        "publicly_accessible",
        "publicly_accessible",
        False,
        "provider",
        True,
        "provider v5",
        _TF + "db_instance",
    ),
    Default(
        "aws_rds_cluster",
        "storage_encrypted",
        "storage_encrypted",
        False,
        "provider",
        True,
        "provider v5",
        _TF + "rds_cluster",
    ),
    Default(
        "aws_kms_key",
        "enable_key_rotation",
        "rotation_enabled",
        False,
        "provider",
        True,
        "provider v5",
        _TF + "kms_key",
    ),
    Default(
        "aws_cloudtrail",
        "is_multi_region_trail",
        "multi_region",
        False,
        "provider",
        True,
        "provider v5",
        _TF + "cloudtrail",
    ),
    Default(
        "aws_cloudtrail",
        "enable_log_file_validation",
        "log_file_validation",
        False,
        "provider",
        True,
        "provider v5",
        _TF + "cloudtrail",
    ),
    Default(
        "aws_efs_file_system",
        "encrypted",
        "encrypted",
        False,
        "provider",
        True,
        "provider v5",
        _TF + "efs_file_system",
    ),
    Default(
        "aws_instance",
        "metadata_options.http_tokens",
        "imdsv2_required",
        False,
        "aws",
        False,
        "2024-03",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html",
    ),
)

_BY_KEY = {(d.resource, d.argument): d for d in DEFAULTS}


def default(resource: str, argument: str) -> Any:
    """The value a normaliser writes when ``argument`` of ``resource`` is unset."""
    return _BY_KEY[(resource, argument)].value
