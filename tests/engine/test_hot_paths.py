"""What the engine remembers between resources changes no verdict and no message."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from typing import Any

import pytest

from govscan.catalog.policies import load_policy
from govscan.engine.messages import render_message
from govscan.engine.scan import Evaluator
from govscan.language.operators import OPERATORS
from govscan.model import Control, Resource, ResourceRef, Severity, Status
from tests.dsgvo.conftest import Tables

AS_OF = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
_RESIDENCY = {
    "path": "region",
    "op": "jurisdiction-in",
    "value": {"param": "allowed_jurisdictions"},
}
_MODULE = "govscan.catalog.jurisdictions"


@pytest.fixture
def tables(monkeypatch: pytest.MonkeyPatch) -> Tables:
    """Stand-in tables that record every question they are asked."""
    t = Tables()
    monkeypatch.setitem(sys.modules, _MODULE, t.module)
    return t


def _judge_all(regions: list[str], check: dict[str, Any], **params: Any) -> list[Status]:
    policy = load_policy("baseline")
    policy = replace(policy, values={**policy.values, **params})
    control = Control(
        id="test.hot",
        title="t",
        severity=Severity.HIGH,
        resource="aws.s3.bucket",
        check=check,
        frameworks={},
        message="{name} in {region}",
    )
    ev = Evaluator([control], policy, AS_OF)
    out: list[Status] = []
    for i, region in enumerate(regions):
        ref = ResourceRef("aws.s3.bucket", f"id-{i}", f"b{i}", "aws")
        ev.evaluate(Resource(ref, {"region": region}), lambda r: out.append(r.status))
    return out


def test_a_region_is_looked_up_once_per_scan_not_once_per_resource(tables: Tables) -> None:
    statuses = _judge_all(["eu-central-1"] * 5 + ["us-east-1"] * 3, _RESIDENCY)
    assert statuses == [Status.PASS] * 5 + [Status.FAIL] * 3
    assert len(tables.calls) == 2


def test_other_tables_give_their_own_verdicts(
    tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _judge_all(["eu-central-1"], _RESIDENCY) == [Status.PASS]
    replaced = Tables()
    resolve = replaced.module.resolve  # type: ignore[attr-defined]
    # The same region under tables that place it elsewhere: no verdict carried over.
    replaced.module.resolve = lambda provider, _: resolve(provider, "us-east-1")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, _MODULE, replaced.module)
    assert _judge_all(["eu-central-1"], _RESIDENCY) == [Status.FAIL]
    assert len(replaced.calls) == 1


def test_unknown_regions_stay_errors_when_asked_again(tables: Tables) -> None:
    assert _judge_all(["mars-north-1"] * 3, _RESIDENCY) == [Status.ERROR] * 3


def test_a_parameter_that_cannot_be_a_cache_key_is_still_judged(tables: Tables) -> None:
    statuses = _judge_all(["eu-central-1"] * 2, _RESIDENCY, allowed_regions=[["eu-central-1"]])
    assert statuses == [Status.FAIL] * 2
    assert len(tables.calls) == 2


def test_networks_read_again_give_the_same_answers() -> None:
    open_ = OPERATORS["internet-open"].fn
    answers = [open_(cidrs, None, None) for cidrs in (["0.0.0.0/0"], ["10.0.0.0/8"]) * 3]
    assert answers == [True, False] * 3
    assert open_([" ::/0 "], None, None) is True
    assert open_(["not a network"], None, None) is False


def test_a_template_is_filled_the_same_however_often_it_is_used() -> None:
    template = "{name} ({group_id}) in {region}: {name}"
    ref = {"name": "g", "region": "eu-central-1"}
    first = render_message(template, {"group_id": "sg-1"}, ref)
    assert first == "g (sg-1) in eu-central-1: g"
    assert render_message(template, {"group_id": "sg-1"}, ref) == first
    # The aside that would only say "absent" is dropped, on every use.
    assert render_message(template, {}, ref) == "g in eu-central-1: g"
    assert render_message(template, {}, ref) == "g in eu-central-1: g"
    assert render_message("no placeholders", {}, ref) == "no placeholders"
    assert render_message("", {}, ref) == ""
    # A marker character written in the template itself is read as before.
    assert render_message("a (\x00x\x00) b", {}, ref) == "a b"
