"""A hand-built ScanResult covering every status, cloud and repository findings,
collection errors and strings that are dangerous in HTML, XML, CSV and Markdown.

Shared by the reporter and evidence tests (and readable by the HTML report tests).
Everything is fixed: no clock, no randomness, so golden files stay stable.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from govscan.model import (
    ApiCall,
    CollectionError,
    Control,
    Location,
    Resource,
    ResourceRef,
    Result,
    RunInfo,
    ScanResult,
    Severity,
    Status,
    Target,
    WaiverInfo,
)

RUN_ID = "20250301T101500Z-4f2a9c"
ACCOUNT = "123456789012"

XSS = "<script>alert('x')</script> & \"quotes\" | pipe `tick` *star*"
"""A string that must come out inert in every format."""

EBS = Control(
    id="aws.ebs.volume-encrypted",
    title="EBS volumes are encrypted at rest",
    severity=Severity.HIGH,
    resource="aws.ec2.volume",
    check={"all": [{"path": "encrypted", "op": "eq", "value": True}]},
    frameworks={
        "iso27001-2022": ("A.8.24",),
        "nist-800-53-r5": ("SC-28", "SC-28(1)"),
        "nist-csf-2.0": ("PR.DS-01",),
        "dsgvo": ("Art. 32(1)(a)",),
        "bsi-c5-2020": ("CRY-03",),
    },
    description="Unencrypted volumes expose data at rest to anyone with access to snapshots.",
    remediation="Enable EBS encryption by default and migrate volumes via encrypted snapshots.",
    message="Volume {id} is not encrypted",
    references=("https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",),
    source="controls/aws/ebs/aws.ebs.volume-encrypted.yaml",
)

S3_PUBLIC = Control(
    id="aws.s3.bucket-public-access-blocked",
    title="S3 buckets block public access",
    severity=Severity.CRITICAL,
    resource="aws.s3.bucket",
    check={"all": [{"path": "public_access_block.block_public_acls", "op": "eq", "value": True}]},
    frameworks={"nist-800-53-r5": ("AC-3", "SC-7"), "dsgvo": ("Art. 32(1)(b)",)},
    description=f"Public buckets leak personal data. {XSS}",
    remediation="Turn on all four S3 Block Public Access settings.",
    source="controls/aws/s3/aws.s3.bucket-public-access-blocked.yaml",
)

TRAIL = Control(
    id="aws.cloudtrail.multi-region",
    title="CloudTrail records every region",
    severity=Severity.MEDIUM,
    resource="aws.cloudtrail.trail",
    check={"all": [{"path": "is_multi_region_trail", "op": "eq", "value": True}]},
    frameworks={"nist-800-53-r5": ("AU-2",), "iso27001-2022": ("A.8.15",)},
    remediation="Create one multi-region trail.",
    source="controls/aws/cloudtrail/aws.cloudtrail.multi-region.yaml",
)

TF_TAGS = Control(
    id="tf.aws.s3.bucket-versioning",
    title="Terraform S3 buckets enable versioning",
    severity=Severity.LOW,
    resource="aws.s3.bucket",
    check={"all": [{"path": "versioning.enabled", "op": "eq", "value": True}]},
    frameworks={"nist-800-53-r5": ("CM-6",)},
    description="Versioning protects against accidental deletion.",
    origins=("code",),
    source="controls/terraform/aws.s3.bucket-versioning.yaml",
)

AVV = Control(
    id="dsgvo.processor.avv-signed",
    title="Every processor has a signed AVV (Art. 28 contract)",
    severity=Severity.INFO,
    resource="registry.processor",
    check={"all": [{"path": "avv_signed", "op": "eq", "value": True}]},
    frameworks={"dsgvo": ("Art. 28(3)",), "nist-800-53-r5": ("SA-9",)},
    source="controls/registry/dsgvo.processor.avv-signed.yaml",
)

CONTROLS = (EBS, S3_PUBLIC, TRAIL, TF_TAGS, AVV)


def _arn(kind: str, name: str, region: str = "eu-central-1") -> str:
    return f"arn:aws:{kind}:{region}:{ACCOUNT}:{name}"


FORMULA = '=HYPERLINK("http://attacker.example","x")'
"""A cell a spreadsheet would execute."""

VOL_BAD = ResourceRef(
    "aws.ec2.volume", _arn("ec2", "volume/vol-0abc"), FORMULA, "aws", ACCOUNT, "eu-central-1"
)
VOL_GOOD = ResourceRef(
    "aws.ec2.volume", _arn("ec2", "volume/vol-0def"), "", "aws", ACCOUNT, "eu-central-1"
)
BUCKET_XSS = ResourceRef(
    "aws.s3.bucket", "arn:aws:s3:::xss-bucket", XSS, "aws", ACCOUNT, "eu-central-1"
)
BUCKET_WAIVED = ResourceRef(
    "aws.s3.bucket", "arn:aws:s3:::public-website", "public-website", "aws", ACCOUNT, "eu-west-1"
)
TRAIL_REF = ResourceRef(
    "aws.cloudtrail.trail",
    _arn("cloudtrail", "trail/main", "us-east-1"),
    "main",
    "aws",
    ACCOUNT,
    "us-east-1",
)
TF_BUCKET = ResourceRef(
    "aws.s3.bucket",
    "infra: aws_s3_bucket.logs",
    "infra: aws_s3_bucket.logs",
    "aws",
    "",
    "",
    Location("infra/storage.tf", 12, 24),
)
TF_BUCKET_OK = ResourceRef(  # one instance of a module's bucket
    "aws.s3.bucket",
    "infra: module.assets.aws_s3_bucket.this[0]",
    "infra: module.assets.aws_s3_bucket.this[0]",
    "aws",
    "",
    "",
    Location("modules/assets/main.tf", 3, 9, (Location("infra/storage.tf", 40, 44),)),
)
PROCESSOR = ResourceRef(
    "registry.processor", "registry/avv.yaml:3", "Mailer GmbH", "registry", "", "",
    Location("registry/avv.yaml", 3, 9),
)  # fmt: skip


def _result(
    c: Control, ref: ResourceRef, status: Status, message: str = "", **kw: object
) -> Result:
    return Result(
        control_id=c.id,
        title=c.title,
        severity=c.severity,
        status=status,
        resource=ref,
        frameworks=c.frameworks,
        message=message or c.title,
        evidence=f"resources.jsonl#{ref.id}",
        **kw,  # type: ignore[arg-type]
    )


RESULTS = (
    _result(EBS, VOL_BAD, Status.FAIL, "-volume vol-0abc is not encrypted"),
    _result(EBS, VOL_GOOD, Status.PASS),
    _result(S3_PUBLIC, BUCKET_XSS, Status.FAIL, f"Bucket {XSS} allows public ACLs\n-second line"),
    _result(
        S3_PUBLIC,
        BUCKET_WAIVED,
        Status.WAIVED,
        "Bucket public-website allows public ACLs",
        waiver=WaiverInfo(
            reason="Static website, no personal data",
            owner="@web-team",
            expires=date(2025, 12, 31),
        ),
    ),
    _result(
        TRAIL,
        TRAIL_REF,
        Status.ERROR,
        "could not read is_multi_region_trail: AccessDenied for cloudtrail:DescribeTrails",
    ),
    _result(TF_TAGS, TF_BUCKET, Status.FAIL, "aws_s3_bucket.logs has versioning disabled"),
    _result(TF_TAGS, TF_BUCKET_OK, Status.PASS),
    _result(
        TF_TAGS,
        TF_BUCKET_OK,
        Status.NOT_APPLICABLE,
        "not applicable: bucket is a replica",
    ),
    _result(AVV, PROCESSOR, Status.FAIL, "Mailer GmbH: AVV not signed (Art. 28(3) DSGVO) \x07"),
)

ERRORS = (
    CollectionError(
        collector="aws",
        message="AccessDenied: not authorized to perform cloudtrail:DescribeTrails",
        resource_types=("aws.cloudtrail.trail",),
        account=ACCOUNT,
        region="us-east-1",
        operation="cloudtrail:DescribeTrails",
    ),
)

API_CALLS = (
    ApiCall("aws", "ec2", "DescribeVolumes", ACCOUNT, "eu-central-1", 2, 0, 81.5),
    ApiCall("aws", "s3", "ListBuckets", ACCOUNT, "us-east-1", 1, 0, 40.25),
    ApiCall("aws", "cloudtrail", "DescribeTrails", ACCOUNT, "us-east-1", 1, 1, 12.0),
)

RUN = RunInfo(
    id=RUN_ID,
    started_at=datetime(2025, 3, 1, 10, 15, 0, tzinfo=UTC),
    finished_at=datetime(2025, 3, 1, 10, 15, 42, 500000, tzinfo=UTC),
    govscan_version="0.1.0",
    policy="dsgvo",
    targets=(
        Target("aws", ACCOUNT, {"regions": ["eu-central-1", "eu-west-1", "us-east-1"]}),
        Target("repo", "infra"),
        Target("registry", "registry/avv.yaml"),
    ),
    controls_hash="sha256:" + "a" * 64,
    policy_hash="sha256:" + "b" * 64,
    parameters={"allowed_jurisdictions": ["EU", "EEA"]},
    as_of=date(2025, 3, 1),
)


def sample_scan() -> ScanResult:
    return ScanResult(
        run=RUN, results=RESULTS, errors=ERRORS, controls=CONTROLS, api_calls=API_CALLS
    )


def sample_resources() -> list[Resource]:
    """The resources behind the results, as a collector would stream them."""
    return [
        Resource(VOL_BAD, {"encrypted": False, "size_gib": 100}, tags={"env": "prod"}),
        Resource(VOL_GOOD, {"encrypted": True, "size_gib": 8}),
        Resource(BUCKET_XSS, {"public_access_block": {"block_public_acls": False}}),
        Resource(BUCKET_WAIVED, {"public_access_block": None}),
        Resource(TRAIL_REF, {}, unavailable={"is_multi_region_trail": "AccessDenied"}),
        Resource(TF_BUCKET, {"versioning": {"enabled": False}}, origin="code"),
        Resource(TF_BUCKET_OK, {"versioning": {"enabled": True}}, origin="code"),
        Resource(PROCESSOR, {"avv_signed": False, "country": "DE"}, origin="code"),
    ]
