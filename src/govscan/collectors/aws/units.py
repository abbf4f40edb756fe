"""An AWS scan's units: each account's global services, and each (account, region)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from govscan.collectors.aws.discovery import OpenAccount, accounts, open_account
from govscan.collectors.aws.session import AccountSpec
from govscan.collectors.fanin import Task, fan_in
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.units import Discovery, Unit
from govscan.model import CollectionError, Target

if TYPE_CHECKING:
    from govscan.collectors.aws import AwsCollector

GLOBAL = "global"
"""The part of an account holding its global services (IAM, S3, Organizations, ...)."""


def discover(col: AwsCollector, plan: CollectionPlan) -> Discovery:
    """Open every account once to learn its identity and enabled regions.

    An account that cannot be opened now becomes one whole-account unit: the shard
    that gets it tries again and reports what a single-process scan would."""
    specs, base, errors = accounts(col)
    types = tuple(plan.fields)

    def open_one(spec: AccountSpec) -> list[tuple[AccountSpec, OpenAccount | CollectionError]]:
        return [(spec, open_account(col, base, spec, types))]

    def failed(
        spec: AccountSpec, exc: Exception
    ) -> list[tuple[AccountSpec, OpenAccount | CollectionError]]:
        return [(spec, CollectionError("aws", f"{type(exc).__name__}: {exc}"))]

    units: list[Unit] = []
    targets: list[Target] = []
    opened = fan_in(
        (Task(s, partial(open_one, s)) for s in specs),
        failed,
        workers=col.max_workers,
        queue_size=64,
        name="aws-plan",
    )
    for spec, found in opened:
        attrs = _attrs(spec)
        if isinstance(found, OpenAccount):
            attrs["home"] = found.region
            units.append(Unit("aws", found.account, GLOBAL, attrs))
            units.extend(Unit("aws", found.account, r, attrs) for r in found.regions)
            details = {"regions": list(found.regions), "caller": found.caller}
            targets.append(Target("aws", found.account, {**details, "tags": dict(spec.tags)}))
        else:
            units.append(Unit("aws", spec.account_id or "unknown", "", attrs))
    # Organizations' member list and enabled regions are the cloud's state now.
    fixed = not col.organizations and all(s.regions or col.regions for s in specs)
    return Discovery(tuple(units), fixed, tuple(targets), tuple(errors))


def _attrs(spec: AccountSpec) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if spec.role_arn:
        attrs["role_arn"] = spec.role_arn
    if spec.tags:
        attrs["tags"] = dict(sorted(spec.tags.items()))
    return attrs


def planned_accounts(col: AwsCollector, units: Sequence[Unit]) -> list[AccountSpec]:
    """The accounts of a shard's units, each with exactly its planned regions."""
    by_account: dict[str, list[Unit]] = {}
    for u in units:
        by_account.setdefault(u.scope, []).append(u)
    out = []
    for account, mine in sorted(by_account.items()):
        attrs = mine[0].attrs
        whole = any(not u.part for u in mine)
        out.append(
            AccountSpec(
                account_id=account,
                role_arn=str(attrs.get("role_arn", "")),
                external_id=col.external_id,
                regions=() if whole else tuple(sorted(u.part for u in mine if u.part != GLOBAL)),
                tags=dict(attrs.get("tags") or {}),
                planned=not whole,
                global_services=whole or any(u.part == GLOBAL for u in mine),
                home=str(attrs.get("home", "")),
            )
        )
    return out
