"""A real `govscan scan` writes a bundle that verifies and re-renders byte for byte."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govscan import plugins
from govscan.cli import cli
from tests.core.fakes import FakeCollector, error, thing

from .conftest import private_pem, public_pem

CONTROL = """
id: fake.thing.encrypted
title: Things are encrypted
severity: high
resource: fake.thing
check: {path: encrypted, op: eq, value: true}
message: "{name} is not encrypted"
frameworks:
  nist-800-53-r5: [SC-28]
  dsgvo: ["Art. 32(1)(a)"]
"""
FORMATS = "json,sarif,junit,oscal,csv,md"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "controls").mkdir()
    (tmp_path / "controls" / "encrypted.yaml").write_text(CONTROL)
    (tmp_path / "policy.yaml").write_text(
        "name: fake\nextends: baseline\nselect: [{ids: ['fake.*']}]\n"
    )
    plugins.register(plugins.COLLECTORS_GROUP, "fake", FakeCollector)
    FakeCollector.always = True
    FakeCollector.items = [
        thing("t/a", encrypted=True),
        thing("t/b", encrypted=False, db_password="hunter2"),
        error(),
    ]
    yield tmp_path
    FakeCollector.always = False
    FakeCollector.items = []
    plugins.unregister(plugins.COLLECTORS_GROUP, "fake")


def test_scan_sign_verify_and_re_render(
    project: Path, signing_key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = project / "bundle"
    summary = project / "step-summary.md"
    monkeypatch.setenv("GOVSCAN_SIGNING_KEY", private_pem(signing_key).decode())
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    args = [
        "scan",
        "--controls",
        str(project / "controls"),
        "--policy",
        str(project / "policy.yaml"),
    ]
    result = CliRunner().invoke(cli, [*args, "--format", FORMATS, "--output-dir", str(out)])
    assert result.exit_code == 3, result.output  # the collection error makes it incomplete

    names = {p.name for p in out.iterdir()}
    assert {"manifest.json", "manifest.sig.json", "resources.jsonl.gz", "api-calls.json"} <= names
    assert "**Assessment incomplete**" in summary.read_text()
    with gzip.open(out / "resources.jsonl.gz", "rt") as fh:
        lines = [json.loads(line) for line in fh]
    assert {d["id"] for d in lines} == {"t/a", "t/b"}
    assert "hunter2" not in json.dumps(lines)

    key = project / "pub.pem"
    key.write_bytes(public_pem(signing_key))
    verify = CliRunner().invoke(cli, ["evidence", "verify", str(out), "--public-key", str(key)])
    assert verify.exit_code == 0, verify.output

    again = project / "again"
    report = CliRunner().invoke(
        cli, ["report", str(out), "--format", FORMATS, "--output-dir", str(again)]
    )
    assert report.exit_code == 0, report.output
    for path in again.iterdir():
        assert path.read_bytes() == (out / path.name).read_bytes(), path.name


def test_a_directory_that_is_not_a_bundle_is_refused_untouched(project: Path) -> None:
    FakeCollector.items = [thing("t/a", encrypted=True), thing("t/b", encrypted=False)]
    out = project / "bundle"
    (out / "results.sarif").mkdir(parents=True)  # where the SARIF file would go
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--controls",
            str(project / "controls"),
            "--policy",
            str(project / "policy.yaml"),
            "--format",
            "json,sarif",
            "--output-dir",
            str(out),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "not empty and not a govscan bundle" in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in out.iterdir()] == ["results.sarif"]


def test_a_failing_result_spool_is_a_storage_error() -> None:
    from govscan.errors import ExitCode, StorageError
    from govscan.model import ResourceRef, Result, Severity, Status
    from govscan.results.spool import ResultSpool

    spool = ResultSpool(batch=1)
    spool._db.close()  # stands in for a temporary directory that is full or gone
    r = Result("c", "t", Severity.LOW, Status.PASS, ResourceRef("x", "x/1"), {})
    with pytest.raises(StorageError, match="temporary database") as caught:
        spool.add(r)
    assert caught.value.exit_code is ExitCode.INCOMPLETE
