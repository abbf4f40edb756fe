"""``govscan report``: where it writes, and what it does with a bundle that does not verify."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govscan.cli import cli
from govscan.errors import UsageError
from govscan.evidence.manifest import MANIFEST, SIGNATURE
from govscan.evidence.rerender import add_to_bundle
from govscan.evidence.verify import verify_bundle

from .conftest import make_bundle, private_pem, public_pem


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    return make_bundle(tmp_path_factory.mktemp("pristine") / "bundle", key, formats=["json", "md"])


@pytest.fixture
def copy(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "bundle"))


def _report(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["report", *args])
    assert "Traceback" not in result.output
    return result


def test_by_default_reports_go_to_another_directory(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    result = _report(str(copy), "--format", "md,sarif")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "govscan-reports").iterdir()) == [
        "results.sarif",
        "summary.md",
    ]
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


def test_a_link_planted_in_the_report_directory_is_replaced_not_followed(
    copy: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "rendered"
    out.mkdir()
    (out / "results.sarif").symlink_to(victim)
    result = _report(str(copy), "--format", "sarif", "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious"
    assert not (out / "results.sarif").is_symlink()
    assert sorted(p.name for p in out.iterdir()) == ["results.sarif"], "no temporary left"


def test_writing_inside_the_bundle_is_refused(copy: Path) -> None:
    result = _report(str(copy), "--format", "sarif", "--output-dir", str(copy / "sub"))
    assert result.exit_code == 2
    assert "inside the bundle" in result.output
    assert not (copy / "sub").exists()


def test_a_tampered_bundle_is_reported_and_refused_with_verify(copy: Path, tmp_path: Path) -> None:
    (copy / "summary.md").write_text("changed")
    out = tmp_path / "rendered"
    warned = _report(str(copy), "--format", "sarif", "--output-dir", str(out))
    assert warned.exit_code == 0
    assert "govscan: warning:" in warned.output
    assert "does not verify (changed: summary.md" in warned.output
    refused = _report(str(copy), "--format", "csv", "--output-dir", str(out), "--verify")
    assert refused.exit_code == 1
    assert refused.output.startswith("govscan: error:")
    assert "does not verify" in refused.output
    assert not (out / "results.csv").exists()


def test_verify_with_a_public_key_checks_the_signature(copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.pem"
    other.write_bytes(public_pem(Ed25519PrivateKey.from_private_bytes(bytes(32))))
    out = str(tmp_path / "rendered")
    args = [str(copy), "--format", "csv", "--output-dir", out, "--verify"]
    refused = _report(*args, "--public-key", str(other))
    assert refused.exit_code == 1 and "signature" in refused.output


def test_into_the_bundle_the_manifest_is_rewritten_and_signed_again(
    copy: Path, tmp_path: Path, signing_key: Ed25519PrivateKey
) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(private_pem(signing_key))
    result = _report(
        str(copy), "--format", "csv,sarif", "--output-dir", str(copy), "--sign-key", str(key)
    )
    assert result.exit_code == 0, result.output
    assert {"results.csv", "results.sarif"} <= {p.name for p in copy.iterdir()}
    assert verify_bundle(copy, public_pem(signing_key)).ok
    assert [p.name for p in tmp_path.iterdir()] == sorted(["bundle", "key.pem"])


def test_into_a_signed_bundle_without_a_key_is_refused(copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    result = _report(str(copy), "--format", "csv", "--output-dir", str(copy))
    assert result.exit_code == 2
    assert "give --sign-key" in result.output
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


def test_into_an_unsigned_bundle_it_still_verifies(copy: Path) -> None:
    (copy / SIGNATURE).unlink()
    result = _report(str(copy), "--format", "csv", "--output-dir", str(copy))
    assert result.exit_code == 0, result.output
    assert "results.csv" in (copy / MANIFEST).read_text()
    assert verify_bundle(copy).ok


def test_into_a_bundle_that_does_not_verify_is_refused(copy: Path) -> None:
    (copy / SIGNATURE).unlink()
    (copy / "summary.md").write_text("changed")
    before = (copy / MANIFEST).read_bytes()
    result = _report(str(copy), "--format", "csv", "--output-dir", str(copy))
    assert result.exit_code == 1
    assert "its manifest is not rewritten" in result.output
    assert (copy / MANIFEST).read_bytes() == before
    assert not (copy / "results.csv").exists()


def test_any_command_can_add_a_file_to_the_bundle_and_keep_it_verifiable(
    copy: Path, signing_key: Ed25519PrivateKey
) -> None:
    def write(source: Path, staging: Path) -> None:
        assert (source / MANIFEST).is_file()  # reads from the bundle, writes into staging
        (staging / "soa.md").write_text("statement of applicability\n")

    add_to_bundle(copy, ["soa.md"], write, sign_key_pem=private_pem(signing_key))
    assert (copy / "soa.md").read_text() == "statement of applicability\n"
    assert verify_bundle(copy, public_pem(signing_key)).ok


@pytest.mark.parametrize("name", ["../x", "sub/x", MANIFEST, SIGNATURE, ".govscan-bundle"])
def test_a_name_that_cannot_be_in_a_bundle_is_refused(copy: Path, name: str) -> None:
    with pytest.raises(UsageError, match="cannot be a file of a bundle"):
        add_to_bundle(copy, [name], lambda source, staging: None)
