"""The in-memory sink hands back its results in canonical order."""

from __future__ import annotations

from govscan.model import ResourceRef, Result, ResultList, Severity, Status
from govscan.results.memory import MemoryResults


def _result(control: str, resource: str) -> Result:
    ref = ResourceRef(type="aws.s3.bucket", id=resource)
    return Result(control, "t", Severity.LOW, Status.PASS, ref, {})


def test_seal_sorts_what_was_added() -> None:
    sink = MemoryResults()
    added = [_result("b", "r1"), _result("a", "r2"), _result("a", "r1")]
    for r in added:
        sink.add(r)
    sealed = sink.seal()
    assert isinstance(sealed, ResultList)
    assert [(r.control_id, r.resource.id) for r in sealed] == [
        ("a", "r1"),
        ("a", "r2"),
        ("b", "r1"),
    ]
