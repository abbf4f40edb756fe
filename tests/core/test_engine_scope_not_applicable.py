"""A scope that cannot hold a type (a GCP project with the API off) is not_applicable
there, with its reason, and replaces the type's "none found" result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from govscan.collectors.interface import CollectionPlan, Item
from govscan.engine.scan import ScanOptions, run_scan
from govscan.errors import ExitCode
from govscan.model import NotApplicableScope, Policy, Severity, Status
from govscan.runner import exit_code_for

from .fakes import THING, FakeCollector, thing
from .test_engine import AS_OF, ENCRYPTED

OFF = NotApplicableScope("fake", (THING,), "p2", "things are off in p2")


class Marking(FakeCollector):
    """Hands over its items as they are, markers included."""

    given: ClassVar[list[Any]] = []

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        yield from type(self).given


def scan(items: list[Any]) -> Any:
    Marking.given = items
    return run_scan([ENCRYPTED], Policy(name="t"), [Marking()], ScanOptions(as_of=AS_OF))


def test_scope_marker_gives_one_not_applicable_per_control_and_scope() -> None:
    res = scan([thing("t/a", encrypted=True), OFF, OFF])
    found = sorted((r.resource.account, r.status.value, r.message) for r in res.results)
    assert found == [
        ("111122223333", "pass", ""),
        ("p2", "not_applicable", "things are off in p2"),
    ]
    assert exit_code_for(res, Severity.INFO) is ExitCode.OK


def test_scope_marker_replaces_the_none_found_result() -> None:
    (only,) = scan([OFF]).results
    assert only.status is Status.NOT_APPLICABLE
    assert only.message == "things are off in p2"
    assert only.resource.id == f"fake:p2:*:{THING}"
