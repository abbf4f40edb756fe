"""The Cloud Asset Inventory's view of the estate, derived from the other modules.

It runs last (modules fill in name order): every resource a per-project list call
answers becomes an asset whose ``resource.data`` is that same REST JSON, listed
under the organisation and under each folder above its project, so that a scan
through the inventory and a scan project by project must agree. BigQuery is the
exception the real inventory has too: its asset holds the full dataset (what
``datasets.get`` answers), not the list call's short entry.
"""

from __future__ import annotations

import re
from typing import Any

from tests.gcp.estate.core import ACTIVE, FOLDER, NUMBERS, ORG, PARENTS, SUBFOLDER
from tests.gcp.gcpserver import Estate

# (asset type, list path of project P, the list's key; "*key": an aggregated list)
LISTS: tuple[tuple[str, str, str], ...] = (
    ("storage.googleapis.com/Bucket", "/storage/v1/b?project={p}", "items"),
    (
        "compute.googleapis.com/Instance",
        "/compute/v1/projects/{p}/aggregated/instances",
        "*instances",
    ),
    ("compute.googleapis.com/Disk", "/compute/v1/projects/{p}/aggregated/disks", "*disks"),
    ("compute.googleapis.com/Firewall", "/compute/v1/projects/{p}/global/firewalls", "items"),
    ("compute.googleapis.com/Network", "/compute/v1/projects/{p}/global/networks", "items"),
    ("sqladmin.googleapis.com/Instance", "/sql/v1beta4/projects/{p}/instances", "items"),
    ("container.googleapis.com/Cluster", "/v1/projects/{p}/locations/-/clusters", "clusters"),
    ("secretmanager.googleapis.com/Secret", "/v1/projects/{p}/secrets", "secrets"),
)
KEYS = "/v1/projects/{p}/locations/[^/]+/keyRings/[^/]+/cryptoKeys"
DATASETS = "/bigquery/v2/projects/{p}/datasets"

FOLDERS_ABOVE = {
    f"folders/{FOLDER}": (f"folders/{FOLDER}",),
    f"folders/{SUBFOLDER}": (f"folders/{SUBFOLDER}", f"folders/{FOLDER}"),
}


def ancestors(pid: str) -> list[str]:
    """The project, its folders and the organisation, nearest first."""
    return [
        f"projects/{NUMBERS[pid]}",
        *FOLDERS_ABOVE.get(PARENTS[pid], ()),
        f"organizations/{ORG}",
    ]


def _items(e: Estate, path: str, key: str) -> list[dict[str, Any]]:
    body = e.get("GET", path) or {}
    if not key.startswith("*"):
        return list(body.get(key) or ())
    scopes = (body.get("items") or {}).values()
    return [i for scoped in scopes for i in scoped.get(key[1:]) or ()]


def resources(e: Estate, pid: str) -> list[tuple[str, dict[str, Any]]]:
    """(asset type, REST JSON) of every inventoried resource of project ``pid``."""
    found = [(t, i) for t, path, key in LISTS for i in _items(e, path.format(p=pid), key)]
    keys = re.compile(KEYS.format(p=re.escape(pid)))
    for (method, path), body in sorted(e.routes.items()):
        if method == "GET" and keys.fullmatch(path):
            found += [("cloudkms.googleapis.com/CryptoKey", k) for k in body["cryptoKeys"]]
    listing = DATASETS.format(p=pid)
    for d in _items(e, listing, "datasets"):
        full = e.get("GET", f"{listing}/{d['datasetReference']['datasetId']}")
        found.append(("bigquery.googleapis.com/Dataset", full or d))
    return found


def asset(asset_type: str, data: dict[str, Any], chain: list[str]) -> dict[str, Any]:
    api = asset_type.split("/", 1)[0]
    name = str(data.get("selfLink") or data.get("name") or data.get("id"))
    return {
        "name": f"//{api}/{name.split('://', 1)[-1]}",
        "assetType": asset_type,
        "resource": {
            "version": "v1",
            "data": data,
            "parent": f"//cloudresourcemanager.googleapis.com/{chain[0]}",
        },
        "ancestors": chain,
    }


def fill(e: Estate) -> None:
    for pid in ACTIVE:
        chain = ancestors(pid)
        for asset_type, data in resources(e, pid):
            # Listed under the project too: a shard asks for its own projects only.
            for scope in chain:
                e.add(f"/v1/{scope}/assets", "assets", asset(asset_type, data, chain))
