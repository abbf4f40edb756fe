"""One shape per resource type: what the live AWS collector (over the moto test estate),
the Terraform normaliser and the other repository parsers (over the tests/repo/cases
trees) and the registry collector emit carries only documented fields, each with its
documented JSON type.  A field whose value is unknown before apply may hold a
stand-in of any type (``Resource.unknown``); only its name is checked."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from govscan.catalog.resource_types import builtin_resource_types, shape_problems
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.repo import RepoCollector
from govscan.model import Resource
from tests.dsgvo.conftest import collect as collect_registry
from tests.dsgvo.conftest import fixture

# Whole-estate or subprocess cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

TYPES = builtin_resource_types()
EVERY_FIELD = CollectionPlan({t: frozenset(s.fields) for t, s in TYPES.items()})
CASES = Path(__file__).parent.parent / "repo" / "cases"

NEVER_PRODUCED = {
    # The test estate's accounts belong to no organization (moto has no SCP attachments);
    # tests/aws/test_collector.py covers an organization with a region-deny SCP.
    ("aws.organizations.organization", "management_account"),
    ("aws.organizations.organization", "scp_allowed_regions"),
}
"""Documented fields no source below ever emits, each with the reason."""

LIVE_ELSEWHERE = ("azure.", "gcp.")
"""Types whose live collectors are tested against their own test servers (tests/azure,
tests/gcp): that every documented field is produced is checked there, not here."""


def violations(resources: Iterable[Resource]) -> list[str]:
    out = []
    for r in resources:
        spec = TYPES.get(r.type)
        if spec is None:
            out.append(f"{r.type}: undocumented resource type ({r.id})")
            continue
        # What leaves a collector is JSON: a datetime here would be a shape bug too.
        data = json.loads(json.dumps(dict(r.data), default=lambda v: f"<{type(v).__name__}>"))
        for _name, problem in shape_problems(spec, data, r.unknown):
            out.append(f"{r.id}: {problem}")
        for name, value in data.items():
            if isinstance(value, str) and value.startswith("<") and name not in r.unknown:
                out.append(f"{r.id}: {name} holds a {value[1:-1]}, not JSON")
        for name in r.unavailable:
            # A path inside a field (defender_plans.Containers) belongs to that field.
            if name.split(".", 1)[0] not in spec.fields:
                out.append(f"{r.id}: unavailable field '{name}' is not documented")
    return sorted(set(out))


def repo_resources() -> list[Resource]:
    out = []
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        col = RepoCollector(case)
        out += [i for i in col.collect(EVERY_FIELD) if isinstance(i, Resource)]
    return out


@pytest.fixture(scope="module")
def code() -> list[Resource]:
    return repo_resources()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> list[Resource]:
    tmp = tmp_path_factory.mktemp("registry")
    return collect_registry(tmp, fixture("registry.yaml"), fixture("records.yaml"))


def test_live_aws_output_has_the_documented_shape(estate: list[Resource]) -> None:
    assert {r.type for r in estate} == {t for t in TYPES if t.startswith("aws.")}
    assert violations(estate) == []


def test_terraform_and_repository_output_has_the_documented_shape(code: list[Resource]) -> None:
    aws_from_code = {r.type for r in code if r.type.startswith("aws.")}
    assert len(aws_from_code) >= 20  # the normaliser's types, not an empty scan
    assert {r.origin for r in code} == {"code"}
    assert violations(code) == []


def test_registry_output_has_the_documented_shape(registry: list[Resource]) -> None:
    assert {r.type for r in registry} == {t for t in TYPES if t.startswith("dsgvo.")}
    assert violations(registry) == []


def test_the_documented_fields_that_no_source_produces(
    estate: list[Resource], code: list[Resource], registry: list[Resource]
) -> None:
    produced = {(r.type, name) for r in (*estate, *code, *registry) for name in r.data}
    produced |= {(r.type, name) for r in (*estate, *code) for name in r.unavailable}
    documented = {
        (t, f) for t, spec in TYPES.items() for f in spec.fields if not t.startswith(LIVE_ELSEWHERE)
    }
    assert documented - produced == NEVER_PRODUCED


def test_a_field_the_shape_does_not_document_is_caught() -> None:
    from govscan.model import ResourceRef

    bad = Resource(
        ResourceRef("aws.ec2.volume", "vol-1"),
        {"encrypted": "yes", "encryption": True, "size_gib": 8},
        unknown={"size_gib": "var.size"},
    )
    assert violations([bad]) == [
        "vol-1: aws.ec2.volume field 'encrypted' is true or false, not a string",
        "vol-1: aws.ec2.volume has no field 'encryption'; did you mean 'encrypted'?",
    ]


def test_every_documented_field_has_a_known_json_type() -> None:
    from govscan.catalog.resource_types import FIELD_TYPES

    odd = {(t, f.name, f.type) for t, s in TYPES.items() for f in s.fields.values()}
    assert {x for x in odd if x[2] not in FIELD_TYPES} == set()
