"""The token bucket per (account, region, service), measured on the wire against a
virtual clock."""

from __future__ import annotations

import dataclasses

import pytest

from .conftest import Aws, VirtualClock
from .faultproxy import Rule

pytestmark = [pytest.mark.integration, pytest.mark.timeout(30)]

VOLUMES = "aws.ebs.volume-encrypted"
TOPICS = "aws.sns.topic-encrypted"


def _limit(aws: Aws, rate: float, burst: int) -> None:
    aws.policy = dataclasses.replace(aws.policy, rate=rate, burst=burst, service_rates={})


def test_the_bucket_spaces_requests_at_its_rate(aws: Aws) -> None:
    aws.volumes(encrypted=(True,))
    aws.topics(6)
    _limit(aws, rate=10.0, burst=2)
    run = aws.scan(VOLUMES, TOPICS)
    assert run.exit_code == 1, run.stderr  # unencrypted topics
    # The first caller-identity call runs before the account is known (its own bucket).
    topics = ("ListTopics", "GetTopicAttributes")
    stamps = sorted(s.stamp for s in aws.proxy.seen() if s.action in topics)
    assert len(stamps) == 7  # ListTopics, 6 x GetTopicAttributes: SNS's own bucket
    # The (i+1)-th request cannot arrive before the burst plus i+1-burst refills.
    for i, stamp in enumerate(stamps):
        assert stamp >= (i + 1 - 2) / 10.0 - 1e-9, (i, stamps)
    assert stamps[-1] >= 0.5 - 1e-9
    # When EC2's one call arrives depends on thread scheduling against the shared
    # virtual clock; that it has a bucket of its own is the next test's business.
    assert len(aws.proxy.seen("DescribeVolumes")) == 1


def test_each_service_has_its_own_bucket(aws: Aws) -> None:
    aws.use_clock(VirtualClock(frozen=True))
    aws.volumes(encrypted=(True,))
    aws.topics(0)
    _limit(aws, rate=10.0, burst=1)
    run = aws.scan(VOLUMES, TOPICS)
    assert run.exit_code == 0, run.stderr
    # STS, EC2 and SNS each make one call and each has a burst of one: nobody waits.
    # One shared bucket would have made the second and third call wait.
    assert len(aws.proxy.seen("DescribeVolumes")) == 1
    assert len(aws.proxy.seen("ListTopics")) == 1
    assert aws.clock.sleeps == []


def test_without_the_bucket_nothing_waits(aws: Aws) -> None:
    aws.volumes(encrypted=(True,))
    aws.topics(6)
    run = aws.scan(VOLUMES, TOPICS)  # the test policy's rate is unlimited
    assert run.exit_code == 1, run.stderr  # unencrypted topics
    assert {s.stamp for s in aws.proxy.seen()} == {0.0}
    assert aws.clock.sleeps == []


def test_each_account_and_region_has_its_own_bucket(aws: Aws) -> None:
    aws.use_clock(VirtualClock(frozen=True))
    aws.volumes("eu-central-1", (True,))
    aws.volumes("eu-west-1", (True,))
    aws.topics(3, "eu-central-1")
    aws.topics(2, "eu-west-1")
    _limit(aws, rate=10.0, burst=2)
    run = aws.scan(VOLUMES, TOPICS, regions="eu-central-1,eu-west-1")
    assert run.exit_code == 1, run.stderr  # unencrypted topics
    # SNS in eu-central-1: ListTopics, 3 x GetTopicAttributes = 4 requests, 2 beyond the
    # burst; in eu-west-1: 3 requests, 1 beyond. One shared bucket would have queued
    # 5 waits of 0.1 to 0.5 s.
    assert sorted(aws.clock.sleeps) == [0.1, 0.1, 0.2]


def test_retries_take_tokens_too(aws: Aws) -> None:
    aws.use_clock(VirtualClock(frozen=True))
    aws.volumes(encrypted=(True,))
    _limit(aws, rate=10.0, burst=1)
    aws.proxy.add(Rule("DescribeVolumes", "throttle", times=1, headers={"Retry-After": "0"}))
    run = aws.scan(VOLUMES)
    assert run.exit_code == 0, run.stderr
    # The first DescribeVolumes uses EC2's burst; the retry waits for a token.
    assert aws.clock.sleeps == [0.1]
    assert len(aws.proxy.seen("DescribeVolumes")) == 2


def test_each_account_has_its_own_bucket(aws: Aws) -> None:
    aws.use_clock(VirtualClock(frozen=True))
    _limit(aws, rate=10.0, burst=1)
    accounts = aws.accounts_file("111111111111", "222222222222")
    run = aws.scan(VOLUMES, accounts=accounts)
    assert run.exit_code == 0, run.stderr
    assert {c["account"] for c in run.calls if c["operation"] == "DescribeVolumes"} == {
        "111111111111",
        "222222222222",
    }
    # Per account, STS answers AssumeRole and GetCallerIdentity: one beyond its burst of 1.
    assert aws.clock.sleeps == [0.1, 0.1]
