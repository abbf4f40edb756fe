"""A fault-injecting HTTP proxy in front of moto's server, for the integration tests.

moto answers every request promptly and correctly; real AWS throttles, fails
with 5xx and stalls. The proxy forwards each request to moto unless a rule
matches it (by API action, and optionally region and path); a matching rule
answers instead: throttling with ``Retry-After``, HTTP 500, AccessDenied, or a
stall past the client's read timeout. It records every request it saw, with the
time of an injected clock, so tests assert attempts on the wire and request
spacing without reading the wall clock.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# S3 sub-resources (query keys) to the operations they stand for.
_S3_GET = {
    "encryption": "GetBucketEncryption",
    "versioning": "GetBucketVersioning",
    "location": "GetBucketLocation",
    "logging": "GetBucketLogging",
    "policy": "GetBucketPolicy",
    "publicAccessBlock": "GetPublicAccessBlock",
    "acl": "GetBucketAcl",
    "tagging": "GetBucketTagging",
}
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/")
_HOP_BY_HOP = {"connection", "transfer-encoding", "content-length", "keep-alive"}


@dataclass
class Rule:
    """Answer requests for ``action`` with a fault instead of forwarding them."""

    action: str
    fault: str
    """``throttle``, ``error`` (HTTP 500), ``denied`` (403 AccessDenied) or ``stall``."""
    times: int | None = None
    """How many matching requests get the fault; None: all of them."""
    skip: int = 0
    """Matching requests forwarded untouched before the fault starts."""
    region: str = ""
    path_contains: str = ""
    status: int = 429
    code: str = "ThrottlingException"
    headers: dict[str, str] = field(default_factory=dict)
    """Extra answer headers, e.g. ``{"Retry-After": "2"}``."""
    stall: float = 2.0
    """Seconds a ``stall`` holds the request before forwarding it."""
    matched: int = 0


@dataclass(frozen=True)
class Seen:
    """One request that reached the proxy."""

    action: str
    service: str
    region: str
    path: str
    fault: str
    """The fault answered, or "" when forwarded."""
    stamp: float
    """The injected clock's time when the request arrived."""


class FaultProxy:
    """A threaded HTTP server forwarding to ``upstream`` (``http://host:port``)."""

    def __init__(self, upstream: str) -> None:
        parts = urllib.parse.urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._seen: list[Seen] = []
        self._release = threading.Event()
        self.clock: Callable[[], float] = lambda: 0.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def reset(self, clock: Callable[[], float] = lambda: 0.0) -> None:
        with self._lock:
            self._rules.clear()
            self._seen.clear()
            self.clock = clock

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def seen(self, action: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self._seen if action is None or s.action == action]

    def _decide(self, action: str, service: str, region: str, path: str) -> Rule | None:
        with self._lock:
            chosen = None
            for rule in self._rules:
                if rule.action != action or (rule.region and rule.region != region):
                    continue
                if rule.path_contains and rule.path_contains not in path:
                    continue
                rule.matched += 1
                if rule.matched > rule.skip and (
                    rule.times is None or rule.matched - rule.skip <= rule.times
                ):
                    chosen = rule
                    break
            self._seen.append(
                Seen(action, service, region, path, chosen.fault if chosen else "", self.clock())
            )
            return chosen

    def upstream(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(*self._upstream, timeout=10)

    def wait_released(self, seconds: float) -> None:
        self._release.wait(seconds)


def _action(handler: BaseHTTPRequestHandler, body: bytes) -> str:
    target = handler.headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    split = urllib.parse.urlsplit(handler.path)
    query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
    ctype = handler.headers.get("Content-Type", "")
    if "x-www-form-urlencoded" in ctype:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    if "Action" in query:
        return query["Action"][0]
    if handler.command == "GET":
        if split.path in ("", "/") and not query:
            return "ListBuckets"
        for key, op in _S3_GET.items():
            if key in query:
                return op
    return f"{handler.command} {split.path}"


def _error_body(handler: BaseHTTPRequestHandler, code: str, message: str) -> tuple[bytes, str]:
    """The error in the protocol the request spoke (JSON or XML)."""
    json_protocol = bool(handler.headers.get("X-Amz-Target")) or "json" in handler.headers.get(
        "Content-Type", ""
    )
    if json_protocol:
        payload = json.dumps({"__type": code, "message": message})
        return payload.encode(), "application/x-amz-json-1.1"
    xml = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>fault-proxy</RequestId></ErrorResponse>"
    )
    return xml.encode(), "text/xml"


def _handler_for(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            scope = _SCOPE.search(self.headers.get("Authorization", ""))
            region, service = (scope.group(1), scope.group(2)) if scope else ("", "")
            path = urllib.parse.urlsplit(self.path).path
            rule = proxy._decide(_action(self, body), service, region, path)
            try:
                if rule is None:
                    self._forward(body)
                elif rule.fault == "stall":
                    proxy.wait_released(rule.stall)
                    self._forward(body)
                else:
                    self._fault(rule)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (read timeout) before the answer came.
                self.close_connection = True

        def _fault(self, rule: Rule) -> None:
            status, code = {
                "throttle": (rule.status, rule.code),
                "error": (500, "InternalFailure"),
                "denied": (403, "AccessDenied"),
            }[rule.fault]
            payload, ctype = _error_body(self, code, f"injected {rule.fault}")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("x-amzn-ErrorType", code)
            for key, value in rule.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _forward(self, body: bytes) -> None:
            conn = proxy.upstream()
            try:
                conn.request(self.command, self.path, body or None, dict(self.headers.items()))
                answer = conn.getresponse()
                payload = answer.read()
                headers = answer.getheaders()
                status, reason = answer.status, answer.reason
            finally:
                conn.close()
            self.send_response(status, reason)
            for key, value in headers:
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Handler
