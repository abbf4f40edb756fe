"""The requirement index relates each requirement to its results' references, on disk."""

from __future__ import annotations

from collections import Counter

import pytest

from govscan.model import ResourceRef, Result, Severity, Status
from govscan.results import requirements
from govscan.results.requirements import RequirementIndex

KEY = "nist-800-53-r5"


def _result(status: Status, **frameworks: tuple[str, ...]) -> Result:
    ref = ResourceRef(id="r", type="aws.s3.bucket", name="r", provider="aws")
    mapping = {k.replace("_", "-"): v for k, v in frameworks.items()}
    return Result("c", "t", Severity.LOW, status, ref, mapping)


def test_references_are_sorted_and_distinct_per_requirement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(requirements, "_BATCH", 2)  # some links flushed, some pending
    index = RequirementIndex(KEY)
    index.add(_result(Status.PASS, nist_800_53_r5=("SC-28", "AC-2")), "o3")
    index.add(_result(Status.FAIL, nist_800_53_r5=("SC-28",)), "o1")
    index.add(_result(Status.PASS, nist_800_53_r5=("SC-28", "SC-28")), "o2")
    index.add(_result(Status.ERROR, other=("SC-28",)), "o4")
    assert index.added == 4
    assert index.requirements() == ["SC-28", "AC-2"]
    assert index.references("SC-28") == ["o1", "o2", "o3"]
    assert index.references("AC-2") == ["o3"]
    assert index.references("AU-2") == []
    assert index.statuses("SC-28") == Counter({Status.PASS: 3, Status.FAIL: 1})
    index.close()


def test_results_of_another_framework_relate_to_nothing() -> None:
    index = RequirementIndex(KEY)
    index.add(_result(Status.FAIL, other=("X-1",)), "o1")
    assert (index.added, index.requirements()) == (1, [])
    index.close()
