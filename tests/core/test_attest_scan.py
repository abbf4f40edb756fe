"""A scan with attestations and a policy's applicability: results, bundle and reports."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govscan.errors import ValidationError
from govscan.evidence.verify import verify_bundle
from govscan.runner import ScanConfig, ScanOutcome, run
from tests.attest.helpers import POLICY_TEXT, attestation_dir, attestation_text, sha256
from tests.reporters.support import OSCAL_SCHEMA, schema_errors

from .fakes import FakeCollector, thing

CONTROL = """\
id: fake.thing.encrypted
title: Things are encrypted
severity: high
resource: fake.thing
check: {path: encrypted, op: eq, value: true}
frameworks: {iso27001-2022: [A.8.24]}
"""

POLICY = """\
name: p
select: {ids: [fake.thing.encrypted]}
not_applicable:
  iso27001-2022:
    A.7.4: No premises of our own; the cloud provider monitors its data centres.
"""


def _scan(tmp_path: Path, attestations: Path | None, as_of: date = date(2026, 6, 1)) -> ScanOutcome:
    controls = tmp_path / "controls"
    controls.mkdir(exist_ok=True)
    (controls / "c.yaml").write_text(CONTROL)
    (tmp_path / "p.yaml").write_text(POLICY)
    FakeCollector.items = [thing("t/ok", encrypted=True)]
    return run(
        ScanConfig(
            policy=str(tmp_path / "p.yaml"),
            controls_dirs=(controls,),
            targets={"fake": True},
            formats=("json", "html", "oscal"),
            output_dir=tmp_path / "out",
            fail_on=None,
            as_of=as_of,
            attestations=attestations,
        )
    )


def _attestations(tmp_path: Path) -> Path:
    root = attestation_dir(tmp_path / "attestations")
    (root / "training.yaml").write_text(
        attestation_text(
            id="training",
            requirements="{iso27001-2022: [A.6.3]}",
            owner="Head of HR",
            method="interview",
            evidence="\n  - link: https://lms.example.com/reports/awareness",
        )
    )
    return root


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_attestations_become_results_in_the_bundle(tmp_path: Path) -> None:
    outcome = _scan(tmp_path, _attestations(tmp_path))
    out = outcome.output_dir
    doc = _json(out / "results.json")
    attested = {r["control_id"]: r for r in doc["results"] if r["control_id"].startswith("att")}
    assert sorted(attested) == ["attestation.policies", "attestation.training"]
    assert attested["attestation.policies"]["status"] == "pass"
    assert attested["attestation.training"]["frameworks"] == {"iso27001-2022": ["A.6.3"]}
    assert doc["run"]["not_applicable"] == {
        "iso27001-2022": {
            "A.7.4": "No premises of our own; the cloud provider monitors its data centres."
        }
    }
    # attestations.json records the evidence by hash and the manifest covers it.
    side = _json(out / "attestations.json")
    (policy_entry,) = [a for a in side["attestations"] if a["id"] == "policies"]
    assert policy_entry["files"][0]["sha256"] == sha256(POLICY_TEXT)
    listed = {f["path"] for f in _json(out / "manifest.json")["files"]}
    assert "attestations.json" in listed
    report = verify_bundle(out)
    assert not (report.changed or report.added or report.missing)


def test_oscal_carries_attestations_as_examine_or_interview(tmp_path: Path) -> None:
    out = _scan(tmp_path, _attestations(tmp_path)).output_dir
    oscal = _json(out / "oscal-assessment-results.json")
    assert schema_errors(OSCAL_SCHEMA, oscal) == []
    methods = {
        next(p["value"] for p in o["props"] if p["name"] == "control-id"): o["methods"]
        for o in oscal["assessment-results"]["results"][0]["observations"]
    }
    assert methods["attestation.policies"] == ["EXAMINE"]
    assert methods["attestation.training"] == ["INTERVIEW"]
    assert methods["fake.thing.encrypted"] == ["TEST"]


def test_html_shows_attestations_and_not_applicable(tmp_path: Path) -> None:
    out = _scan(tmp_path, _attestations(tmp_path)).output_dir
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "attestation.training" in html
    # The framework view's coverage column: attested apart from automated, and a
    # declared requirement as not applicable, never as passed.
    assert re.search(r'A\.6\.3 — [^<]*</td>\s*<td class="c-attested">', html)
    assert re.search(r'A\.8\.24 — [^<]*</td>\s*<td class="c-automated">', html)
    na = re.search(
        r'A\.7\.4 — [^<]*</td>\s*<td class="c-not_applicable">[^<]*</td>\s*<td>(.*?)</td>',
        html,
        re.S,
    )
    assert na and "pass" not in na.group(1)


def test_an_expired_attestation_fails_the_scan_result(tmp_path: Path) -> None:
    outcome = _scan(tmp_path, _attestations(tmp_path), as_of=date(2027, 2, 1))
    failed = {r.control_id: r.message for r in outcome.scan.results if r.status.value == "fail"}
    assert failed["attestation.policies"].startswith("expired on 2027-01-14")


def test_a_bad_attestation_stops_the_scan_with_its_position(tmp_path: Path) -> None:
    root = attestation_dir(tmp_path / "attestations", owner="<owner role>")
    with pytest.raises(ValidationError) as caught:
        _scan(tmp_path, root)
    assert str(caught.value.problems[0]).endswith(
        "policies.yaml:5:8: placeholder '<owner role>' is not filled in"
    )
    assert not (tmp_path / "out").exists()


def test_cli_flag_and_govscan_yaml_setting(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govscan.cli import cli

    controls = tmp_path / "controls"
    controls.mkdir()
    (controls / "c.yaml").write_text(CONTROL)
    (tmp_path / "p.yaml").write_text(POLICY)
    FakeCollector.items = [thing("t/ok", encrypted=True)]
    FakeCollector.always = True
    try:
        _attestations(tmp_path)
        cfg = tmp_path / "govscan.yaml"
        cfg.write_text(
            "policy: p.yaml\ncontrols: [controls]\nformats: [json]\noutput_dir: o1\n"
            "as_of: 2026-06-01\nattestations: attestations\n"
        )
        result = CliRunner().invoke(cli, ["scan", "--config", str(cfg)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "o1" / "attestations.json").is_file()
        bad = attestation_dir(tmp_path / "bad", requirements="{iso27001-2022: [A.5.99]}")
        out = tmp_path / "o2"
        result = CliRunner().invoke(
            cli,
            ["scan", "--config", str(cfg), "--attestations", str(bad), "--output-dir", str(out)],
        )
        assert result.exit_code == 2, result.output
        assert "policies.yaml:3:32: requirement 'A.5.99' is not in the iso27001-2022" in (
            result.output
        )
        assert "Traceback" not in result.output
    finally:
        FakeCollector.always = False
