"""Terraform definitions of Cloud Storage buckets and Compute Engine instances, disks
and firewall rules, in the shapes of the live GCP collector (see ``normalize_gcp``)."""

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
    days,
    placed,
    public_members,
    region_of,
    spell,
)
from govscan.collectors.repo.normalize_gcp_lifecycle import delete_ages
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import all_of, any_of, as_int, as_str, same
from govscan.collectors.repo.unknowns import as_bool as _bool

# --- Cloud Storage ----------------------------------------------------------------------

MULTI_REGIONS = frozenset({"EU", "US", "ASIA"})
_BUCKET_IAM = ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding")
_BUCKET_ACL = (
    "google_storage_bucket_access_control",
    "google_storage_bucket_acl",
    "google_storage_default_object_access_control",
)


def storage_bucket(r: TfResource, comp: Companions) -> Normalised:
    given = as_str(r.get("location"))
    location = spell(given if given is not None else default("google_storage_bucket", "location"))
    placement = r.sub("custom_placement_config")
    data_locations = r.sub_get(placement, "data_locations", [])
    if isinstance(data_locations, list):
        data_locations = [spell(x) for x in data_locations]
    if isinstance(location, str):
        kind = (
            "region"
            if "-" in location
            else "multi-region"
            if location in MULTI_REGIONS and not data_locations
            else "dual-region"
        )
    else:
        kind = location
    rpo = as_str(r.get("rpo"))
    name = as_str(r.get("name"))
    uniform = _bool(
        r.get("uniform_bucket_level_access"),
        default("google_storage_bucket", "uniform_bucket_level_access"),
    )
    encryption = r.sub("encryption")
    retention = r.sub("retention_policy")
    retention_days = days(r.sub_get(retention, "retention_period"), 86400) if retention else None
    locked = _bool(r.sub_get(retention, "is_locked"), False) if retention else None
    soft = r.sub("soft_delete_policy")
    live_age, noncurrent_age = delete_ages(r)
    log = r.sub("logging")
    log_bucket = as_str(r.sub_get(log, "log_bucket"))
    return "gcp.storage.bucket", {
        **common(r, {"location": location, "region": location}),
        "location_type": kind,
        "data_locations": data_locations,
        "replica_locations": data_locations,
        "rpo": rpo,
        "turbo_replication": same(rpo, "ASYNC_TURBO"),
        "storage_class": as_str(r.get("storage_class"))
        or default("google_storage_bucket", "storage_class"),
        "uniform_bucket_level_access": uniform,
        "public_access_prevention": as_str(r.get("public_access_prevention"))
        or default("google_storage_bucket", "public_access_prevention"),
        "iam_public_members": public_members(comp, r, _BUCKET_IAM, name),
        "acl_public": False if uniform is True else _acl_public(comp, r, name),
        "default_kms_key": as_str(r.sub_get(encryption, "default_kms_key_name")),
        "versioning": _bool(
            r.sub_get(r.sub("versioning"), "enabled"),
            default("google_storage_bucket", "versioning"),
        ),
        "retention_policy": {
            "retention_days": retention_days,
            "locked": locked,
            "effective_time": None,
        }
        if retention
        else None,
        "retention_days": retention_days,
        "retention_locked": locked,
        "soft_delete_retention_days": days(r.sub_get(soft, "retention_duration_seconds"), 86400)
        if soft and "retention_duration_seconds" in soft.attrs
        else default("google_storage_bucket", "soft_delete_policy"),
        "lifecycle_delete_age_days": live_age,
        "lifecycle_noncurrent_delete_days": noncurrent_age,
        "logging": {
            "log_bucket": log_bucket,
            "log_object_prefix": as_str(r.sub_get(log, "log_object_prefix")),
        }
        if log
        else None,
        "logging_enabled": log is not None,
    }


def _acl_public(comp: Companions, r: TfResource, name: Any) -> Any:
    for kind in _BUCKET_ACL:
        why = comp.unknown(kind)
        if why is not None:
            return why
        for c in comp.all(kind, r, name):
            entities = [c.get("entity")] if "entity" in c.block.attrs else c.get("role_entity")
            if isinstance(entities, Unknown):
                return entities
            for e in entities if isinstance(entities, list) else []:
                if isinstance(e, Unknown):
                    return e
                if isinstance(e, str) and e.rsplit(":", 1)[-1] in PUBLIC:
                    return True
            predefined = c.get("predefined_acl")
            if isinstance(predefined, Unknown):
                return predefined
            if predefined in ("publicRead", "publicReadWrite", "authenticatedRead"):
                return True
    return False


# --- Compute Engine ----------------------------------------------------------------------

_DEFAULT_SA = "-compute@developer.gserviceaccount.com"
_CLOUD_PLATFORM = ("cloud-platform", "https://www.googleapis.com/auth/cloud-platform")


def _truthy(value: Any) -> Any:
    """A metadata flag as Compute Engine reads it (``TRUE``/``true``)."""
    if isinstance(value, Unknown) or value is None:
        return value
    return str(value).strip().lower() in ("true", "1")


def _metadata_flag(r: TfResource, comp: Companions, key: str, otherwise: Any) -> Any:
    """The instance's metadata value, else the project-wide value defined in code."""
    metadata = r.get("metadata")
    if isinstance(metadata, Unknown):
        return metadata
    value = metadata.get(key) if isinstance(metadata, dict) else None
    if value is None:
        value = comp.project_metadata().get(key)
    return otherwise if value is None else _truthy(value)


def _service_account(r: TfResource) -> tuple[list[Any], Any, Any]:
    """(service_accounts, uses the default account, default account with full access)."""
    block = r.sub("service_account")
    if block is None:
        # Without the block Terraform attaches no service account at all.
        return [], default("google_compute_instance", "service_account"), False
    email = as_str(r.sub_get(block, "email"))
    scopes = r.sub_get(block, "scopes", [])
    if isinstance(email, Unknown):
        # Another resource's attribute is a user-managed account; a variable may be anything.
        uses_default: Any = False if getattr(email, "ref", "") else email
    else:
        uses_default = email is None or email == "default" or email.endswith(_DEFAULT_SA)
    full: Any
    if isinstance(scopes, list):
        full = any(s in _CLOUD_PLATFORM for s in scopes if isinstance(s, str))
        if any(isinstance(s, Unknown) for s in scopes) and full is False:
            full = next(s for s in scopes if isinstance(s, Unknown))
    else:
        full = scopes if isinstance(scopes, Unknown) else False
    accounts = [{"email": email, "scopes": scopes}]
    return accounts, uses_default, all_of((uses_default, full))


def _disk(r: TfResource, block: Block, boot: bool) -> dict[str, Any]:
    csek = any(k in block.attrs for k in ("disk_encryption_key_raw", "disk_encryption_key_rsa"))
    return {
        "source": as_str(r.sub_get(block, "source")),
        "boot": boot,
        "kms_key": as_str(r.sub_get(block, "kms_key_self_link")),
        "csek": csek,
    }


def compute_instance(r: TfResource, comp: Companions) -> Normalised:
    location = placed(r, "zone", "zone")
    interfaces: list[Any] = []
    external: list[Any] = []
    for ni in r.block.children("network_interface"):
        ext: Any = None
        access = ni.children("access_config")
        if access:
            nat = as_str(r.sub_get(access[0], "nat_ip"))
            # An access_config without nat_ip gets an ephemeral address at apply.
            ext = nat if nat is not None else Unknown("an ephemeral external IP", r.address)
            external.append(ext)
        ipv6 = bool(ni.children("ipv6_access_config"))
        if ipv6:
            external.append(Unknown("an external IPv6 range", r.address))
        interfaces.append(
            {
                "network": as_str(r.sub_get(ni, "network")),
                "subnetwork": as_str(r.sub_get(ni, "subnetwork")),
                "internal_ip": as_str(r.sub_get(ni, "network_ip")),
                "external_ip": ext,
                "ipv6_external": ipv6,
            }
        )
    accounts, uses_default, full_access = _service_account(r)
    shielded = r.sub("shielded_instance_config")
    confidential = r.sub("confidential_instance_config")
    labels = r.get("labels")
    disks = [_disk(r, b, True) for b in r.block.children("boot_disk")]
    disks += [_disk(r, b, False) for b in r.block.children("attached_disk")]

    def shield(arg: str) -> Any:
        return _bool(
            r.sub_get(shielded, arg),
            default("google_compute_instance", f"shielded_instance_config.{arg}"),
        )

    return "gcp.compute.instance", {
        **common(r, location),
        "zone": location["location"],
        "machine_type": as_str(r.get("machine_type")),
        "network_interfaces": interfaces,
        "external_ips": external,
        "has_external_ip": bool(external),
        "can_ip_forward": _bool(
            r.get("can_ip_forward"), default("google_compute_instance", "can_ip_forward")
        ),
        "service_accounts": accounts,
        "uses_default_service_account": uses_default,
        "default_sa_full_api_access": full_access,
        "os_login_enabled": _metadata_flag(
            r, comp, "enable-oslogin", default("google_compute_instance", "metadata.enable-oslogin")
        ),
        "block_project_ssh_keys": _metadata_flag(r, comp, "block-project-ssh-keys", False)
        if "metadata" in r.block.attrs
        else False,
        "serial_port_enabled": _metadata_flag(
            r,
            comp,
            "serial-port-enable",
            default("google_compute_instance", "metadata.serial-port-enable"),
        ),
        "shielded_vm": {
            "secure_boot": shield("enable_secure_boot"),
            "vtpm": shield("enable_vtpm"),
            "integrity_monitoring": shield("enable_integrity_monitoring"),
        },
        "confidential_compute": any_of(
            (
                _bool(r.sub_get(confidential, "enable_confidential_compute"), False),
                as_str(r.sub_get(confidential, "confidential_instance_type")) is not None,
            )
        ),
        "deletion_protection": _bool(r.get("deletion_protection"), False),
        "disks": disks,
        "gke_node": isinstance(labels, dict) and "goog-gke-node" in labels,
    }


def compute_disk(r: TfResource, _: Companions) -> Normalised:
    regional = r.type == "google_compute_region_disk"
    location = placed(r, "region") if regional else placed(r, "zone", "zone")
    zones = r.get("replica_zones") if regional else []
    if isinstance(zones, list):
        unknown = next((z for z in zones if isinstance(z, Unknown)), None)
        others = {region_of(z) for z in zones if isinstance(z, str)} - {location["region"]}
        replicas: Any = unknown or sorted(others)
    else:
        zones = replicas = zones if isinstance(zones, Unknown) else []
    key = r.sub("disk_encryption_key")
    kms = as_str(r.sub_get(key, "kms_key_self_link")) or as_str(r.sub_get(key, "kms_key_name"))
    csek = key is not None and any(k in key.attrs for k in ("raw_key", "rsa_encrypted_key"))
    kind = "cmek" if kms is not None else "csek" if csek else None
    return "gcp.compute.disk", {
        **common(r, location),
        "zone": None if regional else location["location"],
        "replica_zones": zones,
        "replica_locations": replicas,
        "size_gb": as_int(r.get("size"), None),
        "disk_type": as_str(r.get("type")) or default(r.type.replace("region_", ""), "type"),
        "encryption_type": kind or default("google_compute_disk", "disk_encryption_key"),
        "kms_key": kms,
        "source_image": as_str(r.get("image")),
    }


_PORTLESS_ALL = ("tcp", "udp", "sctp", "6", "17", "132")


def _rules(r: TfResource, kind: str) -> list[dict[str, Any]]:
    return [
        {
            "protocol": as_str(r.sub_get(b, "protocol")),
            "ports": r.sub_get(b, "ports", []),
        }
        for b in r.block.children(kind)
    ]


def _flatten(rules: list[dict[str, Any]]) -> Any:
    """One {protocol, from_port, to_port} per protocol and port range."""
    out: list[Any] = []
    for rule in rules:
        proto, ports = rule["protocol"], rule["ports"]
        if isinstance(proto, Unknown) or isinstance(ports, Unknown):
            return proto if isinstance(proto, Unknown) else ports
        proto = str(proto or "").lower()
        if proto == "all":
            out.append({"protocol": "all", "from_port": 0, "to_port": 65535})
            continue
        if not ports:
            span = (0, 65535) if proto in _PORTLESS_ALL else (None, None)
            out.append({"protocol": proto, "from_port": span[0], "to_port": span[1]})
        for port in ports if isinstance(ports, list) else []:
            if isinstance(port, Unknown):
                return port
            low, _, high = str(port).partition("-")
            first, last = as_int(low, None), as_int(high or low, None)
            if isinstance(first, Unknown) or isinstance(last, Unknown):
                return first if isinstance(first, Unknown) else last
            out.append({"protocol": proto, "from_port": first, "to_port": last})
    return out


def _strings(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return [v for v in value if isinstance(v, str | Unknown)] if isinstance(value, list) else []


def compute_firewall(r: TfResource, _: Companions) -> Normalised:
    direction = as_str(r.get("direction"))
    direction = (
        direction.upper()
        if isinstance(direction, str)
        else direction or default("google_compute_firewall", "direction")
    )
    ranges = r.get("source_ranges")
    tags = _strings(r.get("source_tags"))
    accounts = _strings(r.get("source_service_accounts"))
    if ranges is None and direction == "INGRESS":
        # An ingress rule naming no source admits every address (Google's default);
        # whether tags or accounts given as unknown values name one is open.
        sources = [x for x in (tags, accounts) if isinstance(x, Unknown) or x]
        if not sources:
            ranges = default("google_compute_firewall", "source_ranges")
        elif all(isinstance(x, Unknown) for x in sources):
            ranges = sources[0]
    network = as_str(r.get("network"))
    allowed, denied = _rules(r, "allow"), _rules(r, "deny")
    log = r.sub("log_config")
    return "gcp.compute.firewall", {
        **common(r, GLOBAL),
        "network": network.rsplit("/", 1)[-1] if isinstance(network, str) else network,
        "direction": direction,
        "priority": as_int(r.get("priority"), default("google_compute_firewall", "priority")),
        "disabled": _bool(r.get("disabled"), False),
        "source_ranges": _strings(ranges),
        "destination_ranges": _strings(r.get("destination_ranges")),
        "source_tags": tags,
        "source_service_accounts": accounts,
        "target_tags": _strings(r.get("target_tags")),
        "target_service_accounts": _strings(r.get("target_service_accounts")),
        "allowed": allowed,
        "denied": denied,
        "allowed_ports": _flatten(allowed),
        "denied_ports": _flatten(denied),
        "logging": any_of((log is not None, _bool(r.get("enable_logging"), False))),
    }


NORMALISERS: dict[str, Callable[[TfResource, Companions], Normalised | None]] = {
    "google_storage_bucket": storage_bucket,
    "google_compute_instance": compute_instance,
    "google_compute_disk": compute_disk,
    "google_compute_region_disk": compute_disk,
    "google_compute_firewall": compute_firewall,
}
