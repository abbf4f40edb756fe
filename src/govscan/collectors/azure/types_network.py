"""Network security groups (rules flattened) and virtual networks (subnets, flow logs)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govscan.collectors.azure.spec import AzureType, Ctx, Detail, Fetched, define
from govscan.collectors.azure.types_util import dig, items, obj, objs, props, strs
from govscan.collectors.shapes.azure_network import (
    ANY_SOURCE,
    NSG,
    port_range,
    rule,
    security_group,
    single_and_many,
)

VNET = "azure.network.virtual_network"

FLOW_LOG_FIELDS = ("flow_logs", "flow_logs_enabled")
NETWORK_API = "2024-05-01"
WATCHER_ACTION = "Microsoft.Network/networkWatchers/read"
FLOW_LOG_ACTION = "Microsoft.Network/networkWatchers/flowLogs/read"
LOOKUP = "flow_logs"
"""The shared lookup: every flow log of the subscription's network watchers."""


__all__ = ["ANY_SOURCE", "NSG", "port_range", "rule", "security_group"]


def _subnet(arm: dict[str, Any]) -> dict[str, Any]:
    p = props(arm)
    return {
        "name": arm.get("name"),
        "id": arm.get("id"),
        "address_prefixes": single_and_many(p.get("addressPrefix"), p.get("addressPrefixes")),
        "nsg_id": dig(p, "networkSecurityGroup", "id"),
    }


def flow_log(arm: dict[str, Any]) -> dict[str, Any]:
    p = props(arm)
    keep = obj(p.get("retentionPolicy"))
    analytics = dig(p, "flowAnalyticsConfiguration", "networkWatcherFlowAnalyticsConfiguration")
    return {
        "id": arm.get("id"),
        "target_id": p.get("targetResourceId"),
        "enabled": bool(p.get("enabled")),
        "retention_days": keep.get("days") if keep.get("enabled") else None,
        "traffic_analytics": bool(dig(analytics, "enabled")),
    }


def flow_logs_of(vnet: dict[str, Any], logs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flow logs targeting the VNet, one of its subnets, or one of its subnets' NSGs."""
    subnets = [_subnet(s) for s in objs(props(vnet).get("subnets"))]
    targets = {str(vnet.get("id", "")).lower()}
    targets |= {str(s["id"]).lower() for s in subnets if s["id"]}
    targets |= {str(s["nsg_id"]).lower() for s in subnets if s["nsg_id"]}
    return [
        flow_log(f)
        for f in logs
        if str(dig(f, "properties", "targetResourceId")).lower() in targets
    ]


def _covered(vnet: dict[str, Any], logs: list[dict[str, Any]]) -> bool:
    on = {str(f["target_id"]).lower() for f in logs if f["enabled"]}
    if str(vnet.get("id", "")).lower() in on:
        return True
    subnets = [_subnet(s) for s in objs(props(vnet).get("subnets"))]
    return bool(subnets) and all(
        str(s["id"]).lower() in on or (s["nsg_id"] and str(s["nsg_id"]).lower() in on)
        for s in subnets
    )


def virtual_network(arm: dict[str, Any], got: Fetched) -> dict[str, Any]:
    p = props(arm)
    data: dict[str, Any] = {
        "address_prefixes": strs(dig(p, "addressSpace", "addressPrefixes")),
        "subnets": [_subnet(s) for s in objs(p.get("subnets"))],
        "ddos_protection": bool(p.get("enableDdosProtection")),
    }
    if LOOKUP in got:
        logs = flow_logs_of(arm, items(got.get(LOOKUP)))
        data["flow_logs"] = logs
        data["flow_logs_enabled"] = _covered(arm, logs)
    return data


def _flow_logs(client: Any, ctx: Ctx, _: dict[str, Any]) -> dict[str, Any]:
    from govscan.collectors.azure.spec import resource_group_of

    # Once per subscription: its network watchers and each watcher's flow logs.
    base = f"/subscriptions/{ctx.subscription}"
    logs: list[dict[str, Any]] = []
    watchers = ctx.arm_list(
        f"{base}/providers/Microsoft.Network/networkWatchers", NETWORK_API, WATCHER_ACTION
    )
    for watcher in list(watchers):
        rg = resource_group_of(str(watcher.get("id", "")))
        path = (
            f"{base}/resourceGroups/{rg}/providers/Microsoft.Network/networkWatchers/"
            f"{watcher.get('name')}/flowLogs"
        )
        logs += ctx.arm_list(path, NETWORK_API, FLOW_LOG_ACTION)
    return {"value": logs}


define(
    AzureType(
        type=NSG,
        client="network",
        list=lambda c, ctx: c.network_security_groups.list_all(),
        action="Microsoft.Network/networkSecurityGroups/read",
        normalise=security_group,
    )
)

define(
    AzureType(
        type=VNET,
        client="network",
        list=lambda c, ctx: c.virtual_networks.list_all(),
        action="Microsoft.Network/virtualNetworks/read",
        normalise=virtual_network,
        details=(Detail(LOOKUP, FLOW_LOG_FIELDS, _flow_logs, FLOW_LOG_ACTION, shared=True),),
        # The shared lookup first lists the subscription's network watchers.
        extra_actions=(WATCHER_ACTION,),
    )
)
