"""The ``jurisdiction-in`` operator through the evaluator: pass, fail and, for anything
it cannot place, error (never pass)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from govscan.catalog.jurisdictions import JurisdictionTables
from govscan.catalog.policies import load_policy
from govscan.engine.conditions import EvalContext, EvaluationError, compile_check
from govscan.engine.scan import Evaluator
from govscan.language.check import validate_check
from govscan.model import Control, Resource, ResourceRef, Severity, Status
from tests.dsgvo.conftest import small_tables

AS_OF = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=dt.UTC)


def _control(path: str, resource: str = "aws.s3.bucket") -> Control:
    return Control(
        id="test.residency",
        title="in an allowed jurisdiction",
        severity=Severity.HIGH,
        resource=resource,
        check={"path": path, "op": "jurisdiction-in", "value": {"param": "allowed_jurisdictions"}},
        frameworks={"dsgvo": ("Art. 44",)},
    )


def judge(
    data: dict[str, Any],
    *,
    path: str = "region",
    provider: str = "aws",
    rtype: str = "aws.s3.bucket",
    as_of: dt.datetime = AS_OF,
    tables: JurisdictionTables | None = None,
    **params: Any,
) -> tuple[Status, str]:
    policy = load_policy("baseline")
    policy = replace(policy, values={**policy.values, **params})
    out: list[tuple[Status, str]] = []
    ev = Evaluator([_control(path, rtype)], policy, as_of, jurisdictions=tables)
    res = Resource(ResourceRef(rtype, "id-1", "thing", provider), data)
    ev.evaluate(res, lambda r: out.append((r.status, r.message)))
    assert len(out) == 1
    return out[0]


# --- regions ---------------------------------------------------------------------------------


def test_region_in_allowed_jurisdiction_passes() -> None:
    assert judge({"region": "eu-central-1"})[0] is Status.PASS


def test_region_outside_fails() -> None:
    assert judge({"region": "us-east-1"})[0] is Status.FAIL
    assert judge({"region": "eu-west-1"}, allowed_jurisdictions=["DE"])[0] is Status.FAIL
    assert judge({"region": "eu-central-1"}, allowed_jurisdictions=["DE"])[0] is Status.PASS


def test_unknown_region_is_an_error_never_a_pass() -> None:
    status, message = judge({"region": "mars-north-1"})
    assert status is Status.ERROR
    assert "unknown aws region 'mars-north-1'" in message
    # The S3 collector writes "unknown" when it cannot read a destination's region.
    status, message = judge({"region": "unknown"})
    assert status is Status.ERROR


def test_multi_region_needs_every_location_allowed() -> None:
    p = "replicas"
    assert judge({p: ["eu-central-1", "eu-west-1"]}, path=p)[0] is Status.PASS
    assert judge({p: ["eu-central-1", "us-east-1"]}, path=p)[0] is Status.FAIL
    assert judge({p: ["eu-central-1", "mars-north-1"]}, path=p)[0] is Status.ERROR
    assert judge({p: []}, path=p)[0] is Status.PASS  # no copies anywhere


def test_absent_location_fails() -> None:
    assert judge({})[0] is Status.FAIL


def test_adequacy_and_dpf() -> None:
    adequacy = ["EU", "EEA", "adequacy"]
    assert judge({"region": "eu-central-2"}, allowed_jurisdictions=adequacy)[0] is Status.PASS
    assert judge({"region": "eu-central-2"})[0] is Status.FAIL
    dpf = ["EU", "us-dpf"]
    assert judge({"region": "us-east-1"}, allowed_jurisdictions=dpf)[0] is Status.FAIL
    assert (
        judge({"region": "us-east-1"}, allowed_jurisdictions=dpf, dpf_certified=True)[0]
        is Status.PASS
    )


def test_policy_parameters_reach_the_tables() -> None:
    only_frankfurt = {"allowed_regions": ["eu-central-1"], "dpf_certified": True}
    assert judge({"region": "eu-west-1"}, **only_frankfurt)[0] is Status.FAIL
    assert judge({"region": "eu-central-1"}, **only_frankfurt)[0] is Status.PASS
    # The UK adequacy decision runs until 2031-12-27: the scan's as-of date decides.
    adequacy = {"allowed_jurisdictions": ["EU", "EEA", "adequacy"]}
    assert judge({"region": "eu-west-2"}, **adequacy)[0] is Status.PASS
    later = dt.datetime(2032, 1, 1, tzinfo=dt.UTC)
    assert judge({"region": "eu-west-2"}, as_of=later, **adequacy)[0] is Status.FAIL


def test_the_evaluator_judges_with_the_tables_it_is_given(tmp_path: Path) -> None:
    elsewhere = small_tables(tmp_path, {"eu-central-1": "US"})
    assert judge({"region": "eu-central-1"})[0] is Status.PASS
    assert judge({"region": "eu-central-1"}, tables=elsewhere)[0] is Status.FAIL
    # Tables without a region know nothing of it: error, not the packaged verdict.
    status, message = judge({"region": "eu-west-1"}, tables=elsewhere)
    assert status is Status.ERROR
    assert "unknown aws region 'eu-west-1'" in message


def test_a_context_without_tables_is_an_evaluation_error() -> None:
    check = compile_check(_control("region").check)
    bare = EvalContext(AS_OF, {"allowed_jurisdictions": ("EU",)}, resource_provider="aws")
    with pytest.raises(EvaluationError, match="no jurisdiction tables in the evaluation context"):
        check({"region": "eu-central-1"}, bare)


def test_bad_values_are_rejected_when_controls_are_validated() -> None:
    for value in ([], 42, ["EU", ""], {"EU": 1}):
        problems = validate_check({"path": "region", "op": "jurisdiction-in", "value": value})
        assert problems, value
    assert not validate_check({"path": "region", "op": "jurisdiction-in", "value": ["DE"]})


# --- ISO country codes (dsgvo.* resources) ---------------------------------------------------


def country(code: Any, **params: Any) -> Status:
    return judge(
        {"country": code}, path="country", provider="dsgvo", rtype="dsgvo.transfer", **params
    )[0]


def test_countries() -> None:
    assert country("DE") is Status.PASS
    assert country("NO") is Status.PASS  # EEA, not EU
    assert country("NO", allowed_jurisdictions=["EU"]) is Status.FAIL
    assert country("IN") is Status.FAIL
    assert country("FR", allowed_jurisdictions=["DE"]) is Status.FAIL
    assert country("GB", allowed_jurisdictions=["EU", "EEA", "adequacy"]) is Status.PASS
    assert country("US", allowed_jurisdictions=["EU", "EEA", "adequacy"]) is Status.FAIL
    assert (
        country("US", allowed_jurisdictions=["EU", "EEA", "adequacy"], dpf_certified=True)
        is Status.PASS
    )
    assert country("US", allowed_jurisdictions=["us-dpf"], dpf_certified=True) is Status.PASS
    assert country("US", allowed_jurisdictions=["us-dpf"]) is Status.FAIL


def test_unknown_country_is_an_error() -> None:
    assert country("Germany") is Status.ERROR
    assert country("") is Status.ERROR


# --- the packaged tables ---------------------------------------------------------------------


def test_real_tables_place_common_aws_regions() -> None:
    assert judge({"region": "eu-central-1"})[0] is Status.PASS
    assert judge({"region": "eu-central-1"}, allowed_jurisdictions=["DE"])[0] is Status.PASS
    assert judge({"region": "eu-west-1"}, allowed_jurisdictions=["DE"])[0] is Status.FAIL
    assert judge({"region": "ap-south-1"})[0] is Status.FAIL
    assert judge({"region": "xx-nowhere-9"})[0] is Status.ERROR


def test_a_table_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "aws.yaml").write_text("- eu-central-1\n", encoding="utf-8")
    status, _ = judge({"region": "eu-central-1"}, tables=JurisdictionTables(tmp_path))
    assert status is Status.ERROR
