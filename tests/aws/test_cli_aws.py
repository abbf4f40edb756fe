"""`govscan permissions` and `govscan demo` from the command line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from govscan.cli import cli


def test_permissions_prints_a_least_privilege_policy() -> None:
    result = CliRunner().invoke(cli, ["permissions", "--collector", "aws", "--policy", "baseline"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (statement,) = doc["Statement"]
    actions = statement["Action"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert "s3:GetEncryptionConfiguration" in actions
    assert "sts:GetCallerIdentity" in actions
    assert all(":" in a and "*" not in a for a in actions)
    assert not [a for a in actions if a.startswith(("s3:Put", "ec2:Create", "iam:Delete"))]


def test_demo_writes_a_bundle(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--output-dir", str(out), "--format", "json,md"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "results.json").read_text())
    statuses = {r["status"] for r in doc["results"]}
    assert {"pass", "fail"} <= statuses
    # The demo's own policy: dsgvo plus the brewery's not-applicable declarations.
    assert doc["run"]["policy"] == "brauwerk-demo"
    assert "A.8.30" in doc["run"]["not_applicable"]["iso27001-2022"]
    regions = {r["resource"]["region"] for r in doc["results"]}
    assert {"eu-central-1", "us-east-1"} <= regions
    assert (out / "manifest.json").exists() and (out / "summary.md").exists()
    collected = gzip.decompress((out / "resources.jsonl.gz").read_bytes()).decode()
    for path in out.iterdir():
        text = collected if path.suffix == ".gz" else path.read_text(errors="replace")
        assert "hunter2-demo-value" not in text, path
