"""The Azure normalisers as pure functions: REST-shaped ARM JSON in, shape fields out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from govscan.collectors.azure.spec import Fetched
from govscan.collectors.azure.types_apps import cluster, recovery_vault, registry, web_app
from govscan.collectors.azure.types_compute import (
    LOOKUP,
    disk,
    public_ips_by_vm,
    virtual_machine,
)
from govscan.collectors.azure.types_databases import cosmos_account, mysql, postgresql
from govscan.collectors.azure.types_keyvault import vault
from govscan.collectors.azure.types_network import (
    flow_logs_of,
    port_range,
    rule,
    security_group,
    virtual_network,
)
from govscan.collectors.azure.types_sql import database, server
from govscan.collectors.azure.types_storage import account, replication
from govscan.collectors.azure.types_util import enabled, epoch, lowest_tls, paired_region, tls
from tests.azure.estate import apps, compute, databases, keyvault, network, sql, storage
from tests.azure.estate.common import SUB1, SUB2, sub_path

NOTHING = Fetched({})


def listed(entries: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    found = [i for i in entries[path]["value"] if i["name"] == name]
    assert len(found) == 1, name
    return dict(found[0])


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("TLS1_2", "1.2"),
        ("TLS1_0", "1.0"),
        ("Tls12", "1.2"),
        ("Tls", "1.0"),
        ("TLSv1.3", "1.3"),
        ("1.1", "1.1"),
        ("None", None),
        ("TLSEnforcementDisabled", None),
        (None, None),
    ],
)
def test_tls_versions_are_spelled_one_way(given: Any, want: str | None) -> None:
    assert tls(given) == want


def test_helpers() -> None:
    assert lowest_tls("TLSv1.2,TLSv1.3") == "1.2"
    assert lowest_tls("TLSv1,TLSv1.1") == "1.0"
    assert [enabled(v) for v in ("Enabled", "Disabled", "ON", "off", "AlwaysON", None)] == [
        True,
        False,
        True,
        False,
        True,
        None,
    ]
    assert epoch(1893456000) == "2030-01-01T00:00:00Z"
    assert epoch(None) is None
    assert paired_region("West Europe") == "northeurope"
    assert paired_region("brazilsouth") == "southcentralus"
    assert paired_region("polandcentral") is None  # published without a pair
    assert paired_region("marsnorth") is None
    assert port_range("*") == {"from": 0, "to": 65535}
    assert port_range("8000-8100") == {"from": 8000, "to": 8100}
    assert port_range("22") == {"from": 22, "to": 22}


def test_storage_account_geo_replication_and_blob_service() -> None:
    path = sub_path(SUB1, "Microsoft.Storage", "storageAccounts")
    weak = listed(storage.ENTRIES, path, "stweak")
    blob = storage.ENTRIES[f"{storage.WEAK}/blobServices/default"]
    got = account(weak, Fetched({"blob_service": blob}))
    assert got["replication"] == {
        "sku": "RAGRS",
        "geo_redundant": True,
        "read_access_secondary": True,
    }
    assert got["secondary_location"] == "northeurope"
    assert got["copy_locations"] == ["northeurope"]
    assert got["https_only"] is False
    assert got["minimum_tls_version"] == "1.0"
    # Never set: the documented defaults apply.
    assert got["allow_shared_key_access"] is True
    assert got["public_network_access"] == "Enabled"
    assert got["blob_soft_delete"] == {"enabled": False, "days": None}
    assert got["versioning"] is False
    good = account(listed(storage.ENTRIES, path, "stgood"), NOTHING)
    assert good["copy_locations"] == [] and good["secondary_location"] is None
    assert good["customer_managed_key"] is True
    assert good["key_vault_key_uri"] == "https://kvgood.vault.azure.net/keys/cmk"
    assert good["network_bypass"] == ["AzureServices"]
    # Not fetched: the blob service's fields are absent, not guessed.
    assert not {"blob_soft_delete", "container_soft_delete", "versioning"} & set(good)


def test_a_geo_sku_without_secondary_location_uses_the_region_pair() -> None:
    arm = {"location": "germanywestcentral", "sku": {"name": "Standard_GZRS"}, "properties": {}}
    got = account(arm, NOTHING)
    assert got["secondary_location"] == "germanynorth"
    assert replication("Premium_LRS") == {
        "sku": "LRS",
        "geo_redundant": False,
        "read_access_secondary": False,
    }


def test_disks_and_virtual_machines() -> None:
    cmk, platform = compute.disk(0), compute.disk(1)
    assert disk(cmk, NOTHING)["customer_managed_key"] is True
    assert disk(cmk, NOTHING)["disk_encryption_set_id"] == compute.DES
    assert disk(platform, NOTHING)["network_access_policy"] == "AllowAll"
    assert disk({"properties": {}}, NOTHING)["encryption_type"] == "EncryptionAtRestWithPlatformKey"

    vms = compute.ENTRIES[sub_path(SUB1, "Microsoft.Compute", "virtualMachines")]["value"]
    nics = compute.ENTRIES[sub_path(SUB1, "Microsoft.Network", "networkInterfaces")]["value"]
    pips = compute.ENTRIES[sub_path(SUB1, "Microsoft.Network", "publicIPAddresses")]["value"]
    looked_up = Fetched({LOOKUP: {"by_vm": public_ips_by_vm(nics, pips)}})
    web, db = vms
    assert virtual_machine(web, looked_up)["public_ips"] == ["20.1.2.3"]
    assert virtual_machine(web, looked_up)["has_managed_identity"] is True
    got = virtual_machine(db, looked_up)
    assert (got["public_ips"], got["has_public_ip"], got["identity_type"]) == ([], False, None)
    assert got["os_disk_encryption_set_id"] == compute.DES
    assert got["boot_diagnostics"] is False
    # Not looked up (no control reads them): absent, never "no public IP".
    assert "has_public_ip" not in virtual_machine(dict(vms[0]), NOTHING)


def test_a_public_ip_without_an_address_still_counts() -> None:
    nic = {
        "properties": {
            "virtualMachine": {"id": "/VM"},
            "ipConfigurations": [{"properties": {"publicIPAddress": {"id": "/pip-dyn"}}}],
        }
    }
    assert public_ips_by_vm([nic], [{"id": "/PIP-DYN", "properties": {}}]) == {"/vm": ["/pip-dyn"]}


def test_security_group_rules_are_flattened_with_defaults() -> None:
    nsgs = network.ENTRIES[sub_path(SUB1, "Microsoft.Network", "networkSecurityGroups")]["value"]
    got = security_group(nsgs[0], NOTHING)
    rdp = got["rules"][0]
    assert rdp == {
        "name": "rdp-from-internet",
        "direction": "inbound",
        "access": "allow",
        "protocol": "tcp",
        "priority": 100,
        "default": False,
        "source_prefixes": ["Internet"],
        "source_any": True,
        "destination_prefixes": ["*"],
        "destination_ports": ["3389"],
        "port_ranges": [{"from": 3389, "to": 3389}],
        "shadowed": False,
    }
    ssh = got["rules"][1]
    assert ssh["protocol"] == "all" and ssh["source_any"] is True
    assert ssh["port_ranges"] == [{"from": 22, "to": 22}, {"from": 8000, "to": 8100}]
    assert [r["name"] for r in got["rules"] if r["default"]][:1] == ["AllowVnetInBound"]
    assert len([r for r in got["rules"] if r["default"]]) == 6
    office = security_group(nsgs[1], NOTHING)["rules"][0]
    assert office["source_any"] is False
    # deny-rdp (110) decides the Internet's RDP traffic before rdp-behind-deny (120).
    closed = {r["name"]: r["shadowed"] for r in security_group(nsgs[1], NOTHING)["rules"]}
    assert closed["rdp-behind-deny"] is True
    assert closed["deny-rdp"] is False and closed["ssh-from-office"] is False
    asg = rule(
        {"name": "asg", "properties": {"sourceApplicationSecurityGroups": [{"id": "/asg/web"}]}},
        False,
    )
    assert asg["source_prefixes"] == ["/asg/web"] and asg["protocol"] == "all"


def test_virtual_network_subnets_and_flow_logs() -> None:
    vnet = network.ENTRIES[sub_path(SUB1, "Microsoft.Network", "virtualNetworks")]["value"][0]
    logs = network.ENTRIES[f"{network.WATCHER}/flowLogs"]["value"]
    got = virtual_network(vnet, Fetched({"flow_logs": {"value": logs}}))
    assert got["subnets"][0] == {
        "name": "app",
        "id": f"{network.VNET1}/subnets/app",
        "address_prefixes": ["10.0.1.0/24"],
        "nsg_id": network.CLOSED_NSG,
    }
    assert [f["target_id"] for f in got["flow_logs"]] == [network.CLOSED_NSG, network.VNET1]
    # The VNet's own flow log is off and two subnets have no NSG: not covered.
    assert got["flow_logs_enabled"] is False
    on = [{**logs[1], "properties": {**logs[1]["properties"], "enabled": True}}]
    assert virtual_network(vnet, Fetched({"flow_logs": {"value": on}}))["flow_logs_enabled"]
    assert "flow_logs" not in virtual_network(vnet, NOTHING)
    other = {"properties": {"targetResourceId": "/elsewhere"}}
    assert flow_logs_of(vnet, [other]) == []


def test_key_vault_keeps_names_and_dates_never_values() -> None:
    vaults = keyvault.ENTRIES[sub_path(SUB1, "Microsoft.KeyVault", "vaults")]["value"]
    weak = vaults[1]
    got = vault(
        weak,
        Fetched(
            {
                "keys": keyvault.ENTRIES[f"{keyvault.WEAK}/keys"],
                "secrets": keyvault.ENTRIES[f"{keyvault.WEAK}/secrets"],
            }
        ),
    )
    assert got["soft_delete"] is True  # unset: it can no longer be turned off
    assert got["purge_protection"] is False
    assert got["keys"] == [
        {
            "name": "legacy",
            "enabled": True,
            "key_type": "RSA",
            "expires": None,
            "rotation_policy": False,
        }
    ]
    assert got["secrets"][0] == {
        "name": "api-token",
        "enabled": True,
        "content_type": "text/plain",
        "expires": None,
    }
    assert keyvault.SECRET_VALUE not in json.dumps(got)
    good = vault(vaults[0], Fetched({"keys": keyvault.ENTRIES[f"{keyvault.GOOD}/keys"]}))
    assert good["keys"][0]["rotation_policy"] is True
    assert good["keys"][0]["expires"] == "2030-01-01T00:00:00Z"
    assert good["private_endpoints"] == 1 and "secrets" not in good


def test_sql_server_and_database() -> None:
    servers = sql.ENTRIES[sub_path(SUB1, "Microsoft.Sql", "servers")]["value"]
    safe = server(
        servers[0], Fetched({"auditing": sql.ENTRIES[f"{sql.SAFE}/auditingSettings/default"]})
    )
    assert (safe["entra_admin"], safe["entra_only_auth"], safe["minimum_tls_version"]) == (
        True,
        True,
        "1.2",
    )
    assert safe["auditing_enabled"] is True and "firewall_rules" not in safe
    weak = server(servers[1], Fetched({"firewall": sql.ENTRIES[f"{sql.OPEN}/firewallRules"]}))
    assert weak["minimum_tls_version"] is None and weak["entra_admin"] is False
    assert weak["firewall_rules"][1] == {
        "name": "everyone",
        "start_ip": "0.0.0.0",
        "end_ip": "255.255.255.255",
    }
    dbs = sql.ENTRIES[f"{sql.SAFE}/databases"]["value"]
    assert database(dbs[0], NOTHING) is None  # master
    got = database(
        dbs[1],
        Fetched(
            {
                "tde": sql.ENTRIES[f"{sql.SAFE_DB}/transparentDataEncryption/current"],
                "replication_links": sql.ENTRIES[f"{sql.SAFE_DB}/replicationLinks"],
            }
        ),
    )
    assert got["tde_enabled"] is True
    assert got["geo_replicas"][0]["partner_location"] == "northeurope"
    assert got["geo_backup_location"] == "northeurope"
    assert got["copy_locations"] == ["northeurope"]
    assert got["server"] == sql.SAFE


def test_flexible_servers_read_their_parameters() -> None:
    pg = databases.ENTRIES[sub_path(SUB1, databases.PG, "flexibleServers")]["value"]
    e = databases.ENTRIES
    safe = postgresql(
        pg[0],
        Fetched(
            {
                "require_secure_transport": e[
                    f"{databases.PG_SAFE}/configurations/require_secure_transport"
                ],
                "ssl_min_protocol_version": e[
                    f"{databases.PG_SAFE}/configurations/ssl_min_protocol_version"
                ],
                "log_connections": None,  # 404: the server has no such parameter
            }
        ),
    )
    assert safe["require_secure_transport"] is True
    assert safe["minimum_tls_version"] == "1.3"
    assert safe["log_connections"] is None and "log_disconnections" not in safe
    assert safe["geo_backup_location"] == "germanynorth"
    assert safe["copy_locations"] == ["germanynorth"]
    assert (safe["entra_auth"], safe["password_auth"], safe["customer_managed_key"]) == (
        True,
        False,
        True,
    )
    opened = postgresql(
        pg[1],
        Fetched(
            {
                "ssl_min_protocol_version": e[
                    f"{databases.PG_OPEN}/configurations/ssl_min_protocol_version"
                ]
            }
        ),
    )
    assert opened["minimum_tls_version"] == "1.2"  # unset value: the default applies
    assert opened["copy_locations"] == [] and opened["password_auth"] is True
    my = databases.ENTRIES[sub_path(SUB2, databases.MY, "flexibleServers")]["value"]
    got = mysql(
        my[1],
        Fetched(
            {
                "tls_version": e[f"{databases.MY_OPEN}/configurations/tls_version"],
                "require_secure_transport": e[
                    f"{databases.MY_OPEN}/configurations/require_secure_transport"
                ],
            }
        ),
    )
    assert (got["minimum_tls_version"], got["require_secure_transport"]) == ("1.0", False)
    assert got["backup_retention_days"] == 1 and got["geo_redundant_backup"] is False


def test_cosmos_locations_use_short_names() -> None:
    acct = databases.ENTRIES[sub_path(SUB1, databases.DOC, "databaseAccounts")]["value"][0]
    got = cosmos_account(acct, NOTHING)
    assert got["locations"] == [
        {"location": "westeurope", "failover_priority": 0, "zone_redundant": True},
        {"location": "northeurope", "failover_priority": 1, "zone_redundant": False},
    ]
    assert got["copy_locations"] == ["northeurope"]
    assert got["key_based_metadata_write_disabled"] is True
    assert got["minimum_tls_version"] == "1.2"


def test_apps_clusters_registries_and_vaults() -> None:
    sites = apps.ENTRIES[sub_path(SUB1, apps.WEB, "sites")]["value"]
    config = apps.ENTRIES[f"{apps.APP_OPEN}/config/web"]
    got = web_app(sites[1], Fetched({"config": config}))
    assert (got["minimum_tls_version"], got["ftps_state"], got["https_only"]) == (
        "1.0",
        "AllAllowed",
        False,
    )
    assert "ftps_state" not in web_app(sites[0], NOTHING)

    private = cluster(
        apps.ENTRIES[sub_path(SUB1, apps.AKS, "managedClusters")]["value"][0], NOTHING
    )
    assert (
        private["private_cluster"],
        private["entra_integration"],
        private["azure_policy_enabled"],
    ) == (
        True,
        True,
        True,
    )
    opened = cluster(apps.ENTRIES[sub_path(SUB2, apps.AKS, "managedClusters")]["value"][0], NOTHING)
    assert opened["network_policy"] is None and opened["rbac_enabled"] is False
    assert opened["authorized_ip_ranges"] == [] and opened["node_pools"][0]["node_public_ip"]

    regs = apps.ENTRIES[sub_path(SUB1, apps.ACR, "registries")]["value"]
    premium = registry(
        regs[0], Fetched({"replications": apps.ENTRIES[f"{apps.ACR_PREMIUM}/replications"]})
    )
    assert premium["replication_locations"] == ["westeurope", "eastus"]
    assert premium["copy_locations"] == ["eastus"]
    assert registry(regs[1], NOTHING)["admin_user_enabled"] is True

    geo = recovery_vault(apps.ENTRIES[sub_path(SUB1, apps.RSV, "vaults")]["value"][0], NOTHING)
    assert geo["storage_redundancy"] == "GeoRedundant" and geo["cross_region_restore"] is True
    assert geo["copy_locations"] == ["northeurope"] and geo["immutability"] == "Locked"
    old = apps.ENTRIES[sub_path(SUB2, apps.RSV, "vaults")]["value"][0]
    assert "storage_redundancy" not in recovery_vault(old, NOTHING)
    config = apps.ENTRIES[f"{apps.RSV_OLD}/backupstorageconfig/vaultstorageconfig"]
    got = recovery_vault(old, Fetched({"storage_config": config}))
    assert (got["storage_redundancy"], got["cross_region_restore"], got["copy_locations"]) == (
        "LocallyRedundant",
        False,
        [],
    )
    assert got["soft_delete"] is False


ODD_VALUES: tuple[Any, ...] = ("x", 7, True, [], ["x", 3], {"a": 1}, None)


def hostile_variants(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The item with one top-level or ``properties`` value at a time of an odd type."""
    out = []
    for key in item:
        out += [{**item, key: odd} for odd in ODD_VALUES]
    for key in item.get("properties") or {}:
        out += [{**item, "properties": {**item["properties"], key: odd}} for odd in ODD_VALUES]
    return out


def listed_items() -> list[tuple[Any, dict[str, Any], tuple[str, ...]]]:
    """(normaliser, listed item, its detail names) for every item the estate lists."""
    import importlib
    import pkgutil

    import tests.azure.estate as package
    from govscan.collectors.azure.spec import TYPES
    from govscan.collectors.azure.types import load

    load()
    bodies: list[Any] = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"tests.azure.estate.{info.name}")
        bodies += list((getattr(module, "ENTRIES", None) or {}).values())
    items = [i for b in bodies if isinstance(b, dict) for i in b.get("value") or []]
    return [
        (spec.normalise, item, tuple(d.name for d in spec.details))
        for spec in TYPES.values()
        for item in items
        if str(item.get("type", "")).lower() == _arm_type(spec.action)
    ]


def _arm_type(action: str) -> str:
    return action.rsplit("/", 1)[0].lower()


def test_odd_answers_never_break_a_normaliser() -> None:
    found = listed_items()
    assert len({id(fn) for fn, _, _ in found}) >= 14  # every type has estate items
    for normalise, item, details in found:
        for variant in hostile_variants(item):
            for odd in ODD_VALUES:
                normalise(variant, Fetched(dict.fromkeys(details, odd)))
                wrapped = {key: {"value": odd, "properties": odd} for key in details}
                normalise(variant, Fetched(wrapped))
