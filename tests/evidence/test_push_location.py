"""s3:// locations and the one-line form of S3's refusals (no server needed)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, NoCredentialsError

from govscan.errors import ExitCode, UsageError
from govscan.evidence.remote import parse_location, remote_error


def test_keys_stay_under_the_prefix() -> None:
    where = parse_location("s3://audit-bucket/nightly/2026-11-30/")
    assert where.url == "s3://audit-bucket/nightly/2026-11-30"
    assert where.key("results.json") == "nightly/2026-11-30/results.json"
    top = parse_location("s3://audit-bucket")
    assert top.key("manifest.json") == "manifest.json" and top.url == "s3://audit-bucket"
    for name in ("../x", "a/b", "..", ""):
        with pytest.raises(UsageError):
            where.key(name)


@pytest.mark.parametrize(
    "text",
    ["s3://ab", "s3://a_b/x", "s3://a..b/x", "s3://audit/x/./y", "s3://audit/x\ny", "gs://x/y"],
)
def test_locations_that_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_location(text)


def _client_error(code: str, message: str = "m") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "PutObject")


def test_refusals_are_one_line_with_bucket_and_operation() -> None:
    where = parse_location("s3://audit/x")
    denied = remote_error(_client_error("AccessDenied"), where, "PutObject")
    assert (
        denied.message
        == "s3://audit: PutObject failed: access denied (AccessDenied); check the IAM policy"
    )
    assert denied.exit_code == ExitCode.INCOMPLETE
    assert (
        remote_error(_client_error("NoSuchBucket"), where, "HeadObject").exit_code == ExitCode.USAGE
    )
    other = remote_error(_client_error("Weird", "line one\nline two\x1b[31m"), where, "GetObject")
    assert other.message == "s3://audit: GetObject failed: Weird: line one"
    creds = remote_error(NoCredentialsError(), where, "GetObject")
    assert creds.message == "s3://audit: GetObject failed: no AWS credentials found"
