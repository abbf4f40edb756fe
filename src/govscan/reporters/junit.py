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
from collections import Counter
from typing import IO, ClassVar

from govscan.model import CollectionError, Result, ScanResult, Status
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.results.baseline import known_skipped, known_text, view_of

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


def _attr(value: str) -> str:
    """An attribute value escaped exactly as ElementTree escapes it."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#09;")
    )


def _cdata(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _testcase(r: Result, known: str = "") -> str:
    """One ``<testcase>`` at suite depth, as ``ET.indent`` and ``ET.tostring`` would
    lay it out; written by hand because a scan has one per result and the
    ElementTree round trip costs ten times as much."""
    attrs = [("name", _clean(_case_name(r))), ("classname", r.control_id), ("time", "0")]
    if r.resource.location is not None:
        attrs += [("file", r.resource.location.path), ("line", str(r.resource.location.line))]
    head = "<testcase " + " ".join(f'{k}="{_attr(v)}"' for k, v in attrs)
    message = _attr(_clean(r.message or r.title))
    if known:  # in the baseline: shown, but no failure a CI gate would stop on
        child = f'<skipped message="{_attr(_clean(known))}: {message}" />'
    elif r.status is Status.FAIL:
        child = (
            f'<failure message="{message}" type="{_attr(r.severity.value)}">'
            f"{_cdata(_details(r))}</failure>"
        )
    elif r.status is Status.ERROR:
        child = f'<error message="{message}" type="error">{_cdata(_details(r))}</error>'
    elif r.status in (Status.WAIVED, Status.NOT_APPLICABLE):
        child = f'<skipped message="{_attr(_clean(_skip_message(r)))}" />'
    else:
        return head + " />"
    return head + ">\n      " + child + "\n    </testcase>"


def _counts(statuses: Counter[Status]) -> dict[str, str]:
    return {
        "tests": str(statuses.total()),
        "failures": str(statuses[Status.FAIL]),
        "errors": str(statuses[Status.ERROR]),
        "skipped": str(statuses[Status.WAIVED] + statuses[Status.NOT_APPLICABLE]),
        "time": "0",
    }


def _xml(el: ET.Element) -> str:
    return ET.tostring(el, encoding="unicode", short_empty_elements=True)


def _open_tag(el: ET.Element) -> str:
    """``<tag attr="...">`` with the attributes escaped as ElementTree escapes them."""
    probe = ET.Element(el.tag, el.attrib)
    probe.text = "\x01"  # cannot occur in escaped output: _clean maps it away
    text = _xml(probe)
    return text[: text.rindex("\x01</")]


class JunitReporter(Reporter):
    format: ClassVar[str] = "junit"
    filename: ClassVar[str] = "junit.xml"

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        """One suite per control, streamed: only one test case is built at a time."""
        run = scan.run
        stamp = run.started_at.isoformat().replace("+00:00", "Z")
        view = view_of(scan)
        per_control = known_skipped(scan, view)
        totals: Counter[Status] = Counter()
        for statuses in per_control.values():
            totals.update(statuses)
        errors = sorted(
            scan.errors,
            key=lambda e: (e.collector, e.account, e.region, e.operation, e.message),
        )
        root_attrs = {"name": f"govscan {run.policy}", **_counts(totals)}
        root_attrs["tests"] = str(totals.total() + len(errors))
        root_attrs["errors"] = str(totals[Status.ERROR] + len(errors))
        root = ET.Element("testsuites", root_attrs)
        out = _Chunks(fp)
        out.add('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not per_control and not errors:
            out.add(_xml(root) + "\n")
            out.flush()
            return
        out.add(_open_tag(root))
        current = ""
        for r in scan.results:
            if r.control_id != current:
                if current:
                    out.add("\n  </testsuite>")
                current = r.control_id
                out.add("\n  " + _open_tag(self._suite(r, per_control[current], stamp)))
                props = self._properties(r)
                ET.indent(props, level=2)
                out.add("\n    " + _xml(props))
            out.add("\n    " + _testcase(r, known_text(view, r)))
        if current:
            out.add("\n  </testsuite>")
        if errors:
            suite = self._collection_suite(errors, stamp)
            ET.indent(suite, level=1)
            out.add("\n  " + _xml(suite))
        out.add("\n</testsuites>\n")
        out.flush()

    @staticmethod
    def _suite(first: Result, statuses: Counter[Status], stamp: str) -> ET.Element:
        return ET.Element(
            "testsuite", {"name": first.control_id, **_counts(statuses), "timestamp": stamp}
        )

    @staticmethod
    def _properties(first: Result) -> ET.Element:
        props = ET.Element("properties")
        ET.SubElement(props, "property", {"name": "title", "value": _clean(first.title)})
        ET.SubElement(props, "property", {"name": "severity", "value": first.severity.value})
        for fw, ids in sorted(first.frameworks.items()):
            ET.SubElement(props, "property", {"name": fw, "value": ", ".join(ids)})
        return props

    @staticmethod
    def _collection_suite(errors: list[CollectionError], stamp: str) -> ET.Element:
        suite = ET.Element(
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
                {"name": _clean(f"{e.collector} {where}".strip()), "classname": COLLECTION_SUITE},
            )
            case.set("time", "0")
            el = ET.SubElement(case, "error", {"message": _clean(e.message), "type": "collection"})
            types = ", ".join(e.resource_types) or "all resource types of this collector"
            el.text = _clean(f"missing data for: {types}")
        return suite


class _Chunks:
    """Collects small strings and writes them to a binary file in large pieces."""

    def __init__(self, fp: IO[bytes], size: int = 1 << 16) -> None:
        self._fp = fp
        self._parts: list[str] = []
        self._len = 0
        self._size = size

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._len += len(text)
        if self._len >= self._size:
            self.flush()

    def flush(self) -> None:
        self._fp.write("".join(self._parts).encode("utf-8"))
        self._parts.clear()
        self._len = 0
