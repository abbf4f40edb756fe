"""Where a bundle lives in S3, the client that reaches it, and S3's failures as one line.

boto3 is imported only when a bundle is pushed or pulled. Every failure of a call
becomes a :class:`~govscan.errors.GovscanError` naming the bucket and the
operation: a usage error (exit 2) when the user named something that does not
exist, otherwise a storage error (exit 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govscan.errors import GovscanError, StorageError, UsageError
from govscan.evidence.manifest import plain_name

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_KEY_LIMIT = 1024
"""S3's limit on a key's length in bytes."""

_THROTTLED = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequests",
        "TooManyRequestsException",
        "RequestThrottled",
        "ServiceUnavailable",
    }
)
_EXPIRED = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired"}
)
_REJECTED = frozenset({"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"})
_DENIED = frozenset({"AccessDenied", "AllAccessDisabled", "AccountProblem", "403"})
_ABSENT = frozenset({"NoSuchKey", "404", "NotFound"})


@dataclass(frozen=True)
class S3Location:
    """``s3://bucket/prefix``: a bundle's files are ``prefix/<name>``."""

    bucket: str
    prefix: str
    """Without leading or trailing slash; may be empty (the bucket's top level)."""

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def key(self, name: str) -> str:
        """The key of one bundle file; only plain names (no separator, no ``..``)."""
        if not plain_name(name):
            raise UsageError(f"{self.url}: {name!r} is not a bundle file name")
        return f"{self.prefix}/{name}" if self.prefix else name

    def show(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.key(name)}"


def parse_location(text: str) -> S3Location:
    """An ``s3://bucket/prefix`` argument, checked (UsageError, exit 2, if not one)."""
    if not text.startswith("s3://"):
        raise UsageError(f"{text!r}: give the destination as s3://BUCKET/PREFIX")
    bucket, _, prefix = text[len("s3://") :].partition("/")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise UsageError(f"{text!r}: {bucket!r} is not a valid S3 bucket name")
    parts = prefix.strip("/").split("/") if prefix.strip("/") else []
    for part in parts:
        if not plain_name(part) or not part.isprintable():
            raise UsageError(
                f"{text!r}: every part of the prefix must be a plain name "
                "(no empty part, '.', '..', backslash or control character)"
            )
    joined = "/".join(parts)
    if len(joined.encode("utf-8")) > _KEY_LIMIT - 256:
        raise UsageError(f"{text!r}: the prefix is too long for S3 keys")
    return S3Location(bucket, joined)


def s3_client() -> Any:
    """An S3 client from the usual AWS configuration (environment, profile, role).

    Retries follow botocore's ``standard`` mode, so ``AWS_MAX_ATTEMPTS`` and the
    config file tune them; throttling that outlasts them is reported, not hidden."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise UsageError(
            "pushing or pulling evidence needs boto3: pip install 'govscan[aws]'"
        ) from None
    config = Config(retries={"mode": "standard"}, connect_timeout=10, read_timeout=60)
    try:
        return boto3.session.Session().client("s3", config=config)
    except Exception as exc:  # a broken profile or region setting, as botocore words it
        raise UsageError(f"cannot set up the S3 client: {_clean(str(exc))}") from None


def error_code(exc: BaseException, field: str = "Code") -> str:
    """The S3 error code (or another ``field``) of a botocore ``ClientError``; "" for
    anything else."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return ""
    error = response.get("Error")
    return str(error.get(field, "")) if isinstance(error, dict) else ""


def is_absent(exc: BaseException) -> bool:
    """Whether ``exc`` says the object is not there (or is a delete marker)."""
    return error_code(exc) in _ABSENT


def remote_error(exc: BaseException, where: S3Location, operation: str) -> GovscanError:
    """One line for a failed call: bucket, operation, and what went wrong."""
    code = error_code(exc)
    head = f"s3://{where.bucket}: {operation} failed"
    if code == "NoSuchBucket":
        return UsageError(f"s3://{where.bucket}: no such bucket ({operation})")
    if code in _DENIED:
        return StorageError(f"{head}: access denied ({code}); check the IAM policy")
    if code in _THROTTLED:
        return StorageError(f"{head}: throttled by S3 ({code}) after retries; try again later")
    if code in _EXPIRED:
        return StorageError(f"{head}: the AWS credentials have expired ({code}); renew them")
    if code in _REJECTED:
        return StorageError(f"{head}: the AWS credentials were rejected ({code})")
    if code:
        message = _clean(error_code(exc, "Message"))
        return StorageError(f"{head}: {code}" + (f": {message}" if message else ""))
    name = type(exc).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return StorageError(f"{head}: no AWS credentials found")
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError"):
        return StorageError(f"{head}: cannot reach S3 ({name})")
    if name in ("ReadTimeoutError",):
        return StorageError(f"{head}: S3 did not answer in time")
    return StorageError(f"{head}: {_clean(str(exc)) or name}")


def _clean(text: str) -> str:
    """First line, printable characters only, bounded: answers may come from anywhere."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return "".join(ch for ch in first if ch.isprintable())[:200]


def call(
    client: Any,
    where: S3Location,
    operation: str,
    *,
    absent: bool = False,
    unset: str = "",
    **params: Any,
) -> dict[str, Any] | None:
    """``client.<operation>(**params)`` with failures as one line. ``None`` instead of
    an error: with ``absent`` for a missing object (or a delete marker), and for the
    error code ``unset`` (a configuration the bucket does not have)."""
    from botocore.exceptions import BotoCoreError, ClientError

    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
    try:
        answer: dict[str, Any] = method(**params)
    except ClientError as exc:
        if (absent and is_absent(exc)) or (unset and error_code(exc) == unset):
            return None
        raise remote_error(exc, where, operation) from None
    except BotoCoreError as exc:
        raise remote_error(exc, where, operation) from None
    return answer
