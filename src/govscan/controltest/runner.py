"""Run test cases through the engine's own evaluator, one case at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

from govscan.controltest.model import CaseOutcome, TestCase
from govscan.engine.evaluator import Evaluator
from govscan.model import Control, Policy, Result


def _verdict(case: TestCase, results: Sequence[Result]) -> CaseOutcome:
    if not results:
        return CaseOutcome(case, False, None, detail="the control judged nothing for the resource")
    (result,) = results  # one control, one resource: one result
    problems = []
    if result.status is not case.expect:
        problems.append(f"expected {case.expect.value}, got {result.status.value}")
    if case.message is not None and case.message not in result.message:
        problems.append(f"message {result.message!r} does not contain {case.message!r}")
    if case.undetermined is not None and result.undetermined != case.undetermined:
        problems.append(f"undetermined is {str(result.undetermined).lower()}")
    if result.message and problems:
        problems.append(f"(message: {result.message})")
    return CaseOutcome(
        case, not problems, result.status, message=result.message, detail="; ".join(problems)
    )


def run_cases(
    cases: Sequence[TestCase],
    controls: Mapping[str, Control],
    policy: Policy,
    now: dt.datetime | None = None,
) -> list[CaseOutcome]:
    """Judge each case's resource by its control with the policy's parameter values
    overlaid by the case's own."""
    now = now or dt.datetime.now(dt.UTC)
    outcomes = []
    # Compiling a control is most of the work: cases without their own parameters share.
    cache: dict[tuple[str, dt.datetime], Evaluator] = {}
    for case in cases:
        as_of = case.as_of or now
        key = (case.control_id, as_of)
        evaluator = None if case.params else cache.get(key)
        if evaluator is None:
            values = {**policy.values, **case.params}
            # Waivers belong to a policy, not to a control's behaviour.
            bare = replace(policy, values=values, waivers=())
            evaluator = Evaluator([controls[case.control_id]], bare, as_of)
            if not case.params:
                cache[key] = evaluator
        found: list[Result] = []
        evaluator.evaluate(case.resource, found.append)
        outcomes.append(_verdict(case, found))
    return outcomes
