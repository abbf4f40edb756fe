"""Azure scan benchmark: a local HTTPS Resource Manager, ``govscan scan --azure`` end to end.

    python bench/azure_scan.py           # about 5,000 resources, 10 subscriptions, 3 runs
    python bench/azure_scan.py --resources 50 --subscriptions 2 --runs 1

The estate is the test suite's (``tests/azure/estate/``: storage accounts,
disks, VMs with their NICs and public IPs, NSGs, VNets with flow logs, key
vaults, SQL servers and databases, PostgreSQL/MySQL, Cosmos DB, web apps, AKS,
registries, Recovery Services vaults, resource groups, subscription settings,
Entra ID), its first subscription copied to every benchmark subscription and
its resource groups cloned (``rg-app`` -> ``rg-app-c1``, ...) until the
estate holds the requested number of resources. Lists page by ``nextLink``
(``--page-size``, 1000 by default). The scan runs in its own process with the
baseline policy and the documented configuration (``AZURE_AUTHORITY_HOST``,
a service principal, ``REQUESTS_CA_BUNDLE``, ``--azure-endpoint``); peak RSS
is that process's own.

``--no-rate-limit`` lifts govscan's request rate limit (50 per second per
subscription and resource provider after a burst of 100) inside the scan.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from _cloud import clone, median_of, scan

_GROUP = re.compile(r"(?i)(/resourcegroups/)([^/\"?\s]+)")
# Judged resources of the template (measured with this estate): each clone of the
# first subscription's resource groups adds 51 (23 disks, 3 groups, 3 other
# resources, 2 each of VMs, storage accounts, key vaults, NSGs, SQL servers and
# databases, ...); every subscription adds itself; Entra ID adds 14 once.
PER_CLONE = 51
TENANT_WIDE = 14
SUBSCRIPTIONS = tuple(f"5e5e{k:04x}-0000-4000-8000-{k:012x}" for k in range(1, 101))


def template() -> tuple[dict[str, Any], str, str]:
    """The test estate (path -> JSON), its first subscription id and its tenant."""
    from tests.azure.armserver import load_estate
    from tests.azure.estate.common import SUB1, TENANT

    holder = SimpleNamespace(estate={})
    load_estate(holder)  # type: ignore[arg-type]
    return holder.estate, SUB1, TENANT


def build(subscriptions: int, clones: int) -> dict[str, Any]:
    """The benchmark estate: the template's first subscription ``subscriptions`` times,
    each resource group in it ``clones`` times."""
    base, sub1, _tenant = template()
    marker = f"/subscriptions/{sub1}".lower()
    estate: dict[str, Any] = {}
    for path, body in base.items():
        if "/subscriptions/" not in path:
            estate[path] = body  # tenant-wide: Entra ID, management groups
    subs = SUBSCRIPTIONS[:subscriptions]
    own = {p: b for p, b in base.items() if p.startswith(marker)}
    for sub in subs:
        for path, body in own.items():
            text = json.dumps(body).replace(sub1, sub)
            key = path.replace(sub1.lower(), sub.lower())
            if "/resourcegroups/" in key:
                # Inside one group: one copy per clone of the group.
                for j in range(clones):
                    suffix = f"-c{j}" if j else ""
                    estate[_GROUP.sub(lambda m, s=suffix: m.group(1) + m.group(2) + s, key)] = (
                        clone(json.loads(text), _GROUP, suffix)
                    )
                continue
            value = json.loads(text)
            items = value.get("value") if isinstance(value, dict) else None
            if isinstance(items, list):
                # A subscription-wide list: the items of every group clone.
                grown: list[Any] = []
                for item in items:
                    if _GROUP.search(json.dumps(item)):
                        grown += [clone(item, _GROUP, f"-c{j}" if j else "") for j in range(clones)]
                    else:
                        grown.append(item)
                value = {**value, "value": grown}
            estate[key] = value
    first = base.get(marker)
    if isinstance(first, dict):
        estate["/subscriptions"] = {
            "value": [
                json.loads(json.dumps(first).replace(sub1, s)) | {"displayName": f"bench-{i}"}
                for i, s in enumerate(subs)
            ]
        }
    return estate


def serve(estate: dict[str, Any], page_size: int, where: Path) -> Any:
    """A started ARM server with a fresh trustme CA (its PEM at ``where/ca.pem``)."""
    import trustme
    from tests.azure.armserver import ArmServer

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca.cert_pem.write_to_path(str(where / "ca.pem"))
    cert.private_key_pem.write_to_path(str(where / "server.key"))
    (where / "server.pem").write_bytes(b"".join(b.bytes() for b in cert.cert_chain_pems))
    server = ArmServer(str(where / "server.pem"), str(where / "server.key"))
    server.estate.update(estate)
    server.state.page_size = page_size
    return server.start()


def env_for(server: Any, tenant: str, where: Path) -> dict[str, str]:
    from tests.azure.armserver import CLIENT_ID, CLIENT_SECRET

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AZURE_", "MSI_", "IDENTITY_")) and "proxy" not in k.lower()
    }
    return env | {
        "AZURE_AUTHORITY_HOST": server.url,
        "AZURE_CLIENT_ID": CLIENT_ID,
        "AZURE_CLIENT_SECRET": CLIENT_SECRET,
        "AZURE_TENANT_ID": tenant,
        "REQUESTS_CA_BUNDLE": str(where / "ca.pem"),
        "NO_PROXY": "127.0.0.1,localhost",
        # No Azure CLI login or token cache of this machine takes part.
        "HOME": str(where),
        "AZURE_CONFIG_DIR": str(where / "no-azure-cli"),
    }


def run(
    resources: int, subscriptions: int, runs: int, page_size: int, rate_limit: bool
) -> dict[str, Any]:
    _base, _sub1, tenant = template()
    per_sub = (resources - TENANT_WIDE) / subscriptions - 1
    clones = max(1, round(per_sub / PER_CLONE))
    estate = build(subscriptions, clones)
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        server = serve(estate, page_size, where)
        try:
            subs = ",".join(SUBSCRIPTIONS[:subscriptions])
            args = ["--azure", "--azure-endpoint", server.url, "--azure-subscriptions", subs]
            module = "govscan.collectors.azure.clients"
            done = [
                scan(args, env_for(server, tenant, where), module, rate_limit) for _ in range(runs)
            ]
        finally:
            server.stop()
    return {
        "cloud": "azure",
        "subscriptions": subscriptions,
        "group_clones": clones,
        "page_size": page_size,
        "rate_limit": rate_limit,
        **median_of(done),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--subscriptions", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page-size", type=int, default=1000)
    ap.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="lift govscan's request rate limit in the scan (the server is local)",
    )
    args = ap.parse_args()
    result = run(
        args.resources, args.subscriptions, args.runs, args.page_size, not args.no_rate_limit
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
