"""A push records its object versions in the history, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govscan.history.appending import open_history
from govscan.history.pushes import list_pushes
from tests.history import conftest as history_fixtures

from .s3server import S3, moto_server, s3_env, scan_bundle

pytestmark = pytest.mark.integration

# The history tests' fixtures: an empty history on SQLite and on a real PostgreSQL.
history_url = history_fixtures.history_url
pg_server = history_fixtures.pg_server


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


def test_the_push_and_its_versions_are_recorded(s3: S3, bundle: Path, history_url: str) -> None:
    result = s3.govscan(
        "evidence", "push", str(bundle), "s3://audit/nightly/1", "--retain-days", "10",
        "--history", history_url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "history: push recorded as push 1" in result.stderr
    printed = dict(line.strip().split("  version ") for line in result.stdout.splitlines()[1:])
    store = open_history(history_url)
    try:
        (row,) = list_pushes(store)
    finally:
        store.close()
    manifest = (bundle / "manifest.json").read_bytes()
    assert row.bundle_digest == "sha256:" + hashlib.sha256(manifest).hexdigest()
    assert row.url == "s3://audit/nightly/1"
    assert row.run_id and row.run_id in manifest.decode()
    until = datetime.strptime(row.retain_until, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    pushed = datetime.strptime(row.pushed_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert until - pushed == timedelta(days=10)
    assert {o["name"]: o["version_id"] for o in row.objects} == printed
    client = s3.client()
    for o in row.objects:
        assert o["key"] == f"nightly/1/{o['name']}"
        head = client.head_object(Bucket="audit", Key=o["key"], VersionId=o["version_id"])
        assert head["ObjectLockMode"] == "COMPLIANCE"
        assert head["ContentLength"] == o["size"]


def test_a_failed_push_records_nothing(s3: S3, bundle: Path, history_url: str) -> None:
    from .s3server import Rule

    s3.proxy.rule(Rule("PUT", "/audit/n/manifest.json", status=403, code="AccessDenied"))
    result = s3.govscan(
        "evidence", "push", str(bundle), "s3://audit/n", "--retain-days", "1",
        "--history", history_url,
    )  # fmt: skip
    assert result.exit_code == 3
    store = open_history(history_url)
    try:
        assert list_pushes(store) == []
    finally:
        store.close()


def test_history_alone_is_govscan_history(
    s3: S3, bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "team.sqlite3"
    monkeypatch.setenv("GOVSCAN_HISTORY", str(path))
    args = ["evidence", "push", str(bundle), "s3://audit/d", "--retain-days", "1", "--history"]
    result = s3.govscan(*args)
    assert result.exit_code == 0, result.output
    store = open_history(str(path))
    try:
        assert [p.url for p in list_pushes(store)] == ["s3://audit/d"]
    finally:
        store.close()
