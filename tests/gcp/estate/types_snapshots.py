"""Compute Engine disk snapshots: four in alpha (two pages), none in beta or lonely."""

from __future__ import annotations

from typing import Any

from tests.gcp.estate.core import ACTIVE, ALPHA
from tests.gcp.gcpserver import Estate

BASE = "https://www.googleapis.com/compute/v1"
KEY = f"projects/{ALPHA}/locations/europe-west3/keyRings/ring-eu/cryptoKeys/rotated"


def snapshot(name: str, created: str, where: str = "eu", **extra: Any) -> dict[str, Any]:
    return {
        "kind": "compute#snapshot",
        "id": f"9{len(name)}",
        "name": name,
        "status": "READY",
        "sourceDisk": f"{BASE}/projects/{ALPHA}/zones/europe-west3-b/disks/db-data",
        "diskSizeGb": "100",
        "storageBytes": "1073741824",
        "storageLocations": [where],
        "snapshotType": "STANDARD",
        "selfLink": f"{BASE}/projects/{ALPHA}/global/snapshots/{name}",
        "creationTimestamp": created,
        **extra,
    }


SNAPSHOTS = {
    ALPHA: [
        snapshot("pre-migration", "2024-05-01T10:00:00.000-07:00", labels={"team": "db"}),
        snapshot("last-week", "2026-06-20T10:00:00.000-07:00", "europe-west3"),
        snapshot(
            "nightly-2024",
            "2024-06-01T02:00:00.000-07:00",
            autoCreated=True,
            snapshotType="ARCHIVE",
        ),
        snapshot(
            "encrypted",
            "2026-01-15T10:00:00.000-07:00",
            snapshotEncryptionKey={"kmsKeyName": f"{KEY}/cryptoKeyVersions/3"},
        ),
    ],
}


def fill(e: Estate) -> None:
    for pid in ACTIVE:
        e.listing(f"/compute/v1/projects/{pid}/global/snapshots", "items", SNAPSHOTS.get(pid, []))
