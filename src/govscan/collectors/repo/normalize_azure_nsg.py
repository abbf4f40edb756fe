"""``azurerm_network_security_group`` with its rules: the inline ``security_rule``
blocks, the ``azurerm_network_security_rule`` resources that name the group, and
the default rules Azure adds to every group, flattened as the live collector
flattens them (``data/resource_types/azure.yaml``, ``azure.network.security_group``)."""

from __future__ import annotations

from typing import Any

from govscan.collectors.nsg_rules import with_shadowing
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.normalize_azure_links import Links, Normalised, common
from govscan.collectors.repo.unknowns import as_int, as_str

# Sources that mean "anyone" (as the shape documents source_any); a match, not a bind.
_ANY_SOURCE = frozenset({"*", "any", "internet", "0.0.0.0", "0.0.0.0/0", "::/0"})  # noqa: S104

_DEFAULT_RULES = (
    # (name, direction, access, priority, source, destination): Azure adds these to
    # every group; they cannot be removed, only overridden by lower priorities.
    ("AllowVnetInBound", "inbound", "allow", 65000, "VirtualNetwork", "VirtualNetwork"),
    ("AllowAzureLoadBalancerInBound", "inbound", "allow", 65001, "AzureLoadBalancer", "*"),
    ("DenyAllInBound", "inbound", "deny", 65500, "*", "*"),
    ("AllowVnetOutBound", "outbound", "allow", 65000, "VirtualNetwork", "VirtualNetwork"),
    ("AllowInternetOutBound", "outbound", "allow", 65001, "*", "Internet"),
    ("DenyAllOutBound", "outbound", "deny", 65500, "*", "*"),
)


def _lower(value: Any) -> Any:
    text = as_str(value)
    return text.lower() if isinstance(text, str) else text


def _protocol(value: Any) -> Any:
    text = _lower(value)
    return "all" if text == "*" else text


def _listed(get: Any, one: str, many: str, *more: str) -> list[Any]:
    """A rule's single and plural forms of an argument, in one list."""
    out: list[Any] = []
    single = get(one)
    if single is not None and single != "":
        out.append(single)
    for name in (many, *more):
        value = get(name)
        if isinstance(value, Unknown):
            out.append(value)
        elif isinstance(value, list):
            out += [v for v in value if isinstance(v, str | Unknown)]
    return out


def _ports(ports: list[Any]) -> list[Any]:
    out: list[Any] = []
    for p in ports:
        if isinstance(p, Unknown):
            out.append(p)
            continue
        text = str(p).strip()
        if text == "*":
            out.append({"from": 0, "to": 65535})
            continue
        low, _, high = text.partition("-")
        start, end = as_int(low, None), as_int(high or low, None)
        if isinstance(start, int) and isinstance(end, int):
            out.append({"from": start, "to": end})
        else:
            out.append(start if isinstance(start, Unknown) else end)
    return out


def _rule(get: Any) -> dict[str, Any]:
    sources = _listed(
        get,
        "source_address_prefix",
        "source_address_prefixes",
        "source_application_security_group_ids",
    )
    ports = _listed(get, "destination_port_range", "destination_port_ranges")
    known = [s for s in sources if isinstance(s, str)]
    pending = next((s for s in sources if isinstance(s, Unknown)), None)
    return {
        "name": as_str(get("name")),
        "direction": _lower(get("direction")),
        "access": _lower(get("access")),
        "protocol": _protocol(get("protocol")),
        "priority": as_int(get("priority"), None),
        "default": False,
        "source_prefixes": sources,
        "source_any": True
        if any(s.strip().lower() in _ANY_SOURCE for s in known)
        else pending
        if pending is not None
        else False,
        "destination_prefixes": _listed(
            get,
            "destination_address_prefix",
            "destination_address_prefixes",
            "destination_application_security_group_ids",
        ),
        "destination_ports": ports,
        "port_ranges": _ports(ports),
    }


def _default(
    name: str, direction: str, allow: str, priority: int, src: str, dst: str
) -> dict[str, Any]:
    return {
        "name": name,
        "direction": direction,
        "access": allow,
        "protocol": "all",
        "priority": priority,
        "default": True,
        "source_prefixes": [src],
        "source_any": src.lower() in _ANY_SOURCE,
        "destination_prefixes": [dst],
        "destination_ports": ["*"],
        "port_ranges": [{"from": 0, "to": 65535}],
    }


def security_group(r: Any, links: Links) -> Normalised:
    rules: list[Any] = [
        _rule(lambda n, b=b: r.sub_get(b, n)) for b in r.block.children("security_rule")
    ]
    for extra in links.all("azurerm_network_security_rule", r):
        rules.append(_rule(extra.get))
    why = links.unknown("azurerm_network_security_rule")
    if why is not None:
        rules.append(why)  # an unknown item: the rule list is not known
    rules += [_default(*d) for d in _DEFAULT_RULES]
    return "azure.network.security_group", common(r) | {"rules": with_shadowing(rules)}
