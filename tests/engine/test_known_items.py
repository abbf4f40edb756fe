"""A list with unknown items is judged on its known items where they decide the
check whatever the unknown items hold; otherwise it stays undetermined."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from govscan.engine.evaluator import Evaluator
from govscan.engine.known_items import polarity
from govscan.model import Control, Policy, Resource, ResourceRef, Result, Severity, Status

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
OPEN_5432 = {"port": 5432, "open": True}
CLOSED_443 = {"port": 443, "open": False}
UNKNOWN_RULE = {"port": 443, "open": "var.cidrs"}  # the collector's placeholder
WHY = "value unknown before apply: var.cidrs"

NO_OPEN_DB = {
    "every": "rules",
    "check": {"not": {"all": [{"path": "open", "op": "eq", "value": True},
                              {"path": "port", "op": "eq", "value": 5432}]}},
}  # fmt: skip
SOME_CLOSED = {"some": "rules", "check": {"path": "open", "op": "eq", "value": False}}


def _judge(check: dict[str, Any], rules: list[Any], unknown: dict[str, str], **kw: Any) -> Result:
    control = Control(
        id="t.c",
        title="T",
        severity=Severity.HIGH,
        resource="aws.ec2.security_group",
        check=check,
        frameworks={},
        **kw,
    )
    res = Resource(
        ResourceRef("aws.ec2.security_group", "code:1", "sg", "aws"),
        {"rules": rules, "name": "sg", "kind": "x"},
        unknown=unknown,
        origin="code",
    )
    out: list[Result] = []
    Evaluator([control], Policy(name="p"), AS_OF).evaluate(res, out.append)
    (result,) = out
    return result


def test_a_known_failing_item_fails_every_whatever_the_unknown_items() -> None:
    unknown = {"rules": WHY, "rules[1]": WHY}
    result = _judge(NO_OPEN_DB, [OPEN_5432, UNKNOWN_RULE], unknown)
    assert result.status is Status.FAIL and not result.undetermined


def test_known_items_that_pass_every_leave_it_undetermined() -> None:
    result = _judge(NO_OPEN_DB, [CLOSED_443, UNKNOWN_RULE], {"rules": WHY, "rules[1]": WHY})
    assert result.status is Status.ERROR and result.undetermined


def test_some_is_decided_by_a_known_item_that_satisfies_it() -> None:
    unknown = {"rules": WHY, "rules[0]": WHY}
    assert _judge(SOME_CLOSED, [UNKNOWN_RULE, CLOSED_443], unknown).status is Status.PASS
    assert _judge(SOME_CLOSED, [UNKNOWN_RULE, OPEN_5432], unknown).undetermined


def test_without_item_marks_or_with_other_unknowns_nothing_is_decided() -> None:
    # Which items are unknown is not said: no item can be trusted.
    assert _judge(NO_OPEN_DB, [OPEN_5432, UNKNOWN_RULE], {"rules": WHY}).undetermined
    # A second unknown field the check reads keeps it open.
    check = {"all": [NO_OPEN_DB, {"path": "kind", "op": "eq", "value": "x"}]}
    unknown = {"rules": WHY, "rules[1]": WHY, "kind": WHY}
    assert _judge(check, [OPEN_5432, UNKNOWN_RULE], unknown).undetermined


def test_an_applies_when_reading_the_list_keeps_it_open() -> None:
    applies = {"some": "rules", "check": {"path": "port", "op": "eq", "value": 443}}
    unknown = {"rules": WHY, "rules[1]": WHY}
    result = _judge(NO_OPEN_DB, [OPEN_5432, UNKNOWN_RULE], unknown, applies_when=applies)
    assert result.undetermined


@pytest.mark.parametrize(
    ("check", "want"),
    [
        (NO_OPEN_DB, -1),
        (SOME_CLOSED, 1),
        ({"not": NO_OPEN_DB}, 1),
        ({"all": [NO_OPEN_DB, {"path": "kind", "op": "eq", "value": "x"}]}, -1),
        ({"any": [NO_OPEN_DB, SOME_CLOSED]}, None),  # mixed: no direction
        ({"path": "rules", "op": "empty"}, None),  # its length is not known
        ({"path": "kind", "op": "eq", "value": "x"}, 0),
        ({"every": "other", "check": {"path": "a", "op": "eq", "value": 1}}, 0),
    ],
)
def test_polarity(check: dict[str, Any], want: int | None) -> None:
    assert polarity(check, "rules") == want
