"""JUnit XML, the format every CI system can show as a test report.

One test suite per control and one test case per control × resource:
``fail`` is a failure, ``error`` an error, ``waived`` and ``not_applicable``
are skipped with the reason.  Collection errors become error test cases in a
suite of their own, so an incomplete assessment can never look green.
Times are zero: a report must not depend on how fast a run happened to be.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import ClassVar

from govscan.model import Result, ScanResult, Status
from govscan.reporters.interface import Reporter, ReportOptions

COLLECTION_SUITE = "govscan.collection"

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _case_name(r: Result) -> str:
    ref = r.resource
    return f"{ref.id} ({ref.name})" if ref.name and ref.name != ref.id else ref.id


def _details(r: Result) -> str:
    ref = r.resource
    lines = [
        f"control: {r.control_id} ({r.severity.value})",
        f"resource: {ref.type} {ref.id}",
    ]
    if ref.location is not None:
        lines.append(f"location: {ref.location.path}:{ref.location.line}")
    for key, val in (("account", ref.account), ("region", ref.region)):
        if val:
            lines.append(f"{key}: {val}")
    for fw, ids in sorted(r.frameworks.items()):
        lines.append(f"{fw}: {', '.join(ids)}")
    if r.evidence:
        lines.append(f"evidence: {r.evidence}")
    return _clean("\n".join(lines))


def _skip_message(r: Result) -> str:
    if r.status is Status.WAIVED and r.waiver is not None:
        until = f" until {r.waiver.expires.isoformat()}" if r.waiver.expires else ""
        return f"waived by {r.waiver.owner}{until}: {r.waiver.reason}"
    return r.message or "not applicable"


def _testcase(suite: ET.Element, r: Result) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": _clean(_case_name(r)),
            "classname": r.control_id,
            "time": "0",
        },
    )
    if r.resource.location is not None:
        case.set("file", r.resource.location.path)
        case.set("line", str(r.resource.location.line))
    message = _clean(r.message or r.title)
    if r.status is Status.FAIL:
        el = ET.SubElement(case, "failure", {"message": message, "type": r.severity.value})
        el.text = _details(r)
    elif r.status is Status.ERROR:
        el = ET.SubElement(case, "error", {"message": message, "type": "error"})
        el.text = _details(r)
    elif r.status in (Status.WAIVED, Status.NOT_APPLICABLE):
        ET.SubElement(case, "skipped", {"message": _clean(_skip_message(r))})


def _counts(results: list[Result]) -> dict[str, str]:
    return {
        "tests": str(len(results)),
        "failures": str(sum(r.status is Status.FAIL for r in results)),
        "errors": str(sum(r.status is Status.ERROR for r in results)),
        "skipped": str(sum(r.status in (Status.WAIVED, Status.NOT_APPLICABLE) for r in results)),
        "time": "0",
    }


class JunitReporter(Reporter):
    format: ClassVar[str] = "junit"
    filename: ClassVar[str] = "junit.xml"

    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        by_control: dict[str, list[Result]] = defaultdict(list)
        for r in scan.results:
            by_control[r.control_id].append(r)
        run = scan.run
        stamp = run.started_at.isoformat().replace("+00:00", "Z")
        root = ET.Element("testsuites", {"name": f"govscan {run.policy}"})
        total_tests = total_fail = total_err = total_skip = 0
        for control_id in sorted(by_control):
            results = sorted(
                by_control[control_id], key=lambda r: (r.resource.id, r.status.value, r.message)
            )
            attrs = {"name": control_id, **_counts(results), "timestamp": stamp}
            suite = ET.SubElement(root, "testsuite", attrs)
            first = results[0]
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", {"name": "title", "value": _clean(first.title)})
            ET.SubElement(props, "property", {"name": "severity", "value": first.severity.value})
            for fw, ids in sorted(first.frameworks.items()):
                ET.SubElement(props, "property", {"name": fw, "value": ", ".join(ids)})
            for r in results:
                _testcase(suite, r)
            total_tests += len(results)
            total_fail += int(attrs["failures"])
            total_err += int(attrs["errors"])
            total_skip += int(attrs["skipped"])
        if scan.errors:
            errors = sorted(
                scan.errors,
                key=lambda e: (e.collector, e.account, e.region, e.operation, e.message),
            )
            suite = ET.SubElement(
                root,
                "testsuite",
                {
                    "name": COLLECTION_SUITE,
                    "tests": str(len(errors)),
                    "failures": "0",
                    "errors": str(len(errors)),
                    "skipped": "0",
                    "time": "0",
                    "timestamp": stamp,
                },
            )
            for e in errors:
                where = " ".join(x for x in (e.account, e.region, e.operation) if x)
                case = ET.SubElement(
                    suite,
                    "testcase",
                    {
                        "name": _clean(f"{e.collector} {where}".strip()),
                        "classname": COLLECTION_SUITE,
                    },
                )
                case.set("time", "0")
                el = ET.SubElement(
                    case, "error", {"message": _clean(e.message), "type": "collection"}
                )
                types = ", ".join(e.resource_types) or "all resource types of this collector"
                el.text = _clean(f"missing data for: {types}")
            total_tests += len(errors)
            total_err += len(errors)
        root.set("tests", str(total_tests))
        root.set("failures", str(total_fail))
        root.set("errors", str(total_err))
        root.set("skipped", str(total_skip))
        root.set("time", "0")
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
