"""What an Azure resource defined in Terraform gets where its definition says nothing.

The ``azurerm`` counterpart of ``aws_defaults`` (same ``Default`` record, same
rules): where an argument is left unset, the value the resource will have is
the azurerm provider's schema default or what Azure itself decides. An Azure
default is applied only when Azure applies it to every resource of the type;
``decided_by`` says which of the two decides. docs/azure.md ("Infrastructure
code") renders this table; tests/repo/test_azurerm.py checks every entry
against the normaliser and the docs.
"""

from __future__ import annotations

from typing import Any

from govscan.collectors.repo.aws_defaults import Default

_TF = "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/"
_SA = _TF + "storage_account"
_BLOB = "https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview"
_DISK = "https://learn.microsoft.com/azure/virtual-machines/disk-encryption"
_DISK_NET = "https://learn.microsoft.com/azure/virtual-machines/disks-enable-private-links-for-import-export-portal"
_KV_SOFT = "https://learn.microsoft.com/azure/key-vault/general/soft-delete-change"
_SQL_AUDIT = "https://learn.microsoft.com/azure/azure-sql/database/auditing-overview"
_PG_TLS = "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-ssl-tls"
_MYSQL_TLS = (
    "https://learn.microsoft.com/azure/mysql/flexible-server/concepts-networking#tls-and-ssl"
)
_LAW_RETENTION = "https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure"
_V4 = "provider v4"


def _p(resource: str, argument: str, field: str, value: Any, doc: str = "") -> Default:
    """A provider schema default (the argument's ``Default`` in the azurerm docs)."""
    return Default(
        resource, argument, field, value, "provider", True, _V4, _TF + (doc or resource[8:])
    )


DEFAULTS: tuple[Default, ...] = (
    _p("azurerm_storage_account", "account_kind", "kind", "StorageV2"),
    _p("azurerm_storage_account", "https_traffic_only_enabled", "https_only", True),
    _p("azurerm_storage_account", "min_tls_version", "minimum_tls_version", "1.2"),
    _p(
        "azurerm_storage_account",
        "allow_nested_items_to_be_public",
        "allow_blob_public_access",
        True,
    ),
    _p("azurerm_storage_account", "shared_access_key_enabled", "allow_shared_key_access", True),
    _p(
        "azurerm_storage_account",
        "cross_tenant_replication_enabled",
        "allow_cross_tenant_replication",
        False,
    ),
    _p(
        "azurerm_storage_account",
        "public_network_access_enabled",
        "public_network_access",
        "Enabled",
    ),
    _p(
        "azurerm_storage_account",
        "infrastructure_encryption_enabled",
        "infrastructure_encryption",
        False,
    ),
    Default(
        "azurerm_storage_account",
        "network_rules",
        "network_default_action",
        "Allow",
        "azure",
        True,
        "API 2017-06-01",
        _SA,
    ),
    Default(
        "azurerm_storage_account",
        "blob_properties.delete_retention_policy",
        "blob_soft_delete.enabled",
        False,
        "azure",
        True,
        "API 2019-06-01",
        _BLOB,
    ),
    _p("azurerm_storage_account", "blob_properties.versioning_enabled", "versioning", False),
    _p("azurerm_managed_disk", "public_network_access_enabled", "public_network_access", "Enabled"),
    Default(
        "azurerm_managed_disk",
        "disk_encryption_set_id",
        "encryption_type",
        "EncryptionAtRestWithPlatformKey",
        "azure",
        True,
        "2017-06",
        _DISK,
    ),
    Default(
        "azurerm_managed_disk",
        "network_access_policy",
        "network_access_policy",
        "AllowAll",
        "azure",
        True,
        "API 2020-05-01",
        _DISK_NET,
    ),
    Default(
        "azurerm_key_vault", "soft_delete", "soft_delete", True, "azure", True, "2025-02", _KV_SOFT
    ),
    _p("azurerm_key_vault", "soft_delete_retention_days", "soft_delete_retention_days", 90),
    _p("azurerm_key_vault", "purge_protection_enabled", "purge_protection", False),
    _p("azurerm_key_vault", "rbac_authorization_enabled", "rbac_authorization", False),
    _p("azurerm_key_vault", "public_network_access_enabled", "public_network_access", "Enabled"),
    _p("azurerm_mssql_server", "minimum_tls_version", "minimum_tls_version", "1.2"),
    _p("azurerm_mssql_server", "public_network_access_enabled", "public_network_access", "Enabled"),
    Default(
        "azurerm_mssql_server",
        "azurerm_mssql_server_extended_auditing_policy",
        "auditing_enabled",
        False,
        "azure",
        True,
        "API 2017-03-01",
        _SQL_AUDIT,
    ),
    _p("azurerm_mssql_database", "transparent_data_encryption_enabled", "tde_enabled", True),
    _p("azurerm_mssql_database", "storage_account_type", "backup_storage_redundancy", "Geo"),
    _p(
        "azurerm_postgresql_flexible_server",
        "backup_retention_days",
        "backup_retention_days",
        7,
    ),
    _p(
        "azurerm_postgresql_flexible_server",
        "geo_redundant_backup_enabled",
        "geo_redundant_backup",
        False,
    ),
    Default(
        "azurerm_postgresql_flexible_server",
        "require_secure_transport",
        "require_secure_transport",
        True,
        "azure",
        True,
        "PostgreSQL flexible server GA",
        _PG_TLS,
    ),
    _p("azurerm_mysql_flexible_server", "backup_retention_days", "backup_retention_days", 7),
    _p(
        "azurerm_mysql_flexible_server",
        "geo_redundant_backup_enabled",
        "geo_redundant_backup",
        False,
    ),
    Default(
        "azurerm_mysql_flexible_server",
        "require_secure_transport",
        "require_secure_transport",
        True,
        "azure",
        True,
        "MySQL flexible server GA",
        _MYSQL_TLS,
    ),
    _p("azurerm_linux_web_app", "https_only", "https_only", False),
    _p("azurerm_linux_web_app", "site_config.minimum_tls_version", "minimum_tls_version", "1.2"),
    _p("azurerm_linux_web_app", "site_config.ftps_state", "ftps_state", "Disabled"),
    _p("azurerm_windows_web_app", "https_only", "https_only", False),
    _p("azurerm_windows_web_app", "site_config.minimum_tls_version", "minimum_tls_version", "1.2"),
    _p("azurerm_windows_web_app", "site_config.ftps_state", "ftps_state", "Disabled"),
    _p("azurerm_kubernetes_cluster", "role_based_access_control_enabled", "rbac_enabled", True),
    _p("azurerm_kubernetes_cluster", "local_account_disabled", "local_accounts_disabled", False),
    _p("azurerm_kubernetes_cluster", "private_cluster_enabled", "private_cluster", False),
    _p("azurerm_container_registry", "admin_enabled", "admin_user_enabled", False),
    _p(
        "azurerm_container_registry",
        "public_network_access_enabled",
        "public_network_access",
        "Enabled",
    ),
    _p(
        "azurerm_cosmosdb_account",
        "public_network_access_enabled",
        "public_network_access",
        "Enabled",
    ),
    _p(
        "azurerm_cosmosdb_account",
        "access_key_metadata_writes_enabled",
        "key_based_metadata_write_disabled",
        False,
    ),
    _p("azurerm_cosmosdb_account", "local_authentication_disabled", "local_auth_disabled", False),
    _p("azurerm_cosmosdb_account", "minimal_tls_version", "minimum_tls_version", "1.2"),
    _p(
        "azurerm_recovery_services_vault",
        "storage_mode_type",
        "storage_redundancy",
        "GeoRedundant",
    ),
    _p(
        "azurerm_recovery_services_vault",
        "cross_region_restore_enabled",
        "cross_region_restore",
        False,
    ),
    _p("azurerm_recovery_services_vault", "soft_delete_enabled", "soft_delete", True),
    _p("azurerm_log_analytics_workspace", "sku", "sku", "PerGB2018"),
    Default(
        "azurerm_log_analytics_workspace",
        "retention_in_days",
        "retention_in_days",
        30,
        "azure",
        True,
        "API 2025-07-01",
        _LAW_RETENTION,
    ),
    _p(
        "azurerm_log_analytics_workspace",
        "internet_ingestion_enabled",
        "public_network_access_for_ingestion",
        "Enabled",
    ),
    _p(
        "azurerm_log_analytics_workspace",
        "internet_query_enabled",
        "public_network_access_for_query",
        "Enabled",
    ),
)

_BY_KEY = {(d.resource, d.argument): d for d in DEFAULTS}


def default(resource: str, argument: str) -> Any:
    """The value a normaliser writes when ``argument`` of ``resource`` is unset."""
    return _BY_KEY[(resource, argument)].value
