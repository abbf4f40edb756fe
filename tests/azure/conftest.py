"""One HTTPS ARM test server and estate for every Azure test; a scan helper per test.

Scans are configured the documented way only: ``AZURE_AUTHORITY_HOST``,
``AZURE_CLIENT_ID``/``AZURE_CLIENT_SECRET``/``AZURE_TENANT_ID``,
``REQUESTS_CA_BUNDLE`` and ``--azure-endpoint``. Retry waits run on a virtual
clock, so a 429 with ``Retry-After: 9999`` costs no time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.azure import clients as azure_clients
from govscan.collectors.retry import RetryPolicy, Throttle
from tests.azure.armserver import CLIENT_ID, CLIENT_SECRET, ArmServer, load_estate
from tests.azure.estate.common import SUB1, SUB2, TENANT
from tests.virtual_clock import VirtualClock

CONTROLS = Path(__file__).parent / "controls"
"""Controls of these tests (``aztest.*``), independent of the shipped library."""

# Small values so that the policy's limits are reached in a few attempts.
TEST_POLICY = RetryPolicy(
    attempts=3,
    max_wait=1.5,
    total_wait=10.0,
    backoff_base=0.1,
    rate=float("inf"),
    burst=40,
    connect_timeout=2.0,
    # Generous: a busy test machine must not turn a slow answer into a retry.
    read_timeout=5.0,
)


@dataclass
class ScanRun:
    exit_code: int
    stderr: str
    results: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    run: dict[str, Any]
    out: Path

    def statuses(self, control: str) -> dict[str, str]:
        """Resource id -> status of one control."""
        return {
            r["resource"]["id"]: r["status"] for r in self.results if r["control_id"] == control
        }

    def bundle_text(self) -> str:
        """Every file of the bundle as text (compressed ones decompressed)."""
        import gzip

        out = []
        for path in sorted(p for p in self.out.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            out.append(data.decode("utf-8", "replace"))
        return "\n".join(out)

    def actions(self) -> set[str]:
        return {c["operation"] for c in self.calls}

    def count(self, action: str, subscription: str = SUB1) -> int:
        return sum(
            int(c["count"])
            for c in self.calls
            if c["operation"] == action and c["account"] == subscription
        )


class Azure:
    """What a test needs: the server, the clock, and scans through the CLI."""

    def __init__(self, server: ArmServer, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.server = server
        self.tmp = tmp
        self.clock = VirtualClock()
        self.policy = TEST_POLICY
        self._runs = 0
        self._saved: dict[str, Any] = {}
        monkeypatch.setattr(azure_clients, "new_throttle", self._throttle)

    def put(self, path: str, body: Any) -> None:
        """Set one estate entry for this test (restored afterwards)."""
        key = path.lower().rstrip("/")
        self._saved.setdefault(key, self.server.estate.get(key))
        self.server.estate[key] = body

    def restore(self) -> None:
        for key, body in self._saved.items():
            if body is None:
                self.server.estate.pop(key, None)
            else:
                self.server.estate[key] = body
        self._saved.clear()

    def _throttle(self) -> Throttle:
        return Throttle(self.policy, self.clock, jitter=lambda: 1.0)

    def policy_file(self, *controls: str, resource_types: tuple[str, ...] = ()) -> Path:
        self._runs += 1
        path = self.tmp / f"policy-{self._runs}.yaml"
        select = f"  - ids: [{', '.join(controls)}]\n" if controls else ""
        select += "".join(f"  - resource: {t}\n" for t in resource_types)
        path.write_text(f"name: az-{self._runs}\nselect:\n{select}")
        return path

    def scan(
        self,
        *controls: str,
        subscriptions: str = SUB1,
        extra: tuple[str, ...] = (),
        policy: Path | None = None,
    ) -> ScanRun:
        policy = policy or self.policy_file(*controls)
        out = self.tmp / f"out-{self._runs}-{len(list(self.tmp.iterdir()))}"
        args = ["scan", "--azure", "--azure-endpoint", self.server.url]
        if subscriptions:
            args += ["--azure-subscriptions", subscriptions]
        args += ["--controls", str(CONTROLS), *extra, "--policy", str(policy)]
        args += ["--format", "json", "--output-dir", str(out)]
        result = CliRunner().invoke(cli, args)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        if not (out / "results.json").exists():
            return ScanRun(result.exit_code, result.stderr, [], [], [], {}, out)
        doc = json.loads((out / "results.json").read_text())
        calls = json.loads((out / "api-calls.json").read_text())
        return ScanRun(
            result.exit_code,
            result.stderr,
            doc["results"],
            doc["errors"],
            calls,
            doc.get("run", {}),
            out,
        )


@pytest.fixture(scope="session")
def azure_ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    where = tmp_path_factory.mktemp("azure-ca")
    ca_path, chain, key = where / "ca.pem", where / "server.pem", where / "server.key"
    ca.cert_pem.write_to_path(str(ca_path))
    cert.private_key_pem.write_to_path(str(key))
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    return ca_path, chain, key


@pytest.fixture(scope="session")
def arm_server(azure_ca: tuple[Path, Path, Path]) -> Iterator[ArmServer]:
    _ca, chain, key = azure_ca
    server = ArmServer(str(chain), str(key)).start()
    load_estate(server)
    yield server
    server.stop()


_FOREIGN_SETTINGS = (
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_USERNAME",
    "AZURE_PASSWORD",
    "AZURE_FEDERATED_TOKEN_FILE",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
)
"""Settings of the machine that would add a credential or a proxy to the test's chain."""


def documented_env(mp: pytest.MonkeyPatch, server: ArmServer, ca: Path, home: Path) -> None:
    """The configuration docs/azure.md documents for a local test server, nothing else:
    the service principal in the environment, the server as its authority, its CA."""
    for var in _FOREIGN_SETTINGS:
        mp.delenv(var, raising=False)
    mp.setenv("AZURE_AUTHORITY_HOST", server.url)
    mp.setenv("AZURE_CLIENT_ID", CLIENT_ID)
    mp.setenv("AZURE_CLIENT_SECRET", CLIENT_SECRET)
    mp.setenv("AZURE_TENANT_ID", TENANT)
    mp.setenv("REQUESTS_CA_BUNDLE", str(ca))
    mp.setenv("NO_PROXY", "127.0.0.1,localhost")
    # No Azure CLI login or token cache of the machine takes part.
    mp.setenv("HOME", str(home))
    mp.setenv("AZURE_CONFIG_DIR", str(home / "no-azure-cli"))


@pytest.fixture
def azure_env(
    arm_server: ArmServer,
    azure_ca: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ArmServer:
    """The documented configuration, nothing else: a credential chain that finds the
    service principal in the environment and the test server as its authority."""
    arm_server.reset()
    documented_env(monkeypatch, arm_server, azure_ca[0], tmp_path)
    monkeypatch.chdir(tmp_path)
    return arm_server


@pytest.fixture
def azure(azure_env: ArmServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Azure]:
    helper = Azure(azure_env, tmp_path, monkeypatch)
    yield helper
    helper.restore()
    azure_env.reset()


__all__ = ["SUB1", "SUB2", "TENANT", "Azure", "ScanRun"]
