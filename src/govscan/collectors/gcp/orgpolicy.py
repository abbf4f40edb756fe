"""Effective organisation policy constraints of a project.

The Organization Policy v2 API's ``getEffectivePolicy`` answers each constraint
with inheritance from folders and the organisation already merged (inherit,
reset, allow-all and deny-all applied by Google); govscan reads the merged rules.
A constraint nobody set answers with no rules: not enforced, not restricted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.target import Project

ORGPOLICY = "orgpolicy.googleapis.com"
GET = "orgpolicy.policy.get"

BOOLEAN = {
    "compute.requireOsLogin": "constraint_require_os_login",
    "iam.disableServiceAccountKeyCreation": "constraint_disable_sa_key_creation",
    "storage.publicAccessPrevention": "constraint_public_access_prevention",
    "sql.restrictPublicIp": "constraint_restrict_sql_public_ip",
}
LOCATIONS = "gcp.resourceLocations"
CONSTRAINTS = (*BOOLEAN, LOCATIONS)

FIELDS = (
    "constraints",
    *BOOLEAN.values(),
    "constraint_resource_locations",
    "locations_restricted",
    "allowed_locations",
)


def effective(clients: Clients, project: Project, constraint: str) -> dict[str, Any]:
    """The merged rules of one constraint for ``project``."""
    rest = clients.rest(ORGPOLICY, project.project_id)
    try:
        policy = rest.get(
            GET,
            f"/v2/projects/{project.project_id}/policies/{constraint}:getEffectivePolicy",
        )
    except CallFailure as failure:
        if failure.kind != "gone":
            raise
        policy = {}
    return summarise(policy)


def summarise(policy: Mapping[str, Any]) -> dict[str, Any]:
    """``{enforced, allowed_values, denied_values, all_values}`` of an effective policy.

    Only unconditional rules count: a rule under a condition (tags) applies to some
    resources only, so it does not make the constraint hold for the project."""
    spec = policy.get("spec") if isinstance(policy.get("spec"), dict) else {}
    enforced = False
    allowed: list[str] = []
    denied: list[str] = []
    all_values: str | None = None
    for rule in (spec or {}).get("rules") or ():
        if not isinstance(rule, dict) or rule.get("condition"):
            continue
        if rule.get("enforce") is True:
            enforced = True
        if rule.get("allowAll") is True:
            all_values = "ALLOW"
        if rule.get("denyAll") is True:
            all_values = "DENY"
        values = rule.get("values") if isinstance(rule.get("values"), dict) else {}
        allowed.extend(str(v) for v in (values or {}).get("allowedValues") or ())
        denied.extend(str(v) for v in (values or {}).get("deniedValues") or ())
    return {
        "enforced": enforced,
        "allowed_values": sorted(set(allowed)),
        "denied_values": sorted(set(denied)),
        "all_values": all_values,
    }


def fields(summaries: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The gcp.project fields from the summaries of ``CONSTRAINTS``."""
    out: dict[str, Any] = {"constraints": {k: dict(v) for k, v in summaries.items()}}
    for name, field in BOOLEAN.items():
        out[field] = bool(summaries.get(name, {}).get("enforced"))
    loc = summaries.get(LOCATIONS, {})
    allowed = list(loc.get("allowed_values") or ())
    restricted = loc.get("all_values") == "DENY" or (
        bool(allowed) and loc.get("all_values") != "ALLOW"
    )
    out["constraint_resource_locations"] = allowed if restricted else None
    out["locations_restricted"] = restricted
    out["allowed_locations"] = (
        expand(allowed, loc.get("denied_values") or ()) if restricted else None
    )
    return out


def expand(allowed: Iterable[str], denied: Iterable[str]) -> list[str]:
    """Location names of allowed values: value groups (``in:eu-locations``) expanded,
    zones folded into their region, denied values removed. A group govscan does not
    know stays as written, so judging it reports it unknown instead of guessing."""
    from govscan.catalog.jurisdictions import packaged_tables

    table = packaged_tables().table("gcp")
    groups = table.get("value_groups") or {}
    regions = table.get("regions") or {}

    def names(value: str) -> list[str]:
        value = value.removeprefix("is:")
        if value.startswith("in:"):
            group = value[3:]
            if isinstance(groups.get(group), list):
                return [str(m) for m in groups[group]]
            region = group.removesuffix("-locations")
            return [region] if region in regions else [value]
        region = value.rsplit("-", 1)[0] if value.count("-") == 2 else value
        return [region if region in regions else value]

    out = {n for v in allowed for n in names(v)}
    out -= {n for v in denied for n in names(v)}
    return sorted(out)
