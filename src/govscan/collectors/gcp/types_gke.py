"""GKE clusters, through the Kubernetes Engine API (discovery client).

One call lists the clusters of every location; zones the API could not reach
make the listing incomplete, and an incomplete listing is an error of the scope,
never a silent gap. Credentials in the answer (the cluster CA, client
certificates) are read only as "present or not".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import call, labels, located, location, obj, seq, text
from govscan.collectors.gcp.types_compute import DEFAULT_SA_SUFFIX

T = "gcp.container.cluster"
API = "container.googleapis.com"
LIST = "container.clusters.list"


def _list(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    parent = f"projects/{project.project_id}/locations/-"
    answer = call(
        clients,
        project,
        API,
        LIST,
        lambda s, _t: s.projects().locations().clusters().list(parent=parent),
    )
    yield from (c for c in seq(answer.get("clusters")) if isinstance(c, dict))
    missing = [str(z) for z in seq(answer.get("missingZones"))]
    if missing:
        raise CallFailure(
            API, LIST, "unreachable", 0, f"zones did not answer: {', '.join(sorted(missing))}"
        )


def node_pool(pool: Mapping[str, Any]) -> dict[str, Any]:
    config = obj(pool.get("config"))
    management = obj(pool.get("management"))
    shielded = obj(config.get("shieldedInstanceConfig"))
    account = text(config.get("serviceAccount")) or "default"
    return {
        "name": text(pool.get("name")),
        "auto_repair": bool(management.get("autoRepair")),
        "auto_upgrade": bool(management.get("autoUpgrade")),
        "secure_boot": bool(shielded.get("enableSecureBoot")),
        "integrity_monitoring": bool(shielded.get("enableIntegrityMonitoring")),
        "service_account": account,
        "default_service_account": account == "default" or account.endswith(DEFAULT_SA_SUFFIX),
        "image_type": text(config.get("imageType")),
        "gke_metadata_server": obj(config.get("workloadMetadataConfig")).get("mode")
        == "GKE_METADATA",
    }


def _private_endpoint(item: Mapping[str, Any]) -> bool:
    private = obj(item.get("privateClusterConfig"))
    if private.get("enablePrivateEndpoint"):
        return True
    # Newer clusters state it as "the public endpoint is off".
    endpoints = obj(obj(item.get("controlPlaneEndpointsConfig")).get("ipEndpointsConfig"))
    return endpoints.get("enablePublicEndpoint") is False


def _network_policy(item: Mapping[str, Any]) -> bool:
    if obj(item.get("networkConfig")).get("datapathProvider") == "ADVANCED_DATAPATH":
        return True
    addon = obj(obj(item.get("addonsConfig")).get("networkPolicyConfig"))
    return bool(obj(item.get("networkPolicy")).get("enabled")) and not addon.get("disabled")


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A cluster's REST JSON -> gcp.container.cluster."""
    network = obj(item.get("networkConfig"))
    authorized = obj(item.get("masterAuthorizedNetworksConfig"))
    channel = text(obj(item.get("releaseChannel")).get("channel"))
    binauthz = obj(item.get("binaryAuthorization"))
    evaluation = binauthz.get("evaluationMode")
    return {
        "name": text(item.get("name")),
        **located(location(item.get("location"))),
        "labels": labels(item.get("resourceLabels")),
        "status": text(item.get("status")),
        "node_locations": sorted(str(z) for z in seq(item.get("locations"))),
        "current_master_version": text(item.get("currentMasterVersion")),
        "autopilot": bool(obj(item.get("autopilot")).get("enabled")),
        "release_channel": None if channel in (None, "UNSPECIFIED") else channel,
        "private_nodes": bool(
            obj(item.get("privateClusterConfig")).get("enablePrivateNodes")
            or network.get("defaultEnablePrivateNodes")
        ),
        "private_endpoint": _private_endpoint(item),
        "master_authorized_networks_enabled": bool(authorized.get("enabled")),
        "master_authorized_cidrs": [
            str(c["cidrBlock"])
            for c in seq(authorized.get("cidrBlocks"))
            if isinstance(c, dict) and c.get("cidrBlock")
        ],
        "workload_identity": bool(obj(item.get("workloadIdentityConfig")).get("workloadPool")),
        "legacy_abac": bool(obj(item.get("legacyAbac")).get("enabled")),
        "network_policy": _network_policy(item),
        "shielded_nodes": bool(obj(item.get("shieldedNodes")).get("enabled")),
        "binary_authorization": bool(binauthz.get("enabled"))
        or evaluation not in (None, "DISABLED", "EVALUATION_MODE_UNSPECIFIED"),
        "secrets_encryption": obj(item.get("databaseEncryption")).get("state") == "ENCRYPTED",
        "client_certificate": bool(obj(item.get("masterAuth")).get("clientCertificate")),
        "logging_service": text(item.get("loggingService")),
        "monitoring_service": text(item.get("monitoringService")),
        "intranode_visibility": bool(network.get("enableIntraNodeVisibility")),
        "node_pools": [node_pool(p) for p in seq(item.get("nodePools")) if isinstance(p, dict)],
        "created": text(item.get("createTime")),
    }


define(
    GcpType(
        type=T,
        api=API,
        list=_list,
        normalise=normalise,
        permissions=(LIST,),
        asset_type="container.googleapis.com/Cluster",
    )
)
