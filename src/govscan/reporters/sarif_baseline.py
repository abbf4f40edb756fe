"""SARIF ``baselineState`` (SARIF 2.1.0, section 3.27.24) for a run judged against
a baseline.

Every failing or erroneous result is ``new``, ``unchanged`` or ``updated`` (the
finding is known but its status, message or severity moved). A baseline entry
that no finding carries any more is written as one extra result of kind
``pass`` with state ``absent``: kind ``pass`` raises no alert in a code-scanning
dashboard, and the state tells a reader the known finding is gone. A passing
result of a finding the baseline held is ``absent`` too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from govscan.model import Control, ScanResult, Severity, Status
from govscan.results.baseline import BaselineView
from govscan.runinfo import BaselineMark
from govscan.serialize import encode_compact


def rule_of_mark(m: BaselineMark) -> Control:
    """A minimal rule for a baseline entry whose control this run did not judge."""
    try:
        severity = Severity(m.severity)
    except ValueError:
        severity = Severity.INFO
    return Control(
        id=m.control_id, title=m.control_id, severity=severity, resource="", check={}, frameworks={}
    )


def baseline_results(
    scan: ScanResult, view: BaselineView, wanted: frozenset[Status], index: Mapping[str, int]
) -> Iterator[str]:
    """The run's results with their state, then one ``absent`` result per entry gone."""
    from govscan.reporters.sarif import FINGERPRINT_KEY, _result

    for r in scan.results.select(wanted):
        doc = _result(r, index[r.control_id])
        state = view.state(r)
        if state is not None:
            doc["baselineState"] = state
        yield encode_compact(doc)
    for m in view.absent(scan.results):
        location: dict[str, Any] = {
            "logicalLocations": [
                {"name": m.control_id, "fullyQualifiedName": f"baseline:{m.fingerprint}"}
            ]
        }
        if m.path:
            location["physicalLocation"] = {
                "artifactLocation": {"uri": m.path, "uriBaseId": "%SRCROOT%"}
            }
        yield encode_compact(
            {
                "ruleId": m.control_id,
                "ruleIndex": index[m.control_id],
                "kind": "pass",
                "level": "none",
                "message": {"text": f"No longer found: a known {m.status} of {m.control_id}"},
                "locations": [location],
                "partialFingerprints": {FINGERPRINT_KEY: m.fingerprint},
                "baselineState": "absent",
                "properties": {"status": "absent", "severity": m.severity},
            }
        )


def baseline_properties(view: BaselineView | None) -> dict[str, Any]:
    """The run's ``properties.baseline``: which baseline, and its notes."""
    if view is None:
        return {}
    use = view.use
    return {"baseline": {"source": use.source, "digest": use.digest, "notes": list(use.notes)}}
