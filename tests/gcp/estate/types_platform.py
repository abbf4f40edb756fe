"""Logging (sinks, log buckets), GKE clusters and Secret Manager secrets.

alpha holds five secrets (two pages); a version's payload is served too, and no
scan may ever ask for it.
"""

from __future__ import annotations

from typing import Any

from tests.gcp.estate.core import ALPHA, BETA, LONELY, NUMBERS
from tests.gcp.gcpserver import Estate

GKE_API = "container.googleapis.com"
SECRETS_API = "secretmanager.googleapis.com"
KEY = "keyRings/ring-eu/cryptoKeys/rotated"
SECRET_PAYLOAD = "c2VjcmV0LXBheWxvYWQtbmV2ZXItcmVhZA=="


def log_bucket(pid: str, location: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"projects/{pid}/locations/{location}/buckets/{name}",
        "retentionDays": 30,
        "lifecycleState": "ACTIVE",
        **extra,
    }


def cluster(name: str, location: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "location": location,
        "selfLink": f"https://container.googleapis.com/v1/projects/{ALPHA}/locations/{location}/clusters/{name}",
        "status": "RUNNING",
        "currentMasterVersion": "1.30.5-gke.100",
        "createTime": "2026-04-01T00:00:00+00:00",
        "loggingService": "logging.googleapis.com/kubernetes",
        "monitoringService": "monitoring.googleapis.com/kubernetes",
        "masterAuth": {"clusterCaCertificate": "LS0tLS1CRUdJTi1DQS0tLS0t"},
        **extra,
    }


CLUSTERS = [
    cluster(
        "hardened",
        "europe-west3",
        locations=["europe-west3-a", "europe-west3-b"],
        privateClusterConfig={"enablePrivateNodes": True, "enablePrivateEndpoint": True},
        masterAuthorizedNetworksConfig={
            "enabled": True,
            "cidrBlocks": [{"cidrBlock": "10.0.0.0/8", "displayName": "corp"}],
        },
        workloadIdentityConfig={"workloadPool": f"{ALPHA}.svc.id.goog"},
        networkConfig={"datapathProvider": "ADVANCED_DATAPATH", "enableIntraNodeVisibility": True},
        shieldedNodes={"enabled": True},
        releaseChannel={"channel": "REGULAR"},
        binaryAuthorization={"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"},
        databaseEncryption={"state": "ENCRYPTED", "keyName": "k"},
        resourceLabels={"env": "prod"},
        nodePools=[
            {
                "name": "pool-1",
                "config": {
                    "serviceAccount": f"nodes@{ALPHA}.iam.gserviceaccount.com",
                    "imageType": "COS_CONTAINERD",
                    "shieldedInstanceConfig": {
                        "enableSecureBoot": True,
                        "enableIntegrityMonitoring": True,
                    },
                    "workloadMetadataConfig": {"mode": "GKE_METADATA"},
                },
                "management": {"autoRepair": True, "autoUpgrade": True},
            }
        ],
    ),
    cluster(
        "legacy",
        "europe-west3-a",
        locations=["europe-west3-a"],
        legacyAbac={"enabled": True},
        networkPolicy={"provider": "CALICO", "enabled": False},
        releaseChannel={"channel": "UNSPECIFIED"},
        masterAuth={"clientCertificate": "LS0tLS1DRVJULS0tLS0=", "clientKey": "LS0tS0VZLS0t"},
        nodePools=[{"name": "default-pool", "config": {"imageType": "COS_CONTAINERD"}}],
    ),
]


def secret(pid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"projects/{NUMBERS[pid]}/secrets/{name}",
        "createTime": "2026-05-01T00:00:00Z",
        "replication": {"automatic": {}},
        "etag": '"1"',
        **extra,
    }


SECRETS = {
    ALPHA: [
        secret(
            ALPHA,
            "api-key",
            rotation={"rotationPeriod": "2592000s", "nextRotationTime": "2026-12-01T00:00:00Z"},
            topics=[{"name": f"projects/{ALPHA}/topics/rotate"}],
            labels={"app": "web"},
        ),
        secret(
            ALPHA,
            "db-password",
            replication={
                "userManaged": {
                    "replicas": [
                        {
                            "location": "europe-west3",
                            "customerManagedEncryption": {"kmsKeyName": "k1"},
                        },
                        {
                            "location": "europe-west4",
                            "customerManagedEncryption": {"kmsKeyName": "k2"},
                        },
                    ]
                }
            },
        ),
        secret(
            ALPHA,
            "cmek-auto",
            replication={"automatic": {"customerManagedEncryption": {"kmsKeyName": "k3"}}},
        ),
        secret(
            ALPHA,
            "us-copy",
            replication={
                "userManaged": {
                    "replicas": [{"location": "europe-west3"}, {"location": "us-east1"}]
                }
            },
            expireTime="2027-01-01T00:00:00Z",
        ),
        secret(ALPHA, "plain"),
    ],
    BETA: [secret(BETA, "beta-token")],
}


def fill(e: Estate) -> None:
    for pid in (ALPHA, BETA):
        e.enable(pid, SECRETS_API)
        e.listing(f"/v1/projects/{pid}/secrets", "secrets", SECRETS[pid])
    e.enable(ALPHA, GKE_API)  # GKE is off in beta
    for s in SECRETS[ALPHA]:
        e.put(
            f"/v1/{s['name']}/versions/1:access",
            {"name": f"{s['name']}/versions/1", "payload": {"data": SECRET_PAYLOAD}},
        )
    # Two lists: this answer is one page, as the API's is.
    e.put(f"/v1/projects/{ALPHA}/locations/-/clusters", {"clusters": CLUSTERS, "missingZones": []})
    for s in (f"projects/{ALPHA}",):
        e.add(
            f"/v2/{s}/sinks",
            "sinks",
            {
                "name": "all-to-bucket",
                "destination": "storage.googleapis.com/alpha-logs",
                "writerIdentity": "serviceAccount:sink@example.iam.gserviceaccount.com",
                "createTime": "2026-01-01T00:00:00Z",
            },
        )
        e.add(
            f"/v2/{s}/sinks",
            "sinks",
            {
                "name": "errors-to-bq",
                "destination": f"bigquery.googleapis.com/projects/{ALPHA}/datasets/analytics",
                "filter": "severity>=ERROR",
                "disabled": True,
                "exclusions": [{"name": "no-debug", "filter": "severity=DEBUG"}],
            },
        )
    e.listing(
        f"/v2/projects/{ALPHA}/locations/-/buckets",
        "buckets",
        [
            log_bucket(ALPHA, "global", "_Required", retentionDays=400, locked=True),
            log_bucket(ALPHA, "global", "_Default"),
            log_bucket(
                ALPHA,
                "europe-west3",
                "audit-eu",
                retentionDays=365,
                locked=True,
                cmekSettings={"kmsKeyName": f"projects/{ALPHA}/locations/europe-west3/{KEY}"},
                analyticsEnabled=True,
            ),
        ],
    )
    e.listing(
        f"/v2/projects/{BETA}/locations/-/buckets",
        "buckets",
        [
            log_bucket(BETA, "global", "_Required", retentionDays=400, locked=True),
            log_bucket(BETA, "global", "_Default"),
        ],
    )
    # lonely has Logging on and nothing else of these APIs.
    e.listing(f"/v2/projects/{LONELY}/locations/-/buckets", "buckets", [])
