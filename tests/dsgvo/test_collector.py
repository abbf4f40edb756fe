"""The registry collector: which uses it detects, what it ships, and the example end to end."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from govscan.cli import cli
from govscan.collectors.interface import Collector
from govscan.collectors.registry import RegistryCollector
from govscan.collectors.registry.schema import schema_json
from govscan.collectors.registry.usage import uses_of
from govscan.model import Status, Target
from govscan.paths import data_dir
from govscan.plugins import COLLECTORS_GROUP, load
from tests.dsgvo.conftest import collect, controls, fixture, judge

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def test_not_targeted_without_a_registry() -> None:
    assert RegistryCollector.from_options({}) is None
    assert RegistryCollector.from_options({"records": "vvt.yaml"}) is None
    assert load(COLLECTORS_GROUP, Collector)["registry"] is RegistryCollector
    assert RegistryCollector.after_others


def test_each_scanned_scope_maps_to_a_processor_use() -> None:
    uses = uses_of(
        [
            Target("aws", "111122223333"),
            Target("azure", "sub-1"),
            Target("gcp", "proj-1"),
            Target(
                "repo",
                "/src/app",
                {
                    "github_actions": [
                        "actions/checkout@v4",
                        "github/codeql-action/init@v3",
                        "Vendor/Deploy-Action/sub@v1",
                        {"uses": "other/tool@main"},
                        "./.github/actions/local",
                        "docker://alpine:3",
                    ],
                    "terraform_providers": ["datadog/datadog", "DataDog/datadog"],
                },
            ),
            Target("repo", "/src/no-workflows", {}),
        ]
    )
    got = {(u.provider, u.scope, u.integration) for u in uses}
    assert got == {
        ("aws", "111122223333", ""),
        ("azure", "sub-1", ""),
        ("gcp", "proj-1", ""),
        ("github", "/src/app", ""),
        ("github-actions", "/src/app", "vendor/deploy-action"),
        ("github-actions", "/src/app", "other/tool"),
        ("terraform-providers", "/src/app", "datadog/datadog"),
    }


def test_usage_resources_name_the_legal_entity(tmp_path: Path) -> None:
    targets = [
        Target("aws", "111122223333"),
        Target("aws", "444455556666"),
        Target("repo", "/src/app", {"github_actions": ["cloudco/deploy@v1", "x/y@v1"]}),
    ]
    res = {r.id: r.data for r in collect(tmp_path, fixture("registry.yaml"), None, targets)}
    covered = res["usage:aws:111122223333"]
    assert covered["legal_entity"] == "Amazon Web Services EMEA SARL"
    assert covered["entity_country"] == "LU"
    assert covered["processor_id"] == "cloudco"
    assert res["usage:aws:444455556666"]["processor_id"] is None
    assert res["usage:github-actions:/src/app:cloudco/deploy"]["processor_id"] == "cloudco"
    assert res["usage:github-actions:/src/app:x/y"]["processor_id"] is None
    assert res["usage:github:/src/app"]["legal_entity"] == "GitHub B.V."
    assert res["usage:github:/src/app"]["processor_id"] is None
    control = controls()["dsgvo.registry.usage-covered"]
    resources = collect(tmp_path, fixture("registry.yaml"), None, targets)
    statuses = {k: v[0] for k, v in judge(control, resources).items()}
    assert statuses == {
        "usage:aws:111122223333": Status.PASS,
        "usage:aws:444455556666": Status.FAIL,
        "usage:github:/src/app": Status.FAIL,
        "usage:github-actions:/src/app:cloudco/deploy": Status.PASS,
        "usage:github-actions:/src/app:x/y": Status.FAIL,
    }


def test_without_records_processors_have_no_activities_field(tmp_path: Path) -> None:
    res = collect(tmp_path, fixture("registry.yaml"))
    procs = [r for r in res if r.type == "dsgvo.processor"]
    assert procs and all("activities" not in r.data for r in procs)
    assert not [r for r in res if r.type == "dsgvo.activity"]
    got = judge(controls()["dsgvo.vvt.processor-referenced"], res)
    assert {s for s, _ in got.values()} == {Status.NOT_APPLICABLE}


def test_resources_point_at_their_line_in_the_registry(tmp_path: Path) -> None:
    res = {r.id: r for r in collect(tmp_path, fixture("registry.yaml"))}
    loc = res["avv:mailer"].ref.location
    assert loc is not None and loc.path.endswith("avv-registry.yaml")
    text = (tmp_path / "avv-registry.yaml").read_text().splitlines()
    assert text[loc.line - 1].lstrip().startswith("- id: mailer")


def test_shipped_schema_files_are_current() -> None:
    for kind in ("registry", "records"):
        shipped = (data_dir() / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert shipped == schema_json(kind), kind


def test_schema_command_prints_the_registry_schema() -> None:
    result = CliRunner().invoke(cli, ["schema", "registry"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["$id"].endswith("registry.schema.json")


def test_demo_data_is_the_example() -> None:
    demo = ROOT / "src" / "govscan" / "demo" / "data"
    for name in ("avv-registry.yaml", "vvt.yaml"):
        assert (demo / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_example_registry_shows_the_deliberate_findings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--registry",
            str(EXAMPLES / "avv-registry.yaml"),
            "--policy",
            "dsgvo",
            "--as-of",
            "2026-11-24",
            "--format",
            "json",
            "--output-dir",
            str(out),
            "--fail-on",
            "none",
        ],
    )
    doc = json.loads((out / "results.json").read_text())
    assert result.exit_code == 0, result.output
    fails = {
        (r["control_id"], r["resource"]["id"]) for r in doc["results"] if r["status"] == "fail"
    }
    for expected in [
        ("dsgvo.registry.contract-active", "avv:newsletter"),
        ("dsgvo.registry.art28-clauses", "avv:crm"),
        ("dsgvo.registry.review-current", "avv:github"),
        ("dsgvo.transfer.tia-current", "avv:supportly/transfer/IN"),
        ("dsgvo.transfer.tia-current", "avv:crm/sub/Supportly Services Pvt. Ltd./IN"),
    ]:
        assert expected in fails, expected
    passes = {
        (r["control_id"], r["resource"]["id"]) for r in doc["results"] if r["status"] == "pass"
    }
    for expected in [
        ("dsgvo.registry.contract-active", "avv:aws"),
        ("dsgvo.registry.art28-clauses", "avv:aws"),
        ("dsgvo.transfer.dpf-certified", "avv:pixelmetrics/transfer/US"),
        ("dsgvo.transfer.scc-module", "avv:supportly/transfer/IN"),
        ("dsgvo.transfer.mechanism", "avv:crm/transfer/IN"),
        ("dsgvo.transfer.mechanism", "avv:buildcheck/transfer/GB"),
    ]:
        assert expected in passes, expected
    assert not [r for r in doc["results"] if r["status"] == "error"]


def test_a_terraform_provider_is_covered_like_a_repository_integration(tmp_path: Path) -> None:
    targets = [
        Target("repo", "/src/app", {"terraform_providers": ["cloudco/cloudco", "dns/unknown"]})
    ]
    resources = collect(tmp_path, fixture("registry.yaml"), None, targets)
    res = {r.id: r.data for r in resources}
    covered = res["usage:terraform-providers:/src/app:cloudco/cloudco"]
    assert covered["processor_id"] == "cloudco"
    assert covered["legal_entity"] == "publisher of cloudco/cloudco"
    statuses = {
        k: v[0] for k, v in judge(controls()["dsgvo.registry.usage-covered"], resources).items()
    }
    assert statuses["usage:terraform-providers:/src/app:cloudco/cloudco"] is Status.PASS
    assert statuses["usage:terraform-providers:/src/app:dns/unknown"] is Status.FAIL
