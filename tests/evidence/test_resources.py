from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from govscan.evidence.redact import REDACTED, is_secret_key, redact
from govscan.evidence.resources import ResourceWriter, read_resources
from govscan.model import Resource, ResourceRef
from tests.reporters.sample_scan import sample_resources

KEYS = [
    "account",
    "data",
    "id",
    "location",
    "name",
    "origin",
    "provider",
    "region",
    "tags",
    "type",
    "unavailable",
]


def _write(path: Path, resources: list[Resource]) -> bytes:
    with ResourceWriter(path) as sink:
        for r in resources:
            sink.write(r)
    assert sink.count == len(resources)
    return path.read_bytes()


def test_one_sorted_json_line_per_resource(tmp_path: Path) -> None:
    _write(tmp_path / "r.jsonl.gz", sample_resources())
    with gzip.open(tmp_path / "r.jsonl.gz", "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert len(lines) == len(sample_resources())
    for line in lines:
        doc = json.loads(line)
        assert list(doc) == KEYS
        assert line == json.dumps(doc, sort_keys=True, ensure_ascii=False)


def test_lines_carry_what_results_point_at(tmp_path: Path) -> None:
    _write(tmp_path / "r.jsonl.gz", sample_resources())
    docs = {d["id"]: d for d in read_resources(tmp_path / "r.jsonl.gz")}
    tf = docs["infra: aws_s3_bucket.logs"]
    assert tf["location"] == {"path": "infra/storage.tf", "line": 12, "end_line": 24}
    assert tf["origin"] == "code"
    trail = docs["arn:aws:cloudtrail:us-east-1:123456789012:trail/main"]
    assert trail["unavailable"] == {"is_multi_region_trail": "AccessDenied"}
    assert trail["location"] is None


def test_gzip_is_reproducible(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.gz", sample_resources())
    second = _write(tmp_path / "b.gz", sample_resources())
    assert first == second
    assert first[4:8] == b"\x00\x00\x00\x00"  # mtime
    assert first[3] & 0x08 == 0  # no FNAME field


def test_write_outside_the_context_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        ResourceWriter(tmp_path / "x.gz").write(sample_resources()[0])


def test_secrets_are_redacted_on_the_way_to_disk(tmp_path: Path) -> None:
    ref = ResourceRef("aws.lambda.function", "arn:aws:lambda:eu-central-1:1:function:f")
    leaky = Resource(
        ref,
        {
            "environment": {"DB_PASSWORD": "hunter2", "LOG_LEVEL": "debug"},
            "password_policy": {"minimum_length": 14},
            "secret_arn": "arn:aws:secretsmanager:eu-central-1:1:secret:x",
            "user_data": "-----BEGIN RSA PRIVATE KEY-----\nMIIE...",
        },
        tags={"api_key": "abc123", "team": "core"},
    )
    _write(tmp_path / "r.gz", [leaky])
    (doc,) = read_resources(tmp_path / "r.gz")
    assert doc["data"]["environment"] == {"DB_PASSWORD": REDACTED, "LOG_LEVEL": "debug"}
    assert doc["data"]["password_policy"] == {"minimum_length": 14}
    assert doc["data"]["secret_arn"].startswith("arn:aws:secretsmanager")
    assert doc["data"]["user_data"] == REDACTED
    assert doc["tags"] == {"api_key": REDACTED, "team": "core"}
    raw = gzip.decompress((tmp_path / "r.gz").read_bytes())
    assert b"hunter2" not in raw and b"abc123" not in raw


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("client_secret", True),
        ("SessionToken", True),
        ("private_key", True),
        ("secret_access_key", True),
        ("access_key_id", False),
        ("kms_key_id", False),
        ("token_expires", False),
        ("bypass_mode", False),
        ("name", False),
    ],
)
def test_secret_key_names(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_redact_makes_plain_json() -> None:
    from datetime import date

    assert redact({"a": (1, 2), "b": frozenset({"y", "x"}), "d": date(2025, 1, 2)}) == {
        "a": [1, 2],
        "b": ["x", "y"],
        "d": "2025-01-02",
    }
