"""Managed disks (enough of them to span several pages) and two virtual machines."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, listing, rid, sub_path

P = "Microsoft.Compute"
DISK_COUNT = 23
"""More disks than one page of the test server holds."""

DES = rid(SUB1, "rg-app", P, "diskEncryptionSets", "des-1")
WEB_VM = rid(SUB1, "rg-app", P, "virtualMachines", "vm-web")
DB_VM = rid(SUB1, "rg-app", P, "virtualMachines", "vm-db")
WEB_NIC = rid(SUB1, "rg-app", "Microsoft.Network", "networkInterfaces", "nic-web")
DB_NIC = rid(SUB1, "rg-app", "Microsoft.Network", "networkInterfaces", "nic-db")
WEB_PIP = rid(SUB1, "rg-app", "Microsoft.Network", "publicIPAddresses", "pip-web")
IDLE_PIP = rid(SUB1, "rg-app", "Microsoft.Network", "publicIPAddresses", "pip-idle")
SUBNET = rid(SUB1, "rg-net", "Microsoft.Network", "virtualNetworks", "vnet-1", "subnets", "app")


def disk_id(i: int) -> str:
    return rid(SUB1, "rg-disks", P, "disks", f"disk-{i:02d}")


def disk(i: int) -> dict[str, Any]:
    # Even disks: customer-managed key and private access; odd: platform key, open to all.
    cmk = i % 2 == 0
    encryption: dict[str, Any] = {
        "type": "EncryptionAtRestWithCustomerKey" if cmk else "EncryptionAtRestWithPlatformKey"
    }
    if cmk:
        encryption["diskEncryptionSetId"] = DES
    return {
        "id": disk_id(i),
        "name": f"disk-{i:02d}",
        "type": "Microsoft.Compute/disks",
        "location": "westeurope",
        "sku": {"name": "Premium_LRS", "tier": "Premium"},
        "properties": {
            "creationData": {"createOption": "Empty"},
            "diskSizeGB": 32 + i,
            "diskState": "Attached" if i < 2 else "Unattached",
            "encryption": encryption,
            "networkAccessPolicy": "DenyAll" if cmk else "AllowAll",
            "publicNetworkAccess": "Disabled" if cmk else "Enabled",
            "timeCreated": "2026-02-03T04:05:06.0000000+00:00",
            "provisioningState": "Succeeded",
        },
    }


def vm(
    vm_id: str, nic: str, *, at_host: bool, des: bool, boot_diag: bool, identity: str | None
) -> dict[str, Any]:
    os_disk: dict[str, Any] = {
        "osType": "Linux",
        "name": f"{vm_id.rsplit('/', 1)[1]}-os",
        "createOption": "FromImage",
        "managedDisk": {"id": disk_id(0 if des else 1), "storageAccountType": "Premium_LRS"},
    }
    if des:
        os_disk["managedDisk"]["diskEncryptionSet"] = {"id": DES}
    body: dict[str, Any] = {
        "id": vm_id,
        "name": vm_id.rsplit("/", 1)[1],
        "type": "Microsoft.Compute/virtualMachines",
        "location": "westeurope",
        "tags": {"tier": "web" if "web" in vm_id else "db"},
        "properties": {
            "vmId": "0f0f0f0f-0000-4000-8000-"
            + ("00000000000a" if "web" in vm_id else "00000000000b"),
            "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
            "storageProfile": {"osDisk": os_disk, "dataDisks": []},
            "networkProfile": {"networkInterfaces": [{"id": nic, "properties": {"primary": True}}]},
            "diagnosticsProfile": {"bootDiagnostics": {"enabled": boot_diag}},
            "provisioningState": "Succeeded",
        },
    }
    if at_host:
        body["properties"]["securityProfile"] = {"encryptionAtHost": True}
    if identity:
        body["identity"] = {"type": identity, "principalId": "9a9a9a9a-0000-4000-8000-000000000001"}
    return body


def nic(nic_id: str, vm_id: str, public_ip: str | None) -> dict[str, Any]:
    ipconf: dict[str, Any] = {
        "privateIPAddress": "10.0.1.4",
        "subnet": {"id": SUBNET},
        "primary": True,
    }
    if public_ip:
        ipconf["publicIPAddress"] = {"id": public_ip}
    return {
        "id": nic_id,
        "name": nic_id.rsplit("/", 1)[1],
        "type": "Microsoft.Network/networkInterfaces",
        "location": "westeurope",
        "properties": {
            "virtualMachine": {"id": vm_id},
            "ipConfigurations": [
                {
                    "id": f"{nic_id}/ipConfigurations/ipconfig1",
                    "name": "ipconfig1",
                    "properties": ipconf,
                }
            ],
        },
    }


def public_ip(pip_id: str, address: str | None) -> dict[str, Any]:
    props: dict[str, Any] = {"publicIPAllocationMethod": "Static"}
    if address:
        props["ipAddress"] = address
    return {
        "id": pip_id,
        "name": pip_id.rsplit("/", 1)[1],
        "type": "Microsoft.Network/publicIPAddresses",
        "location": "westeurope",
        "sku": {"name": "Standard"},
        "properties": props,
    }


ENTRIES: dict[str, Any] = {
    sub_path(SUB1, P, "disks"): listing(*(disk(i) for i in range(DISK_COUNT))),
    sub_path(SUB2, P, "disks"): listing(),
    sub_path(SUB1, P, "virtualMachines"): listing(
        vm(WEB_VM, WEB_NIC, at_host=True, des=False, boot_diag=True, identity="SystemAssigned"),
        vm(DB_VM, DB_NIC, at_host=False, des=True, boot_diag=False, identity=None),
    ),
    sub_path(SUB2, P, "virtualMachines"): listing(),
    sub_path(SUB1, "Microsoft.Network", "networkInterfaces"): listing(
        nic(WEB_NIC, WEB_VM, WEB_PIP), nic(DB_NIC, DB_VM, None)
    ),
    sub_path(SUB2, "Microsoft.Network", "networkInterfaces"): listing(),
    sub_path(SUB1, "Microsoft.Network", "publicIPAddresses"): listing(
        public_ip(WEB_PIP, "20.1.2.3"), public_ip(IDLE_PIP, None)
    ),
    sub_path(SUB2, "Microsoft.Network", "publicIPAddresses"): listing(),
}
