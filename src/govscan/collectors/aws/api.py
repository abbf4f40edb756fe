"""Every AWS API call goes through here: timed, counted and classified.

The call log aggregates by (account, region, service, operation) and goes
into the evidence bundle; errors are classified so that the collector can
tell "access denied" (an error result) from "the resource is gone" (skip).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from govscan.collectors.retry import RetriesExhausted
from govscan.model import ApiCall

# Codes that mean "the thing was deleted between list and describe": skip, not an error.
GONE = frozenset(
    {
        "NoSuchEntity",
        "NoSuchBucket",
        "ResourceNotFoundException",
        "NotFoundException",
        "DBInstanceNotFound",
        "DBInstanceNotFoundFault",
        "DBClusterNotFoundFault",
        "InvalidVolume.NotFound",
        "InvalidInstanceID.NotFound",
        "InvalidGroup.NotFound",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "NotFound",
        "RepositoryNotFoundException",
        "TrailNotFoundException",
        "FileSystemNotFound",
        "ListenerNotFound",
        "NoSuchDistribution",
        "NoSuchKey",
    }
)

# Codes that mean "not configured" for a detail call: the field is null, not an error.
NOT_CONFIGURED = frozenset(
    {
        "ServerSideEncryptionConfigurationNotFoundError",
        "NoSuchPublicAccessBlockConfiguration",
        "NoSuchBucketPolicy",
        "ReplicationConfigurationNotFoundError",
        "ObjectLockConfigurationNotFoundError",
        "NoSuchLifecycleConfiguration",
        "PasswordPolicyNotFound",
        "LifecyclePolicyNotFoundException",
    }
)

THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "RequestThrottled",
        "RequestThrottledException",
        "ProvisionedThroughputExceededException",
        "PriorRequestNotComplete",
    }
)

# What a call that ran out of retries counts as (see collectors/aws/retries.py).
_GAVE_UP_KIND = {"throttled": "throttled", "timed out": "unreachable", "unreachable": "unreachable"}


@dataclass(frozen=True)
class CallFailure(Exception):
    """A failed AWS call, classified. ``kind``: denied, throttled, gone, not-configured,
    opt-in, unreachable, not-implemented, credentials or error."""

    operation: str
    kind: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


def classify(exc: Exception) -> tuple[str, str, str]:
    """(kind, code, message) for an exception raised by botocore."""
    if isinstance(exc, RetriesExhausted):
        kind = _GAVE_UP_KIND.get(exc.gave_up.reason, "error")
        return kind, "", str(exc)
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        msg = str(err.get("Message", "")) or str(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in GONE:
            return "gone", code, msg
        if code in NOT_CONFIGURED:
            return "not-configured", code, msg
        if code in THROTTLING:
            return "throttled", code, "throttled; retries exhausted: " + msg
        if code == "OptInRequired" or ("not enabled" in msg.lower() and "region" in msg.lower()):
            return "opt-in", code, msg
        if code in (
            "ExpiredToken",
            "ExpiredTokenException",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "AuthFailure",
            "SignatureDoesNotMatch",
        ):
            return "credentials", code, msg
        if (
            "AccessDenied" in code
            or code in ("UnauthorizedOperation", "AuthorizationError", "Forbidden")
            or status == 403
        ):
            return "denied", code or "AccessDenied", msg
        if (
            code in ("NotImplemented", "InvalidAction")
            or "not yet implemented" in msg.lower()
            or status == 501
        ):
            return "not-implemented", code or "NotImplemented", msg
        return "error", code, msg
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return "unreachable", "", str(exc)
    if isinstance(exc, NoCredentialsError):
        return "credentials", "NoCredentials", str(exc)
    if isinstance(exc, NotImplementedError):
        return "not-implemented", "NotImplemented", str(exc) or "operation not implemented"
    return "error", type(exc).__name__, str(exc)


class CallLog:
    """Thread-safe aggregation of calls per (account, region, service, operation).

    A row is [calls, failed calls, milliseconds, retries]; a call that was retried
    counts once, its repeated attempts in ``retries``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str, str, str], list[float]] = {}

    def record(
        self, account: str, region: str, service: str, operation: str, seconds: float, failed: bool
    ) -> None:
        key = (account, region, service, operation)
        with self._lock:
            row = self._rows.setdefault(key, [0, 0, 0.0, 0])
            row[0] += 1
            row[1] += 1 if failed else 0
            row[2] += seconds * 1000.0

    def retried(self, account: str, region: str, service: str, operation: str) -> None:
        """One more attempt of a call (recorded before the call itself ends)."""
        key = (account, region, service, operation)
        with self._lock:
            self._rows.setdefault(key, [0, 0, 0.0, 0])[3] += 1

    def calls(self) -> list[ApiCall]:
        with self._lock:
            return [
                ApiCall("aws", svc, op, acct, region, int(r[0]), int(r[1]), r[2], int(r[3]))
                for (acct, region, svc, op), r in sorted(self._rows.items())
            ]

    def operations(self) -> set[str]:
        """``service:Operation`` names called (for least-privilege checks)."""
        with self._lock:
            return {f"{svc}:{op}" for (_, _, svc, op) in self._rows}


def service_prefix(client: Any) -> str:
    """The service part of the IAM action and call log name (``s3``, ``s3control``)."""
    service: str = client.meta.service_model.service_name
    # s3control signs as "s3" but its operations are account-level IAM actions.
    signing: str = client.meta.service_model.signing_name or service
    return "s3control" if service == "s3control" else signing


def _op_name(client: Any, method: str) -> str:
    name: str = client.meta.method_to_api_mapping.get(method, method)
    return name


class Api:
    """A client bound to one account and region, recording every call."""

    def __init__(self, client: Any, log: CallLog, account: str, region: str) -> None:
        self.client = client
        self.log = log
        self.account = account
        self.region = region
        self.service = client.meta.service_model.service_name
        self.prefix = service_prefix(client)

    def operation(self, method: str) -> str:
        return f"{self.prefix}:{_op_name(self.client, method)}"

    def call(self, method: str, **kwargs: Any) -> Any:
        op = _op_name(self.client, method)
        start = time.perf_counter()
        failed = False
        try:
            return getattr(self.client, method)(**kwargs)
        except Exception as exc:
            failed = True
            kind, code, msg = classify(exc)
            raise CallFailure(f"{self.prefix}:{op}", kind, code, msg) from exc
        finally:
            self.log.record(
                self.account, self.region, self.prefix, op, time.perf_counter() - start, failed
            )

    def pages(
        self, method: str, key: str, page_size: int | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        """Items of every page of a paginated list call."""
        op = _op_name(self.client, method)
        paginator = self.client.get_paginator(method)
        config = {"PageSize": page_size} if page_size else {}
        iterator = iter(paginator.paginate(PaginationConfig=config, **kwargs))
        while True:
            start = time.perf_counter()
            try:
                page = next(iterator)
            except StopIteration:
                return
            except Exception as exc:
                self.log.record(
                    self.account, self.region, self.prefix, op, time.perf_counter() - start, True
                )
                kind, code, msg = classify(exc)
                raise CallFailure(f"{self.prefix}:{op}", kind, code, msg) from exc
            self.log.record(
                self.account, self.region, self.prefix, op, time.perf_counter() - start, False
            )
            yield from page.get(key, [])
