"""results.json is read back with a streaming parser, whatever its layout."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from govscan.errors import EvidenceError
from govscan.evidence.bundle import _read_results, load_scan, write_bundle
from govscan.evidence.files import RESULTS
from govscan.reporters.interface import ReportOptions
from govscan.reporters.oscal import OscalReporter
from govscan.results.spool import ResultSpool
from tests.reporters.sample_scan import sample_scan


def test_results_reach_the_spool_before_the_rest_of_the_file_is_read(bundle: Path) -> None:
    doc = json.loads((bundle / RESULTS).read_text())
    n = len(doc["results"])
    # One line, results first, and a file cut off after them: a reader that needed
    # the whole document would hand over nothing.
    text = json.dumps({"results": doc["results"]}, separators=(",", ":"))[:-1] + ',"errors":['
    (bundle / RESULTS).write_text(text)
    seen: list[Any] = []
    with pytest.raises(Exception, match="premature EOF"):
        _read_results(bundle / RESULTS, seen.append)
    assert seen == doc["results"]
    assert n > 1


def test_a_compact_results_json_is_spooled(bundle: Path) -> None:
    doc = json.loads((bundle / RESULTS).read_text())
    (bundle / RESULTS).write_text(json.dumps(doc, separators=(",", ":")))
    scan = load_scan(bundle, spool_above=0)
    assert isinstance(scan.results, ResultSpool)
    assert scan == sample_scan()


def test_a_dotted_key_is_not_a_result(bundle: Path) -> None:
    doc = json.loads((bundle / RESULTS).read_text())
    first = doc["results"][0]
    doc["results.item"] = first
    doc["run"]["results"] = [first]
    (bundle / RESULTS).write_text(json.dumps(doc))
    assert len(load_scan(bundle).results) == len(sample_scan().results)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"schema": "govscan/results/v1", "results": [', "premature EOF"),
        ('{"schema": "govscan/results/v1"} trailing', "trailing garbage"),
        ("", "premature EOF"),
    ],
)
def test_a_broken_results_json_is_one_line(bundle: Path, text: str, why: str) -> None:
    (bundle / RESULTS).write_text(text)
    with pytest.raises(EvidenceError) as info:
        load_scan(bundle)
    message = str(info.value)
    assert "\n" not in message
    assert message.endswith(f"unreadable bundle: results.json: parse error: {why}")


def test_a_results_json_that_is_not_an_object_is_refused(bundle: Path) -> None:
    (bundle / RESULTS).write_text("[1, 2]")
    with pytest.raises(EvidenceError, match="unknown schema None"):
        load_scan(bundle)


def test_the_writer_hands_the_reports_the_digest_of_results_json(tmp_path: Path) -> None:
    got: list[str] = []
    write_bundle(sample_scan(), tmp_path, lambda _dir, digest: got.append(digest))
    assert got == [hashlib.sha256((tmp_path / RESULTS).read_bytes()).hexdigest()]


def _cited(options: ReportOptions) -> str:
    doc = json.loads(OscalReporter().render(sample_scan(), options))
    resources = doc["assessment-results"]["back-matter"]["resources"]
    for resource in resources:
        for rlink in resource.get("rlinks", ()):
            if rlink["href"] == RESULTS:
                return str(rlink["hashes"][0]["value"])
    raise AssertionError("results.json is not cited")


def test_oscal_cites_the_digest_it_is_given_and_computes_it_otherwise() -> None:
    given = "ab" * 32
    assert _cited(ReportOptions(results_sha256=given)) == given
    from govscan.evidence.files import results_bytes

    expected = hashlib.sha256(results_bytes(sample_scan())).hexdigest()
    assert _cited(ReportOptions()) == expected
