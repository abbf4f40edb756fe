"""AWS Organizations: the region guardrail (a service control policy denying
requests outside allowed regions through ``aws:RequestedRegion``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from govscan.collectors.aws.api import CallFailure
from govscan.collectors.aws.registry import TypeDef, register
from govscan.collectors.aws.scope import Scope
from govscan.collectors.interface import Item

ORG = "aws.organizations.organization"
_NOT_EQUALS = ("StringNotEquals", "StringNotEqualsIfExists", "StringNotLike")


def region_deny_regions(content: str) -> list[str] | None:
    """The regions an SCP leaves allowed when it denies everything else, or None."""
    try:
        doc = json.loads(content)
    except (TypeError, ValueError):
        return None
    statements = doc.get("Statement", [])
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        for op in _NOT_EQUALS:
            regions = (st.get("Condition") or {}).get(op, {}).get("aws:RequestedRegion")
            if regions:
                return sorted(regions if isinstance(regions, list) else [regions])
    return None


def organization(scope: Scope) -> Iterator[Item]:
    org = scope.api("organizations", region="us-east-1")
    arn = f"arn:aws:organizations::{scope.account}:organization"
    unavailable: dict[str, str] = {}
    data: dict[str, Any] = {}
    try:
        desc = org.call("describe_organization")["Organization"]
    except CallFailure as failure:
        if failure.code == "AWSOrganizationsNotInUseException":
            data.update(in_organization=False, region_deny_scp=False)
            yield scope.resource(ORG, arn, "organization", data, region="global")
            return
        for f in ("in_organization", "region_deny_scp", "scp_allowed_regions"):
            unavailable[f] = str(failure)
        yield scope.resource(ORG, arn, "organization", data, unavailable, region="global")
        yield scope.list_error(ORG, failure)
        return
    arn = desc.get("Arn", arn)
    data.update(in_organization=True, management_account=desc.get("MasterAccountId"))
    allowed: list[str] | None = None
    try:
        for p in org.pages("list_policies", "Policies", Filter="SERVICE_CONTROL_POLICY"):
            content = org.call("describe_policy", PolicyId=p["Id"])["Policy"]["Content"]
            regions = region_deny_regions(content)
            if regions is None:
                continue
            targets = list(org.pages("list_targets_for_policy", "Targets", PolicyId=p["Id"]))
            if targets:
                allowed = sorted(set(allowed or []) | set(regions))
    except CallFailure as failure:
        # Member accounts may not read SCPs: the guardrail is unknown, not absent.
        for f in ("region_deny_scp", "scp_allowed_regions"):
            unavailable[f] = str(failure)
        yield scope.list_error(ORG, failure)
    if not unavailable:
        data["region_deny_scp"] = allowed is not None
        data["scp_allowed_regions"] = allowed or []
    yield scope.resource(ORG, arn, "organization", data, unavailable, region="global")


register(
    TypeDef(
        ORG,
        "organizations",
        organization,
        ("organizations:DescribeOrganization",),
        dict.fromkeys(
            ("region_deny_scp", "scp_allowed_regions"),
            (
                "organizations:ListPolicies",
                "organizations:DescribePolicy",
                "organizations:ListTargetsForPolicy",
            ),
        ),
        regional=False,
    )
)
