"""What a plan records beside its units."""

from __future__ import annotations

from pathlib import Path

from govscan.paths import data_dir
from govscan.runner import ScanConfig, plan_scan

PROVIDERS = """
terraform {
  required_providers {
    curl = { source = "anschoewe/curl" }
  }
}
resource "aws_s3_bucket" "x" { bucket = "x" }
"""
WORKFLOW = """on: push
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/thing@v1
"""


def tree(root: Path) -> Path:
    (root / "infra").mkdir(parents=True)
    (root / "infra" / "main.tf").write_text(PROVIDERS)
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    return root


def registry() -> str:
    demo = data_dir().parent / "demo" / "data" / "avv-registry.yaml"
    assert demo.is_file()
    return str(demo)


def test_the_registrys_shard_learns_every_scopes_providers_from_the_plan(tmp_path: Path) -> None:
    """The AVV registry judges the third-party services of every shard's scopes, so
    the plan reads them once; without a registry the plan does not parse Terraform."""
    root = tree(tmp_path / "repo")
    judged = plan_scan(
        ScanConfig(policy="baseline", targets={"repo": str(root), "registry": registry()})
    ).plan
    repo = [t for t in judged.targets if t.collector == "repo"]
    assert [dict(t.details) for t in repo] == [
        {"github_actions": ["someone/thing"], "terraform_providers": ["anschoewe/curl"]}
    ]
    alone = plan_scan(ScanConfig(policy="dsgvo", targets={"repo": str(root)})).plan
    assert [dict(t.details) for t in alone.targets if t.collector == "repo"] == [{}]
    assert {u.part for u in alone.units} == {"other", "tf:infra"}


def test_tuning_options_do_not_change_what_a_plan_covers() -> None:
    from govscan.shard.planfile import options_hash

    base = {"aws": True, "aws_regions": ["eu-central-1"], "repo": None}
    same = options_hash(base)
    assert options_hash({**base, "aws_max_calls": 4, "aws_max_workers": 2}) == same
    assert options_hash({**base, "exclude_paths": ("out",), "gcp_projects": []}) == same
    assert options_hash({**base, "aws_regions": ["eu-west-1"]}) != same
    assert options_hash({**base, "aws_organizations": True}) != same
