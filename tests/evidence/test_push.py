"""govscan evidence push / pull against moto's S3 over HTTP (Object Lock included)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .conftest import private_pem, public_pem
from .s3server import S3, moto_server, s3_env, scan_bundle

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    yield from moto_server()


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bundles")
    return {
        "redacted": scan_bundle(root, "redacted"),
        "kept": scan_bundle(root, "kept", redact=False),
    }


@pytest.fixture
def s3(moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3]:
    env = s3_env(moto, tmp_path, monkeypatch)
    yield env
    env.proxy.stop()


def _listed(bundle: Path) -> dict[str, str]:
    doc = json.loads((bundle / "manifest.json").read_bytes())
    return {f["path"]: f["sha256"] for f in doc["files"]}


def test_the_scan_records_whether_personal_data_was_pseudonymised(
    bundles: dict[str, Path],
) -> None:
    for name, expected in (("redacted", "pseudonymised"), ("kept", "kept")):
        manifest = json.loads((bundles[name] / "manifest.json").read_bytes())
        results = json.loads((bundles[name] / "results.json").read_bytes())
        assert manifest["run"]["personal_data"] == expected
        assert results["run"]["personal_data"] == expected


def test_push_then_pull_round_trip(s3: S3, bundles: dict[str, Path], tmp_path: Path) -> None:
    s3.bucket("audit")
    bundle = bundles["redacted"]
    pushed = s3.govscan(
        "evidence", "push", str(bundle), "s3://audit/2026/run-1", "--retain-days", "30"
    )
    assert pushed.exit_code == 0, pushed.output
    assert "COMPLIANCE retention until" in pushed.stdout
    listed = _listed(bundle)
    client = s3.client()
    keys = {o["Key"] for o in client.list_objects_v2(Bucket="audit")["Contents"]}
    assert keys == {f"2026/run-1/{n}" for n in [*listed, "manifest.json"]}
    # The manifest went up last: a prefix holding it holds the whole bundle.
    puts = [s.split("?")[0] for s in s3.proxy.seen if s.startswith("PUT ")]
    assert puts[-1] == "PUT /audit/2026/run-1/manifest.json"

    out = tmp_path / "pulled"
    pulled = s3.govscan("evidence", "pull", "s3://audit/2026/run-1", str(out))
    assert pulled.exit_code == 0, pulled.output
    for name in [*listed, "manifest.json"]:
        assert (out / name).read_bytes() == (bundle / name).read_bytes()
    verified = s3.govscan("evidence", "verify", str(out))
    assert verified.exit_code == 0 and "OK:" in verified.stdout


def test_each_version_is_locked_in_compliance_mode_with_the_manifest_checksum(
    s3: S3, bundles: dict[str, Path]
) -> None:
    s3.bucket("audit")
    before = datetime.now(UTC).replace(microsecond=0)
    pushed = s3.govscan(
        "evidence", "push", str(bundles["redacted"]), "s3://audit/r", "--retain-days", "7"
    )
    assert pushed.exit_code == 0, pushed.output
    versions = dict(line.strip().split("  version ") for line in pushed.stdout.splitlines()[1:])
    expected = _listed(bundles["redacted"])
    expected["manifest.json"] = hashlib.sha256(
        (bundles["redacted"] / "manifest.json").read_bytes()
    ).hexdigest()
    assert set(versions) == set(expected)
    client = s3.client()
    for name, version in versions.items():
        # moto does not serve GetObjectRetention; HEAD of the version reports the lock.
        head = client.head_object(
            Bucket="audit", Key=f"r/{name}", VersionId=version, ChecksumMode="ENABLED"
        )
        assert head["ObjectLockMode"] == "COMPLIANCE"
        until = head["ObjectLockRetainUntilDate"].astimezone(UTC)
        assert before + timedelta(days=7) <= until <= datetime.now(UTC) + timedelta(days=7)
        assert base64.b64decode(head["ChecksumSHA256"]).hex() == expected[name]
        with pytest.raises(client.exceptions.ClientError, match="AccessDenied"):
            client.delete_object(Bucket="audit", Key=f"r/{name}", VersionId=version)


def test_a_bucket_without_object_lock_is_refused(s3: S3, bundles: dict[str, Path]) -> None:
    s3.bucket("plain", lock=False)
    result = s3.govscan(
        "evidence", "push", str(bundles["redacted"]), "s3://plain/x", "--retain-days", "1"
    )
    assert result.exit_code == 2
    assert "s3://plain: Object Lock is not enabled" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "KeyCount" in s3.client().list_objects_v2(Bucket="plain")
    assert s3.client().list_objects_v2(Bucket="plain")["KeyCount"] == 0


def test_a_bundle_that_kept_personal_data_needs_the_flag(s3: S3, bundles: dict[str, Path]) -> None:
    s3.bucket("audit")
    args = ["evidence", "push", str(bundles["kept"]), "s3://audit/k", "--retain-days", "1"]
    refused = s3.govscan(*args)
    assert refused.exit_code == 2
    assert "--no-redact" in refused.stderr and "erasure" in refused.stderr
    assert "--allow-personal-data" in refused.stderr
    assert not [s for s in s3.proxy.seen if s.startswith("PUT ")]
    accepted = s3.govscan(*args, "--allow-personal-data")
    assert accepted.exit_code == 0, accepted.output


def test_a_prefix_holding_a_bundle_is_not_pushed_to_again(s3: S3, bundles: dict[str, Path]) -> None:
    s3.bucket("audit")
    args = ["evidence", "push", str(bundles["redacted"]), "s3://audit/same", "--retain-days", "1"]
    assert s3.govscan(*args).exit_code == 0
    again = s3.govscan(*args)
    assert again.exit_code == 2 and "already holds a bundle" in again.stderr


def test_a_bundle_that_does_not_verify_is_not_pushed(
    s3: S3, bundles: dict[str, Path], tmp_path: Path
) -> None:
    import shutil

    s3.bucket("audit")
    copy = tmp_path / "copy"
    shutil.copytree(bundles["redacted"], copy)
    (copy / "controls.json").write_text("[]")
    result = s3.govscan("evidence", "push", str(copy), "s3://audit/t", "--retain-days", "1")
    assert result.exit_code == 1
    assert "does not verify (changed: controls.json" in result.stderr
    assert not [s for s in s3.proxy.seen if s.startswith("PUT ")]


@pytest.mark.parametrize(
    "url",
    ["audit/x", "s3://Audit/x", "s3://audit/../x", "s3://audit/a//b", "s3://audit/a\\b", "s3://a"],
)
def test_bad_destinations_are_usage_errors(s3: S3, bundles: dict[str, Path], url: str) -> None:
    result = s3.govscan("evidence", "push", str(bundles["redacted"]), url, "--retain-days", "1")
    assert result.exit_code == 2, result.output
    assert not s3.proxy.seen


def _pushed(s3: S3, bundles: dict[str, Path], prefix: str) -> None:
    s3.bucket("audit")
    result = s3.govscan(
        "evidence", "push", str(bundles["redacted"]), f"s3://audit/{prefix}", "--retain-days", "1"
    )
    assert result.exit_code == 0, result.output


def test_pull_refuses_a_changed_object_and_writes_nothing(
    s3: S3, bundles: dict[str, Path], tmp_path: Path
) -> None:
    _pushed(s3, bundles, "p")
    # Object Lock keeps the pushed version; a newer version can still be put on top.
    s3.client().put_object(Bucket="audit", Key="p/controls.json", Body=b"[]")
    out = tmp_path / "pulled"
    result = s3.govscan("evidence", "pull", "s3://audit/p", str(out))
    assert result.exit_code == 1
    assert "s3://audit/p does not verify (changed: controls.json" in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".pulled.*"))


def test_pull_refuses_a_missing_object(s3: S3, bundles: dict[str, Path], tmp_path: Path) -> None:
    _pushed(s3, bundles, "p")
    s3.client().delete_object(Bucket="audit", Key="p/results.json")  # a delete marker
    out = tmp_path / "pulled"
    result = s3.govscan("evidence", "pull", "s3://audit/p", str(out))
    assert result.exit_code == 1
    assert "missing: results.json" in result.stderr
    assert not out.exists()


def test_pull_refuses_a_manifest_naming_paths_outside_the_bundle(
    s3: S3, bundles: dict[str, Path], tmp_path: Path
) -> None:
    s3.bucket("audit")
    doc = {"schema": "govscan/manifest/v1", "files": [{"path": "../evil", "sha256": "00"}]}
    s3.client().put_object(Bucket="audit", Key="h/manifest.json", Body=json.dumps(doc).encode())
    result = s3.govscan("evidence", "pull", "s3://audit/h", str(tmp_path / "pulled"))
    assert result.exit_code == 1
    assert "'../evil', which is not a plain file name" in result.stderr
    assert not any("evil" in s for s in s3.proxy.seen)


def test_pull_never_writes_into_a_directory_that_holds_anything(
    s3: S3, bundles: dict[str, Path], tmp_path: Path
) -> None:
    _pushed(s3, bundles, "p")
    result = s3.govscan("evidence", "pull", "s3://audit/p", str(bundles["kept"]))
    assert result.exit_code == 2
    assert "only into a new or empty directory" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert s3.govscan("evidence", "pull", "s3://audit/p", str(empty)).exit_code == 0


def test_pull_of_a_prefix_without_a_bundle(s3: S3, tmp_path: Path) -> None:
    s3.bucket("audit")
    result = s3.govscan("evidence", "pull", "s3://audit/nothing", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "s3://audit/nothing: no manifest.json there" in result.stderr


def test_a_signed_bundle_round_trips_and_a_replaced_manifest_is_refused(
    s3: S3, tmp_path: Path, signing_key: Ed25519PrivateKey
) -> None:
    key, pub = tmp_path / "key.pem", tmp_path / "key.pub.pem"
    key.write_bytes(private_pem(signing_key))
    pub.write_bytes(public_pem(signing_key))
    bundle = scan_bundle(tmp_path, "signed", sign_key=key)
    _pushed(s3, {"redacted": bundle}, "s")
    good = s3.govscan(
        "evidence", "pull", "s3://audit/s", str(tmp_path / "a"), "--public-key", str(pub)
    )
    assert good.exit_code == 0, good.output
    assert "signature: valid Ed25519 signature" in good.stdout
    # Whoever may write to the bucket can put new versions of a file and of the
    # manifest on top of the locked ones; only the signature tells.
    doc = json.loads((bundle / "manifest.json").read_bytes())
    for entry in doc["files"]:
        if entry["path"] == "controls.json":
            entry.update(sha256=hashlib.sha256(b"[]").hexdigest(), size=2)
    client = s3.client()
    client.put_object(Bucket="audit", Key="s/controls.json", Body=b"[]")
    client.put_object(Bucket="audit", Key="s/manifest.json", Body=json.dumps(doc).encode())
    for extra in ([], ["--public-key", str(pub)]):
        out = tmp_path / f"b{len(extra)}"
        bad = s3.govscan("evidence", "pull", "s3://audit/s", str(out), *extra)
        assert bad.exit_code == 1
        assert "does not verify (signature:" in bad.stderr
        assert not out.exists()
