"""`govscan permissions` from the command line (the demo is tested in tests/demo)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from govscan.cli import cli


def test_permissions_prints_a_least_privilege_policy() -> None:
    result = CliRunner().invoke(cli, ["permissions", "--collector", "aws", "--policy", "baseline"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (statement,) = doc["Statement"]
    actions = statement["Action"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert "s3:GetEncryptionConfiguration" in actions
    assert "sts:GetCallerIdentity" in actions
    assert all(":" in a and "*" not in a for a in actions)
    assert not [a for a in actions if a.startswith(("s3:Put", "ec2:Create", "iam:Delete"))]
