from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from trestle.oscal.assessment_results import AssessmentResults

from govscan.evidence import files
from govscan.reporters.interface import ReportOptions
from govscan.reporters.oscal import OscalReporter
from govscan.reporters.oscal_parts import control_id_for, dangling_references

from .sample_scan import sample_scan
from .support import OSCAL_SCHEMA, schema_errors


def _doc(scan: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        OscalReporter().render(scan or sample_scan(), ReportOptions())
    )
    return data


def _result(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = doc["assessment-results"]["results"][0]
    return found


def test_valid_against_the_official_nist_schema() -> None:
    assert schema_errors(OSCAL_SCHEMA, _doc()) == []


def test_the_schema_check_catches_a_broken_document() -> None:
    doc = _doc()
    _result(doc)["findings"][0]["target"]["status"]["state"] = "maybe"
    _result(doc)["observations"][0]["uuid"] = "not-a-uuid"
    assert schema_errors(OSCAL_SCHEMA, doc)


def test_loadable_by_compliance_trestle(tmp_path: Path) -> None:
    path = tmp_path / "oscal-assessment-results.json"
    path.write_bytes(OscalReporter().render(sample_scan(), ReportOptions()))
    loaded = AssessmentResults.oscal_read(path)
    assert loaded is not None
    assert loaded.metadata.oscal_version.root.root == "1.2.1"
    result = loaded.results[0]
    assert result.findings is not None and len(result.findings) == 7
    assert result.observations is not None and len(result.observations) == 8


def test_no_dangling_uuid_references() -> None:
    assert dangling_references(_doc()) == []


def test_the_cross_reference_check_finds_dangling_and_duplicate_uuids() -> None:
    doc = _doc()
    broken = copy.deepcopy(doc)
    _result(broken)["findings"][0]["related-observations"][0]["observation-uuid"] = (
        "3f0a5f9e-0000-5000-8000-000000000000"
    )
    broken["assessment-results"]["import-ap"]["href"] = "#00000000-0000-5000-8000-000000000000"
    problems = dangling_references(broken)
    assert len(problems) == 2
    assert all("is not defined" in p for p in problems)
    twice = copy.deepcopy(doc)
    obs = _result(twice)["observations"]
    obs[1]["uuid"] = obs[0]["uuid"]
    assert any(p.startswith("duplicate uuid") for p in dangling_references(twice))


def test_uuids_are_deterministic_per_run() -> None:
    assert _doc() == _doc()
    other = replace(sample_scan(), run=replace(sample_scan().run, id="other-run"))
    assert _doc(other)["assessment-results"]["uuid"] != _doc()["assessment-results"]["uuid"]


def test_findings_per_nist_requirement_with_their_state() -> None:
    findings = {f["target"]["target-id"]: f for f in _result(_doc())["findings"]}
    state = {k: f["target"]["status"]["state"] for k, f in findings.items()}
    assert state == {
        "ac-3_smt": "not-satisfied",  # one fail, one waived
        "au-2_smt": "not-satisfied",  # could not be evaluated
        "cm-6_smt": "not-satisfied",
        "sa-9_smt": "not-satisfied",
        "sc-7_smt": "not-satisfied",
        "sc-28_smt": "not-satisfied",
        "sc-28.1_smt": "not-satisfied",
    }
    assert findings["au-2_smt"]["target"]["status"]["reason"] == "other"
    assert findings["sc-28_smt"]["title"] == "SC-28 Protection of Information at Rest"


def test_a_requirement_whose_checks_all_pass_is_satisfied() -> None:
    scan = sample_scan()
    passing = replace(
        scan,
        results=tuple(
            r
            for r in scan.results
            if r.control_id != "aws.ebs.volume-encrypted" or r.status.value == "pass"
        ),
    )
    findings = {f["target"]["target-id"]: f for f in _result(_doc(passing))["findings"]}
    assert findings["sc-28_smt"]["target"]["status"] == {"state": "satisfied", "reason": "pass"}


def test_subjects_are_inventory_items() -> None:
    result = _result(_doc())
    items = {i["uuid"]: i for i in result["local-definitions"]["inventory-items"]}
    for obs in result["observations"]:
        (subject,) = obs["subjects"]
        assert subject["type"] == "inventory-item"
        assert subject["subject-uuid"] in items
    ids = {p["value"] for i in items.values() for p in i["props"] if p["name"] == "asset-id"}
    assert "infra: aws_s3_bucket.logs" in ids


def test_back_matter_cites_bundle_files_by_sha256() -> None:
    scan = sample_scan()
    resources = _doc()["assessment-results"]["back-matter"]["resources"]
    hashes = {
        link["href"]: link["hashes"][0]["value"]
        for res in resources
        for link in res.get("rlinks", [])
        if "hashes" in link
    }
    assert hashes[files.RESULTS] == hashlib.sha256(files.results_bytes(scan)).hexdigest()
    assert hashes[files.CONTROLS] == hashlib.sha256(files.controls_bytes(scan)).hexdigest()
    assert hashes[files.API_CALLS] == hashlib.sha256(files.api_calls_bytes(scan)).hexdigest()


def test_scanned_text_in_markup_fields_cannot_become_html() -> None:
    markup: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, val in node.items():
                if key in ("title", "description", "remarks") and isinstance(val, str):
                    markup.append(val)
                else:
                    walk(val)
        elif isinstance(node, list):
            for val in node:
                walk(val)

    walk(_doc())
    assert any("&lt;script&gt;" in m for m in markup)
    assert not any("<" in m for m in markup)


def test_collection_errors_are_logged_and_flag_the_result() -> None:
    result = _result(_doc())
    (entry,) = result["assessment-log"]["entries"]
    assert "cloudtrail:DescribeTrails" in entry["title"]
    assert "incomplete" in result["remarks"]


def test_an_empty_scan_is_still_valid() -> None:
    empty = replace(sample_scan(), results=(), errors=(), controls=(), api_calls=())
    doc = _doc(empty)
    assert schema_errors(OSCAL_SCHEMA, doc) == []
    assert dangling_references(doc) == []


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [("SC-28", "sc-28"), ("SC-28(1)", "sc-28.1"), ("AC-02(12)", "ac-2.12"), ("PM-9", "pm-9")],
)
def test_control_ids(requirement: str, expected: str) -> None:
    assert control_id_for(requirement) == expected


@pytest.mark.parametrize("name", ["", "run\x1fobservation\x1fä", "x" * 500])
def test_fast_uuid5_is_the_standard_uuid5(name: str) -> None:
    import uuid

    from govscan.reporters.oscal_parts import NAMESPACE, uuid5

    assert uuid5(NAMESPACE.bytes, name) == str(uuid.uuid5(NAMESPACE, name))
