"""Throttling on the wire: retries, Retry-After and the wait budget, through `govscan scan`."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from .conftest import ACCOUNT, Aws
from .faultproxy import Rule

pytestmark = [pytest.mark.integration, pytest.mark.timeout(30)]

VOLUMES = "aws.ebs.volume-encrypted"
TOPICS = "aws.sns.topic-encrypted"


def _seed(aws: Aws) -> None:
    aws.volumes(encrypted=(True, False))
    aws.topics(2)


def test_throttling_then_success_judges_everything(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", times=2, headers={"Retry-After": "1"}))
    run = aws.scan(VOLUMES, TOPICS)
    assert run.exit_code == 1, run.stderr  # one unencrypted volume, nothing incomplete
    assert sorted(run.statuses(VOLUMES).values()) == ["fail", "pass"]
    assert [s.fault for s in aws.proxy.seen("DescribeVolumes")] == ["throttle", "throttle", ""]
    assert aws.clock.sleeps == [1.0, 1.0]
    call = run.call("DescribeVolumes")
    assert (call["count"], call["errors"], call["retries"]) == (1, 0, 2)
    assert not run.errors


def test_throttling_beyond_the_attempts_is_an_error_and_keeps_the_rest(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", headers={"Retry-After": "1"}))
    run = aws.scan(VOLUMES, TOPICS)
    assert run.exit_code == 3
    assert len(aws.proxy.seen("DescribeVolumes")) == aws.policy.attempts == 3
    (error,) = run.errors
    assert (error["account"], error["region"], error["operation"]) == (
        ACCOUNT,
        "eu-central-1",
        "ec2:DescribeVolumes",
    )
    assert error["message"].startswith("throttled: gave up after 3 attempts / 2 s waited")
    assert f"ec2:DescribeVolumes, account {ACCOUNT}, region eu-central-1" in error["message"]
    assert "ThrottlingException" in error["message"]
    assert set(run.statuses(VOLUMES).values()) == {"error"}
    # The topics collected meanwhile are judged as usual.
    assert sorted(run.statuses(TOPICS).values()) == ["fail", "fail"]
    assert "throttled: gave up after 3 attempts" in run.stderr
    assert run.call("DescribeVolumes")["retries"] == 2


def test_the_wait_budget_stops_retrying_before_the_attempts_run_out(aws: Aws) -> None:
    _seed(aws)
    aws.policy = dataclasses.replace(aws.policy, attempts=10, total_wait=2.5)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", headers={"Retry-After": "1"}))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 3
    # Waits of 1 s and 1 s fit in 2.5 s; a third would not, so no fourth attempt.
    assert len(aws.proxy.seen("DescribeVolumes")) == 3
    assert aws.clock.sleeps == [1.0, 1.0]
    (error,) = run.errors
    assert error["message"].startswith("throttled: gave up after 3 attempts / 2 s waited")


@pytest.mark.parametrize(
    ("header", "value", "wait"),
    # Seconds and AWS's milliseconds; more forms in test_retry_policy.py.
    [("Retry-After", "30", 1.5), ("x-amz-retry-after", "700", 0.7)],
)
def test_retry_after_is_honoured_up_to_the_cap(
    aws: Aws, header: str, value: str, wait: float
) -> None:
    _seed(aws)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", times=1, headers={header: value}))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 1, run.stderr
    assert aws.clock.sleeps == [wait]
    assert len(aws.proxy.seen("DescribeVolumes")) == 2


def test_an_unreadable_retry_after_falls_back_to_backoff(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", times=1, headers={"Retry-After": "nan"}))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 1, run.stderr
    assert aws.clock.sleeps == [aws.policy.backoff_base]


def test_retry_after_as_a_date(aws: Aws) -> None:
    _seed(aws)
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", times=1, headers={"Retry-After": later}))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 1, run.stderr
    assert aws.clock.sleeps == [aws.policy.max_wait]


def test_backoff_doubles_without_a_hint(aws: Aws) -> None:
    _seed(aws)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", times=2, status=503, code="SlowDown"))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 1, run.stderr
    assert aws.clock.sleeps == [0.1, 0.2]


def test_json_protocol_throttling_is_retried(aws: Aws) -> None:
    aws.client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws.proxy.add(Rule("ListTables", "throttle", times=1, code="ThrottlingException"))
    run = aws.scan("aws.dynamodb.table-pitr")
    assert run.exit_code == 1, run.stderr
    assert run.statuses("aws.dynamodb.table-pitr") == {"orders": "fail"}
    assert [s.fault for s in aws.proxy.seen("ListTables")] == ["throttle", ""]
    assert run.call("ListTables")["retries"] == 1


def test_a_throttled_page_is_retried_and_no_item_is_lost(aws: Aws) -> None:
    aws.topics(101)  # moto answers ListTopics 100 at a time
    aws.proxy.add(Rule("ListTopics", "throttle", skip=1, times=1))
    run = aws.scan("residency.aws.sns-topic-region")
    assert run.exit_code == 0, run.stderr
    assert len(run.statuses("residency.aws.sns-topic-region")) == 101
    assert [s.fault for s in aws.proxy.seen("ListTopics")] == ["", "throttle", ""]
    call = run.call("ListTopics")
    assert (call["count"], call["retries"]) == (2, 1)


def test_throttling_in_one_region_leaves_the_other_judged(aws: Aws) -> None:
    aws.volumes("eu-central-1", (True,))
    aws.volumes("eu-west-1", (True,))
    aws.proxy.add(Rule("DescribeVolumes", "throttle", region="eu-west-1"))
    run = aws.scan(VOLUMES, regions="eu-central-1,eu-west-1")
    assert run.exit_code == 3
    by_region = {r["resource"]["region"]: r["status"] for r in run.results}
    assert by_region == {"eu-central-1": "pass", "eu-west-1": "error"}
    assert [(e["region"], e["operation"]) for e in run.errors] == [
        ("eu-west-1", "ec2:DescribeVolumes")
    ]


def test_a_throttled_caller_identity_is_one_line(aws: Aws) -> None:
    aws.proxy.add(Rule("GetCallerIdentity", "throttle"))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 3
    assert len(aws.proxy.seen("GetCallerIdentity")) == 3
    assert set(run.statuses(VOLUMES).values()) == {"error"}
    assert (
        "cannot call sts:GetCallerIdentity: throttled: gave up after 3 attempts "
        "/ 0.3 s waited (sts:GetCallerIdentity, region eu-central-1;"
    ) in run.stderr
