"""What push and pull say when S3 refuses: one line naming bucket and operation,
the right exit code, no traceback, and nothing recorded in the history."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from govscan.history.appending import open_history
from govscan.history.pushes import list_pushes

from .s3server import S3, Rule, moto_server, s3_env, scan_bundle

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    yield from moto_server()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scan_bundle(tmp_path_factory.mktemp("bundles"), "b")


@pytest.fixture
def s3(moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3]:
    env = s3_env(moto, tmp_path, monkeypatch)
    env.bucket("audit")
    yield env
    env.proxy.stop()


def _push(s3: S3, bundle: Path, *extra: str) -> tuple[int, str]:
    history = s3.tmp / "history.sqlite3"
    result = s3.govscan(
        "evidence", "push", str(bundle), "s3://audit/e", "--retain-days", "1",
        "--history", str(history), *extra,
    )  # fmt: skip
    return result.exit_code, result.stderr


def _recorded(s3: S3) -> int:
    store = open_history(str(s3.tmp / "history.sqlite3"))
    try:
        return len(list_pushes(store))
    finally:
        store.close()


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, "AccessDenied", "s3://audit: PutObject failed: access denied (AccessDenied)"),
        (503, "SlowDown", "s3://audit: PutObject failed: throttled by S3 (SlowDown)"),
        (
            400,
            "ExpiredToken",
            "s3://audit: PutObject failed: the AWS credentials have expired (ExpiredToken)",
        ),
    ],
)
def test_a_refused_upload_is_one_line_exit_3_and_not_recorded(
    s3: S3, bundle: Path, status: int, code: str, expected: str
) -> None:
    # results.json goes up after four other files: those are stored (and locked) by then.
    rule = s3.proxy.rule(Rule("PUT", "/audit/e/results.json", status=status, code=code))
    exit_code, stderr = _push(s3, bundle)
    assert rule.matched == 1
    assert exit_code == 3
    (line,) = stderr.strip().splitlines()
    assert line.startswith(f"govscan: error: {expected}")
    assert _recorded(s3) == 0
    # The manifest goes last, so the prefix never looks like a complete bundle.
    assert not any("manifest.json" in s and s.startswith("PUT") for s in s3.proxy.seen)


def test_a_missing_bucket_is_a_usage_error(s3: S3, bundle: Path) -> None:
    result = s3.govscan(
        "evidence", "push", str(bundle), "s3://no-such-bucket/e", "--retain-days", "1"
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "govscan: error: s3://no-such-bucket: no such bucket (GetObjectLockConfiguration)"
    )


def test_access_denied_on_the_lock_check(s3: S3, bundle: Path) -> None:
    s3.proxy.rule(Rule("GET", "/audit?object-lock", status=403, code="AccessDenied"))
    exit_code, stderr = _push(s3, bundle)
    assert exit_code == 3
    assert "s3://audit: GetObjectLockConfiguration failed: access denied" in stderr
    assert not any(s.startswith("PUT") for s in s3.proxy.seen)


def test_a_stored_checksum_other_than_the_manifests_fails_the_push(s3: S3, bundle: Path) -> None:
    other = base64.b64encode(hashlib.sha256(b"something else").digest()).decode()
    # A store that keeps another checksum than the one sent (moto stores what it is told).
    s3.proxy.rule(
        Rule("PUT", "/audit/e/controls.json", set_headers={"x-amz-checksum-sha256": other})
    )
    exit_code, stderr = _push(s3, bundle)
    assert exit_code == 3
    assert "s3://audit/e/controls.json (version " in stderr
    assert "SHA-256" in stderr and "is not the manifest's" in stderr
    assert _recorded(s3) == 0


def test_no_credentials(s3: S3, bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never the metadata address
    exit_code, stderr = _push(s3, bundle)
    assert exit_code == 3
    assert "s3://audit: GetObjectLockConfiguration failed: no AWS credentials found" in stderr
    assert not s3.proxy.seen


def test_pull_access_denied(s3: S3, bundle: Path, tmp_path: Path) -> None:
    assert _push(s3, bundle)[0] == 0
    s3.proxy.rule(Rule("GET", "/audit/e/results.json", status=403, code="AccessDenied"))
    result = s3.govscan("evidence", "pull", "s3://audit/e", str(tmp_path / "pulled"))
    assert result.exit_code == 3
    assert "s3://audit: GetObject failed: access denied (AccessDenied)" in result.stderr
    assert not (tmp_path / "pulled").exists()


def test_an_unreachable_history_uploads_nothing(s3: S3, bundle: Path) -> None:
    result = s3.govscan(
        "evidence", "push", str(bundle), "s3://audit/e", "--retain-days", "1",
        "--history", "mysql://nowhere/db",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "unsupported database" in result.stderr
    assert not s3.proxy.seen
