"""The simulated organisation of ``bench/org_scan.py`` and synthetic shard bundles.

One moto server holds a management account with Organizations and N member
accounts, each seeded through the role Organizations creates in it
(``OrganizationAccountAccessRole``): one S3 bucket and one IAM user (global),
one SQS queue and one SNS topic per region. No EC2 resources: moto builds an
EC2 backend per account and region on first use, which takes seconds each and
would make the emulator, not govscan, the subject of the benchmark.

The server is moto's ``ThreadedMotoServer`` in the benchmark's own process: a
``moto_server`` subprocess would be one GIL-bound Python process on the same
cores just the same, and in-process its CPU time can be read apart from
govscan's (``resource.getrusage`` of this process).
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REGIONS = ("eu-central-1", "eu-west-1")
TYPES = ("aws.s3.bucket", "aws.sqs.queue", "aws.sns.topic", "aws.iam.user")
POLICY = f"""name: org-bench
extends: baseline
select:
  - resource_types: [{", ".join(TYPES)}]
"""
# Shards of one scan share these (an engine's secret); so does the single scan
# they are compared with, or fingerprints and pseudonyms would differ.
KEYS = {
    "GOVSCAN_FINGERPRINT_KEY": "00112233445566778899aabbccddeeff",
    "GOVSCAN_PSEUDONYM_KEY": "ffeeddccbbaa99887766554433221100",
}
_CREDS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """A moto server on 127.0.0.1 in this process; yields its URL."""
    import logging

    from moto.server import ThreadedMotoServer

    # werkzeug logs every request; thousands of lines would bury the figures.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # moto's state lives in the process, not the server: start every size afresh.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
    try:
        yield url
    finally:
        server.stop()


def scan_env(endpoint: str, workdir: Path) -> dict[str, str]:
    """The environment of every govscan process: the emulator only, never a real
    profile or the instance metadata service, and the shards' shared keys."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and not k.startswith("GOVSCAN_")
    }
    nothing = str(workdir / "no-aws-config")
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": REGIONS[0],
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": nothing,
            "AWS_SHARED_CREDENTIALS_FILE": nothing,
            **KEYS,
        }
    )
    return env


def seed(endpoint: str, members: int, workers: int = 8) -> list[str]:
    """Create the organisation and its members' resources; returns the member ids."""
    import boto3

    def client(service: str, region: str = REGIONS[0], **creds: str) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint, **(creds or _CREDS))

    org = client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")

    def create(i: int) -> str:
        req = org.create_account(AccountName=f"member-{i}", Email=f"aws+m{i}@example.org")
        status = org.describe_create_account_status(
            CreateAccountRequestId=req["CreateAccountStatus"]["Id"]
        )
        return str(status["CreateAccountStatus"]["AccountId"])

    def fill(item: tuple[int, str]) -> None:
        i, account = item
        creds = client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="seed",
        )["Credentials"]
        mine = {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
        client("s3", **mine).create_bucket(
            Bucket=f"records-{account}",
            CreateBucketConfiguration={"LocationConstraint": REGIONS[0]},
        )
        client("iam", **mine).create_user(UserName=f"admin-{i}")
        for region in REGIONS:
            # Every other queue encrypted: both verdicts occur.
            attrs = {"KmsMasterKeyId": "alias/aws/sqs"} if i % 2 else {}
            client("sqs", region, **mine).create_queue(QueueName=f"orders-{i}", Attributes=attrs)
            client("sns", region, **mine).create_topic(Name=f"alerts-{i}")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        accounts = list(pool.map(create, range(members)))
        list(pool.map(fill, enumerate(accounts)))
    return accounts


def synthetic_shards(out: Path, count: int, per_shard: int) -> list[Path]:
    """``count`` shard bundles of one made-up plan, ``per_shard`` distinct results
    each, written by govscan's own bundle writer (json only)."""
    from govscan import __version__
    from govscan.model import ResourceRef, Result, ResultList, ScanResult, Severity, Status
    from govscan.render import write_scan_bundle
    from govscan.reporters.interface import ReportOptions
    from govscan.runinfo import RunInfo, ShardInfo

    digest = "sha256:" + "ab" * 32
    now = datetime.now(UTC)
    statuses = (Status.PASS, Status.FAIL, Status.PASS, Status.ERROR)
    paths = []
    for i in range(1, count + 1):
        account = f"{100000000000 + i:012d}"
        results = [
            Result(
                control_id=f"bench.control-{k % 20:02d}",
                title=f"Bench control {k % 20}",
                severity=Severity.MEDIUM,
                status=statuses[k % len(statuses)],
                resource=ResourceRef(
                    "aws.sqs.queue",
                    f"arn:aws:sqs:{REGIONS[k % 2]}:{account}:queue-{k}",
                    name=f"queue-{k}",
                    provider="aws",
                    account=account,
                    region=REGIONS[k % 2],
                ),
                frameworks={"iso27001": ("A.8.24",)},
                message="encryption at rest" if k % 4 == 1 else "",
                fingerprint=f"{i:04d}{k:060d}",
            )
            for k in range(per_shard)
        ]
        run = RunInfo(
            id=f"bench-shard-{i}",
            started_at=now,
            finished_at=now,
            govscan_version=__version__,
            policy="org-bench",
            controls_hash="sha256:" + "cd" * 32,
            policy_hash="sha256:" + "ef" * 32,
            as_of=date(2026, 11, 30),
            fingerprints="persistent",
            personal_data="pseudonymised",
            shard=ShardInfo(
                digest,
                i,
                count,
                units=(f"aws:{account}:global", *(f"aws:{account}:{r}" for r in REGIONS)),
                collectors=("aws",),
            ),
        )
        path = out / f"shard-{i}"
        path.mkdir(parents=True)
        write_scan_bundle(
            ScanResult(run, ResultList(results)), path, ("json",), ReportOptions(), environ={}
        )
        paths.append(path)
    return paths
