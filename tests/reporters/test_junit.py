from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from govscan.model import Status
from govscan.reporters.interface import ReportOptions
from govscan.reporters.junit import COLLECTION_SUITE, JunitReporter

from .sample_scan import RESULTS, XSS, sample_scan


def _parse(tmp_path: Path, scan=None) -> JUnitXml:  # type: ignore[no-untyped-def]
    path = tmp_path / "junit.xml"
    path.write_bytes(JunitReporter().render(scan or sample_scan(), ReportOptions()))
    return JUnitXml.fromfile(str(path))


def test_one_case_per_control_and_resource(tmp_path: Path) -> None:
    xml = _parse(tmp_path)
    suites = {s.name: s for s in xml}
    assert set(suites) == {r.control_id for r in RESULTS} | {COLLECTION_SUITE}
    cases = [c for name, s in suites.items() if name != COLLECTION_SUITE for c in s]
    assert len(cases) == len(RESULTS)


def test_counts_match_the_statuses(tmp_path: Path) -> None:
    xml = _parse(tmp_path)
    xml.update_statistics()
    # 4 fail; 1 error result + 1 collection error; 1 waived + 1 not applicable skipped
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (10, 4, 2, 2)


def test_failures_errors_and_skips_carry_their_messages(tmp_path: Path) -> None:
    by_outcome: dict[type, list[str]] = {Failure: [], Error: [], Skipped: []}
    for suite in _parse(tmp_path):
        for case in suite:
            for outcome in case.result:
                by_outcome[type(outcome)].append(outcome.message or "")
    assert any(XSS in m for m in by_outcome[Failure])
    assert any("AccessDenied" in m for m in by_outcome[Error])
    assert any(m.startswith("waived by @web-team until 2025-12-31") for m in by_outcome[Skipped])


def test_control_characters_do_not_break_the_xml(tmp_path: Path) -> None:
    xml = _parse(tmp_path)
    suite = next(s for s in xml if s.name == "dsgvo.processor.avv-signed")
    case = next(iter(suite))
    message = case.result[0].message
    assert "\x07" not in message
    assert message.startswith("Mailer GmbH: AVV not signed")


def test_file_and_line_for_repository_findings(tmp_path: Path) -> None:
    suite = next(s for s in _parse(tmp_path) if s.name == "tf.aws.s3.bucket-versioning")
    where = sorted((c._elem.get("file"), c._elem.get("line")) for c in suite)
    # A module's resource is reported at its block in the module.
    assert where == [
        ("infra/storage.tf", "12"),
        ("modules/assets/main.tf", "3"),
        ("modules/assets/main.tf", "3"),
    ]


def test_clean_scan_has_no_collection_suite(tmp_path: Path) -> None:
    xml = _parse(tmp_path, replace(sample_scan(), errors=()))
    assert COLLECTION_SUITE not in {s.name for s in xml}


@pytest.mark.parametrize(
    "text",
    ["plain", 'quote " amp & lt < gt >', "tab\tnew\nline\rcr", "ctrl \x01\x1f end", "ü → 💥"],
)
@pytest.mark.parametrize("status", list(Status))
def test_hand_written_test_cases_match_elementtree(text: str, status: Status) -> None:
    """Each test case is written without ElementTree; it must be what ElementTree writes."""
    import xml.etree.ElementTree as ET

    from govscan.model import Location, ResourceRef, Result, Severity
    from govscan.reporters.junit import _case_name, _clean, _details, _skip_message, _testcase

    r = Result(
        control_id="c.x",
        title=f"title {text}",
        severity=Severity.HIGH,
        status=status,
        resource=ResourceRef("t", f"id {text}", f"name {text}", location=Location(f"{text}.tf", 3)),
        frameworks={"dsgvo": (f"Art. {text}",)},
        message=f"msg {text}",
    )
    case = ET.Element("testcase", {"name": _clean(_case_name(r)), "classname": "c.x", "time": "0"})
    case.set("file", f"{text}.tf")
    case.set("line", "3")
    message = _clean(r.message)
    if status is Status.FAIL:
        ET.SubElement(case, "failure", {"message": message, "type": "high"}).text = _details(r)
    elif status is Status.ERROR:
        ET.SubElement(case, "error", {"message": message, "type": "error"}).text = _details(r)
    elif status in (Status.WAIVED, Status.NOT_APPLICABLE):
        ET.SubElement(case, "skipped", {"message": _clean(_skip_message(r))})
    ET.indent(case, level=2)
    assert _testcase(r) == ET.tostring(case, encoding="unicode", short_empty_elements=True)
