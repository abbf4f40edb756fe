"""`govscan demo` with its Azure subscription and Google Cloud project: the findings it is
built to show, no collection errors, and not one connection beyond 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import os
import socket
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.demo import azure_entra, azure_estate, clouds, gcp_estate
from govscan.demo.restserver import RestServer

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@dataclass
class DemoRun:
    exit_code: int
    output: str
    doc: dict[str, Any]
    calls: list[dict[str, Any]]
    connected: list[Any]
    servers: list[RestServer]
    env_before: dict[str, str]
    env_after: dict[str, str]
    out: Path

    def status(self, control: str, resource_suffix: str) -> str:
        found = {
            r["status"]
            for r in self.doc["results"]
            if r["control_id"] == control and r["resource"]["id"].endswith(resource_suffix)
        }
        assert len(found) == 1, (control, resource_suffix, found)
        return found.pop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    out = tmp_path_factory.mktemp("demo") / "bundle"
    connected: list[Any] = []
    servers: list[RestServer] = []
    real_connect = socket.socket.connect
    real_clouds = clouds.local_clouds

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        connected.append(address)
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
            raise OSError(f"test: connection to {address} refused")
        return real_connect(self, address)

    @contextmanager
    def watched() -> Iterator[clouds.LocalClouds]:
        with real_clouds() as running:
            servers.extend((running.azure, running.gcp))
            yield running

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", guarded_connect)
        mp.setattr(clouds, "local_clouds", watched)
        # A user's real cloud settings, which the demo must neither use nor lose.
        mp.setenv("AZURE_CLIENT_SECRET", "users-own-secret")
        mp.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
        mp.delenv("REQUESTS_CA_BUNDLE", raising=False)
        before = dict(os.environ)
        result = CliRunner().invoke(cli, ["demo", "--output-dir", str(out), "--format", "json,md"])
        after = dict(os.environ)
    assert "Traceback" not in result.output, result.output
    doc = json.loads((out / "results.json").read_text())
    calls = json.loads((out / "api-calls.json").read_text())
    yield DemoRun(
        result.exit_code, result.output, doc, calls, connected, servers, before, after, out
    )


def test_demo_finishes_as_before_without_collection_errors(demo: DemoRun) -> None:
    assert demo.exit_code == 0, demo.output
    assert demo.doc["errors"] == []
    assert "error: 0" in demo.output


def test_demo_scans_the_azure_subscription_and_the_gcp_project(demo: DemoRun) -> None:
    targets = json.dumps(demo.doc["run"]["targets"])
    assert azure_estate.SUBSCRIPTION in targets and gcp_estate.PROJECT in targets
    collectors = {c.get("collector") for c in demo.calls}
    assert {"azure", "gcp"} <= collectors
    live = [r for r in demo.doc["results"] if r["resource"]["id"].startswith("/subscriptions/")]
    assert {"pass", "fail"} <= {r["status"] for r in live}
    in_gcp = [r for r in demo.doc["results"] if gcp_estate.PROJECT in r["resource"]["id"]]
    assert {"pass", "fail"} <= {r["status"] for r in in_gcp}


def test_demo_shows_the_deliberate_cloud_findings(demo: DemoRun) -> None:
    expected = {
        ("residency.azure.storage-account-secondary-region", "/stbrauwerkexport"): "fail",
        ("residency.azure.storage-account-secondary-region", "/stbrauwerkshop"): "pass",
        ("azure.network.nsg-no-rdp-from-internet", "/nsg-office-rdp"): "fail",
        ("azure.network.nsg-no-rdp-from-internet", "/nsg-shop-app"): "pass",
        ("azure.keyvault.purge-protection", "/kv-brauwerk-legacy"): "fail",
        ("azure.keyvault.purge-protection", "/kv-brauwerk-prod"): "pass",
        ("residency.gcp.storage-bucket-location", "/brauwerk-marketing-exports"): "fail",
        ("residency.gcp.storage-bucket-location", "/brauwerk-telemetry-raw"): "pass",
        ("gcp.compute.firewall-no-open-ssh", "/allow-ssh-anywhere"): "fail",
        ("gcp.compute.firewall-no-open-ssh", "/allow-https-lb"): "pass",
        ("gcp.kms.key-rotation", "/telemetry-legacy"): "fail",
        ("gcp.kms.key-rotation", "/cryptoKeys/telemetry"): "pass",
    }
    got = {key: demo.status(*key) for key in expected}
    assert got == expected


def test_demo_tells_the_storage_limitation_story(demo: DemoRun) -> None:
    """DSGVO Art. 5(1)(e): what is deleted in time passes, what is kept forever fails."""
    expected = {
        ("dsgvo.retention.azure-storage-lifecycle", "/stbrauwerkshop"): "pass",
        ("dsgvo.retention.azure-storage-lifecycle", "/stbrauwerkexport"): "fail",
        ("dsgvo.retention.azure-log-analytics", "/workspaces/log-brauwerk"): "pass",
        ("residency.azure.log-analytics-workspace-location", "/workspaces/log-brauwerk"): "pass",
        ("dsgvo.retention.azure-backup-policy", "/vaults/rsv-brauwerk"): "pass",
        ("residency.azure.recovery-vault-secondary-region", "/vaults/rsv-brauwerk"): "pass",
        ("dsgvo.retention.gcp-bucket-lifecycle", "/brauwerk-telemetry-raw"): "pass",
        ("dsgvo.retention.gcp-bucket-lifecycle", "/brauwerk-marketing-exports"): "fail",
        ("dsgvo.retention.gcp-snapshot-age", "/telemetry-ingest-1-before-upgrade"): "fail",
        # Taken by a schedule, deleted by its retention.
        ("dsgvo.retention.gcp-snapshot-age", "/telemetry-ingest-1-daily"): "not_applicable",
        ("dsgvo.retention.azure-storage-lifecycle", "azurerm_storage_account.shop"): "pass",
        ("dsgvo.retention.azure-storage-lifecycle", "azurerm_storage_account.export"): "fail",
        ("dsgvo.retention.azure-log-analytics", "azurerm_log_analytics_workspace.shop"): "pass",
        ("dsgvo.retention.gcp-bucket-lifecycle", "google_storage_bucket.telemetry_raw"): "pass",
        ("dsgvo.retention.gcp-bucket-lifecycle", "google_storage_bucket.price_lists"): "fail",
        ("dsgvo.retention.aws-s3-lifecycle", ":::brauwerk-customer-data"): "pass",
        ("dsgvo.retention.aws-s3-lifecycle", ":::brauwerk-campaign-assets"): "fail",
        ("dsgvo.retention.aws-s3-lifecycle", "aws_s3_bucket.customer_data"): "pass",
        ("dsgvo.retention.aws-log-group", "log-group:/brauwerk/shop"): "pass",
        ("dsgvo.retention.aws-log-group", "log-group:/aws/lambda/invoice-mailer"): "fail",
    }
    got = {key: demo.status(*key) for key in expected}
    assert got == expected


def test_demo_judges_azurerm_and_google_terraform(demo: DemoRun) -> None:
    expected = {
        ("residency.azure.storage-account-secondary-region", "azurerm_storage_account.export"): (
            "fail"
        ),
        ("residency.azure.storage-account-secondary-region", "azurerm_storage_account.shop"): (
            "pass"
        ),
        ("azure.network.nsg-no-ssh-from-internet", "azurerm_network_security_group.office"): (
            "fail"
        ),
        ("residency.gcp.storage-bucket-location", "google_storage_bucket.price_lists"): "fail",
        ("gcp.compute.firewall-no-open-rdp", "google_compute_firewall.rdp_from_anywhere"): "fail",
        ("gcp.kms.key-rotation", "google_kms_crypto_key.telemetry"): "pass",
    }
    got = {key: demo.status(*key) for key in expected}
    assert got == expected


def test_demo_asks_its_servers_for_nothing_they_lack(demo: DemoRun) -> None:
    assert len(demo.servers) == 2
    for server in demo.servers:
        assert server.seen, server.url
        assert server.misses == [], server.url


def test_demo_connects_to_nothing_but_the_loopback(demo: DemoRun) -> None:
    hosts = {a[0] for a in demo.connected if isinstance(a, tuple)}
    assert hosts == {"127.0.0.1"}


def test_demo_restores_the_environment(demo: DemoRun) -> None:
    assert demo.env_after == demo.env_before
    assert demo.env_after["AZURE_CLIENT_SECRET"] == "users-own-secret"
    assert "REQUESTS_CA_BUNDLE" not in demo.env_after


def test_demo_bundle_names_no_entra_user(demo: DemoRun) -> None:
    users = [r for r in demo.doc["results"] if "/users/" in r["resource"]["id"]]
    assert users, "Entra ID users were judged"
    for path in demo.out.iterdir():
        data = path.read_bytes()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")
        assert "anna.braun" not in text and f"@{azure_entra.DOMAIN}" not in text, path


def test_a_baseline_scan_of_the_demo_clouds_finds_every_route(tmp_path: Path) -> None:
    """Every control of the baseline, not only the demo's dsgvo selection: a user who
    points ``govscan scan`` at the demo estate meets no collection error either."""
    from govscan.model import Severity
    from govscan.runner import ScanConfig, run

    with clouds.local_clouds() as running:
        run(
            ScanConfig(
                policy="baseline",
                targets=dict(running.targets),
                formats=("json",),
                output_dir=tmp_path / "out",
                fail_on=Severity.CRITICAL,
            )
        )
        misses = [(s.method, s.path) for s in (*running.azure.misses, *running.gcp.misses)]
    assert misses == []
    assert json.loads((tmp_path / "out" / "results.json").read_text())["errors"] == []


def test_demo_bundle_carries_the_filled_attestations(demo: DemoRun) -> None:
    attested = {
        r["control_id"]: r["status"]
        for r in demo.doc["results"]
        if r["control_id"].startswith("attestation.")
    }
    side = json.loads((demo.out / "attestations.json").read_text())
    as_of = demo.doc["run"]["as_of"]
    # Valid until a fixed date: after it the demo shows them expired, as it should.
    assert attested == {
        f"attestation.{a['id']}": "pass" if as_of <= a["valid_until"] else "fail"
        for a in side["attestations"]
    }
    assert sorted(attested) == [
        "attestation.awareness-training",
        "attestation.incident-management",
        "attestation.isms-policy",
        "attestation.security-roles",
    ]
    hashed = [f for a in side["attestations"] for f in a["files"]]
    assert hashed and all(f["sha256"] == f["sha256_found"] for f in hashed)


def test_every_annex_a_control_of_the_demo_bundle_has_a_status(demo: DemoRun) -> None:
    """Issue 15's Done-when: automated, attested, not applicable or gap, and they add up."""
    from govscan.catalog.frameworks import load_frameworks
    from govscan.evidence.bundle import load_scan
    from govscan.results.coverage import Coverage
    from govscan.results.scoring import MANUAL, NOT_APPLICABLE, scan_frameworks

    scan = load_scan(demo.out)
    catalogs = load_frameworks()
    (iso,) = scan_frameworks(scan, {"iso27001-2022": catalogs["iso27001-2022"]})
    annex = [r for r in iso.requirements if r.id.startswith("A.")]
    assert len(annex) == 93
    states = Counter(r.coverage for r in annex)
    assert set(states) == set(Coverage)
    assert sum(states.values()) == len(annex)
    by_id = {r.id: r for r in annex}
    # The brewery's declarations, each with its reason, never passed.
    for rid in ("A.7.9", "A.7.10", "A.8.30"):
        assert by_id[rid].coverage is Coverage.NOT_APPLICABLE
        assert by_id[rid].status == NOT_APPLICABLE and by_id[rid].justification
    # The filled attestations answer what no API can: attested, judged, never manual.
    for rid in ("A.5.1", "A.5.2", "A.6.3", "A.5.24", "A.5.26"):
        assert by_id[rid].coverage is Coverage.ATTESTED
        assert by_id[rid].status in ("pass", "fail")
    for r in annex:
        assert (r.status == MANUAL) == (r.coverage is Coverage.GAP), r.id
        assert (r.status == NOT_APPLICABLE) == (r.coverage is Coverage.NOT_APPLICABLE), r.id


def test_demo_writes_a_complete_bundle(demo: DemoRun) -> None:
    assert demo.exit_code == 0, demo.output
    statuses = {r["status"] for r in demo.doc["results"]}
    assert {"pass", "fail"} <= statuses
    # The demo's own policy: dsgvo plus the brewery's not-applicable declarations.
    assert demo.doc["run"]["policy"] == "brauwerk-demo"
    assert "A.8.30" in demo.doc["run"]["not_applicable"]["iso27001-2022"]
    regions = {r["resource"]["region"] for r in demo.doc["results"]}
    assert {"eu-central-1", "us-east-1"} <= regions
    assert (demo.out / "manifest.json").exists() and (demo.out / "summary.md").exists()
    collected = gzip.decompress((demo.out / "resources.jsonl.gz").read_bytes()).decode()
    for path in demo.out.iterdir():
        text = collected if path.suffix == ".gz" else path.read_text(errors="replace")
        assert "hunter2-demo-value" not in text, path


def test_the_demo_bundle_gives_an_soa_with_every_annex_a_control(
    demo: DemoRun, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from govscan.catalog.frameworks import load_framework

    res = CliRunner().invoke(
        cli,
        [
            "soa",
            "--framework",
            "iso27001-2022",
            "--bundle",
            str(demo.out),
            "--verify",
            "--output-dir",
            str(tmp_path / "soa"),
        ],
    )
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(tmp_path / "soa" / "soa-iso27001-2022.xlsx")["SoA"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    annex_a = [r.id for r in load_framework("iso27001-2022").requirements if r.id.startswith("A.")]
    assert [r[0] for r in rows] == annex_a
    assert {r[4] for r in rows} <= {
        "implemented",
        "partially implemented",
        "not implemented",
        "not assessed",
        "not applicable",
    }
    # The demo's filled attestations show up with their owner and review date.
    attested = [r for r in rows if r[7]]
    assert attested and all(r[9] and r[10] for r in attested)
