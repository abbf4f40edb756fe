from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from govscan.model import Location, Status
from govscan.reporters.interface import ReportOptions
from govscan.reporters.sarif import FINGERPRINT_KEY, SarifReporter

from .sample_scan import EBS, RESULTS, TF_BUCKET, sample_scan
from .support import SARIF_SCHEMA, schema_errors


def _doc(**options: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        SarifReporter().render(sample_scan(), ReportOptions(**options))
    )
    return data


def _results(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = doc["runs"][0]["results"]
    return found


@pytest.mark.parametrize("include_passes", [False, True])
def test_valid_against_the_official_schema(include_passes: bool) -> None:
    assert schema_errors(SARIF_SCHEMA, _doc(sarif_include_passes=include_passes)) == []


def test_the_schema_check_catches_a_broken_document() -> None:
    doc = _doc()
    doc["runs"][0]["results"][0]["kind"] = "maybe"
    del doc["version"]
    assert len(schema_errors(SARIF_SCHEMA, doc)) >= 2


def test_rules_are_controls_with_mappings_severity_and_help() -> None:
    doc = _doc()
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {c.control_id for c in RESULTS}
    ebs = rules[EBS.id]
    assert ebs["shortDescription"]["text"] == EBS.title
    assert ebs["help"]["text"] == EBS.remediation
    assert EBS.references[0] in ebs["help"]["markdown"]
    assert ebs["properties"]["severity"] == "high"
    assert ebs["properties"]["security-severity"] == "8.0"
    assert ebs["properties"]["frameworks"]["nist-800-53-r5"] == ["SC-28", "SC-28(1)"]
    assert "dsgvo/Art. 32(1)(a)" in ebs["properties"]["tags"]
    assert ebs["defaultConfiguration"]["level"] == "error"
    for res in _results(doc):
        assert rules[res["ruleId"]] is doc["runs"][0]["tool"]["driver"]["rules"][res["ruleIndex"]]


def test_failures_and_unevaluated_results_only_by_default() -> None:
    statuses = sorted(r["properties"]["status"] for r in _results(_doc()))
    assert statuses == ["error", "fail", "fail", "fail", "fail"]
    kinds = {r["properties"]["status"]: r["kind"] for r in _results(_doc())}
    assert kinds == {"fail": "fail", "error": "open"}


def test_include_passes_adds_every_other_result() -> None:
    results = _results(_doc(sarif_include_passes=True))
    assert len(results) == len(RESULTS)
    passes = [r for r in results if r["properties"]["status"] == "pass"]
    assert len(passes) == 2
    assert {r["kind"] for r in passes} == {"pass"}
    assert {r["level"] for r in passes} == {"none"}
    waived = next(r for r in results if r["properties"]["status"] == "waived")
    assert waived["suppressions"][0]["status"] == "accepted"
    assert "Static website" in waived["suppressions"][0]["justification"]


def test_repository_findings_have_a_physical_location() -> None:
    tf = next(r for r in _results(_doc()) if r["ruleId"] == "tf.aws.s3.bucket-versioning")
    physical = tf["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "infra/storage.tf"
    assert physical["region"] == {"startLine": 12, "endLine": 24}


def test_cloud_findings_have_a_logical_location_with_the_arn() -> None:
    ebs = next(r for r in _results(_doc()) if r["ruleId"] == EBS.id)
    loc = ebs["locations"][0]
    assert "physicalLocation" not in loc
    assert loc["logicalLocations"][0]["fullyQualifiedName"].endswith("volume/vol-0abc")


def test_fingerprints_are_unique_and_stable_across_runs() -> None:
    first = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(_doc())]
    assert len(set(first)) == len(first)
    later = replace(
        sample_scan(),
        run=replace(sample_scan().run, id="another-run", started_at=sample_scan().run.finished_at),
    )
    second = [
        r["partialFingerprints"][FINGERPRINT_KEY]
        for r in json.loads(SarifReporter().render(later, ReportOptions()))["runs"][0]["results"]
    ]
    assert first == second


def test_a_code_finding_keeps_its_fingerprint_when_lines_move() -> None:
    scan = sample_scan()
    # A code id is the root module and address: moving the block changes only its location.
    moved_ref = replace(TF_BUCKET, location=Location("infra/storage.tf", 30))
    moved = replace(
        scan,
        results=tuple(
            replace(r, resource=moved_ref) if r.resource == TF_BUCKET else r for r in scan.results
        ),
    )

    def fingerprint_of(s: Any) -> str:
        doc = json.loads(SarifReporter().render(s, ReportOptions()))
        tf = next(
            r for r in doc["runs"][0]["results"] if r["ruleId"] == "tf.aws.s3.bucket-versioning"
        )
        return str(tf["partialFingerprints"][FINGERPRINT_KEY])

    assert fingerprint_of(moved) == fingerprint_of(scan)


def test_a_module_resource_names_the_calling_module_block() -> None:
    results = _results(_doc(sarif_include_passes=True))
    module = next(
        r for r in results if r["locations"][0]["logicalLocations"][0]["name"].endswith("this[0]")
    )
    physical = module["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "modules/assets/main.tf"
    (call,) = module["relatedLocations"]
    assert call["physicalLocation"]["artifactLocation"]["uri"] == "infra/storage.tf"
    assert call["physicalLocation"]["region"] == {"startLine": 40, "endLine": 44}
    root_level = next(
        r for r in results if r["locations"][0]["logicalLocations"][0]["name"] == TF_BUCKET.name
    )
    assert "relatedLocations" not in root_level


def test_each_instance_of_a_module_has_its_own_fingerprint() -> None:
    scan = sample_scan()
    failing = next(r for r in scan.results if r.resource == TF_BUCKET)
    instances = [
        replace(
            failing,
            resource=replace(
                TF_BUCKET,
                id=f"{root}: module.logs.aws_s3_bucket.this[{i}]",
                name=f"{root}: module.logs.aws_s3_bucket.this[{i}]",
                location=Location("modules/logs/main.tf", 3, 9, (Location(f"{root}/main.tf", 1),)),
            ),
        )
        for root in ("examples/a", "examples/b", "examples/c")
        for i in (0, 1)
    ]
    doc = json.loads(
        SarifReporter().render(replace(scan, results=tuple(instances)), ReportOptions())
    )
    prints = {r["partialFingerprints"][FINGERPRINT_KEY] for r in doc["runs"][0]["results"]}
    assert len(prints) == 6


def test_collection_errors_mark_the_run_unsuccessful() -> None:
    invocation = _doc()["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["properties"]["operation"] == "cloudtrail:DescribeTrails"
    clean = replace(sample_scan(), errors=())
    doc = json.loads(SarifReporter().render(clean, ReportOptions()))
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_a_result_without_its_control_still_gets_a_rule() -> None:
    scan = replace(sample_scan(), controls=())
    doc = json.loads(SarifReporter().render(scan, ReportOptions()))
    assert {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]} == {
        r.control_id for r in RESULTS
    }
    assert schema_errors(SARIF_SCHEMA, doc) == []


def test_error_results_never_look_like_passes() -> None:
    errors = [
        r for r in _results(_doc(sarif_include_passes=True)) if r["properties"]["status"] == "error"
    ]
    assert errors and all(r["kind"] != "pass" for r in errors)
    assert Status.ERROR.value == "error"
