"""Every case folder is a tiny repository with an ``expected.yaml`` of passing,
failing and waived resource ids per control; one driver scans them all.

``undetermined`` lists ``error`` results whose values are unknown before apply:
they do not make the run incomplete (exit 3) unless ``--strict-unknown``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govscan.cli import cli

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())


def scan(case: Path, out: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--repo",
            str(case),
            "--format",
            "json,sarif",
            "--output-dir",
            str(out),
            "--no-redact",
            "--fail-on",
            "none",
            "--sarif-include-passes",
        ],
    )
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads((out / "results.json").read_text())


def assert_one_identity_per_result(doc: dict[str, Any], out: Path) -> None:
    """No two results share a (control, resource id) or a fingerprint, and the SARIF
    log carries every status."""
    keys = Counter((r["control_id"], r["resource"]["id"]) for r in doc["results"])
    assert [k for k, n in keys.items() if n > 1] == []
    results = json.loads((out / "results.sarif").read_text())["runs"][0]["results"]
    assert len(results) == len(doc["results"])
    prints = Counter(r["partialFingerprints"]["govscan/v2"] for r in results)
    assert [p for p, n in prints.items() if n > 1] == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, tmp_path: Path) -> None:
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    code, doc = scan(case, tmp_path)
    # One scan per case serves both: what it decides and that every result has
    # its own identity (ids, SARIF fingerprints).
    assert_one_identity_per_result(doc, tmp_path)
    got: dict[tuple[str, str], set[str]] = {}
    names = {}
    for r in doc["results"]:
        got.setdefault((r["control_id"], r["status"]), set()).add(r["resource"]["id"])
        if r.get("undetermined"):
            assert r["status"] == "error", r
            got.setdefault((r["control_id"], "undetermined"), set()).add(r["resource"]["id"])
        names[r["resource"]["id"]] = r["resource"]["name"]
    for control, want in expected.items():
        if control in ("errors", "names"):
            continue
        for status, ids in want.items():
            if status == "absent":
                judged = set().union(*(v for (c, _), v in got.items() if c == control))
                assert not set(ids) & judged, (control, set(ids) & judged)
                continue
            assert set(ids) <= got.get((control, status), set()), (
                control,
                status,
                got.get((control, status)),
            )
    messages = [e["message"] for e in doc["errors"]]
    for needle in expected.get("errors", []):
        assert any(m.startswith(needle) for m in messages), (needle, messages)
    incomplete = bool(expected.get("errors")) or any(
        isinstance(v, dict) and "error" in v for v in expected.values()
    )
    # Undetermined results alone leave the run complete.
    if incomplete and not expected.get("errors"):
        incomplete = any(
            r["status"] == "error" and not r.get("undetermined") for r in doc["results"]
        )
    assert code == (3 if incomplete else 0)
    for rid, name in expected.get("names", {}).items():
        assert names[rid] == name


def test_sarif_carries_file_and_line(tmp_path: Path) -> None:
    scan(Path(__file__).parent / "cases" / "terraform", tmp_path)
    sarif = json.loads((tmp_path / "results.sarif").read_text())
    located = [r for r in sarif["runs"][0]["results"] if r["locations"][0].get("physicalLocation")]
    assert located
    loc = located[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith(".tf")
    assert loc["region"]["startLine"] >= 1


def test_missing_repo_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["scan", "--repo", str(tmp_path / "nope"), "--output-dir", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "no such directory" in result.output


def test_environment_values_in_code_never_reach_the_bundle(tmp_path: Path) -> None:
    import gzip

    scan(Path(__file__).parent / "cases" / "aws_services", tmp_path)
    for path in tmp_path.iterdir():
        raw = path.read_bytes()
        text = gzip.decompress(raw).decode() if path.suffix == ".gz" else raw.decode()
        assert "do-not-commit-me" not in text, path
    collected = gzip.decompress((tmp_path / "resources.jsonl.gz").read_bytes()).decode()
    assert "DB_PASSWORD" in collected, "the name is kept"


def test_a_var_file_given_on_the_command_line_is_applied_last(tmp_path: Path) -> None:
    case = Path(__file__).parent / "cases" / "tfvars"
    extra = tmp_path / "ci.tfvars"
    extra.write_text("encrypt = false\n")  # overrides terraform.tfvars (encrypt = true)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(case), "--tf-var-file", str(extra)),
            *("--format", "json", "--output-dir", str(out), "--fail-on", "none"),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "results.json").read_text())
    status = {
        r["resource"]["id"]: r["status"]
        for r in doc["results"]
        if r["control_id"] == "aws.ebs.volume-encrypted"
    }
    assert status[".: aws_ebs_volume.from_tfvars"] == "fail"  # encrypted = var.encrypt, now false
    assert status[".: aws_ebs_volume.one_instance[0]"] == "pass"  # encrypted = !var.encrypt


def test_a_missing_var_file_is_a_usage_error(tmp_path: Path) -> None:
    case = Path(__file__).parent / "cases" / "tfvars"
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(case), "--tf-var-file", str(tmp_path / "nope.tfvars")),
            *("--output-dir", str(tmp_path / "o")),
        ],
    )
    assert result.exit_code == 2
    assert "nope.tfvars: no such file" in result.output


def test_third_party_terraform_providers_are_reported_for_the_avv_registry(
    tmp_path: Path,
) -> None:
    _, doc = scan(Path(__file__).parent / "cases" / "providers", tmp_path)
    (target,) = [t for t in doc["run"]["targets"] if t["collector"] == "repo"]
    # hashicorp/* (aws, random) are a cloud's API or local; the others are vendors' services.
    assert target["details"]["terraform_providers"] == ["cloudflare/cloudflare", "datadog/datadog"]
