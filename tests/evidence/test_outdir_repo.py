"""The output directory is never part of the repository a scan walks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import govscan.collectors.repo as repo_collector
from govscan.cli import cli
from govscan.collectors.repo import RepoCollector
from govscan.collectors.repo import files as repo_files
from govscan.evidence.verify import verify_bundle

TF = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'


def _repo(root: Path) -> Path:
    (root / "infra").mkdir(parents=True)
    (root / "infra" / "main.tf").write_text(TF)
    return root


def _walked(root: Path, excluded: tuple[str, ...]) -> list[str]:
    col = RepoCollector.from_options({"repo": str(root), "exclude_paths": excluded})
    assert isinstance(col, RepoCollector)
    listing = repo_files.walk(col.root, col.exclude, col.skip)
    return [p.relative_to(col.root).as_posix() for p in listing.files]


def test_the_output_and_staging_directories_are_not_walked(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    for d in ("govscan-results", ".govscan-results.govscan-tmp-abc"):
        (root / d).mkdir()
        (root / d / "planted.tf").write_text(TF)
    real = root.resolve()
    excluded = (str(real / "govscan-results"), str(real / ".govscan-results.govscan-tmp-abc"))
    assert _walked(root, excluded) == ["infra/main.tf"]
    assert len(_walked(root, ())) == 3, "without the exclusion all three are walked"


def test_an_output_directory_elsewhere_changes_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    assert _walked(root, (str(tmp_path.resolve() / "out"),)) == ["infra/main.tf"]


def test_an_output_directory_that_is_the_repository_walks_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    assert _walked(root, (str(root.resolve()),)) == []


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = repo_files.walk

    def spy(root: Path, *args: Any) -> repo_files.Listing:
        listing = original(root, *args)
        seen.extend(p.relative_to(root).as_posix() for p in listing.files)
        return listing

    monkeypatch.setattr(repo_collector, "walk", spy)
    return seen


def test_scanning_twice_into_the_repository_replaces_the_bundle_and_skips_it(
    tmp_path: Path, walked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    args = ["scan", "--repo", ".", "--output-dir", "govscan-results", "--format", "json"]
    for _ in range(2):
        walked.clear()
        result = CliRunner().invoke(cli, [*args, "--fail-on", "none"])
        assert result.exit_code in (0, 3), result.output
        assert walked and all(not w.startswith((".govscan", "govscan-results")) for w in walked)
        assert verify_bundle(root / "govscan-results").ok
    assert sorted(p.name for p in root.iterdir()) == ["govscan-results", "infra"]


def test_the_repository_itself_as_output_directory_is_refused(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    result = CliRunner().invoke(cli, ["scan", "--repo", str(root), "--output-dir", str(root)])
    assert result.exit_code == 2
    assert "not empty and not a govscan bundle" in result.output
    assert sorted(p.name for p in root.iterdir()) == ["infra"]


def test_a_scan_while_another_holds_the_directory_fails_at_once(tmp_path: Path) -> None:
    from govscan.evidence.outdir import claim_output_dir

    root = _repo(tmp_path / "repo")
    out = tmp_path / "out"
    with claim_output_dir(out):
        result = CliRunner().invoke(cli, ["scan", "--repo", str(root), "--output-dir", str(out)])
    assert result.exit_code == 2
    assert "another govscan run is writing" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]
