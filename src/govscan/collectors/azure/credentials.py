"""The credential of a scan: azure-identity's default chain, told where to ask.

``DefaultAzureCredential`` tries, in order, the environment (service
principal), workload identity, managed identity and the Azure CLI; the
interactive browser is excluded (a scan runs unattended). With an authority
that is not a Microsoft cloud's (``AZURE_AUTHORITY_HOST`` pointing at a test
server or an internal proxy) instance discovery is switched off, or MSAL would
first ask login.microsoftonline.com about it.

No token, secret or credential value is ever logged or stored: errors keep the
first line of the library's message, which names the credential and the
failure, never the secret.
"""

from __future__ import annotations

import logging
from typing import Any

from govscan.collectors.azure.clouds import Endpoints
from govscan.errors import CollectorError

log = logging.getLogger(__name__)


def require_sdk() -> None:
    """One line when the extra is missing (checked without importing the SDKs)."""
    from importlib.util import find_spec

    for module in ("azure.identity", "azure.mgmt.resource"):
        try:
            found = find_spec(module)
        except ImportError:
            found = None
        if found is None:
            raise CollectorError(
                "the Azure collector needs azure-identity and the azure-mgmt packages: "
                "pip install 'govscan[azure]'"
            )


def make_credential(where: Endpoints, tenant: str | None = None) -> Any:
    from azure.identity import DefaultAzureCredential

    authority = where.authority
    if "//" not in authority:
        authority = "https://" + authority
    kwargs: dict[str, Any] = {
        "authority": authority,
        "exclude_interactive_browser_credential": True,
    }
    if not where.known_authority:
        kwargs["disable_instance_discovery"] = True
    if tenant:
        kwargs["additionally_allowed_tenants"] = [tenant]
    return DefaultAzureCredential(**kwargs)


def check(credential: Any, where: Endpoints) -> None:
    """Ask for one token now, so a bad credential is one line before anything else."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import CredentialUnavailableError

    # The chain logs each failure as a multi-line warning; the one line below says it.
    logging.getLogger("azure.identity").setLevel(logging.ERROR)
    try:
        credential.get_token(where.scope)
    except CredentialUnavailableError:
        raise CollectorError(
            "no Azure credential found (set AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/"
            "AZURE_TENANT_ID, use a managed identity or run `az login`)"
        ) from None
    except ClientAuthenticationError as exc:
        raise CollectorError(f"Azure credentials rejected: {summary(exc)}") from None
    except Exception as exc:
        # Any other failure (unreachable authority, bad certificate) is as fatal.
        raise CollectorError(
            f"cannot get an Azure token from {where.authority}: {summary(exc)}"
        ) from None


_NOT_TRIED = ("unavailable", "not configured", "not available", "not found", "not installed")


def summary(exc: BaseException) -> str:
    """One line naming the failure. The default chain's message lists every credential
    it tried, one a line: the one that failed (not merely "unavailable") is the news.
    azure-identity's messages carry no secret; the server's trace and correlation ids
    are cut off."""
    text = str(getattr(exc, "message", "") or exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    tried = [
        ln
        for ln in lines[1:]
        if "Credential:" in ln and not any(m in ln.lower() for m in _NOT_TRIED)
    ]
    first = tried[0] if tried else (lines[0] if lines else type(exc).__name__)
    for marker in ("Trace ID", "Correlation ID", "Timestamp"):
        first = first.split(marker)[0]
    return first.strip()[:300]
