"""Policies are validated by the schema ``govscan schema policy`` prints, plus positions;
code adds only what a schema cannot say, and each mistake is reported once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import jsonschema
import pytest

from govscan.catalog import policy_validate
from govscan.catalog.policies import load_policy, validate_policy_document
from govscan.catalog.policy_schema import POLICY_FIELDS, SELECTION_FIELDS, WAIVER_FIELDS
from govscan.catalog.yamlsource import parse_yaml
from govscan.schemas import schema


def _problems(text: str, known: tuple[str, ...] = ()) -> list[str]:
    doc = parse_yaml(text, "p.yaml")
    return [f"{p.line}:{p.col}: {p.message}" for p in validate_policy_document(doc, known)]


def test_validation_uses_the_published_schema() -> None:
    published = schema("policy")
    assert policy_validate._validator().schema == published
    jsonschema.Draft202012Validator.check_schema(published)
    assert tuple(published["properties"]) == POLICY_FIELDS
    defs = published["$defs"]
    assert tuple(defs["selection"]["properties"]) == SELECTION_FIELDS
    assert tuple(defs["waiver"]["properties"]) == WAIVER_FIELDS


FULL = """\
name: full
title: Every field
description: A policy that uses every field the schema knows
extends: baseline
select:
  - {ids: ['aws.s3.*'], frameworks: ['iso27001-2022:A.8.24'], severities: [high]}
  - {min_severity: medium, resource_types: ['aws.*'], tags: [encryption]}
exclude: {ids: [aws.s3.bucket-logging]}
parameters:
  limit: {type: integer, default: 5, description: A limit}
waivers:
  - control: aws.s3.*
    resources: ['arn:aws:s3:::tmp-*', 're:^arn:aws:s3:::scratch-[0-9]+$']
    reason: scratch buckets
    owner: ops@example.com
    expires: 2026-12-31
  - {control: aws.s3.*, reason: quoted date, owner: ops, expires: '2027-01-31'}
severity: {aws.s3.bucket-logging: low}
"""


def test_a_policy_using_every_field_is_valid_and_loads(tmp_path: Path) -> None:
    assert _problems(FULL) == []
    path = tmp_path / "full.yaml"
    path.write_text(FULL)
    policy = load_policy(str(path))
    # A quoted YYYY-MM-DD is the date the published schema describes.
    assert [w.expires for w in policy.waivers][-2:] == [date(2026, 12, 31), date(2027, 1, 31)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("title: t\n", "1:1: a policy needs a non-empty 'name'"),
        ("name: ' '\n", "1:7: 'name' must not be empty"),
        ("name: p\ntitle: 2026-01-01\n", "2:8: 'title' must be a string (quote it), got a date"),
        ("name: p\nextends: {a: 1}\n", "2:10: 'extends' must be a string or a list, got a mapping"),
        ("name: p\nextends: [1]\n", "2:11: each entry of 'extends' must be a string"),
        ("name: p\nselect: 5\n", "2:9: 'select' must be a mapping or a list, got a number"),
        (
            "name: p\nselect: {idz: [a]}\n",
            "2:10: unknown selection field 'idz'; did you mean 'ids'?",
        ),
        ("name: p\nexclude: [{tags: tag}]\n", "2:18: 'tags' must be a list, got a string"),
        ("name: p\nparameters: [a]\n", "2:13: 'parameters' must be a mapping, got a list"),
        ("name: p\nparameters: {x: {typ: string}}\n", "2:18: unknown parameter field 'typ'"),
        ("name: p\nwaivers: {a: 1}\n", "2:10: 'waivers' must be a list, got a mapping"),
        (
            "name: p\nwaivers: [{control: a.b, reason: r}]\n",
            "2:11: a waiver needs a non-empty 'owner'",
        ),
        (
            "name: p\nwaivers: [{control: a.b, reason: r, owner: o, expires: 5}]\n",
            "2:56: 'expires' must be a date (YYYY-MM-DD), got a number",
        ),
        (
            "name: p\nwaivers: [{control: a.b, reason: r, owner: o, expires: '2026-02-30'}]\n",
            "2:56: 'expires' must be a date (YYYY-MM-DD), got 2026-02-30",
        ),
        (
            "name: p\nwaivers: [{control: a.b, reason: r, owner: o, resources: ['re:a{2,1}']}]\n",
            "2:59: bad regular expression",
        ),
        ("name: p\nseverity: {a.b: urgent}\n", "2:17: bad severity 'urgent'; expected one of info"),
        ("name: p\nseverity: {yes: high}\n", "2:12: key True must be a string (quote it: 'True')"),
    ],
)
def test_each_mistake_is_one_located_problem(text: str, want: str) -> None:
    found = _problems(text)
    assert len(found) == 1 and found[0].startswith(want), found


def test_every_problem_of_a_file_at_once() -> None:
    text = (
        "name: p\nselct: []\ntitle: [t]\n"
        "select: [{frameworks: [nope], min_severity: urgent}]\n"
        "waivers:\n  - {control: a.b, reason: '', owner: o}\n"
    )
    assert _problems(text) == [
        "2:1: unknown policy field 'selct'; did you mean 'select'? (valid fields: "
        + ", ".join(POLICY_FIELDS)
        + ")",
        "3:8: 'title' must be a string, got a list",
        "4:24: unknown framework key 'nope'",
        "4:45: bad severity 'urgent'; expected one of info, low, medium, high, critical",
        "6:28: 'reason' must not be empty",
    ]


def test_ids_are_checked_against_the_known_controls_old_ids_included() -> None:
    text = (
        "name: p\nselect: [{ids: ['aws.s3.*', 'aws.old.*']}]\n"
        "waivers:\n  - {control: aws.gone, reason: r, owner: o}\n"
    )
    assert _problems(text, ("aws.s3.x", "aws.old.renamed")) == [
        "4:15: waiver matches no known control 'aws.gone'"
    ]
    assert _problems(text, ("aws.s3.x",)) == [
        "2:29: selects no known control 'aws.old.*'",
        "4:15: waiver matches no known control 'aws.gone'",
    ]


def test_the_shipped_schema_file_judges_policies_like_validate() -> None:
    """An editor using the published file flags what ``govscan validate`` flags."""
    import yaml

    from govscan.paths import data_dir

    shipped = (data_dir() / "schemas" / "policy.schema.json").read_text()
    validator = jsonschema.Draft202012Validator(__import__("json").loads(shipped))
    for text in ("name: p\nselect: {idz: [a]}\n", "name: p\nwaivers: [{control: a}]\n"):
        assert list(validator.iter_errors(yaml.safe_load(text)))
        assert _problems(text)
    assert not list(validator.iter_errors(yaml.safe_load(FULL.replace("2026-12-31", "'x'"))))
