"""The retry policy, the token bucket and the reading of server hints, without a network."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from govscan.collectors.aws.api import classify
from govscan.collectors.aws.retries import retry_after
from govscan.collectors.aws.session import client_config
from govscan.collectors.retry import (
    GaveUp,
    RetriesExhausted,
    RetryPolicy,
    Throttle,
    TokenBucket,
)
from govscan.model import ApiCall
from govscan.serialize import api_call_from_dict, api_call_to_dict

POLICY = RetryPolicy(attempts=4, max_wait=2.0, total_wait=3.0, backoff_base=0.5)


class StepClock:
    """Virtual time: sleeping moves it to the deadline."""

    def __init__(self) -> None:
        self.t = 0.0
        self.lock = threading.Lock()

    def now(self) -> float:
        with self.lock:
            return self.t

    def sleep_until(self, deadline: float) -> None:
        with self.lock:
            self.t = max(self.t, deadline)


def test_server_hints_are_capped() -> None:
    assert POLICY.next_wait(1, 0.0, 1.5, jitter=0.0) == 1.5
    assert POLICY.next_wait(1, 0.0, 60.0, jitter=0.0) == 2.0
    assert POLICY.next_wait(1, 0.0, float("inf"), jitter=0.0) == 2.0
    assert POLICY.next_wait(1, 0.0, -1.0, jitter=0.0) == 0.0


def test_backoff_doubles_with_jitter_between_half_and_all_of_the_step() -> None:
    assert [POLICY.next_wait(n, 0.0, None, jitter=1.0) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert [POLICY.next_wait(n, 0.0, None, jitter=0.0) for n in (1, 2, 3)] == [0.25, 0.5, 1.0]
    # The cap holds for the backoff too.
    assert RetryPolicy(max_wait=2.0).next_wait(4, 0.0, None, jitter=1.0) == 2.0


def test_attempts_and_the_wait_budget_end_the_retries() -> None:
    assert POLICY.next_wait(4, 0.0, 0.1, jitter=0.0) is None  # 4 attempts made
    assert POLICY.next_wait(2, 2.0, 1.0, jitter=0.0) == 1.0  # exactly the budget
    assert POLICY.next_wait(2, 2.0, 1.5, jitter=0.0) is None  # past the budget
    assert RetryPolicy(attempts=1).next_wait(1, 0.0, 0.0, jitter=0.0) is None


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": " 0.25 "}, 0.25),
        ({"x-amz-retry-after": "1500"}, 1.5),
        ({"x-amz-retry-after": "1500", "Retry-After": "9"}, 1.5),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # in the past
        ({"Retry-After": "inf"}, float("inf")),  # the policy's cap applies
        ({}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "-3"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "9" * 40}, None),
        ({"x-amz-retry-after": "later"}, None),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00"}, None),  # a date without a zone
    ],
)
def test_retry_after_forms(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after(headers) == seconds


def test_the_bucket_admits_the_burst_then_the_rate() -> None:
    clock = StepClock()
    bucket = TokenBucket(rate=4.0, burst=2, clock=clock)
    waits = [bucket.take() for _ in range(5)]
    assert waits == [0.0, 0.0, 0.25, 0.25, 0.25]
    assert clock.now() == pytest.approx(0.75)


def test_the_bucket_refills_while_idle_but_not_beyond_the_burst() -> None:
    clock = StepClock()
    bucket = TokenBucket(rate=1.0, burst=2, clock=clock)
    bucket.take()
    bucket.take()
    clock.sleep_until(100.0)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 1.0]


def test_concurrent_takers_each_get_their_own_slot() -> None:
    clock = StepClock()
    bucket = TokenBucket(rate=10.0, burst=1, clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        w = bucket.take()
        with lock:
            waits.append(w)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # However the threads interleave, 8 requests need 7 refills after the first.
    assert clock.now() == pytest.approx(0.7)
    assert sum(1 for w in waits if w == 0.0) >= 1


def test_an_unlimited_bucket_never_waits() -> None:
    bucket = Throttle(RetryPolicy(rate=float("inf"), burst=1), StepClock()).bucket(("a", "r"))
    assert [bucket.take() for _ in range(100)] == [0.0] * 100


def test_one_bucket_per_scope() -> None:
    throttle = Throttle(RetryPolicy(), StepClock())
    assert throttle.bucket(("1", "eu-west-1")) is throttle.bucket(("1", "eu-west-1"))
    assert throttle.bucket(("1", "eu-west-1")) is not throttle.bucket(("1", "eu-central-1"))
    assert throttle.bucket(("1", "eu-west-1")) is not throttle.bucket(("2", "eu-west-1"))


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("throttled", "throttled"),
        ("timed out", "unreachable"),
        ("unreachable", "unreachable"),
        ("server error", "error"),
    ],
)
def test_exhausted_retries_are_classified_with_their_scope(reason: str, kind: str) -> None:
    exc = RetriesExhausted(
        GaveUp(reason, 5, 12.5, "Code: text"), "ec2:DescribeVolumes", "123456789012", "eu-west-1"
    )
    got_kind, code, message = classify(exc)
    assert (got_kind, code) == (kind, "")
    assert message == (
        f"{reason}: gave up after 5 attempts / 12.5 s waited (ec2:DescribeVolumes, "
        "account 123456789012, region eu-west-1; last answer Code: text)"
    )


def test_botocore_retries_are_off_and_timeouts_come_from_the_policy() -> None:
    config = client_config(RetryPolicy(connect_timeout=1.5, read_timeout=2.5))
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert (config.connect_timeout, config.read_timeout) == (1.5, 2.5)


def test_the_call_log_keeps_retries_and_omits_them_when_none() -> None:
    retried = ApiCall("aws", "ec2", "DescribeVolumes", "1", "r", 2, 0, 1.0, retries=3)
    assert api_call_to_dict(retried)["retries"] == 3
    assert api_call_from_dict(api_call_to_dict(retried)) == retried
    plain = ApiCall("aws", "ec2", "DescribeVolumes", "1", "r", 2, 0, 1.0)
    assert "retries" not in api_call_to_dict(plain)
    assert api_call_from_dict(api_call_to_dict(plain)) == plain


@pytest.mark.parametrize(
    "values",
    [{"attempts": 0}, {"burst": 0}, {"rate": 0.0}, {"rate": float("nan")}, {"max_wait": -1.0}],
)
def test_a_policy_that_could_not_work_is_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="retry policy"):
        RetryPolicy(**values)
