"""The implementation status of a requirement in the Statement of Applicability.

Defined once here; docs/soa.md documents it.  Coverage
(:mod:`govscan.results.coverage`) says *what* answers a requirement; this says
how far it is implemented, from the results of what answers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from govscan.model import Status


class Implementation(StrEnum):
    IMPLEMENTED = "implemented"
    PARTIAL = "partially_implemented"
    NOT_IMPLEMENTED = "not_implemented"
    NOT_ASSESSED = "not_assessed"
    NOT_APPLICABLE = "not_applicable"


_MET = frozenset({Status.PASS, Status.WAIVED})
"""A waiver is an accepted risk, so a waived failure does not keep a requirement
from being implemented (the HTML score counts it the same way)."""


def implementation_status(
    automated: Iterable[Status], attested: Iterable[Status], not_applicable: bool
) -> Implementation:
    """The one rule.

    ``automated``: the statuses of every result of the controls mapped to the
    requirement; ``attested``: those of its attestations (``pass`` while valid,
    ``fail`` when expired or an evidence file changed).  A ``not_applicable``
    result (no resource of the control's type) says nothing either way.  An
    ``error`` means govscan could not see: it never lets a requirement count as
    implemented, and with nothing else it is not assessed.
    """
    if not_applicable:
        return Implementation.NOT_APPLICABLE
    statuses = [s for s in (*automated, *attested) if s is not Status.NOT_APPLICABLE]
    met = sum(1 for s in statuses if s in _MET)
    failed = sum(1 for s in statuses if s is Status.FAIL)
    errors = len(statuses) - met - failed
    if met and not failed and not errors:
        return Implementation.IMPLEMENTED
    if met:
        return Implementation.PARTIAL
    if failed:
        return Implementation.NOT_IMPLEMENTED
    return Implementation.NOT_ASSESSED
