"""Whether account- and region-wide services are switched on at all.

A missing trail, hub or analyzer leaves no resource for a per-resource control
to judge, so "none exists" would read as not applicable. These fields put the
answer on the account (``aws.account``) and on each scanned region
(``aws.account.region``), where a control can fail it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Scope
from govscan.collectors.interface import Item

ACCOUNT_REGION = "aws.account.region"
TRAIL_LOGGING = "cloudtrail_multi_region_logging"
TRAILS = "cloudtrail_multi_region_trails"
EBS_DEFAULT = "ebs_encryption_by_default"
HUB = "securityhub_enabled"
ANALYZER = "access_analyzer_active"

# Security Hub's answer for an account that has not enabled it in the region.
HUB_NOT_ENABLED = frozenset({"InvalidAccessException"})
# Analyzers of external access; unused-access and internal-access analyzers are other jobs.
EXTERNAL_ACCESS = frozenset({"ACCOUNT", "ORGANIZATION"})


def cloudtrail_coverage(
    scope: Scope, rtype: str, rid: str, unavailable: dict[str, str]
) -> dict[str, Any]:
    """The account's multi-region trails and whether one of them is logging.

    One region is enough: with shadow trails, ``DescribeTrails`` lists every
    multi-region trail of the account and every organization trail that covers
    it, and ``GetTrailStatus`` answers for a shadow trail given its ARN."""
    ct = scope.api("cloudtrail")
    listed = scope.detail(
        rtype,
        rid,
        (TRAIL_LOGGING, TRAILS),
        unavailable,
        ct,
        "describe_trails",
        includeShadowTrails=True,
    )
    if TRAIL_LOGGING in unavailable:
        return {}
    multi = [t for t in (listed or {}).get("trailList", []) if t.get("IsMultiRegionTrail")]
    out: dict[str, Any] = {TRAILS: sorted(t["TrailARN"] for t in multi)}
    failures: list[CallFailure] = []
    for t in multi:
        try:
            status = ct.call("get_trail_status", Name=t["TrailARN"])
        except CallFailure as failure:
            if failure.kind != "gone":
                failures.append(failure)
            continue
        if status.get("IsLogging"):
            out[TRAIL_LOGGING] = True
            return out
    if failures:
        # No trail seen logging, but one could not be asked: unknown, not false.
        unavailable[TRAIL_LOGGING] = str(failures[0])
        scope.remember(rtype, failures[0])
    else:
        out[TRAIL_LOGGING] = False
    return out


def _securityhub(scope: Scope, unavailable: dict[str, str]) -> bool | None:
    try:
        scope.api("securityhub").call("describe_hub")
    except CallFailure as failure:
        if failure.code in HUB_NOT_ENABLED or failure.kind == "gone":
            return False
        unavailable[HUB] = str(failure)
        scope.remember(ACCOUNT_REGION, failure)
        return None
    return True


def _access_analyzer(scope: Scope, unavailable: dict[str, str]) -> bool | None:
    try:
        found = list(scope.api("accessanalyzer").pages("list_analyzers", "analyzers"))
    except CallFailure as failure:
        unavailable[ANALYZER] = str(failure)
        scope.remember(ACCOUNT_REGION, failure)
        return None
    return any(a.get("status") == "ACTIVE" and a.get("type") in EXTERNAL_ACCESS for a in found)


def account_region(scope: Scope) -> Iterator[Item]:
    """One resource per account and scanned region, also when nothing is configured."""
    unavailable: dict[str, str] = {}
    data: dict[str, Any] = {}
    rid = f"arn:aws:ec2:{scope.region}:{scope.account}:account-region/{scope.region}"
    if scope.wants(ACCOUNT_REGION, EBS_DEFAULT):
        r = scope.detail(
            ACCOUNT_REGION,
            rid,
            (EBS_DEFAULT,),
            unavailable,
            scope.api("ec2"),
            "get_ebs_encryption_by_default",
        )
        if EBS_DEFAULT not in unavailable:
            data[EBS_DEFAULT] = bool((r or {}).get("EbsEncryptionByDefault"))
    if scope.wants(ACCOUNT_REGION, HUB):
        hub = _securityhub(scope, unavailable)
        if hub is not None:
            data[HUB] = hub
    if scope.wants(ACCOUNT_REGION, ANALYZER):
        active = _access_analyzer(scope, unavailable)
        if active is not None:
            data[ANALYZER] = active
    yield scope.resource(ACCOUNT_REGION, rid, f"{scope.account}/{scope.region}", data, unavailable)
    yield from scope.detail_errors()


register(
    TypeDef(
        ACCOUNT_REGION,
        "ec2",
        account_region,
        (),
        {
            EBS_DEFAULT: ("ec2:GetEbsEncryptionByDefault",),
            HUB: ("securityhub:DescribeHub",),
            ANALYZER: ("access-analyzer:ListAnalyzers",),
        },
    )
)
