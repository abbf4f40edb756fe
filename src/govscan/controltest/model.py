"""What a control test is and what running one found: frozen data between the loader,
the runner and the output."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govscan.model import Resource, Status


@dataclass(frozen=True)
class TestCase:
    """One resource in its type's documented shape and what the control must decide."""

    __test__ = False  # not a pytest class

    control_id: str
    name: str
    resource: Resource
    expect: Status
    source: str
    """``file:line`` of the case, for failure output."""
    message: str | None = None
    """Substring the result's message must contain."""
    undetermined: bool | None = None
    """When set, whether an ``error`` must be (or must not be) undetermined."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Policy parameter values over the baseline policy's defaults."""
    as_of: datetime | None = None
    """The judging time; None means now."""


@dataclass(frozen=True)
class CaseOutcome:
    case: TestCase
    passed: bool
    got: Status | None
    """None when the control judged nothing for the resource."""
    message: str = ""
    """The result's message."""
    detail: str = ""
    """Why the case failed; empty when it passed."""


@dataclass(frozen=True)
class TestReport:
    """Every case run, and the controls that have none."""

    __test__ = False

    outcomes: tuple[CaseOutcome, ...]
    untested: tuple[str, ...] = ()
    """Control ids (with their file) that carry no test case."""

    @property
    def failed(self) -> tuple[CaseOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)
