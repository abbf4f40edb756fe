"""A local HTTPS Azure Resource Manager for the real SDK clients (one per test session).

It serves:

- the token authority: ``POST /{tenant}/oauth2/v2.0/token`` (client credentials;
  a wrong secret is ``401 invalid_client``) and the OpenID metadata MSAL reads, so
  ``AZURE_AUTHORITY_HOST=https://127.0.0.1:PORT`` works unchanged;
- the estate: ``ARM path -> JSON`` (``server.estate``), matched on the path alone
  (case-insensitive; the SDK rewrites ``api-version`` in ``nextLink``). A list
  (``{"value": [...]}``) longer than ``page_size`` is paged by ``nextLink``
  built from the request's host (``@odata.nextLink`` for Microsoft Graph paths,
  ``/v1.0/...``). An unknown path is ``404 ResourceNotFound``.

Add to the estate from a module under ``tests/azure/estate/`` exporting
``ENTRIES: dict[str, Any]`` (path -> JSON, e.g.
``/subscriptions/S/providers/Microsoft.Storage/storageAccounts``); every such
module is loaded once per session (``load_estate``).

Faults are switched per test without restarting: ``server.fault(path, ...)``
answers the next ``times`` requests whose path starts with ``path`` (any when
None) with ``status`` (403 AuthorizationFailed, 429 with ``Retry-After``, 500),
or holds them ``delay`` seconds first; ``server.reset()`` clears faults and the
request log (the ``arm`` fixture does it before every test).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CLIENT_ID = "00000000-0000-4000-8000-00000000c11e"
CLIENT_SECRET = "local-test-secret-value"
TOKEN = "local-test-access-token"
PAGE_SIZE = 10

ERROR_CODES = {
    401: "InvalidAuthenticationToken",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    409: "Conflict",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


@dataclass
class Fault:
    path: str | None
    status: int = 0
    code: str = ""
    retry_after: str | None = None
    delay: float = 0.0
    times: int | None = None
    """Requests it still answers; None: every one."""
    body: dict[str, Any] | None = None


@dataclass
class ServerState:
    estate: dict[str, Any] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    secret: str = CLIENT_SECRET
    page_size: int = PAGE_SIZE


class ArmServer:
    def __init__(self, cert_pem: str, key_pem: str) -> None:
        self.state = ServerState()
        state = self.state

        class Handler(_Handler):
            shared = state

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_pem, key_pem)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def estate(self) -> dict[str, Any]:
        return self.state.estate

    def start(self) -> ArmServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self) -> None:
        with self.state.lock:
            self.state.faults.clear()
            self.state.requests.clear()
            self.state.secret = CLIENT_SECRET

    def fault(
        self,
        path: str | None,
        status: int = 0,
        *,
        code: str = "",
        retry_after: str | None = None,
        delay: float = 0.0,
        times: int | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        with self.state.lock:
            self.state.faults.append(
                Fault(path.lower() if path else None, status, code, retry_after, delay, times, body)
            )

    def requests(self, prefix: str = "") -> list[tuple[str, str]]:
        """(method, path) of every request so far whose path starts with ``prefix``."""
        with self.state.lock:
            return [r for r in self.state.requests if r[1].lower().startswith(prefix.lower())]

    def set_secret(self, secret: str) -> None:
        """The client secret the token endpoint accepts from now on."""
        with self.state.lock:
            self.state.secret = secret


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) closes mid-answer: not news.
        return


def load_estate(server: ArmServer) -> None:
    """Fill the estate from every module under ``tests/azure/estate/`` with ``ENTRIES``."""
    import tests.azure.estate as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"tests.azure.estate.{info.name}")
        entries = getattr(module, "ENTRIES", None)
        if isinstance(entries, dict):
            for path, body in entries.items():
                server.estate[path.lower().rstrip("/")] = body


class _Handler(BaseHTTPRequestHandler):
    shared: ServerState
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: pytest shows failures, not every request

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/").lower()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state = self.shared
        with state.lock:
            state.requests.append((method, parts.path))
            fault = self._take_fault(path)
        if path.endswith("/.well-known/openid-configuration"):
            return self._openid(parts.path)
        if path.endswith("/oauth2/v2.0/token") and method == "POST":
            return self._token(body)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                return self._error(fault.status, fault.code, fault.retry_after, fault.body)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._error(401, "InvalidAuthenticationToken")
        if method != "GET":
            # A scan only reads; anything else is a bug worth a loud answer.
            return self._error(405, "MethodNotAllowed")
        with state.lock:
            found = state.estate.get(path)
        if found is None:
            return self._error(404, "ResourceNotFound")
        self._json(200, self._page(found, parts.path, parse_qs(parts.query)))
        return None

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self.shared.faults:
            if fault.path is not None and not path.startswith(fault.path):
                continue
            if fault.times is not None:
                if fault.times <= 0:
                    continue
                fault.times -= 1
            return fault
        return None

    def _page(self, found: Any, path: str, query: dict[str, list[str]]) -> Any:
        if not (isinstance(found, dict) and isinstance(found.get("value"), list)):
            return found
        items = found["value"]
        size = self.shared.page_size
        if len(items) <= size:
            return found
        start = int((query.get("$skiptoken") or ["0"])[0])
        page: dict[str, Any] = {"value": items[start : start + size]}
        if start + size < len(items):
            version = (query.get("api-version") or ["2020-01-01"])[0]
            host = self.headers.get("Host") or "127.0.0.1"
            link = f"https://{host}{path}?api-version={version}&$skiptoken={start + size}"
            # Microsoft Graph (``/v1.0/...``, served by the same host) pages by its own key.
            key = "@odata.nextLink" if path.lower().startswith("/v1.0/") else "nextLink"
            page[key] = link
        return page

    def _openid(self, path: str) -> None:
        tenant = path.strip("/").split("/")[0]
        host = self.headers.get("Host") or "127.0.0.1"
        base = f"https://{host}/{tenant}"
        self._json(
            200,
            {
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
            },
        )

    def _token(self, body: bytes) -> None:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with self.shared.lock:
            secret = self.shared.secret
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != secret:
            return self._json(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                    "error_codes": [7000215],
                },
            )
        self._json(
            200,
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "ext_expires_in": 3600,
                "access_token": TOKEN,
            },
        )
        return None

    def _error(
        self,
        status: int,
        code: str = "",
        retry_after: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        code = code or ERROR_CODES.get(status, f"Http{status}")
        payload = body or {"error": {"code": code, "message": f"test server: {code}"}}
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._json(status, payload, headers)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
