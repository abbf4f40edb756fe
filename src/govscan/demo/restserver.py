"""A small in-process REST server that answers from a canned estate.

The demo points the real Azure and Google client libraries at it the way
docs/azure.md and docs/gcp.md describe for a local test server, so paging,
deserialisation and authentication are the libraries' own. It listens on
127.0.0.1 only and serves:

- ``arm`` style: Azure Resource Manager paths matched case-insensitively (the
  SDK rewrites ``api-version``, so the query is ignored), lists
  (``{"value": [...]}``) paged by ``nextLink`` on the request's own host, and
  the token authority (``POST /{tenant}/oauth2/v2.0/token`` plus the OpenID
  metadata MSAL reads first). Only HTTPS: bearer tokens are refused in the clear.
- ``google`` style: Google REST paths, where ``?project=`` or ``?parent=`` may
  name the route (``/storage/v1/b?project=P``), lists paged by
  ``pageToken``/``nextPageToken``, and ``POST /token`` for a service-account key
  whose ``token_uri`` is this server.

Routes are ``"path"`` (GET) or ``"POST path"`` -> JSON, or ``ABSENT`` for a
thing the estate deliberately lacks (a storage account without a lifecycle
policy): 404, as the real API answers. Any other path the estate does not hold
is 404 too and is remembered in ``misses`` so that a run can prove it asked for
nothing the estate lacks.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

Style = Literal["arm", "google"]


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""A route's answer for a thing the estate does not have: 404, but not a miss."""


@dataclass(frozen=True)
class Credentials:
    """What the token endpoint accepts and hands out."""

    token: str
    client_id: str = ""
    """ARM only: the service principal's id (``AZURE_CLIENT_ID``)."""
    client_secret: str = ""
    """ARM only: its secret (``AZURE_CLIENT_SECRET``)."""


@dataclass(frozen=True)
class Seen:
    """One request the server answered."""

    method: str
    path: str
    status: int
    absent: bool = False
    """A 404 the estate declared (``ABSENT``): the answer the real API gives."""


class RestServer:
    """A threaded server for one style of REST estate; ``with`` starts and stops it."""

    def __init__(
        self,
        style: Style,
        routes: Mapping[str, Any],
        credentials: Credentials,
        *,
        tls: tuple[Path, Path] | None = None,
        page_size: int = 50,
    ) -> None:
        if style == "arm" and tls is None:
            raise ValueError("an ARM server needs TLS: bearer tokens are never sent in the clear")
        self.style: Style = style
        self.credentials = credentials
        self.page_size = page_size
        self.routes = {_key(style, k): v for k, v in routes.items()}
        self._seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}"
        # A short poll interval: stopping the server then takes milliseconds, not 0.5 s.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> RestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    @property
    def seen(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    @property
    def misses(self) -> list[Seen]:
        """Requests for paths the estate does not hold."""
        return [s for s in self.seen if s.status == 404 and not s.absent]

    def note(self, seen: Seen) -> None:
        with self._lock:
            self._seen.append(seen)

    def answer(self, method: str, path: str, query: Mapping[str, list[str]]) -> Any:
        """The JSON for a request, paged; None when the estate has no such route."""
        if self.style == "arm":
            found = self.routes.get(_key("arm", f"{method} {path}"))
            return None if found is None else self._page_arm(found, path, query)
        found = None
        for name in ("project", "parent"):
            value = (query.get(name) or [""])[0]
            if value and found is None:
                found = self.routes.get(f"{method} {path}?{name}={value}")
        if found is None:
            found = self.routes.get(f"{method} {path}")
        return None if found is None else self._page_google(found, query)

    def _page_arm(self, found: Any, path: str, query: Mapping[str, list[str]]) -> Any:
        if not (isinstance(found, dict) and isinstance(found.get("value"), list)):
            return found
        items = found["value"]
        start = int((query.get("$skiptoken") or ["0"])[0] or 0)
        page: dict[str, Any] = {"value": items[start : start + self.page_size]}
        if start + self.page_size < len(items):
            version = (query.get("api-version") or ["2022-01-01"])[0]
            # Microsoft Graph (``/v1.0/...``, served by the same host) pages by its own key.
            link = "@odata.nextLink" if path.lower().startswith("/v1.0/") else "nextLink"
            page[link] = (
                f"{self.url}{path}?api-version={version}&$skiptoken={start + self.page_size}"
            )
        return page

    def _page_google(self, found: Any, query: Mapping[str, list[str]]) -> Any:
        if not isinstance(found, dict):
            return found
        lists = [k for k, v in found.items() if isinstance(v, list)]
        if len(lists) != 1:
            return found
        key = lists[0]
        asked = (query.get("pageSize") or query.get("maxResults") or [""])[0]
        size = self.page_size
        if asked.isdigit() and int(asked) > 0:
            size = min(size, int(asked))
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        out = {k: v for k, v in found.items() if k != key}
        out[key] = found[key][start : start + size]
        if start + size < len(found[key]):
            out["nextPageToken"] = str(start + size)
        return out


def _key(style: Style, route: str) -> str:
    method, sep, path = route.partition(" ")
    if not sep or method not in ("GET", "POST"):
        method, path = "GET", route
    if style == "arm":
        # ARM paths are case-insensitive; the SDKs and the portal mix cases freely.
        path = path.rstrip("/").lower()
    return f"{method} {path}"


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that closed mid-answer is not worth a traceback on the console.
        return


class _Handler(BaseHTTPRequestHandler):
    owner: RestServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this each answer waits ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = parse_qs(parts.query)
        status, payload = self._route(method, parts.path, query, body)
        absent = payload is ABSENT
        if absent:
            status, payload = 404, _error(self.owner.style, 404, "ResourceNotFound", parts.path)
        self.owner.note(Seen(method, parts.path, status, absent))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(
        self, method: str, path: str, query: Mapping[str, list[str]], body: bytes
    ) -> tuple[int, Any]:
        """(status, JSON to send); ``ABSENT`` as the JSON for a declared 404."""
        owner = self.owner
        creds = owner.credentials
        if owner.style == "arm":
            low = path.rstrip("/").lower()
            if low.endswith("/.well-known/openid-configuration"):
                return 200, _openid(owner.url, path.strip("/").split("/")[0])
            if low.endswith("/oauth2/v2.0/token") and method == "POST":
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                if (form.get("client_id"), form.get("client_secret")) != (
                    creds.client_id,
                    creds.client_secret,
                ):
                    return 401, {"error": "invalid_client", "error_description": "unknown client"}
                return 200, {
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "access_token": creds.token,
                }
            if self.headers.get("Authorization") != f"Bearer {creds.token}":
                return 401, _error("arm", 401, "InvalidAuthenticationToken")
        else:
            if path == "/token" and method == "POST":
                return 200, {
                    "access_token": creds.token,
                    "expires_in": 3600,
                    "token_type": "Bearer",
                }
            # Google's clients may sign their own JWT with the key instead: any bearer.
            if not str(self.headers.get("Authorization") or "").startswith("Bearer "):
                return 401, _error("google", 401, "UNAUTHENTICATED")
        found = owner.answer(method, path, query)
        if found is None:
            return 404, _error(owner.style, 404, "ResourceNotFound", path)
        return 200, found


def _error(style: Style, status: int, code: str, path: str = "") -> dict[str, Any]:
    message = f"demo server: {code} {path}".strip()
    if style == "arm":
        return {"error": {"code": code, "message": message}}
    names = {401: "UNAUTHENTICATED", 404: "NOT_FOUND"}
    return {"error": {"code": status, "message": message, "status": names.get(status, code)}}


def _openid(url: str, tenant: str) -> dict[str, Any]:
    base = f"{url}/{tenant}"
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "issuer": f"{base}/v2.0",
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "response_types_supported": ["code", "token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "tenant_region_scope": "EU",
    }
