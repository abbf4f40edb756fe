"""One fake Google Cloud for every GCP test (reset before each), a key file whose
``token_uri`` is that server, and a helper that scans through the command line.

Scans are configured exactly as docs/gcp.md says for a local test server:
``GOOGLE_APPLICATION_CREDENTIALS`` names the key file and ``--gcp-endpoint`` the
server; nothing else. The metadata server and gcloud's configuration are pointed
nowhere so that nothing can reach beyond 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.gcp import clients as gcp_clients
from govscan.collectors.retry import RetryPolicy, Throttle
from tests.gcp.gcpserver import GcpServer, estate_modules
from tests.virtual_clock import VirtualClock

# Small values so that the policy's limits are reached in a few attempts; waits run
# on a virtual clock, so they cost no time.
TEST_POLICY = RetryPolicy(
    attempts=3,
    max_wait=1.5,
    total_wait=10.0,
    backoff_base=0.1,
    rate=float("inf"),
    burst=40,
    # Generous for a busy machine; the "hold" fault is what times out.
    connect_timeout=2.0,
    read_timeout=2.0,
    service_rates={},
)

CONTROLS = {
    "t.gcp.project-public": ("gcp.project", "iam_public_members", "empty", None),
    "t.gcp.project-audit": ("gcp.project", "data_access_audit_all_services", "eq", True),
    "t.gcp.project-oslogin": ("gcp.project", "constraint_require_os_login", "eq", True),
    "t.gcp.project-contacts": ("gcp.project", "essential_contact_categories", "contains", "LEGAL"),
    "t.gcp.project-sinks": ("gcp.project", "log_sinks_all_entries", "not-empty", None),
    "t.gcp.project-oslogin-meta": ("gcp.project", "os_login_metadata", "eq", True),
    "t.gcp.project-scanner": (
        "gcp.project",
        "enabled_services",
        "contains",
        "containerscanning.googleapis.com",
    ),
    "t.gcp.sa-keys": ("gcp.iam.service_account", "user_managed_keys", "empty", None),
    "t.gcp.sa-admin": ("gcp.iam.service_account", "has_admin_role", "eq", False),
    "t.gcp.sa-exists": ("gcp.iam.service_account", "email", "present", None),
}


@dataclass
class ScanRun:
    exit_code: int
    stderr: str
    output: str
    results: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    out: Path

    def statuses(self, control: str) -> dict[str, str]:
        """Resource id -> status of one control."""
        return {
            r["resource"]["id"]: r["status"] for r in self.results if r["control_id"] == control
        }

    def by_account(self, control: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self.results:
            if r["control_id"] == control:
                out.setdefault(r["resource"].get("account", ""), []).append(r["status"])
        return out

    def operations(self) -> set[str]:
        return {c["operation"] for c in self.calls}


def _write_controls(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for cid, (rtype, path, op, value) in CONTROLS.items():
        check = f"  path: {path}\n  op: {op}\n"
        if value is not None:
            check += f"  value: {json.dumps(value)}\n"
        (folder / f"{cid}.yaml").write_text(
            f"id: {cid}\ntitle: Test {cid}\nseverity: medium\nresource: {rtype}\n"
            f"check:\n{check}message: '{cid} {{name}}'\n"
            "frameworks:\n  nist-800-53-r5: [AC-3]\norigins: [cloud]\n"
        )


def _key_file(path: Path, token_uri: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "alpha",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "govscan@alpha.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": token_uri,
            }
        )
    )


@pytest.fixture(scope="session")
def gcp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GcpServer]:
    server = GcpServer()
    for module in estate_modules():
        module.fill(server.estate)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def gcp_files(tmp_path_factory: pytest.TempPathFactory, gcp_server: GcpServer) -> Path:
    base = tmp_path_factory.mktemp("gcp")
    _key_file(base / "key.json", f"{gcp_server.url}/token")
    _write_controls(base / "controls")
    return base


class Gcp:
    """What a test needs: the server, the clock and scans through the CLI."""

    def __init__(self, server: GcpServer, files: Path, tmp: Path) -> None:
        self.server = server
        self.files = files
        self.tmp = tmp
        self.clock = VirtualClock()
        self.policy = TEST_POLICY
        self._runs = 0

    def throttle(self) -> Throttle:
        # Full jitter value: backoff waits are exactly the policy's steps.
        return Throttle(self.policy, self.clock, jitter=lambda: 1.0)

    def scan(self, *controls: str, args: tuple[str, ...] = ("--gcp-projects", "alpha")) -> ScanRun:
        self._runs += 1
        policy = self.tmp / f"policy-{self._runs}.yaml"
        ids = ", ".join(controls or tuple(CONTROLS))
        policy.write_text(f"name: it-{self._runs}\nextends: baseline\nselect:\n  - ids: [{ids}]\n")
        out = self.tmp / f"out-{self._runs}"
        argv = ["scan", "--gcp", *args, "--gcp-endpoint", self.server.url]
        argv += ["--controls", str(self.files / "controls"), "--policy", str(policy)]
        argv += ["--format", "json", "--output-dir", str(out)]
        result = CliRunner().invoke(cli, argv)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        if not (out / "results.json").exists():
            return ScanRun(result.exit_code, result.stderr, result.output, [], [], [], [], out)
        doc = json.loads((out / "results.json").read_text())
        calls = json.loads((out / "api-calls.json").read_text())
        targets = doc.get("run", {}).get("targets", [])
        return ScanRun(
            result.exit_code,
            result.stderr,
            result.output,
            doc["results"],
            doc["errors"],
            calls,
            targets,
            out,
        )


_CATALOGS: dict[tuple[str, ...], Any] = {}


def _cached_catalog(real: Any) -> Any:
    """The control catalog read once per session: every scan here loads the same
    folders, and reading ~400 control files per scan would dominate these tests."""

    def load(dirs: Any, **kw: Any) -> Any:
        key = tuple(str(d) for d in dirs)
        if key not in _CATALOGS:
            _CATALOGS[key] = real(dirs, **kw)
        return _CATALOGS[key]

    return load


@pytest.fixture
def gcp(
    gcp_server: GcpServer, gcp_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Gcp:
    import govscan.catalog.controls as catalog

    monkeypatch.setattr(catalog, "load_control_dirs", _cached_catalog(catalog.load_control_dirs))
    gcp_server.reset()
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(gcp_files / "key.json"))
    # Neither gcloud's configuration nor a metadata server may answer instead.
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
    for var in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    helper = Gcp(gcp_server, gcp_files, tmp_path)
    monkeypatch.setattr(gcp_clients, "new_throttle", helper.throttle)
    return helper
