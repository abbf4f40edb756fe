"""Which accounts and regions to scan, and the fan-out over (region, resource type)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from govscan.collectors.aws import (  # noqa: F401
    coverage,
    databases,
    ec2,
    iam,
    logs,
    organizations,
    s3,
    security,
    services,
    snapshots,
)
from govscan.collectors.aws.api import Api, CallFailure
from govscan.collectors.aws.registry import TYPES
from govscan.collectors.aws.scope import Scope
from govscan.collectors.aws.session import (
    AccountSpec,
    assume,
    base_session,
    client,
    home_region,
    load_accounts_file,
)
from govscan.collectors.fanin import Task, fan_in
from govscan.collectors.interface import CollectionPlan, Item
from govscan.errors import CollectorError
from govscan.model import CollectionError

if TYPE_CHECKING:
    from govscan.collectors.aws import AwsCollector


def _error(
    message: str,
    account: str = "",
    region: str = "",
    operation: str = "",
    types: tuple[str, ...] = (),
) -> CollectionError:
    return CollectionError("aws", message, types, account, region, operation)


def accounts(col: AwsCollector) -> tuple[list[AccountSpec], Any, list[CollectionError]]:
    """The accounts to scan, the base session, and errors that stop a scope early."""
    session = base_session(col.profile)
    region = home_region(session, col.regions)
    sts = Api(client(session, "sts", region, col.throttle, "", col.log), col.log, "", region)
    try:
        ident = sts.call("get_caller_identity")
    except CallFailure as failure:
        if failure.kind == "credentials":
            raise CollectorError(
                f"AWS credentials rejected ({failure.operation}): {failure}"
            ) from None
        raise CollectorError(f"cannot call {failure.operation}: {failure}") from None
    base_account = ident["Account"]
    col.caller = ident.get("Arn", "")
    errors: list[CollectionError] = []
    specs: list[AccountSpec] = []
    path = col.accounts_path()
    if path is not None:
        specs = load_accounts_file(path)
    elif col.organizations:
        org = Api(
            client(session, "organizations", region, col.throttle, base_account, col.log),
            col.log,
            base_account,
            region,
        )
        try:
            for a in org.pages("list_accounts", "Accounts"):
                if a.get("Status") != "ACTIVE":
                    continue
                role = (
                    col.role_arn.replace("{account_id}", a["Id"])
                    if col.role_arn
                    else f"arn:aws:iam::{a['Id']}:role/OrganizationAccountAccessRole"
                )
                specs.append(
                    AccountSpec(a["Id"], "" if a["Id"] == base_account else role, col.external_id)
                )
        except CallFailure as failure:
            errors.append(
                _error(
                    f"cannot list organization accounts: {failure}",
                    base_account,
                    region,
                    failure.operation,
                )
            )
            specs = [AccountSpec(base_account)]
    elif col.role_arn:
        acct = col.role_arn.split(":")[4] if col.role_arn.count(":") >= 5 else ""
        specs = [AccountSpec(acct, col.role_arn, col.external_id)]
    else:
        specs = [AccountSpec(base_account)]
    return specs, session, errors


@dataclass(frozen=True)
class OpenAccount:
    """An account ready to scan: its session, identity and regions."""

    session: Any
    account: str
    caller: str
    region: str
    """The region of global calls."""
    regions: tuple[str, ...]


def open_account(
    col: AwsCollector, base: Any, spec: AccountSpec, types: tuple[str, ...]
) -> OpenAccount | CollectionError:
    """Assume the account's role, ask who we are, and find its regions."""
    region = spec.home or home_region(base, spec.regions or col.regions)
    session = base
    account = spec.account_id
    if spec.role_arn:
        try:
            session = assume(base, spec, region, col.throttle)
        except Exception as exc:
            from govscan.collectors.aws.api import classify

            _kind, code, msg = classify(exc)
            return _error(
                f"cannot assume {spec.role_arn}: {' '.join(x for x in (code, msg) if x)}",
                account,
                region,
                "sts:AssumeRole",
                types,
            )
    sts = Api(
        client(session, "sts", region, col.throttle, account, col.log), col.log, account, region
    )
    try:
        ident = sts.call("get_caller_identity")
    except CallFailure as failure:
        return _error(str(failure), account, region, failure.operation, types)
    account = ident["Account"]
    regions = tuple(spec.regions or col.regions)
    if not regions and not spec.planned:
        ec2_api = Api(
            client(session, "ec2", region, col.throttle, account, col.log),
            col.log,
            account,
            region,
        )
        try:
            answer = ec2_api.call("describe_regions", AllRegions=False)["Regions"]
        except CallFailure as failure:
            return _error(
                f"cannot list enabled regions: {failure}",
                account,
                region,
                failure.operation,
                types,
            )
        regions = tuple(sorted(r["RegionName"] for r in answer))
    return OpenAccount(session, account, ident.get("Arn", ""), region, regions)


def scan_account(
    col: AwsCollector, base: Any, spec: AccountSpec, plan: CollectionPlan
) -> Iterator[Item]:
    opened = open_account(col, base, spec, tuple(plan.fields))
    if isinstance(opened, CollectionError):
        yield opened
        return
    account, region, regions = opened.account, opened.region, list(opened.regions)
    col.record_target(account, regions, opened.caller, spec.tags)
    wanted = {t: f for t, f in plan.fields.items() if t in TYPES}
    unknown = sorted(set(plan.fields) - set(TYPES))
    if unknown and spec.global_services:
        yield _error(
            f"resource types not collected by this version: {', '.join(unknown)}",
            account,
            "",
            "",
            tuple(unknown),
        )
    tasks: list[tuple[str, str]] = []
    for rtype in sorted(wanted):
        if TYPES[rtype].regional:
            tasks.extend((rtype, r) for r in regions)
        elif spec.global_services:
            tasks.append((rtype, region))
    yield from _fan_out(col, opened.session, account, wanted, tasks, spec)


def _fan_out(
    col: AwsCollector,
    session: Any,
    account: str,
    fields: Any,
    tasks: list[tuple[str, str]],
    spec: AccountSpec,
) -> Iterator[Item]:
    scopes = {
        r: Scope(session, account, r, col.log, fields, spec.tags, throttle=col.throttle)
        for r in dict.fromkeys(r for _, r in tasks)
    }

    def failed(task: tuple[str, str], exc: Exception) -> list[Item]:
        rtype, region = task
        if isinstance(exc, CallFailure):
            return [scopes[region].list_error(rtype, exc)]
        return [_error(f"{type(exc).__name__}: {exc}", account, region, "", (rtype,))]

    yield from fan_in(
        (Task((rtype, r), partial(TYPES[rtype].collect, scopes[r])) for rtype, r in tasks),
        failed,
        workers=col.calls_per_account,
        queue_size=512,
        name=f"aws-{account}",
    )
