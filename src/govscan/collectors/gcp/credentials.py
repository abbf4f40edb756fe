"""Application Default Credentials, read-only, checked once before a scan.

``google.auth.default`` finds them in this order: the key file named by
``GOOGLE_APPLICATION_CREDENTIALS`` (a service account's key, an external account for
workload identity federation, an authorized user), gcloud's application default
credentials, the metadata server of a Google Cloud runtime. Its ``token_uri`` is
where a key file's tokens come from, so a key file pointing to a local test server
works offline without any switch in govscan.
"""

from __future__ import annotations

from typing import Any

from govscan.collectors.gcp.clients import READ_ONLY_SCOPE
from govscan.errors import CollectorError


def load() -> tuple[Any, str]:
    """The credentials, refreshed once (a bad or expired key fails here, in one line),
    and the project they name (empty when none)."""
    import google.auth
    from google.auth import exceptions
    from google.auth.transport.requests import Request

    try:
        credentials, project = google.auth.default(scopes=[READ_ONLY_SCOPE])
    except exceptions.DefaultCredentialsError as exc:
        raise CollectorError(
            "no Google Cloud credentials: set GOOGLE_APPLICATION_CREDENTIALS to a key file "
            "or run 'gcloud auth application-default login' "
            f"({_one_line(exc)})"
        ) from None
    try:
        credentials.refresh(Request())  # type: ignore[no-untyped-call]
    except exceptions.RefreshError as exc:
        raise CollectorError(f"Google Cloud credentials rejected: {_reason(exc)}") from None
    except exceptions.TransportError as exc:
        raise CollectorError(
            f"cannot reach the Google token endpoint: {type(exc).__name__}"
        ) from None
    return credentials, str(project or "")


def _one_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


def _reason(exc: Exception) -> str:
    """The error the token endpoint named, never anything token-like."""
    args = getattr(exc, "args", ())
    first = str(args[0]) if args else ""
    # "invalid_grant: Invalid JWT Signature." -- the first part names the problem.
    return first.split("\n", 1)[0][:200] or type(exc).__name__
