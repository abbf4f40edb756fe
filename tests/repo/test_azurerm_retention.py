"""Retention in azurerm code: lifecycle management policies joined to their storage
account, backup policies joined to their vault, and values not known before apply left
unknown, never read as "no rule" (tests/repo/cases/retaz_storage_limitation has the
controls' verdicts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govscan.collectors.repo.normalize import normalise
from govscan.collectors.repo.terraform import load_module

Out = dict[str, tuple[str, dict[str, Any], dict[str, str]]]


def _normalised(tmp_path: Path, tf: str) -> Out:
    (tmp_path / "main.tf").write_text(tf)
    module = load_module(tmp_path, tmp_path)
    assert not module.errors
    return {r.address: (t, data, unknown) for r, t, data, unknown in normalise(module.resources)}


ACCOUNT = """
resource "azurerm_storage_account" "a" {
  name                     = "a"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
"""


def _policy(target: str, rule: str) -> str:
    return f"""
resource "azurerm_storage_management_policy" "p" {{
  storage_account_id = {target}
  {rule}
}}
"""


RULE = """rule {
    name    = "r"
    enabled = true
    filters {
      blob_types = ["blockBlob"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = 90
        delete_after_days_since_creation_greater_than     = -1
      }
    }
  }"""


def test_a_policy_joins_its_account_by_reference(tmp_path: Path) -> None:
    out = _normalised(tmp_path, ACCOUNT + _policy("azurerm_storage_account.a.id", RULE))
    rtype, data, unknown = out["azurerm_storage_account.a"]
    assert rtype == "azure.storage.account"
    # -1 is the provider's "not set": the modification age alone decides.
    assert (data["lifecycle_delete_after_days"], unknown) == (90, {})
    assert "azurerm_storage_management_policy.p" not in out


def test_an_account_without_a_policy_keeps_its_blobs(tmp_path: Path) -> None:
    _, data, unknown = _normalised(tmp_path, ACCOUNT)["azurerm_storage_account.a"]
    assert data["lifecycle_delete_after_days"] is None and unknown == {}


def test_a_policy_for_an_account_not_known_before_apply_leaves_the_age_unknown(
    tmp_path: Path,
) -> None:
    tf = 'variable "account" {}\n' + ACCOUNT + _policy("var.account", RULE)
    _, data, unknown = _normalised(tmp_path, tf)["azurerm_storage_account.a"]
    assert "lifecycle_delete_after_days" not in data
    assert "azurerm_storage_management_policy.p" in unknown["lifecycle_delete_after_days"]


def test_rules_from_a_dynamic_block_are_not_known(tmp_path: Path) -> None:
    rule = """dynamic "rule" {
    for_each = var.rules
    content {
      name    = rule.value
      enabled = true
      actions {
        base_blob {
          delete_after_days_since_modification_greater_than = 30
        }
      }
    }
  }"""
    tf = 'variable "rules" {}\n' + ACCOUNT + _policy("azurerm_storage_account.a.id", rule)
    _, data, unknown = _normalised(tmp_path, tf)["azurerm_storage_account.a"]
    assert "lifecycle_delete_after_days" not in data
    assert 'dynamic "rule"' in unknown["lifecycle_delete_after_days"]


VAULT = """
resource "azurerm_recovery_services_vault" "v" {
  name                = "rsv"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Standard"
}
"""


def test_backup_policies_join_their_vault_by_name_with_periods_in_days(tmp_path: Path) -> None:
    tf = (
        VAULT
        + """
resource "azurerm_backup_policy_vm" "by_reference" {
  name                = "vm"
  resource_group_name = "rg"
  recovery_vault_name = azurerm_recovery_services_vault.v.name
  retention_daily {
    count = 14
  }
  retention_monthly {
    count = 6
  }
}
resource "azurerm_backup_policy_file_share" "by_name" {
  name                = "files"
  resource_group_name = "rg"
  recovery_vault_name = "rsv"
  retention_weekly {
    count = 10
  }
}
resource "azurerm_backup_policy_vm" "elsewhere" {
  name                = "other"
  resource_group_name = "rg"
  recovery_vault_name = "another-vault"
  retention_yearly {
    count = 10
  }
}
"""
    )
    _, data, unknown = _normalised(tmp_path, tf)["azurerm_recovery_services_vault.v"]
    assert unknown == {}
    assert sorted(data["backup_policies"], key=lambda p: p["name"]) == [
        {"name": "files", "management_type": "AzureStorage", "retention_days": 70},
        {"name": "vm", "management_type": "AzureIaasVM", "retention_days": 186},
    ]
    assert data["longest_backup_retention_days"] == 186


def test_a_count_not_known_before_apply_leaves_the_retention_unknown(tmp_path: Path) -> None:
    tf = (
        'variable "years" {}\n'
        + VAULT
        + """
resource "azurerm_backup_policy_vm" "p" {
  name                = "vm"
  resource_group_name = "rg"
  recovery_vault_name = "rsv"
  retention_daily {
    count = 7
  }
  retention_yearly {
    count = var.years
  }
}
"""
    )
    _, data, unknown = _normalised(tmp_path, tf)["azurerm_recovery_services_vault.v"]
    assert "longest_backup_retention_days" not in data
    assert "var.years" in unknown["longest_backup_retention_days"]


def test_a_workspace_with_its_retention_and_access(tmp_path: Path) -> None:
    tf = """
resource "azurerm_log_analytics_workspace" "w" {
  name                       = "w"
  location                   = "Germany West Central"
  retention_in_days          = 90
  internet_ingestion_enabled = false
}
"""
    rtype, data, unknown = _normalised(tmp_path, tf)["azurerm_log_analytics_workspace.w"]
    assert rtype == "azure.operationalinsights.workspace"
    assert unknown == {}
    assert data == {
        "region": "germanywestcentral",
        "sku": "PerGB2018",
        "retention_in_days": 90,
        "public_network_access_for_ingestion": "Disabled",
        "public_network_access_for_query": "Enabled",
    }
