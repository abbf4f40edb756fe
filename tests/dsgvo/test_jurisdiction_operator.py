"""The ``jurisdiction-in`` operator through the evaluator: pass, fail and, for anything
it cannot place, error (never pass)."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from typing import Any

import pytest

from govscan.catalog.policies import load_policy
from govscan.engine.conditions import validate_check
from govscan.engine.scan import Evaluator
from govscan.model import Control, Resource, ResourceRef, Severity, Status
from tests.dsgvo.conftest import Tables

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
    **params: Any,
) -> tuple[Status, str]:
    policy = load_policy("baseline")
    policy = replace(policy, values={**policy.values, **params})
    out: list[tuple[Status, str]] = []
    ev = Evaluator([_control(path, rtype)], policy, AS_OF)
    res = Resource(ResourceRef(rtype, "id-1", "thing", provider), data)
    ev.evaluate(res, lambda r: out.append((r.status, r.message)))
    assert len(out) == 1
    return out[0]


# --- regions ---------------------------------------------------------------------------------


def test_region_in_allowed_jurisdiction_passes(tables: Tables) -> None:
    assert judge({"region": "eu-central-1"})[0] is Status.PASS


def test_region_outside_fails(tables: Tables) -> None:
    assert judge({"region": "us-east-1"})[0] is Status.FAIL
    assert judge({"region": "eu-west-1"}, allowed_jurisdictions=["DE"])[0] is Status.FAIL
    assert judge({"region": "eu-central-1"}, allowed_jurisdictions=["DE"])[0] is Status.PASS


def test_unknown_region_is_an_error_never_a_pass(tables: Tables) -> None:
    status, message = judge({"region": "mars-north-1"})
    assert status is Status.ERROR
    assert "unknown aws region 'mars-north-1'" in message
    # The S3 collector writes "unknown" when it cannot read a destination's region.
    status, message = judge({"region": "unknown"})
    assert status is Status.ERROR


def test_multi_region_needs_every_location_allowed(tables: Tables) -> None:
    p = "replicas"
    assert judge({p: ["eu-central-1", "eu-west-1"]}, path=p)[0] is Status.PASS
    assert judge({p: ["eu-central-1", "us-east-1"]}, path=p)[0] is Status.FAIL
    assert judge({p: ["eu-central-1", "mars-north-1"]}, path=p)[0] is Status.ERROR
    assert judge({p: []}, path=p)[0] is Status.PASS  # no copies anywhere


def test_absent_location_fails(tables: Tables) -> None:
    assert judge({})[0] is Status.FAIL


def test_adequacy_and_dpf(tables: Tables) -> None:
    adequacy = ["EU", "EEA", "adequacy"]
    assert judge({"region": "eu-central-2"}, allowed_jurisdictions=adequacy)[0] is Status.PASS
    assert judge({"region": "eu-central-2"})[0] is Status.FAIL
    dpf = ["EU", "us-dpf"]
    assert judge({"region": "us-east-1"}, allowed_jurisdictions=dpf)[0] is Status.FAIL
    assert (
        judge({"region": "us-east-1"}, allowed_jurisdictions=dpf, dpf_certified=True)[0]
        is Status.PASS
    )


def test_policy_parameters_reach_the_tables(tables: Tables) -> None:
    status, _ = judge({"region": "eu-west-1"}, allowed_regions=["eu-central-1"], dpf_certified=True)
    assert status is Status.FAIL
    call = tables.calls[-1]
    assert tuple(call["regions"]) == ("eu-central-1",)
    assert call["dpf"] is True
    assert call["as_of"] == AS_OF.date()


def test_without_jurisdiction_tables_the_result_is_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "govscan.catalog.jurisdictions", None)
    status, message = judge({"region": "eu-central-1"})
    assert status is Status.ERROR
    assert "jurisdiction tables" in message


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


# --- the real tables, once installed --------------------------------------------------------


def test_real_tables_place_common_aws_regions() -> None:
    pytest.importorskip("govscan.catalog.jurisdictions")
    assert judge({"region": "eu-central-1"})[0] is Status.PASS
    assert judge({"region": "eu-central-1"}, allowed_jurisdictions=["DE"])[0] is Status.PASS
    assert judge({"region": "eu-west-1"}, allowed_jurisdictions=["DE"])[0] is Status.FAIL
    assert judge({"region": "ap-south-1"})[0] is Status.FAIL
    assert judge({"region": "xx-nowhere-9"})[0] is Status.ERROR
