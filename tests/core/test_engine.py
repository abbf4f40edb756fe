"""The engine: statuses, waivers, collection errors, planning, never a pass without data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from govscan.engine.scan import ScanOptions, run_scan
from govscan.errors import ExitCode
from govscan.model import Control, Policy, Resource, Severity, Status, Waiver
from govscan.runner import exit_code_for

from .fakes import OTHER, THING, FakeCollector, error, thing

AS_OF = datetime(2026, 11, 24, 12, tzinfo=UTC)


def control(cid: str, check: dict[str, Any], resource: str = THING, **kw: Any) -> Control:
    return Control(
        id=cid,
        title=cid,
        severity=kw.pop("severity", Severity.HIGH),
        resource=resource,
        check=check,
        frameworks={"nist-800-53-r5": ("SC-28",)},
        **kw,
    )


ENCRYPTED = control(
    "fake.thing.encrypted",
    {"path": "encrypted", "op": "eq", "value": True},
    message="{name} in {region} is not encrypted",
)
SMALL = control(
    "fake.thing.small",
    {"path": "size", "op": "lte", "value": 10},
    applies_when={"path": "encrypted", "op": "eq", "value": True},
)
OTHER_C = control("fake.other.present", {"path": "size", "op": "present"}, resource=OTHER)


def scan(
    controls: list[Control], items: list[Any], policy: Policy | None = None, sink: Any = None
) -> Any:
    FakeCollector.items = items
    return run_scan(
        controls,
        policy or Policy(name="t"),
        [FakeCollector()],
        ScanOptions(as_of=AS_OF, run_id="run-1"),
        sink=sink,
    )


def statuses(result: Any) -> dict[tuple[str, str], Status]:
    return {(r.control_id, r.resource.id): r.status for r in result.results}


def test_pass_fail_and_message() -> None:
    res = scan([ENCRYPTED], [thing("t/a", encrypted=True), thing("t/b", encrypted=False)])
    assert statuses(res) == {
        ("fake.thing.encrypted", "t/a"): Status.PASS,
        ("fake.thing.encrypted", "t/b"): Status.FAIL,
    }
    fail = next(r for r in res.results if r.status is Status.FAIL)
    assert fail.message == "b in eu-central-1 is not encrypted"
    assert fail.evidence == "resources.jsonl#t/b"


def test_applies_when_gives_not_applicable() -> None:
    res = scan(
        [SMALL], [thing("t/a", encrypted=False, size=50), thing("t/b", encrypted=True, size=50)]
    )
    assert statuses(res)[("fake.thing.small", "t/a")] is Status.NOT_APPLICABLE
    assert statuses(res)[("fake.thing.small", "t/b")] is Status.FAIL


def test_unavailable_field_is_error_not_pass() -> None:
    res = scan(
        [ENCRYPTED, OTHER_C], [thing("t/a", unavailable={"encrypted": "AccessDenied"}, size=1)]
    )
    st = statuses(res)
    assert st[("fake.thing.encrypted", "t/a")] is Status.ERROR
    r = next(r for r in res.results if r.resource.id == "t/a")
    assert "AccessDenied" in r.message


def test_collection_error_marks_exactly_the_controls_that_needed_it() -> None:
    res = scan(
        [ENCRYPTED, OTHER_C], [thing("t/a", encrypted=True), error((OTHER,), region="us-east-1")]
    )
    by_control = {}
    for r in res.results:
        by_control.setdefault(r.control_id, set()).add(r.status)
    assert by_control["fake.thing.encrypted"] == {Status.PASS}
    assert by_control["fake.other.present"] == {Status.ERROR}
    err = next(r for r in res.results if r.status is Status.ERROR)
    assert err.resource.region == "us-east-1"
    assert "fake:ListThings" in err.message
    assert len(res.errors) == 1
    assert exit_code_for(res, Severity.INFO) is ExitCode.INCOMPLETE


def test_no_resources_is_not_applicable_never_pass() -> None:
    res = scan([ENCRYPTED, OTHER_C], [thing("t/a", encrypted=True)])
    assert {r.status for r in res.results if r.control_id == "fake.other.present"} == {
        Status.NOT_APPLICABLE
    }


def test_collector_crash_is_error_and_keeps_what_was_collected() -> None:
    FakeCollector.explode = True
    res = scan([ENCRYPTED], [thing("t/a", encrypted=False)])
    st = {r.status for r in res.results}
    assert Status.FAIL in st and Status.ERROR in st
    assert "RuntimeError: boom" in res.errors[0].message


def test_waiver_expired_waiver_and_inline_suppression() -> None:
    policy = Policy(
        name="t",
        waivers=(
            Waiver("fake.thing.*", ("t/a",), "accepted risk", "alice", date(2027, 1, 1)),
            Waiver("fake.thing.encrypted", ("re:t/[b]",), "old", "bob", date(2026, 1, 1)),
        ),
    )
    sup = Resource(
        ref=thing("t/c").ref,
        data={"encrypted": False},
        suppressions={"fake.thing.encrypted": "test fixture"},
    )
    res = scan(
        [ENCRYPTED], [thing("t/a", encrypted=False), thing("t/b", encrypted=False), sup], policy
    )
    by_id = {r.resource.id: r for r in res.results}
    assert by_id["t/a"].status is Status.WAIVED and by_id["t/a"].waiver.owner == "alice"
    assert by_id["t/b"].status is Status.FAIL and by_id["t/b"].waiver.expired
    assert "expired on 2026-01-01" in by_id["t/b"].message
    assert by_id["t/c"].status is Status.WAIVED and by_id["t/c"].waiver.inline
    assert by_id["t/c"].waiver.reason == "test fixture"


def test_plan_passes_only_needed_types_and_fields() -> None:
    scan([ENCRYPTED], [thing("t/a", encrypted=True)])
    (plan,) = FakeCollector.plans
    assert dict(plan.fields) == {THING: frozenset({"encrypted", "name", "region"})}


def test_sink_receives_every_resource_and_results_are_sorted() -> None:
    seen: list[str] = []

    class Sink:
        def write(self, r: Resource) -> None:
            seen.append(r.id)

    items = [thing(f"t/{i:03d}", encrypted=i % 2 == 0) for i in range(50, 0, -1)]
    res = scan([ENCRYPTED], items, sink=Sink())
    assert len(seen) == 50
    ids = [r.resource.id for r in res.results]
    assert ids == sorted(ids)
    assert res.summary["pass"] + res.summary["fail"] == 50


def test_exit_code_threshold() -> None:
    low = control(
        "fake.thing.low", {"path": "encrypted", "op": "eq", "value": True}, severity=Severity.LOW
    )
    res = scan([low], [thing("t/a", encrypted=False)])
    assert exit_code_for(res, Severity.INFO) is ExitCode.FAILURES
    assert exit_code_for(res, Severity.HIGH) is ExitCode.OK
    assert exit_code_for(res, None) is ExitCode.OK
