"""Storage-limitation fields of Terraform ``google_*`` resources: a bucket's lifecycle
Delete rules and a Cloud SQL instance's backup and transaction log retention, read as
the live collector reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govscan.collectors.repo.normalize_gcp import normalise
from govscan.collectors.repo.terraform import load_module

PROVIDER = 'provider "google" {\n  project = "p"\n  region = "europe-west3"\n}\n'
FIELDS = ("lifecycle_delete_age_days", "lifecycle_noncurrent_delete_days")


def _one(tmp_path: Path, body: str) -> tuple[dict[str, Any], dict[str, str]]:
    (tmp_path / "main.tf").write_text(PROVIDER + body)
    module = load_module(tmp_path, tmp_path)
    assert not module.errors
    [(_, _, data, unknown)] = list(normalise(module.resources))
    return data, unknown


def _rule(action: str, **condition: str) -> str:
    inner = "\n".join(f"      {k} = {v}" for k, v in condition.items())
    return (
        f"  lifecycle_rule {{\n    action {{\n      type = {action}\n    }}\n"
        f"    condition {{\n{inner}\n    }}\n  }}\n"
    )


def _bucket(tmp_path: Path, *rules: str) -> tuple[tuple[Any, Any], dict[str, str]]:
    body = 'resource "google_storage_bucket" "b" {\n  name = "b"\n' + "".join(rules) + "}\n"
    data, unknown = _one(tmp_path, body)
    return (data.get(FIELDS[0]), data.get(FIELDS[1])), unknown


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ((), (None, None)),
        ((_rule('"Delete"', age="90"), _rule('"Delete"', age="30")), (30, 30)),
        ((_rule('"Delete"', age="90", with_state='"LIVE"'),), (90, None)),
        ((_rule('"Delete"', age="90", with_state='"ARCHIVED"'),), (None, 90)),
        ((_rule('"Delete"', age="90", with_state='"ANY"'),), (90, 90)),
        ((_rule('"Delete"', days_since_noncurrent_time="7"),), (None, 7)),
        ((_rule('"Delete"', age="1", matches_suffix='[".tmp"]'),), (None, None)),
        ((_rule('"Delete"', age="1", created_before='"2020-01-01"'),), (None, None)),
        # The provider sends zeros and empty lists as "not set": they narrow nothing.
        ((_rule('"Delete"', age="5", num_newer_versions="0", matches_prefix="[]"),), (5, 5)),
        ((_rule('"SetStorageClass"', age="1"),), (None, None)),
    ],
)
def test_delete_bounds_of_lifecycle_rules(
    tmp_path: Path, rules: tuple[str, ...], expected: tuple[Any, Any]
) -> None:
    got, unknown = _bucket(tmp_path, *rules)
    assert got == expected
    assert not set(FIELDS) & set(unknown)


def test_a_rule_decided_only_at_apply_leaves_the_bound_unknown(tmp_path: Path) -> None:
    variables = 'variable "days" {\n  type = number\n}\nvariable "kind" {\n  type = string\n}\n'
    (tmp_path / "vars.tf").write_text(variables)
    _, unknown = _bucket(tmp_path, _rule('"Delete"', age="var.days"))
    assert set(FIELDS) <= set(unknown)
    assert "var.days" in unknown[FIELDS[0]]
    # An unknown action could be Delete, and could delete before the known rule does.
    _, unknown = _bucket(tmp_path, _rule('"Delete"', age="365"), _rule("var.kind", age="1"))
    assert "var.kind" in unknown[FIELDS[0]]
    # A known narrowing settles it whatever the unknown action is.
    got, unknown = _bucket(
        tmp_path, _rule('"Delete"', age="365"), _rule("var.kind", age="1", matches_prefix='["a"]')
    )
    assert got == (365, 365)
    assert not set(FIELDS) & set(unknown)


def _sql(tmp_path: Path, settings: str) -> dict[str, Any]:
    body = (
        'resource "google_sql_database_instance" "db" {\n  database_version = "POSTGRES_16"\n'
        f'  settings {{\n    tier = "db-f1-micro"\n{settings}  }}\n}}\n'
    )
    return _one(tmp_path, body)[0]


def test_backup_retention_reads_as_set_else_googles_defaults(tmp_path: Path) -> None:
    data = _sql(tmp_path, "")
    assert (data["backup_retained_count"], data["transaction_log_retention_days"]) == (7, 7)
    data = _sql(tmp_path, '    edition = "ENTERPRISE_PLUS"\n')
    assert data["transaction_log_retention_days"] == 14
    data = _sql(
        tmp_path,
        "    backup_configuration {\n      enabled = true\n"
        "      transaction_log_retention_days = 3\n"
        "      backup_retention_settings {\n        retained_backups = 30\n      }\n    }\n",
    )
    assert (data["backup_retained_count"], data["transaction_log_retention_days"]) == (30, 3)
