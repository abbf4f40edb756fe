"""The output directory: what govscan may replace, and that it never loses anything else."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govscan.errors import StorageError, UsageError
from govscan.evidence.manifest import MANIFEST, MARKER, MARKER_BYTES, SIGNATURE
from govscan.evidence.outdir import OutputDir, bundle_problem, claim_output_dir
from govscan.evidence.safeio import open_new
from govscan.evidence.verify import verify_bundle
from govscan.reporters.sarif import SarifReporter

from .conftest import make_bundle


def _snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry below ``root`` (links as their target text), to prove nothing changed."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = p.read_bytes()
            else:
                out[rel] = "dir"
    return out


def _forge(root: Path, names: list[str], marker: bytes = MARKER_BYTES) -> None:
    """A directory dressed up as a bundle: marker and a manifest listing ``names``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_bytes(marker)
    files = [{"path": n, "sha256": "0" * 64, "size": 1} for n in [MARKER, *names]]
    (root / MANIFEST).write_text(json.dumps({"schema": "govscan/manifest/v1", "files": files}))


def test_a_new_directory_is_created_with_nothing_left_beside_it(tmp_path: Path) -> None:
    out = make_bundle(tmp_path / "a" / "b")
    assert verify_bundle(out).ok
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b"]


def test_an_empty_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    assert verify_bundle(make_bundle(tmp_path / "out")).ok


def test_a_second_run_replaces_its_own_bundle(tmp_path: Path) -> None:
    out = make_bundle(tmp_path / "out")
    first = _snapshot(out)
    make_bundle(out)
    assert _snapshot(out) == first
    assert verify_bundle(out).ok
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_git_repository_is_refused_and_left_untouched(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git" / "objects").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    before = _snapshot(repo)
    for _ in range(2):
        with pytest.raises(UsageError, match="not empty and not a govscan bundle") as caught:
            make_bundle(repo)
        assert caught.value.exit_code == 2
    assert _snapshot(repo) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"], "no staging left behind"


@pytest.mark.parametrize(
    ("setup", "why"),
    [
        (lambda d: (d / "notes.txt").write_text("mine"), "has no .govscan-bundle marker"),
        (lambda d: _forge(d, ["../victim.txt"]), "'../victim.txt', which is not a plain"),
        (lambda d: _forge(d, ["sub/x"]), "'sub/x', which is not a plain"),
        (lambda d: _forge(d, [], marker=b"something else\n"), "not govscan's marker"),
        (lambda d: (_forge(d, [".git"]), (d / ".git").mkdir()), "'.git', a directory"),
        (
            lambda d: (_forge(d, ["results.sarif"]), (d / "results.sarif").symlink_to("../v")),
            "'results.sarif', a symbolic link",
        ),
        (
            lambda d: (_forge(d, []), (d / "extra.txt").write_text("mine")),
            "'extra.txt', which its manifest does not list",
        ),
        (lambda d: _forge(d, ["gone.txt"]), "'gone.txt', which is not there"),
        (
            lambda d: (
                (d / MARKER).write_bytes(MARKER_BYTES),
                (d / MANIFEST).write_text("[" * 200_000),
            ),
            "nested too deeply",
        ),
    ],
    ids=[
        "unlisted-file",
        "dotdot",
        "subpath",
        "wrong-marker",
        "git-dir",
        "symlink",
        "extra-file",
        "listed-but-absent",
        "deep-manifest",
    ],
)
def test_anything_but_a_real_bundle_is_refused(tmp_path: Path, setup: object, why: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    setup(out)  # type: ignore[operator]
    before = _snapshot(tmp_path)
    assert why in (bundle_problem(out) or "")
    with pytest.raises(UsageError, match="refusing to write there"):
        make_bundle(out)
    assert _snapshot(tmp_path) == before


def test_an_output_dir_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="symbolic link"):
        make_bundle(tmp_path / "out")
    assert list(elsewhere.iterdir()) == []


def test_a_symlink_at_a_report_name_never_gets_its_target_written(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.sarif").symlink_to(victim)
    with pytest.raises(UsageError):
        make_bundle(out)
    assert victim.read_text() == "precious"
    # and the writer itself never follows one, even inside its own directory
    (tmp_path / "link").symlink_to(victim)
    with pytest.raises(StorageError, match="cannot write"):
        open_new(tmp_path / "link")
    assert victim.read_text() == "precious"


class Boom(Exception):
    pass


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_an_interrupted_run_leaves_the_previous_bundle_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    out = make_bundle(tmp_path / "out")
    before = _snapshot(out)

    def broken(self: object, scan: object, options: object, fp: object) -> None:
        fp.write(b'{"half": ')  # type: ignore[attr-defined]
        raise error()

    monkeypatch.setattr(SarifReporter, "write", broken)
    with pytest.raises(error):
        make_bundle(out)
    assert _snapshot(out) == before
    assert verify_bundle(out).ok
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "the staging directory is gone"


def test_a_failed_swap_puts_the_old_bundle_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = make_bundle(tmp_path / "out")
    before = _snapshot(out)
    real = OutputDir._rename
    calls: list[Path] = []

    def flaky(src: Path, dst: Path) -> None:
        calls.append(src)
        if len(calls) == 2:  # moving the new bundle in
            raise StorageError(f"cannot move {src} to {dst}: No space left on device")
        real(src, dst)

    monkeypatch.setattr(OutputDir, "_rename", staticmethod(flaky))
    with pytest.raises(StorageError, match="cannot move"):
        make_bundle(out)
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_second_concurrent_run_fails_at_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with claim_output_dir(out) as held:
        with pytest.raises(UsageError, match="another govscan run is writing") as caught:
            claim_output_dir(out).__enter__()
        assert caught.value.exit_code == 2
        assert held.staging.is_dir()
    # released: the next run goes ahead
    assert verify_bundle(make_bundle(out)).ok


def test_a_bundle_changed_during_the_run_is_left_alone(tmp_path: Path) -> None:
    out = make_bundle(tmp_path / "out")
    with claim_output_dir(out) as claim:
        (out / "added-meanwhile.txt").write_text("mine")
        with pytest.raises(StorageError, match="changed during the run"):
            claim.commit()
    assert (out / "added-meanwhile.txt").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_the_working_directory_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="contains the working directory"):
        make_bundle(Path("."))


def test_old_files_are_removed_only_after_the_swap(tmp_path: Path) -> None:
    out = make_bundle(tmp_path / "out", formats=["json", "sarif"])
    assert (out / "results.sarif").exists()
    make_bundle(out, formats=["json", "csv"])
    names = {p.name for p in out.iterdir()}
    assert "results.sarif" not in names and "results.csv" in names
    assert SIGNATURE not in names
    assert verify_bundle(out).ok


def test_runs_into_sibling_directories_go_ahead_side_by_side(tmp_path: Path) -> None:
    with claim_output_dir(tmp_path / "a") as a, claim_output_dir(tmp_path / "b") as b:
        assert a.staging.is_dir() and b.staging.is_dir()
        a.commit()
        b.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_a_staging_directory_left_by_a_killed_run_does_not_block(tmp_path: Path) -> None:
    leftover = tmp_path / ".out.govscan-tmp-0123456789ab"
    leftover.mkdir()
    (leftover / "results.json").write_text("{}")
    assert verify_bundle(make_bundle(tmp_path / "out")).ok
    # never deleted: a repository could commit a directory with that name
    assert (leftover / "results.json").read_text() == "{}"
