"""Cloud SQL instances, through the Cloud SQL Admin API (discovery client)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    integer,
    labels,
    located,
    location,
    obj,
    others,
    pages,
    region_of,
    seq,
    text,
    token,
)

T = "gcp.sql.instance"
API = "sqladmin.googleapis.com"
LIST = "cloudsql.instances.list"
PAGE_SIZE = 500
REPLICA_REGIONS = "govscan:replicaRegions"
"""Added to each listed instance: name -> region of every instance of its project, so
the normaliser can place replicas without a call per replica."""

ENCRYPTED_MODES = frozenset({"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"})


def _list(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    found = list(
        pages(
            clients,
            project,
            API,
            LIST,
            lambda s, t: s.instances().list(
                project=project.project_id, maxResults=PAGE_SIZE, **token(t)
            ),
            "items",
        )
    )
    return with_regions(found)


def with_regions(found: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """One project's instances, each with the regions of all of them."""
    regions = {str(i.get("name")): location(i.get("region")) for i in found}
    for item in found:
        yield {**item, REPLICA_REGIONS: regions}


def engine_of(version: str | None) -> str | None:
    """POSTGRES_16 -> postgres, MYSQL_8_0 -> mysql, SQLSERVER_2022_WEB -> sqlserver."""
    head = str(version or "").split("_", 1)[0].lower()
    return head or None


def ssl_mode(ip: Mapping[str, Any]) -> str:
    """The SSL mode; for instances that only state the older requireSsl, its equivalent."""
    mode = text(ip.get("sslMode"))
    if mode and mode != "SSL_MODE_UNSPECIFIED":
        return mode
    # requireSsl true meant client certificates were required.
    if ip.get("requireSsl"):
        return "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    return "ALLOW_UNENCRYPTED_AND_ENCRYPTED"


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """An instance's REST JSON -> gcp.sql.instance."""
    settings = obj(item.get("settings"))
    ip = obj(settings.get("ipConfiguration"))
    backup = obj(settings.get("backupConfiguration"))
    loc = location(item.get("region"))
    engine = engine_of(text(item.get("databaseVersion")))
    public = bool(ip.get("ipv4Enabled"))
    networks = [
        str(n["value"])
        for n in seq(ip.get("authorizedNetworks"))
        if isinstance(n, dict) and n.get("value")
    ]
    mode = ssl_mode(ip)
    regions = obj(item.get(REPLICA_REGIONS))
    names = [str(n) for n in seq(item.get("replicaNames"))]
    failover = text(obj(item.get("failoverReplica")).get("name"))
    if failover and failover not in names:
        names.append(failover)
    # A replica in another project is not in this project's listing: region unknown.
    replicas = [{"name": n, "region": regions.get(n)} for n in sorted(names)]
    secondary = location(item.get("secondaryGceZone"))
    backup_location = location(backup.get("location"))
    pitr = (
        backup.get("binaryLogEnabled")
        if engine == "mysql"
        else backup.get("pointInTimeRecoveryEnabled")
    )
    master = text(item.get("masterInstanceName"))
    flags = {
        str(f["name"]): str(f.get("value", ""))
        for f in seq(settings.get("databaseFlags"))
        if isinstance(f, dict) and f.get("name")
    }
    return {
        "name": text(item.get("name")),
        **located(loc),
        "labels": labels(settings.get("userLabels")),
        "instance_type": text(item.get("instanceType")),
        "database_version": text(item.get("databaseVersion")),
        "engine": engine,
        "state": text(item.get("state")),
        "gce_zone": location(item.get("gceZone")),
        "secondary_zone": secondary,
        "availability_type": text(settings.get("availabilityType")),
        "public_ip": public,
        "private_network": text(ip.get("privateNetwork")),
        "authorized_networks": networks,
        "open_to_internet": public and any(n.endswith("/0") for n in networks),
        "ssl_mode": mode,
        "ssl_required": mode in ENCRYPTED_MODES,
        "backup_enabled": bool(backup.get("enabled")),
        "backup_location": backup_location,
        "backup_retained_count": integer(
            obj(backup.get("backupRetentionSettings")).get("retainedBackups")
        ),
        "transaction_log_retention_days": integer(backup.get("transactionLogRetentionDays")),
        "pitr_enabled": bool(pitr),
        "database_flags": flags,
        "kms_key": text(obj(item.get("diskEncryptionConfiguration")).get("kmsKeyName")),
        "master_instance": master.rsplit(":", 1)[-1] if master else None,
        "replicas": replicas,
        "replica_locations": others(
            [*(r["region"] for r in replicas), region_of(secondary), backup_location], loc
        ),
        "deletion_protection": bool(settings.get("deletionProtectionEnabled")),
        "created": text(item.get("createTime")),
    }


def ident(item: Mapping[str, Any]) -> str:
    owner, name = item.get("project", ""), item.get("name", "")
    return f"//cloudsql.googleapis.com/projects/{owner}/instances/{name}"


define(
    GcpType(
        type=T,
        api=API,
        list=_list,
        normalise=normalise,
        permissions=(LIST,),
        ident=ident,
        asset_type="sqladmin.googleapis.com/Instance",
        from_assets=with_regions,
    )
)
