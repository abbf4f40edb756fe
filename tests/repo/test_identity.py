"""One identity per Terraform resource instance: ids, names, SARIF locations and
fingerprints, and the region each instance's provider configuration gives it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.repo.instances import MAX_INSTANCES

CASES = Path(__file__).parent / "cases"
# Every case of tests/repo/cases is also checked for one identity per result, in
# test_cases.py (the same scan).


def _scan(repo: Path, out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(repo.resolve()), "--format", "json,sarif"),
            *("--output-dir", str(out), "--no-redact", "--fail-on", "none"),
            "--sarif-include-passes",
        ],
    )
    assert "Traceback" not in result.output, result.output
    doc = json.loads((out / "results.json").read_text())
    sarif = json.loads((out / "results.sarif").read_text())
    return doc, sarif


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_module_called_from_three_roots_is_six_findings(tmp_path: Path) -> None:
    doc, sarif = _scan(CASES / "ident_module_roots", tmp_path)
    failed = {
        r["resource"]["id"]
        for r in doc["results"]
        if r["control_id"] == "aws.s3.bucket-versioning" and r["status"] == "fail"
    }
    assert failed == {
        f"examples/{root}: module.s3_bucket.aws_s3_bucket.this[{i}]"
        for root in "abc"
        for i in (0, 1)
    }
    alerts = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "aws.s3.bucket-versioning"]
    assert len({a["partialFingerprints"]["govscan/v2"] for a in alerts}) == 6
    for alert in alerts:
        # The finding points at the block in the module and names the calling block.
        physical = alert["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "modules/bucket/main.tf"
        assert physical["region"] == {"startLine": 5, "endLine": 8}
        (related,) = alert["relatedLocations"]
        root = alert["locations"][0]["logicalLocations"][0]["name"].split(":")[0]
        assert related["physicalLocation"]["artifactLocation"]["uri"] == f"{root}/main.tf"
        assert related["physicalLocation"]["region"] == {"startLine": 5, "endLine": 8}


def test_instances_are_evaluated_with_their_own_index(tmp_path: Path) -> None:
    doc, _ = _scan(CASES / "ident_module_roots", tmp_path)
    names = {
        r["resource"]["id"]: r["resource"]["name"]
        for r in doc["results"]
        if r["control_id"] == "aws.s3.bucket-versioning"
    }
    assert set(names.values()) == set(names)  # the name is the full address too
    resources = _resources(tmp_path)
    bucket = resources["examples/b: module.s3_bucket.aws_s3_bucket.this[1]"]
    assert bucket["data"]["name"] == "b-1"  # "${var.name}-${count.index}"
    assert bucket["location"]["called_from"] == [
        {"path": "examples/b/main.tf", "line": 5, "end_line": 8}
    ]


def _resources(out: Path) -> dict[str, Any]:
    import gzip

    lines = gzip.decompress((out / "resources.jsonl.gz").read_bytes()).decode().splitlines()
    return {d["id"]: d for d in map(json.loads, lines)}


def test_ids_do_not_move_with_lines(tmp_path: Path) -> None:
    body = (
        'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
        'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-1a"\n  size = 1\n}\n'
    )
    before = _write(tmp_path / "1" / "repo", {"infra/main.tf": body})
    after = _write(tmp_path / "2" / "repo", {"infra/main.tf": "# a comment\n\n\n" + body})
    first, sarif1 = _scan(before, tmp_path / "o1")
    second, sarif2 = _scan(after, tmp_path / "o2")

    def ids(doc: dict[str, Any]) -> set[tuple[str, str]]:
        return {(r["control_id"], r["resource"]["id"]) for r in doc["results"]}

    def prints(sarif: dict[str, Any]) -> set[str]:
        return {r["partialFingerprints"]["govscan/v2"] for r in sarif["runs"][0]["results"]}

    assert ("aws.ebs.volume-encrypted", "infra: aws_ebs_volume.v") in ids(first)
    assert ids(first) == ids(second)
    assert prints(sarif1) == prints(sarif2)


def test_nested_modules_carry_every_calling_block(tmp_path: Path) -> None:
    repo = _write(
        tmp_path / "repo",
        {
            "live/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n'
            'module "outer" {\n  source = "../outer"\n  count  = 2\n}\n',
            "outer/main.tf": 'module "inner" {\n  source = "../inner"\n}\n',
            "inner/main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
        },
    )
    doc, sarif = _scan(repo, tmp_path / "out")
    queues = {
        r["resource"]["id"]: r["status"]
        for r in doc["results"]
        if r["control_id"] == "residency.aws.sqs-queue-region"
    }
    assert queues == {
        "live: module.outer[0].module.inner.aws_sqs_queue.q": "pass",
        "live: module.outer[1].module.inner.aws_sqs_queue.q": "pass",
    }
    alert = next(
        r for r in sarif["runs"][0]["results"] if r["ruleId"] == "residency.aws.sqs-queue-region"
    )
    uris = [rel["physicalLocation"]["artifactLocation"]["uri"] for rel in alert["relatedLocations"]]
    assert uris == ["live/main.tf", "outer/main.tf"]  # outermost first


def test_a_provider_inside_a_module_has_one_id_per_instance(tmp_path: Path) -> None:
    repo = _write(
        tmp_path / "repo",
        {
            "a/main.tf": 'module "m" {\n  source = "../m"\n}\n',
            "b/main.tf": 'module "m" {\n  source = "../m"\n}\n',
            "m/main.tf": 'provider "aws" {\n  region = "us-west-2"\n}\n'
            'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n',
        },
    )
    doc, _ = _scan(repo, tmp_path / "out")
    by_control: dict[str, dict[str, str]] = {}
    for r in doc["results"]:
        by_control.setdefault(r["control_id"], {})[r["resource"]["id"]] = r["status"]
    assert by_control["residency.iac.provider-region"] == {
        "a: module.m.provider.aws": "fail",
        "b: module.m.provider.aws": "fail",
    }
    # The module's own provider block decides its resources' region.
    assert by_control["residency.aws.sns-topic-region"] == {
        "a: module.m.aws_sns_topic.t": "fail",
        "b: module.m.aws_sns_topic.t": "fail",
    }


def test_an_unknown_region_names_why(tmp_path: Path) -> None:
    doc, _ = _scan(CASES / "residency_providers", tmp_path)
    (unknown,) = [
        r
        for r in doc["results"]
        if r["control_id"] == "residency.aws.s3-bucket-region"
        and r["resource"]["id"] == ".: aws_s3_bucket.unknown"
    ]
    assert unknown["status"] == "error"
    assert "var.decided_at_apply" in unknown["message"]
    (abroad,) = [
        r
        for r in doc["results"]
        if r["control_id"] == "residency.aws.s3-bucket-region"
        and r["resource"]["id"] == ".: aws_s3_bucket.abroad"
    ]
    assert abroad["resource"]["region"] == "us-east-1"
    assert abroad["resource"]["location"] == {"path": "main.tf", "line": 33, "end_line": 36}


def test_a_hostile_count_is_judged_once_not_expanded(tmp_path: Path) -> None:
    repo = _write(
        tmp_path / "repo",
        {
            "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n'
            f'resource "aws_sqs_queue" "q" {{\n  count = {MAX_INSTANCES * 100}\n  name = "q"\n}}\n'
        },
    )
    doc, _ = _scan(repo, tmp_path / "out")
    queues = [
        r["resource"]["id"]
        for r in doc["results"]
        if r["control_id"] == "residency.aws.sqs-queue-region"
    ]
    assert queues == [".: aws_sqs_queue.q"]
