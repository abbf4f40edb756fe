"""SARIF results joined from escaped pieces are byte for byte the encoded dicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from govscan.model import Location, ResourceRef, Result, Severity, Status, WaiverInfo
from govscan.reporters.sarif import _result, _result_text
from govscan.serialize import encode_compact
from tests.reporters.sample_scan import XSS, sample_scan

_AWKWARD = 'quote " backslash \\ tab \t nul \x00 line\u2028sep ümlaut 名前 \U0001f600 </script>'

_CODE = ResourceRef(
    type="aws.s3.bucket",
    id="infra: module.a.aws_s3_bucket.b[0]",
    name="infra: module.a.aws_s3_bucket.b[0]",
    provider="aws",
    region="eu-central-1",
    location=Location("modules/a/main.tf", 7, 12),
)
_BASE = Result(
    control_id="aws.s3.bucket-encrypted",
    title="S3 buckets are encrypted",
    severity=Severity.HIGH,
    status=Status.FAIL,
    resource=_CODE,
    frameworks={"nist-800-53-r5": ("SC-28",)},
    message="Bucket b is not encrypted",
    evidence="resources.jsonl#infra: module.a.aws_s3_bucket.b[0]",
)


def _variants() -> list[Result]:
    one_call = (Location("main.tf", 3, 5),)
    two_calls = (Location("main.tf", 3, 5), Location("modules/a/main.tf", 1, None))
    odd: Any = "7"  # a hand-edited bundle: not a line number at all
    out = [
        _BASE,
        replace(_BASE, status=Status.ERROR, message=""),
        replace(_BASE, status=Status.ERROR, message="region: unknown before apply"),
        replace(_BASE, status=Status.PASS, message=""),
        replace(_BASE, status=Status.NOT_APPLICABLE),
        replace(_BASE, severity=Severity.LOW, message=_AWKWARD, title=_AWKWARD),
        replace(_BASE, control_id=_AWKWARD, evidence=_AWKWARD),
        replace(_BASE, resource=replace(_CODE, location=None)),
        replace(_BASE, resource=replace(_CODE, name="", location=None)),
        replace(_BASE, resource=replace(_CODE, name=XSS, id=_AWKWARD, account=XSS)),
        replace(_BASE, resource=replace(_CODE, location=Location("a.tf", 9, 4))),
        replace(_BASE, resource=replace(_CODE, location=Location("a.tf", 9, None))),
        replace(_BASE, resource=replace(_CODE, location=Location(_AWKWARD, 1, 1))),
        replace(_BASE, resource=replace(_CODE, location=Location("a.tf", 2, 3, one_call))),
        replace(_BASE, resource=replace(_CODE, location=Location("a.tf", 2, 3, two_calls))),
        replace(_BASE, resource=replace(_CODE, location=Location("a.tf", odd, None))),
        replace(_BASE, resource=replace(_CODE, location=Location("a.tf", True, 2.5))),
        replace(
            _BASE,
            status=Status.WAIVED,
            waiver=WaiverInfo(reason=_AWKWARD, owner="o", expires=date(2026, 1, 1)),
        ),
    ]
    return out + list(sample_scan().results)


@pytest.mark.parametrize("result", _variants())
@pytest.mark.parametrize("rule_index", [0, 17])
def test_a_joined_result_is_the_encoded_dict(result: Result, rule_index: int) -> None:
    assert _result_text(result, rule_index) == encode_compact(_result(result, rule_index))
