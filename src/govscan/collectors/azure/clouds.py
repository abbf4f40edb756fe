"""The Azure clouds govscan knows: their Resource Manager endpoint and token authority."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from govscan.errors import UsageError


@dataclass(frozen=True)
class Cloud:
    name: str
    arm: str
    """Resource Manager endpoint; also the token audience (``{arm}/.default``)."""
    authority: str
    """Host of the Microsoft Entra token authority."""
    graph: str = "https://graph.microsoft.com"
    """Microsoft Graph endpoint (Entra ID); also its token audience."""


CLOUDS: dict[str, Cloud] = {
    "public": Cloud("public", "https://management.azure.com", "login.microsoftonline.com"),
    "usgovernment": Cloud(
        "usgovernment",
        "https://management.usgovcloudapi.net",
        "login.microsoftonline.us",
        "https://graph.microsoft.us",
    ),
    "china": Cloud(
        "china",
        "https://management.chinacloudapi.cn",
        "login.chinacloudapi.cn",
        "https://microsoftgraph.chinacloudapi.cn",
    ),
}

MICROSOFT_AUTHORITIES = frozenset(c.authority for c in CLOUDS.values())
"""Authorities MSAL can validate itself (instance discovery goes to Microsoft)."""


def cloud(name: str | None) -> Cloud:
    key = (name or "public").strip().lower()
    found = CLOUDS.get(key)
    if found is None:
        raise UsageError(f"unknown Azure cloud {name!r} (known: {', '.join(sorted(CLOUDS))})")
    return found


@dataclass(frozen=True)
class Endpoints:
    """Where one scan talks to: the ARM address, the token audience and authority."""

    cloud: Cloud
    arm: str
    """ARM address in use (``--azure-endpoint`` or the cloud's)."""
    authority: str
    """Authority host in use (``AZURE_AUTHORITY_HOST`` or the cloud's)."""
    graph: str = ""
    """Microsoft Graph address in use (``--azure-graph-endpoint``, the ARM override's
    host when that is not Microsoft's, or the cloud's)."""

    @property
    def scope(self) -> str:
        # The audience stays the cloud's even when the address is overridden: a proxy
        # or private endpoint in front of ARM still checks tokens for ARM.
        return self.cloud.arm.rstrip("/") + "/.default"

    @property
    def graph_scope(self) -> str:
        # Like ARM's: the audience stays the cloud's Graph whatever address serves it.
        return self.cloud.graph.rstrip("/") + "/.default"

    @property
    def known_authority(self) -> bool:
        """True when the authority is a Microsoft cloud's (instance discovery allowed)."""
        return _host(self.authority) in MICROSOFT_AUTHORITIES


def _host(value: str) -> str:
    text = value.strip()
    if "//" not in text:
        text = "https://" + text
    return (urlsplit(text).hostname or "").lower()


def endpoints(
    cloud_name: str | None, endpoint: str | None, graph_endpoint: str | None = None
) -> Endpoints:
    """The endpoints of a scan; ``endpoint`` and ``graph_endpoint`` must be https URLs
    (bearer tokens are never sent in the clear)."""
    chosen = cloud(cloud_name)
    arm = chosen.arm
    if endpoint:
        arm = _https(endpoint, "--azure-endpoint")
    graph = chosen.graph
    if graph_endpoint:
        graph = _https(graph_endpoint, "--azure-graph-endpoint")
    elif endpoint and not _microsoft(arm):
        # A test server or an ARM-compatible cloud behind the override: its host is
        # the one address the user named, so Graph is asked there too (docs/azure.md).
        parts = urlsplit(arm)
        graph = f"{parts.scheme}://{parts.netloc}"
    authority = os.environ.get("AZURE_AUTHORITY_HOST", "").strip() or chosen.authority
    return Endpoints(chosen, arm, authority, graph)


MICROSOFT_DOMAINS = (
    "azure.com",
    "azure.us",
    "azure.cn",
    "microsoft.com",
    "microsoft.us",
    "usgovcloudapi.net",
    "chinacloudapi.cn",
    "windows.net",
)
"""Domains of Microsoft's own endpoints: an ARM override there keeps the cloud's Graph."""


def _microsoft(url: str) -> bool:
    host = _host(url)
    return any(host == d or host.endswith("." + d) for d in MICROSOFT_DOMAINS)


def _https(value: str, flag: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise UsageError(
            f"{flag} must be an https:// URL (tokens are never sent in the clear), got {value!r}"
        )
    return value.strip().rstrip("/")
