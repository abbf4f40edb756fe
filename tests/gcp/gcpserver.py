"""One local HTTP server that answers like the Google Cloud REST APIs govscan reads.

The real Google client libraries talk to it (REST transport, plain http): the
token endpoint of a service-account key file (``POST /token``) and every API path
from one ``Estate``: path -> JSON answer. A listing (a JSON object with one list)
is paged by ``pageToken``/``nextPageToken`` above ``page_size`` items, so paging
is exercised everywhere. Faults are injected per test and per route: an HTTP
status (403, 429, 500, with ``Retry-After``), a dropped connection or an answer
held back past the client's read timeout.

Adding resources (see ``tests/gcp/estate/``): a module there defines
``fill(estate)`` and calls ``estate.put(path, json)`` for single objects or
``estate.listing(path, items_key, items)`` for lists, and ``estate.enable(project,
api)`` so that Service Usage lists its API as enabled.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "ya29.govscan-test-token-do-not-log"


@dataclass
class Fault:
    """Answer requests whose path and query (unquoted) contain ``path`` with a failure,
    ``times`` times."""

    path: str
    status: int = 500
    times: int = 1_000_000
    reason: str = ""
    retry_after: str | None = None
    mode: str = "status"
    """``status``: an HTTP error; ``drop``: close the connection; ``hold``: answer
    nothing until the server is told to let go (the client times out)."""
    method: str = ""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    client: str
    authorization: str


@dataclass
class Estate:
    """What the fake Google Cloud holds: (method, path) -> JSON."""

    routes: dict[tuple[str, str], Any] = field(default_factory=dict)
    services: dict[str, set[str]] = field(default_factory=dict)
    """Project id -> enabled APIs (answered by Service Usage for id and number)."""
    numbers: dict[str, str] = field(default_factory=dict)
    """Project number -> id."""

    def put(self, path: str, body: Any, method: str = "GET") -> None:
        self.routes[(method, path)] = body

    def listing(self, path: str, key: str, items: list[Any], method: str = "GET") -> None:
        self.routes[(method, path)] = {key: list(items)}

    def add(self, path: str, key: str, item: Any) -> None:
        self.routes.setdefault(("GET", path), {key: []})[key].append(item)

    def enable(self, project: str, *apis: str) -> None:
        self.services.setdefault(project, set()).update(apis)

    def disable(self, project: str, api: str) -> None:
        self.services.setdefault(project, set()).discard(api)

    def get(self, method: str, path: str) -> Any:
        return self.routes.get((method, path))


class GcpServer:
    """The server thread, its estate, faults and the requests it saw."""

    def __init__(self, page_size: int = 3) -> None:
        self.estate = Estate()
        self.page_size = page_size
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle's algorithm
            # and delayed ACKs hold every answer back by about 40 ms.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_POST(self) -> None:
                server._handle(self, "POST")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- per test ------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.faults.clear()
            self.requests.clear()
        self.release.set()
        self.release = threading.Event()

    def fault(self, path: str, status: int = 500, **kw: Any) -> Fault:
        f = Fault(path, status, **kw)
        with self._lock:
            self.faults.append(f)
        return f

    def seen(self, fragment: str = "") -> list[Request]:
        with self._lock:
            return [r for r in self.requests if fragment in r.path]

    # -- serving -------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        req = Request(
            method,
            parts.path,
            parse_qs(parts.query),
            h.client_address[0],
            str(h.headers.get("Authorization") or ""),
        )
        with self._lock:
            self.requests.append(req)
            fault = next(
                (
                    f
                    for f in self.faults
                    if f.times > 0 and f.path in unquote(h.path) and f.method in ("", method)
                ),
                None,
            )
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            self._fail(h, fault)
            return
        if parts.path == "/token" and method == "POST":
            del raw
            self._send(h, 200, {"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"})
            return
        # The generated clients sign their own JWT with a service-account key
        # (self-signed JWT access) instead of the token endpoint's token: any bearer.
        if not req.authorization.startswith("Bearer ") or len(req.authorization) < 12:
            self._error(
                h, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
            return
        # "/mapped/...": a second base URL on the same server (per-API endpoint tests).
        body = self._answer(method, parts.path.removeprefix("/mapped"), req.query)
        if body is None:
            self._error(h, 404, "NOT_FOUND", f"{parts.path} not found")
            return
        self._send(h, 200, body)

    def _answer(self, method: str, path: str, query: Mapping[str, list[str]]) -> Any:
        e = self.estate
        parent = (query.get("parent") or [""])[0]
        if path.endswith("/services") and path.startswith("/v1/projects/"):
            ref = path.split("/")[3]
            pid = e.numbers.get(ref, ref)
            if pid not in e.services:
                return None
            items = [
                {
                    "name": f"projects/{ref}/services/{api}",
                    "config": {"name": api},
                    "state": "ENABLED",
                }
                for api in sorted(e.services[pid])
            ]
            return self._page({"services": items}, query)
        if parent and path in ("/v3/projects", "/v3/folders"):
            key = path.rsplit("/", 1)[-1]
            found = e.get(method, f"{path}?parent={parent}")
            return self._page(found if found is not None else {key: []}, query)
        # APIs that name the project in the query (storage: /storage/v1/b?project=P).
        owner = (query.get("project") or [""])[0]
        found = e.get(method, f"{path}?project={owner}") if owner else None
        if found is None:
            found = e.get(method, path)
        if found is None and method == "GET" and path.startswith("/v3/projects/"):
            # A project by its number too.
            ref = path.split("/")[3]
            if ref in e.numbers:
                found = e.get(method, path.replace(ref, e.numbers[ref], 1))
        if found is None:
            return None
        if path.endswith("/assets") and query.get("assetTypes"):
            # Cloud Asset Inventory answers only the asked types.
            asked = set(query["assetTypes"])
            found = {"assets": [a for a in found["assets"] if a.get("assetType") in asked]}
        return self._page(found, query) if method == "GET" else found

    def _page(self, body: Any, query: Mapping[str, list[str]]) -> Any:
        if not isinstance(body, dict):
            return body
        lists = [k for k, v in body.items() if isinstance(v, list)]
        if len(lists) != 1:
            return body
        key = lists[0]
        items = body[key]
        asked = (query.get("pageSize") or query.get("maxResults") or [""])[0]
        size = min(int(asked), self.page_size) if asked.isdigit() and int(asked) else self.page_size
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        out = {k: v for k, v in body.items() if k != key}
        out[key] = items[start : start + size]
        if start + size < len(items):
            out["nextPageToken"] = str(start + size)
        return out

    def _fail(self, h: BaseHTTPRequestHandler, fault: Fault) -> None:
        if fault.mode == "drop":
            h.close_connection = True
            h.connection.close()
            return
        if fault.mode == "hold":
            # Held until the test ends: the client's read timeout fires first.
            self.release.wait(10)
            h.close_connection = True
            return
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        status_name = {
            403: "PERMISSION_DENIED",
            429: "RESOURCE_EXHAUSTED",
            500: "INTERNAL",
            503: "UNAVAILABLE",
        }.get(fault.status, "UNKNOWN")
        reason = fault.reason or status_name
        self._error(h, fault.status, status_name, f"injected {reason}", reason, headers)

    def _error(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        status_name: str,
        message: str,
        reason: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        details = (
            [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
            if reason
            else []
        )
        body = {
            "error": {"code": status, "message": message, "status": status_name, "details": details}
        }
        self._send(h, status, body, headers)

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: Any,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=UTF-8")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)


def estate_modules() -> Iterator[Any]:
    """The ``fill`` modules of ``tests/gcp/estate`` (each adds its resources)."""
    import importlib
    import pkgutil

    from tests.gcp import estate

    for info in sorted(pkgutil.iter_modules(estate.__path__), key=lambda m: m.name):
        yield importlib.import_module(f"tests.gcp.estate.{info.name}")
