"""Baseline files: made from a bundle, read back, updated, merged; hostile files refused."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.canonical import content_hash
from govscan.cli import cli
from govscan.errors import UsageError
from govscan.history.baseline import (
    baseline_digest,
    baseline_document,
    baseline_from_scan,
    load_baseline,
    merged,
    updated,
    write_baseline,
)
from govscan.model import Status
from govscan.schemas import schema

from .baseline_support import cloud_result, code_result, run, write_bundle

A = code_result("aws.ebs.volume-encrypted", ".: aws_ebs_volume.a")
B = code_result("aws.ebs.volume-encrypted", ".: aws_ebs_volume.b", path="other.tf")
ERR = code_result("residency.aws.ebs-volume-region", ".: aws_ebs_volume.a", status=Status.ERROR)
PASS = code_result("aws.s3.bucket-versioning", ".: aws_s3_bucket.logs", status=Status.PASS)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_create_holds_failures_and_errors_only_and_round_trips(tmp_path: Path) -> None:
    made = baseline_from_scan(run(A, ERR, PASS), reason="legacy", owner="team-a")
    assert {e.fingerprint for e in made.entries} == {A.fingerprint, ERR.fingerprint}
    error = next(e for e in made.entries if e.status == "error")
    assert error.message_hash.startswith("sha256:")  # the message itself is not kept
    assert ERR.message not in json.dumps(baseline_document(made))
    path = tmp_path / "b.json"
    write_baseline(path, made)
    back = load_baseline(path)
    assert back.entries == tuple(
        sorted(made.entries, key=lambda e: (e.control_id, e.path, e.resource_id))
    )
    assert baseline_digest(back) == content_hash(json.loads(path.read_text()))
    assert all(e.reason == "legacy" and e.owner == "team-a" for e in back.entries)


def test_the_written_file_validates_against_the_published_schema(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    made = baseline_from_scan(run(A, ERR), expires=date(2027, 1, 31))
    doc = baseline_document(made)
    assert list(Draft202012Validator(schema("baseline")).iter_errors(doc)) == []
    assert doc["entries"][0]["expires"] == "2027-01-31"


def test_cli_create_from_a_bundle(tmp_path: Path) -> None:
    bundle = write_bundle(run(A, B, PASS), tmp_path / "bundle")
    out = tmp_path / ".govscan-baseline.json"
    code, text = _cli("baseline", "create", "--from", str(bundle), "-o", str(out), "--owner", "x")
    assert code == 0, text
    assert "2 entries" in text
    assert "per-run" not in text  # code findings need no key
    assert {e.owner for e in load_baseline(out).entries} == {"x"}


def test_a_per_run_bundle_with_cloud_findings_is_flagged_on_create(tmp_path: Path) -> None:
    user = cloud_result("aws.iam.user-mfa", "arn:aws:iam::123456789012:user/u-1", "ab" * 16)
    bundle = write_bundle(run(A, user, fingerprints="per-run"), tmp_path / "bundle")
    code, text = _cli("baseline", "create", "--from", str(bundle), "-o", str(tmp_path / "b.json"))
    assert code == 0, text
    assert "per-run fingerprints: its 1 cloud entries will match no later scan" in text
    assert load_baseline(tmp_path / "b.json").fingerprints == "per-run"


def test_update_keeps_reasons_drops_the_fixed_and_adds_the_new(tmp_path: Path) -> None:
    old = baseline_from_scan(run(A, ERR), reason="accepted until migration", owner="ops")
    fixed_err = code_result(
        "residency.aws.ebs-volume-region", ".: aws_ebs_volume.a", status=Status.PASS
    )
    new, added, dropped = updated(old, run(A, B, fixed_err))
    by_fp = new.by_fingerprint()
    assert set(by_fp) == {A.fingerprint, B.fingerprint}
    assert by_fp[A.fingerprint].reason == "accepted until migration"
    assert by_fp[A.fingerprint].owner == "ops"
    assert by_fp[B.fingerprint].reason == ""
    assert (added, dropped) == (1, 1)


def test_cli_update_rewrites_in_place(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_baseline(path, baseline_from_scan(run(A, ERR), reason="why"))
    bundle = write_bundle(run(A), tmp_path / "bundle")
    code, text = _cli("baseline", "update", "--from", str(bundle), "-b", str(path))
    assert code == 0, text
    assert "1 fixed and dropped" in text
    assert [(e.fingerprint, e.reason) for e in load_baseline(path).entries] == [
        (A.fingerprint, "why")
    ]


def test_merge_keeps_both_conflicting_reasons_and_says_so(tmp_path: Path) -> None:
    one = baseline_from_scan(run(A), reason="vendor fix pending", owner="ops")
    two = baseline_from_scan(run(A, B), reason="decommissioned in Q3", expires=date(2026, 9, 30))
    both, conflicts = merged(one, two)
    by_fp = both.by_fingerprint()
    assert set(by_fp) == {A.fingerprint, B.fingerprint}
    assert by_fp[A.fingerprint].reason == "vendor fix pending | decommissioned in Q3"
    assert by_fp[A.fingerprint].owner == "ops"
    assert by_fp[A.fingerprint].expires == date(2026, 9, 30)
    assert conflicts == [f"{A.fingerprint} (aws.ebs.volume-encrypted): reasons differ, both kept"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_baseline(first, one)
    write_baseline(second, two)
    code, text = _cli("baseline", "merge", str(first), str(second), "-o", str(tmp_path / "c.json"))
    assert code == 0, text
    assert "conflict:" in text and "reasons differ, both kept" in text
    assert len(load_baseline(tmp_path / "c.json").entries) == 2


def _valid() -> dict[str, object]:
    return baseline_document(baseline_from_scan(run(A)))


BAD = {
    "not json": b"{not json",
    "not utf-8": b"\xff\xfe{}",
    "a list": b"[]",
    "wrong schema": json.dumps({"schema": "govscan/baseline/v9", "entries": []}).encode(),
    "no entries": json.dumps({"schema": "govscan/baseline/v1"}).encode(),
    "deep nesting": b'{"schema": "govscan/baseline/v1", "entries": '
    + b"[" * 100000
    + b"]" * 100000
    + b"}",
}


def _forged(change: str) -> bytes:
    doc: dict[str, object] = _valid()
    entry = dict(doc["entries"][0])  # type: ignore[index]
    if change == "short fingerprint":
        entry["fingerprint"] = "abc"
    elif change == "status pass":
        entry["status"] = "pass"
    elif change == "extra key":
        entry["sql"] = "drop table"
    elif change == "bad date":
        entry["expires"] = "2026-02-30"
    elif change == "number reason":
        entry["reason"] = 5
    elif change == "twice":
        doc["entries"] = [entry, entry]
        return json.dumps(doc).encode()
    elif change == "duplicate key":
        return json.dumps(doc).replace('"entries"', '"schema": "x", "entries"', 1).encode()
    doc["entries"] = [entry]
    return json.dumps(doc).encode()


FORGED = (
    "short fingerprint",
    "status pass",
    "extra key",
    "bad date",
    "number reason",
    "twice",
    "duplicate key",
)


@pytest.mark.parametrize("data", [*BAD.values(), *map(_forged, FORGED)], ids=[*BAD, *FORGED])
def test_a_malformed_or_forged_baseline_is_one_line_naming_the_file(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "hostile-baseline.json"
    path.write_bytes(data)
    with pytest.raises(UsageError) as err:
        load_baseline(path)
    assert str(path) in err.value.message and "\n" not in err.value.message
    repo = tmp_path / "repo"
    repo.mkdir()
    code, text = _cli(
        "scan", "--repo", str(repo), "--output-dir", str(tmp_path / "out"), "--baseline", str(path)
    )
    assert code == 2, text
    assert text.count("\n") == 1 and str(path) in text
    assert not (tmp_path / "out").exists()  # refused before anything was scanned


def test_a_missing_a_linked_and_an_oversized_baseline_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such baseline file"):
        load_baseline(tmp_path / "missing.json")
    real = tmp_path / "real.json"
    write_baseline(real, baseline_from_scan(run(A)))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(UsageError, match="cannot read baseline"):
        load_baseline(link)
    import govscan.history.baseline as module

    big = tmp_path / "big.json"
    big.write_bytes(b" " * 64)
    original = module.MAX_BYTES
    module.MAX_BYTES = 16
    try:
        with pytest.raises(UsageError, match="larger than 16 bytes"):
            load_baseline(big)
    finally:
        module.MAX_BYTES = original


def test_the_baseline_schema_is_published_and_valid() -> None:
    from jsonschema import Draft202012Validator

    code, text = _cli("schema", "baseline")
    assert code == 0
    Draft202012Validator.check_schema(json.loads(text))
