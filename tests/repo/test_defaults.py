"""Provider defaults (one table, each entry checked against the normaliser and the
docs) and how the normalisers record values unknown before apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govscan.collectors.repo.aws_defaults import DEFAULTS, Default
from govscan.collectors.repo.hcl import Invalid, Unknown
from govscan.collectors.repo.normalize_aws import normalise
from govscan.collectors.repo.terraform import load_module
from govscan.collectors.repo.unknowns import (
    all_of,
    any_of,
    as_bool,
    choose,
    mark_after_unknown,
    reason,
    split,
)
from govscan.language.paths import getter

DOCS = Path(__file__).parents[2] / "docs" / "repo.md"


def _normalised(tmp_path: Path, tf: str) -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
    (tmp_path / "main.tf").write_text(tf)
    module = load_module(tmp_path, tmp_path)
    assert not module.errors
    return {r.address: (data, unknown) for r, _, data, unknown in normalise(module.resources)}


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource}.{d.argument}")
def test_an_unset_argument_reads_as_the_documented_default(tmp_path: Path, entry: Default) -> None:
    out = _normalised(tmp_path, f'resource "{entry.resource}" "x" {{}}\n')
    data, unknown = out[f"{entry.resource}.x"]
    assert unknown == {}
    assert getter(entry.field)(data) == entry.value


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource}.{d.argument}")
def test_every_default_is_in_the_docs_table_with_its_source(entry: Default) -> None:
    rows = [line for line in DOCS.read_text().splitlines() if line.startswith("| `aws_")]
    row = next((r for r in rows if f"`{entry.resource}`" in r and f"`{entry.argument}`" in r), None)
    assert row is not None, entry
    assert entry.source in row and entry.since in row
    assert ("not applied" in row) is not entry.applied


def test_the_table_names_each_argument_once() -> None:
    keys = [(d.resource, d.argument) for d in DEFAULTS]
    assert len(keys) == len(set(keys))
    assert {d.decided_by for d in DEFAULTS} == {"aws", "provider"}


def test_an_aws_default_that_depends_on_the_bucket_is_not_applied(tmp_path: Path) -> None:
    # Block Public Access is on for buckets created since April 2023 only; the
    # definition may manage an older bucket, so it does not make the bucket private.
    out = _normalised(tmp_path, 'resource "aws_s3_bucket" "b" { bucket = "b" }\n')
    data, _ = out["aws_s3_bucket.b"]
    assert data["public_access_block"]["all"] is False
    assert data["default_encryption"] == {
        "enabled": True,
        "algorithm": "AES256",
        "kms_key_id": None,
        "bucket_key": False,
    }


# --- unknown values ----------------------------------------------------------------------


UNKNOWN_TF = """
variable "admin_cidrs" {}
variable "enc" {}
variable "open" { default = false }

resource "aws_kms_key" "k" {}

resource "aws_security_group" "g" {
  name = "g"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}

resource "aws_ebs_volume" "v" {
  availability_zone = "eu-central-1a"
  encrypted         = var.enc
  kms_key_id        = aws_kms_key.k.arn
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = var.open
  ignore_public_acls      = var.enc
  block_public_policy     = true
  restrict_public_buckets = true
}
"""


def test_a_variable_without_a_value_is_unknown_not_empty(tmp_path: Path) -> None:
    data, unknown = _normalised(tmp_path, UNKNOWN_TF)["aws_security_group.g"]
    why = "value unknown before apply: var.admin_cidrs; pass --tf-var-file or scan the plan JSON"
    # The list, and which of its items is open.
    assert unknown == {"ingress_rules": why, "ingress_rules[0]": why}
    # The rule is there (the list is not empty); its networks are not known.
    assert len(data["ingress_rules"]) == 1


def test_an_unknown_scalar_is_left_out_not_defaulted(tmp_path: Path) -> None:
    data, unknown = _normalised(tmp_path, UNKNOWN_TF)["aws_ebs_volume.v"]
    assert "encrypted" not in data
    assert unknown["encrypted"].startswith("value unknown before apply: var.enc;")
    # A reference to another resource's attribute is present with a placeholder.
    assert data["kms_key_id"] == "aws_kms_key.k.arn"
    assert unknown["kms_key_id"] == "value unknown before apply: aws_kms_key.k.arn"


def test_unknowns_inside_a_map_are_recorded_at_their_path(tmp_path: Path) -> None:
    data, unknown = _normalised(tmp_path, UNKNOWN_TF)["aws_s3_bucket.b"]
    assert data["default_encryption"]["algorithm"] == "aws:kms"
    assert unknown["default_encryption.kms_key_id"].endswith("aws_kms_key.k.arn")
    # block_public_acls is known false: "all" is false whatever var.enc turns out to be.
    assert data["public_access_block"]["all"] is False
    assert set(unknown) == {
        "default_encryption.kms_key_id",
        "public_access_block.ignore_public_acls",
    }


def test_logic_over_unknowns_decides_only_what_the_known_values_decide() -> None:
    u = Unknown("var.x")
    assert all_of([True, u]) is u
    assert all_of([False, u]) is False
    assert any_of([False, u]) is u
    assert any_of([True, u]) is True
    assert choose(u, 1, 2) is u
    assert as_bool(u, False) is u
    assert as_bool(None, True) is True
    assert as_bool("false", True) is False


def test_split_and_reasons() -> None:
    long = Unknown("lookup(" + "x" * 200 + ")")
    data, unknown = split({"a": {"b": long}, "c": [1, Unknown("var.y")], "d": 3})
    assert data == {"a": {}, "c": [1, "var.y"], "d": 3}
    assert set(unknown) == {"a.b", "c", "c[1]"}
    assert len(reason(long)) < 180
    assert reason(long).endswith("...; scan the plan JSON")
    assert reason(Invalid("one([1, 2])")) == "value Terraform would reject: one([1, 2])"


def test_plan_values_known_only_after_apply_become_unknown() -> None:
    values: dict[str, Any] = {
        "kms_key_id": None,
        "name": "t",
        "rule": [{"kms_master_key_id": None, "sse_algorithm": "aws:kms"}],
    }
    marks = {"kms_key_id": True, "name": True, "rule": [{"kms_master_key_id": True}], "x": 1}
    mark_after_unknown(values, marks, "aws_cloudtrail.t")
    assert values["kms_key_id"] == Unknown("aws_cloudtrail.t.kms_key_id", "aws_cloudtrail.t")
    assert values["name"] == "t"  # a value the plan states is kept
    assert isinstance(values["rule"][0]["kms_master_key_id"], Unknown)
    assert values["rule"][0]["sse_algorithm"] == "aws:kms"
    assert "x" not in values  # only ``true`` marks an unknown
    mark_after_unknown(values, ["not", "a", "map"], "a")  # wrong shapes are ignored


def test_deeply_nested_after_unknown_does_not_recurse() -> None:
    values: dict[str, Any] = {}
    marks: dict[str, Any] = {}
    inner_v, inner_m = values, marks
    for _ in range(5000):
        inner_v["a"], inner_m["a"] = {}, {}
        inner_v, inner_m = inner_v["a"], inner_m["a"]
    inner_m["leaf"] = True
    mark_after_unknown(values, marks, "r")
    assert isinstance(inner_v["leaf"], Unknown)
