"""`govscan soa`: where it writes, what it refuses, and a hostile bundle."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govscan.cli import cli

from .conftest import make_bundle


def run(bundle: Path, *extra: str) -> Result:
    args = ["soa", "--framework", "iso27001-2022", "--bundle", str(bundle), "--format", "csv"]
    return CliRunner().invoke(cli, [*args, *extra])


def test_default_output_is_the_current_directory(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    res = run(bundle)
    assert res.exit_code == 0, res.output
    assert (work / "soa-iso27001-2022.csv").is_file()


@pytest.mark.parametrize("inside", [".", "reports", "reports/deeper"])
def test_refuses_an_output_dir_inside_the_bundle(bundle: Path, inside: str) -> None:
    before = sorted(p.name for p in bundle.iterdir())
    res = run(bundle, "--output-dir", str(bundle / inside))
    assert res.exit_code == 2
    assert "inside the bundle" in res.output and "Traceback" not in res.output
    assert sorted(p.name for p in bundle.iterdir()) == before


def test_refuses_to_overwrite_without_force(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "soa-iso27001-2022.csv"
    target.write_text("someone else's file")
    res = run(bundle, "--output-dir", str(out))
    assert res.exit_code == 2 and "--force" in res.output
    assert target.read_text() == "someone else's file"
    assert run(bundle, "--output-dir", str(out), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8-sig").startswith("Requirement,")


def test_force_replaces_a_link_and_never_writes_its_target(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep")
    os.symlink(victim, out / "soa-iso27001-2022.csv")
    assert run(bundle, "--output-dir", str(out)).exit_code == 2
    assert run(bundle, "--output-dir", str(out), "--force").exit_code == 0
    assert victim.read_text() == "keep"
    assert not (out / "soa-iso27001-2022.csv").is_symlink()


def test_unknown_format_is_a_usage_error(bundle: Path, tmp_path: Path) -> None:
    res = run(bundle, "--output-dir", str(tmp_path), "--format", "xlsx,docx")
    assert res.exit_code == 2 and "docx" in res.output


def test_a_tampered_bundle_warns_and_is_refused_with_verify(bundle: Path, tmp_path: Path) -> None:
    results = bundle / "results.json"
    results.write_text(results.read_text().replace('"message": "m"', '"message": "n"', 1))
    res = run(bundle, "--output-dir", str(tmp_path / "a"))
    assert res.exit_code == 0
    assert "warning" in res.output and "does not verify" in res.output
    res = run(bundle, "--output-dir", str(tmp_path / "b"), "--verify")
    assert res.exit_code != 0 and "does not verify" in res.output
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",
        b"[]",
        json.dumps({"schema": "govscan/attestations/v1", "attestations": {}}).encode(),
        json.dumps({"schema": "govscan/attestations/v1", "attestations": [{"id": 1}]}).encode(),
        json.dumps(
            {
                "schema": "govscan/attestations/v1",
                "attestations": [
                    {
                        "id": "a",
                        "control_id": "attestation.a",
                        "owner": "o",
                        "reviewed": "r",
                        "files": [{"path": ["x"]}],
                    }
                ],
            }
        ).encode(),
        b"[" * 100_000,
    ],
)
def test_a_malformed_attestations_file_is_one_line(tmp_path: Path, data: bytes) -> None:
    bundle = make_bundle(tmp_path / "bundle", data)
    res = run(bundle, "--output-dir", str(tmp_path / "out"))
    assert res.exit_code == 1, res.output
    lines = [ln for ln in res.output.splitlines() if "warning" not in ln]
    assert len(lines) == 1 and "attestations.json" in lines[0]
    assert "Traceback" not in res.output


def test_a_missing_bundle_is_one_line(tmp_path: Path) -> None:
    res = run(tmp_path / "nowhere", "--output-dir", str(tmp_path / "out"))
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert len([ln for ln in res.output.splitlines() if ln.strip()]) <= 2


def test_xlsx_without_openpyxl_is_a_usage_error(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    res = run(bundle, "--output-dir", str(tmp_path / "out"), "--format", "csv,xlsx")
    assert res.exit_code == 2 and "openpyxl" in res.output
    assert not (tmp_path / "out").exists()
