"""What the GCP type modules share: discovery-based API calls, locations, IAM, times.

The APIs without a generated REST client here (Cloud SQL Admin, Cloud KMS, Logging
config, BigQuery, GKE, Secret Manager) are called through
``googleapiclient.discovery`` with the discovery documents the package ships, so no
call fetches a discovery document. Each call runs under ``Clients.run`` (retry
policy, rate limit, call log); the library's own retries are off. Its errors are
translated into what ``Clients.run`` classifies, so a 403, 429 or refused
connection means the same whichever library made the call.

Nothing here imports a Google library at module level.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.clients import Clients, HttpError
from govscan.collectors.gcp.target import Project

DISCOVERY: Mapping[str, tuple[str, str, str]] = {
    # service name -> (discovery name, version, service path under the endpoint)
    "sqladmin.googleapis.com": ("sqladmin", "v1beta4", ""),
    "cloudkms.googleapis.com": ("cloudkms", "v1", ""),
    "logging.googleapis.com": ("logging", "v2", ""),
    "bigquery.googleapis.com": ("bigquery", "v2", "bigquery/v2/"),
    "container.googleapis.com": ("container", "v1", ""),
    "secretmanager.googleapis.com": ("secretmanager", "v1", ""),
}

PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})

Request = Callable[[Any, str], Any]
"""(discovery service, page token or "") -> an unexecuted request."""


def _service(clients: Clients, api: str) -> Any:
    """This thread's discovery client of ``api`` (httplib2 connections are not shared)."""
    local: threading.local = clients.once(("gcp-discovery",), threading.local)
    found = getattr(local, api, None)
    if found is None:
        import google_auth_httplib2  # type: ignore[import-untyped]
        import httplib2  # type: ignore[import-untyped]
        from googleapiclient.discovery import build  # type: ignore[import-untyped]

        name, version, service_path = DISCOVERY[api]
        # httplib2 keeps its own CA list: honour the bundle requests would use
        # (TLS inspection), as the other clients do.
        http = httplib2.Http(
            timeout=clients.throttle.policy.read_timeout,
            ca_certs=os.environ.get("REQUESTS_CA_BUNDLE") or None,
        )
        options: dict[str, str] = {}
        override = clients.client_options(api).get("api_endpoint")
        if override:
            # The override replaces root URL and service path alike.
            options["api_endpoint"] = f"{override.rstrip('/')}/{service_path}"
        found = build(
            name,
            version,
            http=google_auth_httplib2.AuthorizedHttp(clients.credentials, http=http),
            static_discovery=True,
            cache_discovery=False,
            client_options=options or None,
            num_retries=0,
        )
        setattr(local, api, found)
    return found


def _execute(request: Any) -> dict[str, Any]:
    """Run one request; failures as the exceptions ``Clients.run`` classifies."""
    import requests
    from googleapiclient.errors import HttpError as DiscoveryError  # type: ignore[import-untyped]

    try:
        answer = request.execute(num_retries=0)
    except DiscoveryError as exc:
        status = int(getattr(exc.resp, "status", 0) or 0)
        reason, message = _error_of(getattr(exc, "content", b""), status)
        raise HttpError(status, reason, message, dict(exc.resp or {})) from None
    except TimeoutError:
        raise requests.Timeout("timed out") from None
    except OSError as exc:
        raise requests.ConnectionError(type(exc).__name__) from None
    if not isinstance(answer, dict):
        raise HttpError(200, "", "the answer is not a JSON object", {})
    return answer


def _error_of(content: Any, status: int) -> tuple[str, str]:
    import json

    try:
        data = json.loads(content or b"{}")
    except (ValueError, TypeError):
        return "", f"HTTP {status}"
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict):
        return "", f"HTTP {status}"
    reasons = [
        str(d["reason"])
        for d in err.get("details") or err.get("errors") or ()
        if isinstance(d, dict) and d.get("reason")
    ]
    if err.get("status"):
        reasons.append(str(err["status"]))
    return " ".join(reasons), str(err.get("message") or f"HTTP {status}")[:500]


def call(
    clients: Clients, project: Project, api: str, operation: str, request: Request
) -> dict[str, Any]:
    """One discovery call under the policy, logged as ``operation`` (its IAM permission)."""
    return clients.run(
        api,
        project.project_id,
        operation,
        lambda: _execute(request(_service(clients, api), "")),
    )


def pages(
    clients: Clients, project: Project, api: str, operation: str, request: Request, items: str
) -> Iterator[dict[str, Any]]:
    """Every item under ``items`` of every page (``pageToken``/``nextPageToken``)."""
    token = ""
    seen: set[str] = set()
    while True:

        def one(current: str = token) -> dict[str, Any]:
            return _execute(request(_service(clients, api), current))

        page = clients.run(api, project.project_id, operation, one)
        found = page.get(items) or []
        if isinstance(found, list):
            yield from (i for i in found if isinstance(i, dict))
        token = str(page.get("nextPageToken") or "")
        # A server that hands out the same token again would page forever.
        if not token or token in seen:
            return
        seen.add(token)


def token(page_token: str) -> dict[str, str]:
    """The ``pageToken`` keyword of a list request (none on the first page)."""
    return {"pageToken": page_token} if page_token else {}


# -- locations -----------------------------------------------------------------


def location(value: Any) -> str | None:
    """A location in the jurisdiction tables' spelling: regions and zones lower case,
    multi- and dual-regions (no hyphen: EU, NAM4) upper case, ``global``."""
    text = str(value or "").strip().rsplit("/", 1)[-1]
    if not text:
        return None
    if text.lower() == "global":
        return "global"
    return text.lower() if "-" in text else text.upper()


def region_of(loc: str | None) -> str | None:
    """The region of a zone (``europe-west3-a`` -> ``europe-west3``); others unchanged."""
    if not loc:
        return None
    parts = loc.split("-")
    if len(parts) == 3 and len(parts[2]) == 1:
        return "-".join(parts[:2])
    return loc


def located(loc: str | None) -> dict[str, Any]:
    """The common ``location`` and ``region`` fields."""
    return {"location": loc, "region": region_of(loc)}


def last(url: Any) -> str | None:
    """The last segment of a resource URL or name (``.../zones/z`` -> ``z``)."""
    text = str(url or "").rstrip("/")
    return text.rsplit("/", 1)[-1] or None if text else None


def others(locations: Iterable[str | None], own: str | None) -> list[str]:
    """The distinct locations besides ``own``, sorted."""
    return sorted({x for x in locations if x and x != own})


# -- IAM, times, labels ----------------------------------------------------------


def public_members(policy: Mapping[str, Any] | None) -> list[str]:
    """allUsers / allAuthenticatedUsers anywhere in an IAM policy's bindings."""
    found: set[str] = set()
    for b in seq(obj(policy).get("bindings")):
        if isinstance(b, dict):
            found.update(str(m) for m in seq(b.get("members")) if m in PUBLIC_MEMBERS)
    return sorted(found)


def seconds(duration: Any) -> float | None:
    """A protobuf Duration in JSON (``"7776000s"``, ``"1.5s"``) in seconds."""
    text = str(duration or "").strip()
    if not text.endswith("s"):
        return None
    try:
        return float(text[:-1])
    except ValueError:
        return None


def days(duration: Any) -> float | None:
    found = seconds(duration)
    return None if found is None else round(found / 86400.0, 4)


def integer(value: Any) -> int | None:
    """An int64 as JSON gives it (a string) or a number; None when absent or malformed."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def obj(value: Any) -> Mapping[str, Any]:
    """A JSON object, or an empty one for anything else (an answer of the wrong shape
    reads as "not set" for that field, never as a crash of the project's scan)."""
    return value if isinstance(value, dict) else {}


def seq(value: Any) -> list[Any]:
    """A JSON array, or an empty one for anything else."""
    return value if isinstance(value, list) else []


def labels(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def text(value: Any) -> str | None:
    """A string field; None when absent or empty."""
    return str(value) if value not in (None, "") else None


def key_without_version(name: Any) -> str | None:
    """A Cloud KMS key name without ``/cryptoKeyVersions/N``."""
    found = text(name)
    return found.split("/cryptoKeyVersions/", 1)[0] if found else None
