"""``govscan evidence verify`` and ``govscan report`` on a real bundle."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govscan.cli import cli

from .conftest import public_pem


def _verify(bundle: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["evidence", "verify", str(bundle), *args])
    return result.exit_code, result.output


def test_verify_ok_and_signed(bundle: Path, signing_key: Ed25519PrivateKey, tmp_path: Path) -> None:
    key = tmp_path / "pub.pem"
    key.write_bytes(public_pem(signing_key))
    code, out = _verify(bundle, "--public-key", str(key))
    assert code == 0, out
    assert "signature: valid Ed25519 signature" in out
    assert out.rstrip().endswith("OK: 10 file(s) listed in manifest.json")


def test_verify_says_what_differs(bundle: Path) -> None:
    (bundle / "results.csv").write_bytes(b"x")
    (bundle / "summary.md").unlink()
    (bundle / "new.txt").write_text("new")
    code, out = _verify(bundle)
    assert code == 1
    assert "changed: results.csv (size" in out
    assert "missing: summary.md" in out
    assert "added: new.txt" in out
    assert "FAILED" in out


def test_verify_with_a_wrong_key_exits_1(bundle: Path, tmp_path: Path) -> None:
    key = tmp_path / "other.pem"
    key.write_bytes(public_pem(Ed25519PrivateKey.from_private_bytes(bytes(32))))
    code, out = _verify(bundle, "--public-key", str(key))
    assert code == 1
    assert "does not verify" in out


def test_report_re_renders_the_same_bytes(bundle: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "again"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(bundle),
            "--format",
            "sarif,junit,oscal,csv,md",
            "--output-dir",
            str(out_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == sorted(
        ["results.sarif", "junit.xml", "oscal-assessment-results.json", "results.csv", "summary.md"]
    )
    for name in names:
        assert (out_dir / name).read_bytes() == (bundle / name).read_bytes(), name


def test_report_into_a_copy_keeps_it_verifiable(bundle: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(bundle, tmp_path / "copy"))
    result = CliRunner().invoke(
        cli, ["report", str(copy), "--format", "sarif,md", "--output-dir", str(copy)]
    )
    assert result.exit_code == 0, result.output
    assert _verify(copy)[0] == 0
