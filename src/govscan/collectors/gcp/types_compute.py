"""Compute Engine instances and persistent disks, through ``google.cloud.compute_v1``.

Both are read with aggregated lists (every zone and region of the project in one
paged call). Instance metadata is read for three keys only (enable-oslogin,
serial-port-enable, block-project-ssh-keys): other values, startup scripts among
them, may hold secrets and are never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.clients import Clients, as_dict
from govscan.collectors.gcp.spec import Detail, Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    integer,
    key_without_version,
    labels,
    last,
    located,
    location,
    obj,
    others,
    region_of,
    seq,
    text,
)

INSTANCE = "gcp.compute.instance"
DISK = "gcp.compute.disk"
API = "compute.googleapis.com"
LIST_INSTANCES = "compute.instances.list"
LIST_DISKS = "compute.disks.list"
GET_PROJECT = "compute.projects.get"
PAGE_SIZE = 500

OS_LOGIN = "enable-oslogin"
SERIAL_PORT = "serial-port-enable"
BLOCK_PROJECT_KEYS = "block-project-ssh-keys"
KEPT_METADATA = (OS_LOGIN, SERIAL_PORT, BLOCK_PROJECT_KEYS)
"""The only metadata keys govscan reads: every other value may be a secret."""

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
DEFAULT_SA_SUFFIX = "-compute@developer.gserviceaccount.com"


def aggregated(
    clients: Clients,
    project: Project,
    operation: str,
    client_class: Callable[[], Callable[..., Any]],
    key: str,
) -> Iterator[dict[str, Any]]:
    """Every item under ``key`` in every scope of an aggregated list, page by page."""
    client = clients.gapic(API, client_class())
    page_token = ""
    seen: set[str] = set()
    while True:
        request: dict[str, Any] = {"project": project.project_id, "max_results": PAGE_SIZE}
        if page_token:
            request["page_token"] = page_token
        pager = clients.call(
            API, project.project_id, operation, client.aggregated_list, request=request
        )
        # The pager's first page is the answer already received: no further call.
        page = as_dict(next(iter(pager.pages)))
        for scoped in obj(page.get("items")).values():
            if isinstance(scoped, dict):
                yield from (i for i in seq(scoped.get(key)) if isinstance(i, dict))
        page_token = str(page.get("nextPageToken") or "")
        if not page_token or page_token in seen:
            return
        seen.add(page_token)


def _instances_client() -> Callable[..., Any]:
    from google.cloud import compute_v1

    return compute_v1.InstancesClient


def _disks_client() -> Callable[..., Any]:
    from google.cloud import compute_v1

    return compute_v1.DisksClient


def _projects_client() -> Callable[..., Any]:
    from google.cloud import compute_v1

    return compute_v1.ProjectsClient


def _list_instances(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    return aggregated(clients, project, LIST_INSTANCES, _instances_client, "instances")


def _list_disks(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    return aggregated(clients, project, LIST_DISKS, _disks_client, "disks")


def kept_metadata(metadata: Any) -> dict[str, str]:
    """The metadata values govscan reads (``KEPT_METADATA``), nothing else."""
    items = metadata.get("items") if isinstance(metadata, dict) else None
    return {
        str(i["key"]): str(i.get("value", ""))
        for i in seq(items)
        if isinstance(i, dict) and i.get("key") in KEPT_METADATA
    }


def _project_metadata(clients: Clients, project: Project, item: Mapping[str, Any]) -> Any:
    def read() -> dict[str, str]:
        client = clients.gapic(API, _projects_client())
        answer = clients.call(
            API,
            project.project_id,
            GET_PROJECT,
            client.get,
            request={"project": project.project_id},
        )
        return kept_metadata(as_dict(answer).get("commonInstanceMetadata"))

    # Project-wide metadata is the same for every instance: one call per project.
    return clients.once(("gcp-compute-project-metadata", project.project_id), read)


def _true(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() in ("true", "1", "yes", "on", "y")


def normalise_instance(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """An instance's REST JSON (and the project's metadata when read) -> gcp.compute.instance."""
    zone = location(item.get("zone"))
    own = kept_metadata(item.get("metadata"))
    interfaces = []
    external: list[str] = []
    has_external = False
    for nic in seq(item.get("networkInterfaces")):
        if not isinstance(nic, dict):
            continue
        configs = [c for c in seq(nic.get("accessConfigs")) if isinstance(c, dict)]
        v6 = [c for c in seq(nic.get("ipv6AccessConfigs")) if isinstance(c, dict)]
        # An access config without an address yet (a stopped VM) still means one is given.
        has_external = has_external or bool(configs) or bool(v6)
        ipv4 = next((str(c["natIP"]) for c in configs if c.get("natIP")), None)
        ipv6 = next(
            (
                f"{c['externalIpv6']}/{c.get('externalIpv6PrefixLength', 96)}"
                for c in v6
                if c.get("externalIpv6")
            ),
            None,
        )
        external += [x for x in (ipv4, ipv6) if x]
        interfaces.append(
            {
                "network": last(nic.get("network")),
                "subnetwork": last(nic.get("subnetwork")),
                "internal_ip": text(nic.get("networkIP")),
                "external_ip": ipv4,
                "ipv6_external": ipv6,
            }
        )
    accounts: list[dict[str, Any]] = [
        {"email": text(sa.get("email")), "scopes": sorted(str(s) for s in seq(sa.get("scopes")))}
        for sa in seq(item.get("serviceAccounts"))
        if isinstance(sa, dict)
    ]
    default = [a for a in accounts if str(a["email"] or "").endswith(DEFAULT_SA_SUFFIX)]
    shielded = obj(item.get("shieldedInstanceConfig"))
    disks = []
    for d in seq(item.get("disks")):
        if not isinstance(d, dict):
            continue
        key = obj(d.get("diskEncryptionKey"))
        disks.append(
            {
                "source": last(d.get("source")),
                "boot": bool(d.get("boot")),
                "kms_key": key_without_version(key.get("kmsKeyName")),
                "csek": bool(key.get("sha256") or key.get("rsaEncryptedKey")),
            }
        )
    tags = labels(item.get("labels"))
    data: dict[str, Any] = {
        "name": text(item.get("name")),
        **located(zone),
        "labels": tags,
        "instance_id": text(item.get("id")),
        "zone": zone,
        "status": text(item.get("status")),
        "machine_type": last(item.get("machineType")),
        "network_interfaces": interfaces,
        "external_ips": external,
        "has_external_ip": has_external,
        "can_ip_forward": bool(item.get("canIpForward")),
        "service_accounts": accounts,
        "uses_default_service_account": bool(default),
        "default_sa_full_api_access": any(CLOUD_PLATFORM in a["scopes"] for a in default),
        "block_project_ssh_keys": bool(_true(own.get(BLOCK_PROJECT_KEYS))),
        "shielded_vm": {
            "secure_boot": bool(shielded.get("enableSecureBoot")),
            "vtpm": bool(shielded.get("enableVtpm")),
            "integrity_monitoring": bool(shielded.get("enableIntegrityMonitoring")),
        },
        "confidential_compute": bool(
            obj(item.get("confidentialInstanceConfig")).get("enableConfidentialCompute")
        ),
        "deletion_protection": bool(item.get("deletionProtection")),
        "disks": disks,
        "gke_node": "goog-gke-node" in tags,
        "created": text(item.get("creationTimestamp")),
    }
    project_wide: Mapping[str, Any] | None = None
    if GET_PROJECT in fetched:
        project_wide = fetched[GET_PROJECT]
    for field, name in (("os_login_enabled", OS_LOGIN), ("serial_port_enabled", SERIAL_PORT)):
        # The instance's own value wins; otherwise the project's (when it was read).
        value = _true(own.get(name))
        if value is None and project_wide is not None:
            value = bool(_true(project_wide.get(name)))
        if value is not None:
            data[field] = value
    return data


def normalise_disk(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A disk's REST JSON -> gcp.compute.disk."""
    zone = location(item.get("zone"))
    loc = zone or location(item.get("region"))
    key = obj(item.get("diskEncryptionKey"))
    kms = key_without_version(key.get("kmsKeyName"))
    csek = bool(key.get("sha256") or key.get("rsaEncryptedKey"))
    replica_zones = sorted({z for z in (location(r) for r in seq(item.get("replicaZones"))) if z})
    users = sorted({u for u in (last(x) for x in seq(item.get("users"))) if u})
    return {
        "name": text(item.get("name")),
        **located(loc),
        "labels": labels(item.get("labels")),
        "disk_id": text(item.get("id")),
        "zone": zone,
        "replica_zones": replica_zones,
        "replica_locations": others((region_of(z) for z in replica_zones), region_of(loc)),
        "size_gb": integer(item.get("sizeGb")),
        "disk_type": last(item.get("type")),
        "status": text(item.get("status")),
        "encryption_type": "cmek" if kms else "csek" if csek else "google-managed",
        "kms_key": kms,
        "users": users,
        "attached": bool(users),
        "source_image": last(item.get("sourceImage")),
        "created": text(item.get("creationTimestamp")),
    }


define(
    GcpType(
        type=INSTANCE,
        api=API,
        list=_list_instances,
        normalise=normalise_instance,
        permissions=(LIST_INSTANCES,),
        details=(
            Detail(GET_PROJECT, ("os_login_enabled", "serial_port_enabled"), _project_metadata),
        ),
        asset_type="compute.googleapis.com/Instance",
    )
)
define(
    GcpType(
        type=DISK,
        api=API,
        list=_list_disks,
        normalise=normalise_disk,
        permissions=(LIST_DISKS,),
        asset_type="compute.googleapis.com/Disk",
    )
)
