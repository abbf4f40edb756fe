"""Keyed pseudonyms: stable within a key, different across keys, the key never in output."""

from __future__ import annotations

import json
import pickle
import re

import pytest

from govscan.evidence.pseudonymise import Redactor, looks_like_person
from govscan.evidence.redact import Redactor as ReExported
from govscan.model import CollectionError, Resource, ResourceRef, Result, Severity, Status

KEY_A = b"A" * 16 + b"-bundle-key-one"
KEY_B = b"B" * 16 + b"-bundle-key-two"
PSEUDONYM = re.compile(r"^anon-[0-9a-f]{10}$")
USER_ARN = "arn:aws:iam::123456789012:user/engineering/erika.mustermann"


def _user() -> Resource:
    return Resource(
        ResourceRef("aws.iam.user", USER_ARN, "erika.mustermann", "aws", "123456789012", ""),
        {
            "user_name": "erika.mustermann",
            "arn": USER_ARN,
            "mfa_enabled": False,
            "access_keys": [{"id": "AKIAEXAMPLE", "age_days": 120}],
            "inline_policy": "Allow s3:* for erika.mustermann (erika@brauwerk.example)",
        },
        tags={
            "Owner": "Erika Mustermann",
            "CreatedBy": "erika@brauwerk.example",
            "Name": "build-runner",
            "Team": "platform",
        },
    )


def test_same_key_same_pseudonym_other_key_other_pseudonym() -> None:
    a1, a2, b = Redactor(KEY_A), Redactor(KEY_A), Redactor(KEY_B)
    assert a1.pseudonym("erika") == a2.pseudonym("erika")
    assert a1.pseudonym("erika") != b.pseudonym("erika")
    assert a1.pseudonym("erika") != a1.pseudonym("max")
    assert PSEUDONYM.match(a1.pseudonym("erika"))
    assert a1.pseudonym(a1.pseudonym("erika")) == a1.pseudonym("erika")  # idempotent


def test_resource_is_pseudonymised_consistently() -> None:
    r = Redactor(KEY_A)
    out = r.resource(_user())
    alias = r.pseudonym("erika.mustermann")
    assert out.ref.name == alias
    assert out.ref.id == f"arn:aws:iam::123456789012:user/engineering/{alias}"
    assert out.data["user_name"] == alias
    assert out.data["arn"] == out.ref.id
    assert out.data["inline_policy"] == (
        f"Allow s3:* for {alias} ({r.pseudonym('erika@brauwerk.example')})"
    )
    assert out.data["mfa_enabled"] is False and out.data["access_keys"][0]["age_days"] == 120
    assert out.tags["Owner"] == r.pseudonym("Erika Mustermann")
    assert out.tags["CreatedBy"] == r.pseudonym("erika@brauwerk.example")
    # Resource names and team names are not people.
    assert out.tags["Name"] == "build-runner" and out.tags["Team"] == "platform"
    text = json.dumps([out.ref.id, out.ref.name, dict(out.data), dict(out.tags)])
    assert "erika" not in text.lower() and "mustermann" not in text.lower()


def test_results_and_errors_use_the_same_pseudonyms() -> None:
    r = Redactor(KEY_A)
    user = _user()
    red = r.resource(user)
    result = Result(
        "aws.iam.user-mfa",
        "Users have MFA",
        Severity.HIGH,
        Status.FAIL,
        user.ref,
        {},
        message="User erika.mustermann has no MFA device",
        evidence=f"resources.jsonl#{USER_ARN}",
    )
    out = r.result(result)
    assert out.resource == red.ref
    assert out.message == f"User {red.ref.name} has no MFA device"
    assert out.evidence == f"resources.jsonl#{red.ref.id}"
    err = CollectionError(
        "aws",
        f"AccessDenied: User: {USER_ARN} is not authorized to perform iam:ListUsers",
    )
    assert "erika" not in r.error(err).message


def test_email_addresses_anywhere_in_strings() -> None:
    r = Redactor(KEY_A)
    data = r.data({"nested": [{"note": "ask max.muster@example.org or ops@example.com"}]})
    note = data["nested"][0]["note"]
    assert "@" not in note
    assert (
        note == f"ask {r.pseudonym('max.muster@example.org')} or {r.pseudonym('ops@example.com')}"
    )


def test_the_key_never_appears_in_output_or_repr() -> None:
    r = Redactor(KEY_A)
    out = r.resource(_user())
    blob = json.dumps([out.ref.id, out.ref.name, dict(out.data), dict(out.tags), repr(r)])
    for needle in (KEY_A.decode(), KEY_A.hex(), "bundle-key-one"):
        assert needle not in blob
    with pytest.raises(TypeError):
        pickle.dumps(r)


def test_random_keys_differ_and_short_keys_are_refused() -> None:
    assert Redactor.with_random_key().pseudonym("x") != Redactor.with_random_key().pseudonym("x")
    with pytest.raises(ValueError):
        Redactor(b"short")


@pytest.mark.parametrize(
    ("value", "strict", "expected"),
    [
        ("Erika Mustermann", False, True),
        ("Hans-Peter von Berg", False, True),
        ("erika.mustermann", False, True),
        ("erika.mustermann", True, False),
        ("erika@brauwerk.example", True, True),
        ("platform", False, False),
        ("web-server-1", False, False),
        ("anon-0123456789", False, False),
    ],
)
def test_looks_like_person(value: str, strict: bool, expected: bool) -> None:
    assert looks_like_person(value, strict=strict) is expected


def test_redact_module_re_exports_the_redactor() -> None:
    assert ReExported is Redactor


def _about(resource_id: str, message: str) -> Result:
    return Result(
        control_id="aws.iam.policy-no-wildcards",
        title="No wildcard policies",
        severity=Severity.HIGH,
        status=Status.FAIL,
        resource=ResourceRef("aws.iam.policy", resource_id, "deploy", "aws", "123456789012"),
        frameworks={},
        message=message,
    )


def test_a_name_learned_late_is_replaced_in_results_spooled_before() -> None:
    """A policy naming a user can be judged before the user is listed: the spooled
    result is revisited when the spool is sealed, as if redacted at the end."""
    from govscan.evidence.sinks import RedactedResults
    from govscan.results.spool import ResultSpool

    early = _about("arn:aws:iam::123456789012:policy/deploy", "grants erika.mustermann s3:*")
    untouched = _about("arn:aws:iam::123456789012:policy/other", "grants nobody s3:*")
    user = Result(
        control_id="aws.iam.user-mfa",
        title="MFA",
        severity=Severity.HIGH,
        status=Status.FAIL,
        resource=_user().ref,
        frameworks={},
        message="erika.mustermann has no MFA",
    )
    redactor = Redactor(KEY_A)
    sink = RedactedResults(ResultSpool(), redactor)
    for r in (early, untouched, user):
        sink.add(r)
    results = {r.resource.id: r for r in sink.seal()}

    pseudonym = Redactor(KEY_A).pseudonym("erika.mustermann")
    assert results[early.resource.id].message == f"grants {pseudonym} s3:*"
    assert results[untouched.resource.id].message == "grants nobody s3:*"
    assert results[user.resource.id.replace("erika.mustermann", pseudonym)].message == (
        f"{pseudonym} has no MFA"
    )
    assert "erika" not in json.dumps([r.message + r.resource.id for r in results.values()])


def test_names_are_replaced_longest_first_in_one_pass() -> None:
    r = Redactor(KEY_A)
    r.learn(["anna", "anna.schmidt"])
    out = r.text("owner anna.schmidt, deputy anna; annabelle stays")
    assert out == (
        f"owner {r.pseudonym('anna.schmidt')}, deputy {r.pseudonym('anna')}; annabelle stays"
    )


@pytest.mark.parametrize(
    ("rid", "name"),
    [
        ("aws.iam.user:none", "(no resources of this type found)"),
        ("aws:123456789012:*:aws.iam.user", "(could not collect aws.iam.user)"),
    ],
)
def test_a_result_about_no_user_teaches_no_name(rid: str, name: str) -> None:
    """An account without IAM users (or one whose users could not be read) must not
    make govscan's own placeholder a person's name for every other such result."""
    redactor = Redactor(KEY_A)

    def placeholder(rtype: str, ident: str, text: str) -> Result:
        ref = ResourceRef(rtype, ident, text, "aws")
        return Result("c", "t", Severity.LOW, Status.NOT_APPLICABLE, ref, {}, message="none")

    assert redactor.result(placeholder("aws.iam.user", rid, name)).resource.name == name
    other = redactor.result(placeholder("aws.s3.bucket", "aws.s3.bucket:none", name))
    assert other.resource.name == name
    assert redactor.known == 0
