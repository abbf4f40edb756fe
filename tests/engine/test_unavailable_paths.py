"""A collector may list a path inside a field as unavailable (one entry of a map
the provider left out): exactly the controls reading that path report ``error``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from govscan.engine.evaluator import Evaluator
from govscan.model import Control, Policy, Resource, ResourceRef, Result, Severity, Status

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
WHY = "the Defender for Cloud pricing list returned no Containers plan"


def _control(check: dict[str, Any], applies: dict[str, Any] | None = None) -> Control:
    return Control(
        id="t.plan",
        title="T",
        severity=Severity.MEDIUM,
        resource="azure.subscription",
        check=check,
        frameworks={},
        applies_when=applies,
    )


def _judge(control: Control, data: dict[str, Any], unavailable: dict[str, str]) -> Result:
    res = Resource(
        ResourceRef("azure.subscription", "/subscriptions/s", "prod", "azure"),
        data,
        unavailable=unavailable,
    )
    out: list[Result] = []
    Evaluator([control], Policy(name="p"), AS_OF).evaluate(res, out.append)
    (result,) = out
    return result


PLANS = {"VirtualMachines": "Standard"}
MISSING = {"defender_plans.Containers": WHY}


def test_a_control_reading_the_missing_path_reports_error() -> None:
    got = _judge(
        _control({"path": "defender_plans.Containers", "op": "eq", "value": "Standard"}),
        {"defender_plans": PLANS},
        MISSING,
    )
    assert (got.status, got.undetermined) == (Status.ERROR, False)
    assert got.message == f"defender_plans.Containers: {WHY}"


@pytest.mark.parametrize(
    ("check", "status"),
    [
        # Another entry of the same map is judged as usual.
        ({"path": "defender_plans.VirtualMachines", "op": "eq", "value": "Standard"}, Status.PASS),
        ({"path": "defender_plans.VirtualMachines", "op": "eq", "value": "Free"}, Status.FAIL),
        # A check of the whole map needs the missing entry too.
        ({"path": "defender_plans", "op": "not-empty"}, Status.ERROR),
        ({"path": "name", "op": "eq", "value": "prod"}, Status.PASS),
    ],
)
def test_only_reads_of_that_path_are_affected(check: dict[str, Any], status: Status) -> None:
    assert _judge(_control(check), {"defender_plans": PLANS, "name": "prod"}, MISSING).status is (
        status
    )


def test_applies_when_reading_the_path_is_an_error_too() -> None:
    control = _control(
        {"path": "name", "op": "eq", "value": "prod"},
        applies={"path": "defender_plans.Containers", "op": "present"},
    )
    assert _judge(control, {"defender_plans": PLANS, "name": "prod"}, MISSING).status is (
        Status.ERROR
    )


def test_a_whole_unavailable_field_still_errors_every_path_inside_it() -> None:
    got = _judge(
        _control({"path": "defender_plans.VirtualMachines", "op": "eq", "value": "Standard"}),
        {},
        {"defender_plans": "Microsoft.Security/pricings/read: AuthorizationFailed (403)"},
    )
    assert got.status is Status.ERROR and got.message.startswith("defender_plans: ")
