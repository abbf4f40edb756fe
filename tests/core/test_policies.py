"""Policy packs: extends, selection, typed parameters, waivers, severity overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govscan.catalog.policies import coerce_value, load_policy, select_controls
from govscan.errors import UsageError, ValidationError
from govscan.model import Control, Severity


def _c(
    cid: str,
    sev: Severity = Severity.HIGH,
    resource: str = "aws.s3.bucket",
    tags: tuple[str, ...] = (),
    **fw: tuple[str, ...],
) -> Control:
    return Control(
        id=cid,
        title=cid,
        severity=sev,
        resource=resource,
        check={},
        frameworks=fw or {"nist-800-53-r5": ("SC-28",)},
        tags=tags,
    )


CONTROLS = [
    _c("aws.s3.encrypted", Severity.HIGH, dsgvo=("Art. 32(1)(a)",)),
    _c("aws.s3.versioning", Severity.LOW),
    _c("aws.ec2.imdsv2", Severity.MEDIUM, resource="aws.ec2.instance", tags=("hardening",)),
    _c("aws.rds.residency", Severity.CRITICAL, resource="aws.rds.instance", dsgvo=("Art. 44",)),
]


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / f"{name}.yaml"
    p.write_text(text)
    return p


def ids(policy_text: str, tmp: Path) -> list[str]:
    pol = load_policy(str(write(tmp, "p", policy_text)))
    return [c.id for c in select_controls(pol, CONTROLS)]


def test_selection_by_glob_framework_severity_type_and_tag(tmp_path: Path) -> None:
    assert ids("name: p\nselect: [{ids: ['aws.s3.*']}]\n", tmp_path) == [
        "aws.s3.encrypted",
        "aws.s3.versioning",
    ]
    assert ids("name: p\nselect: [{frameworks: [dsgvo]}]\n", tmp_path) == [
        "aws.s3.encrypted",
        "aws.rds.residency",
    ]
    assert ids("name: p\nselect: [{frameworks: ['dsgvo:Art. 44']}]\n", tmp_path) == [
        "aws.rds.residency"
    ]
    assert ids("name: p\nselect: [{min_severity: high}]\n", tmp_path) == [
        "aws.s3.encrypted",
        "aws.rds.residency",
    ]
    assert ids("name: p\nselect: [{resource_types: ['aws.ec2.*']}]\n", tmp_path) == [
        "aws.ec2.imdsv2"
    ]
    assert ids("name: p\nselect: [{tags: [hardening]}]\n", tmp_path) == ["aws.ec2.imdsv2"]
    assert ids("name: p\nexclude: [{severities: [low, medium]}]\n", tmp_path) == [
        "aws.s3.encrypted",
        "aws.rds.residency",
    ]


def test_extends_inherits_parameters_waivers_and_overrides(tmp_path: Path) -> None:
    write(
        tmp_path,
        "parent",
        """
name: parent
select: [{frameworks: [dsgvo]}]
parameters:
  allowed_jurisdictions: {type: list, default: [EU, EEA]}
  max_age: {type: integer, default: 90}
waivers:
  - {control: aws.s3.*, resources: ['arn:aws:s3:::tmp-*'], reason: scratch, owner: ops,
     expires: 2027-01-01}
severity: {aws.s3.encrypted: medium}
""",
    )
    child = write(
        tmp_path,
        "child",
        """
name: child
extends: parent
parameters:
  allowed_jurisdictions: {default: [DE]}
""",
    )
    pol = load_policy(str(child))
    assert pol.values == {"allowed_jurisdictions": ["DE"], "max_age": 90}
    assert pol.parameters["allowed_jurisdictions"].type == "list"
    assert len(pol.waivers) == 1 and pol.waivers[0].expires == date(2027, 1, 1)
    chosen = select_controls(pol, CONTROLS)
    assert [c.id for c in chosen] == ["aws.s3.encrypted", "aws.rds.residency"]
    assert chosen[0].severity is Severity.MEDIUM


def test_param_overrides_are_typed(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "p",
        "name: p\nparameters:\n  n: {type: integer, default: 1}\n"
        "  l: {type: list, default: []}\n  b: {type: boolean, default: false}\n",
    )
    pol = load_policy(str(p), overrides={"n": "30", "l": "DE, AT", "b": "yes"})
    assert pol.values == {"n": 30, "l": ["DE", "AT"], "b": True}
    with pytest.raises(UsageError, match="expects a value of type integer"):
        load_policy(str(p), overrides={"n": "thirty"})
    with pytest.raises(UsageError, match="declares no such parameter"):
        load_policy(str(p), overrides={"x": "1"})


@pytest.mark.parametrize(
    ("ptype", "raw", "want"),
    [
        ("integer", "7", 7),
        ("number", "1.5", 1.5),
        ("boolean", "off", False),
        ("date", "2026-01-31", date(2026, 1, 31)),
        ("list", "a,b", ["a", "b"]),
        ("string", 5, "5"),
    ],
)
def test_coerce(ptype: str, raw: object, want: object) -> None:
    assert coerce_value("x", ptype, raw) == want


def test_extends_cycle_and_unknown_parent(tmp_path: Path) -> None:
    write(tmp_path, "a", "name: a\nextends: b\n")
    write(tmp_path, "b", "name: b\nextends: a\n")
    with pytest.raises(ValidationError) as exc:
        load_policy(str(tmp_path / "a.yaml"))
    assert "cycle" in str(exc.value)
    write(tmp_path, "c", "name: c\nextends: nowhere\n")
    with pytest.raises(ValidationError) as exc:
        load_policy(str(tmp_path / "c.yaml"))
    assert "c.yaml:2:10: unknown policy 'nowhere'" in str(exc.value.problems[0])


def test_builtin_policies_resolve() -> None:
    for name in ("baseline", "dsgvo", "iso27001", "nist-800-53", "nist-csf", "bsi-c5"):
        pol = load_policy(name)
        assert pol.name == name
        assert "allowed_jurisdictions" in pol.values
