"""Control test outcomes as JUnit XML: one suite per control, one test case per case.

A case that could not be judged as written is a failure; there are no errors
or skips, because every case either held or did not.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from govscan.controltest.model import CaseOutcome

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def junit_xml(outcomes: Sequence[CaseOutcome]) -> bytes:
    ordered = sorted(outcomes, key=lambda o: o.case.control_id)
    root = ET.Element(
        "testsuites",
        {
            "name": "govscan test",
            "tests": str(len(ordered)),
            "failures": str(sum(not o.passed for o in ordered)),
            "errors": "0",
            "time": "0",
        },
    )
    for control_id, group in groupby(ordered, key=lambda o: o.case.control_id):
        cases = list(group)
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": control_id,
                "tests": str(len(cases)),
                "failures": str(sum(not o.passed for o in cases)),
                "errors": "0",
                "skipped": "0",
                "time": "0",
            },
        )
        for outcome in cases:
            path, _, line = outcome.case.source.rpartition(":")
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "name": _clean(outcome.case.name),
                    "classname": control_id,
                    "file": _clean(path),
                    "line": line,
                    "time": "0",
                },
            )
            if not outcome.passed:
                failure = ET.SubElement(
                    case, "failure", {"message": _clean(outcome.detail), "type": "assertion"}
                )
                failure.text = _clean(f"{outcome.case.source}: {outcome.detail}")
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"
