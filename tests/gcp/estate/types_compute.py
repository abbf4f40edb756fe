"""Compute Engine: instances and disks (aggregated lists), firewall rules, networks, subnets.

alpha's web-1 carries a startup script with a password: it must reach no bundle file.
"""

from __future__ import annotations

from typing import Any

from tests.gcp.estate.core import ACTIVE, ALPHA, BETA, LONELY, NUMBERS
from tests.gcp.gcpserver import Estate

BASE = "https://www.googleapis.com/compute/v1"
SECRET_SCRIPT = "#!/bin/sh\nexport DB_PASSWORD='Hunter2-S3cret-Startup'\n"
DEFAULT_SA = f"{NUMBERS[ALPHA]}-compute@developer.gserviceaccount.com"
KEY = f"projects/{ALPHA}/locations/europe-west3/keyRings/ring-eu/cryptoKeys/rotated"


def instance(pid: str, zone: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "compute#instance",
        "id": "0",
        "name": name,
        "zone": f"{BASE}/projects/{pid}/zones/{zone}",
        "machineType": f"{BASE}/projects/{pid}/zones/{zone}/machineTypes/e2-small",
        "status": "RUNNING",
        "selfLink": f"{BASE}/projects/{pid}/zones/{zone}/instances/{name}",
        "creationTimestamp": "2026-02-03T04:05:06.000-07:00",
        "networkInterfaces": [
            {
                "network": f"{BASE}/projects/{pid}/global/networks/default",
                "subnetwork": f"{BASE}/projects/{pid}/regions/{zone[:-2]}/subnetworks/default",
                "networkIP": "10.0.0.2",
            }
        ],
        "disks": [
            {
                "source": f"{BASE}/projects/{pid}/zones/{zone}/disks/{name}",
                "boot": True,
            }
        ],
        **extra,
    }


WEB = instance(
    ALPHA,
    "europe-west3-a",
    "web-1",
    id="1001",
    networkInterfaces=[
        {
            "network": f"{BASE}/projects/{ALPHA}/global/networks/default",
            "subnetwork": f"{BASE}/projects/{ALPHA}/regions/europe-west3/subnetworks/default",
            "networkIP": "10.0.0.2",
            "accessConfigs": [
                {"type": "ONE_TO_ONE_NAT", "name": "External NAT", "natIP": "203.0.113.7"}
            ],
        }
    ],
    serviceAccounts=[
        {"email": DEFAULT_SA, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}
    ],
    metadata={
        "fingerprint": "abc",
        "items": [
            {"key": "startup-script", "value": SECRET_SCRIPT},
            {"key": "serial-port-enable", "value": "true"},
        ],
    },
    shieldedInstanceConfig={
        "enableSecureBoot": True,
        "enableVtpm": True,
        "enableIntegrityMonitoring": True,
    },
    labels={"app": "web"},
)
DB = instance(
    ALPHA,
    "europe-west3-b",
    "db-1",
    id="1002",
    canIpForward=True,
    deletionProtection=True,
    serviceAccounts=[
        {
            "email": f"db@{ALPHA}.iam.gserviceaccount.com",
            "scopes": ["https://www.googleapis.com/auth/devstorage.read_only"],
        }
    ],
    metadata={
        "items": [
            {"key": "enable-oslogin", "value": "FALSE"},
            {"key": "block-project-ssh-keys", "value": "TRUE"},
        ]
    },
    confidentialInstanceConfig={"enableConfidentialCompute": True},
    labels={"goog-gke-node": ""},
    disks=[
        {
            "source": f"{BASE}/projects/{ALPHA}/zones/europe-west3-b/disks/db-1",
            "boot": True,
            "diskEncryptionKey": {"kmsKeyName": f"{KEY}/cryptoKeyVersions/1"},
        },
        {
            "source": f"{BASE}/projects/{ALPHA}/zones/europe-west3-b/disks/db-data",
            "boot": False,
            "diskEncryptionKey": {"sha256": "c2hh"},
        },
    ],
)
BETA_VM = instance(BETA, "europe-west1-b", "beta-vm", id="2001")


def disk(pid: str, name: str, where: str, **extra: Any) -> dict[str, Any]:
    scope = "regions" if where.count("-") == 1 else "zones"
    return {
        "kind": "compute#disk",
        "id": "0",
        "name": name,
        "sizeGb": "10",
        scope[:-1]: f"{BASE}/projects/{pid}/{scope}/{where}",
        "type": f"{BASE}/projects/{pid}/{scope}/{where}/diskTypes/pd-balanced",
        "status": "READY",
        "selfLink": f"{BASE}/projects/{pid}/{scope}/{where}/disks/{name}",
        "creationTimestamp": "2026-02-03T04:05:06.000-07:00",
        **extra,
    }


DISKS = {
    ALPHA: {
        "zones/europe-west3-b": [
            disk(
                ALPHA,
                "db-1",
                "europe-west3-b",
                id="3001",
                diskEncryptionKey={"kmsKeyName": f"{KEY}/cryptoKeyVersions/1"},
                users=[f"{BASE}/projects/{ALPHA}/zones/europe-west3-b/instances/db-1"],
                sourceImage=f"{BASE}/projects/debian-cloud/global/images/debian-12",
            ),
            disk(
                ALPHA, "db-data", "europe-west3-b", id="3002", diskEncryptionKey={"sha256": "c2hh"}
            ),
        ],
        "regions/europe-west3": [
            disk(
                ALPHA,
                "shared",
                "europe-west3",
                id="3003",
                sizeGb="200",
                replicaZones=[
                    f"{BASE}/projects/{ALPHA}/zones/europe-west3-a",
                    f"{BASE}/projects/{ALPHA}/zones/europe-west3-c",
                ],
            )
        ],
    },
    BETA: {"zones/europe-west1-b": [disk(BETA, "beta-vm", "europe-west1-b", id="4001")]},
}


def firewall(pid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "compute#firewall",
        "id": "0",
        "name": name,
        "network": f"{BASE}/projects/{pid}/global/networks/default",
        "priority": 1000,
        "direction": "INGRESS",
        "selfLink": f"{BASE}/projects/{pid}/global/firewalls/{name}",
        "creationTimestamp": "2026-02-03T04:05:06.000-07:00",
        **extra,
    }


FIREWALLS = {
    ALPHA: [
        firewall(
            ALPHA,
            "allow-ssh-world",
            id="5001",
            sourceRanges=["0.0.0.0/0"],
            allowed=[{"IPProtocol": "tcp", "ports": ["22", "8000-8080"]}],
            targetTags=["web"],
            logConfig={"enable": False},
        ),
        firewall(
            ALPHA,
            "allow-rdp-v6",
            id="5002",
            sourceRanges=["::/0"],
            allowed=[{"IPProtocol": "tcp", "ports": ["3389"]}, {"IPProtocol": "icmp"}],
            logConfig={"enable": True, "metadata": "INCLUDE_ALL_METADATA"},
        ),
        firewall(
            ALPHA,
            "allow-internal",
            id="5003",
            sourceRanges=["10.0.0.0/8"],
            allowed=[{"IPProtocol": "all"}],
            priority=65534,
        ),
        firewall(
            ALPHA,
            "deny-egress",
            id="5004",
            direction="EGRESS",
            destinationRanges=["0.0.0.0/0"],
            denied=[{"IPProtocol": "udp"}],
            disabled=True,
        ),
    ],
    BETA: [
        firewall(
            BETA,
            "beta-ssh",
            id="6001",
            sourceRanges=["192.0.2.0/24"],
            allowed=[{"IPProtocol": "6", "ports": ["22"]}],
        )
    ],
}


def network(pid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "compute#network",
        "id": "0",
        "name": name,
        "selfLink": f"{BASE}/projects/{pid}/global/networks/{name}",
        "creationTimestamp": "2026-02-03T04:05:06.000-07:00",
        "routingConfig": {"routingMode": "REGIONAL"},
        **extra,
    }


def subnet(pid: str, net: str, region: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "compute#subnetwork",
        "name": name,
        "network": f"{BASE}/projects/{pid}/global/networks/{net}",
        "region": f"{BASE}/projects/{pid}/regions/{region}",
        "ipCidrRange": "10.1.0.0/20",
        "selfLink": f"{BASE}/projects/{pid}/regions/{region}/subnetworks/{name}",
        **extra,
    }


NETWORKS = {
    ALPHA: [
        network(ALPHA, "default", id="7001", autoCreateSubnetworks=True),
        network(
            ALPHA,
            "prod",
            id="7002",
            autoCreateSubnetworks=False,
            routingConfig={"routingMode": "GLOBAL"},
        ),
    ],
    BETA: [network(BETA, "legacy-net", id="8001", IPv4Range="10.240.0.0/16")],
}
SUBNETS = {
    ALPHA: {
        "regions/europe-west3": [
            subnet(ALPHA, "default", "europe-west3", "default"),
            subnet(
                ALPHA,
                "prod",
                "europe-west3",
                "prod-eu",
                privateIpGoogleAccess=True,
                logConfig={"enable": True, "aggregationInterval": "INTERVAL_5_SEC"},
                purpose="PRIVATE",
            ),
            subnet(ALPHA, "prod", "europe-west3", "proxy-only", purpose="REGIONAL_MANAGED_PROXY"),
        ],
        "regions/us-central1": [
            subnet(ALPHA, "prod", "us-central1", "prod-us", enableFlowLogs=True)
        ],
    },
    BETA: {},
}


def _aggregated(e: Estate, pid: str, kind: str, scopes: dict[str, list[Any]]) -> None:
    items: dict[str, Any] = {scope: {kind: found} for scope, found in scopes.items()}
    # Scopes without resources answer with a warning, as the API does.
    items["zones/us-east1-b"] = {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "none"}}
    e.put(
        f"/compute/v1/projects/{pid}/aggregated/{kind}",
        {"kind": f"compute#{kind}AggregatedList", "items": items, "selfLink": "x"},
    )


def fill(e: Estate) -> None:
    instances = {
        ALPHA: {"zones/europe-west3-a": [WEB], "zones/europe-west3-b": [DB]},
        BETA: {"zones/europe-west1-b": [BETA_VM]},
        LONELY: {},
    }
    for pid in ACTIVE:
        _aggregated(e, pid, "instances", instances[pid])
        _aggregated(e, pid, "disks", DISKS.get(pid, {}))
        _aggregated(e, pid, "subnetworks", SUBNETS.get(pid, {}))
        e.listing(f"/compute/v1/projects/{pid}/global/firewalls", "items", FIREWALLS.get(pid, []))
        e.listing(f"/compute/v1/projects/{pid}/global/networks", "items", NETWORKS.get(pid, []))
