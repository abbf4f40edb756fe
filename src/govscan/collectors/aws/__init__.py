"""The AWS collector (``govscan[aws]``): boto3, one thread pool per account.

Importing this module does not import boto3; that happens when a scan starts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from govscan.collectors.interface import CollectionPlan, Collector, CollectorOption, Item
from govscan.collectors.units import Discovery, Unit
from govscan.model import ApiCall, CollectionError, Target

if TYPE_CHECKING:
    from govscan.collectors.aws.session import AccountSpec

log = logging.getLogger(__name__)


class AwsCollector(Collector):
    name: ClassVar[str] = "aws"
    produces: ClassVar[tuple[str, ...]] = ("aws.*",)
    title: ClassVar[str] = "AWS"
    sdk_loggers: ClassVar[tuple[str, ...]] = ("boto3", "botocore", "urllib3")
    options: ClassVar[tuple[CollectorOption, ...]] = (
        CollectorOption(
            "aws", "--aws", kind="switch", target=True, help="Scan AWS with boto3's credentials."
        ),
        CollectorOption(
            "aws_profile",
            "--aws-profile",
            "profile",
            enables=True,
            help="Named profile of the AWS configuration.",
        ),
        CollectorOption(
            "aws_regions",
            "--aws-regions",
            "regions",
            kind="list",
            help="Comma-separated regions (default: all enabled).",
        ),
        CollectorOption(
            "aws_role_arn",
            "--aws-role-arn",
            "role_arn",
            enables=True,
            help="Role to assume in every scanned account.",
        ),
        CollectorOption(
            "aws_external_id",
            "--aws-external-id",
            "external_id",
            help="External id for assuming the role.",
        ),
        CollectorOption(
            "aws_accounts_file",
            "--aws-accounts",
            "accounts_file",
            kind="path",
            enables=True,
            help="File listing the accounts to scan.",
        ),
        CollectorOption(
            "aws_organizations",
            "--aws-organizations",
            "organizations",
            kind="switch",
            help="Discover member accounts through AWS Organizations.",
        ),
        CollectorOption("aws_max_workers", None, "max_workers", kind="int", tuning=True),
        CollectorOption(
            "aws_max_calls_per_account",
            "--aws-max-calls-per-account",
            "max_calls_per_account",
            kind="int",
            tuning=True,
            metavar="N",
            help="API calls in flight at once in one account (default 8).",
        ),
        CollectorOption(
            "aws_max_calls",
            "--aws-max-calls",
            "max_calls",
            kind="int",
            tuning=True,
            metavar="N",
            help="API calls in flight at once across all accounts (default 32).",
        ),
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.profile: str | None = options.get("aws_profile") or None
        self.regions: tuple[str, ...] = tuple(options.get("aws_regions") or ())
        self.role_arn: str = options.get("aws_role_arn") or ""
        self.external_id: str = options.get("aws_external_id") or ""
        self.accounts_file: str | None = options.get("aws_accounts_file") or None
        self.organizations = bool(options.get("aws_organizations"))
        self.max_workers = int(options.get("aws_max_workers") or 8)
        self._targets: list[Target] = []
        self._planned: list[AccountSpec] | None = None
        self.caller = ""
        self._lock = threading.Lock()
        from govscan.collectors.aws.api import CallLog
        from govscan.collectors.aws.session import new_throttle
        from govscan.collectors.retry import limits

        self.log = CallLog()
        # One retry policy, one token bucket per (account, region) and one set of call
        # limits for the whole scan.
        self.throttle = new_throttle()
        self.throttle.limit(limits(options, "aws_max_calls_per_account", "aws_max_calls"))
        # Threads per account follow the account's call limit: more would only queue.
        self.calls_per_account = self.throttle.limits.per_scope

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        if not options.get("aws"):
            return None
        from govscan.collectors.aws.session import require_boto3

        require_boto3()
        return cls(options)

    @classmethod
    def permissions(cls, plan: CollectionPlan) -> Mapping[str, Any]:
        """The IAM policy document allowing exactly the calls a scan with ``plan`` makes."""
        from govscan.collectors.aws.permissions import iam_policy_document

        return iam_policy_document(plan)

    def targets(self) -> list[Target]:
        with self._lock:
            return sorted(self._targets, key=lambda t: t.identity)

    def api_calls(self) -> list[ApiCall]:
        return self.log.calls()

    def discover_units(self, plan: CollectionPlan) -> Discovery:
        from govscan.collectors.aws.units import discover

        return discover(self, plan)

    def restrict(self, units: Sequence[Unit]) -> None:
        from govscan.collectors.aws.units import planned_accounts

        self._planned = planned_accounts(self, units)

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        from govscan.collectors.aws import discovery
        from govscan.collectors.aws.session import base_session
        from govscan.collectors.fanin import Task, fan_in

        if self._planned is not None:
            # A shard: the plan found the accounts and their regions.
            accounts, base = self._planned, base_session(self.profile)
        else:
            accounts, base, errors = discovery.accounts(self)
            yield from errors

        def failed(spec: Any, exc: Exception) -> list[Item]:
            # One account's failure keeps the other accounts' results.
            log.error("account %s failed: %s: %s", spec.account_id, type(exc).__name__, exc)
            log.debug("account %s traceback", spec.account_id, exc_info=True)
            return [
                CollectionError(
                    "aws", f"{type(exc).__name__}: {exc}", tuple(plan.fields), spec.account_id
                )
            ]

        yield from fan_in(
            (
                Task(spec, partial(discovery.scan_account, self, base, spec, plan))
                for spec in accounts
            ),
            failed,
            workers=self.max_workers,
            queue_size=1024,
            name="aws-account",
        )

    def record_target(
        self, account: str, regions: list[str], identity: str, tags: Mapping[str, str]
    ) -> None:
        with self._lock:
            self._targets.append(
                Target("aws", account, {"regions": regions, "caller": identity, "tags": dict(tags)})
            )

    def accounts_path(self) -> Path | None:
        return Path(self.accounts_file) if self.accounts_file else None
