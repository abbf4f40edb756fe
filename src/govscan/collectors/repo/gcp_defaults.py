"""What a Google Cloud resource defined in Terraform gets where its definition says nothing.

One table for the ``google_*`` normalisers, read like ``aws_defaults``: where an
argument is left unset, the field reads as the provider's schema default or
what Google Cloud itself decides. A Google default is *applied* only when
Google applies it to every resource of the type; one that depends on the
project or organisation (project-wide metadata turning OS Login on, an
organisation policy enforcing public access prevention) is not: the field
reads as the definition leaves it, because the definition does not make it so.
docs/gcp.md ("Infrastructure code") renders this table; tests/repo/
test_google_defaults.py checks every entry against the normaliser and the docs.
"""

from __future__ import annotations

from typing import Any

from govscan.collectors.repo.aws_defaults import Default

_TF = "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/"
_GCS = "https://cloud.google.com/storage/docs/"
_SQL = "https://cloud.google.com/sql/docs/mysql/admin-api/rest/v1/instances"
_FW = "https://cloud.google.com/firewall/docs/firewalls"
_BQ = "https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets"
_GKE = "https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels"
_SQL_BACKUPS = "https://cloud.google.com/sql/docs/mysql/backup-recovery/backups"
_OSL = "https://cloud.google.com/compute/docs/oslogin/set-up-oslogin"
_SERIAL = (
    "https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-using-serial-console"
)
_PROVIDER = "provider v6"


def _p(resource: str, argument: str, field: str, value: Any, page: str) -> Default:
    """A default of the provider's schema."""
    return Default(resource, argument, field, value, "provider", True, _PROVIDER, _TF + page)


DEFAULTS: tuple[Default, ...] = (
    _p(
        "google_storage_bucket",
        "uniform_bucket_level_access",
        "uniform_bucket_level_access",
        False,
        "storage_bucket",
    ),
    Default(
        "google_storage_bucket",
        "location",
        "location",
        "US",
        "gcp",
        True,
        "API v1",
        _GCS + "locations",
    ),
    _p("google_storage_bucket", "storage_class", "storage_class", "STANDARD", "storage_bucket"),
    Default(
        "google_storage_bucket",
        "public_access_prevention",
        "public_access_prevention",
        "inherited",
        "gcp",
        False,
        "2021-04",
        _GCS + "public-access-prevention",
    ),
    Default(
        "google_storage_bucket",
        "versioning",
        "versioning",
        False,
        "gcp",
        True,
        "API v1",
        _GCS + "object-versioning",
    ),
    Default(
        "google_storage_bucket",
        "soft_delete_policy",
        "soft_delete_retention_days",
        7,
        "gcp",
        True,
        "2024-03-01",
        _GCS + "soft-delete",
    ),
    _p("google_compute_instance", "can_ip_forward", "can_ip_forward", False, "compute_instance"),
    _p(
        "google_compute_instance",
        "shielded_instance_config.enable_secure_boot",
        "shielded_vm.secure_boot",
        False,
        "compute_instance",
    ),
    _p(
        "google_compute_instance",
        "shielded_instance_config.enable_vtpm",
        "shielded_vm.vtpm",
        True,
        "compute_instance",
    ),
    _p(
        "google_compute_instance",
        "shielded_instance_config.enable_integrity_monitoring",
        "shielded_vm.integrity_monitoring",
        True,
        "compute_instance",
    ),
    _p(
        "google_compute_instance",
        "service_account",
        "uses_default_service_account",
        False,
        "compute_instance",
    ),
    Default(
        "google_compute_instance",
        "metadata.enable-oslogin",
        "os_login_enabled",
        False,
        "gcp",
        False,
        "API v1",
        _OSL,
    ),
    Default(
        "google_compute_instance",
        "metadata.serial-port-enable",
        "serial_port_enabled",
        False,
        "gcp",
        True,
        "API v1",
        _SERIAL,
    ),
    _p("google_compute_disk", "type", "disk_type", "pd-standard", "compute_disk"),
    Default(
        "google_compute_disk",
        "disk_encryption_key",
        "encryption_type",
        "google-managed",
        "gcp",
        True,
        "API v1",
        "https://cloud.google.com/docs/security/encryption/default-encryption",
    ),
    _p("google_compute_firewall", "direction", "direction", "INGRESS", "compute_firewall"),
    _p("google_compute_firewall", "priority", "priority", 1000, "compute_firewall"),
    Default(
        "google_compute_firewall",
        "source_ranges",
        "source_ranges",
        ["0.0.0.0/0"],
        "gcp",
        True,
        "API v1",
        _FW,
    ),
    _p(
        "google_sql_database_instance",
        "settings.ip_configuration.ipv4_enabled",
        "public_ip",
        True,
        "sql_database_instance",
    ),
    Default(
        "google_sql_database_instance",
        "settings.ip_configuration.ssl_mode",
        "ssl_mode",
        "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
        "gcp",
        True,
        "API v1",
        _SQL,
    ),
    _p(
        "google_sql_database_instance",
        "settings.backup_configuration.enabled",
        "backup_enabled",
        False,
        "sql_database_instance",
    ),
    Default(
        "google_sql_database_instance",
        "settings.backup_configuration.backup_retention_settings",
        "backup_retained_count",
        7,
        "gcp",
        True,
        "API v1",
        _SQL_BACKUPS,
    ),
    Default(
        "google_sql_database_instance",
        "settings.backup_configuration.transaction_log_retention_days",
        "transaction_log_retention_days",
        7,
        "gcp",
        True,
        "API v1",
        _SQL_BACKUPS,
    ),
    _p(
        "google_sql_database_instance",
        "settings.availability_type",
        "availability_type",
        "ZONAL",
        "sql_database_instance",
    ),
    _p(
        "google_sql_database_instance",
        "settings.deletion_protection_enabled",
        "deletion_protection",
        False,
        "sql_database_instance",
    ),
    _p("google_kms_crypto_key", "purpose", "purpose", "ENCRYPT_DECRYPT", "kms_crypto_key"),
    _p(
        "google_kms_crypto_key",
        "version_template.protection_level",
        "protection_level",
        "SOFTWARE",
        "kms_crypto_key",
    ),
    _p("google_kms_crypto_key", "rotation_period", "rotation_period_days", None, "kms_crypto_key"),
    Default("google_bigquery_dataset", "location", "location", "US", "gcp", True, "API v2", _BQ),
    _p("google_container_cluster", "enable_legacy_abac", "legacy_abac", False, "container_cluster"),
    _p(
        "google_container_cluster",
        "enable_shielded_nodes",
        "shielded_nodes",
        True,
        "container_cluster",
    ),
    _p(
        "google_container_cluster",
        "private_cluster_config.enable_private_nodes",
        "private_nodes",
        False,
        "container_cluster",
    ),
    _p(
        "google_container_cluster",
        "master_auth.client_certificate_config",
        "client_certificate",
        False,
        "container_cluster",
    ),
    _p(
        "google_container_cluster",
        "node_pool.management",
        "node_pools[0].auto_repair",
        True,
        "container_cluster",
    ),
    Default(
        "google_container_cluster",
        "release_channel",
        "release_channel",
        None,
        "gcp",
        False,
        "API v1",
        _GKE,
    ),
)

_BY_KEY = {(d.resource, d.argument): d for d in DEFAULTS}


def default(resource: str, argument: str) -> Any:
    """The value a normaliser writes when ``argument`` of ``resource`` is unset."""
    value = _BY_KEY[(resource, argument)].value
    return list(value) if isinstance(value, list) else value
