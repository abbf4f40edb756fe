"""A sharded scan of code, merged, equals the single-process scan; merge refuses
shards that do not make one plan."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.shard.conftest import FP_KEY, PS_KEY, comparable, govscan, results, sharded

BUCKET = """
resource "aws_s3_bucket" "{name}" {{
  bucket = "{name}"
}}
resource "aws_s3_bucket_public_access_block" "{name}" {{
  bucket                  = aws_s3_bucket.{name}.id
  block_public_acls       = {flag}
  block_public_policy     = {flag}
  ignore_public_acls      = {flag}
  restrict_public_buckets = {flag}
}}
"""

WORKFLOW = """
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {ref: "${{ github.event.pull_request.head.sha }}"}
"""


def make_tree(root: Path) -> Path:
    for i, env in enumerate(("prod", "stage", "dev")):
        d = root / "infra" / env
        d.mkdir(parents=True)
        (d / "main.tf").write_text(
            BUCKET.format(name=f"data-{env}", flag="true" if i else "false")
            + 'module "net" {\n  source = "../../modules/net"\n}\n'
        )
    net = root / "modules" / "net"
    net.mkdir(parents=True)
    (net / "main.tf").write_text(BUCKET.format(name="net-logs", flag="false"))
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(WORKFLOW)
    (root / "Dockerfile").write_text("FROM python:3.12\nUSER root\n")
    return root


@dataclass(frozen=True)
class Estate:
    tree: Path
    tmp: Path
    single: Path
    shards: dict[int, list[Path]]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """One tree, its single-process scan and its shards for N = 1, 2, 3 (one plan)."""
    tmp = tmp_path_factory.mktemp("estate")
    tree = make_tree(tmp / "repo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVSCAN_FINGERPRINT_KEY", FP_KEY)
        mp.setenv("GOVSCAN_PSEUDONYM_KEY", PS_KEY)
        single = tmp / "single"
        args = ("--output-dir", single, "--format", "json", "--fail-on", "none")
        ran = govscan("scan", "--repo", tree, *args)
        assert ran.exit_code in (0, 3), ran.output
        shards = {n: sharded(tmp, n, ["--repo", tree]) for n in (1, 2, 3)}
        yield Estate(tree, tmp, single, shards)


@pytest.fixture
def tree(estate: Estate) -> Path:
    return estate.tree


def test_plan_lists_root_modules_never_a_called_module(tree: Path, tmp_path: Path) -> None:
    made = govscan("plan", "--repo", tree, "-o", tmp_path / "units.json")
    assert made.exit_code == 0, made.output
    plan = json.loads((tmp_path / "units.json").read_text())
    parts = [u.get("part") for u in plan["units"]]
    assert parts == ["other", "tf:infra/dev", "tf:infra/prod", "tf:infra/stage"]
    assert plan["digest"].startswith("sha256:")
    assert "4 units (4 repo)" in made.output


@pytest.mark.parametrize("count", [1, 2, 3])
def test_merged_shards_equal_the_single_process_scan(
    estate: Estate, tmp_path: Path, shared_keys: None, count: int
) -> None:
    shards = estate.shards[count]
    merged = tmp_path / "merged"
    joined = govscan(
        "merge", *shards, "--output-dir", merged, "--format", "json,sarif", "--fail-on", "none"
    )
    assert joined.exit_code == 0, joined.output
    assert comparable(results(merged)) == comparable(results(estate.single))
    shard = results(merged)["run"]["shard"]
    assert shard["index"] == 0 and shard["count"] == count and len(shard["merged"]) == count
    assert len(shard["units"]) == 4
    assert govscan("evidence", "verify", merged).exit_code == 0
    assert (merged / "results.sarif").is_file()
    manifest = json.loads((merged / "manifest.json").read_text())["run"]["shard"]
    digests = [
        "sha256:" + hashlib.sha256((s / "manifest.json").read_bytes()).hexdigest() for s in shards
    ]
    assert [m["manifest"] for m in manifest["merged"]] == digests


def test_a_shard_alone_is_an_ordinary_bundle(estate: Estate) -> None:
    first = estate.shards[3][0]
    doc = results(first)
    assert doc["run"]["shard"]["index"] == 1 and doc["run"]["shard"]["count"] == 3
    assert govscan("evidence", "verify", first).exit_code == 0


def test_merge_refuses_a_missing_or_repeated_shard(estate: Estate, tmp_path: Path) -> None:
    s1, s2, s3 = estate.shards[3]
    missing = govscan("merge", s1, s3, "--output-dir", tmp_path / "m1")
    assert missing.exit_code == 2 and "shard(s) 2 of 3 missing" in missing.output
    copy = tmp_path / "copy-of-2"
    shutil.copytree(s2, copy)
    twice = govscan("merge", s1, s2, copy, s3, "--output-dir", tmp_path / "m2")
    assert twice.exit_code == 2 and "are both shard 2/3" in twice.output
    assert not (tmp_path / "m1").exists() and not (tmp_path / "m2").exists()


def test_merge_refuses_shards_of_another_plan(
    estate: Estate, tmp_path: Path, shared_keys: None
) -> None:
    tree = make_tree(tmp_path / "repo")
    (tree / "infra" / "qa").mkdir()
    (tree / "infra" / "qa" / "main.tf").write_text(BUCKET.format(name="data-qa", flag="true"))
    plan = tmp_path / "units.json"
    assert govscan("plan", "--repo", tree, "-o", plan).exit_code == 0
    t2 = tmp_path / "t2"
    args = ("--plan", plan, "--shard", "2/2", "--output-dir", t2, "--format", "json")
    ran = govscan("scan", "--repo", tree, *args, "--fail-on", "none")
    assert ran.exit_code in (0, 3), ran.output
    other = govscan("merge", estate.shards[2][0], t2, "--output-dir", tmp_path / "m")
    assert other.exit_code == 2 and "belongs to another plan" in other.output


def test_merge_refuses_a_changed_shard(estate: Estate, tmp_path: Path) -> None:
    s1, s2 = estate.shards[2]
    s2 = Path(shutil.copytree(s2, tmp_path / "s2"))
    doc = results(s2)
    doc["results"] = [r for r in doc["results"] if r["status"] != "fail"]
    (s2 / "results.json").write_text(json.dumps(doc))
    forged = govscan("merge", s1, s2, "--output-dir", tmp_path / "m")
    assert forged.exit_code == 1, forged.output
    assert "does not verify (changed: results.json" in forged.output


def test_merge_never_writes_into_a_shard(estate: Estate) -> None:
    s1, s2 = estate.shards[2]
    before = (s1 / "results.json").read_bytes()
    into = govscan("merge", s1, s2, "--output-dir", s1)
    assert into.exit_code == 2 and "overlaps the shard bundle" in into.output
    assert (s1 / "results.json").read_bytes() == before


def test_a_shard_scan_needs_the_shared_keys(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVSCAN_FINGERPRINT_KEY", raising=False)
    monkeypatch.delenv("GOVSCAN_PSEUDONYM_KEY", raising=False)
    ran = govscan("scan", "--repo", tree, "--shard", "1/2", "--output-dir", tmp_path / "o")
    assert ran.exit_code == 2
    assert "GOVSCAN_FINGERPRINT_KEY and GOVSCAN_PSEUDONYM_KEY in every shard" in ran.output


def test_shard_without_plan_plans_itself_when_that_is_deterministic(
    estate: Estate, tmp_path: Path, shared_keys: None
) -> None:
    for i in (1, 2):
        out = tmp_path / f"self-{i}"
        args = ("--shard", f"{i}/2", "--output-dir", out, "--format", "json", "--fail-on", "none")
        ran = govscan("scan", "--repo", estate.tree, *args)
        assert ran.exit_code in (0, 3), ran.output
        assert results(out)["run"]["shard"] == results(estate.shards[2][i - 1])["run"]["shard"]


def test_a_plan_for_other_options_is_refused(
    estate: Estate, tmp_path: Path, shared_keys: None
) -> None:
    plan = estate.tmp / "units.json"
    out = ("--output-dir", tmp_path / "o")
    ran = govscan("scan", "--repo", estate.tree, "--policy", "dsgvo", "--plan", plan, *out)
    assert ran.exit_code == 2 and "the plan was made with other controls" in ran.output
    ran = govscan("scan", "--repo", estate.tree / "infra", "--plan", plan, *out)
    assert ran.exit_code == 2 and "made with other scan targets or options" in ran.output
    doc = json.loads(plan.read_text())
    doc["units"].pop()
    (tmp_path / "edited.json").write_text(json.dumps(doc))
    ran = govscan("scan", "--repo", estate.tree, "--plan", tmp_path / "edited.json", *out)
    assert ran.exit_code == 2 and "does not match its digest" in ran.output
    (tmp_path / "bad.json").write_text('{"schema": "govscan/plan/v1", "units": 3}')
    ran = govscan("scan", "--repo", estate.tree, "--plan", tmp_path / "bad.json", *out)
    assert ran.exit_code == 2 and "bad.json: " in ran.output and "Traceback" not in ran.output
    assert not (tmp_path / "o").exists()


def test_the_merged_run_is_appended_to_a_history(estate: Estate, tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    merged = tmp_path / "merged"
    args = ("--output-dir", merged, "--format", "json", "--fail-on", "none")
    joined = govscan("merge", *estate.shards[2], *args, "--history", db)
    assert joined.exit_code == 0, joined.output
    assert "history: recorded as run 1" in joined.output
    shown = govscan("history", "list", "--history", db)
    summary = results(merged)["summary"]
    counts = f"{summary['fail']:>4} {summary['error']:>5} {summary['pass']:>5}  baseline"
    assert shown.exit_code == 0 and counts in shown.output


def test_a_shard_is_never_appended_to_a_history(estate: Estate, tmp_path: Path) -> None:
    ran = govscan(
        "scan", "--repo", estate.tree, "--shard", "1/2", "--history", tmp_path / "h.sqlite",
        "--output-dir", tmp_path / "o",
    )  # fmt: skip
    assert ran.exit_code == 2 and "govscan merge --history" in ran.output
    assert not (tmp_path / "h.sqlite").exists() and not (tmp_path / "o").exists()
