"""Cloud SQL (alpha only: the API is off in beta), KMS, BigQuery."""

from __future__ import annotations

from typing import Any

from tests.gcp.estate.core import ALPHA, BETA
from tests.gcp.gcpserver import Estate

SQL_API = "sqladmin.googleapis.com"
KMS_API = "cloudkms.googleapis.com"
BQ_API = "bigquery.googleapis.com"
SQL_BASE = "https://sqladmin.googleapis.com/sql/v1beta4"
RING = f"projects/{ALPHA}/locations/europe-west3/keyRings/ring-eu"


def sql(name: str, region: str, version: str, **extra: Any) -> dict[str, Any]:
    settings = {
        "tier": "db-custom-1-3840",
        "availabilityType": "ZONAL",
        "ipConfiguration": {"ipv4Enabled": False},
        "backupConfiguration": {"enabled": False},
        "userLabels": {"tier": "gold"},
    }
    settings.update(extra.pop("settings", {}))
    return {
        "kind": "sql#instance",
        "name": name,
        "project": ALPHA,
        "region": region,
        "gceZone": f"{region}-a",
        "databaseVersion": version,
        "instanceType": "CLOUD_SQL_INSTANCE",
        "state": "RUNNABLE",
        "selfLink": f"{SQL_BASE}/projects/{ALPHA}/instances/{name}",
        "createTime": "2026-03-01T00:00:00.000Z",
        "settings": settings,
        **extra,
    }


SQL = [
    sql(
        "pg-main",
        "europe-west3",
        "POSTGRES_15",
        replicaNames=["pg-replica-us"],
        secondaryGceZone="europe-west3-c",
        diskEncryptionConfiguration={"kmsKeyName": f"{RING}/cryptoKeys/rotated"},
        settings={
            "availabilityType": "REGIONAL",
            "deletionProtectionEnabled": True,
            "ipConfiguration": {
                "ipv4Enabled": True,
                "sslMode": "ENCRYPTED_ONLY",
                "authorizedNetworks": [
                    {"value": "0.0.0.0/0", "name": "anywhere"},
                    {"value": "198.51.100.0/24"},
                ],
            },
            "backupConfiguration": {
                "enabled": True,
                "pointInTimeRecoveryEnabled": True,
                "location": "eu",
                "backupRetentionSettings": {"retainedBackups": 14, "retentionUnit": "COUNT"},
                "transactionLogRetentionDays": 7,
            },
            "databaseFlags": [
                {"name": "log_connections", "value": "on"},
                {"name": "log_min_duration_statement", "value": "-1"},
            ],
        },
    ),
    sql(
        "pg-replica-us",
        "us-central1",
        "POSTGRES_15",
        instanceType="READ_REPLICA_INSTANCE",
        masterInstanceName=f"{ALPHA}:pg-main",
    ),
    sql(
        "mysql-1",
        "europe-west3",
        "MYSQL_8_0",
        settings={
            "ipConfiguration": {
                "ipv4Enabled": False,
                "requireSsl": True,
                "privateNetwork": f"projects/{ALPHA}/global/networks/prod",
            },
            "backupConfiguration": {"enabled": True, "binaryLogEnabled": False},
            "databaseFlags": [{"name": "local_infile", "value": "on"}],
        },
    ),
]


def crypto_key(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"{RING}/cryptoKeys/{name}",
        "purpose": "ENCRYPT_DECRYPT",
        "createTime": "2026-01-01T00:00:00.000Z",
        "primary": {
            "name": f"{RING}/cryptoKeys/{name}/cryptoKeyVersions/1",
            "state": "ENABLED",
            "protectionLevel": "SOFTWARE",
            "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION",
        },
        "versionTemplate": {"protectionLevel": "SOFTWARE"},
        **extra,
    }


KEYS = [
    crypto_key("rotated", rotationPeriod="7776000s", nextRotationTime="2027-01-01T00:00:00Z"),
    crypto_key(
        "stale",
        primary={"state": "ENABLED", "protectionLevel": "HSM"},
        labels={"owner": "platform"},
    ),
    crypto_key("public", rotationPeriod="31536000s"),
]


def dataset(name: str, location: str) -> dict[str, Any]:
    return {
        "kind": "bigquery#dataset",
        "id": f"{ALPHA}:{name}",
        "datasetReference": {"projectId": ALPHA, "datasetId": name},
        "location": location,
        "labels": {"team": "data"},
    }


DATASETS = [
    dataset("analytics", "EU"),
    dataset("public_ds", "US"),
    dataset("scratch", "europe-west3"),
]
OWNERS = {"role": "OWNER", "specialGroup": "projectOwners"}


def _full(ds: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        **ds,
        "creationTime": "1767225600000",
        "access": [OWNERS, {"role": "READER", "userByEmail": "ana@example.com"}],
        **extra,
    }


def fill(e: Estate) -> None:
    e.enable(ALPHA, SQL_API, KMS_API, BQ_API)
    e.enable(BETA, KMS_API, BQ_API)  # Cloud SQL is off in beta
    e.listing(f"{SQL_BASE.split('.com', 1)[1]}/projects/{ALPHA}/instances", "items", SQL)
    e.listing(
        f"/v1/projects/{ALPHA}/locations",
        "locations",
        [
            {"name": f"projects/{ALPHA}/locations/global", "locationId": "global"},
            {"name": f"projects/{ALPHA}/locations/europe-west3", "locationId": "europe-west3"},
        ],
    )
    e.listing(f"/v1/projects/{ALPHA}/locations/global/keyRings", "keyRings", [])
    e.listing(
        f"/v1/projects/{ALPHA}/locations/europe-west3/keyRings",
        "keyRings",
        [{"name": RING, "createTime": "2026-01-01T00:00:00Z"}],
    )
    e.listing(f"/v1/{RING}/cryptoKeys", "cryptoKeys", KEYS)
    for k in KEYS:
        public = k["name"].endswith("/public")
        members = ["allAuthenticatedUsers"] if public else ["group:crypto@example.com"]
        e.put(
            f"/v1/{k['name']}:getIamPolicy",
            {
                "version": 1,
                "bindings": [{"role": "roles/cloudkms.cryptoKeyDecrypter", "members": members}],
            },
        )
    e.listing(f"/v1/projects/{BETA}/locations", "locations", [])
    e.listing(f"/bigquery/v2/projects/{ALPHA}/datasets", "datasets", DATASETS)
    e.listing(f"/bigquery/v2/projects/{BETA}/datasets", "datasets", [])
    e.put(
        f"/bigquery/v2/projects/{ALPHA}/datasets/analytics",
        _full(
            DATASETS[0],
            defaultEncryptionConfiguration={"kmsKeyName": f"{RING}/cryptoKeys/rotated"},
            defaultTableExpirationMs="5184000000",
        ),
    )
    e.put(
        f"/bigquery/v2/projects/{ALPHA}/datasets/public_ds",
        _full(
            DATASETS[1],
            access=[
                OWNERS,
                {"role": "READER", "iamMember": "allUsers"},
                {"role": "READER", "specialGroup": "allAuthenticatedUsers"},
            ],
        ),
    )
    e.put(f"/bigquery/v2/projects/{ALPHA}/datasets/scratch", _full(DATASETS[2]))
