"""Sessions, accounts and regions: boto3's default chain, profiles and assumed roles.

Retries and rate limits: every client is made by ``client`` and follows
govscan's policy (``govscan.collectors.retry``, bound to botocore in
``retries.py``), not botocore's. A call still failing after the policy's
attempts or wait budget becomes a collection error for its scope; nothing is
silently skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govscan.collectors.retry import RetryPolicy, Throttle
from govscan.errors import CollectorError, UsageError

if TYPE_CHECKING:
    from govscan.collectors.aws.api import CallLog

POLICY = RetryPolicy()
"""The AWS collector's retry and rate-limit values (documented in docs/aws.md)."""


@dataclass(frozen=True)
class AccountSpec:
    """One account to scan: assume ``role_arn`` in it, or use the base credentials."""

    account_id: str = ""
    role_arn: str = ""
    external_id: str = ""
    regions: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    planned: bool = False
    """From a shard's plan: scan exactly ``regions`` (perhaps none), discover nothing."""
    global_services: bool = True
    """Collect the account's global services (IAM, S3, Organizations, ...)."""
    home: str = ""
    """The region of global calls, fixed by the plan so every shard agrees."""


def new_throttle() -> Throttle:
    """One scan's throttle: ``POLICY`` on the system clock."""
    return Throttle(POLICY)


def client_config(policy: RetryPolicy | None = None) -> Any:
    import os

    from botocore.config import Config

    policy = policy or POLICY

    return Config(
        # A custom endpoint (AWS_ENDPOINT_URL: a proxy, a local emulator) cannot answer
        # account-prefixed host names.
        inject_host_prefix=not os.environ.get("AWS_ENDPOINT_URL"),
        # One attempt: govscan's handlers (retries.install) retry, not botocore.
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=policy.connect_timeout,
        read_timeout=policy.read_timeout,
        max_pool_connections=32,
        user_agent_extra="govscan",
    )


def client(
    session: Any,
    service: str,
    region: str,
    throttle: Throttle,
    account: str = "",
    log: CallLog | None = None,
) -> Any:
    """A botocore client for (account, region) under ``throttle``'s retry policy and
    token bucket; retries are counted in ``log``."""
    from govscan.collectors.aws.retries import install

    made = session.client(service, region_name=region, config=client_config(throttle.policy))
    if service == "s3control":
        pin_custom_endpoint(made)
    install(made, throttle, account, region, log)
    return made


def pin_custom_endpoint(client: Any) -> None:
    """With AWS_ENDPOINT_URL set, send S3 Control calls to that host itself.

    S3 Control's endpoint rules put the account id in front of the host name
    (``<account>.<endpoint>``), which a proxy or local emulator cannot resolve."""
    import os
    import urllib.parse

    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        return
    netloc = urllib.parse.urlsplit(endpoint).netloc

    def strip(request: Any, **_: Any) -> None:
        parts = urllib.parse.urlsplit(request.url)
        if parts.netloc.endswith("." + netloc):
            request.url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))

    client.meta.events.register("before-sign.s3-control.*", strip)


def base_session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.session.Session(profile_name=profile) if profile else boto3.session.Session()
    except ProfileNotFound:
        raise UsageError(f"AWS profile '{profile}' not found") from None


def assume(session: Any, spec: AccountSpec, region: str, throttle: Throttle) -> Any:
    """A session with the credentials of ``spec.role_arn``."""
    import boto3

    sts = client(session, "sts", region, throttle, spec.account_id)
    kwargs: dict[str, Any] = {"RoleArn": spec.role_arn, "RoleSessionName": "govscan"}
    if spec.external_id:
        kwargs["ExternalId"] = spec.external_id
    creds = sts.assume_role(**kwargs)["Credentials"]
    import botocore.session

    # The service models the base session already loaded serve every account: a
    # session of its own would parse them again for each account (half the cost of
    # an organisation scan's clients).
    shared = botocore.session.Session()
    shared.register_component("data_loader", session._session.get_component("data_loader"))
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        botocore_session=shared,
    )


def load_accounts_file(path: Path) -> list[AccountSpec]:
    """``--aws-accounts FILE``: YAML list of {account_id, role_arn, external_id, regions, tags}."""
    from govscan.catalog.yamlsource import YamlSyntaxError, load_yaml
    from govscan.errors import ValidationError

    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise ValidationError([exc.problem]) from None
    data = doc.data
    items = data.get("accounts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValidationError([doc.problem((), "expected a list of accounts (or 'accounts:')")])
    out = []
    problems = []
    base = ("accounts",) if isinstance(data, dict) else ()
    allowed = {"account_id", "role_arn", "external_id", "regions", "tags"}
    for i, item in enumerate(items):
        ptr = (*base, i)
        if not isinstance(item, dict):
            problems.append(doc.problem(ptr, "an account entry is a mapping"))
            continue
        for k in item:
            if k not in allowed:
                problems.append(
                    doc.problem(
                        (*ptr, str(k)),
                        f"unknown account field '{k}' (valid: {', '.join(sorted(allowed))})",
                        key=True,
                    )
                )
        acct = str(item.get("account_id", ""))
        if not acct.isdigit() or len(acct) != 12:
            problems.append(doc.problem((*ptr, "account_id"), "account_id must be 12 digits"))
        role = item.get("role_arn") or (f"arn:aws:iam::{acct}:role/govscan-audit" if acct else "")
        out.append(
            AccountSpec(
                acct,
                str(role),
                str(item.get("external_id", "")),
                tuple(item.get("regions") or ()),
                dict(item.get("tags") or {}),
            )
        )
    if problems:
        raise ValidationError(problems)
    return out


class Regions:
    """Enabled regions of an account, asked once (``ec2:DescribeRegions``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def enabled(self, api: Any) -> list[str]:
        with self._lock:
            regions = api.call("describe_regions", AllRegions=False)["Regions"]
        return sorted(r["RegionName"] for r in regions)


def home_region(session: Any, requested: Sequence[str]) -> str:
    return session.region_name or (requested[0] if requested else "us-east-1")


def require_boto3() -> None:
    try:
        import boto3  # noqa: F401
    except ImportError:
        raise CollectorError("the AWS collector needs boto3: pip install 'govscan[aws]'") from None
