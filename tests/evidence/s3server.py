"""A moto S3 server over HTTP, with a small fault-injecting proxy in front of it, and
bundles written by real scans: what the push and pull tests share.

The proxy forwards every request to moto unless a rule matches (method and a
substring of the path and query); a matching rule answers with an S3 error, or
changes a request header before forwarding (a store that keeps something other
than what was sent)."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result

from govscan.cli import cli

REGION = "eu-central-1"
_HOP_BY_HOP = {"connection", "transfer-encoding", "content-length", "keep-alive"}


@dataclass
class Rule:
    method: str
    contains: str
    """A substring of the request's path and query."""
    status: int = 0
    code: str = ""
    set_headers: dict[str, str] = field(default_factory=dict)
    """Request headers replaced before forwarding (no error answered)."""
    matched: int = 0


class S3Proxy:
    def __init__(self, upstream: str) -> None:
        parts = urllib.parse.urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rules: list[Rule] = []
        self.seen: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def rule(self, rule: Rule) -> Rule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def decide(self, method: str, target: str) -> Rule | None:
        with self._lock:
            self.seen.append(f"{method} {target}")
            for rule in self.rules:
                if rule.method == method and rule.contains in target:
                    rule.matched += 1
                    return rule
        return None

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(proxy: S3Proxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            rule = proxy.decide(self.command, self.path)
            # The proxy already said "100 Continue"; the body goes upstream in one piece.
            headers = {k: v for k, v in self.headers.items() if k.lower() != "expect"}
            if rule is not None and rule.status:
                payload = (
                    f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{rule.code}</Code>"
                    f"<Message>injected</Message><RequestId>proxy</RequestId></Error>"
                ).encode()
                self.send_response(rule.status)
                self.send_header("Content-Type", "application/xml")
                if self.command == "HEAD":
                    payload = b""
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            if rule is not None:
                for key in list(headers):
                    if key.lower() in {k.lower() for k in rule.set_headers}:
                        del headers[key]
                headers.update(rule.set_headers)
            conn = http.client.HTTPConnection(*proxy.upstream, timeout=10)
            try:
                conn.request(self.command, self.path, body or None, headers)
                answer = conn.getresponse()
                payload = answer.read()
                status, reason, got = answer.status, answer.reason, answer.getheaders()
            finally:
                conn.close()
            self.send_response(status, reason)
            for key, value in got:
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            # A HEAD answer carries the object's length, not the (empty) payload's.
            length = dict(got).get("Content-Length", "0") if self.command == "HEAD" else None
            self.send_header("Content-Length", length or str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

    return Handler


@dataclass
class S3:
    """Moto reached through the proxy (as govscan sees it) and directly (for seeding)."""

    moto: str
    proxy: S3Proxy
    tmp: Path

    def client(self) -> Any:
        return boto3.client("s3", region_name=REGION, endpoint_url=self.moto)

    def bucket(self, name: str, *, lock: bool = True) -> str:
        self.client().create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": REGION},  # type: ignore[typeddict-item]
            ObjectLockEnabledForBucket=lock,
        )
        return name

    def govscan(self, *args: str) -> Result:
        result = CliRunner().invoke(cli, list(args))
        assert "Traceback" not in (result.stderr + result.stdout), result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        return result


def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    srv = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    srv.start()
    host, port = srv.get_host_and_port()
    yield f"http://{host}:{port}"
    srv.stop()


def s3_env(moto: str, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> S3:
    """A reset moto, a fresh proxy, and an AWS environment that reaches only them."""
    urllib.request.urlopen(urllib.request.Request(f"{moto}/moto-api/reset", method="POST"))
    proxy = S3Proxy(moto)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # a fault is answered at once, no backoff
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp / "no-aws-credentials"))
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(var, raising=False)
    return S3(moto, proxy, tmp)


def scan_bundle(
    root: Path, name: str, *, redact: bool = True, sign_key: Path | None = None
) -> Path:
    """A bundle written by a real scan of a one-volume Terraform tree."""
    repo = root / f"{name}-repo"
    repo.mkdir()
    (repo / "main.tf").write_text(
        'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-central-1a"\n  size = 1\n}\n'
    )
    out = root / name
    args = ["scan", "--repo", str(repo), "--format", "json", "--output-dir", str(out)]
    args += [] if redact else ["--no-redact"]
    args += ["--sign-key", str(sign_key)] if sign_key else []
    result = CliRunner().invoke(cli, args)
    assert (out / "manifest.json").exists(), result.output
    return out
