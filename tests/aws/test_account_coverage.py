"""Account- and region-wide requirements: a missing trail, recorder, detector, hub,
analyzer, password policy, EBS default or account public access block is a failure
on the account or on each scanned region, never only "not applicable"; a denied
call is an error, never a pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from govscan.collectors.aws.api import CallLog
from govscan.collectors.aws.coverage import ACCOUNT_REGION, ANALYZER, account_region
from govscan.collectors.aws.permissions import required_actions
from govscan.collectors.aws.scope import Scope
from govscan.collectors.interface import CollectionPlan
from govscan.errors import ExitCode
from govscan.model import CollectionError, Resource, Status
from govscan.runner import exit_code_for

from .analyzers import analyzer, denied, list_analyzers
from .conftest import REGIONS
from .test_collector import collector, fail_with, scan, with_hook

ACCOUNT = "123456789012"
HOME = "eu-central-1"
Answer = Callable[[str], list[dict[str, Any]]]


def _none(_: str) -> list[dict[str, Any]]:
    return []


def _active_in_home(region: str) -> list[dict[str, Any]]:
    return [analyzer(region)] if region == HOME else []


def _trail(name: str, region: str, *, multi: bool = True, logging: bool = True) -> None:
    bucket = f"{name}-logs"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
    ct = boto3.client("cloudtrail", region_name=region)
    ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi)
    if logging:
        ct.start_logging(Name=name)


def _cloudtrail() -> None:
    # A trail whose home is another region than the one the account is read from.
    _trail("main-trail", "us-east-1")


def _config() -> None:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="config-logs")
    cfg = boto3.client("config", region_name=HOME)
    cfg.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")


def _guardduty() -> None:
    boto3.client("guardduty", region_name=HOME).create_detector(Enable=True)


def _securityhub() -> None:
    boto3.client("securityhub", region_name=HOME).enable_security_hub()


def _password_policy() -> None:
    boto3.client("iam", region_name="us-east-1").update_account_password_policy(
        MinimumPasswordLength=16
    )


def _ebs_default() -> None:
    boto3.client("ec2", region_name=HOME).enable_ebs_encryption_by_default()


def _s3_account_block() -> None:
    boto3.client("s3control", region_name=HOME).put_public_access_block(
        AccountId=ACCOUNT,
        PublicAccessBlockConfiguration=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
            True,
        ),
    )


@dataclass(frozen=True)
class Case:
    regional: bool
    """Judged on each scanned region (else once on the account)."""
    message: str
    """The failure message on an empty account (in eu-west-1 for regional ones)."""
    configure: Callable[[], None] = lambda: None
    analyzers: Answer = field(default=_none)
    """Access Analyzer's answer once configured."""
    deny: str = ""
    """botocore event whose call is denied; empty: Access Analyzer's ListAnalyzers."""


CASES = {
    "aws.cloudtrail.enabled": Case(
        False,
        f"Account {ACCOUNT} has no logging multi-region CloudTrail trail",
        _cloudtrail,
        deny="before-call.cloudtrail.DescribeTrails",
    ),
    "aws.config.recorder-enabled": Case(
        True,
        "AWS Config does not record in eu-west-1",
        _config,
        deny="before-call.config-service.DescribeConfigurationRecorders",
    ),
    "aws.guardduty.enabled": Case(
        True,
        "GuardDuty is not enabled in eu-west-1",
        _guardduty,
        deny="before-call.guardduty.ListDetectors",
    ),
    "aws.securityhub.enabled": Case(
        True,
        "Security Hub is not enabled in eu-west-1",
        _securityhub,
        deny="before-call.securityhub.DescribeHub",
    ),
    "aws.iam.access-analyzer-enabled": Case(
        True,
        "No active IAM Access Analyzer for external access in eu-west-1",
        analyzers=_active_in_home,
    ),
    "aws.account.password-policy-length": Case(
        False,
        f"Account {ACCOUNT} has no IAM password policy or one that allows short passwords"
        " (minimum length: <absent>)",
        _password_policy,
        deny="before-call.iam.GetAccountPasswordPolicy",
    ),
    "aws.ebs.default-encryption": Case(
        True,
        "EBS encryption by default is off in eu-west-1",
        _ebs_default,
        deny="before-call.ec2.GetEbsEncryptionByDefault",
    ),
    "aws.account.s3-public-access-block": Case(
        False,
        f"Account {ACCOUNT} does not block S3 public access account-wide",
        _s3_account_block,
        deny="before-call.s3-control.GetPublicAccessBlock",
    ),
}


def _by_scope(control_id: str, answer: Answer = _none) -> dict[str, Any]:
    with list_analyzers(answer):
        result = scan(control_id, collector())
    out = {}
    for r in result.results:
        key = r.resource.region if CASES[control_id].regional else r.resource.account
        assert key not in out, "one result per account or region"
        out[key] = r
    return out


@pytest.mark.parametrize("control_id", sorted(CASES))
def test_nothing_configured_fails_on_the_account_or_each_region(
    control_id: str, mocked: None
) -> None:
    case = CASES[control_id]
    got = _by_scope(control_id)
    assert set(got) == (set(REGIONS) if case.regional else {ACCOUNT})
    assert {r.status for r in got.values()} == {Status.FAIL}
    key = "eu-west-1" if case.regional else ACCOUNT
    assert got[key].message == case.message


@pytest.mark.parametrize("control_id", sorted(CASES))
def test_configured_passes(control_id: str, mocked: None) -> None:
    case = CASES[control_id]
    case.configure()
    got = _by_scope(control_id, case.analyzers)
    if case.regional:
        # Configured in the home region only: the other regions still fail.
        assert {k: r.status for k, r in got.items()} == {
            HOME: Status.PASS,
            "eu-west-1": Status.FAIL,
            "us-east-1": Status.FAIL,
        }
    else:
        assert {k: r.status for k, r in got.items()} == {ACCOUNT: Status.PASS}


@pytest.mark.parametrize("control_id", sorted(CASES))
def test_denied_is_error_never_pass(
    control_id: str, mocked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[control_id]
    case.configure()
    answer = case.analyzers
    if case.deny:
        with_hook(monkeypatch, case.deny, fail_with("AccessDenied"))
    else:
        answer = denied
    with list_analyzers(answer):
        result = scan(control_id, collector())
    assert result.results
    assert {r.status for r in result.results} == {Status.ERROR}
    assert all("denied by test" in r.message for r in result.results)
    assert exit_code_for(result, None) is ExitCode.INCOMPLETE


def test_a_stopped_or_single_region_trail_does_not_cover_the_account(mocked: None) -> None:
    _trail("stopped", HOME, logging=False)
    _trail("regional", HOME, multi=False)
    (r,) = _by_scope("aws.cloudtrail.enabled").values()
    assert r.status is Status.FAIL
    _trail("main-trail", "us-east-1")
    (r,) = _by_scope("aws.cloudtrail.enabled").values()
    assert r.status is Status.PASS


def test_an_unanswered_trail_status_is_error_unless_another_trail_logs(
    mocked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trail("stopped", HOME, logging=False)
    deny = fail_with("AccessDenied")

    def deny_stopped(**kwargs: Any) -> None:
        if b"trail/stopped" in kwargs["params"]["body"]:
            deny(**kwargs)

    with_hook(monkeypatch, "before-call.cloudtrail.GetTrailStatus", deny_stopped)
    (r,) = _by_scope("aws.cloudtrail.enabled").values()
    assert r.status is Status.ERROR
    assert "cloudtrail_multi_region_logging: AccessDenied" in r.message
    _trail("main-trail", "us-east-1")
    (r,) = _by_scope("aws.cloudtrail.enabled").values()
    assert r.status is Status.PASS


def test_the_account_trail_fields_name_the_covering_trails(mocked: None) -> None:
    _trail("main-trail", "us-east-1")
    plan = CollectionPlan({"aws.account": frozenset({"cloudtrail_multi_region_logging"})})
    items = list(collector().collect(plan))
    (account,) = [i for i in items if isinstance(i, Resource)]
    assert account.data["cloudtrail_multi_region_logging"] is True
    assert account.data["cloudtrail_multi_region_trails"] == [
        f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main-trail"
    ]
    assert not [i for i in items if isinstance(i, CollectionError)]


def test_permissions_list_the_coverage_calls() -> None:
    plan = CollectionPlan(
        {
            "aws.account": frozenset({"cloudtrail_multi_region_logging"}),
            ACCOUNT_REGION: frozenset({"securityhub_enabled", ANALYZER}),
        }
    )
    actions = set(required_actions(plan))
    assert {
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "securityhub:DescribeHub",
        "access-analyzer:ListAnalyzers",
    } <= actions
    assert "ec2:GetEbsEncryptionByDefault" not in actions


class _Session:
    """Hands out pre-built (stubbed) clients instead of creating them."""

    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients

    def client(self, service: str, **_: Any) -> Any:
        return self.clients[service]


def _analyzer_region(pages: list[list[dict[str, Any]]]) -> Resource:
    client = boto3.client(
        "accessanalyzer",
        region_name=HOME,
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
    )
    with Stubber(client) as stub:
        for n, page in enumerate(pages):
            response: dict[str, Any] = {"analyzers": page}
            if n + 1 < len(pages):
                response["nextToken"] = f"t{n + 1}"
            stub.add_response("list_analyzers", response, {"nextToken": f"t{n}"} if n else {})
        scope = Scope(
            _Session({"accessanalyzer": client}),
            ACCOUNT,
            HOME,
            CallLog(),
            {ACCOUNT_REGION: frozenset({ANALYZER})},
        )
        items = list(account_region(scope))
        stub.assert_no_pending_responses()
    (res,) = items
    assert isinstance(res, Resource)
    return res


def test_access_analyzer_reads_every_page_and_counts_only_active_external_analyzers() -> None:
    def a(kind: str, status: str = "ACTIVE") -> dict[str, Any]:
        return {
            **analyzer(HOME, kind, status),
            "createdAt": "2026-01-01T00:00:00Z",
        }

    unused_only = [[a("ACCOUNT_UNUSED_ACCESS")], [a("ACCOUNT", "DISABLED")]]
    assert _analyzer_region(unused_only).data[ANALYZER] is False
    org_on_second_page = [[a("ACCOUNT", "CREATING")], [a("ORGANIZATION")]]
    assert _analyzer_region(org_on_second_page).data[ANALYZER] is True
    assert _analyzer_region([[]]).data[ANALYZER] is False
