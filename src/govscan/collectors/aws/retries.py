"""govscan's retry policy and token bucket on botocore clients.

botocore's own retries are off (``client_config`` allows one attempt), and two
event handlers take over on every client govscan makes:

- ``before-send``: each attempt on the wire takes a token from the bucket of
  the client's (account, region), retries included, then a call slot of its
  account and of the scan (``Throttle.slot``); ``response-received`` (every
  attempt's end) or ``after-call-error`` (a call that broke off) gives the slot
  back, so no slot is held while a retry waits;
- ``needs-retry``: throttling, HTTP 5xx, timeouts and refused connections are
  retried as ``RetryPolicy`` says (server hints honoured up to its cap); when
  the policy says stop, the call raises ``RetriesExhausted`` naming the
  operation, account and region. Every other answer is botocore's as usual.

botocore is imported only when a handler runs into an exception, so importing
this module stays cheap.
"""

from __future__ import annotations

import logging
import math
import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from govscan.collectors.retry import GaveUp, RetriesExhausted, Slot, Throttle

if TYPE_CHECKING:
    from govscan.collectors.aws.api import CallLog

THROTTLED_STATUS = frozenset({429})
SERVER_ERROR_STATUS = frozenset({500, 502, 503, 504})
TRANSIENT_CODES = frozenset(
    {"InternalError", "InternalFailure", "ServiceUnavailable", "RequestTimeout"}
    | {"RequestTimeoutException", "EC2ThrottledException", "IDPCommunicationError"}
)

logger = logging.getLogger(__name__)

# Waited seconds of one call, kept in botocore's per-call request context (shared by
# all attempts of that call, fresh for the next one).
_WAITED = "govscan_retry_waited"


def install(
    client: Any, throttle: Throttle, account: str, region: str, log: CallLog | None = None
) -> None:
    """Put ``client`` under ``throttle``'s policy and the bucket of (account, region,
    service);
    retries are counted in ``log``."""
    from govscan.collectors.aws.api import service_prefix

    prefix = service_prefix(client)
    # Services throttle independently: S3 detail calls must not wait behind EC2's.
    bucket = throttle.bucket((account, region, prefix), prefix)

    # botocore sends one attempt at a time per thread, so the slot of the attempt in
    # flight is this thread's.
    local = threading.local()

    def attempt_done(**_: Any) -> None:
        held: Slot | None = getattr(local, "slot", None)
        local.slot = None
        if held is not None:
            held.release()

    def before_send(**_: Any) -> None:
        attempt_done()  # a slot still held here was never given back: do it now
        bucket.take()
        local.slot = throttle.slot(("aws", account))

    def needs_retry(
        response: Any = None,
        operation: Any = None,
        attempts: int = 1,
        caught_exception: Exception | None = None,
        request_dict: Any = None,
        **_: Any,
    ) -> float | None:
        transient = _transient(response, caught_exception)
        if transient is None:
            return None
        reason, detail, hint = transient
        context = request_dict.get("context", {}) if isinstance(request_dict, dict) else {}
        waited = float(context.get(_WAITED, 0.0))
        wait = throttle.policy.next_wait(attempts, waited, hint, throttle.jitter())
        name = getattr(operation, "name", "")
        if wait is None:
            raise RetriesExhausted(
                GaveUp(reason, attempts, round(waited, 3), detail),
                f"{prefix}:{name}",
                account,
                region,
            ) from caught_exception
        context[_WAITED] = waited + wait
        logger.debug(
            "%s:%s in %s/%s: %s (%s), attempt %d, retrying in %.3g s",
            prefix,
            name,
            account or "-",
            region,
            reason,
            detail,
            attempts,
            wait,
        )
        if log is not None:
            log.retried(account, region, prefix, name)
        if wait > 0:
            throttle.clock.sleep_until(throttle.clock.now() + wait)
        # Retry now: the wait is done (on govscan's clock, not botocore's sleep).
        return 0.0

    # First: an in-process stub answering in ``before-send`` (a test double) answers
    # inside the slot, as a server would.
    client.meta.events.register_first("before-send", before_send)
    client.meta.events.register("response-received", attempt_done)
    client.meta.events.register("after-call-error", attempt_done)
    client.meta.events.register("needs-retry", needs_retry)


def _transient(response: Any, caught: Exception | None) -> tuple[str, str, float | None] | None:
    """(reason, last answer, server hint) when the attempt is worth repeating."""
    if caught is not None:
        return _transient_exception(caught)
    if not response:
        return None
    from govscan.collectors.aws.api import THROTTLING

    http, parsed = response
    status = int(getattr(http, "status_code", 0) or 0)
    if status < 400:
        return None
    error = parsed.get("Error", {}) if isinstance(parsed, dict) else {}
    code = str(error.get("Code", "") or "")
    message = str(error.get("Message", "") or "")
    detail = f"{code}: {message}" if code and message else code or f"HTTP {status}"
    if code in THROTTLING or status in THROTTLED_STATUS:
        reason = "throttled"
    elif status in SERVER_ERROR_STATUS or code in TRANSIENT_CODES:
        reason = "server error"
    else:
        return None
    return reason, detail, retry_after(getattr(http, "headers", {}) or {})


def _transient_exception(exc: Exception) -> tuple[str, str, float | None] | None:
    from botocore.exceptions import (
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        return "timed out", type(exc).__name__, None
    if isinstance(exc, EndpointConnectionError | ConnectionClosedError):
        return "unreachable", f"{type(exc).__name__}: {exc}", None
    return None


def retry_after(headers: Any) -> float | None:
    """The server's hint in seconds: ``x-amz-retry-after`` (milliseconds) or
    ``Retry-After`` (seconds or an HTTP date). Anything unreadable is no hint."""
    amz = _header(headers, "x-amz-retry-after")
    if amz is not None:
        value = _number(amz)
        return None if value is None else value / 1000.0
    plain = _header(headers, "retry-after")
    if plain is None or len(plain) > 64:
        return None
    value = _number(plain)
    if value is not None:
        return value
    try:
        when = parsedate_to_datetime(plain)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _header(headers: Any, name: str) -> str | None:
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value).strip()
    return None


def _number(text: str) -> float | None:
    if len(text) > 32:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    # A hostile "inf" means "as long as you allow": the policy's cap applies.
    if math.isnan(value) or value < 0:
        return None
    return value
