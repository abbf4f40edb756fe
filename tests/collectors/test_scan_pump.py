"""The engine runs collectors through the fan-in: failures per collector, clean Ctrl-C."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from govscan.collectors.interface import CollectionPlan, Item
from govscan.engine.scan import ScanOptions, run_scan
from govscan.model import Control, Policy, Resource, Severity, Status
from tests.core.fakes import THING, FakeCollector, thing

AS_OF = datetime(2026, 11, 24, 12, tzinfo=UTC)
ENCRYPTED = Control(
    id="fake.thing.encrypted",
    title="encrypted",
    severity=Severity.HIGH,
    resource=THING,
    check={"path": "encrypted", "op": "eq", "value": True},
    frameworks={},
)


class Endless(FakeCollector):
    name: ClassVar[str] = "endless"
    produces: ClassVar[tuple[str, ...]] = ("fake.*",)
    closed: ClassVar[threading.Event] = threading.Event()

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        try:
            n = 0
            while True:
                n += 1
                yield thing(f"arn:fake:thing/{n}", encrypted=True)
        finally:
            type(self).closed.set()


class Broken(FakeCollector):
    name: ClassVar[str] = "broken"
    produces: ClassVar[tuple[str, ...]] = ("fake.*",)

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        yield thing("arn:fake:thing/before", encrypted=False)
        raise RuntimeError("boom")


class _Interrupting:
    def __init__(self, after: int) -> None:
        self.after = after

    def write(self, resource: Resource) -> None:
        self.after -= 1
        if self.after == 0:
            raise KeyboardInterrupt


def _collector_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("collector-")]


def test_ctrl_c_during_a_scan_stops_every_collector_thread() -> None:
    Endless.closed.clear()
    with pytest.raises(KeyboardInterrupt):
        run_scan(
            [ENCRYPTED],
            Policy(name="t"),
            [Endless()],
            ScanOptions(as_of=AS_OF, queue_size=4),
            sink=_Interrupting(after=10),
        )
    assert Endless.closed.is_set()
    assert _collector_threads() == []


def test_a_failing_collector_is_an_error_and_keeps_what_it_yielded() -> None:
    FakeCollector.items = [thing("arn:fake:thing/ok", encrypted=True)]
    result = run_scan(
        [ENCRYPTED], Policy(name="t"), [FakeCollector(), Broken()], ScanOptions(as_of=AS_OF)
    )
    by_id = {r.resource.id: r.status for r in result.results}
    assert by_id["arn:fake:thing/ok"] is Status.PASS
    assert by_id["arn:fake:thing/before"] is Status.FAIL
    (err,) = result.errors
    assert err.collector == "broken" and "RuntimeError: boom" in err.message
    assert _collector_threads() == []
