"""AWS call limits on real botocore clients with a fake transport, and one account
throttled for good in an in-process moto organisation: that account's ``error``,
everybody else's results complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.aws import AwsCollector, retries
from govscan.collectors.aws import session as aws_session
from govscan.collectors.retry import Limits, RetriesExhausted, RetryPolicy, Throttle
from tests.collectors.limits_probe import Probe, run_threads
from tests.virtual_clock import VirtualClock

pytestmark = pytest.mark.timeout(60)

REGION = "eu-central-1"
FAST = RetryPolicy(attempts=3, backoff_base=0.1, rate=float("inf"), service_rates={})
LISTED = (
    b'<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
    b"<ListTopicsResult><Topics/></ListTopicsResult>"
    b"<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>"
)
THROTTLED = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    b"<Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>"
)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def answer(status: int, body: bytes) -> AWSResponse:
    return AWSResponse("https://fake.invalid/", status, {}, _Raw(body))


def sns(throttle: Throttle, account: str, transport: Any) -> Any:
    """A govscan SNS client of ``account`` whose requests ``transport`` answers
    (inside the slot, as a server would)."""
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    client = aws_session.client(session, "sns", REGION, throttle, account)
    client.meta.events.register_first("before-send", transport)
    return client


def test_calls_in_flight_stay_within_the_account_and_overall_limits(aws_env: None) -> None:
    throttle = Throttle(FAST, VirtualClock(), limits=Limits(per_scope=2, overall=3))
    probe = Probe(throttle, threads=12)
    accounts = ("111111111111", "222222222222", "333333333333")

    def fake(account: str) -> Any:
        def transport(**_: Any) -> AWSResponse:
            probe.enter(account)
            probe.leave(account)
            return answer(200, LISTED)

        return transport

    clients = {a: sns(throttle, a, fake(a)) for a in accounts}
    # 4 threads per account share its client, as an account's workers do.
    run_threads(12, lambda i: [clients[accounts[i % 3]].list_topics() for _ in range(5)])
    assert probe.calls == 60
    assert probe.peak == 3
    assert max(probe.peaks.values()) <= 2
    assert throttle.in_flight() == 0


def test_the_account_limit_is_reached_and_holds(aws_env: None) -> None:
    throttle = Throttle(FAST, VirtualClock(), limits=Limits(per_scope=2, overall=32))
    probe = Probe(throttle, threads=6)

    def transport(**_: Any) -> AWSResponse:
        probe.enter("a")
        probe.leave("a")
        return answer(200, LISTED)

    client = sns(throttle, "111111111111", transport)
    run_threads(6, lambda _: [client.list_topics() for _ in range(4)])
    assert (probe.calls, probe.peak) == (24, 2)


def test_a_retry_waits_without_a_slot_and_exhaustion_gives_it_back(aws_env: None) -> None:
    waiting: list[int] = []

    class Clock(VirtualClock):
        def sleep_until(self, deadline: float) -> None:
            waiting.append(throttle.in_flight())
            super().sleep_until(deadline)

    throttle = Throttle(FAST, Clock(), jitter=lambda: 1.0, limits=Limits(1, 1))
    during: list[int] = []

    def throttled(**_: Any) -> AWSResponse:
        during.append(throttle.in_flight(("aws", "111111111111")))
        return answer(429, THROTTLED)

    with pytest.raises(RetriesExhausted, match="throttled: gave up after 3 attempts"):
        sns(throttle, "111111111111", throttled).list_topics()
    assert during == [1, 1, 1]
    assert waiting == [0, 0]
    assert throttle.in_flight() == 0


def test_an_unreadable_answer_gives_its_slot_back(aws_env: None) -> None:
    # botocore parses outside its send; a hostile answer that breaks the parser must
    # not keep the slot (with a limit of one, the next call would wait forever).
    throttle = Throttle(FAST, VirtualClock(), limits=Limits(1, 1))
    client = sns(throttle, "111111111111", lambda **_: answer(200, b"<ListTopicsResponse"))
    for _ in range(2):
        with pytest.raises(Exception, match=r"(?i)parse|xml"):
            client.list_topics()
        assert throttle.in_flight() == 0


def test_the_options_set_the_limits_and_the_account_workers() -> None:
    col = AwsCollector({"aws": True, "aws_max_calls_per_account": 3, "aws_max_calls": 5})
    assert col.throttle.limits == Limits(3, 5)
    assert col.calls_per_account == 3
    assert AwsCollector({"aws": True}).throttle.limits == Limits(8, 32)


GOOD, BAD = "111111111111", "222222222222"


def _topic(account: str, name: str, encrypted: bool) -> None:
    sts = boto3.client("sts", region_name=REGION)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed")
    c = creds["Credentials"]
    boto3.client(
        "sns",
        region_name=REGION,
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    ).create_topic(Name=name, Attributes={"KmsMasterKeyId": "alias/aws/sns"} if encrypted else {})


def test_an_account_throttled_for_good_is_its_own_error_only(
    mocked: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for account in (GOOD, BAD):
        _topic(account, "plain", encrypted=False)
    _topic(GOOD, "sealed", encrypted=True)
    monkeypatch.setattr(
        aws_session, "new_throttle", lambda: Throttle(FAST, VirtualClock(), jitter=lambda: 1.0)
    )
    install = retries.install
    refused: list[str] = []

    def throttle_bad_sns(**kwargs: Any) -> AWSResponse:
        refused.append(kwargs["request"].url)
        return answer(429, THROTTLED)

    def install_with_fault(client: Any, throttle: Throttle, account: str, *a: Any) -> None:
        install(client, throttle, account, *a)
        if account == BAD and client.meta.service_model.service_name == "sns":
            client.meta.events.register_first("before-send", throttle_bad_sns)

    monkeypatch.setattr(retries, "install", install_with_fault)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n"
        + "".join(
            f"  - {{account_id: '{a}', role_arn: 'arn:aws:iam::{a}:role/audit'}}\n"
            for a in (GOOD, BAD)
        )
    )
    (tmp_path / "policy.yaml").write_text(
        "name: limits\nextends: baseline\nselect:\n  - ids: [aws.sns.topic-encrypted]\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--aws", "--aws-regions", REGION, "--aws-accounts", "accounts.yaml"),
            *("--aws-max-calls-per-account", "2", "--aws-max-calls", "3"),
            *("--policy", "policy.yaml", "--format", "json", "--output-dir", str(out)),
        ],
    )
    assert "Traceback" not in result.stderr, result.stderr
    # Data is missing in one account: incomplete (3), not a crash and not a pass.
    assert result.exit_code == 3, result.stderr
    assert len(refused) == 3  # ListTopics: every attempt the policy allows
    doc = json.loads((out / "results.json").read_text())
    by_account: dict[str, list[str]] = {}
    for r in doc["results"]:
        by_account.setdefault(r["resource"]["account"], []).append(r["status"])
    assert sorted(by_account[GOOD]) == ["fail", "pass"]
    assert by_account[BAD] == ["error"]
    (error,) = doc["errors"]
    assert error["account"] == BAD
    assert "throttled: gave up after 3 attempts" in error["message"]
