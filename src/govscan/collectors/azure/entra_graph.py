"""Microsoft Graph over azure-core: one tenant's client, paging, failures classified.

No Graph SDK: Entra ID settings are a handful of GET requests, and azure-core
(already there for the ARM clients) gives the pipeline, so Graph requests get
the same retry policy and token bucket (``retries.GovscanRetryPolicy``, one
bucket per tenant), timeouts, refusal of anything but GET, and no redirects.
Tokens come from the scan's credential for the cloud's Graph audience, asked
for the tenant being read; a request goes only to the Graph endpoint's host,
over https, whatever an ``@odata.nextLink`` names.

Imports azure-core: import this module only when a scan starts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from azure.core import PipelineClient
from azure.core.exceptions import AzureError, ClientAuthenticationError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest

from govscan.collectors.azure.arm import CallFailure, CallLog, calling, classify
from govscan.collectors.azure.clouds import Endpoints
from govscan.collectors.azure.credentials import summary
from govscan.collectors.azure.retries import GovscanRetryPolicy
from govscan.collectors.retry import RetriesExhausted, Throttle

SERVICE = "graph"
"""Prefix of every Graph operation in the call log and in ``errors`` entries."""

PROVIDER = "Microsoft.Graph"
"""Rate-limit bucket name: Graph throttles per tenant and application."""

TOKEN_MARGIN = 300.0
"""Seconds before expiry at which a cached token is renewed."""


class ForeignHostError(AzureError):
    """A link to a host that is not the Graph endpoint: the token is not sent there."""


class _GraphAuth(SansIOHTTPPolicy):  # type: ignore[type-arg]
    """Bearer token for one tenant, after checking where the request goes."""

    def __init__(self, credential: Any, scope: str, tenant: str, graph: str) -> None:
        super().__init__()
        self._credential = credential
        self._scope = scope
        self._tenant = tenant
        parts = urlsplit(graph)
        self._allowed = ((parts.hostname or "").lower(), parts.port)
        self._lock = threading.Lock()
        self._token: Any = None

    def on_request(self, request: Any) -> None:
        parts = urlsplit(request.http_request.url)
        here = ((parts.hostname or "").lower(), parts.port)
        if here != self._allowed or parts.scheme != "https":
            raise ForeignHostError(
                f"refused to follow a link to {parts.scheme}://{parts.hostname}: not the "
                f"Microsoft Graph endpoint"
            )
        request.http_request.headers["Authorization"] = f"Bearer {self._get()}"

    def _get(self) -> str:
        with self._lock:
            token = self._token
            if token is None or token.expires_on - TOKEN_MARGIN <= time.time():
                kwargs = {"tenant_id": self._tenant} if self._tenant else {}
                token = self._credential.get_token(self._scope, **kwargs)
                self._token = token
            return str(token.token)


class Graph:
    """Graph requests for one tenant, logged in the scan's call log under the tenant."""

    def __init__(
        self,
        credential: Any,
        where: Endpoints,
        tenant: str,
        throttle: Throttle,
        log: CallLog,
    ) -> None:
        self.tenant = tenant
        self.base = where.graph.rstrip("/")
        self.log = log
        policy = throttle.policy
        self._client: PipelineClient[Any, Any] = PipelineClient(
            self.base,
            policies=[
                GovscanRetryPolicy(throttle, tenant, PROVIDER, log),
                _GraphAuth(credential, where.graph_scope, tenant, self.base),
            ],
            transport=RequestsTransport(
                connection_timeout=policy.connect_timeout, read_timeout=policy.read_timeout
            ),
        )

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """One GET of ``/v1.0{path}``; raises ``CallFailure`` (operation ``graph{path}``)."""
        body: dict[str, Any] = self._call(operation(path), self._url(path, params))
        return body

    def list(self, path: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Items of a Graph collection, following ``@odata.nextLink`` (one call per page)."""
        action = operation(path)
        url = self._url(path, params)
        seen: set[str] = set()
        while url:
            seen.add(url)
            body = self._call(action, url)
            yield from (v for v in body.get("value") or [] if isinstance(v, dict))
            link = body.get("@odata.nextLink")
            url = link if isinstance(link, str) else ""
            if url in seen:
                # A server handing out a link already followed would page forever.
                raise CallFailure(action, "error", "", "@odata.nextLink repeats an earlier page")

    def _url(self, path: str, params: dict[str, str] | None) -> str:
        query = "?" + urlencode(params, safe="$,") if params else ""
        return f"{self.base}/v1.0{path}{query}"

    def _call(self, action: str, url: str) -> dict[str, Any]:
        start = time.perf_counter()
        failed = False
        try:
            with calling(self.tenant, action):
                response = self._client.send_request(HttpRequest("GET", url))
            if response.status_code >= 400:
                failed = True
                raise http_failure(action, response)
            body = response.json() if response.content else {}
            return body if isinstance(body, dict) else {"value": body}
        except CallFailure:
            failed = True
            raise
        except Exception as exc:
            failed = True
            raise self._failure(action, exc) from exc
        finally:
            self.log.record(self.tenant, action, time.perf_counter() - start, failed)

    def _failure(self, action: str, exc: Exception) -> CallFailure:
        if isinstance(exc, RetriesExhausted):
            kind, _, _ = classify(exc)
            where = f"{action}, tenant {self.tenant}"
            return CallFailure(action, kind, "", exc.gave_up.describe(where))
        if isinstance(exc, ClientAuthenticationError):
            return CallFailure(action, "credentials", "", f"no Graph token: {summary(exc)}")
        kind, code, message = classify(exc)
        return CallFailure(action, kind, code, message)


def operation(path: str) -> str:
    """``/policies/authorizationPolicy`` -> ``graph/policies/authorizationPolicy``."""
    return SERVICE + path.split("?", 1)[0]


def http_failure(action: str, response: Any) -> CallFailure:
    """A Graph error answer classified like an ARM one (403 denied, 404 gone, ...)."""
    status = int(response.status_code)
    code, message = "", ""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code") or "")[:100]
        text = str(error.get("message") or "").strip()
        message = text.splitlines()[0][:300] if text else ""
    message = message or f"HTTP {status}"
    if status == 404:
        return CallFailure(action, "gone", code or "NotFound", message)
    if status == 403:
        return CallFailure(action, "denied", code or "Authorization_RequestDenied", message)
    if status == 401:
        return CallFailure(action, "credentials", code or "InvalidAuthenticationToken", message)
    if status == 429:
        return CallFailure(action, "throttled", code or "TooManyRequests", message)
    return CallFailure(action, "error", code or f"HTTP {status}", message)
