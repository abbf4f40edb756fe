"""Network security groups, virtual networks with subnets, and flow logs."""

from __future__ import annotations

from typing import Any

from tests.azure.estate.common import SUB1, SUB2, listing, rid, sub_path

P = "Microsoft.Network"

OPEN_NSG = rid(SUB1, "rg-net", P, "networkSecurityGroups", "nsg-open")
CLOSED_NSG = rid(SUB1, "rg-net", P, "networkSecurityGroups", "nsg-closed")
VNET1 = rid(SUB1, "rg-net", P, "virtualNetworks", "vnet-1")
VNET2 = rid(SUB2, "rg-net2", P, "virtualNetworks", "vnet-2")
WATCHER = rid(SUB1, "NetworkWatcherRG", P, "networkWatchers", "NetworkWatcher_westeurope")


def rule(nsg: str, name: str, default: bool = False, **props: Any) -> dict[str, Any]:
    kind = "defaultSecurityRules" if default else "securityRules"
    return {
        "id": f"{nsg}/{kind}/{name}",
        "name": name,
        "type": f"Microsoft.Network/networkSecurityGroups/{kind}",
        "properties": {"sourcePortRange": "*", "provisioningState": "Succeeded", **props},
    }


def defaults(nsg: str) -> list[dict[str, Any]]:
    """The six rules Azure puts into every network security group."""
    common = {"protocol": "*", "destinationPortRange": "*"}
    return [
        rule(
            nsg,
            "AllowVnetInBound",
            True,
            access="Allow",
            direction="Inbound",
            priority=65000,
            sourceAddressPrefix="VirtualNetwork",
            destinationAddressPrefix="VirtualNetwork",
            **common,
        ),
        rule(
            nsg,
            "AllowAzureLoadBalancerInBound",
            True,
            access="Allow",
            direction="Inbound",
            priority=65001,
            sourceAddressPrefix="AzureLoadBalancer",
            destinationAddressPrefix="*",
            **common,
        ),
        rule(
            nsg,
            "DenyAllInBound",
            True,
            access="Deny",
            direction="Inbound",
            priority=65500,
            sourceAddressPrefix="*",
            destinationAddressPrefix="*",
            **common,
        ),
        rule(
            nsg,
            "AllowVnetOutBound",
            True,
            access="Allow",
            direction="Outbound",
            priority=65000,
            sourceAddressPrefix="VirtualNetwork",
            destinationAddressPrefix="VirtualNetwork",
            **common,
        ),
        rule(
            nsg,
            "AllowInternetOutBound",
            True,
            access="Allow",
            direction="Outbound",
            priority=65001,
            sourceAddressPrefix="*",
            destinationAddressPrefix="Internet",
            **common,
        ),
        rule(
            nsg,
            "DenyAllOutBound",
            True,
            access="Deny",
            direction="Outbound",
            priority=65500,
            sourceAddressPrefix="*",
            destinationAddressPrefix="*",
            **common,
        ),
    ]


def nsg(
    nsg_id: str, location: str, rules: list[dict[str, Any]], subnets: list[str]
) -> dict[str, Any]:
    return {
        "id": nsg_id,
        "name": nsg_id.rsplit("/", 1)[1],
        "type": "Microsoft.Network/networkSecurityGroups",
        "location": location,
        "properties": {
            "securityRules": rules,
            "defaultSecurityRules": defaults(nsg_id),
            "subnets": [{"id": s} for s in subnets],
            "provisioningState": "Succeeded",
        },
    }


def subnet(vnet: str, name: str, prefix: str, nsg_id: str | None) -> dict[str, Any]:
    props: dict[str, Any] = {"addressPrefix": prefix, "provisioningState": "Succeeded"}
    if nsg_id:
        props["networkSecurityGroup"] = {"id": nsg_id}
    return {"id": f"{vnet}/subnets/{name}", "name": name, "properties": props}


def vnet(vnet_id: str, location: str, prefix: str, subnets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": vnet_id,
        "name": vnet_id.rsplit("/", 1)[1],
        "type": "Microsoft.Network/virtualNetworks",
        "location": location,
        "properties": {"addressSpace": {"addressPrefixes": [prefix]}, "subnets": subnets},
    }


def flow_log(name: str, target: str, enabled: bool) -> dict[str, Any]:
    return {
        "id": f"{WATCHER}/flowLogs/{name}",
        "name": name,
        "type": "Microsoft.Network/networkWatchers/flowLogs",
        "location": "westeurope",
        "properties": {
            "targetResourceId": target,
            "storageId": rid(SUB1, "rg-data", "Microsoft.Storage", "storageAccounts", "stgood"),
            "enabled": enabled,
            "retentionPolicy": {"days": 90, "enabled": True},
        },
    }


ENTRIES: dict[str, Any] = {
    sub_path(SUB1, P, "networkSecurityGroups"): listing(
        nsg(
            OPEN_NSG,
            "westeurope",
            [
                rule(
                    OPEN_NSG,
                    "rdp-from-internet",
                    access="Allow",
                    direction="Inbound",
                    priority=100,
                    protocol="Tcp",
                    sourceAddressPrefix="Internet",
                    destinationPortRange="3389",
                    destinationAddressPrefix="*",
                ),
                rule(
                    OPEN_NSG,
                    "ssh-from-anywhere",
                    access="Allow",
                    direction="Inbound",
                    priority=110,
                    protocol="*",
                    sourceAddressPrefixes=["0.0.0.0/0", "10.0.0.0/8"],
                    destinationPortRanges=["22", "8000-8100"],
                    destinationAddressPrefix="*",
                ),
                rule(
                    OPEN_NSG,
                    "https-out",
                    access="Allow",
                    direction="Outbound",
                    priority=100,
                    protocol="Tcp",
                    sourceAddressPrefix="*",
                    destinationPortRange="443",
                    destinationAddressPrefix="Internet",
                ),
            ],
            [],
        ),
        nsg(
            CLOSED_NSG,
            "westeurope",
            [
                rule(
                    CLOSED_NSG,
                    "ssh-from-office",
                    access="Allow",
                    direction="Inbound",
                    priority=100,
                    protocol="Tcp",
                    sourceAddressPrefix="203.0.113.0/24",
                    destinationPortRange="22",
                    destinationAddressPrefix="*",
                ),
                rule(
                    CLOSED_NSG,
                    "deny-rdp",
                    access="Deny",
                    direction="Inbound",
                    priority=110,
                    protocol="Tcp",
                    sourceAddressPrefix="*",
                    destinationPortRange="3389",
                    destinationAddressPrefix="*",
                ),
                # Open to the Internet, but deny-rdp decides that traffic first.
                rule(
                    CLOSED_NSG,
                    "rdp-behind-deny",
                    access="Allow",
                    direction="Inbound",
                    priority=120,
                    protocol="Tcp",
                    sourceAddressPrefix="Internet",
                    destinationPortRange="3389",
                    destinationAddressPrefix="*",
                ),
            ],
            [f"{VNET1}/subnets/app"],
        ),
    ),
    sub_path(SUB2, P, "networkSecurityGroups"): listing(),
    sub_path(SUB1, P, "virtualNetworks"): listing(
        vnet(
            VNET1,
            "westeurope",
            "10.0.0.0/16",
            [
                subnet(VNET1, "app", "10.0.1.0/24", CLOSED_NSG),
                subnet(VNET1, "data", "10.0.2.0/24", None),
                subnet(VNET1, "GatewaySubnet", "10.0.255.0/27", None),
            ],
        )
    ),
    sub_path(SUB2, P, "virtualNetworks"): listing(
        vnet(VNET2, "brazilsouth", "10.1.0.0/16", [subnet(VNET2, "only", "10.1.0.0/24", None)])
    ),
    sub_path(SUB1, P, "networkWatchers"): listing(
        {
            "id": WATCHER,
            "name": "NetworkWatcher_westeurope",
            "type": "Microsoft.Network/networkWatchers",
            "location": "westeurope",
            "properties": {"provisioningState": "Succeeded"},
        }
    ),
    sub_path(SUB2, P, "networkWatchers"): listing(),
    f"{WATCHER}/flowLogs": listing(
        flow_log("fl-nsg-closed", CLOSED_NSG, True), flow_log("fl-vnet-1-off", VNET1, False)
    ),
}
