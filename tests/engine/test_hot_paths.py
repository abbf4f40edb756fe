"""What the engine remembers between resources changes no verdict and no message."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from govscan.catalog.jurisdictions import Jurisdiction, JurisdictionTables
from govscan.catalog.policies import load_policy
from govscan.engine.messages import render_message
from govscan.engine.scan import Evaluator
from govscan.language.operators import OPERATORS
from govscan.model import Control, Resource, ResourceRef, Severity, Status
from tests.dsgvo.conftest import small_tables

AS_OF = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
_RESIDENCY = {
    "path": "region",
    "op": "jurisdiction-in",
    "value": {"param": "allowed_jurisdictions"},
}
_PLACES = {"eu-central-1": "DE", "eu-west-1": "IE", "us-east-1": "US"}


class _Counting(JurisdictionTables):
    """Real tables that count the locations they are asked to place."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.asked: list[str] = []

    def resolve(self, provider: str, location: str | None) -> Jurisdiction:
        self.asked.append(str(location))
        return super().resolve(provider, location)


@pytest.fixture
def tables(tmp_path: Path) -> _Counting:
    return _Counting(small_tables(tmp_path, _PLACES).folder)


def _judge_all(
    regions: list[str], check: dict[str, Any], tables: JurisdictionTables, **params: Any
) -> list[Status]:
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
    ev = Evaluator([control], policy, AS_OF, jurisdictions=tables)
    out: list[Status] = []
    for i, region in enumerate(regions):
        ref = ResourceRef("aws.s3.bucket", f"id-{i}", f"b{i}", "aws")
        ev.evaluate(Resource(ref, {"region": region}), lambda r: out.append(r.status))
    return out


def test_a_region_is_looked_up_once_per_scan_not_once_per_resource(tables: _Counting) -> None:
    statuses = _judge_all(["eu-central-1"] * 5 + ["us-east-1"] * 3, _RESIDENCY, tables)
    assert statuses == [Status.PASS] * 5 + [Status.FAIL] * 3
    assert tables.asked == ["eu-central-1", "us-east-1"]


def test_other_tables_give_their_own_verdicts(tables: _Counting, tmp_path: Path) -> None:
    assert _judge_all(["eu-central-1"], _RESIDENCY, tables) == [Status.PASS]
    # The same region under tables that place it elsewhere: no verdict carried over.
    elsewhere = _Counting(small_tables(tmp_path / "other", {"eu-central-1": "US"}).folder)
    assert _judge_all(["eu-central-1"], _RESIDENCY, elsewhere) == [Status.FAIL]
    assert elsewhere.asked == ["eu-central-1"]
    # Tables with the same content are still other tables: asked afresh.
    same = _Counting(tables.folder)
    assert _judge_all(["eu-central-1"], _RESIDENCY, same) == [Status.PASS]
    assert same.asked == ["eu-central-1"]


def test_unknown_regions_stay_errors_when_asked_again(tables: _Counting) -> None:
    assert _judge_all(["mars-north-1"] * 3, _RESIDENCY, tables) == [Status.ERROR] * 3
    assert tables.asked == ["mars-north-1"]


def test_a_parameter_that_cannot_be_a_cache_key_is_still_judged(tables: _Counting) -> None:
    regions = {"allowed_regions": [["eu-central-1"]]}
    statuses = _judge_all(["eu-central-1"] * 2, _RESIDENCY, tables, **regions)
    assert statuses == [Status.FAIL] * 2
    assert tables.asked == ["eu-central-1"] * 2


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
