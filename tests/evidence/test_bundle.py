from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govscan.errors import EvidenceError, UsageError
from govscan.evidence.bundle import load_scan
from govscan.evidence.files import API_CALLS, CONTROLS, RESOURCES, RESULTS
from govscan.evidence.manifest import MANIFEST, MARKER, MARKER_BYTES, SIGNATURE
from govscan.evidence.verify import verify_bundle
from govscan.render import render_formats, write_scan_bundle, write_step_summary
from govscan.reporters.interface import ReportOptions
from govscan.reporters.markdown import MarkdownReporter
from govscan.reporters.registry import get_reporter
from govscan.serialize import dumps
from tests.reporters.sample_scan import ACCOUNT, sample_scan

from .conftest import FORMATS, make_bundle, public_pem

REPORT_FILES = {
    "results.sarif",
    "junit.xml",
    "oscal-assessment-results.json",
    "results.csv",
    "summary.md",
}


def test_layout(bundle: Path) -> None:
    names = {p.name for p in bundle.iterdir()}
    assert names == {RESULTS, RESOURCES, CONTROLS, API_CALLS, MANIFEST, SIGNATURE, MARKER} | (
        REPORT_FILES
    )
    assert (bundle / MARKER).read_bytes() == MARKER_BYTES


def test_manifest_lists_every_file_with_its_hash(bundle: Path) -> None:
    manifest = json.loads((bundle / MANIFEST).read_text())
    assert manifest["schema"] == "govscan/manifest/v1"
    assert manifest["govscan_version"] == "0.1.0"
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == {RESULTS, RESOURCES, CONTROLS, API_CALLS, MARKER} | REPORT_FILES
    assert [f["path"] for f in manifest["files"]] == sorted(listed)
    for name, entry in listed.items():
        data = (bundle / name).read_bytes()
        assert entry == {
            "path": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }


def test_manifest_records_the_run(bundle: Path) -> None:
    run = json.loads((bundle / MANIFEST).read_text())["run"]
    scan = sample_scan()
    assert run["id"] == scan.run.id
    assert run["started_at"] == "2025-03-01T10:15:00Z"
    assert run["finished_at"] == "2025-03-01T10:15:42.500000Z"
    assert run["policy"] == "dsgvo"
    assert run["controls_hash"] == scan.run.controls_hash
    assert run["policy_hash"] == scan.run.policy_hash
    assert f"aws:{ACCOUNT}" in run["identities"]
    assert {t["collector"] for t in run["targets"]} == {"aws", "repo", "registry"}


def test_results_json_is_the_contract_document(bundle: Path) -> None:
    doc = json.loads((bundle / RESULTS).read_text())
    assert doc["schema"] == "govscan/results/v1"
    assert doc["summary"] == sample_scan().summary
    raw = (bundle / RESULTS).read_text()
    assert raw == dumps(doc), "the one layout govscan writes (serialize.dumps)"
    assert len(raw.splitlines()) >= len(doc["results"]), "one result per line at most"


def test_load_scan_streams_results_into_a_spool(bundle: Path) -> None:
    from govscan.results.spool import ResultSpool

    scan = load_scan(bundle, spool_above=0)
    assert isinstance(scan.results, ResultSpool)
    assert list(scan.results) == list(sample_scan().results)


def test_load_scan_reads_results_json_in_another_layout(bundle: Path) -> None:
    doc = json.loads((bundle / RESULTS).read_text())
    (bundle / RESULTS).write_text(json.dumps(doc, indent=4))
    assert load_scan(bundle) == sample_scan()
    assert load_scan(bundle, spool_above=0) == sample_scan()


def test_a_corrupt_result_line_is_one_clear_error(bundle: Path) -> None:
    lines = (bundle / RESULTS).read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith('    {"control_id"'))
    lines[at] = '    {"control_id": "x", "broken\n'
    (bundle / RESULTS).write_text("".join(lines))
    for spool_above in (0, 1 << 30):
        with pytest.raises(EvidenceError, match="unreadable bundle"):
            load_scan(bundle, spool_above)


def test_load_scan_rebuilds_the_scan(bundle: Path) -> None:
    assert load_scan(bundle) == sample_scan()


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_re_renders_byte_identical(bundle: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "again"
    (written,) = render_formats(bundle, [fmt], ReportOptions(), out)
    assert written.read_bytes() == (bundle / written.name).read_bytes()


def test_re_rendering_into_the_bundle_keeps_it_verifiable(
    bundle: Path, signing_key: Ed25519PrivateKey
) -> None:
    before = (bundle / MANIFEST).read_bytes()
    render_formats(bundle, list(FORMATS), ReportOptions())
    assert (bundle / MANIFEST).read_bytes() == before, "same bytes, same manifest"
    assert verify_bundle(bundle, public_pem(signing_key)).ok


def test_the_same_scan_gives_the_same_bundle(
    tmp_path: Path, signing_key: Ed25519PrivateKey
) -> None:
    a = make_bundle(tmp_path / "a", signing_key)
    b = make_bundle(tmp_path / "b", signing_key)
    for path in a.iterdir():
        assert path.read_bytes() == (b / path.name).read_bytes(), path.name


def test_a_new_run_replaces_the_files_of_the_previous_one(tmp_path: Path) -> None:
    out = make_bundle(tmp_path / "out")
    make_bundle(out, formats=["json", "csv"])
    names = {p.name for p in out.iterdir()}
    assert "results.sarif" not in names
    assert "results.csv" in names
    listed = {f["path"] for f in json.loads((out / MANIFEST).read_text())["files"]}
    assert listed == names - {MANIFEST}
    assert verify_bundle(out).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "nothing left beside it"


def test_an_unsigned_run_drops_an_old_signature(
    tmp_path: Path, signing_key: Ed25519PrivateKey
) -> None:
    out = make_bundle(tmp_path / "out", signing_key)
    assert (out / SIGNATURE).exists()
    make_bundle(out)
    assert not (out / SIGNATURE).exists()


def test_a_bad_key_fails_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UsageError):
        write_scan_bundle(
            sample_scan(), out, ["json"], ReportOptions(), sign_key_pem=b"garbage", environ={}
        )
    assert list(out.iterdir()) == []


def test_step_summary_is_appended_when_the_variable_is_set(tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n")
    out = tmp_path / "out"
    out.mkdir()
    write_scan_bundle(
        sample_scan(), out, ["json"], ReportOptions(), environ={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    expected = MarkdownReporter().render(sample_scan(), ReportOptions()).decode()
    assert summary.read_text() == "earlier step\n" + expected
    assert "summary.md" not in {p.name for p in out.iterdir()}


def test_no_step_summary_without_the_variable(tmp_path: Path) -> None:
    assert write_step_summary(sample_scan(), ReportOptions(), environ={}) is None


def test_an_unwritable_step_summary_is_not_fatal(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(target)}
    assert write_step_summary(sample_scan(), ReportOptions(), environ=env) is None


def test_load_scan_errors(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no such bundle"):
        load_scan(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvidenceError, match=r"results\.json is missing"):
        load_scan(tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / RESULTS).write_text('{"schema": "other/v9"}')
    with pytest.raises(EvidenceError, match="unknown schema"):
        load_scan(bad)
    (bad / RESULTS).write_text("{not json")
    with pytest.raises(EvidenceError, match="unreadable"):
        load_scan(bad)


def test_reporters_come_from_the_registry() -> None:
    assert get_reporter("json").filename == RESULTS
