"""Terraform definitions of Cloud SQL, Cloud KMS, BigQuery, Secret Manager and Cloud
Logging resources, in the shapes of the live GCP collector (see ``normalize_gcp``).
Copies count for residency: read replicas, failover zones and backup locations of
a Cloud SQL instance, and user-managed replicas of a secret, are listed in
``replica_locations``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    project,
    public_members,
    region_of,
    spell,
)
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import all_of, any_of, as_int, as_str, one_of
from govscan.collectors.repo.unknowns import as_bool as _bool

# --- Cloud SQL ---------------------------------------------------------------------------

_SQL = "google_sql_database_instance"
_SSL_REQUIRED = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


def _elsewhere(own: Any, locations: Iterable[Any]) -> Any:
    """The regions of ``locations`` other than ``own``, sorted; unknown when one is."""
    found: set[str] = set()
    for loc in locations:
        if loc is None:
            continue
        if isinstance(loc, Unknown):
            return loc
        found.add(region_of(spell(loc)))
    if isinstance(own, Unknown):
        return own if found else []
    return sorted(found - {own})


def _open_networks(public_ip: Any, networks: list[Any]) -> Any:
    """A public IP with an authorised network spanning every address."""
    wide = any_of(n if isinstance(n, Unknown) else str(n).endswith("/0") for n in networks)
    return all_of((public_ip, wide))


def _log_days(r: TfResource, settings: Block | None, backup: Block | None) -> Any:
    """Transaction log retention: as set, else the edition's default (Enterprise Plus
    keeps 14 days, Enterprise the table's 7)."""
    edition = as_str(r.sub_get(settings, "edition"))
    unset = default(_SQL, "settings.backup_configuration.transaction_log_retention_days")
    if isinstance(edition, Unknown):
        unset = edition
    elif edition == "ENTERPRISE_PLUS":
        unset = 14
    given = r.sub_get(backup, "transaction_log_retention_days")
    return unset if given is None else as_int(given, None)


def sql_instance(r: TfResource, comp: Companions) -> Normalised:
    location = placed(r, "region")
    settings = r.sub("settings")
    ip = r.sub("settings", "ip_configuration")
    backup = r.sub("settings", "backup_configuration")
    preference = r.sub("settings", "location_preference")
    version = as_str(r.get("database_version"))
    master = r.get("master_instance_name")
    public_ip = _bool(
        r.sub_get(ip, "ipv4_enabled"), default(_SQL, "settings.ip_configuration.ipv4_enabled")
    )
    networks = [r.sub_get(b, "value") for b in ip.children("authorized_networks")] if ip else []
    ssl_mode = as_str(r.sub_get(ip, "ssl_mode"))
    legacy_ssl = _bool(r.sub_get(ip, "require_ssl"), False)
    backup_location = spell(as_str(r.sub_get(backup, "location")))
    retention = r.sub("settings", "backup_configuration", "backup_retention_settings")
    name = as_str(r.get("name"))
    replicas = [
        {"name": as_str(rep.get("name")), "region": placed(rep, "region")["region"]}
        for rep in comp.all(_SQL, r, name)
        if rep is not r
    ]
    secondary = as_str(r.sub_get(preference, "secondary_zone"))
    flags: Any = {}
    for b in settings.children("database_flags") if settings else []:
        key = as_str(r.sub_get(b, "name"))
        if isinstance(key, Unknown):
            flags = key  # which flag is set is not known: none of them is
            break
        if key is not None:
            flags[key] = r.sub_get(b, "value")
    return "gcp.sql.instance", {
        **common(r, location),
        "instance_type": as_str(r.get("instance_type"))
        or ("READ_REPLICA_INSTANCE" if master is not None else "CLOUD_SQL_INSTANCE"),
        "database_version": version,
        "engine": version.split("_", 1)[0].lower() if isinstance(version, str) else version,
        "gce_zone": as_str(r.sub_get(preference, "zone")),
        "secondary_zone": secondary,
        "availability_type": as_str(r.sub_get(settings, "availability_type"))
        or default(_SQL, "settings.availability_type"),
        "public_ip": public_ip,
        "private_network": as_str(r.sub_get(ip, "private_network")),
        "authorized_networks": networks,
        "open_to_internet": _open_networks(public_ip, networks),
        "ssl_mode": ssl_mode or default(_SQL, "settings.ip_configuration.ssl_mode"),
        "ssl_required": any_of((one_of(ssl_mode, _SSL_REQUIRED), legacy_ssl)),
        "backup_enabled": _bool(
            r.sub_get(backup, "enabled"), default(_SQL, "settings.backup_configuration.enabled")
        ),
        "backup_location": backup_location,
        "backup_retained_count": as_int(
            r.sub_get(retention, "retained_backups"),
            default(_SQL, "settings.backup_configuration.backup_retention_settings"),
        ),
        "transaction_log_retention_days": _log_days(r, settings, backup),
        "pitr_enabled": any_of(
            (
                _bool(r.sub_get(backup, "point_in_time_recovery_enabled"), False),
                _bool(r.sub_get(backup, "binary_log_enabled"), False),
            )
        ),
        "database_flags": flags,
        "kms_key": as_str(r.get("encryption_key_name")),
        "master_instance": master if isinstance(master, Unknown) else as_str(master),
        "replicas": replicas,
        "replica_locations": _elsewhere(
            location["region"],
            [*(x["region"] for x in replicas), secondary, backup_location],
        ),
        "deletion_protection": _bool(
            r.sub_get(settings, "deletion_protection_enabled"),
            default(_SQL, "settings.deletion_protection_enabled"),
        ),
    }


# --- Cloud KMS ---------------------------------------------------------------------------

_KMS_IAM = ("google_kms_crypto_key_iam_member", "google_kms_crypto_key_iam_binding")


def kms_key(r: TfResource, comp: Companions) -> Normalised:
    given = r.get("key_ring")
    ring = comp.referenced(given)
    extra: dict[str, Any] = {}
    if ring is not None and ring.type == "google_kms_key_ring":
        location = placed(ring, "location")
        ring_name = as_str(ring.get("name"))
        ring_project = project(ring)
        if ring_project is not None:
            extra["project_id"] = ring_project
    elif isinstance(given, str) and given.count("/") == 5:
        # projects/<p>/locations/<l>/keyRings/<r>
        parts = given.split("/")
        location = {"location": spell(parts[3]), "region": region_of(spell(parts[3]))}
        ring_name = parts[5]
        extra["project_id"] = parts[1]
    else:
        why = given if isinstance(given, Unknown) else Unknown(f"key_ring = {given!r}")
        location, ring_name = {"location": why, "region": why}, why
    template = r.sub("version_template")
    return "gcp.kms.key", {
        **common(r, location),
        **extra,
        "key_ring": ring_name,
        "purpose": as_str(r.get("purpose")) or default("google_kms_crypto_key", "purpose"),
        "protection_level": as_str(r.sub_get(template, "protection_level"))
        or default("google_kms_crypto_key", "version_template.protection_level"),
        "rotation_period_days": days(as_str(r.get("rotation_period")), 86400)
        if r.get("rotation_period") is not None
        else default("google_kms_crypto_key", "rotation_period"),
        "iam_public_members": public_members(comp, r, _KMS_IAM, None),
    }


# --- BigQuery ----------------------------------------------------------------------------

_BQ_IAM = ("google_bigquery_dataset_iam_member", "google_bigquery_dataset_iam_binding")
_BQ_PREFIX = {"user_by_email": "user:", "group_by_email": "group:", "domain": "domain:"}


def _access_member(owner: TfResource, block: Block) -> Any:
    """An access entry's grantee in IAM spelling (``user:a@b``, ``allUsers``)."""
    for arg, prefix in _BQ_PREFIX.items():
        value = as_str(owner.sub_get(block, arg))
        if value is not None:
            return value if isinstance(value, Unknown) else prefix + value
    special = as_str(owner.sub_get(block, "special_group"))
    if special is not None:
        return (
            special
            if isinstance(special, Unknown) or special in PUBLIC
            else f"specialGroup:{special}"
        )
    return as_str(owner.sub_get(block, "iam_member"))


def bigquery_dataset(r: TfResource, comp: Companions) -> Normalised:
    given = as_str(r.get("location"))
    location = spell(given if given is not None else default("google_bigquery_dataset", "location"))
    dataset = as_str(r.get("dataset_id"))
    access: list[Any] = []
    grants = [(r, b) for b in r.block.children("access")]
    grants += [(c, c.block) for c in comp.all("google_bigquery_dataset_access", r, dataset)]
    for owner, block in grants:
        member = _access_member(owner, block)
        if member is not None:
            access.append({"role": as_str(owner.sub_get(block, "role")), "member": member})
    by_iam = public_members(comp, r, _BQ_IAM, dataset)
    listed = [*(by_iam if isinstance(by_iam, list) else [by_iam]), *(a["member"] for a in access)]
    known = sorted({m for m in listed if isinstance(m, str) and m in PUBLIC})
    # Another resource's attribute (a service account's email) is no public member.
    pending = [m for m in listed if isinstance(m, Unknown) and not getattr(m, "ref", "")]
    public: Any = [*known, *pending[:1]] if known else (pending[0] if pending else [])
    encryption = r.sub("default_encryption_configuration")
    return "gcp.bigquery.dataset", {
        **common(r, {"location": location, "region": region_of(location)}),
        "dataset_id": dataset,
        "default_kms_key": as_str(r.sub_get(encryption, "kms_key_name")),
        "access": access,
        "iam_public_members": public,
        "default_table_expiration_days": days(r.get("default_table_expiration_ms"), 86_400_000),
    }


# --- Secret Manager ----------------------------------------------------------------------


def secret(r: TfResource, _: Companions) -> Normalised:
    rotation = r.sub("rotation")
    fields: dict[str, Any] = {
        "secret_id": as_str(r.get("secret_id")),
        "rotation_period_days": days(as_str(r.sub_get(rotation, "rotation_period")), 86400),
        "next_rotation_time": as_str(r.sub_get(rotation, "next_rotation_time")),
        "expire_time": as_str(r.get("expire_time")),
    }
    if r.type == "google_secret_manager_regional_secret":
        encryption = r.sub("customer_managed_encryption")
        return "gcp.secretmanager.secret", {
            **common(r, placed(r, "location")),
            **fields,
            "replication": "regional",
            "replica_locations": [],
            "cmek": encryption is not None,
        }
    managed = r.sub("replication", "user_managed")
    if managed is not None:
        replicas = managed.children("replicas")
        locations = [spell(as_str(r.sub_get(b, "location"))) for b in replicas]
        cmek: Any = bool(replicas) and all(
            b.children("customer_managed_encryption") for b in replicas
        )
        kind = "user_managed"
    else:
        # Automatic replication: Google chooses where the copies are, the location is global.
        auto = r.sub("replication", "auto")
        locations, kind = [], "automatic"
        cmek = auto is not None and bool(auto.children("customer_managed_encryption"))
    return "gcp.secretmanager.secret", {
        **common(r, GLOBAL),
        **fields,
        "replication": kind,
        "replica_locations": locations,
        "cmek": cmek,
    }


# --- Cloud Logging -----------------------------------------------------------------------


def log_bucket(r: TfResource, _: Companions) -> Normalised:
    bucket = as_str(r.get("bucket_id"))
    return "gcp.logging.bucket", {
        **common(r, placed(r, "location")),
        "bucket_id": bucket,
        "builtin": bucket in ("_Default", "_Required"),
        "retention_days": as_int(r.get("retention_days"), 30),
        "locked": _bool(r.get("locked"), False),
        "kms_key": as_str(r.sub_get(r.sub("cmek_settings"), "kms_key_name")),
        "analytics_enabled": _bool(r.get("enable_analytics"), False),
    }


NORMALISERS: dict[str, Callable[[TfResource, Companions], Normalised | None]] = {
    "google_sql_database_instance": sql_instance,
    "google_kms_crypto_key": kms_key,
    "google_bigquery_dataset": bigquery_dataset,
    "google_secret_manager_secret": secret,
    "google_secret_manager_regional_secret": secret,
    "google_logging_project_bucket_config": log_bucket,
}
