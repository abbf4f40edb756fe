"""azurerm code through a whole scan: the old code-only residency id still names the
generic Azure control, secret values never reach the bundle, and a policy of Azure
controls alone still has the Terraform parsed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from govscan.catalog.controls import load_control_dirs
from govscan.cli import cli
from govscan.collectors.declared import resource_types

CASES = Path(__file__).parent / "cases"


def test_the_old_code_only_residency_id_names_the_generic_azure_control() -> None:
    loaded, problems = load_control_dirs([], resource_types=resource_types())
    assert problems == []
    assert loaded.aliases["residency.iac.resource-location"] == "residency.azure.resource-location"
    assert "residency.iac.resource-location" not in loaded.controls


def test_secret_values_in_azurerm_code_never_reach_the_bundle(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(CASES / "az_config"), "--format", "json,sarif"),
            *("--output-dir", str(out), "--no-redact", "--fail-on", "none"),
        ],
    )
    assert "Traceback" not in result.output, result.output
    for path in out.iterdir():
        raw = path.read_bytes()
        text = gzip.decompress(raw).decode() if path.suffix == ".gz" else raw.decode()
        assert "never-read-this-value" not in text, path
    collected = gzip.decompress((out / "resources.jsonl.gz").read_bytes()).decode()
    assert '"name": "db-password"' in collected or '"name":"db-password"' in collected


def test_a_policy_of_azure_controls_alone_judges_azurerm_code(tmp_path: Path) -> None:
    policy = tmp_path / "azure-only.yaml"
    policy.write_text(
        "name: azure-only\ndescription: Azure residency only.\nparameters:\n"
        "  allowed_jurisdictions: {type: list, default: [EU, EEA]}\n"
        "  allowed_regions: {type: list, default: []}\n"
        "  dpf_certified: {type: boolean, default: false}\n"
        'select:\n  - ids: ["residency.azure.*"]\n'
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(CASES / "az_residency"), "--policy", str(policy)),
            *("--format", "json", "--output-dir", str(out), "--fail-on", "none"),
        ],
    )
    assert "Traceback" not in result.output, result.output
    doc = json.loads((out / "results.json").read_text())
    status = {
        r["resource"]["id"]: r["status"]
        for r in doc["results"]
        if r["control_id"] == "residency.azure.storage-account-secondary-region"
    }
    assert status[".: azurerm_storage_account.grs_brazil"] == "fail"
