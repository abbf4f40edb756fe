"""``azapi_resource`` bodies judged with the live Azure collector's shape functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from govscan.collectors.repo.normalize import normalise
from govscan.collectors.repo.terraform import load_module
from govscan.collectors.shapes.azure_details import NoDetails
from govscan.collectors.shapes.azure_storage import account

RG = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-x"


def _one(tmp_path: Path, hcl: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    (tmp_path / "main.tf").write_text(hcl)
    found = [(t, d, u) for _, t, d, u in normalise(load_module(tmp_path, tmp_path).resources)]
    assert len(found) == 1, found
    return found[0]


def _azapi(kind: str, body: str, extra: str = 'location = "westeurope"') -> str:
    return (
        f'resource "azapi_resource" "x" {{\n  type = "{kind}"\n  name = "res-x"\n'
        f'  parent_id = "{RG}"\n  {extra}\n  body = {body}\n}}\n'
    )


FULL_ACCOUNT = {
    "kind": "StorageV2",
    "sku": {"name": "Standard_RAGRS"},
    "properties": {
        "allowBlobPublicAccess": False,
        "allowSharedKeyAccess": False,
        "allowCrossTenantReplication": False,
        "minimumTlsVersion": "TLS1_2",
        "supportsHttpsTrafficOnly": True,
        "publicNetworkAccess": "Disabled",
        "networkAcls": {
            "defaultAction": "Deny",
            "bypass": "AzureServices",
            "ipRules": [{"value": "203.0.113.7"}],
        },
        "encryption": {"keySource": "Microsoft.Storage", "requireInfrastructureEncryption": True},
    },
}


def test_a_fully_set_body_has_exactly_the_live_fields(tmp_path: Path) -> None:
    kind = "Microsoft.Storage/storageAccounts@2023-05-01"
    rtype, data, unknown = _one(
        tmp_path, _azapi(kind, f"jsondecode({json.dumps(json.dumps(FULL_ACCOUNT))})")
    )
    live = account({**FULL_ACCOUNT, "location": "westeurope"}, NoDetails())
    assert rtype == "azure.storage.account"
    assert {k: data[k] for k in live if k != "created"} == {
        k: v for k, v in live.items() if k != "created"
    }
    assert data["region"] == "westeurope" and data["resource_group"] == "rg-x"
    assert data["copy_locations"] == ["northeurope"]
    # Only what the blob service and lifecycle policy tell stays open.
    assert set(unknown) == {
        "blob_soft_delete",
        "container_soft_delete",
        "versioning",
        "lifecycle_delete_after_days",
    }


def test_a_value_unknown_before_apply_never_passes(tmp_path: Path) -> None:
    body = '{ properties = { allowBlobPublicAccess = var.public, minimumTlsVersion = "TLS1_2" } }'
    hcl = 'variable "public" {}\n' + _azapi("Microsoft.Storage/storageAccounts@2023-05-01", body)
    _, data, unknown = _one(tmp_path, hcl)
    assert "allow_blob_public_access" not in data
    assert unknown["allow_blob_public_access"].startswith("value unknown before apply: var.public")
    assert data["minimum_tls_version"] == "1.2"


def test_an_unknown_rule_leaves_the_rules_open(tmp_path: Path) -> None:
    body = (
        '{ properties = { securityRules = [{ name = "r", properties = { priority = 100,'
        ' direction = "Inbound", access = "Allow", protocol = "Tcp",'
        ' sourceAddressPrefix = var.src, destinationPortRange = "3389" } }] } }'
    )
    hcl = 'variable "src" {}\n' + _azapi("Microsoft.Network/networkSecurityGroups@2024-05-01", body)
    rtype, data, unknown = _one(tmp_path, hcl)
    assert rtype == "azure.network.security_group"
    assert "rules" in unknown and "var.src" in unknown["rules"]
    assert "subnets" not in data  # only the running group has attachments


def test_azure_default_rules_are_added(tmp_path: Path) -> None:
    hcl = _azapi("Microsoft.Network/networkSecurityGroups@2024-05-01", "{ properties = {} }")
    _, data, unknown = _one(tmp_path, hcl)
    assert unknown == {}
    names = [r["name"] for r in data["rules"] if r["default"]]
    assert "DenyAllInBound" in names and len(names) == 6


def test_an_unset_property_without_a_documented_default_is_not_assumed(tmp_path: Path) -> None:
    hcl = _azapi("Microsoft.Storage/storageAccounts@2023-05-01", "{ properties = {} }")
    _, data, unknown = _one(tmp_path, hcl)
    assert "allow_shared_key_access" not in data
    assert "does not set properties.allowSharedKeyAccess" in unknown["allow_shared_key_access"]
    # Documented: secure transfer is required by default since API version 2019-04-01.
    assert data["https_only"] is True


def test_an_old_api_version_gets_no_default(tmp_path: Path) -> None:
    hcl = _azapi("Microsoft.Storage/storageAccounts@2018-11-01", "{ properties = {} }")
    _, data, unknown = _one(tmp_path, hcl)
    assert "https_only" in unknown and "https_only" not in data


def test_without_a_location_the_region_is_open(tmp_path: Path) -> None:
    hcl = _azapi("Microsoft.KeyVault/vaults@2023-07-01", "{ properties = {} }", extra="")
    rtype, data, unknown = _one(tmp_path, hcl)
    assert rtype == "azure.keyvault.vault"
    assert "region" not in data and "parent's location" in unknown["region"]


def test_children_updates_and_hostile_bodies_are_no_crash(tmp_path: Path) -> None:
    hcl = (
        _azapi("Microsoft.Storage/storageAccounts/blobServices@2023-05-01", "{}")
        + 'resource "azapi_update_resource" "u" {\n'
        + '  type = "Microsoft.Storage/storageAccounts@2023-05-01"\n'
        f'  resource_id = "{RG}/providers/Microsoft.Storage/storageAccounts/x"\n  body = {{}}\n}}\n'
    )
    (tmp_path / "main.tf").write_text(hcl)
    assert list(normalise(load_module(tmp_path, tmp_path).resources)) == []
    for body in ('"not json {"', "[1, 2]", '"{\\"properties\\": 5}"'):
        _, data, _ = _one(tmp_path, _azapi("Microsoft.Storage/storageAccounts@{path}", body))
        assert data["region"] == "westeurope"
        assert "allow_shared_key_access" not in data


def test_an_update_resource_patches_its_target(tmp_path: Path) -> None:
    kind = "Microsoft.Storage/storageAccounts@2023-05-01"
    body = '{ properties = { allowSharedKeyAccess = true, minimumTlsVersion = "TLS1_2" } }'
    hcl = _azapi(kind, body) + (
        'resource "azapi_update_resource" "cmk" {\n'
        f'  type = "{kind}"\n  resource_id = azapi_resource.x.id\n'
        "  body = { properties = { allowSharedKeyAccess = false, encryption = {"
        ' keySource = "Microsoft.Keyvault", keyvaultproperties = {'
        ' keyvaulturi = "https://kv.vault.azure.net/", keyname = "k" } } } }\n}\n'
    )
    _, data, _ = _one(tmp_path, hcl)
    assert data["customer_managed_key"] is True
    assert data["key_vault_key_uri"] == "https://kv.vault.azure.net/keys/k"
    assert data["allow_shared_key_access"] is False
    assert data["minimum_tls_version"] == "1.2"


def test_an_update_of_an_unknown_target_leaves_what_it_sets_open(tmp_path: Path) -> None:
    kind = "Microsoft.Storage/storageAccounts@2023-05-01"
    body = '{ properties = { allowSharedKeyAccess = false, minimumTlsVersion = "TLS1_2" } }'
    hcl = (
        'variable "id" {}\n'
        + _azapi(kind, body)
        + (
            'resource "azapi_update_resource" "u" {\n'
            f'  type = "{kind}"\n  resource_id = var.id\n'
            "  body = { properties = { allowSharedKeyAccess = true } }\n}\n"
        )
    )
    _, data, unknown = _one(tmp_path, hcl)
    assert "allow_shared_key_access" not in data
    assert "azapi_update_resource.u may patch it" in unknown["allow_shared_key_access"]
    assert data["minimum_tls_version"] == "1.2"


def test_every_documented_default_is_in_the_docs() -> None:
    from govscan.collectors.repo.azapi_defaults import DEFAULTS

    docs = (Path(__file__).parents[2] / "docs" / "azure.md").read_text()
    rows = [line for line in docs.splitlines() if line.startswith("| `Microsoft.")]
    for d in DEFAULTS:
        prop = ".".join(d.path)
        assert any(
            f"`{prop}`" in row and d.since in row and d.source in row and d.arm_type in row.lower()
            for row in rows
        ), d


def test_a_hostile_rule_body_is_no_crash_and_no_pass(tmp_path: Path) -> None:
    rules = ", ".join(
        f'{{ name = "r{i}", properties = {{ priority = {{}}, protocol = [],'
        f" sourceAddressPrefix = {{ a = 1 }}, destinationPortRange = var.p{i % 3} }} }}"
        for i in range(300)
    )
    hcl = "".join(f'variable "p{i}" {{}}\n' for i in range(3)) + _azapi(
        "Microsoft.Network/networkSecurityGroups@2024-05-01",
        f"{{ properties = {{ securityRules = [{rules}] }} }}",
    )
    _, _, unknown = _one(tmp_path, hcl)
    assert "rules" in unknown and "var.p0" in unknown["rules"]


def test_a_key_source_from_a_variable_is_open(tmp_path: Path) -> None:
    body = "{ properties = { encryption = { keySource = var.source } } }"
    hcl = 'variable "source" {}\n' + _azapi("Microsoft.Storage/storageAccounts@2023-05-01", body)
    _, data, unknown = _one(tmp_path, hcl)
    assert "customer_managed_key" not in data and "var.source" in unknown["customer_managed_key"]
