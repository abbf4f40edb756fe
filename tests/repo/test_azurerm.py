"""azurerm resources in the shapes of the live Azure collector: provider defaults
written out (one table, each entry checked against the normaliser and the docs),
companion resources joined to what they configure, locations as ARM writes them,
copies by the region pair, and values not known before apply left unknown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govscan.collectors.repo.aws_defaults import Default
from govscan.collectors.repo.azure_defaults import DEFAULTS
from govscan.collectors.repo.normalize import PROVIDERS, normalise
from govscan.collectors.repo.terraform import load_module
from govscan.language.paths import getter

DOCS = Path(__file__).parents[2] / "docs" / "azure.md"

Out = dict[str, tuple[str, dict[str, Any], dict[str, str]]]


def _normalised(tmp_path: Path, tf: str) -> Out:
    (tmp_path / "main.tf").write_text(tf)
    module = load_module(tmp_path, tmp_path)
    assert not module.errors
    return {r.address: (t, data, unknown) for r, t, data, unknown in normalise(module.resources)}


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource}.{d.argument}")
def test_an_unset_argument_reads_as_the_documented_default(tmp_path: Path, entry: Default) -> None:
    out = _normalised(tmp_path, f'resource "{entry.resource}" "x" {{ location = "westeurope" }}\n')
    _, data, unknown = out[f"{entry.resource}.x"]
    assert not [p for p in unknown if p.split(".")[0] == entry.field.split(".")[0]]
    assert getter(entry.field)(data) == entry.value


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource}.{d.argument}")
def test_every_default_is_in_the_docs_table_with_its_source(entry: Default) -> None:
    rows = [line for line in DOCS.read_text().splitlines() if line.startswith("| `azurerm_")]
    start = f"| `{entry.resource}` | `{entry.argument}` |"
    row = next((r for r in rows if r.startswith(start)), None)
    assert row is not None, entry
    assert entry.source in row and entry.since in row and f"`{entry.field}`" in row


def test_the_table_names_each_argument_once() -> None:
    keys = [(d.resource, d.argument) for d in DEFAULTS]
    assert len(keys) == len(set(keys))
    assert {d.decided_by for d in DEFAULTS} == {"azure", "provider"}


def test_azurerm_resources_are_dispatched_to_the_azure_normaliser() -> None:
    assert PROVIDERS["azurerm_"] == ("azure", "govscan.collectors.repo.normalize_azure")


STORAGE = """
variable "sa" {}
resource "azurerm_resource_group" "rg" {
  name     = "rg"
  location = "Brazil South"
}
resource "azurerm_storage_account" "a" {
  name                     = "a"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "RAGZRS"
  tags                     = { owner = "data" }
}
resource "azurerm_storage_account_network_rules" "a" {
  storage_account_id = azurerm_storage_account.a.id
  default_action     = "Deny"
  bypass             = ["AzureServices"]
  ip_rules           = ["203.0.113.0/24"]
}
resource "azurerm_storage_account" "b" {
  name                     = "b"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Premium"
  account_replication_type = "LRS"
  network_rules {
    default_action = "Deny"
  }
}
"""


def test_a_storage_account_and_its_network_rules(tmp_path: Path) -> None:
    out = _normalised(tmp_path, STORAGE)
    rtype, a, unknown = out["azurerm_storage_account.a"]
    assert rtype == "azure.storage.account"
    assert unknown == {}
    assert a["region"] == "brazilsouth"  # "Brazil South" as ARM writes it
    assert a["resource_group"] == "rg" and a["tags"] == {"owner": "data"}
    assert a["sku"] == "Standard_RAGZRS"
    assert a["replication"] == {
        "sku": "RAGZRS",
        "geo_redundant": True,
        "read_access_secondary": True,
    }
    # The copy goes to the paired region, in another country.
    assert a["secondary_location"] == "southcentralus"
    assert a["copy_locations"] == ["southcentralus"]
    assert (a["network_default_action"], a["network_bypass"], a["ip_rules"]) == (
        "Deny",
        ["AzureServices"],
        ["203.0.113.0/24"],
    )
    _, b, _ = out["azurerm_storage_account.b"]
    assert b["secondary_location"] is None and b["copy_locations"] == []
    assert b["network_default_action"] == "Deny"  # the inline block


def test_network_rules_for_an_account_not_known_before_apply_leave_the_firewall_unknown(
    tmp_path: Path,
) -> None:
    tf = STORAGE.replace("azurerm_storage_account.a.id", "var.sa")
    _, a, unknown = _normalised(tmp_path, tf)["azurerm_storage_account.a"]
    assert "network_default_action" not in a
    assert unknown["network_default_action"].startswith(
        "value unknown before apply: azurerm_storage_account_network_rules.a belongs to"
    )


def test_a_location_not_known_before_apply_is_unknown_and_so_is_its_pair(tmp_path: Path) -> None:
    tf = STORAGE.replace("azurerm_resource_group.rg.location", "var.sa")
    _, a, unknown = _normalised(tmp_path, tf)["azurerm_storage_account.a"]
    assert "region" not in a and "secondary_location" not in a
    assert unknown["region"].startswith("value unknown before apply: var.sa")
    assert set(unknown) == {"region", "secondary_location", "copy_locations", "copy_locations[0]"}


def test_a_region_without_a_pair_names_why_its_copy_is_unknown(tmp_path: Path) -> None:
    tf = STORAGE.replace('"Brazil South"', '"polandcentral"')
    _, _, unknown = _normalised(tmp_path, tf)["azurerm_storage_account.a"]
    assert unknown["copy_locations"] == (
        "the geo-redundant copy's region is not known: polandcentral has no published region pair"
    )


NSG = """
variable "group" {}
resource "azurerm_network_security_group" "g" {
  name                = "nsg-g"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "web"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["443", "8000-8080"]
    source_address_prefixes    = ["10.0.0.0/8"]
    destination_address_prefix = "*"
  }
}
resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = "nsg-g"
}
"""


def test_rule_resources_and_the_default_rules_join_their_group(tmp_path: Path) -> None:
    _, g, unknown = _normalised(tmp_path, NSG)["azurerm_network_security_group.g"]
    assert unknown == {}
    rules = {r["name"]: r for r in g["rules"]}
    assert rules["web"]["port_ranges"] == [{"from": 443, "to": 443}, {"from": 8000, "to": 8080}]
    assert rules["web"]["source_any"] is False and rules["web"]["protocol"] == "tcp"
    assert rules["rdp"] == {
        "name": "rdp",
        "direction": "inbound",
        "access": "allow",
        "protocol": "all",
        "priority": 200,
        "default": False,
        "source_prefixes": ["Internet"],
        "source_any": True,
        "destination_prefixes": ["*"],
        "destination_ports": ["3389"],
        "port_ranges": [{"from": 3389, "to": 3389}],
        "shadowed": False,
    }
    defaults = sorted(r["name"] for r in g["rules"] if r["default"])
    assert defaults == [
        "AllowAzureLoadBalancerInBound",
        "AllowInternetOutBound",
        "AllowVnetInBound",
        "AllowVnetOutBound",
        "DenyAllInBound",
        "DenyAllOutBound",
    ]


def test_a_rule_for_a_group_not_known_before_apply_makes_the_rules_unknown(tmp_path: Path) -> None:
    tf = NSG.replace(
        'network_security_group_name = "nsg-g"', "network_security_group_name = var.group"
    )
    _, g, unknown = _normalised(tmp_path, tf)["azurerm_network_security_group.g"]
    assert unknown["rules"].endswith("= var.group; pass --tf-var-file or scan the plan JSON")
    assert len(g["rules"]) == 1 + 1 + 6  # inline, the unknown one, the defaults


VAULT = """
resource "azurerm_key_vault" "v" {
  name                      = "v"
  location                  = "westeurope"
  resource_group_name       = "rg"
  tenant_id                 = "t"
  sku_name                  = "standard"
  enable_rbac_authorization = true
}
resource "azurerm_key_vault_key" "k" {
  name         = "k"
  key_vault_id = azurerm_key_vault.v.id
  key_type     = "EC"
  rotation_policy {
    automatic {
      time_after_create = "P90D"
    }
  }
}
resource "azurerm_key_vault_secret" "s" {
  name            = "s"
  value           = "s3cr3t-value"
  key_vault_id    = azurerm_key_vault.v.id
  expiration_date = "2027-01-01T00:00:00Z"
}
"""


def test_a_vault_lists_key_and_secret_names_and_dates_never_values(tmp_path: Path) -> None:
    _, v, unknown = _normalised(tmp_path, VAULT)["azurerm_key_vault.v"]
    assert unknown == {}
    assert v["rbac_authorization"] is True  # the azurerm v3 spelling is read too
    assert v["keys"] == [
        {"name": "k", "enabled": True, "key_type": "EC", "expires": None, "rotation_policy": True}
    ]
    assert v["secrets"] == [
        {"name": "s", "enabled": True, "content_type": None, "expires": "2027-01-01T00:00:00Z"}
    ]
    assert "s3cr3t-value" not in json.dumps(v)


def test_a_database_is_where_its_server_is(tmp_path: Path) -> None:
    tf = """
resource "azurerm_mssql_server" "s" {
  name                = "s"
  resource_group_name = "rg"
  location            = "Germany West Central"
  version             = "12.0"
}
resource "azurerm_mssql_database" "d" {
  name      = "d"
  server_id = azurerm_mssql_server.s.id
}
resource "azurerm_mssql_database" "lost" {
  name      = "lost"
  server_id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Sql/servers/other"
}
"""
    out = _normalised(tmp_path, tf)
    _, d, unknown = out["azurerm_mssql_database.d"]
    assert unknown["server"] == "value unknown before apply: azurerm_mssql_server.s.id"
    assert d["region"] == "germanywestcentral"
    assert (d["backup_storage_redundancy"], d["geo_backup_location"]) == ("Geo", "germanynorth")
    assert d["copy_locations"] == ["germanynorth"]
    _, lost, why = out["azurerm_mssql_database.lost"]
    assert "region" not in lost
    assert "the location of the server /subscriptions/x" in why["region"]


def test_types_without_a_shape_are_judged_by_their_location_alone(tmp_path: Path) -> None:
    tf = """
resource "azurerm_linux_virtual_machine" "vm" {
  name     = "vm"
  location = "UK South"
}
resource "azurerm_role_assignment" "no_location" {
  scope = "x"
}
"""
    out = _normalised(tmp_path, tf)
    assert out["azurerm_linux_virtual_machine.vm"] == (
        "azure.resource",
        {"region": "uksouth", "resource_type": "azurerm_linux_virtual_machine"},
        {},
    )
    assert "azurerm_role_assignment.no_location" not in out


def test_azurerm_v3_spellings_are_read(tmp_path: Path) -> None:
    tf = """
resource "azurerm_storage_account" "s" {
  name                      = "s3"
  location                  = "westeurope"
  resource_group_name       = "rg"
  account_tier              = "Standard"
  account_replication_type  = "LRS"
  enable_https_traffic_only = false
  allow_blob_public_access  = false
}
resource "azurerm_storage_account_network_rules" "s" {
  storage_account_name = "s3"
  resource_group_name  = "rg"
  default_action       = "Deny"
}
resource "azurerm_kubernetes_cluster" "k" {
  name                            = "k"
  location                        = "westeurope"
  api_server_authorized_ip_ranges = ["198.51.100.0/24"]
  automatic_channel_upgrade       = "stable"
}
resource "azurerm_cosmosdb_account" "c" {
  name                      = "c"
  location                  = "westeurope"
  enable_automatic_failover = true
  ip_range_filter           = "198.51.100.1,198.51.100.2"
}
"""
    out = _normalised(tmp_path, tf)
    _, s, _ = out["azurerm_storage_account.s"]
    assert (s["https_only"], s["allow_blob_public_access"]) == (False, False)
    assert s["network_default_action"] == "Deny"  # joined by the account's name
    _, k, _ = out["azurerm_kubernetes_cluster.k"]
    assert k["authorized_ip_ranges"] == ["198.51.100.0/24"]
    assert k["automatic_upgrade_channel"] == "stable"
    _, c, _ = out["azurerm_cosmosdb_account.c"]
    assert c["automatic_failover"] is True
    assert c["ip_rules"] == ["198.51.100.1", "198.51.100.2"]


@pytest.mark.parametrize("value", ["{ x = 1 }", '["a", 2]', "42", "var.nothing", '"West  Europe"'])
def test_arguments_of_the_wrong_type_never_break_the_normaliser(tmp_path: Path, value: str) -> None:
    from govscan.collectors.repo.normalize_azure import NORMALISERS

    args = sorted(
        {"location", "name", "server_id", "account_replication_type", "storage_mode_type"}
        | {d.argument for d in DEFAULTS if "." not in d.argument and d.argument.islower()}
    )
    body = "\n".join(f"  {a} = {value}" for a in args if not a.startswith("azurerm_"))
    tf = 'variable "nothing" {}\n' + "".join(
        f'resource "{t}" "x" {{\n{body}\n  security_rule {{\n    priority = {value}\n  }}\n}}\n'
        for t in NORMALISERS
    )
    out = _normalised(tmp_path, tf)
    assert len(out) == len(NORMALISERS)
    for _, data, unknown in out.values():
        json.dumps(data)
        assert all(isinstance(v, str) for v in unknown.values())
