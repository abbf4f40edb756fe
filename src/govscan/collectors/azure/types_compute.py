"""Managed disks and virtual machines (public IPs found through network interfaces)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define
from govscan.collectors.azure.types_util import dig, identity, obj, objs, props, strs
from govscan.collectors.shapes.azure_services import disk

__all__ = ["disk"]

DISK = "azure.compute.disk"
VM = "azure.compute.virtual_machine"

PUBLIC_IP_FIELDS = ("public_ips", "has_public_ip")
NETWORK_API = "2024-05-01"
NIC_ACTION = "Microsoft.Network/networkInterfaces/read"
PIP_ACTION = "Microsoft.Network/publicIPAddresses/read"
LOOKUP = "public_ips"
"""The shared lookup: ``{"by_vm": {vm id (lowercase): [addresses]}}``."""


def virtual_machine(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    p = props(arm)
    storage = obj(p.get("storageProfile"))
    os_disk = obj(storage.get("osDisk"))
    security = obj(p.get("securityProfile"))
    os_profile = obj(p.get("osProfile"))
    linux = os_profile.get("linuxConfiguration")
    windows = os_profile.get("windowsConfiguration")
    kind, has_identity = identity(arm)
    data: dict[str, Any] = {
        "vm_id": p.get("vmId"),
        "vm_size": dig(p, "hardwareProfile", "vmSize"),
        "os_type": os_disk.get("osType"),
        "identity_type": kind,
        "has_managed_identity": has_identity,
        "boot_diagnostics": bool(dig(p, "diagnosticsProfile", "bootDiagnostics", "enabled")),
        "encryption_at_host": bool(security.get("encryptionAtHost")),
        "security_type": security.get("securityType"),
        "secure_boot": bool(dig(security, "uefiSettings", "secureBootEnabled")),
        "vtpm": bool(dig(security, "uefiSettings", "vTpmEnabled")),
        "os_disk_id": dig(os_disk, "managedDisk", "id"),
        "os_disk_encryption_set_id": dig(os_disk, "managedDisk", "diskEncryptionSet", "id"),
        "data_disk_ids": [
            d["managedDisk"]["id"]
            for d in objs(storage.get("dataDisks"))
            if dig(d, "managedDisk", "id")
        ],
        "password_authentication_disabled": (
            bool(linux.get("disablePasswordAuthentication")) if isinstance(linux, dict) else None
        ),
        "patch_mode": dig(linux or windows, "patchSettings", "patchMode"),
        "network_interfaces": _nic_ids(p),
    }
    if LOOKUP in got:
        found = strs(obj(got.get(LOOKUP).get("by_vm")).get(str(arm.get("id", "")).lower()))
        data["public_ips"] = found
        data["has_public_ip"] = bool(found)
    return data


def _nic_ids(p: dict[str, Any]) -> list[str]:
    nics = objs(dig(p, "networkProfile", "networkInterfaces"))
    return [str(n["id"]) for n in nics if n.get("id")]


def public_ips_by_vm(
    nics: Iterable[dict[str, Any]], addresses: Iterable[dict[str, Any]]
) -> dict[str, list[str]]:
    """VM id (lowercase) -> public addresses of its network interfaces' IP configurations.

    A public IP resource without an address yet (dynamic, not allocated) still counts:
    it is reachable once allocated, so its id stands in for the address."""
    by_id = {str(a.get("id", "")).lower(): a for a in addresses}
    out: dict[str, list[str]] = {}
    for nic in nics:
        vm_id = dig(nic, "properties", "virtualMachine", "id")
        if not vm_id:
            continue
        found = out.setdefault(str(vm_id).lower(), [])
        for conf in objs(dig(nic, "properties", "ipConfigurations")):
            pip_id = dig(conf, "properties", "publicIPAddress", "id")
            if not pip_id:
                continue
            pip = by_id.get(str(pip_id).lower(), {})
            found.append(str(dig(pip, "properties", "ipAddress") or pip_id))
    return out


def _addresses(client: Any, ctx: Ctx, _: dict[str, Any]) -> dict[str, Any]:
    # Once per subscription, not per VM: every interface and public IP in two lists.
    base = f"/subscriptions/{ctx.subscription}/providers/Microsoft.Network"
    nics = list(ctx.arm_list(f"{base}/networkInterfaces", NETWORK_API, NIC_ACTION))
    pips = list(ctx.arm_list(f"{base}/publicIPAddresses", NETWORK_API, PIP_ACTION))
    return {"by_vm": public_ips_by_vm(nics, pips)}


define(
    AzureType(
        type=DISK,
        client="compute",
        list=lambda c, ctx: c.disks.list(),
        action="Microsoft.Compute/disks/read",
        normalise=disk,
    )
)

define(
    AzureType(
        type=VM,
        client="compute",
        list=lambda c, ctx: c.virtual_machines.list_all(),
        action="Microsoft.Compute/virtualMachines/read",
        normalise=virtual_machine,
        details=(Detail(LOOKUP, PUBLIC_IP_FIELDS, _addresses, NIC_ACTION, shared=True),),
        # The shared lookup also lists public IP addresses.
        extra_actions=(PIP_ACTION,),
    )
)
