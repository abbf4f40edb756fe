"""Collector options: flags and ``targets`` blocks merged by the collectors' declarations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.config import load_config, merge_scan_options
from govscan.errors import UsageError, ValidationError

CONFIG = """\
targets:
  aws:
    regions: [eu-central-1, " eu-west-1"]
    profile: audit
    accounts_file: accounts.yaml
    organizations: true
    max_workers: 4
  azure: {subscriptions: [s1, s2]}
  repo:
    exclude: ["examples/*"]
    var_files: [ci/prod.tfvars]
    max_file_size: 1 MiB
  registry: avv.yaml
  records: vvt.yaml
"""


def test_file_targets_merge_into_the_collectors_options(tmp_path: Path) -> None:
    cfg = tmp_path / "govscan.yaml"
    cfg.write_text(CONFIG)
    targets = merge_scan_options(load_config(cfg), {"aws_profile": "cli"})["targets"]
    assert targets == {
        "aws": True,
        "aws_profile": "cli",
        "aws_regions": ["eu-central-1", "eu-west-1"],
        "aws_role_arn": None,
        "aws_external_id": None,
        "aws_accounts_file": str(tmp_path / "accounts.yaml"),
        "aws_organizations": True,
        "aws_max_workers": 4,
        "aws_max_calls_per_account": None,
        "aws_max_calls": None,
        "azure": True,
        "azure_subscriptions": ["s1", "s2"],
        "azure_management_group": None,
        "azure_cloud": None,
        "azure_endpoint": None,
        "azure_graph_endpoint": None,
        "azure_max_workers": None,
        "azure_max_calls_per_subscription": None,
        "azure_max_calls": None,
        "gcp": False,
        "gcp_projects": [],
        "gcp_folders": [],
        "gcp_organization": None,
        "gcp_endpoint": None,
        "gcp_endpoints": None,
        "gcp_no_asset_inventory": False,
        "gcp_max_workers": None,
        "gcp_max_calls_per_project": None,
        "gcp_max_calls": None,
        "repo": str(tmp_path / "."),
        "repo_exclude": ["examples/*"],
        "repo_var_files": [str(tmp_path / "ci/prod.tfvars")],
        "repo_max_file_size": 1024 * 1024,
        "registry": str(tmp_path / "avv.yaml"),
        "records": str(tmp_path / "vvt.yaml"),
    }


def test_flags_win_and_some_flags_target_their_collector() -> None:
    flags = {
        "aws_regions": "us-east-1,,eu-west-1",
        "aws_role_arn": "arn:aws:iam::1:role/r",
        "azure_subscriptions": "s1",
        "repo": Path("src"),
        "repo_var_files": (Path("a.tfvars"),),
        "repo_max_file_size": "2 KiB",
    }
    targets = merge_scan_options({}, flags)["targets"]
    assert targets["aws"] is True  # a role implies --aws
    assert targets["aws_regions"] == ["us-east-1", "eu-west-1"]
    assert targets["azure"] is False  # subscriptions alone do not
    assert (targets["repo"], targets["repo_var_files"]) == ("src", ["a.tfvars"])
    assert targets["repo_max_file_size"] == 2048
    with pytest.raises(UsageError, match="--max-file-size huge"):
        merge_scan_options({}, {"repo_max_file_size": "huge"})


def test_a_block_set_to_false_or_null_targets_nothing(tmp_path: Path) -> None:
    cfg = tmp_path / "govscan.yaml"
    cfg.write_text("targets:\n  aws: false\n  repo:\n  registry:\n")
    targets = merge_scan_options(load_config(cfg), {})["targets"]
    assert (targets["aws"], targets["repo"], targets["registry"]) == (False, None, None)
    cfg.write_text("targets:\n  aws: true\n  repo: {}\n")
    targets = merge_scan_options(load_config(cfg), {})["targets"]
    assert (targets["aws"], targets["repo"]) == (True, str(tmp_path / "."))


def test_every_targets_problem_is_reported_at_its_line(tmp_path: Path) -> None:
    cfg = tmp_path / "govscan.yaml"
    cfg.write_text(
        "targets:\n"
        "  aws:\n"
        "    regions: 5\n"
        "    max_workers: 0\n"
        "    organizations: 'yes'\n"
        "    profil: x\n"
        "  repo: [1, 2]\n"
        "  azure: on-demand\n"
        "  oracle: {}\n"
        "  registry: {file: reg.yaml, max_file_size: 3}\n"
    )
    with pytest.raises(ValidationError) as caught:
        load_config(cfg)
    assert [str(p).split("govscan.yaml:")[1] for p in caught.value.problems] == [
        "3:14: 'regions' must be a list of strings",
        "4:18: 'max_workers' must be a whole number above 0",
        "5:20: 'organizations' must be true or false",
        "6:5: unknown aws option 'profil' (valid: accounts_file, external_id, max_calls, "
        "max_calls_per_account, max_workers, organizations, profile, regions, role_arn)",
        "7:9: 'repo' must be a file or folder name or a mapping",
        "8:10: 'azure' must be a mapping of settings or true",
        "9:3: unknown target 'oracle' (valid: aws, azure, gcp, repo, registry, records)",
        "10:30: unknown registry option 'max_file_size' (valid: file)",
    ]
    cfg.write_text("targets:\n  repo:\n    max_file_size: 0\n")
    with pytest.raises(ValidationError) as caught:
        load_config(cfg)
    (problem,) = caught.value.problems
    assert str(problem).endswith(":3:20: 'max_file_size': a size must be more than 0 bytes")


def test_scan_help_groups_options_by_collector() -> None:
    result = CliRunner().invoke(cli, ["scan", "--help"])
    assert result.exit_code == 0, result.output
    headings = [ln for ln in result.output.splitlines() if ln and not ln.startswith(" ")]
    assert [h for h in headings if h.endswith(":")] == [
        "Options:",
        "AWS options:",
        "Azure options:",
        "Google Cloud options:",
        "Repository (Terraform, GitHub Actions, Dockerfiles) options:",
        "AVV registry (DSGVO) options:",
    ]
    general, aws = result.output.split("AWS options:")[0], result.output.split("AWS options:")[1]
    assert "--aws" not in general and "--policy" in general
    assert "--aws-organizations" in aws.split("Azure options")[0]


def test_placeholder_flags_are_accepted_and_say_nothing_is_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from typing import ClassVar

    from govscan.collectors.placeholders import _Placeholder

    class Later(_Placeholder):
        name: ClassVar[str] = "later"

    with caplog.at_level("WARNING"):
        assert Later.from_options({"later": True}) is None
    assert "no later collector is installed: --later is accepted and nothing of it" in caplog.text
    monkeypatch.chdir(tmp_path)  # no govscan.yaml here
    result = CliRunner().invoke(cli, ["scan", "--output-dir", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nothing to scan: give at least one target (--aws, --azure, --gcp, --repo PATH, " in (
        result.output
    )


def test_permissions_collector_and_its_provider_alias() -> None:
    runner = CliRunner()
    default = runner.invoke(cli, ["permissions", "--policy", "dsgvo"])
    named = runner.invoke(cli, ["permissions", "--policy", "dsgvo", "--collector", "aws"])
    alias = runner.invoke(cli, ["permissions", "--policy", "dsgvo", "--provider", "aws"])
    assert named.exit_code == alias.exit_code == 0, named.output
    assert named.stdout == alias.stdout
    # Several clouds offer a grant: the command asks which one.
    assert default.exit_code == 2
    assert "say which collector's grant to print: --collector (aws, azure" in default.output
    assert json.loads(named.stdout)["Statement"][0]["Sid"] == "GovscanReadOnly"
    repo = runner.invoke(cli, ["permissions", "--collector", "repo"])
    assert repo.exit_code == 2
    assert "collector 'repo' has no permissions to print (collectors that have: aws, azure" in (
        repo.output
    )


def test_scan_help_loads_collectors_but_no_sdk_or_schema_validator() -> None:
    code = (
        "import sys; from govscan.cli import main\n"
        "try:\n    main(['scan', '--help'])\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('boto3','botocore','moto','jsonschema','jinja2','rich')]\n"
        "print('MODULES:' + ','.join(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "AWS options:" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "MODULES:", proc.stdout


def test_command_line_config_and_runner_name_no_collector() -> None:
    import govscan.cli
    import govscan.config
    import govscan.runner

    sources = [Path(govscan.config.__file__), Path(govscan.runner.__file__)]
    sources += sorted(Path(govscan.cli.__file__).parent.glob("*.py"))
    for path in sources:
        text = path.read_text().lower()
        for name in ("aws", "azure", "gcp", "google", "boto"):
            assert name not in text, f"{path.name} names {name}"


def test_building_collectors_quiets_their_sdk_loggers(tmp_path: Path) -> None:
    import logging

    from govscan.runner import build_collectors

    sdk = logging.getLogger("botocore")
    sdk.setLevel(logging.DEBUG)
    try:
        (collector,) = build_collectors({"repo": str(tmp_path)})
        assert collector.name == "repo"
        assert sdk.level == logging.WARNING
    finally:
        sdk.setLevel(logging.NOTSET)
