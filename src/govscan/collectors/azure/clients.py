"""The client table and the one place Azure management clients are made.

Every client a scan uses comes from ``Clients.get``: pointed at the scan's
ARM endpoint, asking tokens for the cloud's audience, with govscan's retry
policy and token bucket in place of azure-core's retries (``retries.py``), the
connect and read timeouts of ``collectors.retry``, no redirects, and a guard
that refuses to send a request (and its bearer token) to any host but the
ARM endpoint's, whatever a ``nextLink`` says.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from govscan.collectors.azure.arm import CallLog
from govscan.collectors.azure.clouds import Endpoints
from govscan.collectors.retry import RetryPolicy, Throttle

POLICY = RetryPolicy(service_rates={})
"""The Azure collector's retry and rate-limit values (docs/azure.md, "Retries and rate
limits"): the shared defaults, one bucket per (subscription, resource provider)."""


def new_throttle() -> Throttle:
    """One scan's throttle: ``POLICY`` on the system clock."""
    return Throttle(POLICY)


@dataclass(frozen=True)
class ClientSpec:
    module: str
    cls: str
    provider: str
    """Resource provider its calls go to: the rate-limit bucket is per (subscription,
    provider)."""
    per_subscription: bool = True
    """Takes a subscription id (the subscription and management-group clients do not)."""


CLIENTS: Mapping[str, ClientSpec] = {
    "resource": ClientSpec(
        "azure.mgmt.resource.resources", "ResourceManagementClient", "Microsoft.Resources"
    ),
    "subscription": ClientSpec(
        "azure.mgmt.resource.subscriptions", "SubscriptionClient", "Microsoft.Resources", False
    ),
    "managementgroups": ClientSpec(
        "azure.mgmt.managementgroups", "ManagementGroupsMgmtClient", "Microsoft.Management", False
    ),
    "authorization": ClientSpec(
        "azure.mgmt.authorization", "AuthorizationManagementClient", "Microsoft.Authorization"
    ),
    "security": ClientSpec("azure.mgmt.security", "SecurityCenter", "Microsoft.Security"),
    "monitor": ClientSpec("azure.mgmt.monitor", "MonitorManagementClient", "Microsoft.Insights"),
    "storage": ClientSpec("azure.mgmt.storage", "StorageManagementClient", "Microsoft.Storage"),
    "compute": ClientSpec("azure.mgmt.compute", "ComputeManagementClient", "Microsoft.Compute"),
    "network": ClientSpec("azure.mgmt.network", "NetworkManagementClient", "Microsoft.Network"),
    "keyvault": ClientSpec("azure.mgmt.keyvault", "KeyVaultManagementClient", "Microsoft.KeyVault"),
    "sql": ClientSpec("azure.mgmt.sql", "SqlManagementClient", "Microsoft.Sql"),
    "postgresql": ClientSpec(
        "azure.mgmt.postgresqlflexibleservers",
        "PostgreSQLManagementClient",
        "Microsoft.DBforPostgreSQL",
    ),
    "mysql": ClientSpec(
        "azure.mgmt.mysqlflexibleservers", "MySQLManagementClient", "Microsoft.DBforMySQL"
    ),
    "cosmosdb": ClientSpec(
        "azure.mgmt.cosmosdb", "CosmosDBManagementClient", "Microsoft.DocumentDB"
    ),
    "web": ClientSpec("azure.mgmt.web", "WebSiteManagementClient", "Microsoft.Web"),
    "containerservice": ClientSpec(
        "azure.mgmt.containerservice", "ContainerServiceClient", "Microsoft.ContainerService"
    ),
    "containerregistry": ClientSpec(
        "azure.mgmt.containerregistry",
        "ContainerRegistryManagementClient",
        "Microsoft.ContainerRegistry",
    ),
    "recoveryservices": ClientSpec(
        "azure.mgmt.recoveryservices", "RecoveryServicesClient", "Microsoft.RecoveryServices"
    ),
    "recoveryservicesbackup": ClientSpec(
        "azure.mgmt.recoveryservicesbackup",
        "RecoveryServicesBackupClient",
        "Microsoft.RecoveryServices",
    ),
    "loganalytics": ClientSpec(
        "azure.mgmt.loganalytics", "LogAnalyticsManagementClient", "Microsoft.OperationalInsights"
    ),
    "resourcegraph": ClientSpec(
        "azure.mgmt.resourcegraph", "ResourceGraphClient", "Microsoft.ResourceGraph", False
    ),
}
"""Client key -> SDK class. A type names its client by key (``AzureType.client``)."""


class Clients:
    """One scan's clients, made once per (client key, subscription) and shared."""

    def __init__(self, credential: Any, where: Endpoints, throttle: Throttle, log: CallLog) -> None:
        self.credential = credential
        self.where = where
        self.throttle = throttle
        self.log = log
        self._lock = threading.Lock()
        self._made: dict[tuple[str, str, str], Any] = {}

    def get(self, key: str, subscription: str = "", provider: str = "") -> Any:
        """The client ``key`` for ``subscription``; ``provider`` overrides the bucket
        (raw ARM calls through the resource client)."""
        spec = CLIENTS[key]
        bucket = provider or spec.provider
        ident = (key, subscription, bucket)
        with self._lock:
            found = self._made.get(ident)
            if found is None:
                found = self._make(spec, subscription, bucket)
                self._made[ident] = found
            return found

    def _make(self, spec: ClientSpec, subscription: str, provider: str) -> Any:
        from govscan.collectors.azure.retries import GovscanRetryPolicy

        cls = getattr(importlib.import_module(spec.module), spec.cls)
        args: tuple[Any, ...] = (self.credential,)
        if spec.per_subscription:
            args = (self.credential, subscription)
        policy = self.throttle.policy
        return cls(
            *args,
            base_url=self.where.arm,
            credential_scopes=[self.where.scope],
            retry_policy=GovscanRetryPolicy(self.throttle, subscription, provider, self.log),
            per_call_policies=[host_guard(self.where.arm)],
            permit_redirects=False,
            connection_timeout=policy.connect_timeout,
            read_timeout=policy.read_timeout,
            logging_enable=False,
        )

    def close(self) -> None:
        with self._lock:
            made = list(self._made.values())
            self._made.clear()
        for client in made:
            close = getattr(client, "close", None)
            if close is not None:
                close()


def host_guard(arm: str) -> Any:
    """A policy refusing any request whose host is not the ARM endpoint's."""
    from azure.core.exceptions import AzureError
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    allowed = (urlsplit(arm).hostname or "").lower(), urlsplit(arm).port

    class ForeignHostError(AzureError):
        pass

    class HostGuard(SansIOHTTPPolicy):  # type: ignore[type-arg]
        def on_request(self, request: Any) -> None:
            parts = urlsplit(request.http_request.url)
            if ((parts.hostname or "").lower(), parts.port) != allowed or parts.scheme != "https":
                raise ForeignHostError(
                    f"refused to follow a link to {parts.scheme}://{parts.hostname}: not the "
                    f"Resource Manager endpoint"
                )

    return HostGuard()


def to_arm(model: Any) -> Any:
    """An SDK model as the ARM JSON on the wire (REST keys, ``properties`` nested).

    Newer SDKs' models are mappings over the wire JSON (``as_dict``); older ones
    serialise back to it (``serialize(keep_readonly=True)``)."""
    if model is None or isinstance(model, str | int | float | bool):
        return model
    if isinstance(model, dict):
        return model
    if isinstance(model, Mapping):
        as_dict = getattr(model, "as_dict", None)
        return as_dict() if callable(as_dict) else dict(model)
    serialize = getattr(model, "serialize", None)
    if callable(serialize):
        return serialize(keep_readonly=True)
    if isinstance(model, list | tuple):
        return [to_arm(m) for m in model]
    return model
