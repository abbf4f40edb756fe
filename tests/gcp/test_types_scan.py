"""GCP resource types in scans through the command line: the calls a few controls
need, the custom role for them, and what must never reach a bundle."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.gcp.permissions import BASE, required_permissions
from govscan.collectors.interface import CollectionPlan
from tests.gcp.conftest import Gcp
from tests.gcp.estate.core import ALPHA
from tests.gcp.estate.types_compute import SECRET_SCRIPT
from tests.gcp.estate.types_platform import SECRET_PAYLOAD

CONTROLS = {
    "t.g2.bucket-ubla": ("gcp.storage.bucket", "uniform_bucket_level_access", "eq", True),
    "t.g2.vm-oslogin": ("gcp.compute.instance", "os_login_enabled", "eq", True),
    "t.g2.vm-external": ("gcp.compute.instance", "has_external_ip", "eq", False),
    "t.g2.key-rotation": ("gcp.kms.key", "rotation_period_days", "lte", 90),
    "t.g2.sql-ssl": ("gcp.sql.instance", "ssl_required", "eq", True),
    "t.g2.secret-rotation": ("gcp.secretmanager.secret", "rotation_period_days", "present", None),
    "t.g2.gke-private": ("gcp.container.cluster", "private_nodes", "eq", True),
}


def scan(gcp: Gcp) -> tuple[Path, dict[str, Any], list[dict[str, Any]]]:
    controls = gcp.tmp / "g2-controls"
    controls.mkdir()
    for cid, (rtype, path, op, value) in CONTROLS.items():
        check = f"  path: {path}\n  op: {op}\n"
        if value is not None:
            check += f"  value: {json.dumps(value)}\n"
        (controls / f"{cid}.yaml").write_text(
            f"id: {cid}\ntitle: Test {cid}\nseverity: medium\nresource: {rtype}\n"
            f"check:\n{check}message: '{cid} {{name}}'\n"
            "frameworks:\n  nist-800-53-r5: [AC-3]\norigins: [cloud]\n"
        )
    policy = gcp.tmp / "g2-policy.yaml"
    policy.write_text(f"name: g2\nextends: baseline\nselect:\n  - ids: [{', '.join(CONTROLS)}]\n")
    out = gcp.tmp / "g2-out"
    argv = ["scan", "--gcp", "--gcp-projects", ALPHA, "--gcp-endpoint", gcp.server.url]
    argv += ["--controls", str(controls), "--policy", str(policy)]
    argv += ["--format", "json", "--output-dir", str(out)]
    result = CliRunner().invoke(cli, argv)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code == 1, result.output  # failures, nothing incomplete
    doc = json.loads((out / "results.json").read_text())
    calls = json.loads((out / "api-calls.json").read_text())
    return out, doc, calls


def test_a_scan_of_a_few_controls_makes_only_the_calls_they_need(gcp: Gcp) -> None:
    _, doc, calls = scan(gcp)
    assert doc["errors"] == []
    status = {(r["control_id"], r["resource"]["name"]): r["status"] for r in doc["results"]}
    assert status[("t.g2.bucket-ubla", "alpha-logs")] == "pass"
    assert status[("t.g2.bucket-ubla", "alpha-public")] == "fail"
    assert status[("t.g2.vm-oslogin", "web-1")] == "pass"  # the project's metadata
    assert status[("t.g2.vm-oslogin", "db-1")] == "fail"  # the instance's own FALSE
    assert status[("t.g2.vm-external", "web-1")] == "fail"
    assert status[("t.g2.key-rotation", "rotated")] == "pass"
    assert status[("t.g2.key-rotation", "stale")] == "fail"
    assert status[("t.g2.sql-ssl", "pg-replica-us")] == "fail"
    assert status[("t.g2.secret-rotation", "api-key")] == "pass"
    assert status[("t.g2.gke-private", "legacy")] == "fail"
    # The hierarchy and Service Usage calls are the core's; these are the types'.
    core = ("serviceusage.", "resourcemanager.")
    counts = {c["operation"]: c["count"] for c in calls if not c["operation"].startswith(core)}
    assert counts == {
        "storage.buckets.list": 2,
        "compute.instances.list": 1,
        "compute.projects.get": 1,
        "cloudkms.locations.list": 1,
        "cloudkms.keyRings.list": 2,
        "cloudkms.cryptoKeys.list": 1,
        "cloudsql.instances.list": 1,
        "secretmanager.secrets.list": 2,
        "container.clusters.list": 1,
    }
    # The custom role `govscan permissions` prints for these controls holds exactly these.
    read: dict[str, frozenset[str]] = {}
    for rtype, field, _, _ in CONTROLS.values():
        read[rtype] = read.get(rtype, frozenset()) | {field}
    plan = CollectionPlan(read)
    assert set(required_permissions(plan)) - set(BASE) == set(counts)


def test_instance_metadata_and_secret_payloads_reach_no_bundle_file(gcp: Gcp) -> None:
    out, _, _ = scan(gcp)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.name.startswith("resources") for p in files)
    never = [
        SECRET_SCRIPT.split("'")[1],  # the startup script's password
        SECRET_PAYLOAD,
        "LS0tS0VZLS0t",  # a GKE client key
        "LS0tLS1DRVJULS0tLS0=",  # its client certificate
        "startup-script",
    ]
    for path in files:
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")
        assert [s for s in never if s in text] == [], path.name
    assert not gcp.server.seen("/versions")
