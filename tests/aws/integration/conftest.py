"""One moto server and one fault proxy for all these tests (reset before each); a scan
helper per test."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.aws import session as aws_session
from govscan.collectors.retry import RetryPolicy, Throttle
from tests.virtual_clock import VirtualClock

from .faultproxy import FaultProxy

ACCOUNT = "123456789012"

# Small values so that the policy's limits are reached in a few attempts; waits run
# on a virtual clock, so they cost no time.
TEST_POLICY = RetryPolicy(
    attempts=3,
    max_wait=1.5,
    total_wait=10.0,
    backoff_base=0.1,
    rate=float("inf"),
    burst=40,
    # Generous: a busy test machine must not turn a slow answer into a retry.
    connect_timeout=2.0,
    read_timeout=5.0,
)


_SEEDERS: dict[tuple[str, str, str], Any] = {}


@dataclass
class ScanRun:
    exit_code: int
    stderr: str
    results: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    calls: list[dict[str, Any]]

    def statuses(self, control: str) -> dict[str, str]:
        """Resource name -> status of one control."""
        return {
            r["resource"].get("name") or r["resource"]["id"]: r["status"]
            for r in self.results
            if r["control_id"] == control
        }

    def call(self, operation: str, region: str = "eu-central-1") -> dict[str, Any]:
        (found,) = [c for c in self.calls if c["operation"] == operation and c["region"] == region]
        return found


class Aws:
    """What a test needs: the proxy, the clock, seeding straight into moto, and scans."""

    def __init__(
        self, moto: str, proxy: FaultProxy, tmp: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.moto = moto
        self.proxy = proxy
        self.tmp = tmp
        self.clock = VirtualClock()
        self.policy = TEST_POLICY
        self._monkeypatch = monkeypatch
        self._runs = 0
        proxy.reset(self.clock.now)
        monkeypatch.setattr(aws_session, "new_throttle", self._throttle)

    def use_clock(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.proxy.clock = clock.now

    def _throttle(self) -> Throttle:
        # Full jitter value: backoff waits are exactly the policy's steps.
        return Throttle(self.policy, self.clock, jitter=lambda: 1.0)

    def client(self, service: str, region: str = "eu-central-1") -> Any:
        """A client that talks to moto directly (for seeding), not through the proxy."""
        key = (self.moto, service, region)
        if key not in _SEEDERS:  # making a client costs more than most seeding calls
            _SEEDERS[key] = boto3.client(service, region_name=region, endpoint_url=self.moto)
        return _SEEDERS[key]

    def volumes(self, region: str = "eu-central-1", encrypted: tuple[bool, ...] = ()) -> None:
        ec2 = self.client("ec2", region)
        for enc in encrypted:
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=enc)

    def topics(self, count: int, region: str = "eu-central-1") -> None:
        sns = self.client("sns", region)
        for i in range(count):
            sns.create_topic(Name=f"topic-{i:03d}")

    def endpoint_for(self, service: str, url: str) -> None:
        """Send one service elsewhere (AWS_ENDPOINT_URL_<SERVICE>)."""
        self._monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service.upper()}", url)

    def accounts_file(self, *accounts: str) -> str:
        """An --aws-accounts file assuming role/audit in each account."""
        path = self.tmp / "accounts.yaml"
        path.write_text(
            "accounts:\n"
            + "".join(
                f"  - {{account_id: '{a}', role_arn: 'arn:aws:iam::{a}:role/audit'}}\n"
                for a in accounts
            )
        )
        return str(path)

    def scan(self, *controls: str, regions: str = "eu-central-1", accounts: str = "") -> ScanRun:
        self._runs += 1
        policy = self.tmp / f"policy-{self._runs}.yaml"
        policy.write_text(
            f"name: it-{self._runs}\nextends: baseline\nselect:\n  - ids: [{', '.join(controls)}]\n"
        )
        out = self.tmp / f"out-{self._runs}"
        args = ["scan", "--aws", "--aws-regions", regions, "--policy", str(policy)]
        args += ["--format", "json", "--output-dir", str(out)]
        if accounts:
            args += ["--aws-accounts", accounts]
        result = CliRunner().invoke(cli, args)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        if not (out / "results.json").exists():  # the scan stopped before collecting
            return ScanRun(result.exit_code, result.stderr, [], [], [])
        doc = json.loads((out / "results.json").read_text())
        calls = json.loads((out / "api-calls.json").read_text())
        return ScanRun(result.exit_code, result.stderr, doc["results"], doc["errors"], calls)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    srv = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    srv.start()
    host, port = srv.get_host_and_port()
    yield f"http://{host}:{port}"
    srv.stop()


@pytest.fixture(scope="session")
def fault_proxy(moto_server: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(moto_server)
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def aws(
    moto_server: str, fault_proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Aws:
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    # No govscan.yaml of the checkout adds targets to the scans.
    monkeypatch.chdir(tmp_path)
    return Aws(moto_server, fault_proxy, tmp_path, monkeypatch)
