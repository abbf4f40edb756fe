"""The demo company's Google Cloud project, as the Google REST APIs answer for it
(``path -> JSON`` for ``govscan.demo.restserver``; ``"POST path"`` for POST reads).

Brauwerk Digital keeps its brewery-floor telemetry in europe-west3 (Frankfurt).
Deliberate findings:

- ``brauwerk-marketing-exports``: a bucket in the ``US`` multi-region;
- ``allow-ssh-anywhere``: a firewall rule opening SSH (22) to 0.0.0.0/0;
- ``telemetry-legacy``: a KMS key without automatic rotation;
- ``brauwerk-marketing-exports`` again: no lifecycle rule, so exports are kept forever;
- ``telemetry-ingest-1-before-upgrade``: a disk snapshot taken by hand in 2024 and
  forgotten (the daily snapshots of the schedule expire by themselves).

Everything else is configured well. Cloud SQL, GKE, BigQuery and Secret Manager
are not enabled in the project, so their controls are not applicable.
"""

from __future__ import annotations

from typing import Any

PROJECT = "brauwerk-telemetry"
NUMBER = "480512340077"
REGION = "europe-west3"
SERVICE_ACCOUNT = f"govscan-reader@{PROJECT}.iam.gserviceaccount.com"

_ORG = "organizations/731000000042"
_COMPUTE = "https://www.googleapis.com/compute/v1"
_RING = f"projects/{PROJECT}/locations/{REGION}/keyRings/brauwerk"
_CMK = f"{_RING}/cryptoKeys/telemetry"
_APIS = (
    "cloudresourcemanager.googleapis.com",
    "serviceusage.googleapis.com",
    "orgpolicy.googleapis.com",
    "logging.googleapis.com",
    "compute.googleapis.com",
    "storage.googleapis.com",
    "cloudkms.googleapis.com",
)
_CONSTRAINTS = (
    "compute.requireOsLogin",
    "iam.disableServiceAccountKeyCreation",
    "storage.publicAccessPrevention",
    "sql.restrictPublicIp",
)
_PRIVATE = {
    "version": 3,
    "bindings": [{"role": "roles/storage.admin", "members": ["group:platform@brauwerk.example"]}],
}


def _bucket(name: str, location: str, location_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "storage#bucket",
        "id": name,
        "name": name,
        "projectNumber": NUMBER,
        "timeCreated": "2026-01-12T08:00:00.000Z",
        "updated": "2026-01-12T08:00:00.000Z",
        "metageneration": "1",
        "location": location,
        "locationType": location_type,
        "storageClass": "STANDARD",
        "iamConfiguration": {
            "uniformBucketLevelAccess": {"enabled": True},
            "publicAccessPrevention": "enforced",
        },
        "encryption": {"defaultKmsKeyName": _CMK},
        "versioning": {"enabled": True},
        "logging": {"logBucket": "brauwerk-access-logs"},
        "retentionPolicy": {"retentionPeriod": "2592000", "isLocked": False},
        "softDeletePolicy": {"retentionDurationSeconds": "604800"},
        **extra,
    }


def _delete_at(age: int) -> dict[str, Any]:
    # An age rule not limited to live objects deletes noncurrent versions too.
    return {"rule": [{"action": {"type": "Delete"}, "condition": {"age": age}}]}


BUCKETS = [
    _bucket("brauwerk-telemetry-raw", "EUROPE-WEST3", "region", lifecycle=_delete_at(400)),
    _bucket("brauwerk-access-logs", "EUROPE-WEST3", "region", lifecycle=_delete_at(730)),
    _bucket("brauwerk-marketing-exports", "US", "multi-region"),
]


def _zonal(kind: str, zone: str, name: str, ident: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": f"compute#{kind}",
        "id": ident,
        "name": name,
        "zone": f"{_COMPUTE}/projects/{PROJECT}/zones/{zone}",
        "selfLink": f"{_COMPUTE}/projects/{PROJECT}/zones/{zone}/{kind}s/{name}",
        "creationTimestamp": "2026-02-03T04:05:06.000+01:00",
        **extra,
    }


_ZONE = f"{REGION}-a"
INSTANCE = _zonal(
    "instance",
    _ZONE,
    "telemetry-ingest-1",
    "1001",
    machineType=f"{_COMPUTE}/projects/{PROJECT}/zones/{_ZONE}/machineTypes/e2-small",
    status="RUNNING",
    canIpForward=False,
    networkInterfaces=[
        {
            "network": f"{_COMPUTE}/projects/{PROJECT}/global/networks/brauwerk",
            "subnetwork": f"{_COMPUTE}/projects/{PROJECT}/regions/{REGION}/subnetworks/ingest",
            "networkIP": "10.30.1.2",
        }
    ],
    disks=[
        {
            "source": f"{_COMPUTE}/projects/{PROJECT}/zones/{_ZONE}/disks/telemetry-ingest-1",
            "boot": True,
            "diskEncryptionKey": {"kmsKeyName": f"{_CMK}/cryptoKeyVersions/1"},
        }
    ],
    serviceAccounts=[
        {
            "email": f"ingest@{PROJECT}.iam.gserviceaccount.com",
            "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
        }
    ],
    metadata={"items": [{"key": "enable-oslogin", "value": "TRUE"}]},
    shieldedInstanceConfig={
        "enableSecureBoot": True,
        "enableVtpm": True,
        "enableIntegrityMonitoring": True,
    },
)
DISK = _zonal(
    "disk",
    _ZONE,
    "telemetry-ingest-1",
    "3001",
    sizeGb="20",
    status="READY",
    type=f"{_COMPUTE}/projects/{PROJECT}/zones/{_ZONE}/diskTypes/pd-balanced",
    diskEncryptionKey={"kmsKeyName": f"{_CMK}/cryptoKeyVersions/1"},
    users=[INSTANCE["selfLink"]],
)


def _snapshot(name: str, ident: str, taken: str, *, scheduled: bool) -> dict[str, Any]:
    return {
        "kind": "compute#snapshot",
        "id": ident,
        "name": name,
        "creationTimestamp": taken,
        "status": "READY",
        "sourceDisk": DISK["selfLink"],
        "diskSizeGb": "20",
        "storageBytes": "4294967296",
        "storageLocations": [REGION],
        "snapshotType": "STANDARD",
        "autoCreated": scheduled,
        "snapshotEncryptionKey": {"kmsKeyName": f"{_CMK}/cryptoKeyVersions/1"},
        "selfLink": f"{_COMPUTE}/projects/{PROJECT}/global/snapshots/{name}",
    }


SNAPSHOTS = [
    _snapshot(
        "telemetry-ingest-1-before-upgrade",
        "9001",
        "2024-03-14T09:12:00.000+01:00",
        scheduled=False,
    ),
    _snapshot("telemetry-ingest-1-daily", "9002", "2026-01-12T03:00:00.000+01:00", scheduled=True),
]


def _firewall(name: str, ident: str, ranges: list[str], ports: list[str]) -> dict[str, Any]:
    return {
        "kind": "compute#firewall",
        "id": ident,
        "name": name,
        "network": f"{_COMPUTE}/projects/{PROJECT}/global/networks/brauwerk",
        "priority": 1000,
        "direction": "INGRESS",
        "sourceRanges": ranges,
        "allowed": [{"IPProtocol": "tcp", "ports": ports}],
        "logConfig": {"enable": True},
        "selfLink": f"{_COMPUTE}/projects/{PROJECT}/global/firewalls/{name}",
        "creationTimestamp": "2026-02-03T04:05:06.000+01:00",
    }


FIREWALLS = [
    _firewall("allow-https-lb", "5001", ["130.211.0.0/22", "35.191.0.0/16"], ["443"]),
    _firewall("allow-ssh-anywhere", "5002", ["0.0.0.0/0"], ["22"]),
]
NETWORK = {
    "kind": "compute#network",
    "id": "7001",
    "name": "brauwerk",
    "selfLink": f"{_COMPUTE}/projects/{PROJECT}/global/networks/brauwerk",
    "autoCreateSubnetworks": False,
    "routingConfig": {"routingMode": "REGIONAL"},
}

SUBNET = {
    "kind": "compute#subnetwork",
    "name": "ingest",
    "network": NETWORK["selfLink"],
    "region": f"{_COMPUTE}/projects/{PROJECT}/regions/{REGION}",
    "ipCidrRange": "10.30.1.0/24",
    "privateIpGoogleAccess": True,
    "logConfig": {"enable": True, "aggregationInterval": "INTERVAL_5_SEC"},
    "purpose": "PRIVATE",
    "selfLink": f"{_COMPUTE}/projects/{PROJECT}/regions/{REGION}/subnetworks/ingest",
}


def _key(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"{_RING}/cryptoKeys/{name}",
        "purpose": "ENCRYPT_DECRYPT",
        "createTime": "2026-01-01T00:00:00.000Z",
        "primary": {
            "name": f"{_RING}/cryptoKeys/{name}/cryptoKeyVersions/1",
            "state": "ENABLED",
            "protectionLevel": "SOFTWARE",
            "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION",
        },
        "versionTemplate": {"protectionLevel": "SOFTWARE"},
        **extra,
    }


KEYS = [
    _key("telemetry", rotationPeriod="7776000s", nextRotationTime="2026-12-01T00:00:00Z"),
    _key("telemetry-legacy"),
]


def _aggregated(kind: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": f"compute#{kind}AggregatedList",
        "items": {
            f"zones/{_ZONE}": {kind: items},
            # Scopes without resources answer with a warning, as the API does.
            "zones/us-east1-b": {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "none"}},
        },
    }


def _project() -> dict[str, Any]:
    return {
        "name": f"projects/{NUMBER}",
        "parent": _ORG,
        "projectId": PROJECT,
        "state": "ACTIVE",
        "displayName": "Brauwerk Telemetry",
        "labels": {"env": "prod"},
    }


def routes() -> dict[str, Any]:
    """Every path the demo scan reads, with its answer."""
    p = f"projects/{PROJECT}"
    services = [
        {"name": f"projects/{NUMBER}/services/{api}", "config": {"name": api}, "state": "ENABLED"}
        for api in _APIS
    ]
    out: dict[str, Any] = {
        f"/v3/{p}": _project(),
        f"/v1/projects/{NUMBER}/services": {"services": services},
        f"/v1/{p}/services": {"services": services},
        f"POST /v3/{p}:getIamPolicy": {
            "version": 3,
            "bindings": [
                {"role": "roles/owner", "members": ["group:platform@brauwerk.example"]},
                {"role": "roles/viewer", "members": [f"serviceAccount:{SERVICE_ACCOUNT}"]},
            ],
            "auditConfigs": [
                {
                    "service": "allServices",
                    "auditLogConfigs": [
                        {"logType": "ADMIN_READ"},
                        {"logType": "DATA_READ"},
                        {"logType": "DATA_WRITE"},
                    ],
                }
            ],
        },
        f"/compute/v1/{p}": {
            "name": PROJECT,
            "commonInstanceMetadata": {"items": [{"key": "enable-oslogin", "value": "TRUE"}]},
        },
        f"/v2/{p}/policies/gcp.resourceLocations:getEffectivePolicy": {
            "name": f"{p}/policies/gcp.resourceLocations",
            "spec": {"rules": [{"values": {"allowedValues": ["in:eu-locations"]}}]},
        },
        f"/compute/v1/{p}/aggregated/instances": _aggregated("instances", [INSTANCE]),
        f"/compute/v1/{p}/aggregated/disks": _aggregated("disks", [DISK]),
        f"/compute/v1/{p}/aggregated/subnetworks": {
            "kind": "compute#subnetworkAggregatedList",
            "items": {f"regions/{REGION}": {"subnetworks": [SUBNET]}},
        },
        f"POST /v3/{_ORG}:getIamPolicy": {"version": 1, "bindings": []},
        f"/compute/v1/{p}/global/firewalls": {"items": FIREWALLS},
        f"/compute/v1/{p}/global/snapshots": {"items": SNAPSHOTS},
        f"/compute/v1/{p}/global/networks": {"items": [NETWORK]},
        f"/v1/{p}/locations": {
            "locations": [
                {"name": f"{p}/locations/global", "locationId": "global"},
                {"name": f"{p}/locations/{REGION}", "locationId": REGION},
            ]
        },
        f"/v1/{p}/locations/global/keyRings": {"keyRings": []},
        f"/v1/{p}/locations/{REGION}/keyRings": {
            "keyRings": [{"name": _RING, "createTime": "2026-01-01T00:00:00Z"}]
        },
        f"/v1/{_RING}/cryptoKeys": {"cryptoKeys": KEYS},
        f"/v2/{p}/locations/-/buckets": {
            "buckets": [
                {
                    "name": f"{p}/locations/{REGION}/buckets/audit",
                    "retentionDays": 400,
                    "locked": True,
                    "lifecycleState": "ACTIVE",
                }
            ]
        },
        f"/storage/v1/b?project={PROJECT}": {"items": BUCKETS},
        f"/v1/{_ORG}/contacts": {"contacts": []},
        f"/v2/{_ORG}/sinks": {"sinks": []},
        f"/v1/{p}/contacts": {
            "contacts": [
                {
                    "name": f"{p}/contacts/1",
                    "email": "secops@brauwerk.example",
                    "notificationCategorySubscriptions": ["SECURITY", "TECHNICAL", "LEGAL"],
                }
            ]
        },
        f"/v2/{p}/sinks": {
            "sinks": [
                {
                    "name": "audit-to-bucket",
                    "destination": f"logging.googleapis.com/{p}/locations/{REGION}/buckets/audit",
                    "writerIdentity": f"serviceAccount:{SERVICE_ACCOUNT}",
                }
            ]
        },
    }
    for constraint in _CONSTRAINTS:
        out[f"/v2/{p}/policies/{constraint}:getEffectivePolicy"] = {
            "name": f"{p}/policies/{constraint}",
            "spec": {"rules": [{"enforce": True}]},
        }
    for key in KEYS:
        out[f"/v1/{key['name']}:getIamPolicy"] = {
            "version": 1,
            "bindings": [
                {
                    "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                    "members": ["serviceAccount:service-480512340077@gs-project-accounts.iam"],
                }
            ],
        }
    for bucket in BUCKETS:
        out[f"/storage/v1/b/{bucket['name']}/iam"] = _PRIVATE
        out[f"/storage/v1/b/{bucket['name']}"] = {**bucket, "acl": [], "defaultObjectAcl": []}
    return out
