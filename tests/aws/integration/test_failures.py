"""AccessDenied, HTTP 500, read timeouts and refused connections, through `govscan scan`."""

from __future__ import annotations

import dataclasses
import socket

import pytest

from .conftest import ACCOUNT, Aws
from .faultproxy import Rule

pytestmark = [pytest.mark.integration, pytest.mark.timeout(30)]

VOLUMES = "aws.ebs.volume-encrypted"
TOPICS = "aws.sns.topic-encrypted"
ENCRYPTION = "aws.s3.bucket-default-encryption"
VERSIONING = "aws.s3.bucket-versioning"


def _seed(aws: Aws) -> None:
    aws.volumes(encrypted=(True, False))
    aws.topics(2)


def test_access_denied_on_a_list_call_is_not_retried(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("DescribeVolumes", "denied"))
    run = aws.scan(VOLUMES, TOPICS)
    assert run.exit_code == 3
    assert len(aws.proxy.seen("DescribeVolumes")) == 1
    assert set(run.statuses(VOLUMES).values()) == {"error"}
    assert sorted(run.statuses(TOPICS).values()) == ["fail", "fail"]
    (error,) = run.errors
    assert (error["account"], error["operation"]) == (ACCOUNT, "ec2:DescribeVolumes")
    assert error["message"].startswith("AccessDenied")
    assert "retries" not in run.call("DescribeVolumes")


def test_access_denied_on_one_detail_call_errors_only_the_controls_reading_it(
    aws: Aws,
) -> None:
    s3 = aws.client("s3")
    for name in ("bucket-a", "bucket-b"):
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    s3.put_bucket_versioning(Bucket="bucket-b", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket="bucket-a",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    aws.proxy.add(Rule("GetBucketEncryption", "denied", path_contains="/bucket-b"))
    run = aws.scan(ENCRYPTION, VERSIONING)
    assert run.exit_code == 3
    assert run.statuses(ENCRYPTION) == {"bucket-a": "pass", "bucket-b": "error"}
    # The denied call fills only the encryption field: versioning is judged on both.
    assert run.statuses(VERSIONING) == {"bucket-a": "fail", "bucket-b": "pass"}
    assert [s.fault for s in aws.proxy.seen("GetBucketEncryption") if "bucket-b" in s.path] == [
        "denied"
    ]
    (error,) = run.errors
    assert error["operation"] == "s3:GetBucketEncryption"


def test_a_server_error_then_success(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("ListTopics", "error", times=1))
    run = aws.scan(TOPICS)
    assert run.exit_code == 1, run.stderr  # unencrypted topics
    assert sorted(run.statuses(TOPICS).values()) == ["fail", "fail"]
    assert [s.fault for s in aws.proxy.seen("ListTopics")] == ["error", ""]
    assert aws.clock.sleeps == [aws.policy.backoff_base]
    assert run.call("ListTopics")["retries"] == 1


def test_a_persistent_server_error_is_an_error_after_the_attempts(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("ListTopics", "error"))
    run = aws.scan(TOPICS, VOLUMES)
    assert run.exit_code == 3
    assert len(aws.proxy.seen("ListTopics")) == 3
    (error,) = run.errors
    assert error["operation"] == "sns:ListTopics"
    assert error["message"].startswith("server error: gave up after 3 attempts / 0.3 s waited")
    assert "InternalFailure" in error["message"]
    assert set(run.statuses(TOPICS).values()) == {"error"}
    assert sorted(run.statuses(VOLUMES).values()) == ["fail", "pass"]
    call = run.call("ListTopics")
    assert (call["count"], call["errors"], call["retries"]) == (1, 1, 2)


def test_a_read_timeout_then_success(aws: Aws) -> None:
    _seed(aws)
    # 2 s leaves a loaded machine room to answer the retry in time.
    aws.policy = dataclasses.replace(aws.policy, read_timeout=2.0)
    aws.proxy.add(Rule("DescribeVolumes", "stall", times=1, stall=3.0))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 1, run.stderr
    assert sorted(run.statuses(VOLUMES).values()) == ["fail", "pass"]
    assert [s.fault for s in aws.proxy.seen("DescribeVolumes")] == ["stall", ""]
    assert run.call("DescribeVolumes")["retries"] == 1


def test_a_persistent_read_timeout_is_an_error(aws: Aws) -> None:
    _seed(aws)
    aws.policy = dataclasses.replace(aws.policy, read_timeout=1.0, attempts=2)
    aws.proxy.add(Rule("DescribeVolumes", "stall", stall=2.5))  # every attempt stalls
    run = aws.scan(VOLUMES, TOPICS)
    assert run.exit_code == 3
    assert len(aws.proxy.seen("DescribeVolumes")) == 2
    (error,) = run.errors
    assert error["operation"] == "ec2:DescribeVolumes"
    assert error["message"].startswith("timed out: gave up after 2 attempts / 0.1 s waited")
    assert "ReadTimeoutError" in error["message"]
    assert set(run.statuses(VOLUMES).values()) == {"error"}
    assert sorted(run.statuses(TOPICS).values()) == ["fail", "fail"]


def test_a_refused_connection_for_one_service(aws: Aws) -> None:
    _seed(aws)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    aws.endpoint_for("sns", f"http://127.0.0.1:{closed}")
    run = aws.scan(VOLUMES, TOPICS)
    assert run.exit_code == 3
    assert not aws.proxy.seen("ListTopics")
    (error,) = run.errors
    assert (error["account"], error["region"], error["operation"]) == (
        ACCOUNT,
        "eu-central-1",
        "sns:ListTopics",
    )
    assert error["message"].startswith("unreachable: gave up after 3 attempts")
    assert set(run.statuses(TOPICS).values()) == {"error"}
    assert sorted(run.statuses(VOLUMES).values()) == ["fail", "pass"]


def test_a_throttled_assume_role_fails_that_account_only(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("AssumeRole", "throttle"))
    accounts = aws.accounts_file(ACCOUNT)
    run = aws.scan(VOLUMES, accounts=accounts)
    assert run.exit_code == 3
    assert len(aws.proxy.seen("AssumeRole")) == 3
    (error,) = run.errors
    assert (error["account"], error["operation"]) == (ACCOUNT, "sts:AssumeRole")
    assert error["message"].startswith(
        f"cannot assume arn:aws:iam::{ACCOUNT}:role/audit: throttled: gave up after 3 attempts"
    )
    assert f"sts:AssumeRole, account {ACCOUNT}, region eu-central-1" in error["message"]
    assert set(run.statuses(VOLUMES).values()) == {"error"}
