"""The AWS collector over real HTTP against moto's threaded server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from govscan.collectors.aws import AwsCollector
from govscan.collectors.interface import CollectionPlan
from govscan.model import CollectionError, Resource

from .test_collector import fail_with, with_hook

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    srv = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    srv.start()
    host, port = srv.get_host_and_port()
    yield f"http://{host}:{port}"
    srv.stop()


@pytest.fixture
def endpoint(server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{server}/moto-api/reset", method="POST"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return server


def _seed(n_topics: int = 0) -> None:
    for region, count in (("eu-central-1", 3), ("us-east-1", 2)):
        ec2 = boto3.client("ec2", region_name=region)
        for i in range(count):
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=i % 2 == 0)
    sns = boto3.client("sns", region_name="eu-central-1")
    for i in range(n_topics):
        sns.create_topic(Name=f"topic-{i:03d}")


def _collect(plan: dict[str, frozenset[str]], **opts: Any) -> tuple[list[Any], AwsCollector]:
    col = AwsCollector({"aws": True, "aws_regions": ["eu-central-1", "us-east-1"], **opts})
    return list(col.collect(CollectionPlan(plan))), col


def test_pagination_and_regions_over_http(endpoint: str) -> None:
    _seed(n_topics=130)
    items, col = _collect(
        {"aws.sns.topic": frozenset(), "aws.ec2.volume": frozenset({"encrypted"})}
    )
    topics = [i for i in items if isinstance(i, Resource) and i.ref.type == "aws.sns.topic"]
    vols = [i for i in items if isinstance(i, Resource) and i.ref.type == "aws.ec2.volume"]
    assert len(topics) == 130
    assert len({t.ref.id for t in topics}) == 130
    (pages,) = [
        a for a in col.api_calls() if a.operation == "ListTopics" and a.region == "eu-central-1"
    ]
    assert pages.count >= 2, "130 topics need more than one page"
    assert sorted(v.ref.region for v in vols) == ["eu-central-1"] * 3 + ["us-east-1"] * 2


def test_two_accounts_through_assume_role(endpoint: str, tmp_path: Path) -> None:
    _seed()
    sts = boto3.client("sts")
    creds = sts.assume_role(RoleArn="arn:aws:iam::210987654321:role/audit", RoleSessionName="seed")[
        "Credentials"
    ]
    boto3.client(
        "ec2",
        region_name="eu-central-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    ).create_volume(AvailabilityZone="eu-central-1a", Size=1)
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        "accounts:\n"
        "  - {account_id: '123456789012', role_arn: 'arn:aws:iam::123456789012:role/audit'}\n"
        "  - {account_id: '210987654321', role_arn: 'arn:aws:iam::210987654321:role/audit',\n"
        "     regions: [eu-central-1], tags: {env: prod}}\n"
    )
    items, col = _collect(
        {"aws.ec2.volume": frozenset({"encrypted"})}, aws_accounts_file=str(accounts)
    )
    by_account: dict[str, int] = {}
    for i in items:
        if isinstance(i, Resource):
            by_account[i.ref.account] = by_account.get(i.ref.account, 0) + 1
    assert by_account == {"123456789012": 5, "210987654321": 1}
    assert sorted(t.identity for t in col.targets()) == ["123456789012", "210987654321"]


@pytest.mark.parametrize(
    ("code", "needle"),
    [("AccessDenied", "AccessDenied"), ("ThrottlingException", "retries exhausted")],
)
def test_injected_failures_over_http_never_pass(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, code: str, needle: str
) -> None:
    _seed()
    with_hook(monkeypatch, "before-call.ec2.DescribeVolumes", fail_with(code))
    items, _ = _collect({"aws.ec2.volume": frozenset({"encrypted"})})
    assert not [i for i in items if isinstance(i, Resource)]
    errors = [i for i in items if isinstance(i, CollectionError)]
    assert {e.region for e in errors} == {"eu-central-1", "us-east-1"}
    assert all(needle in e.message and e.operation == "ec2:DescribeVolumes" for e in errors)


def test_cli_contract_command_against_the_server(endpoint: str, tmp_path: Path) -> None:
    _seed()
    out = tmp_path / "out"
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    # moto's server has no IAM Access Analyzer: its control would be an error (exit 3).
    policy = tmp_path / "baseline-on-moto.yaml"
    policy.write_text(
        "name: baseline-on-moto\nextends: baseline\n"
        "exclude:\n  - ids: [aws.iam.access-analyzer-enabled]\n"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "govscan",
            "scan",
            "--aws",
            "--aws-regions",
            "eu-central-1,us-east-1",
            "--policy",
            str(policy),
            "--format",
            "json",
            "--output-dir",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # unencrypted volumes fail
    assert "Traceback" not in proc.stderr
    doc = json.loads((out / "results.json").read_text())
    vol = [r for r in doc["results"] if r["control_id"] == "aws.ebs.volume-encrypted"]
    assert sorted(r["status"] for r in vol) == ["fail", "fail", "pass", "pass", "pass"]
    assert doc["run"]["targets"][0]["identity"] == "123456789012"
    calls = json.loads((out / "api-calls.json").read_text())
    assert any(c["operation"] == "DescribeVolumes" and c["region"] == "us-east-1" for c in calls)
