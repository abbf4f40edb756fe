from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govscan.errors import EvidenceError, UsageError
from govscan.evidence.manifest import MANIFEST, SIGNATURE
from govscan.evidence.verify import verify_bundle

from .conftest import make_bundle, public_pem

LISTED = [
    ".govscan-bundle",
    "api-calls.json",
    "controls.json",
    "junit.xml",
    "oscal-assessment-results.json",
    "resources.jsonl.gz",
    "results.csv",
    "results.json",
    "results.sarif",
    "summary.md",
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    return make_bundle(tmp_path_factory.mktemp("pristine") / "bundle", key)


@pytest.fixture
def copy(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "bundle"))


def test_a_fresh_bundle_verifies(copy: Path, signing_key: Ed25519PrivateKey) -> None:
    report = verify_bundle(copy, public_pem(signing_key))
    assert report.ok
    assert report.signature_ok is True
    assert report.checked == len(LISTED)
    assert report.lines()[-1] == f"OK: {len(LISTED)} file(s) listed in manifest.json"


def test_without_a_key_the_signature_is_not_judged(copy: Path) -> None:
    report = verify_bundle(copy)
    assert report.ok and report.signature_ok is None
    assert "not checked" in report.signature


def test_the_manifest_lists_exactly_these_files(pristine: Path) -> None:
    listed = [f["path"] for f in json.loads((pristine / MANIFEST).read_text())["files"]]
    assert listed == LISTED


@pytest.mark.parametrize("name", LISTED)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_any_changed_byte_is_found(copy: Path, name: str, where: str) -> None:
    path = copy / name
    data = bytearray(path.read_bytes())
    index = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[where]
    data[index] ^= 0x01
    path.write_bytes(bytes(data))
    report = verify_bundle(copy)
    assert not report.ok
    assert report.changed == (name,)
    assert not report.added and not report.missing
    (line,) = [ln for ln in report.lines() if ln.startswith("changed:")]
    assert name in line and "size" in line and "sha256" in line


def test_an_added_file_is_found(copy: Path) -> None:
    (copy / "note.txt").write_text("hi")
    report = verify_bundle(copy)
    assert not report.ok
    assert report.added == ("note.txt",)
    assert "added: note.txt (not in the manifest)" in report.lines()


def test_an_added_directory_is_found_and_not_entered(copy: Path) -> None:
    (copy / "extra").mkdir()
    (copy / "extra" / "note.txt").write_text("hi")
    report = verify_bundle(copy)
    assert not report.ok
    assert report.foreign == ("extra (directory)",)
    assert "added: extra (directory); not a regular file" in report.lines()


@pytest.mark.parametrize("name", LISTED)
def test_a_removed_file_is_found(copy: Path, name: str) -> None:
    (copy / name).unlink()
    report = verify_bundle(copy)
    assert not report.ok
    assert report.missing == (name,)
    assert f"missing: {name} (listed in the manifest)" in report.lines()


def test_a_wrong_key_fails(copy: Path) -> None:
    other = Ed25519PrivateKey.from_private_bytes(bytes(32))
    report = verify_bundle(copy, public_pem(other))
    assert not report.ok
    assert report.signature_ok is False
    assert "does not verify" in report.signature


def test_a_missing_signature_fails_when_a_key_is_given(
    copy: Path, signing_key: Ed25519PrivateKey
) -> None:
    (copy / SIGNATURE).unlink()
    report = verify_bundle(copy, public_pem(signing_key))
    assert not report.ok
    assert report.signature.startswith("missing")
    assert verify_bundle(copy).ok  # without a key an unsigned bundle is fine


def test_a_rewritten_manifest_fails_the_signature(
    copy: Path, signing_key: Ed25519PrivateKey
) -> None:
    # The attack a signature exists for: change a file and fix up its hash.
    (copy / "results.csv").write_text("control_id\r\n")
    manifest = json.loads((copy / MANIFEST).read_text())

    for entry in manifest["files"]:
        if entry["path"] == "results.csv":
            entry["sha256"] = hashlib.sha256(b"control_id\r\n").hexdigest()
            entry["size"] = 12
    (copy / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    assert verify_bundle(copy).files_ok
    report = verify_bundle(copy, public_pem(signing_key))
    assert not report.ok
    assert "manifest.json differs" in report.signature


def test_a_tampered_envelope_fails(copy: Path, signing_key: Ed25519PrivateKey) -> None:
    env = json.loads((copy / SIGNATURE).read_text())
    sig = bytearray(env["signatures"][0]["sig"].encode())
    sig[5] = ord("A") if sig[5] != ord("A") else ord("B")
    env["signatures"][0]["sig"] = sig.decode()
    (copy / SIGNATURE).write_text(json.dumps(env))
    assert not verify_bundle(copy, public_pem(signing_key)).ok
    (copy / SIGNATURE).write_text("{}")
    report = verify_bundle(copy, public_pem(signing_key))
    assert report.signature == "signature envelope is malformed"


def test_a_manifest_entry_outside_the_bundle_is_invalid(copy: Path) -> None:
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["files"].append({"path": "../outside.txt", "sha256": "0" * 64, "size": 1})
    (copy / MANIFEST).write_text(json.dumps(manifest))
    report = verify_bundle(copy)
    assert not report.ok
    assert report.invalid == ("../outside.txt",)


def test_no_manifest_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r"no manifest\.json"):
        verify_bundle(tmp_path)
    (tmp_path / MANIFEST).write_text("[]")
    with pytest.raises(EvidenceError, match="not a valid govscan manifest"):
        verify_bundle(tmp_path)
    with pytest.raises(EvidenceError, match="no such bundle"):
        verify_bundle(tmp_path / "nope")


def test_a_public_key_that_is_not_ed25519_is_a_usage_error(copy: Path) -> None:
    with pytest.raises(UsageError, match="not a PEM public key"):
        verify_bundle(copy, b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_any_changed_byte_of_manifest_or_signature_fails_with_a_key(
    pristine: Path, tmp_path: Path, signing_key: Ed25519PrivateKey, where: str
) -> None:
    for name in (MANIFEST, SIGNATURE):
        bundle = Path(shutil.copytree(pristine, tmp_path / f"{name}-{where}"))
        data = bytearray((bundle / name).read_bytes())
        index = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[where]
        data[index] ^= 0x01
        (bundle / name).write_bytes(bytes(data))
        try:
            report = verify_bundle(bundle, public_pem(signing_key))
        except EvidenceError:
            continue  # a manifest that no longer parses: refused outright
        assert not report.ok, (name, where)


def test_reformatting_the_manifest_breaks_the_signature(
    copy: Path, signing_key: Ed25519PrivateKey
) -> None:
    manifest = json.loads((copy / MANIFEST).read_text())
    (copy / MANIFEST).write_text(json.dumps(manifest))
    report = verify_bundle(copy, public_pem(signing_key))
    assert report.files_ok and not report.ok
