"""Terraform definitions of GKE clusters and project IAM grants, in the shapes of the
live GCP collector (see ``normalize_gcp``).

A project is not defined by one block: each ``google_project_iam_member`` or
``_binding`` is judged as a ``gcp.project`` holding that one binding, so a
finding points at the line that grants the role. Fields only the whole policy
decides (duties held together) are left to the live project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govscan.collectors.repo.gcp_defaults import default
from govscan.collectors.repo.hcl import Block, Unknown
from govscan.collectors.repo.normalize_gcp_base import (
    GLOBAL,
    PUBLIC,
    Companions,
    Normalised,
    common,
    member_key,
    member_kind,
    members_of,
    project,
    provider_value,
    region_of,
    spell,
)
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import any_of, as_str, same
from govscan.collectors.repo.unknowns import as_bool as _bool

_GKE = "google_container_cluster"
_DEFAULT_SA = "-compute@developer.gserviceaccount.com"


def _child(block: Block | None, kind: str) -> Block | None:
    found = block.children(kind) if block is not None else []
    return found[0] if found else None


def _pool(owner: TfResource, base: Block, name: Any, workload_identity: Any) -> dict[str, Any]:
    """A node pool from a ``node_pool`` block, a ``google_container_node_pool`` or the
    cluster's own ``node_config`` (its default pool)."""
    config = _child(base, "node_config")
    management = _child(base, "management")
    shielded = _child(config, "shielded_instance_config")
    metadata = _child(config, "workload_metadata_config")
    account = as_str(owner.sub_get(config, "service_account"))
    if isinstance(account, Unknown):
        is_default: Any = False if getattr(account, "ref", "") else account
    else:
        is_default = account is None or account == "default" or account.endswith(_DEFAULT_SA)
    mode = as_str(owner.sub_get(metadata, "mode"))
    return {
        "name": name,
        "auto_repair": _bool(
            owner.sub_get(management, "auto_repair"), default(_GKE, "node_pool.management")
        ),
        "auto_upgrade": _bool(
            owner.sub_get(management, "auto_upgrade"), default(_GKE, "node_pool.management")
        ),
        "secure_boot": _bool(owner.sub_get(shielded, "enable_secure_boot"), False),
        "integrity_monitoring": _bool(owner.sub_get(shielded, "enable_integrity_monitoring"), True),
        "service_account": account or "default",
        "default_service_account": is_default,
        "image_type": as_str(owner.sub_get(config, "image_type")) or "COS_CONTAINERD",
        # Pools of a Workload Identity cluster run the GKE metadata server unless told not to.
        "gke_metadata_server": workload_identity if mode is None else same(mode, "GKE_METADATA"),
    }


def _cluster_location(r: TfResource) -> dict[str, Any]:
    given = as_str(r.get("location"))
    if given is None:
        zone = provider_value(r, "zone")
        given = zone if isinstance(zone, str) else provider_value(r, "region")
    location = spell(given)
    return {"location": location, "region": region_of(location)}


def container_cluster(r: TfResource, comp: Companions) -> Normalised:
    private = r.sub("private_cluster_config")
    authorised = r.sub("master_authorized_networks_config")
    cidrs = [
        r.sub_get(b, "cidr_block")
        for b in (authorised.children("cidr_blocks") if authorised else [])
    ]
    pool = as_str(r.sub_get(r.sub("workload_identity_config"), "workload_pool"))
    workload_identity = pool if isinstance(pool, Unknown) else pool is not None
    policy = _bool(r.sub_get(r.sub("network_policy"), "enabled"), False)
    name = as_str(r.get("name"))
    pools = [
        _pool(r, b, as_str(r.sub_get(b, "name")), workload_identity)
        for b in r.block.children("node_pool")
    ]
    pools += [
        _pool(c, c.block, as_str(c.get("name")), workload_identity)
        for c in comp.all("google_container_node_pool", r, name)
    ]
    if (
        not r.block.children("node_pool")
        and _bool(r.get("remove_default_node_pool"), False) is False
    ):
        pools.insert(0, _pool(r, r.block, "default-pool", workload_identity))
    channel = as_str(r.sub_get(r.sub("release_channel"), "channel"))
    binauthz = r.sub("binary_authorization")
    cert = r.sub("master_auth", "client_certificate_config")
    return "gcp.container.cluster", {
        **common(r, _cluster_location(r)),
        "node_locations": r.get("node_locations") or [],
        "autopilot": _bool(r.get("enable_autopilot"), False),
        "release_channel": None
        if channel == "UNSPECIFIED"
        else channel or default(_GKE, "release_channel"),
        "private_nodes": _bool(
            r.sub_get(private, "enable_private_nodes"),
            default(_GKE, "private_cluster_config.enable_private_nodes"),
        ),
        "private_endpoint": _bool(r.sub_get(private, "enable_private_endpoint"), False),
        "master_authorized_networks_enabled": authorised is not None,
        "master_authorized_cidrs": cidrs,
        "workload_identity": workload_identity,
        "legacy_abac": _bool(r.get("enable_legacy_abac"), default(_GKE, "enable_legacy_abac")),
        "network_policy": any_of(
            (policy, same(as_str(r.get("datapath_provider")), "ADVANCED_DATAPATH"))
        ),
        "shielded_nodes": _bool(
            r.get("enable_shielded_nodes"), default(_GKE, "enable_shielded_nodes")
        ),
        "binary_authorization": any_of(
            (
                _bool(r.sub_get(binauthz, "enabled"), False),
                same(
                    as_str(r.sub_get(binauthz, "evaluation_mode")),
                    "PROJECT_SINGLETON_POLICY_ENFORCE",
                ),
            )
        ),
        "secrets_encryption": same(
            as_str(r.sub_get(r.sub("database_encryption"), "state")), "ENCRYPTED"
        ),
        "client_certificate": _bool(
            r.sub_get(cert, "issue_client_certificate"),
            default(_GKE, "master_auth.client_certificate_config"),
        ),
        "logging_service": as_str(r.get("logging_service")) or "logging.googleapis.com/kubernetes",
        "monitoring_service": as_str(r.get("monitoring_service"))
        or "monitoring.googleapis.com/kubernetes",
        "intranode_visibility": _bool(r.get("enable_intranode_visibility"), False),
        "node_pools": pools,
    }


# --- project IAM -------------------------------------------------------------------------

_PRIMITIVE = ("roles/owner", "roles/editor", "roles/viewer")


def _granted(role_matches: Any, members: Any, prefixes: tuple[str, ...]) -> Any:
    """The members whose prefix is one of ``prefixes`` when the role matches.

    A derived list never holds a bare reference: that would read as "a member is
    there". A member written as a template keeps its literal kind
    (``serviceAccount:${google_service_account.x.email}`` is a service account, so
    never ``allUsers`` nor a user) and is listed by its expression when its kind
    matches; a member whose kind is not known makes the list unknown unless a known
    match already decides it."""
    if isinstance(role_matches, Unknown):
        return _opaque(role_matches)
    if isinstance(members, Unknown):
        return _opaque(members) if role_matches else []
    if not role_matches:
        return []
    found: list[Any] = []
    open_member: Unknown | None = None
    for m in members:
        if isinstance(m, Unknown):
            kind = member_kind(m)
            if kind is None:
                open_member = open_member or m
            elif kind.startswith(prefixes):
                found.append(m.text.strip('"'))
        elif m.startswith(prefixes):
            found.append(m)
    if open_member is not None and not found:
        return _opaque(open_member)
    return found


def _opaque(value: Unknown) -> Unknown:
    """The same unknown, no longer standing for a present value."""
    return Unknown(value.text)


def _is_admin(role: Any) -> Any:
    if isinstance(role, Unknown):
        return role
    return isinstance(role, str) and (
        role in ("roles/owner", "roles/editor") or role.lower().endswith("admin")
    )


_DUTIES = {
    "sa_duty_conflicts": (
        {"roles/iam.serviceAccountAdmin"},
        {"roles/iam.serviceAccountUser"},
    ),
    "kms_duty_conflicts": (
        {"roles/cloudkms.admin"},
        {
            "roles/cloudkms.cryptoKeyEncrypterDecrypter",
            "roles/cloudkms.cryptoKeyEncrypter",
            "roles/cloudkms.cryptoKeyDecrypter",
        },
    ),
}
"""Roles no member should hold together: (one side, the other side)."""


def _conflicts(r: TfResource, comp: Companions, role: Any, members: Any) -> dict[str, Any]:
    """Members this grant gives one side of a duty pair while the code's other project
    grants give them the other side."""
    out: dict[str, Any] = {}
    for field, (left, right) in _DUTIES.items():
        if isinstance(role, Unknown) or isinstance(members, Unknown):
            out[field] = _opaque(role if isinstance(role, Unknown) else members)
            continue
        found: list[Any] = []
        if role in left | right:
            for m in members:
                held = comp.project_roles().get((project(r), member_key(m)), set())
                if held & left and held & right:
                    found.append(m.text.strip('"') if isinstance(m, Unknown) else m)
        out[field] = found
    return out


def project_iam(r: TfResource, comp: Companions) -> Normalised:
    role = as_str(r.get("role"))
    members = members_of(r)
    condition = r.sub("condition")
    expression = as_str(r.sub_get(condition, "expression")) if condition else None
    return "gcp.project", {
        **common(r, GLOBAL),
        "iam_bindings": [{"role": role, "members": members, "condition": expression}],
        "primitive_role_users": _granted(
            role if isinstance(role, Unknown) else role in _PRIMITIVE,
            members,
            ("user:", "group:", "domain:"),
        ),
        "service_account_admins": _granted(_is_admin(role), members, ("serviceAccount:",)),
        "iam_public_members": _granted(True, members, PUBLIC),
        "service_account_user_members": _granted(
            same(role, "roles/iam.serviceAccountUser"), members, ("",)
        ),
        "service_account_token_creator_members": _granted(
            same(role, "roles/iam.serviceAccountTokenCreator"), members, ("",)
        ),
        **_conflicts(r, comp, role, members),
    }


NORMALISERS: dict[str, Callable[[TfResource, Companions], Normalised | None]] = {
    "google_container_cluster": container_cluster,
    "google_project_iam_member": project_iam,
    "google_project_iam_binding": project_iam,
}
