"""``evidence verify`` and bundle reading on bundles built to break them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govscan.cli import cli
from govscan.errors import EvidenceError
from govscan.evidence.bundle import load_scan
from govscan.evidence.manifest import MANIFEST, SIGNATURE
from govscan.evidence.verify import verify_bundle

from .conftest import make_bundle, public_pem


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    return make_bundle(tmp_path_factory.mktemp("pristine") / "bundle", key)


@pytest.fixture
def copy(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "bundle"))


def _verify_cli(bundle: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["evidence", "verify", str(bundle), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _one_error_line(out: str) -> str:
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govscan: error: "), out
    assert "Traceback" not in out
    return lines[0]


def test_a_manifest_nested_200000_levels_deep_is_one_line(copy: Path) -> None:
    (copy / MANIFEST).write_text("[" * 200_000 + "]" * 200_000)
    code, out = _verify_cli(copy)
    assert code == 1
    assert "nested too deeply" in _one_error_line(out)


def test_a_manifest_linked_to_dev_zero_is_one_line(copy: Path) -> None:
    (copy / MANIFEST).unlink()
    (copy / MANIFEST).symlink_to("/dev/zero")
    code, out = _verify_cli(copy)
    assert code == 1
    assert "not a govscan manifest (a symbolic link)" in _one_error_line(out)


def test_an_oversized_manifest_is_one_line(copy: Path) -> None:
    with (copy / MANIFEST).open("wb") as fh:
        fh.truncate(16 * 1024 * 1024 + 1)  # sparse: no 16 MB written
    code, out = _verify_cli(copy)
    assert code == 1
    assert "larger than" in _one_error_line(out)


def test_a_manifest_that_is_a_fifo_does_not_hang(copy: Path) -> None:
    (copy / MANIFEST).unlink()
    os.mkfifo(copy / MANIFEST)
    code, out = _verify_cli(copy)
    assert code == 1
    assert "not a regular file" in _one_error_line(out)


def test_added_links_directories_and_fifos_are_reported(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    (copy / "link").symlink_to(outside)
    (copy / "dir").mkdir()
    os.mkfifo(copy / "pipe")
    report = verify_bundle(copy)
    assert not report.ok
    assert report.foreign == ("dir (directory)", "link (symbolic link)", "pipe (FIFO)")
    assert not report.added and not report.changed and not report.missing
    code, out = _verify_cli(copy)
    assert code == 1
    assert "added: link (symbolic link); not a regular file" in out
    assert "added: pipe (FIFO); not a regular file" in out
    assert "added: dir (directory); not a regular file" in out


def test_a_listed_file_replaced_by_a_link_to_identical_content_fails(
    copy: Path, tmp_path: Path
) -> None:
    # Same bytes, but through a link: verify never follows it.
    same = tmp_path / "same.csv"
    shutil.copyfile(copy / "results.csv", same)
    (copy / "results.csv").unlink()
    (copy / "results.csv").symlink_to(same)
    report = verify_bundle(copy)
    assert not report.ok
    assert report.missing == ("results.csv",)
    assert report.foreign == ("results.csv (symbolic link)",)


def test_a_signature_linked_to_dev_zero_fails_cleanly(
    copy: Path, signing_key: Ed25519PrivateKey
) -> None:
    (copy / SIGNATURE).unlink()
    (copy / SIGNATURE).symlink_to("/dev/zero")
    report = verify_bundle(copy, public_pem(signing_key))
    assert not report.ok and report.signature_ok is False
    assert "manifest.sig.json (symbolic link)" in report.foreign


def test_a_deeply_nested_signature_fails_cleanly(
    copy: Path, signing_key: Ed25519PrivateKey
) -> None:
    (copy / SIGNATURE).write_text("[" * 200_000)
    report = verify_bundle(copy, public_pem(signing_key))
    assert report.signature_ok is False
    assert "malformed" in report.signature


def test_manifest_entries_must_be_plain_names(copy: Path) -> None:
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["files"] += [
        {"path": "sub/file", "sha256": "0" * 64},
        {"path": "/etc/passwd", "sha256": "0" * 64},
        {"path": "results.csv", "sha256": "0" * 64},  # listed twice
        {"path": ["x"], "sha256": "0" * 64},
        "just a string",
    ]
    (copy / MANIFEST).write_text(json.dumps(manifest))
    report = verify_bundle(copy)
    assert not report.ok
    assert report.invalid[:3] == ("sub/file", "/etc/passwd", "results.csv")
    assert len(report.invalid) == 5


def test_reading_a_bundle_never_follows_a_link(copy: Path) -> None:
    (copy / "results.json").unlink()
    (copy / "results.json").symlink_to("/dev/zero")
    with pytest.raises(EvidenceError, match="unreadable bundle"):
        load_scan(copy)


def test_deeply_nested_side_files_are_one_error(copy: Path) -> None:
    (copy / "controls.json").write_text("[" * 200_000)
    with pytest.raises(EvidenceError, match="nested too deeply"):
        load_scan(copy)


def test_deeply_nested_results_are_one_line_naming_the_file(copy: Path, tmp_path: Path) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    (copy / "results.json").write_text('{"schema": "govscan/results/v1", "run": ' + deep + "}")
    result = CliRunner().invoke(
        cli, ["report", str(copy), "--format", "md", "--output-dir", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = [ln for ln in result.output.splitlines() if ln.startswith("govscan: error:")]
    assert "results.json" in line and "nested too deeply" in line


def test_results_of_the_wrong_types_are_one_error(copy: Path) -> None:
    doc = json.loads((copy / "results.json").read_text())
    doc["results"] = [{"control_id": 5, "status": ["pass"], "resource": "x"}]
    (copy / "results.json").write_text(json.dumps(doc))
    with pytest.raises(EvidenceError, match="malformed"):
        load_scan(copy)


def test_without_a_key_a_malformed_signature_still_fails(copy: Path) -> None:
    (copy / SIGNATURE).write_text('{"payload": 5, "signatures": "x"}')
    code, out = _verify_cli(copy)
    assert code == 1
    assert "signature: manifest.sig.json: signature envelope is malformed" in out


def test_without_a_key_a_signature_over_another_manifest_fails(copy: Path) -> None:
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["run"]["policy"] = "something else"
    (copy / MANIFEST).write_text(json.dumps(manifest))
    report = verify_bundle(copy)
    assert report.files_ok and not report.ok
    assert "signs another manifest.json" in report.signature
