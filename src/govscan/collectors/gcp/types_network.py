"""VPC firewall rules and networks (with their subnets), through ``google.cloud.compute_v1``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Detail, Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import integer, last, located, location, obj, seq, text
from govscan.collectors.gcp.types_compute import API, PAGE_SIZE, aggregated

FIREWALL = "gcp.compute.firewall"
NETWORK = "gcp.compute.network"
LIST_FIREWALLS = "compute.firewalls.list"
LIST_NETWORKS = "compute.networks.list"
LIST_SUBNETS = "compute.subnetworks.list"
SUBNET_FIELDS = ("subnets", "subnets_without_flow_logs", "subnets_without_private_google_access")

PROTOCOL_NUMBERS = {"1": "icmp", "6": "tcp", "17": "udp", "132": "sctp", "58": "ipv6-icmp"}
WITH_PORTS = frozenset({"tcp", "udp", "sctp", "all"})
PRIVATE_PURPOSES = frozenset({"PRIVATE", "PRIVATE_RFC_1918"})


def _client(name: str) -> Callable[[], Callable[..., Any]]:
    def factory() -> Callable[..., Any]:
        from google.cloud import compute_v1

        found: Callable[..., Any] = getattr(compute_v1, name)
        return found

    return factory


def _plain_list(
    clients: Clients, project: Project, operation: str, class_name: str
) -> Iterator[Mapping[str, Any]]:
    client = clients.gapic(API, _client(class_name)())
    return clients.pages(
        API,
        project.project_id,
        operation,
        client.list,
        {"project": project.project_id, "max_results": PAGE_SIZE},
        "items",
    )


def _list_firewalls(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    return _plain_list(clients, project, LIST_FIREWALLS, "FirewallsClient")


def _list_networks(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    return _plain_list(clients, project, LIST_NETWORKS, "NetworksClient")


def flatten(rules: Any) -> list[dict[str, Any]]:
    """``[{IPProtocol, ports}]`` -> one ``{protocol, from_port, to_port}`` per port range;
    a protocol with ports but none given spans 0-65535, one without ports has null ports."""
    out: list[dict[str, Any]] = []
    for rule in seq(rules):
        if not isinstance(rule, dict):
            continue
        raw = str(rule.get("IPProtocol") or "all").lower()
        protocol = PROTOCOL_NUMBERS.get(raw, raw)
        ports = [str(p) for p in seq(rule.get("ports"))]
        if protocol not in WITH_PORTS:
            out.append({"protocol": protocol, "from_port": None, "to_port": None})
            continue
        if not ports:
            out.append({"protocol": protocol, "from_port": 0, "to_port": 65535})
            continue
        for p in ports:
            low, _, high = p.partition("-")
            start, end = integer(low), integer(high or low)
            if start is None or end is None:
                continue  # a malformed range grants nothing judgeable
            out.append({"protocol": protocol, "from_port": start, "to_port": end})
    return out


def _as_stated(rules: Any) -> list[dict[str, Any]]:
    return [
        {
            "protocol": str(r.get("IPProtocol") or "all").lower(),
            "ports": [str(p) for p in seq(r.get("ports"))],
        }
        for r in seq(rules)
        if isinstance(r, dict)
    ]


def _strings(value: Any) -> list[str]:
    return [str(x) for x in seq(value)]


def normalise_firewall(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A firewall rule's REST JSON -> gcp.compute.firewall."""
    return {
        "name": text(item.get("name")),
        **located("global"),
        "rule_id": text(item.get("id")),
        "network": last(item.get("network")),
        "direction": text(item.get("direction")) or "INGRESS",
        "priority": integer(item.get("priority")),
        "disabled": bool(item.get("disabled")),
        "source_ranges": _strings(item.get("sourceRanges")),
        "destination_ranges": _strings(item.get("destinationRanges")),
        "source_tags": _strings(item.get("sourceTags")),
        "source_service_accounts": _strings(item.get("sourceServiceAccounts")),
        "target_tags": _strings(item.get("targetTags")),
        "target_service_accounts": _strings(item.get("targetServiceAccounts")),
        "allowed": _as_stated(item.get("allowed")),
        "denied": _as_stated(item.get("denied")),
        "allowed_ports": flatten(item.get("allowed")),
        "denied_ports": flatten(item.get("denied")),
        "logging": bool(obj(item.get("logConfig")).get("enable")),
        "created": text(item.get("creationTimestamp")),
    }


def _subnets_client() -> Callable[..., Any]:
    return _client("SubnetworksClient")()


def _subnets(clients: Clients, project: Project, item: Mapping[str, Any]) -> Any:
    def read() -> dict[str, list[dict[str, Any]]]:
        by_network: dict[str, list[dict[str, Any]]] = {}
        for s in aggregated(clients, project, LIST_SUBNETS, _subnets_client, "subnetworks"):
            by_network.setdefault(str(last(s.get("network")) or ""), []).append(s)
        return by_network

    # One aggregated list per project answers for every network.
    found = clients.once(("gcp-subnets", project.project_id), read)
    return {"subnetworks": found.get(str(item.get("name") or ""), [])}


def subnet(s: Mapping[str, Any]) -> dict[str, Any]:
    log = s.get("logConfig")
    flow = (
        log.get("enable") if isinstance(log, dict) and "enable" in log else s.get("enableFlowLogs")
    )
    return {
        "name": text(s.get("name")),
        "region": location(s.get("region")),
        "ip_cidr_range": text(s.get("ipCidrRange")),
        "purpose": text(s.get("purpose")) or "PRIVATE",
        "flow_logs": bool(flow),
        "private_google_access": bool(s.get("privateIpGoogleAccess")),
    }


def normalise_network(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A network's REST JSON (and its subnets when read) -> gcp.compute.network."""
    auto = item.get("autoCreateSubnetworks")
    name = text(item.get("name"))
    data: dict[str, Any] = {
        "name": name,
        **located("global"),
        "network_id": text(item.get("id")),
        "is_default": name == "default" and bool(auto),
        # A legacy network has one IPv4 range and no subnet mode at all.
        "legacy": bool(item.get("IPv4Range")) and auto is None,
        "auto_create_subnetworks": bool(auto),
        "routing_mode": text(obj(item.get("routingConfig")).get("routingMode")),
        "created": text(item.get("creationTimestamp")),
    }
    if LIST_SUBNETS in fetched:
        subnets = sorted(
            (subnet(s) for s in seq(fetched[LIST_SUBNETS].get("subnetworks"))),
            key=lambda s: (str(s["region"]), str(s["name"])),
        )
        private = [s for s in subnets if s["purpose"] in PRIVATE_PURPOSES]
        data["subnets"] = subnets
        data["subnets_without_flow_logs"] = [s["name"] for s in private if not s["flow_logs"]]
        data["subnets_without_private_google_access"] = [
            s["name"] for s in private if not s["private_google_access"]
        ]
    return data


define(
    GcpType(
        type=FIREWALL,
        api=API,
        list=_list_firewalls,
        normalise=normalise_firewall,
        permissions=(LIST_FIREWALLS,),
        located=False,
        asset_type="compute.googleapis.com/Firewall",
    )
)
define(
    GcpType(
        type=NETWORK,
        api=API,
        list=_list_networks,
        normalise=normalise_network,
        permissions=(LIST_NETWORKS,),
        details=(Detail(LIST_SUBNETS, SUBNET_FIELDS, _subnets),),
        located=False,
        asset_type="compute.googleapis.com/Network",
    )
)
