"""Cloud Storage buckets: four in alpha (two pages), one in beta."""

from __future__ import annotations

from typing import Any

from tests.gcp.estate.core import ALPHA, BETA, NUMBERS
from tests.gcp.gcpserver import Estate

API = "storage.googleapis.com"
KEY = f"projects/{ALPHA}/locations/europe-west3/keyRings/ring-eu/cryptoKeys/rotated"


def bucket(pid: str, name: str, location: str, location_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "storage#bucket",
        "id": name,
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}",
        "projectNumber": NUMBERS[pid],
        "name": name,
        "timeCreated": "2026-01-02T03:04:05.000Z",
        "updated": "2026-01-02T03:04:05.000Z",
        "metageneration": "1",
        "location": location,
        "locationType": location_type,
        "storageClass": "STANDARD",
        "etag": "CAE=",
        "iamConfiguration": {
            "bucketPolicyOnly": {"enabled": False},
            "uniformBucketLevelAccess": {"enabled": False},
            "publicAccessPrevention": "inherited",
        },
        **extra,
    }


BUCKETS = {
    ALPHA: [
        bucket(
            ALPHA,
            "alpha-logs",
            "EUROPE-WEST3",
            "region",
            iamConfiguration={
                "uniformBucketLevelAccess": {"enabled": True, "lockedTime": "2026-04-01T00:00:00Z"},
                "publicAccessPrevention": "enforced",
            },
            encryption={"defaultKmsKeyName": KEY},
            versioning={"enabled": True},
            retentionPolicy={
                "retentionPeriod": "2592000",
                "effectiveTime": "2026-01-02T03:04:05.000Z",
                "isLocked": True,
            },
            softDeletePolicy={"retentionDurationSeconds": "604800"},
            labels={"team": "sec"},
        ),
        bucket(ALPHA, "alpha-public", "US", "multi-region"),
        bucket(
            ALPHA,
            "alpha-dual",
            "EU",
            "dual-region",
            customPlacementConfig={"dataLocations": ["EUROPE-WEST3", "EUROPE-WEST4"]},
            rpo="ASYNC_TURBO",
            logging={"logBucket": "alpha-logs", "logObjectPrefix": "dual/"},
            lifecycle={
                "rule": [
                    {"action": {"type": "Delete"}, "condition": {"age": 3650}},
                    {"action": {"type": "Delete"}, "condition": {"daysSinceNoncurrentTime": 30}},
                    # Narrowed to a prefix: bounds only some objects.
                    {
                        "action": {"type": "Delete"},
                        "condition": {"age": 7, "matchesPrefix": ["tmp/"]},
                    },
                    {
                        "action": {"type": "SetStorageClass", "storageClass": "COLDLINE"},
                        "condition": {"age": 1},
                    },
                ]
            },
        ),
        bucket(ALPHA, "alpha-nam4", "NAM4", "dual-region", rpo="DEFAULT"),
    ],
    BETA: [bucket(BETA, "beta-data", "EUROPE-WEST1", "region")],
}

PUBLIC_POLICY = {
    "version": 3,
    "bindings": [
        {"role": "roles/storage.objectViewer", "members": ["allUsers"]},
        {"role": "roles/storage.admin", "members": ["group:ops@example.com"]},
    ],
}
PRIVATE_POLICY = {
    "version": 3,
    "bindings": [{"role": "roles/storage.admin", "members": ["group:ops@example.com"]}],
}
OWNER_ACL = {"entity": f"project-owners-{NUMBERS[ALPHA]}", "role": "OWNER"}


def fill(e: Estate) -> None:
    for pid, items in BUCKETS.items():
        e.enable(pid, API)
        e.listing(f"/storage/v1/b?project={pid}", "items", items)
        for b in items:
            name = b["name"]
            public = name == "alpha-public"
            e.put(f"/storage/v1/b/{name}/iam", PUBLIC_POLICY if public else PRIVATE_POLICY)
            default_acl = [{"entity": "allAuthenticatedUsers", "role": "READER"}] if public else []
            e.put(
                f"/storage/v1/b/{name}",
                {**b, "acl": [OWNER_ACL], "defaultObjectAcl": default_acl},
            )
