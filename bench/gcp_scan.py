"""GCP scan benchmark: the local Google Cloud test server, ``govscan scan --gcp`` end to end.

    python bench/gcp_scan.py                       # about 5,000 resources, 10 projects, 3 runs
    python bench/gcp_scan.py --resources 50 --projects 2 --runs 1

The estate is the test suite's (``tests/gcp/estate/``): its project ``alpha``
(every API enabled) is copied to every benchmark project, and in each copy the
resources of the collected types are cloned (``web-1`` -> ``web-1-c1``, ...)
until the estate holds the requested number: Compute instances and disks,
firewalls, Cloud Storage buckets, Cloud SQL instances, BigQuery datasets, GKE
clusters, KMS keys and Secret Manager secrets, with the detail answers
(bucket and key IAM policies, dataset access) of each clone. Lists page by
``pageToken`` (``--page-size``, 500 by default, the Compute maximum). The scan
runs in its own process with the baseline policy, a service-account key file
whose ``token_uri`` is the server and ``--gcp-endpoint``, as docs/gcp.md
describes; peak RSS is that process's own.

``--no-rate-limit`` lifts govscan's request rate limit (20 per second per
project and API) inside the scan.

``--organization`` puts the benchmark projects in one organisation and scans it
with ``--gcp-organization``: its Cloud Asset Inventory holds every project and
every resource of the inventoried types (derived as in
``tests/gcp/estate/zz_inventory.py``); add ``--no-asset-inventory`` to list each
project on its own instead, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from _cloud import median_of, scan

TEMPLATE, TEMPLATE_NUMBER = "alpha", "111"
# Judged resources of the template (measured with this estate): each clone adds
# PER_CLONE (5 secrets, 4 firewalls, 4 buckets, 3 each of datasets, disks, KMS
# keys and SQL instances, 2 instances, 2 clusters); every project copy adds FIXED
# more (the project itself, its service accounts, networks and log buckets, which
# are not cloned).
PER_CLONE = 29
FIXED = 10
PROJECTS = tuple(f"bench-p{k:03d}" for k in range(1, 101))

# (list path below /PROJECT, the list's key, how an item names itself)
_CLONED: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/compute/v1/projects/[^/]+/aggregated/(disks|instances)$"), "aggregated"),
    (re.compile(r"^/compute/v1/projects/[^/]+/global/firewalls$"), "items"),
    (re.compile(r"^/sql/v1beta4/projects/[^/]+/instances$"), "items"),
    (re.compile(r"^/storage/v1/b\?project=.+$"), "items"),
    (re.compile(r"^/v1/projects/[^/]+/locations/-/clusters$"), "clusters"),
    (re.compile(r"^/v1/projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys$"), "cryptoKeys"),
    (re.compile(r"^/v1/projects/[^/]+/secrets$"), "secrets"),
    (re.compile(r"^/bigquery/v2/projects/[^/]+/datasets$"), "datasets"),
)


def template() -> Any:
    """The test suite's estate (``tests/gcp/estate``)."""
    from tests.gcp.gcpserver import Estate, estate_modules

    estate = Estate()
    for module in estate_modules():
        module.fill(estate)
    return estate


def _short(item: dict[str, Any]) -> str:
    if isinstance(item.get("datasetReference"), dict):
        return str(item["datasetReference"].get("datasetId", ""))
    return str(item.get("name", "")).rsplit("/", 1)[-1]


def _named(name: str) -> re.Pattern[str]:
    # The name as a whole path segment, quoted string or ``:`` suffix.
    return re.compile(r"(?<=[/\"':])" + re.escape(name) + r"(?=[\"/:]|$)")


def _grow(items: list[Any], clones: int, names: set[str]) -> list[Any]:
    out = list(items)
    for item in items:
        name = _short(item) if isinstance(item, dict) else ""
        if not name:
            continue
        names.add(name)
        text, pattern = json.dumps(item), _named(name)
        out += [json.loads(pattern.sub(f"{name}-c{j}", text)) for j in range(1, clones)]
    return out


def _project_copy(text: str, pid: str, number: str) -> str:
    text = re.sub(rf"(?<![\w]){TEMPLATE}(?![\w])", pid, text)
    return re.sub(rf"(?<![\w]){TEMPLATE_NUMBER}(?![\w])", number, text)


def build(projects: int, clones: int) -> Any:
    """The benchmark estate: the template's project ``projects`` times, its resources
    of the cloned types ``clones`` times each."""
    from tests.gcp.gcpserver import Estate

    base = template()
    estate = Estate()
    own: dict[tuple[str, str], Any] = {}
    marker = re.compile(rf"(?<![\w])({TEMPLATE}|{TEMPLATE_NUMBER})(?![\w])")
    for (method, path), body in base.routes.items():
        if marker.search(path):
            own[(method, path)] = body
        else:
            estate.routes[(method, path)] = body  # organisation, folders, other projects
    estate.numbers.update(base.numbers)
    for k, pid in enumerate(PROJECTS[:projects]):
        number = str(900_000 + k)
        estate.numbers[number] = pid
        estate.services[pid] = set(base.services[TEMPLATE])
        routes = {
            (m, _project_copy(p, pid, number)): json.loads(
                _project_copy(json.dumps(b), pid, number)
            )
            for (m, p), b in own.items()
        }
        names: set[str] = set()
        for (_method, path), body in routes.items():
            for pattern, key in _CLONED:
                if not pattern.match(path):
                    continue
                if key == "aggregated":
                    for scoped in body.get("items", {}).values():
                        for inner, items in scoped.items():
                            if isinstance(items, list):
                                scoped[inner] = _grow(items, clones, names)
                elif isinstance(body.get(key), list):
                    body[key] = _grow(body[key], clones, names)
        # Detail answers of every clone: the same answer under the clone's name.
        details: dict[tuple[str, str], Any] = {}
        for name in names:
            pattern = _named(name)
            for (method, path), body in routes.items():
                if pattern.search(path):
                    text = json.dumps(body)
                    for j in range(1, clones):
                        new = f"{name}-c{j}"
                        details[(method, pattern.sub(new, path))] = json.loads(
                            pattern.sub(new, text)
                        )
        estate.routes.update(routes)
        estate.routes.update(details)
    return estate


def organise(estate: Any, projects: int) -> None:
    """The benchmark projects as the only ones of the test organisation, with its
    inventory: the projects, then every inventoried resource of each."""
    from tests.gcp.estate import core, zz_inventory

    org = f"organizations/{core.ORG}"
    listed, assets = [], []
    for k, pid in enumerate(PROJECTS[:projects]):
        number = str(900_000 + k)
        data = {"name": f"projects/{number}", "parent": org, "projectId": pid, "state": "ACTIVE"}
        estate.routes[("GET", f"/v3/projects/{pid}")] = data
        listed.append(data)
        chain = [f"projects/{number}", org]
        assets.append(
            {
                "name": f"//cloudresourcemanager.googleapis.com/projects/{number}",
                "assetType": "cloudresourcemanager.googleapis.com/Project",
                "resource": {
                    "data": {
                        "projectNumber": number,
                        "projectId": pid,
                        "lifecycleState": "ACTIVE",
                        "name": pid,
                        "parent": {"type": "organization", "id": core.ORG},
                    }
                },
                "ancestors": chain,
            }
        )
        assets += [zz_inventory.asset(t, d, chain) for t, d in zz_inventory.resources(estate, pid)]
    estate.routes[("GET", f"/v3/projects?parent={org}")] = {"projects": listed}
    estate.routes[("GET", f"/v3/folders?parent={org}")] = {"folders": []}
    estate.routes[("GET", f"/v1/{org}/assets")] = {"assets": assets}


def serve(estate: Any, page_size: int) -> Any:
    from tests.gcp.gcpserver import GcpServer

    server = GcpServer(page_size=page_size)
    server.estate = estate
    server.start()
    return server


def key_file(path: Path, token_uri: str) -> None:
    """A service-account key file whose token endpoint is the local server."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    account = {
        "type": "service_account",
        "project_id": PROJECTS[0],
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": f"govscan@{PROJECTS[0]}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(account))


def env_for(where: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GOOGLE_", "GCE_", "CLOUDSDK_")) and "proxy" not in k.lower()
    }
    return env | {
        "GOOGLE_APPLICATION_CREDENTIALS": str(where / "key.json"),
        # Neither gcloud's configuration nor a metadata server may answer instead.
        "CLOUDSDK_CONFIG": str(where / "no-gcloud"),
        "NO_GCE_CHECK": "True",
        "GCE_METADATA_HOST": "127.0.0.1:9",
        "GCE_METADATA_IP": "127.0.0.1:9",
        "HOME": str(where),
    }


def run(
    resources: int,
    projects: int,
    runs: int,
    page_size: int,
    rate_limit: bool,
    organization: bool = False,
    asset_inventory: bool = True,
) -> dict[str, Any]:
    clones = max(1, round((resources / projects - FIXED) / PER_CLONE))
    estate = build(projects, clones)
    if organization:
        organise(estate, projects)
    server = serve(estate, page_size)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            where = Path(tmp)
            key_file(where / "key.json", f"{server.url}/token")
            ids = ",".join(PROJECTS[:projects])
            args = ["--gcp", "--gcp-projects", ids, "--gcp-endpoint", server.url]
            if organization:
                from tests.gcp.estate.core import ORG

                args[1:3] = ["--gcp-organization", ORG]
                args += [] if asset_inventory else ["--gcp-no-asset-inventory"]
            module = "govscan.collectors.gcp.clients"
            done = [scan(args, env_for(where), module, rate_limit) for _ in range(runs)]
    finally:
        server.stop()
    return {
        "cloud": "gcp",
        "projects": projects,
        "clones": clones,
        "page_size": page_size,
        "rate_limit": rate_limit,
        "organization": organization,
        "asset_inventory": asset_inventory if organization else None,
        **median_of(done),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--projects", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page-size", type=int, default=500)
    ap.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="lift govscan's request rate limit in the scan (the server is local)",
    )
    ap.add_argument(
        "--organization",
        action="store_true",
        help="scan the projects as one organisation (through its Cloud Asset Inventory)",
    )
    ap.add_argument(
        "--no-asset-inventory",
        action="store_true",
        help="with --organization: list each project on its own",
    )
    args = ap.parse_args()
    result = run(
        args.resources,
        args.projects,
        args.runs,
        args.page_size,
        not args.no_rate_limit,
        args.organization,
        not args.no_asset_inventory,
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
