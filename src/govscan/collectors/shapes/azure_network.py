"""Network security groups (``Microsoft.Network/networkSecurityGroups``), their rules
flattened to one entry each and marked when an earlier rule shadows them."""

from __future__ import annotations

from typing import Any

from govscan.collectors.nsg_rules import with_shadowing
from govscan.collectors.shapes.azure_details import Details
from govscan.collectors.shapes.azure_util import objs, props, strs

NSG = "azure.network.security_group"

ANY_SOURCE = frozenset({"*", "any", "internet", "0.0.0.0", "0.0.0.0/0", "::/0"})  # noqa: S104


def single_and_many(single: Any, several: Any) -> list[str]:
    out = [str(single)] if isinstance(single, str) and single else []
    out += strs(several)
    return out


def port_range(text: str) -> dict[str, int] | None:
    """``'22'`` -> {22, 22}; ``'1000-2000'`` -> {1000, 2000}; ``'*'`` -> {0, 65535}."""
    text = text.strip()
    if text in ("*", "Any", "any"):
        return {"from": 0, "to": 65535}
    low, _, high = text.partition("-")
    try:
        first = int(low)
        return {"from": first, "to": int(high) if high else first}
    except ValueError:
        return None


def rule(arm: dict[str, Any], default: bool) -> dict[str, Any]:
    """One security rule, flattened to the documented entry."""
    p = props(arm)
    sources = single_and_many(p.get("sourceAddressPrefix"), p.get("sourceAddressPrefixes"))
    sources += [str(g["id"]) for g in objs(p.get("sourceApplicationSecurityGroups")) if g.get("id")]
    destinations = single_and_many(
        p.get("destinationAddressPrefix"), p.get("destinationAddressPrefixes")
    )
    destinations += [
        str(g["id"]) for g in objs(p.get("destinationApplicationSecurityGroups")) if g.get("id")
    ]
    ports = single_and_many(p.get("destinationPortRange"), p.get("destinationPortRanges"))
    protocol = str(p.get("protocol") or "*").lower()
    return {
        "name": arm.get("name"),
        "direction": str(p.get("direction") or "").lower() or None,
        "access": str(p.get("access") or "").lower() or None,
        "protocol": "all" if protocol in ("*", "any") else protocol,
        "priority": p.get("priority"),
        "default": default,
        "source_prefixes": sources,
        "source_any": any(s.lower() in ANY_SOURCE for s in sources),
        "destination_prefixes": destinations,
        "destination_ports": ports,
        "port_ranges": [r for r in (port_range(x) for x in ports) if r is not None],
    }


def security_group(arm: dict[str, Any], _: Details) -> dict[str, Any]:
    p = props(arm)
    rules = [rule(r, False) for r in objs(p.get("securityRules"))]
    rules += [rule(r, True) for r in objs(p.get("defaultSecurityRules"))]
    return {
        "rules": with_shadowing(rules),
        "subnets": [str(s["id"]) for s in objs(p.get("subnets")) if s.get("id")],
        "network_interfaces": [
            str(n["id"]) for n in objs(p.get("networkInterfaces")) if n.get("id")
        ],
    }
